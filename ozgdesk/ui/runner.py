"""One background runner for everything slow: queries over big tables, reports, imports.

Modelled on Anki's task manager (``qt/aqt/taskman.py``): a single-thread executor (SQLite
serialises writers anyway, and one thread keeps requests in order) whose results are posted back to
the GUI thread through a queued Qt signal. Worker code never sees a widget; it gets plain
arguments and returns plain dataclasses.

Python's ``ThreadPoolExecutor`` is used rather than ``QThreadPool``/``QRunnable``: with PySide 6.12
the QRunnable wrappers corrupted reference counts at interpreter exit in the test suite.

Tests swap in :class:`SofortRunner`, which runs the task at once – on a thread of its own, waiting
for it, so a test needs no waiting at all and still never opens a database session on the GUI
thread (:mod:`ozgdesk.ui.wache`); some tests use the real runner with ``qtbot.waitUntil``.

Every task runs in a copy of the caller's ``contextvars`` context, so an
:func:`ozgdesk.model.aenderungen.erfassen` block started by the caller sees what the task writes.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot


class _Bote(QObject):
    """Lives in the GUI thread; the worker emits, Qt queues the call into the GUI thread."""

    fertig = Signal(object)  # a tuple (callback, result) – one object keeps the conversion simple


def _standard_fehler(e: BaseException) -> None:
    raise e


class Runner(QObject):
    """Runs ``fn()`` off the GUI thread and calls ``ok(result)`` / ``err(exc)`` in the GUI thread."""

    #: a task started while none was running / the last running task ended (emitted from any thread;
    #: :mod:`ozgdesk.ui.speicherbereinigung` collects garbage when the background is idle)
    beschaeftigt = Signal()
    untaetig = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._laufend = 0
        self._zaehler = threading.Lock()
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-runner")
        #: network transfers (the sync's HTTP and folder I/O) wait here, never on the DB worker
        self._netz = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-netz")
        #: long reads that would hold up the DB worker for seconds (the dashboard's report check)
        self._leser = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-leser")
        self._futures: set[concurrent.futures.Future[None]] = set()
        self._bote = _Bote(self)
        self._bote.fertig.connect(self._zurueck)

    def starten(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        self._einreihen(self._executor, fn, ok, err)

    def im_netz(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        """Like :meth:`starten`, on the network thread: ``fn`` may wait for transfers; it hands
        its database steps to the DB worker with :meth:`auf_dem_worker`."""
        self._einreihen(self._netz, fn, ok, err)

    def lesend(self, fn: Callable[[], Any], ok: Callable[[Any], None],
               err: Callable[[BaseException], None] | None = None) -> None:
        """Like :meth:`starten`, on a reader thread of its own, for a long *read-only* task.

        SQLite in WAL mode lets that thread read a consistent snapshot while the DB worker writes,
        so an open table stays live during a check of 10,000 projects. ``fn`` must not write."""
        self._einreihen(self._leser, fn, ok, err)

    def _einreihen(self, executor: concurrent.futures.ThreadPoolExecutor, fn: Callable[[], Any],
                   ok: Callable[[Any], None], err: Callable[[BaseException], None] | None) -> None:
        fehler = err or _standard_fehler
        bote = self._bote
        self._zaehlen(+1)

        def arbeit() -> None:  # worker thread: no widgets here
            try:
                ergebnis = fn()
            except Exception as e:  # noqa: BLE001 - reported to the GUI thread, never swallowed
                bote.fertig.emit((fehler, e))
            else:
                bote.fertig.emit((ok, ergebnis))
            finally:
                self._zaehlen(-1)

        future = executor.submit(contextvars.copy_context().run, arbeit)
        self._futures.add(future)
        future.add_done_callback(self._futures.discard)

    def _zaehlen(self, schritt: int) -> None:
        with self._zaehler:
            self._laufend += schritt
            jetzt = self._laufend
        if schritt > 0 and jetzt == 1:
            self.beschaeftigt.emit()
        elif schritt < 0 and jetzt == 0:
            self.untaetig.emit()

    def laufend(self) -> int:
        """How many tasks are queued or running."""
        return self._laufend

    def im_voraus(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        """Start ``fn`` now and hand back its future, for data wanted before its consumer exists
        (the start page's figures while the window is still being built). A later task that
        waits for the future queues behind it on the same worker, so it never blocks a thread."""
        return self._executor.submit(contextvars.copy_context().run, fn)

    def auf_dem_worker(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the worker and wait for its result – for a thread that is *not* the GUI
        thread (the sync's network thread hands its database steps over this way)."""
        return self._executor.submit(contextvars.copy_context().run, fn).result()

    @Slot(object)
    def _zurueck(self, paket: tuple[Callable[[Any], None], Any]) -> None:
        rueckruf, wert = paket
        rueckruf(wert)

    def warten(self) -> None:
        """Block until all tasks ended (on shutdown and in test teardown: no dangling threads)."""
        while self._futures:
            concurrent.futures.wait(list(self._futures))


class SofortRunner:
    """Synchronous stand-in for tests: runs the task at once on its own worker thread and waits.

    Off the calling thread on purpose: the GUI's code then never opens a database session on the
    GUI thread, in tests as in the application, and the session check proves it."""

    def __init__(self) -> None:
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-sofort")
        self._netz = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-sofort-netz")
        self._leser = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ozgdesk-sofort-leser")
        self._worker_faden: threading.Thread | None = None

    def _auf(self, executor: concurrent.futures.ThreadPoolExecutor, fn: Callable[[], Any]) -> Any:
        return executor.submit(contextvars.copy_context().run, fn).result()

    def _jetzt(self, fn: Callable[[], Any]) -> Any:
        if threading.current_thread() is self._worker_faden:
            return fn()  # a task starting another one: run it in place (the worker would wait for itself)

        def auf_dem_worker() -> Any:
            self._worker_faden = threading.current_thread()
            return fn()
        return self._auf(self._executor, auf_dem_worker)

    @staticmethod
    def _melden(ausfuehren: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None) -> None:
        try:
            ergebnis = ausfuehren()
        except Exception as e:  # noqa: BLE001
            if err is None:
                raise
            err(e)
            return
        ok(ergebnis)

    def starten(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        self._melden(lambda: self._jetzt(fn), ok, err)

    def im_voraus(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(self._jetzt(fn))
        except Exception as e:  # noqa: BLE001 - delivered through the future, as by the real runner
            future.set_exception(e)
        return future

    def auf_dem_worker(self, fn: Callable[[], Any]) -> Any:
        return self._jetzt(fn)

    def im_netz(self, fn: Callable[[], Any], ok: Callable[[Any], None],
                err: Callable[[BaseException], None] | None = None) -> None:
        """The network step on a thread of its own, waited for; its DB steps go to the worker."""
        self._melden(lambda: self._auf(self._netz, fn), ok, err)

    def lesend(self, fn: Callable[[], Any], ok: Callable[[Any], None],
               err: Callable[[BaseException], None] | None = None) -> None:
        """The long read on a thread of its own, waited for."""
        self._melden(lambda: self._auf(self._leser, fn), ok, err)

    def warten(self) -> None:
        pass
