"""„Umziehen …“: move this device to a new share on purpose (a new server, or away from the old,
unsigned format 1). The dialog only asks; :func:`ozgdesk.sync.abgleich.umziehen` decides and checks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ozgdesk.ui.aktionen import beschriftung


class Umzugsdialog(QDialog):
    def __init__(self, bisher: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Auf eine neue Ablage umziehen")
        erklaerung = QLabel(
            f"Bisherige Ablage: {bisher or '–'}\n\n"
            "Die neue Ablage wird zuerst geprüft. Erst dann vergisst dieses Gerät die bisherige Ablage, gründet die "
            "neue (oder tritt ihr bei, wenn ein anderes Gerät schon umgezogen ist) und sendet dort alle eigenen "
            "Änderungen erneut. Seine Daten bleiben; die bisherige Ablage wird nicht verändert. Alle Geräte des "
            "Ressorts ziehen nacheinander auf dieselbe neue Adresse um.")
        erklaerung.setWordWrap(True)
        self.ziel = QLineEdit()
        self.ziel.setAccessibleName("Neue Ablage")
        self.ziel.setPlaceholderText("https://dav.ressort.example/ozg-neu oder ein Ordner")
        self.benutzer = QLineEdit()
        self.benutzer.setAccessibleName("Benutzername für die neue Ablage")
        self.passwort = QLineEdit()
        self.passwort.setEchoMode(QLineEdit.EchoMode.Password)
        self.passwort.setAccessibleName("Passwort für die neue Ablage")
        self.passwort.setPlaceholderText("wird im Schlüsselbund des Systems gespeichert")
        form = QFormLayout()
        form.addRow(beschriftung("&Neue Ablage:", self.ziel), self.ziel)
        form.addRow(beschriftung("&Benutzer:", self.benutzer), self.benutzer)
        form.addRow(beschriftung("Pass&wort:", self.passwort), self.passwort)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = knoepfe.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("&Umziehen")
        ok.setEnabled(False)
        self.ziel.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        knoepfe.button(QDialogButtonBox.StandardButton.Cancel).setText("Abbrechen")
        knoepfe.accepted.connect(self.accept)
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(erklaerung)
        layout.addLayout(form)
        layout.addWidget(knoepfe)
        self.resize(560, self.sizeHint().height())

    def werte(self) -> tuple[str, str | None, str | None]:
        passwort = self.passwort.text()
        self.passwort.clear()  # the secret goes to the keychain only
        return self.ziel.text().strip(), self.benutzer.text().strip() or None, passwort or None
