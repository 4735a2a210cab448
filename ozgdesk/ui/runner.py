"""One background runner for everything slow: queries over big tables, reports, imports.

Modelled on Picard's ``thread.run_task`` and Anki's single-thread task manager: a ``QThreadPool``
with exactly one thread (SQLite serialises writers anyway, and one thread keeps the order of
requests), results posted back to the GUI thread through a queued signal. Worker code never sees
a widget; it gets plain arguments and returns plain dataclasses.

Tests swap in :class:`SofortRunner`, which runs the task at once in the calling thread, so a
test needs no waiting at all; one test uses the real runner with ``qtbot.waitSignal``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Bote(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call into the GUI thread."""

    fertig = Signal(object, object)  # (callback, result)
    fehler = Signal(object, object)  # (callback, exception)


class _Aufgabe(QRunnable):
    def __init__(self, bote: _Bote, fn: Callable[[], Any], ok: Callable[[Any], None], err: Callable[[BaseException], None]):
        super().__init__()
        # Python owns the task: with Qt's auto-delete the C++ side would free it under a live wrapper
        self.setAutoDelete(False)
        self.bote, self.fn, self.ok, self.err = bote, fn, ok, err

    def run(self) -> None:  # worker thread: no widgets here
        try:
            ergebnis = self.fn()
        except BaseException as e:  # noqa: BLE001 - reported to the GUI thread, never swallowed
            e.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self.bote.fehler.emit(self.err, e)
        else:
            # wrapped in a list: PySide 6.12 miscounts references of a bare bool sent as ``object``
            # through a queued signal (crash "bool_dealloc" at exit)
            self.bote.fertig.emit(self.ok, [ergebnis])


def _standard_fehler(e: BaseException) -> None:
    raise e


class Runner(QObject):
    """Runs ``fn()`` off the GUI thread and calls ``ok(result)`` / ``err(exc)`` in the GUI thread."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._bote = _Bote(self)
        self._bote.fertig.connect(self._fertig)
        self._bote.fehler.connect(self._fehler)
        self._laufend: set[_Aufgabe] = set()

    def starten(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        aufgabe = _Aufgabe(self._bote, fn, ok, err or _standard_fehler)
        self._laufend.add(aufgabe)

        def fertig(e: Any) -> None:
            self._laufend.discard(aufgabe)
            ok(e)

        def fehler(e: BaseException) -> None:
            self._laufend.discard(aufgabe)
            (err or _standard_fehler)(e)

        aufgabe.ok, aufgabe.err = fertig, fehler
        self.pool.start(aufgabe)

    @Slot(object, object)
    def _fertig(self, ok: Callable[[Any], None], ergebnis: list[Any]) -> None:
        ok(ergebnis[0])

    @Slot(object, object)
    def _fehler(self, err: Callable[[BaseException], None], e: BaseException) -> None:
        err(e)

    def warten(self) -> None:
        """Block until all tasks ended (on shutdown and in test teardown: no dangling threads)."""
        self.pool.waitForDone()


class SofortRunner:
    """Synchronous stand-in for tests: runs the task immediately in the calling thread."""

    def starten(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        try:
            ergebnis = fn()
        except Exception as e:  # noqa: BLE001
            if err is None:
                raise
            err(e)
            return
        ok(ergebnis)

    def warten(self) -> None:
        pass
