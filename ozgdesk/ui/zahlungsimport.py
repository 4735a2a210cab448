"""„Zahlungen aus dem HKR importieren“: choose the export, see every row's fate, apply in one step.

Thin on purpose: reading, checking and writing are :mod:`ozgdesk.model.zahlungsimport`; the dialog
shows its :class:`~ozgdesk.model.zahlungsimport.Vorschau` and runs both the check and „Übernehmen“
on the DB worker, so a large export never freezes the window. „Übernehmen“ is an operation
(:meth:`ozgdesk.ui.operationen.Operationen.ausfuehren`) when the window hands over its ``ops``: its
one broadcast then tells every open view about the new payments at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from ozgdesk.model import zahlungsimport as zi
from ozgdesk.model.store import Store
from ozgdesk.model.values import anzahl, format_euro
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui import format as fmt
from ozgdesk.ui.listenmodell import ListenModell
from ozgdesk.ui.operationen import Operationen, oder_eigene

SPALTEN = [("Status", "text"), ("Zeile", "zahl"), ("Spalte", "text"), ("Projekt", "text"), ("Datum", "datum"), ("Betrag", "euro"),
           ("Haushaltsstelle", "text"), ("Beleg", "text"), ("Text / Meldung", "text")]


def zeilen(v: zi.Vorschau) -> list[tuple[str, tuple[Any, ...]]]:
    """Errors first (they block the import), then the new rows, then those already there."""
    aus: list[tuple[str, tuple[Any, ...]]] = []
    for f in v.fehler:
        meldung = f.meldung.split(": ", 1)[1] if ": " in f.meldung else f.meldung
        aus.append((f"f{f.zeile}", ("Fehler", f.zeile, f.spalte, "", None, None, "", "", meldung)))
    for art, liste in (("Neu", v.neu), ("Schon vorhanden", v.vorhanden)):
        for z in liste:
            aus.append((f"z{z.zeile}", (art, z.zeile, "", z.projekt, z.datum, z.betrag_cent, str(z.haushaltsstelle),
                                        z.referenz, z.text)))
    return aus


class Zahlungsimportdialog(QDialog):
    def __init__(self, store: Store, runner: Any, parent=None, ops: Operationen | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle("Zahlungen aus dem HKR importieren")
        self.store, self.runner = store, runner
        self.ops = oder_eigene(ops, store, runner, self, lambda _t, text: self.status.setText(f"Fehler: {text}"))
        self.vorschau: zi.Vorschau | None = None
        self.datei = QLineEdit()
        self.datei.setAccessibleName("Zahlungsexport")
        self.datei.setPlaceholderText("Export des HKR-Systems als CSV oder XLSX")
        waehlen = QPushButton("Durchsu&chen …")
        waehlen.clicked.connect(self.waehlen)
        self.pruefen_knopf = QPushButton("&Prüfen")
        self.pruefen_knopf.clicked.connect(self.pruefen)
        kopf = QHBoxLayout()
        kopf.addWidget(beschriftung("&Datei:", self.datei))
        kopf.addWidget(self.datei, 1)
        kopf.addWidget(waehlen)
        kopf.addWidget(self.pruefen_knopf)
        self.modell = ListenModell(SPALTEN, self)
        self.tabelle = QTableView()
        self.tabelle.setModel(self.modell)
        self.tabelle.setAccessibleName("Vorschau des Zahlungsimports")
        self.tabelle.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabelle.verticalHeader().hide()
        self.tabelle.setWordWrap(False)  # one line per row; errors are also listed in full below the table
        self.tabelle.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("Bitte den Zahlungsexport wählen und prüfen. Gespeichert wird erst mit „Übernehmen“.")
        self.status.setWordWrap(True)
        self.hinweise = QLabel("")
        self.hinweise.setWordWrap(True)
        self.hinweise.hide()
        self.knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Close)
        self.uebernehmen_knopf = self.knoepfe.button(QDialogButtonBox.StandardButton.Apply)
        self.uebernehmen_knopf.setText("&Übernehmen")
        self.uebernehmen_knopf.setEnabled(False)
        self.uebernehmen_knopf.clicked.connect(self.uebernehmen)
        self.knoepfe.button(QDialogButtonBox.StandardButton.Close).setText("Schl&ießen")
        self.knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(kopf)
        layout.addWidget(self.tabelle, 1)
        layout.addWidget(self.hinweise)
        layout.addWidget(self.status)
        layout.addWidget(self.knoepfe)
        fm = self.fontMetrics()
        self.resize(fm.averageCharWidth() * 175, fm.height() * 32)
        self.uebernommen = 0

    def waehlen(self) -> None:
        pfad, _f = QFileDialog.getOpenFileName(self, "Zahlungsexport wählen", "",
                                               "Zahlungsexport (*.csv *.xlsx *.txt);;Alle Dateien (*)")
        if pfad:
            self.datei.setText(pfad)
            self.pruefen()

    def _pfad(self) -> Path | None:
        text = self.datei.text().strip()
        if not text:
            self.status.setText("Bitte zuerst den Zahlungsexport wählen.")
            return None
        return Path(text)

    def pruefen(self) -> None:
        pfad = self._pfad()
        if pfad is None:
            return
        self.uebernehmen_knopf.setEnabled(False)
        self.status.setText("Prüfe …")
        store = self.store
        self.ops.im_hintergrund(lambda: zi.pruefen(store, pfad), ok=self._geprueft, fehler=self._fehler)

    def _geprueft(self, v: zi.Vorschau) -> None:
        self.vorschau = v
        self.modell.setzen(zeilen(v))
        self.tabelle.resizeColumnsToContents()
        kopf = self.tabelle.horizontalHeader()
        kopf.setSectionResizeMode(len(SPALTEN) - 1, QHeaderView.ResizeMode.Stretch)
        teile = [anzahl(len(v.neu), "neue Zahlung", "neue Zahlungen") + f" ({format_euro(v.summe_neu_cent)})",
                 f"{len(v.vorhanden)} schon vorhanden"]
        if v.fehler:
            teile.append(anzahl(len(v.fehler), "fehlerhafte Zeile", "fehlerhafte Zeilen"))
            schluss = ("Die Datei wird nicht übernommen, solange eine Zeile fehlerhaft ist. Bitte die Zeilen im "
                       "HKR-Export berichtigen und erneut prüfen.")
        elif v.neu:
            schluss = "„Übernehmen“ speichert die neuen Zahlungen in einem Schritt."
        else:
            schluss = "Alle Zahlungen dieser Datei sind schon erfasst; nichts zu übernehmen."
        self.status.setText(f"{v.datei}: {', '.join(teile)}. {schluss}")
        self.tabelle.setColumnHidden(2, not v.fehler)  # „Spalte“ only names the cell of an error
        self._hinweise_zeigen(v)
        self.uebernehmen_knopf.setEnabled(bool(v.neu) and not v.fehler)

    def _hinweise_zeigen(self, v: zi.Vorschau) -> None:
        """Below the table in full sentences: the errors (they block) and the Hinweise (they do not)."""
        def liste(texte: list[str]) -> str:
            gezeigt = "\n".join(f"• {t.split(', ', 1)[1] if t.startswith('Datei ') else t}" for t in texte[:5])
            return gezeigt + (f"\n… und {len(texte) - 5} weitere" if len(texte) > 5 else "")

        teile = []
        if v.fehler:
            teile.append(f"Fehler (deshalb wird nichts übernommen):\n{liste([f.meldung for f in v.fehler])}")
        if v.hinweise:
            teile.append(f"Hinweise (werden trotzdem übernommen):\n{liste(v.hinweise)}")
        self.hinweise.setText("\n".join(teile))
        self.hinweise.setVisible(bool(teile))

    def uebernehmen(self) -> None:
        pfad = self._pfad()
        if pfad is None:
            return
        self.uebernehmen_knopf.setEnabled(False)
        self.pruefen_knopf.setEnabled(False)
        self.status.setText("Übernehme …")
        store = self.store

        def fertig(v: zi.Vorschau) -> None:
            self.pruefen_knopf.setEnabled(True)
            self.uebernommen = len(v.neu)
            self.vorschau = v
            self.modell.setzen(zeilen(v))
            self.status.setText(f"{anzahl(len(v.neu), 'Zahlung', 'Zahlungen')} übernommen "
                                f"({format_euro(v.summe_neu_cent)}); im Änderungsprotokoll verzeichnet.")

        def fehler(e: BaseException) -> None:
            self.pruefen_knopf.setEnabled(True)
            self._fehler(e)

        self.ops.ausfuehren(lambda: zi.uebernehmen(store, pfad),
                            initiator=self, erfolg=fertig, fehler=fehler, titel="Zahlungsimport")

    def _fehler(self, e: BaseException) -> None:
        self.status.setText(f"Fehler: {fmt.fehlertext(e)}")
