"""A list of records to tick, for thousands of rows: the Berichte page's „Projekte im Bericht“.

A ``QListWidget`` keeps one item object per row, and ticking 10,000 items one by one costs the
GUI thread 17 ms on every load (the large store's start on the Berichte page, ``bench/start.py``).
Here the rows are one Python list and the unticked ids one set: a load is one model reset, Qt asks
only for the rows it paints. Ticking works as in any Qt list: click the box, or Space on the row
(the item delegate does both); the screen reader hears each row's text and its state.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QListView, QWidget

_Index = QModelIndex | QPersistentModelIndex


class Auswahlmodell(QAbstractListModel):
    """Rows (id, text), ticked unless their id is in the set of unticked ones."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._zeilen: list[tuple[str, str]] = []
        self._aus: set[str] = set()

    def setzen(self, zeilen: Iterable[tuple[str, str]], aus: Iterable[str] = ()) -> None:
        """Show ``zeilen``; those whose id is in ``aus`` unticked, all others ticked."""
        self.beginResetModel()
        self._zeilen = list(zeilen)
        self._aus = set(aus)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's signature
        return 0 if parent.isValid() else len(self._zeilen)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        kennung, text = self._zeilen[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Unchecked if kennung in self._aus else Qt.CheckState.Checked
        if role == Qt.ItemDataRole.UserRole:
            return kennung
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: _Index, wert: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.ankreuzen(index.row(), Qt.CheckState(wert) == Qt.CheckState.Checked)
        return True

    # ---------------------------------------------------------------------------------- reading
    def ankreuzen(self, zeile: int, an: bool) -> None:
        kennung = self._zeilen[zeile][0]
        (self._aus.discard if an else self._aus.add)(kennung)
        i = self.index(zeile, 0)
        self.dataChanged.emit(i, i, [Qt.ItemDataRole.CheckStateRole])

    def angekreuzt(self, zeile: int) -> bool:
        return self._zeilen[zeile][0] not in self._aus

    def text(self, zeile: int) -> str:
        return self._zeilen[zeile][1]

    def gewaehlt(self) -> list[str]:
        """The ids ticked, in the list's order."""
        return [k for k, _t in self._zeilen if k not in self._aus]

    def abgewaehlt(self) -> set[str]:
        """The ids of the rows shown unticked."""
        return {k for k, _t in self._zeilen if k in self._aus}


class Auswahlliste(QListView):
    """A ``QListView`` over an :class:`Auswahlmodell` (``modell``), one line per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.modell = Auswahlmodell(self)
        self.setModel(self.modell)
        self.setUniformItemSizes(True)  # one line each: 10,000 rows laid out in milliseconds

    def count(self) -> int:
        return self.modell.rowCount()
