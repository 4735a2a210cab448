"""Datei › Einstellungen …: the settings a user (or the IT of the Ressort) changes by hand.

Only what has no better place: the design (also in Ansicht › Design) and where users report
barriers (the contact of the accessibility statement, BITV 2.0 § 7). The values are read and
written by the main window through the typed keys of :mod:`ozgdesk.ui.einstellungen`.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui.farben import DESIGN_NAMEN, DESIGNS


class Einstellungsdialog(QDialog):
    def __init__(self, design: str, kontakt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("einstellungen")
        self.setWindowTitle("Einstellungen")
        self.design = QComboBox()
        self.design.setAccessibleName("Design")
        for name in DESIGNS:
            self.design.addItem(DESIGN_NAMEN[name], name)
        self.design.setCurrentIndex(max(0, self.design.findData(design)))
        self.kontakt = QPlainTextEdit(kontakt)
        self.kontakt.setObjectName("kontakt_barrierefreiheit")
        self.kontakt.setAccessibleName("Kontakt für Barrierefreiheit")
        self.kontakt.setAccessibleDescription("Steht in der Erklärung zur Barrierefreiheit unter „Feedback und Kontakt“")
        self.kontakt.setPlaceholderText("z. B. Referat Z c 4, Funktionspostfach ozg@bmas.bund.de, Telefon 030 18 527-0")
        self.kontakt.setTabChangesFocus(True)
        self.kontakt.setFixedHeight(self.fontMetrics().height() * 5 + 12)
        hinweis = QLabel("Der Kontakt erscheint in der Erklärung zur Barrierefreiheit (Hilfe-Menü): wohin Nutzerinnen "
                         "und Nutzer Barrieren melden. Leer: das Ressort mit seinem Koordinierungsreferat.")
        hinweis.setWordWrap(True)
        form = QFormLayout()
        form.addRow(beschriftung("&Design:", self.design), self.design)
        form.addRow(beschriftung("&Kontakt für Barrierefreiheit:", self.kontakt), self.kontakt)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        knoepfe.accepted.connect(self.accept)
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hinweis)
        layout.addWidget(knoepfe)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    def werte(self) -> tuple[str, str]:
        """(design, contact) as chosen."""
        return str(self.design.currentData()), self.kontakt.toPlainText().strip()
