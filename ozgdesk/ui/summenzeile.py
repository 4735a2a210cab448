"""The totals row below a table: the sum of every amount column over the rows the search and the
filters show (also those the lazy table has not fetched yet).

It is a one-row view of its own under the table, not a row of the table's model: sorting cannot
move it, selecting all rows does not select it, copying and bulk edits never see it, and an export
writes it once, as the formula row of the XLSX (:mod:`ozgdesk.reports.tabellenexport`). It follows
the table's columns – widths, order, hidden columns, horizontal scrolling – and is set bold with a
rule above it, in the palette's colours (readable in every theme).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QFrame, QSizePolicy, QTableView, QVBoxLayout, QWidget

from ozgdesk.ui import format as fmt
from ozgdesk.ui.tabellenmodell import TabellenModell

_RECHTS = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class SummenModell(QAbstractTableModel):
    """One row: „Summe“ in the first shown column that is not summed, the sums under the amounts."""

    def __init__(self, modell: TabellenModell, parent: Any = None) -> None:
        super().__init__(parent)
        self.modell = modell
        self.beschriftung_spalte = 0

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.modell.columnCount()

    def ist_summe(self, spalte: int) -> bool:
        """Is column ``spalte`` summed (whether its sum is there yet or not)?"""
        return self.modell.abfrage.spalten[spalte].schluessel in self.modell.summenspalten

    def summe(self, spalte: int) -> int | None:
        """The sum under ``spalte``; None for a column not summed and while the sums are read."""
        schluessel = self.modell.abfrage.spalten[spalte].schluessel
        return self.modell.summen.get(schluessel) if schluessel in self.modell.summenspalten else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = index.column()
        summe = self.summe(c)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            if summe is not None:
                return fmt.euro(summe)
            if self.ist_summe(c):  # the rows are shown, their sum follows in a moment
                return "wird berechnet …"
            return "Summe" if c == self.beschriftung_spalte else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RECHTS if self.ist_summe(c) else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def aktualisieren(self, beschriftung_spalte: int) -> None:
        self.beginResetModel()
        self.beschriftung_spalte = beschriftung_spalte
        self.endResetModel()


class Summenzeile(QWidget):
    """The totals row under ``tabelle``; refreshed each time its model has (re)loaded."""

    def __init__(self, tabelle: QTableView, modell: TabellenModell, titel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tabelle, self.modell = tabelle, modell
        self.summen_modell = SummenModell(modell, self)
        self.ansicht = _Zeile()
        self.ansicht.setModel(self.summen_modell)
        self.ansicht.setObjectName("summenzeile")
        self.ansicht.setAccessibleName(f"Summenzeile {titel}")
        self.ansicht.setAccessibleDescription("Summe der Beträge aller Zeilen, die Suche und Filter zeigen")
        linie = QFrame()
        linie.setFrameShape(QFrame.Shape.HLine)
        linie.setFrameShadow(QFrame.Shadow.Plain)
        linie.setLineWidth(2)
        linie.setForegroundRole(self.foregroundRole())  # the text colour of the theme: visible in every palette
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(linie)
        layout.addWidget(self.ansicht)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        kopf = tabelle.horizontalHeader()
        kopf.sectionResized.connect(lambda i, _alt, neu: self.ansicht.setColumnWidth(i, neu))
        kopf.sectionMoved.connect(lambda *_a: self.angleichen())
        tabelle.horizontalScrollBar().valueChanged.connect(self.ansicht.horizontalScrollBar().setValue)
        tabelle.verticalScrollBar().rangeChanged.connect(lambda *_a: self._rand())
        modell.modelReset.connect(self.angleichen)  # the owner calls it again once it has fitted the widths
        modell.summen_geladen.connect(self.angleichen)  # the sums of the start request follow its rows

    def angleichen(self) -> None:
        """Take over the table's columns (widths, order, hidden ones) and the new sums."""
        kopf, eigen = self.tabelle.horizontalHeader(), self.ansicht.horizontalHeader()
        sichtbar = [kopf.logicalIndex(v) for v in range(kopf.count()) if not kopf.isSectionHidden(kopf.logicalIndex(v))]
        frei = [c for c in sichtbar if not self.summen_modell.ist_summe(c)]
        self.summen_modell.aktualisieren(frei[0] if frei else -1)
        fett = QFont(self.ansicht.font())
        fett.setBold(True)
        maß = QFontMetrics(fett)
        for c in range(kopf.count()):
            if self.summen_modell.ist_summe(c):  # a sum (or „wird berechnet …“) is wider than the rows: widen, never clip it
                noetig = maß.horizontalAdvance(self.text(c)) + 16
                if kopf.sectionSize(c) < noetig:
                    kopf.resizeSection(c, noetig)
            eigen.setSectionHidden(c, kopf.isSectionHidden(c))
            self.ansicht.setColumnWidth(c, kopf.sectionSize(c))
        for v in range(kopf.count()):
            aktuell = eigen.visualIndex(kopf.logicalIndex(v))
            if aktuell != v:
                eigen.moveSection(aktuell, v)
        self.ansicht.horizontalScrollBar().setValue(self.tabelle.horizontalScrollBar().value())
        self._rand()
        texte = [f"{self.modell.headerData(c, Qt.Orientation.Horizontal)}: {self.summen_modell.data(self.summen_modell.index(0, c))}"
                 for c in sichtbar if self.summen_modell.summe(c) is not None]
        self.ansicht.setToolTip("Summe der angezeigten Zeilen – " + "; ".join(texte))

    def _rand(self) -> None:
        """Cells exactly under the table's: its frame on both sides, its scroll bar on the right."""
        leiste = self.tabelle.verticalScrollBar()
        rahmen = self.tabelle.frameWidth()
        self.ansicht.rand_setzen(rahmen, rahmen + (leiste.width() if leiste.isVisible() else 0))

    def text(self, spalte: int) -> str:
        """The text shown under column ``spalte`` (tests, screen readers)."""
        return str(self.summen_modell.data(self.summen_modell.index(0, spalte)) or "")


class _Zeile(QTableView):
    """The one-row view: no headers, no scroll bars, no selection, exactly one row high."""

    def __init__(self) -> None:
        super().__init__()
        self.horizontalHeader().setVisible(False)
        self.verticalHeader().setVisible(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setShowGrid(False)
        self.setWordWrap(False)
        hoehe = self.fontMetrics().height() + 8
        self.verticalHeader().setDefaultSectionSize(hoehe)
        self.setFixedHeight(hoehe + 2)

    def rand_setzen(self, links: int, rechts: int) -> None:
        self.setViewportMargins(links, 0, rechts, 0)
