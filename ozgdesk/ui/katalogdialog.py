"""Catalogue import as a dialog: choose the file, see the changes and the Hinweise, apply, take back.

Holds no rules: reading, comparing, applying and taking back are the model's
(:mod:`ozgdesk.model.katalogimport.dienst`), called on the DB worker, so the GUI thread never waits
for the file or the database. Applying and taking back run as operations
(:meth:`ozgdesk.ui.operationen.Operationen.ausfuehren`) when the window hands over its ``ops``: then
its one broadcast tells every open view what the import wrote, while the dialog is still open.
Progress comes from the worker through a :class:`~ozgdesk.ui.operationen.Fortschrittsbote`;
nothing is written before „Übernehmen“, and „Import zurücknehmen“ takes the last applied import
back in one step with the Ressort's data intact.
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
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.store import Store
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui import format as fmt
from ozgdesk.ui.dienste import Katalogdienst
from ozgdesk.ui.operationen import Fortschrittsbote, Operationen, oder_eigene

ARTEN = {"neu": "Neu", "geaendert": "Geändert", "entfallen": "Entfallen"}


def _spalte(titel: str, liste: QListWidget) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(beschriftung(titel, liste))
    lay.addWidget(liste)
    return w


class Katalogdialog(QDialog):
    def __init__(self, store: Store, runner: Any, dienst: Katalogdienst, parent=None,  # noqa: ANN001
                 ops: Operationen | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Katalog importieren")
        self.store, self.runner, self.dienst = store, runner, dienst
        self.ops = oder_eigene(ops, store, runner, self, lambda _t, text: self.status.setText(f"Fehler: {text}"))
        self.datei = QLineEdit()
        self.datei.setAccessibleName("Katalogdatei")
        waehlen = QPushButton("Durchsu&chen …")
        waehlen.clicked.connect(self._waehlen)
        self.vergleichen_knopf = QPushButton("&Vergleichen")
        self.vergleichen_knopf.clicked.connect(self.vergleichen)
        zeile = QHBoxLayout()
        zeile.addWidget(beschriftung("&Datei:", self.datei))
        zeile.addWidget(self.datei, 1)
        zeile.addWidget(waehlen)
        zeile.addWidget(self.vergleichen_knopf)
        self.liste = QListWidget()
        self.liste.setAccessibleName("Änderungen im Katalog")
        self.liste.setWordWrap(True)
        self.hinweise = QListWidget()
        self.hinweise.setAccessibleName("Hinweise zur Datei")
        self.hinweise.setWordWrap(True)
        self.hinweise.setAlternatingRowColors(True)  # wrapped entries stay apart
        teiler = QSplitter(Qt.Orientation.Horizontal)
        teiler.addWidget(_spalte("Ä&nderungen:", self.liste))
        hinweisspalte = _spalte("&Hinweise (übersprungene Zeilen und Felder):", self.hinweise)
        teiler.addWidget(hinweisspalte)
        teiler.setStretchFactor(0, 3)
        teiler.setStretchFactor(1, 2)
        self.fortschritt = QProgressBar()
        self.fortschritt.setAccessibleName("Fortschritt")
        self.fortschritt.setVisible(False)
        self._bote = Fortschrittsbote(self)  # called on the worker; its signal is queued into the GUI thread
        self._bote.gemeldet.connect(self._schritt)
        self.status = QLabel("Bitte die neue Katalogdatei wählen und vergleichen.")
        self.status.setWordWrap(True)
        self.knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.uebernehmen_knopf = self.knoepfe.button(QDialogButtonBox.StandardButton.Apply)
        self.uebernehmen_knopf.setText("Alle Änderungen &übernehmen")
        self.uebernehmen_knopf.setEnabled(False)
        self.uebernehmen_knopf.clicked.connect(self.anwenden)
        self.knoepfe.button(QDialogButtonBox.StandardButton.Close).setText("&Schließen")
        self.zuruecknehmen_knopf = self.knoepfe.addButton("Import &zurücknehmen",
                                                          QDialogButtonBox.ButtonRole.ResetRole)
        self.zuruecknehmen_knopf.setEnabled(False)
        self.zuruecknehmen_knopf.clicked.connect(self.zuruecknehmen)
        self.knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(zeile)
        layout.addWidget(teiler, 1)
        layout.addWidget(self.fortschritt)
        layout.addWidget(self.status)
        layout.addWidget(self.knoepfe)
        self.resize(self.fontMetrics().averageCharWidth() * 150, self.fontMetrics().height() * 32)
        self.uebernommen = 0
        self._beschaeftigt = False
        self._letzter_import: str | None = None
        self.ops.im_hintergrund(lambda: dienst.letzter_import(store), ok=self._letzter, fehler=lambda _e: None)

    # ------------------------------------------------------------------------------------ helpers
    def _letzter(self, beschreibung: str | None) -> None:
        self._letzter_import = beschreibung
        self.zuruecknehmen_knopf.setEnabled(bool(beschreibung) and not self._beschaeftigt)
        self.zuruecknehmen_knopf.setToolTip(f"Nimmt den Import {beschreibung} zurück; die Daten des Ressorts "
                                            "bleiben erhalten." if beschreibung else "Kein Import zum Zurücknehmen.")

    def _beschaeftigt_setzen(self, ja: bool) -> None:
        self._beschaeftigt = ja
        self.vergleichen_knopf.setEnabled(not ja)
        self.zuruecknehmen_knopf.setEnabled(not ja and bool(self._letzter_import))
        if ja:
            self.uebernehmen_knopf.setEnabled(False)
        self.fortschritt.setVisible(ja)

    def _schritt(self, schritt: int, von: int, text: str) -> None:
        self.fortschritt.setRange(0, von)
        self.fortschritt.setValue(schritt)
        self.fortschritt.setFormat(f"{text} (%p %)")
        self.status.setText(text)

    def _fehler(self, e: BaseException) -> None:
        self._beschaeftigt_setzen(False)
        self.status.setText(f"Fehler: {fmt.fehlertext(e)}")

    def _waehlen(self) -> None:
        pfad, _f = QFileDialog.getOpenFileName(self, "Katalogdatei wählen", "",
                                               "Katalogexport (*.xlsx *.csv);;Alle Dateien (*)")
        if pfad:
            self.datei.setText(pfad)

    # ------------------------------------------------------------------------------------ actions
    def vergleichen(self) -> None:
        pfad = Path(self.datei.text().strip())
        if not self.datei.text().strip():
            self.status.setText("Bitte zuerst eine Katalogdatei wählen.")
            return
        self.status.setText("Vergleiche …")
        store, dienst = self.store, self.dienst
        self.ops.im_hintergrund(lambda: dienst.vorschau(store, pfad), ok=self._verglichen, fehler=self._fehler)

    def _verglichen(self, ergebnis: Any) -> None:
        aenderungen, hinweise = ergebnis.aenderungen, ergebnis.hinweise
        self.liste.clear()
        for a in aenderungen:
            item = QListWidgetItem(f"{ARTEN.get(a.art, a.art)}: {a.text}")
            item.setData(Qt.ItemDataRole.UserRole, a.schluessel)
            self.liste.addItem(item)
        self.hinweise.clear()
        for h in hinweise:
            self.hinweise.addItem(h)
        if not hinweise:
            self.hinweise.addItem("Keine Hinweise: jede Zeile der Datei wurde gelesen.")
        uebersprungen = ergebnis.uebersprungen
        teile = [f"{len(aenderungen)} Änderungen gefunden." if aenderungen else "Der Katalog ist bereits aktuell."]
        if uebersprungen:
            teile.append(f"{uebersprungen} {'Zeile enthält' if uebersprungen == 1 else 'Zeilen enthalten'} "
                         "ungültige Werte; nur diese Werte werden übersprungen (siehe Hinweise).")
        self.status.setText(" ".join(teile))
        self.uebernehmen_knopf.setEnabled(bool(aenderungen))

    def anwenden(self) -> None:
        pfad = Path(self.datei.text().strip())
        store, dienst, melden = self.store, self.dienst, self._bote

        def fertig(n: int) -> None:
            self._beschaeftigt_setzen(False)
            self.uebernommen = n
            self.status.setText(f"{n} Änderungen übernommen. „Import zurücknehmen“ stellt den vorigen Stand wieder "
                                "her.")
            self.uebernehmen_knopf.setEnabled(False)
            self._letzter(pfad.name)

        self._beschaeftigt_setzen(True)
        self._schritt(0, 1, "Übernehme …")
        self.ops.ausfuehren(lambda: dienst.anwenden(store, pfad, fortschritt=melden),
                            initiator=self, erfolg=fertig, fehler=self._fehler, titel="Katalogimport")

    def frage_zuruecknehmen(self) -> bool:
        """Ask before taking an import back: one click must not undo a month's catalogue by accident."""
        antwort = QMessageBox.question(
            self, "Import zurücknehmen",
            f"Den Import {self._letzter_import or ''} zurücknehmen? Der Katalog erhält den Stand davor; "
            "die Daten des Ressorts (Zuständigkeiten, Reifegrade, Projekte) bleiben erhalten.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return antwort == QMessageBox.StandardButton.Yes

    def zuruecknehmen(self) -> None:
        if not self.frage_zuruecknehmen():
            return
        store, dienst, melden = self.store, self.dienst, self._bote

        def fertig(text: str) -> None:
            self._beschaeftigt_setzen(False)
            self.status.setText(f"Zurückgenommen: {text} Zum erneuten Übernehmen bitte neu vergleichen.")
            self.uebernommen = 0
            self.uebernehmen_knopf.setEnabled(False)
            self.ops.im_hintergrund(lambda: dienst.letzter_import(store), ok=self._letzter, fehler=lambda _e: None)

        self._beschaeftigt_setzen(True)
        self._schritt(0, 1, "Nehme den Import zurück …")
        self.ops.ausfuehren(lambda: dienst.zuruecknehmen(store, fortschritt=melden),
                            initiator=self, erfolg=fertig, fehler=self._fehler, titel="Katalogimport")
