"""The GUI's one way to run an operation: on the DB worker, with a German error, then one broadcast.

Modelled on Anki's ``aqt/operations`` (``CollectionOp`` + ``OpChanges`` + ``operation_did_execute``):
a widget hands :meth:`Operationen.ausfuehren` a Qt-free operation (a callable doing
``ozgdesk.model.operationen`` work), never touches the database itself, and learns about every
change – its own, an undo, a sync, a catalogue import – from the single signal
:attr:`Operationen.daten_geaendert` ``(aenderungen, initiator)``. ``aenderungen`` are what the
operation committed (:mod:`ozgdesk.model.aenderungen`), so a view reloads only when a table it
shows was written, and the widget that started an edit (``initiator``) can skip reloading what it
already shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ozgdesk.model.aenderungen import Aenderungen, erfassen
from ozgdesk.ui.format import fehlertext



class _Ausgang:
    """A finished operation: its result or its exception, and what it committed either way."""

    __slots__ = ("aenderungen", "fehler", "wert")

    def __init__(self, wert: Any, fehler: BaseException | None, aenderungen: Aenderungen) -> None:
        self.wert, self.fehler, self.aenderungen = wert, fehler, aenderungen


class Fortschrittsbote(QObject):
    """Carries progress from the worker to the GUI thread: call it from any thread."""

    gemeldet = Signal(int, int, str)

    def __call__(self, getan: int, gesamt: int, text: str = "") -> None:
        self.gemeldet.emit(int(getan), int(gesamt), str(text))


class Operationen(QObject):
    """Runs operations on the DB worker and broadcasts what they changed."""

    #: (Aenderungen, initiator) after every operation that committed something
    daten_geaendert = Signal(object, object)

    def __init__(self, store: Any, runner: Any, fehler_zeigen: Callable[[str, str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self._fehler_zeigen = fehler_zeigen

    # ------------------------------------------------------------------------------ writing
    def ausfuehren(self, op: Callable[[], Any], *, initiator: object = None,
                   erfolg: Callable[[Any], object] | None = None,
                   fehler: Callable[[BaseException], None] | None = None,
                   titel: str = "Nicht ausgeführt") -> None:
        """Run ``op()`` on the DB worker. Then, in the GUI thread: ``erfolg(result)`` – or, on an
        error, ``fehler(exc)`` if given, else a German message box titled ``titel`` – and finally
        :attr:`daten_geaendert` with what was committed (also after a failure that committed a part,
        e.g. a sync stopped after some files)."""
        self._erfasst(self.runner.starten, op, initiator, erfolg, fehler, titel)

    def _erfasst(self, starten: Callable[..., None], op: Callable[[], Any], initiator: object,
                 erfolg: Callable[[Any], object] | None, fehler: Callable[[BaseException], None] | None,
                 titel: str) -> None:
        """``starten(arbeit, zurueck, err)`` runs ``op`` inside an :func:`erfassen` block on its
        thread; back in the GUI thread the outcome is handed on and what was committed broadcast."""
        def arbeit() -> _Ausgang:
            with erfassen() as erfasst:
                try:
                    wert = op()
                except Exception as e:  # noqa: BLE001 - handed to the GUI thread below
                    return _Ausgang(None, e, erfasst.ergebnis())
            return _Ausgang(wert, None, erfasst.ergebnis())

        def zurueck(ausgang: _Ausgang) -> None:
            try:
                if ausgang.fehler is None:
                    if erfolg is not None:
                        erfolg(ausgang.wert)
                elif fehler is not None:
                    fehler(ausgang.fehler)
                else:
                    self.fehler_melden(titel, ausgang.fehler)
            finally:
                self.melden(ausgang.aenderungen, initiator)

        starten(arbeit, zurueck, lambda e: self.fehler_melden(titel, e))

    def melden(self, aenderungen: Aenderungen, initiator: object = None) -> None:
        """Broadcast changes committed elsewhere (e.g. by the sync's database steps)."""
        if aenderungen:
            self.daten_geaendert.emit(aenderungen, initiator)

    def fehler_melden(self, titel: str, e: BaseException) -> None:
        self._fehler_zeigen(titel, fehlertext(e))

    # ------------------------------------------------------------------------------ reading
    def lesen(self, fn: Callable[..., Any], *args: Any, ok: Callable[[Any], None],
              fehler: Callable[[BaseException], None] | None = None, titel: str = "Daten nicht lesbar") -> None:
        """``fn(session, *args)`` in one read session on the DB worker; ``ok(result)`` in the GUI thread.

        The session code (SQLAlchemy) is imported on the worker: a page may ask before it is loaded."""
        store = self.store

        def arbeit() -> Any:
            from ozgdesk.model.operationen.bearbeiten import lesen

            return lesen(store, fn, *args)

        self.runner.starten(arbeit, ok, fehler or (lambda e: self.fehler_melden(titel, e)))

    def im_hintergrund(self, fn: Callable[[], Any], *, ok: Callable[[Any], None],
                       fehler: Callable[[BaseException], None] | None = None, titel: str = "Nicht ausgeführt") -> None:
        """``fn()`` on the DB worker without a broadcast (reads that are not one session, previews)."""
        self.runner.starten(fn, ok, fehler or (lambda e: self.fehler_melden(titel, e)))

    # ------------------------------------------------------------------------------ network
    def im_netz(self, fn: Callable[[Callable[[Callable[[], Any]], Any]], Any], *, initiator: object = None,
                erfolg: Callable[[Any], object] | None = None, fehler: Callable[[BaseException], None] | None = None,
                titel: str = "Nicht ausgeführt") -> None:
        """Run ``fn(db)`` on the network thread; ``db(step)`` runs one database step on the DB worker
        (and waits for it), so the worker is free for the open tables between the steps while the
        transfers run. What all steps committed is broadcast once at the end, also after a failure."""
        db = self.runner.auf_dem_worker  # runs in the caller's context: its erfassen() block sees the step
        self._erfasst(self.runner.im_netz, lambda: fn(db), initiator, erfolg, fehler, titel)

    def fehler_anzeigen(self, titel: str, text: str) -> None:
        """Show a German refusal the caller worked out itself (a check before an operation)."""
        self._fehler_zeigen(titel, text)


def oder_eigene(ops: Operationen | None, store: Any, runner: Any, parent: QObject,
                fehler_zeigen: Callable[[str, str], None]) -> Operationen:
    """The window's operations, or – for a page or dialog used on its own (tests, tools) – its own,
    with errors shown by ``fehler_zeigen``. Either way the widget has exactly one code path."""
    return ops if ops is not None else Operationen(store, runner, fehler_zeigen, parent)
