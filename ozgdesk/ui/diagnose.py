"""„Über / Diagnose“: versions and paths, copyable for IT support."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ozgdesk import __version__
from ozgdesk.diagnose import als_text, diagnose
from ozgdesk.model.store import Store


class Diagnosedialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Über ozgdesk / Diagnose")
        kopf = QLabel(f"<b>ozgdesk {__version__}</b><br>Werkzeug der Ressorts für das Digitalisierungsprogramm "
                      "Bund (OZG).<br>Für Anfragen an die IT bitte die Angaben unten kopieren und mitsenden.")
        kopf.setWordWrap(True)
        self.text = QPlainTextEdit(als_text(diagnose(store)))
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Diagnoseangaben")
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setMinimumSize(self.fontMetrics().averageCharWidth() * 100, self.fontMetrics().height() * 25)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.kopieren = knoepfe.addButton("In die Zwischenablage &kopieren", QDialogButtonBox.ButtonRole.ActionRole)
        self.kopieren.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(kopf)
        layout.addWidget(self.text)
        layout.addWidget(knoepfe)
