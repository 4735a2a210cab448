"""Planvergleich: two Zahlungsplan versions side by side, and the milestones against their baseline.

Opened from the project editor („Versionen vergleichen …“ on the Zahlungsplan tab). The figures
come from :mod:`ozgdesk.model.planvergleich` (Qt-free, tested there); this dialog lays them out:
version a and version b in neighbouring columns, the difference b − a with its sign written out
and a word for the change, the total above the table. On the milestone tab each milestone's
baseline (Plandatum) stands beside today's forecast or actual date with the shift in days, in
words and in colour – never in colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import planvergleich as pv
from ozgdesk.model.values import format_datum
from ozgdesk.ui import format as fmt
from ozgdesk.ui.none_schutz import schuetzen
from ozgdesk.ui.operationen import Operationen, oder_eigene
from ozgdesk.ui.zeitleiste import Farben, farben

schuetzen()  # see ozgdesk.ui.none_schutz

#: tables whose change the dialog shows
ZEIGT = frozenset({"projekt", "zahlungsplan", "zahlungsplan_position", "meilenstein", "meilenstein_verschiebung"})

_RECHTS = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _fett() -> QFont:
    f = QFont()
    f.setBold(True)
    return f


class Zahlungsplanvergleichsmodell(QAbstractTableModel):
    """The plan comparison as a table; the last row is the total (bold)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vergleich: pv.Zahlungsplanvergleich | None = None
        self.gliederung = pv.Gliederung.POSITION
        self.nur_geaenderte = False
        self.zeilen: list[pv.Vergleichszeile] = []
        self.spalten: list[str] = []
        self.farben: Farben | None = None

    def setzen(self, vergleich: pv.Zahlungsplanvergleich, gliederung: pv.Gliederung, nur_geaenderte: bool,
               f: Farben) -> None:
        self.beginResetModel()
        self.vergleich, self.gliederung, self.nur_geaenderte, self.farben = vergleich, gliederung, nur_geaenderte, f
        self.zeilen = vergleich.zeilen(gliederung, nur_geaenderte)
        kopf = {pv.Gliederung.POSITION: ["Quartal", "Haushaltsstelle", "Kostenart"],
                pv.Gliederung.QUARTAL: ["Quartal"],
                pv.Gliederung.HAUSHALTSSTELLE: ["Haushaltsstelle", "Kostenart"]}[gliederung]
        self.spalten = kopf + [self._version(vergleich.version_a, vergleich.stand_a),
                               self._version(vergleich.version_b, vergleich.stand_b), "Differenz\n(b − a)", "Änderung"]
        self.endResetModel()

    @staticmethod
    def _version(v: int | None, stand: date | None) -> str:
        return f"Version {v}\nStand {format_datum(stand)}" if v is not None else "–"

    @property
    def textspalten(self) -> int:
        return len(self.spalten) - 4

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.vergleich is None else len(self.zeilen) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.spalten)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.spalten[section]
        return None

    def wert(self, r: int) -> pv.Vergleichswert:
        assert self.vergleich is not None
        return self.vergleich.summe if r == len(self.zeilen) else self.zeilen[r].wert

    def text(self, r: int, c: int) -> str:
        """The cell as the user reads it."""
        w = self.wert(r)
        t = self.textspalten
        if c < t:
            if r == len(self.zeilen):
                return "Summe" if c == 0 else ""
            z = self.zeilen[r]
            teile: list[str] = []
            if z.quartal is not None:
                teile.append(z.quartal.kurz)
            if z.spalte is not None:
                teile += [str(z.spalte[0]), z.spalte[1].label]
            return teile[c]
        return (fmt.euro(w.a), fmt.euro(w.b), pv.differenz_text(w.differenz), w.aenderung)[c - t]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.vergleich is None:
            return None
        r, c = index.row(), index.column()
        t = self.textspalten
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, c)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.spalten[c].replace(chr(10), ' ')}: {self.text(r, c)}"
        if role == Qt.ItemDataRole.TextAlignmentRole and t <= c < t + 3:
            return _RECHTS
        if role == Qt.ItemDataRole.FontRole and (r == len(self.zeilen) or c == t + 2):
            return _fett()
        if role == Qt.ItemDataRole.ForegroundRole and c >= t + 2 and self.farben is not None:
            d = self.wert(r).differenz
            if d:
                return self.farben.plan if d > 0 else self.farben.prognose
        return None


