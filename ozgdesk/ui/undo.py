"""Undo/redo: each model command (``ozgdesk.model.bearbeiten``) wrapped in a ``QUndoCommand``.

The command is applied *before* it is pushed, so a validation error is shown and nothing lands on
the stack; ``redo()`` skips its first call for that reason. After every apply/undo the window is
told which tables changed, so only the affected views reload (Anki's OpChanges idea).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from ozgdesk.model.errors import OzgFehler

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.model.store import Store

# ozgdesk.model.bearbeiten (SQLAlchemy) is imported on the first edit, not at start-up.


def betroffene_tabellen(befehl: Any) -> set[str]:
    from ozgdesk.model import bearbeiten

    if isinstance(befehl, bearbeiten.Folge):
        return set().union(*(betroffene_tabellen(b) for b in befehl.befehle)) if befehl.befehle else set()
    if isinstance(befehl, bearbeiten.FelderSetzen):
        return {befehl.klasse.__tablename__}
    if isinstance(befehl, bearbeiten.Anlegen):
        return {k.__tablename__ for k, _w in befehl.datensaetze}
    if isinstance(befehl, bearbeiten.Loeschen):
        return {k.__tablename__ for k, _i in befehl.ziele}
    if isinstance(befehl, bearbeiten.MeilensteinVerschieben):
        return {"meilenstein", "meilenstein_verschiebung"}
    return set()


class BefehlKommando(QUndoCommand):
    def __init__(self, store: Store, befehl: Any, geaendert: Callable[[set[str]], None],
                 fehler: Callable[[str], None]) -> None:
        super().__init__(befehl.text)
        self.store, self.befehl, self.geaendert, self.fehler = store, befehl, geaendert, fehler
        self._erstes_mal = True

    def redo(self) -> None:
        if self._erstes_mal:
            self._erstes_mal = False
            return
        from ozgdesk.model import bearbeiten

        self._ausfuehren(bearbeiten.ausfuehren)

    def undo(self) -> None:
        from ozgdesk.model import bearbeiten

        self._ausfuehren(bearbeiten.zuruecknehmen)

    def _ausfuehren(self, fn: Callable[[Store, Any], None]) -> None:
        try:
            fn(self.store, self.befehl)
        except OzgFehler as e:
            self.setObsolete(True)
            self.fehler(str(e))
        self.geaendert(betroffene_tabellen(self.befehl))


class Bearbeitung:
    """The window's one place to apply an edit: runs it, puts it on the undo stack, reports changes."""

    def __init__(self, store: Store, stack: QUndoStack, geaendert: Callable[[set[str]], None],
                 fehler: Callable[[str], None]) -> None:
        self.store, self.stack, self.geaendert, self.fehler = store, stack, geaendert, fehler

    def ausfuehren(self, befehl: Any) -> bool:
        """Apply ``befehl``. Small single-record transactions run on the GUI thread on purpose: they
        take milliseconds, and undo order stays trivially correct. Returns False on a German error."""
        from ozgdesk.model import bearbeiten

        try:
            bearbeiten.ausfuehren(self.store, befehl)
        except OzgFehler as e:
            self.fehler(str(e))
            return False
        self.stack.push(BefehlKommando(self.store, befehl, self.geaendert, self.fehler))
        self.geaendert(betroffene_tabellen(befehl))
        return True
