"""The Zahlungsplan as a grid: quarters × (Haushaltsstelle, Kostenart), with sums.

Editing never changes a stored version: saving makes a new version (the reports must be able to say
which plan they measured against). Older versions are shown read-only — and read-only means the
model itself refuses every change (cells, new quarters, new columns), not only that a button is
greyed out: otherwise an added quarter marks an old version as changed, and saving it writes the
old amounts as a new current version.

Amounts come from Excel too: Strg+V pastes a block copied from a spreadsheet at the current cell
(:meth:`ZahlungsplanModell.einfuegen`, read by :func:`ozgdesk.model.zwischenablage.betragsblock`);
one value pasted onto several selected cells fills them all, as in Excel. The block is all or
nothing – one bad cell and the grid stays as it was, with a German message naming the cell – and a
pasted block is saved as a new version at once (signal ``eingefuegt``; the editor saves), so it is
one undo step: one Strg+Z and the previous version is back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QStyledItemDelegate, QTableView, QWidget

from ozgdesk.model.details import PlanDaten
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Haushaltsstelle, Kostenart, Quartal, euro_zu_cent
from ozgdesk.model.zwischenablage import Zielraster, betrag_aus_zelle, betragsblock, tsv_lesen
from ozgdesk.reports.tabellenexport import Exportauftrag, Exportspalte
from ozgdesk.ui import format as fmt
from ozgdesk.ui.tabellenaktionen import TabellenAktionen, einrichten

NUR_LESBAR = ("Version {version} ist eine ältere Version und nur lesbar. Zum Fortschreiben bitte die aktuelle "
              "Version wählen.")

_RECHTS = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ZahlungsplanModell(QAbstractTableModel):
    fehler = Signal(str)
    geaendert = Signal()
    #: a pasted block was taken over (number of cells): the editor saves it as a new version
    eingefuegt = Signal(int)

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.quartale: list[Quartal] = []
        self.spalten: list[tuple[Haushaltsstelle, Kostenart]] = []
        self.betraege: dict[tuple[Quartal, Haushaltsstelle, Kostenart], int] = {}
        self.bearbeitbar = True
        self.veraendert = False
        #: the stored version shown (None: no plan yet); a new version is written on top of it
        self.version: int | None = None

    def laden(self, plan: PlanDaten, bearbeitbar: bool) -> None:
        self.beginResetModel()
        self.version = plan.version
        self.quartale = list(plan.quartale)
        self.spalten = list(plan.spalten)
        self.betraege = dict(plan.betraege)
        self.bearbeitbar = bearbeitbar
        self.veraendert = False
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.quartale) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spalten) + 1

    def _summe_zeile(self, r: int) -> bool:
        return r == len(self.quartale)

    def _summe_spalte(self, c: int) -> bool:
        return c == len(self.spalten)

    def wert(self, r: int, c: int) -> int:
        if self._summe_zeile(r) and self._summe_spalte(c):
            return sum(self.betraege.values())
        if self._summe_zeile(r):
            h, k = self.spalten[c]
            return sum(v for (q, hh, kk), v in self.betraege.items() if hh == h and kk == k)
        if self._summe_spalte(c):
            q = self.quartale[r]
            return sum(v for (qq, _h, _k), v in self.betraege.items() if qq == q)
        h, k = self.spalten[c]
        return self.betraege.get((self.quartale[r], h, k), 0)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if self._summe_spalte(section):
                return "Summe"
            h, k = self.spalten[section]
            return f"{h}\n{k.label}"
        return "Summe" if self._summe_zeile(section) else self.quartale[section].kurz

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return fmt.euro(self.wert(r, c))
        if role == Qt.ItemDataRole.EditRole:
            return fmt.euro(self.wert(r, c)).replace(" €", "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RECHTS
        if role == Qt.ItemDataRole.FontRole and (self._summe_zeile(r) or self._summe_spalte(c)):
            f = QFont()
            f.setBold(True)
            return f
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        f = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.bearbeitbar and not self._summe_zeile(index.row()) and not self._summe_spalte(index.column()):
            f |= Qt.ItemFlag.ItemIsEditable
        return f

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        q = self.quartale[index.row()]
        h, k = self.spalten[index.column()]
        text = str(value).strip()
        try:
            cent = euro_zu_cent(text) if text else 0
            if cent < 0:
                raise Eingabefehler("Planbeträge dürfen nicht negativ sein.")
        except Eingabefehler as e:
            self.fehler.emit(f"{q.kurz}, {h}: {e}")
            return False
        self.fehler.emit("")
        self.betraege[(q, h, k)] = cent
        self.veraendert = True
        letzte = len(self.quartale)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.spalten)))
        self.dataChanged.emit(self.index(letzte, 0), self.index(letzte, len(self.spalten)))
        self.geaendert.emit()
        return True

    def _nur_lesbar(self) -> bool:
        if not self.bearbeitbar:
            self.fehler.emit(NUR_LESBAR.format(version=self.version))
        return not self.bearbeitbar

    def quartal_hinzufuegen(self, q: Quartal) -> None:
        if self._nur_lesbar() or q in self.quartale:
            return
        self.beginResetModel()
        self.quartale = sorted(self.quartale + [q])
        self.endResetModel()
        self.veraendert = True
        self.geaendert.emit()

    def spalte_hinzufuegen(self, h: Haushaltsstelle, k: Kostenart) -> None:
        if self._nur_lesbar() or (h, k) in self.spalten:
            return
        self.beginResetModel()
        self.spalten.append((h, k))
        self.endResetModel()
        self.veraendert = True
        self.geaendert.emit()

    # -------------------------------------------------------------------------------- paste
    def _spaltenname(self, c: int) -> str:
        h, k = self.spalten[c]
        return f"{h} ({k.label})"

    def einfuegen(self, text: str, start: tuple[int, int], auswahl: Sequence[tuple[int, int]] = ()) -> bool:
        """Take a block pasted at cell ``start`` (row, column) – or at the top left of the selected
        cells ``auswahl`` if several are (a rectangle; Excel refuses scattered cells too); a single
        value pasted while several cells are selected goes into each of them. All or nothing: a bad cell, a block
        that does not fit or a read-only version leave the grid as it was and say why (``fehler``)."""
        if self._nur_lesbar():
            return False
        try:
            neu = self._eingefuegte_betraege(text, start, auswahl)
        except Eingabefehler as e:
            self.fehler.emit(str(e))
            return False
        self.fehler.emit("")
        for (r, c), cent in neu.items():
            h, k = self.spalten[c]
            self.betraege[(self.quartale[r], h, k)] = cent
        self.veraendert = True
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.quartale), len(self.spalten)))
        self.geaendert.emit()
        self.eingefuegt.emit(len(neu))
        return True

    def _eingefuegte_betraege(self, text: str, start: tuple[int, int],
                              auswahl: Sequence[tuple[int, int]]) -> dict[tuple[int, int], int]:
        zellen = [(r, c) for r, c in auswahl if r < len(self.quartale) and c < len(self.spalten)]
        block = tsv_lesen(text)
        if len(block) == 1 and len(block[0]) == 1 and len(zellen) > 1:  # one value onto a selection: fill it
            try:
                cent = betrag_aus_zelle(block[0][0])
            except Eingabefehler as e:
                raise Eingabefehler(f"Nichts eingefügt: {str(e).removeprefix('Betrag: ')}") from None
            return dict.fromkeys(zellen, cent)
        if len(auswahl) > 1:  # a block goes to the top left of a rectangular selection, as in Excel
            zeilen_, spalten_ = {r for r, _c in auswahl}, {c for _r, c in auswahl}
            if len(auswahl) != (max(zeilen_) - min(zeilen_) + 1) * (max(spalten_) - min(spalten_) + 1):
                raise Eingabefehler("Nichts eingefügt: Ein Block lässt sich nur in einen zusammenhängenden Bereich "
                                    "einfügen. Bitte eine einzelne Startzelle wählen.")
            start = (min(zeilen_), min(spalten_))
        zeile, spalte = start
        ziel = Zielraster([q.kurz for q in self.quartale], [self._spaltenname(c) for c in range(len(self.spalten))],
                          zeile, spalte)
        if zeile >= len(self.quartale) or spalte >= len(self.spalten):
            ziel = Zielraster(ziel.zeilen, ziel.spalten, -1, -1)  # a sum cell: refused with its own message
        return betragsblock(text, ziel)

    # -------------------------------------------------------------------------------- export
    def exportauftrag(self, spalten: Sequence[int]) -> Exportauftrag:
        """The grid as a table: one row per quarter (the sum row becomes the workbook's totals row),
        the quarter in front, then the shown columns in their order (the „Summe“ column too)."""
        titel = [("Summe" if self._summe_spalte(c) else self._spaltenname(c)) for c in spalten]
        zeilen = [[self.quartale[r].kurz] + [self.wert(r, c) for c in spalten] for r in range(len(self.quartale))]
        version = f" Version {self.version}" if self.version else ""
        return Exportauftrag(f"Zahlungsplan{version}", [Exportspalte("Quartal")] + [Exportspalte(t, "euro") for t in titel],
                             lambda: zeilen, summenzeile=True, anzahl=len(zeilen))


class ZahlungsplanTabelle(QTableView):
    """The grid's view, with Excel's keys: Strg+C copies the selected cells, Strg+V pastes a block at
    the current cell, the context menu has both and „Ansicht exportieren …“.

    Editing starts as in Excel – typing, F2 or a double-click – not on merely selecting a cell:
    a cell editor opened by a click would take Strg+V itself and turn a pasted block into one bad
    cell. The editor sets its triggers (all, or none for an old version); the view keeps Excel's
    among them. A block pasted into a cell being edited still goes to the grid (:class:`_Zellenbearbeitung`)."""

    EXCEL = (QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
             | QAbstractItemView.EditTrigger.AnyKeyPressed)

    def __init__(self, modell: ZahlungsplanModell, runner: Any = None) -> None:
        super().__init__()
        self.setModel(modell)
        self.plan = modell
        self.setEditTriggers(self.EXCEL)
        self.setItemDelegate(_Zellenbearbeitung(self))
        self.tabellenaktionen: TabellenAktionen = einrichten(self, "Zahlungsplan", runner=runner, einfuegen=self.einfuegen)

    def setEditTriggers(self, triggers: QAbstractItemView.EditTrigger) -> None:  # noqa: N802 - Qt's name
        super().setEditTriggers(triggers & self.EXCEL)

    def einfuegen(self, text: str) -> bool:
        """Paste ``text`` at the current cell – or, with several cells selected, at the top left of
        the selection (a single value fills all of them)."""
        aktuell = self.currentIndex()
        auswahl = sorted((i.row(), i.column()) for i in self.selectionModel().selectedIndexes())
        start = (aktuell.row(), aktuell.column()) if aktuell.isValid() else (0, 0)
        return self.plan.einfuegen(text, start, auswahl)


class _Zellenbearbeitung(QStyledItemDelegate):
    """The cell editor: Strg+V with a block of cells (tabs or several lines) on the clipboard closes
    the editor unchanged and pastes the block into the grid; a single value is pasted into the cell."""

    def __init__(self, view: ZahlungsplanTabelle) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt's name
        if isinstance(obj, QWidget) and isinstance(e, QKeyEvent) and e.matches(QKeySequence.StandardKey.Paste) \
                and e.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            text = QGuiApplication.clipboard().text()
            if "\t" in text or "\n" in text.strip("\r\n"):
                e.accept()
                if e.type() == QEvent.Type.KeyPress:
                    self.closeEditor.emit(obj, QAbstractItemDelegate.EndEditHint.RevertModelCache)
                    self.view.setFocus()
                    self.view.einfuegen(text)
                return True
        return super().eventFilter(obj, e)


def zahlungsplan_tabelle(modell: ZahlungsplanModell, runner: Any = None) -> ZahlungsplanTabelle:
    """The grid's view (see :class:`ZahlungsplanTabelle`)."""
    return ZahlungsplanTabelle(modell, runner)