class Meilensteinvergleichsmodell(QAbstractTableModel):
    SPALTEN = ("Meilenstein", "Basisplan\n(Plandatum)", "Prognose", "Ist", "Abweichung", "Status")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zeilen: tuple[pv.Meilensteinvergleich, ...] = ()
        self.farben: Farben | None = None

    def setzen(self, vergleich: pv.Meilensteinplanvergleich, f: Farben) -> None:
        self.beginResetModel()
        self.zeilen, self.farben = vergleich.meilensteine, f
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.zeilen)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.SPALTEN)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.SPALTEN[section]
        return None

    def text(self, r: int, c: int) -> str:
        m = self.zeilen[r]
        return (m.titel, fmt.datum(m.plan), fmt.datum(m.prognose), fmt.datum(m.ist), m.abweichung, m.bewertung)[c]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        m = self.zeilen[r]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, c)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.SPALTEN[c].replace(chr(10), ' ')}: {self.text(r, c) or 'leer'}"
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (1, 2, 3, 4):
            return _RECHTS
        if role == Qt.ItemDataRole.FontRole and c == 4 and m.richtung in ("später", "früher"):
            return _fett()
        if role == Qt.ItemDataRole.ForegroundRole and self.farben is not None:
            if c == 4 and m.richtung == "später":
                return self.farben.warnung
            if c == 4 and m.richtung == "früher":
                return self.farben.ist
            if c == 5 and m.ueberfaellig:
                return self.farben.warnung
        return None


def _tabelle(modell: QAbstractTableModel, name: str) -> QTableView:
    t = QTableView()
    t.setModel(modell)
    t.setAccessibleName(name)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setAlternatingRowColors(True)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


