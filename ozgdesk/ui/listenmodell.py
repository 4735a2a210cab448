"""A small read-only table model for short lists (a project's milestones, its effort, history).

Short lists are loaded whole; only the big tables need :mod:`ozgdesk.ui.tabellenmodell`. They are
exported from what they hold (:meth:`ListenModell.exportauftrag`): amounts, dates and numbers typed,
everything else as shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ozgdesk.reports.tabellenexport import Exportauftrag, Exportspalte, exportwert
from ozgdesk.ui import format as fmt
from ozgdesk.ui.tabellenmodell import IdRolle

_RECHTS = {"euro", "zahl", "datum", "zeit"}


class ListenModell(QAbstractTableModel):
    def __init__(self, spalten: Sequence[tuple[str, str]], parent=None) -> None:  # noqa: ANN001
        """``spalten``: (title, display kind) pairs."""
        super().__init__(parent)
        self.spalten = list(spalten)
        self.zeilen: list[tuple[str, tuple[Any, ...]]] = []

    def setzen(self, zeilen: Sequence[tuple[str, Sequence[Any]]]) -> None:
        self.beginResetModel()
        self.zeilen = [(i, tuple(w)) for i, w in zeilen]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.zeilen)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spalten)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.spalten[section][0]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        id_, werte = self.zeilen[index.row()]
        art = self.spalten[index.column()][1]
        wert = werte[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return fmt.anzeige(wert, art)
        if role == IdRolle:
            return id_
        if role == Qt.ItemDataRole.TextAlignmentRole and art in _RECHTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and art == "status" and wert in fmt.STATUSFARBEN:
            return fmt.STATUSFARBEN[wert]
        return None

    def id_von(self, zeile: int) -> str | None:
        return self.zeilen[zeile][0] if 0 <= zeile < len(self.zeilen) else None

    def exportauftrag(self, spalten: Sequence[int]) -> Exportauftrag:
        """The shown columns (logical, in the view's order) of every row; two-line headings on one line."""
        kopf = [Exportspalte(" ".join(self.spalten[c][0].split()), self.spalten[c][1]) for c in spalten]
        zeilen = [[exportwert(werte[c], self.spalten[c][1], fmt.anzeige) for c in spalten] for _id, werte in self.zeilen]
        return Exportauftrag("", kopf, lambda: zeilen, anzahl=len(zeilen))
