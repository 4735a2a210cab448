"""Catalogue import as a dialog: choose the file, see the differences, pick which to apply.

Talks only to :class:`~ozgdesk.ui.dienste.Katalogdienst` (the import is built on another branch).
Comparing runs on the background runner; nothing is written before „Übernehmen“.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from ozgdesk.model.store import Store
from ozgdesk.ui import format as fmt
from ozgdesk.ui.dienste import Katalogdienst

ARTEN = {"neu": "Neu", "geaendert": "Geändert", "entfallen": "Entfallen"}


class Katalogdialog(QDialog):
    def __init__(self, store: Store, runner: Any, dienst: Katalogdienst, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Katalog importieren")
        self.store, self.runner, self.dienst = store, runner, dienst
        self.datei = QLineEdit()
        self.datei.setAccessibleName("Katalogdatei")
        waehlen = QPushButton("&Durchsuchen …")
        waehlen.clicked.connect(self._waehlen)
        self.vergleichen_knopf = QPushButton("&Vergleichen")
        self.vergleichen_knopf.clicked.connect(self.vergleichen)
        zeile = QHBoxLayout()
        zeile.addWidget(QLabel("&Datei:", buddy=self.datei))
        zeile.addWidget(self.datei, 1)
        zeile.addWidget(waehlen)
        zeile.addWidget(self.vergleichen_knopf)
        self.liste = QListWidget()
        self.liste.setAccessibleName("Änderungen im Katalog")
        self.status = QLabel("Bitte die neue Katalogdatei wählen und vergleichen.")
        self.status.setWordWrap(True)
        self.knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.knoepfe.button(QDialogButtonBox.StandardButton.Apply).setText("Alle Änderungen &übernehmen")
        self.knoepfe.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)
        self.knoepfe.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.anwenden)
        self.knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(zeile)
        layout.addWidget(self.liste)
        layout.addWidget(self.status)
        layout.addWidget(self.knoepfe)
        self.resize(self.fontMetrics().averageCharWidth() * 110, self.fontMetrics().height() * 28)
        self.uebernommen = 0

    def _waehlen(self) -> None:
        pfad, _f = QFileDialog.getOpenFileName(self, "Katalogdatei wählen", "", "Katalog (*.xlsx *.csv *.json);;Alle Dateien (*)")
        if pfad:
            self.datei.setText(pfad)

    def vergleichen(self) -> None:
        pfad = Path(self.datei.text().strip())
        if not self.datei.text().strip():
            self.status.setText("Bitte zuerst eine Katalogdatei wählen.")
            return
        self.status.setText("Vergleiche …")
        store, dienst = self.store, self.dienst
        self.runner.starten(lambda: list(dienst.vergleichen(store, pfad)), self._verglichen,
                            lambda e: self.status.setText(f"Fehler: {fmt.fehlertext(e)}"))

    def _verglichen(self, aenderungen: list[Any]) -> None:
        self.liste.clear()
        for a in aenderungen:
            item = QListWidgetItem(f"{ARTEN.get(a.art, a.art)}: {a.text}")
            item.setData(Qt.ItemDataRole.UserRole, a.schluessel)
            self.liste.addItem(item)
        self.status.setText(f"{len(aenderungen)} Änderungen gefunden." if aenderungen else "Der Katalog ist bereits aktuell.")
        self.knoepfe.button(QDialogButtonBox.StandardButton.Apply).setEnabled(bool(aenderungen))

    def anwenden(self) -> None:
        pfad = Path(self.datei.text().strip())
        store, dienst = self.store, self.dienst

        def fertig(n: int) -> None:
            self.uebernommen = n
            self.status.setText(f"{n} Änderungen übernommen.")
            self.knoepfe.button(QDialogButtonBox.StandardButton.Apply).setEnabled(False)

        self.runner.starten(lambda: dienst.anwenden(store, pfad), fertig,
                            lambda e: self.status.setText(f"Fehler: {fmt.fehlertext(e)}"))