class Planvergleichsdialog(QDialog):
    """Zahlungsplan versions and milestone baseline of one project (read only, non-modal)."""

    #: the data is shown (after every read)
    geladen = Signal()

    def __init__(self, store: Any, runner: Any, stichtag: Callable[[], date], projekt_id: str, *,
                 version_b: int | None = None, ops: Operationen | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Planvergleich")
        self.projekt_id, self.stichtag = projekt_id, stichtag
        self.ops = oder_eigene(ops, store, runner, self, lambda titel, text: self.meldung(titel, text))
        self.daten: pv.Planvergleich | None = None
        self._gewuenscht: tuple[int | None, int | None] = (None, version_b)

        self.kopf = QLabel("wird geladen …")
        self.kopf.setFont(_fett())
        self.kopf.setWordWrap(True)
        self.reiter = QTabWidget()
        self.reiter.setAccessibleName("Bereiche des Planvergleichs")

        # ---- Zahlungsplan
        self.version_a = QComboBox()
        self.version_a.setAccessibleName("Version a (früher)")
        self.version_b = QComboBox()
        self.version_b.setAccessibleName("Version b (später)")
        for box in (self.version_a, self.version_b):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # „Version 1 (Basisplan)“ whole
        self.gliederung = QComboBox()
        self.gliederung.setAccessibleName("Gliederung des Vergleichs")
        for g in pv.Gliederung:
            self.gliederung.addItem(g.label, g)
        self.gliederung.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.nur_geaenderte = QCheckBox("Nur &geänderte Zeilen")
        self.zp_summe = QLabel()
        self.zp_summe.setWordWrap(True)
        self.zp_summe.setFont(_fett())
        self.zp_summe.setAccessibleName("Summe des Vergleichs")
        self.zp_summe.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.zp_modell = Zahlungsplanvergleichsmodell(self)
        self.zp_tabelle = _tabelle(self.zp_modell, "Zahlungsplan: Version a und b mit Differenz")
        zp = QWidget()
        zl = QVBoxLayout(zp)
        for paar in ((("Version &a:", self.version_a), ("mit Version &b:", self.version_b)),
                     (("G&liederung:", self.gliederung),)):
            zeile = QHBoxLayout()  # two rows: the dialog fits a small screen, nothing squeezed over a label
            for text, w in paar:
                lab = QLabel(text)
                lab.setBuddy(w)
                zeile.addWidget(lab)
                zeile.addWidget(w)
            if len(paar) == 1:
                zeile.addWidget(self.nur_geaenderte)
            zeile.addStretch()
            zl.addLayout(zeile)
        zl.addWidget(self.zp_summe)
        zl.addWidget(self.zp_tabelle, 1)
        erklaerung = QLabel("Differenz = Version b − Version a. „neu“: Betrag nur in Version b, „entfallen“: nur in "
                            "Version a. Frühere Versionen bleiben, wie sie berichtet wurden.")
        erklaerung.setWordWrap(True)
        zl.addWidget(erklaerung)
        self.reiter.addTab(zp, "&Zahlungsplan")

        # ---- Meilensteine
        self.ms_summe = QLabel()
        self.ms_summe.setWordWrap(True)
        self.ms_summe.setFont(_fett())
        self.ms_summe.setAccessibleName("Zusammenfassung der Meilensteine")
        self.ms_modell = Meilensteinvergleichsmodell(self)
        self.ms_tabelle = _tabelle(self.ms_modell, "Meilensteine: Basisplan und heutige Prognose")
        ms = QWidget()
        ml = QVBoxLayout(ms)
        ml.addWidget(self.ms_summe)
        ml.addWidget(self.ms_tabelle, 1)
        ms_erklaerung = QLabel("Basisplan: das erste Plandatum, es bleibt unverändert. Abweichung: Ist-Datum (erreicht) "
                               "bzw. Prognose minus Basisplan in Kalendertagen.")
        ms_erklaerung.setWordWrap(True)
        ml.addWidget(ms_erklaerung)
        self.reiter.addTab(ms, "&Meilensteine")

        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.button(QDialogButtonBox.StandardButton.Close).setText("Schließen")
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.kopf)
        layout.addWidget(self.reiter, 1)
        layout.addWidget(knoepfe)
        self.resize(1040, 640)

        self.version_a.currentIndexChanged.connect(lambda _i: self._versionen_gewaehlt())
        self.version_b.currentIndexChanged.connect(lambda _i: self._versionen_gewaehlt())
        self.gliederung.currentIndexChanged.connect(lambda _i: self._zahlungsplan_zeigen())
        self.nur_geaenderte.toggled.connect(lambda _a: self._zahlungsplan_zeigen())
        self.ops.daten_geaendert.connect(self._geaendert)
        self.neu_laden()

    def meldung(self, titel: str, text: str) -> None:
        self.kopf.setText(f"{titel}: {text}")

    def neu_laden(self) -> None:
        a, b = self._gewuenscht
        self.ops.lesen(pv.lesen, self.projekt_id, self.stichtag(), a, b, ok=self._geladen,
                       titel="Planvergleich nicht lesbar")

    def _geaendert(self, aenderungen: Any, _initiator: object = None) -> None:
        if aenderungen.betrifft(ZEIGT):
            self.neu_laden()

    def done(self, r: int) -> None:
        try:
            self.ops.daten_geaendert.disconnect(self._geaendert)
        except (RuntimeError, TypeError):  # pragma: no cover - already disconnected
            pass
        super().done(r)

    def _geladen(self, daten: pv.Planvergleich) -> None:
        self.daten = daten
        zp = daten.zahlungsplan
        self.setWindowTitle(f"Planvergleich {daten.kennung}")
        self.kopf.setText(f"{daten.kennung} – {daten.titel}")
        for box, v in ((self.version_a, zp.version_a), (self.version_b, zp.version_b)):
            box.blockSignals(True)
            box.clear()
            for n in zp.versionen:
                box.addItem(f"Version {n}" + (" (Basisplan)" if n == zp.versionen[0] else "")
                            + (" (aktuell)" if n == zp.versionen[-1] else ""), n)
            box.setCurrentIndex(max(0, box.findData(v)))
            box.setEnabled(len(zp.versionen) > 1)
            box.blockSignals(False)
        self._zahlungsplan_zeigen()
        f = farben(self.palette())
        self.ms_modell.setzen(daten.meilensteine, f)
        self.ms_summe.setText(daten.meilensteine.zusammenfassung())
        self.geladen.emit()

    def _versionen_gewaehlt(self) -> None:
        self._gewuenscht = (self.version_a.currentData(), self.version_b.currentData())
        self.neu_laden()

    def _zahlungsplan_zeigen(self) -> None:
        if self.daten is None:
            return
        zp = self.daten.zahlungsplan
        self.zp_modell.setzen(zp, self.gliederung.currentData(), self.nur_geaenderte.isChecked(), farben(self.palette()))
        self.zp_summe.setText(zp.zusammenfassung())


def projekt_planvergleich(editor: Any) -> Planvergleichsdialog | None:
    """„Versionen vergleichen …“ in the project editor: the open project's plans beside the editor,
    version b the one the editor shows (if it is not the first)."""
    if not editor.projekt_id:
        return None
    gezeigt = editor.plan_modell.version
    d = Planvergleichsdialog(editor.store, editor.runner, editor.stichtag, editor.projekt_id,
                             version_b=gezeigt if gezeigt and gezeigt > 1 else None, ops=editor.ops, parent=editor)
    d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.planvergleichsdialog = d
    d.show()
    return d
