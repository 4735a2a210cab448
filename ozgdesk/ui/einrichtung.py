"""First start without a database: a short wizard (Ressort, catalogue, Leistungen) or „Demo öffnen“."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
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

from ozgdesk.model.einrichtung import RESSORTS
from ozgdesk.model.grunddaten import katalog_ordner


class Einrichtungsassistent(QWizard):
    """Collects the choices; the caller creates the store (nothing is written before „Fertigstellen“)."""

    def __init__(self, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("ozgdesk einrichten")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
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
        f.addRow(QLabel("&Ressort:", buddy=self.ressort), self.ressort)
        f.addRow(QLabel("&Koordinierungsreferat:", buddy=self.referat), self.referat)
        self.addPage(s1)

        s2 = QWizardPage()
        s2.setTitle("Katalog bestätigen")
        s2.setSubTitle("ozgdesk bringt den OZG-Umsetzungskatalog mit; spätere Aktualisierungen kommen über den Katalogimport.")
        v = QVBoxLayout(s2)
        quelle = katalog_ordner() / "QUELLE.md"
        text = quelle.read_text(encoding="utf-8")[:600] if quelle.exists() else "Mitgelieferter OZG-Katalog."
        lab = QLabel(text)
        lab.setWordWrap(True)
        v.addWidget(lab)
        self.addPage(s2)

        s3 = QWizardPage()
        s3.setTitle("Leistungen wählen")
        s3.setSubTitle("Welche OZG-Leistungen verantwortet Ihr Ressort? (später unter „Leistungen“ änderbar)")
        self.leistungen = QListWidget()
        self.leistungen.setAccessibleName("OZG-Leistungen")
        import csv

        with open(katalog_ordner() / "ozg_leistungen.csv", encoding="utf-8", newline="") as fh:
            for z in csv.DictReader(fh):
                item = QListWidgetItem(f"{z['ozg_id']} {z['ozg_leistung']}")
                item.setData(Qt.ItemDataRole.UserRole, z["ozg_id"])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.leistungen.addItem(item)
        QVBoxLayout(s3).addWidget(self.leistungen)
        self.addPage(s3)

    def _demo(self, _which: int) -> None:
        self.demo = True
        self.accept()

    def gewaehlte_leistungen(self) -> list[str]:
        return [self.leistungen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.leistungen.count())
                if self.leistungen.item(i).checkState() == Qt.CheckState.Checked]
