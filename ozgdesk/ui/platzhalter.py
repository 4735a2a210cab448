"""A page for a service that is not registered (e.g. reports in a stripped-down build).

They say plainly what is missing instead of showing controls that do nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ozgdesk.ui import dienste


class Hinweisseite(QWidget):
    def __init__(self, name: str, titel: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"seite_{name}")
        kopf = QLabel(titel)
        f = kopf.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        f.setBold(True)
        kopf.setFont(f)
        self.text = QLabel(text)
        self.text.setObjectName("hinweistext")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.addWidget(kopf)
        layout.addWidget(self.text)
        layout.addStretch()


def berichtsseite() -> QWidget:
    return Hinweisseite(
            "berichte", "Berichte",
            dienste.NICHT_VERFUEGBAR.format(was="Berichtsbaustein (Quartalsbericht, Projektantrag, Zahlungsplan, "
                                            "Meilenstein-Monitoring, Projektsteckbrief)")
            + "\n\nBis dahin zeigt die Übersicht eine vorläufige Prüfung, was für den nächsten Quartalsbericht noch fehlt.")
