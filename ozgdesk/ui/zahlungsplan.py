"""The Zahlungsplan as a grid: quarters × (Haushaltsstelle, Kostenart), with sums.

Editing never changes a stored version: saving makes a new version (the reports must be able to say
which plan they measured against). Older versions are shown read-only — and read-only means the
model itself refuses every change (cells, new quarters, new columns), not only that a button is
greyed out: otherwise an added quarter marks an old version as changed, and saving it writes the
old amounts as a new current version.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from ozgdesk.model.details import PlanDaten
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Haushaltsstelle, Kostenart, Quartal, euro_zu_cent
from ozgdesk.ui import format as fmt

NUR_LESBAR = ("Version {version} ist eine ältere Version und nur lesbar. Zum Fortschreiben bitte die aktuelle "
              "Version wählen.")

_RECHTS = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ZahlungsplanModell(QAbstractTableModel):
    fehler = Signal(str)
    geaendert = Signal()

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
