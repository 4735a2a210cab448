"""Undo/redo: each applied model command (``ozgdesk.model.bearbeiten``) wrapped in a ``QUndoCommand``.

An edit is first applied as an operation on the DB worker
(:func:`ozgdesk.model.operationen.bearbeiten.anwenden`); only once it committed is it pushed onto
the stack, so a refused edit shows its German message and leaves no step behind (``redo()`` skips
its first call for that reason). Undo and redo are operations too: they run on the DB worker in
the stack's order (the worker is a single thread) and are broadcast like any other change through
:attr:`ozgdesk.ui.operationen.Operationen.daten_geaendert` – no view works out afterwards which
tables a command "probably" touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from ozgdesk.ui.operationen import Operationen

#: initiator of undo/redo broadcasts: every view reloads what the step touched
UNDO = "undo"


class BefehlKommando(QUndoCommand):
    def __init__(self, ops: Operationen, stack: QUndoStack, befehl: Any) -> None:
        super().__init__(befehl.text)
        self.ops, self.stack, self.befehl = ops, stack, befehl
        self._erstes_mal = True

    def redo(self) -> None:
        if self._erstes_mal:
            self._erstes_mal = False
            return
        from ozgdesk.model.operationen import bearbeiten

        store, befehl = self.ops.store, self.befehl
        self.ops.ausfuehren(lambda: bearbeiten.wiederholen(store, befehl), initiator=UNDO, fehler=self._gescheitert)

    def undo(self) -> None:
        from ozgdesk.model.operationen import bearbeiten

        store, befehl = self.ops.store, self.befehl
        self.ops.ausfuehren(lambda: bearbeiten.zuruecknehmen(store, befehl), initiator=UNDO, fehler=self._gescheitert)

    def _gescheitert(self, e: BaseException) -> None:
        """Undo/redo refused (the record was changed or deleted elsewhere, e.g. by a sync): the
        stack no longer matches the data, so it is emptied rather than replaying wrong steps."""
        self.ops.fehler_melden("Rückgängig nicht möglich", e)
        self.stack.clear()


class Bearbeitung:
    """The window's one place to apply an edit: runs it on the DB worker, puts it on the undo stack."""

    def __init__(self, ops: Operationen, stack: QUndoStack) -> None:
        self.ops, self.stack = ops, stack

    @property
    def store(self) -> Any:
        return self.ops.store

    def ausfuehren(self, befehl: Any, *, initiator: object = None, nachher: Callable[[Any], Any] | None = None,
                   erfolg: Callable[[Any], object] | None = None, fehler: Callable[[BaseException], None] | None = None,
                   titel: str = "Eingabe nicht übernommen") -> None:
        """Apply ``befehl`` – a command or a builder ``session -> command | None`` from
        :mod:`ozgdesk.model.operationen` – as one transaction on the DB worker.

        On success the step goes onto the undo stack and ``erfolg(angewandt)`` gets the
        :class:`~ozgdesk.model.operationen.bearbeiten.Angewandt` (its ``nachher`` holds what
        ``nachher(session)`` read in the same transaction). On a refusal ``fehler(exc)`` runs, or a
        German message box is shown."""
        from ozgdesk.model.operationen import bearbeiten

        store, ops, stack = self.ops.store, self.ops, self.stack

        def op() -> Any:
            return bearbeiten.anwenden(store, befehl, nachher=nachher)

        def angewandt(ergebnis: Any) -> None:
            if ergebnis.befehl is not None:
                stack.push(BefehlKommando(ops, stack, ergebnis.befehl))
            if erfolg is not None:
                erfolg(ergebnis)

        self.ops.ausfuehren(op, initiator=initiator, erfolg=angewandt, fehler=fehler, titel=titel)

    def fehler(self, text: str) -> None:
        """Show a German refusal (for checks a page makes before it starts an edit)."""
        self.ops.fehler_anzeigen("Eingabe nicht übernommen", text)
