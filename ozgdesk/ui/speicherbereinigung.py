"""Python's garbage collector without stalling the window.

CPython's cyclic garbage collector stops every thread while it runs. Its young generations are
cheap; a *full* collection walks every object the interpreter tracks. While a long job runs on the
DB worker – a sync of a large Ressort, a catalogue import, a report of 200 projects – its data is
alive, the collector starts full collections again and again (each time a quarter more objects
have survived), and each one held the GUI thread for 0.3–0.8 s (``bench/herzschlag.py`` found them
with ``gc.callbacks``; the stacks showed the worker allocating, not computing).

Two measures, installed by :func:`einrichten` for the application (not for tests, which build
many windows in one process):

1. **Freeze what start-up loaded** (:func:`einfrieren`, after the post-start work): Qt, SQLAlchemy,
   the modules and the open pages – some 150,000 objects that live as long as the process – move
   to the permanent generation and are never walked again. A full collection of the idle window
   then takes a sixth of the time. Start-up garbage not yet collected at that moment stays (about
   1 % of the frozen objects, once).
2. **Full collections when idle** rather than in the middle of a job: the threshold of the oldest
   generation is raised (:data:`SCHWELLE_VOLL` collections of the middle one instead of 10), and
   once the background has had no task for :data:`RUHE_MS`, a full collection runs if the middle
   generation was collected at least ten times since the last one (CPython's own cadence). The
   young generations keep their thresholds: they are what reclaims a job's short-lived cycles.
"""

from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import QObject, QTimer

#: full collections are due after this many collections of the middle generation (CPython: 10);
#: a job of millions of allocations still gets one now and then, an ordinary one none
SCHWELLE_VOLL = 1000
#: a full collection waits for the background to have been idle this long
RUHE_MS = 1000
#: … and for the middle generation to have been collected this often since the last one
FAELLIG_NACH = 10


def einfrieren() -> None:
    """Move every object alive now (start-up: modules, Qt, the window) out of the collector's walk."""
    gc.freeze()


class Bereinigung(QObject):
    """Runs the full collection when the runner has been idle for a while."""

    def __init__(self, runner: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RUHE_MS)
        self._timer.timeout.connect(self._vielleicht_bereinigen)
        self._runner = runner
        runner.untaetig.connect(self._timer.start)
        runner.beschaeftigt.connect(self._timer.stop)
        #: full collections run here (tests and the benchmark read it)
        self.volle = 0

    def _vielleicht_bereinigen(self) -> None:
        if self._runner.laufend():
            return
        if gc.get_count()[2] >= FAELLIG_NACH:
            gc.collect()
            self.volle += 1


def einrichten(runner: Any) -> Bereinigung:
    """Full collections only when idle (see the module docstring); call :func:`einfrieren` once the
    start-up is done."""
    schwellen = gc.get_threshold()
    gc.set_threshold(schwellen[0], schwellen[1], SCHWELLE_VOLL)
    return Bereinigung(runner, runner)
