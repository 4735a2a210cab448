"""First start without a database: a short wizard (Ressort, catalogue, Leistungen) or „Demo öffnen“.

German from start to end: the navigation buttons carry their German text themselves (the wizard
runs before anything else and must not depend on Qt's translation files being found), and the
catalogue page shows a German note on source and licence, not the developers' QUELLE.md.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)
from PySide6.QtCore import Qt

from ozgdesk.model.einrichtung import RESSORTS, katalog_quelle
from ozgdesk.model.grunddaten import katalog_oeffnen
from ozgdesk.ui.aktionen import beschriftung


class Einrichtungsassistent(QWizard):
    """Collects the choices; the caller creates the store (nothing is written before „Fertigstellen“)."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("ozgdesk einrichten")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        for knopf, text in ((QWizard.WizardButton.BackButton, "< &Zurück"), (QWizard.WizardButton.NextButton, "&Weiter >"),
                            (QWizard.WizardButton.FinishButton, "&Fertigstellen"),
                            (QWizard.WizardButton.CancelButton, "Abbrechen"), (QWizard.WizardButton.HelpButton, "&Hilfe")):
            self.setButtonText(knopf, text)
        self.demo = False
        self.setButtonText(QWizard.WizardButton.CustomButton1, "&Demo öffnen")
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.customButtonClicked.connect(self._demo)

        s1 = QWizardPage()
        s1.setTitle("Ressort wählen")
        s1.setSubTitle("Für welches Ressort führen Sie die OZG-Umsetzung?")
        self.ressort = QComboBox()
        self.ressort.setAccessibleName("Ressort")
        for kurz, name in RESSORTS.items():
            self.ressort.addItem(f"{kurz} – {name}", kurz)
        self.referat = QLineEdit()
        self.referat.setAccessibleName("Koordinierungsreferat")
        f = QFormLayout(s1)
        f.addRow(beschriftung("&Ressort:", self.ressort), self.ressort)
        f.addRow(beschriftung("&Koordinierungsreferat:", self.referat), self.referat)
        self.addPage(s1)

        s2 = QWizardPage()
        s2.setTitle("Katalog bestätigen")
        s2.setSubTitle("ozgdesk bringt den OZG-Umsetzungskatalog mit; spätere Aktualisierungen kommen über den Katalogimport.")
        v = QVBoxLayout(s2)
        lab = QLabel(katalog_quelle())
        lab.setObjectName("katalogquelle")
        lab.setWordWrap(True)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(lab)
        self.addPage(s2)

        s3 = QWizardPage()
        s3.setTitle("Leistungen wählen")
        s3.setSubTitle("Welche OZG-Leistungen verantwortet Ihr Ressort? (später unter „Leistungen“ änderbar)")
        self.leistungen = QListWidget()
        self.leistungen.setAccessibleName("OZG-Leistungen")
        import csv

        with katalog_oeffnen("ozg_leistungen.csv") as fh:
            for z in csv.DictReader(fh):
                item = QListWidgetItem(f"{z['ozg_id']} {z['ozg_leistung']}")
                item.setData(Qt.ItemDataRole.UserRole, z["ozg_id"])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.leistungen.addItem(item)
        self.suche = QLineEdit()
        self.suche.setPlaceholderText("OZG-ID oder Bezeichnung")
        self.suche.setClearButtonEnabled(True)
        self.suche.setAccessibleName("Leistungen suchen")
        self.suche.textChanged.connect(self._filtern)
        alle = QPushButton("&Alle angezeigten auswählen")
        alle.clicked.connect(lambda: self._angezeigte_setzen(Qt.CheckState.Checked))
        keine = QPushButton("Auswahl auf&heben")
        keine.clicked.connect(lambda: self._angezeigte_setzen(Qt.CheckState.Unchecked))
        zeile = QHBoxLayout()
        zeile.addWidget(beschriftung("&Suche:", self.suche))
        zeile.addWidget(self.suche, 1)
        zeile.addWidget(alle)
        zeile.addWidget(keine)
        v3 = QVBoxLayout(s3)
        v3.addLayout(zeile)
        v3.addWidget(self.leistungen)
        self.addPage(s3)

    def _filtern(self, text: str) -> None:
        muster = text.strip().casefold()
        for i in range(self.leistungen.count()):
            item = self.leistungen.item(i)
            item.setHidden(bool(muster) and muster not in item.text().casefold())

    def _angezeigte_setzen(self, zustand: Qt.CheckState) -> None:
        for i in range(self.leistungen.count()):
            if not self.leistungen.item(i).isHidden():
                self.leistungen.item(i).setCheckState(zustand)

    def _demo(self, _which: int) -> None:
        self.demo = True
        self.accept()

    def gewaehlte_leistungen(self) -> list[str]:
        return [self.leistungen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.leistungen.count())
                if self.leistungen.item(i).checkState() == Qt.CheckState.Checked]
