"""Berichte: pick document, period and projects → validation list → preview → save.

Talks to the reports through the :class:`~ozgdesk.ui.dienste.Berichtsdienst` protocol (registered
in ``ozgdesk.ui.app``; only the cancel exception comes from ``ozgdesk.reports.dienst``). Generation runs on the background runner with
progress and a cancel button; progress comes back through a signal, never by touching widgets from
the worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.model.uebersicht import befundzahl, berichtsquartal
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui import format as fmt
from ozgdesk.ui.dienste import Berichtsdienst
from ozgdesk.reports.dienst import Abgebrochen  # raised by the service on its worker thread

_ROLLE = Qt.ItemDataRole.UserRole + 1


class _Fortschritt(QObject):
    stand = Signal(int, int)


class Berichtsseite(QWidget):
    oeffnen = Signal(str, str, str)

    def __init__(self, store: Store, runner: Any, dienst: Berichtsdienst, stichtag: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seite_berichte")
        self.store, self.runner, self.dienst = store, runner, dienst
        self.dokument = QComboBox()
        self.dokument.setAccessibleName("Dokument")
        for code, name in dienst.dokumente():
            self.dokument.addItem(name, code)
        # the quarter whose report is due next, as on the Übersicht and in ``ozgdesk-cli pruefen``
        self.zeitraum = QLineEdit(berichtsquartal(stichtag())[0].kurz)
        self.zeitraum.setAccessibleName("Berichtszeitraum")
        self.zeitraum.setToolTip("Quartal wie Q3/2026 oder Halbjahr wie 2026-H2")
        self.projekte = QListWidget()
        self.projekte.setAccessibleName("Projekte im Bericht")
        self._store, self._runner = store, runner
        self.neu_laden()
        form = QFormLayout()
        form.addRow(beschriftung("&Dokument:", self.dokument), self.dokument)
        form.addRow(beschriftung("&Zeitraum:", self.zeitraum), self.zeitraum)
        form.addRow(beschriftung("&Projekte:", self.projekte), self.projekte)

        self.pruefen_knopf = QPushButton("&Prüfen")
        self.pruefen_knopf.clicked.connect(self.pruefen)
        self.vorschau_knopf = QPushButton("&Vorschau")
        self.vorschau_knopf.clicked.connect(self.vorschau)
        self.erzeugen_knopf = QPushButton("&Erzeugen und speichern …")
        self.erzeugen_knopf.clicked.connect(self.erzeugen)
        self.abbrechen_knopf = QPushButton("Ab&brechen")
        self.abbrechen_knopf.setEnabled(False)
        self.abbrechen_knopf.clicked.connect(self.abbrechen)
        knoepfe = QHBoxLayout()
        for k in (self.pruefen_knopf, self.vorschau_knopf, self.erzeugen_knopf, self.abbrechen_knopf):
            knoepfe.addWidget(k)
        self.fortschritt = QProgressBar()
        self.fortschritt.setAccessibleName("Fortschritt")
        self.status = QLabel()
        self.status.setObjectName("berichtsstatus")
        self.status.setWordWrap(True)

        self.hinweise = QListWidget()
        self.hinweise.setAccessibleName("Prüfergebnis")
        self.hinweise.setWordWrap(True)
        self.hinweise.itemActivated.connect(self._hinweis_oeffnen)
        self.hinweise.itemDoubleClicked.connect(self._hinweis_oeffnen)
        self.bild = QLabel("Noch keine Vorschau.")
        self.bild.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bild_scroll = QScrollArea()
        bild_scroll.setWidgetResizable(True)
        bild_scroll.setWidget(self.bild)

        links = QWidget()
        ll = QVBoxLayout(links)
        ll.addLayout(form)
        ll.addLayout(knoepfe)
        ll.addWidget(self.fortschritt)
        ll.addWidget(self.status)
        ll.addWidget(QLabel("Prüfergebnis (Enter öffnet den Datensatz):"))
        ll.addWidget(self.hinweise)
        teiler = QSplitter()
        teiler.addWidget(links)
        teiler.addWidget(bild_scroll)
        teiler.setSizes([550, 450])  # proportions: the preview gets a readable share of the width
        self._bild_scroll = bild_scroll
        QVBoxLayout(self).addWidget(teiler)

        self._bote = _Fortschritt(self)
        self._bote.stand.connect(self._stand)
        self._abbruch = threading.Event()


    #: the tables the page shows (its project list); the window reloads it when one is written
    zeigt = frozenset({"projekt"})

    def neu_laden(self) -> None:
        """Read the projects to choose from on the DB worker (again after a project was added,
        renamed or deleted anywhere: an edit, a sync, an import)."""
        from ozgdesk.model.operationen.bearbeiten import lesen
        from ozgdesk.model.operationen.projekt import projekte_auswahl

        store = self._store
        self._runner.starten(lambda: lesen(store, projekte_auswahl), self._projekte_zeigen, lambda _e: None)

    def _projekte_zeigen(self, projekte: list[tuple[str, str, str]]) -> None:
        """The projects to choose from; new ones are checked, the user's unchecked ones stay unchecked."""
        abgewaehlt = {self.projekte.item(i).data(_ROLLE) for i in range(self.projekte.count())
                      if self.projekte.item(i).checkState() != Qt.CheckState.Checked}
        self.projekte.clear()
        for pid, kennung, titel in projekte:
            item = QListWidgetItem(f"{kennung} – {titel}")
            item.setData(_ROLLE, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if pid in abgewaehlt else Qt.CheckState.Checked)
            self.projekte.addItem(item)
    def auftrag(self) -> tuple[str, str, list[str]]:
        text = self.zeitraum.text().strip()
        if not text:
            raise Eingabefehler("Bitte einen Zeitraum angeben (z. B. Q3/2026).")
        ids = [self.projekte.item(i).data(_ROLLE) for i in range(self.projekte.count())
               if self.projekte.item(i).checkState() == Qt.CheckState.Checked]
        return self.dokument.currentData(), text, ids

    def _auftrag_oder_meldung(self) -> tuple[str, str, list[str]] | None:
        """The order, or None after showing the German reason in the status line."""
        try:
            return self.auftrag()
        except Eingabefehler as e:
            self.status.setText(str(e))
            return None

    def _fehler(self, e: BaseException) -> None:
        self._fertig()
        self.status.setText("Abgebrochen." if isinstance(e, Abgebrochen) else f"Fehler: {fmt.fehlertext(e)}")

    def pruefen(self) -> None:
        auftrag = self._auftrag_oder_meldung()
        if auftrag is None:
            return
        dok, zr, ids = auftrag
        self.status.setText("Prüfung läuft …")
        store, dienst = self.store, self.dienst
        self.runner.starten(lambda: list(dienst.pruefen(store, dok, zr, ids)), self._geprueft, self._fehler)

    def _geprueft(self, hinweise: list[Any]) -> None:
        self.hinweise.clear()
        for h in hinweise:
            item = QListWidgetItem(("Fehler: " if h.schwere == "fehler" else "Hinweis: ") + h.text)
            item.setData(_ROLLE, (h.art, h.datensatz_id, h.projekt_id or ""))
            self.hinweise.addItem(item)
        fehler = sum(1 for h in hinweise if h.schwere == "fehler")
        self.status.setText(f"Prüfung: {befundzahl(fehler, len(hinweise) - fehler)}." if hinweise
                            else "Prüfung ohne Befund.")

    def _hinweis_oeffnen(self, item: QListWidgetItem) -> None:
        ziel = item.data(_ROLLE)
        if ziel:
            self.oeffnen.emit(*ziel)

    def vorschau(self) -> None:
        auftrag = self._auftrag_oder_meldung()
        if auftrag is None:
            return
        dok, zr, ids = auftrag
        store, dienst = self.store, self.dienst
        self.status.setText("Vorschau wird erstellt …")
        self.runner.starten(lambda: dienst.vorschau_png(store, dok, zr, ids), self._vorschau_da, self._fehler)

    def _vorschau_da(self, png: bytes) -> None:
        pm = QPixmap()
        pm.loadFromData(png, "PNG")
        breite = self._bild_scroll.viewport().width() - 8
        if 0 < breite < pm.width():  # whole page width visible; scroll vertically only
            pm = pm.scaledToWidth(breite, Qt.TransformationMode.SmoothTransformation)
        self.bild.setPixmap(pm)
        self.status.setText("Vorschau der ersten Seite.")

    def ziel_waehlen(self) -> Path | None:
        """Ask where to save (tests replace this)."""
        pfad, _f = QFileDialog.getSaveFileName(self, "Bericht speichern", "", "PDF (*.pdf);;Excel (*.xlsx);;Einreichungspaket (*.zip)")
        return Path(pfad) if pfad else None

    def erzeugen(self) -> None:
        auftrag = self._auftrag_oder_meldung()
        if auftrag is None:
            return
        dok, zr, ids = auftrag
        ziel = self.ziel_waehlen()
        if ziel is None:
            return
        self._abbruch.clear()
        self.abbrechen_knopf.setEnabled(True)
        for k in (self.pruefen_knopf, self.vorschau_knopf, self.erzeugen_knopf):
            k.setEnabled(False)
        self.fortschritt.setValue(0)
        self.status.setText("Bericht wird erzeugt …")
        store, dienst, bote, abbruch = self.store, self.dienst, self._bote, self._abbruch

        def arbeit() -> Path:  # worker thread: progress only through the signal
            return dienst.erzeugen(store, dok, zr, ids, ziel, lambda i, n: bote.stand.emit(i, n), abbruch.is_set)

        self.runner.starten(arbeit, self._erzeugt, self._fehler)

    def _stand(self, i: int, n: int) -> None:
        self.fortschritt.setMaximum(max(n, 1))
        self.fortschritt.setValue(i)

    def abbrechen(self) -> None:
        self._abbruch.set()
        self.status.setText("Wird abgebrochen …")

    def _fertig(self) -> None:
        self.abbrechen_knopf.setEnabled(False)
        for k in (self.pruefen_knopf, self.vorschau_knopf, self.erzeugen_knopf):
            k.setEnabled(True)

    def _erzeugt(self, pfad: Path) -> None:
        self._fertig()
        self.fortschritt.setValue(self.fortschritt.maximum())
        self.status.setText(f"Gespeichert: {pfad}")
