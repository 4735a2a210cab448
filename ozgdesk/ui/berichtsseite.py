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
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
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

from ozgdesk.model import startseiten
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.uebersicht import befundzahl, berichtsquartal, hinweise_zaehlen
from ozgdesk.model.values import Quartal, anzahl
from ozgdesk.ui.formular import Feld, FormularDialog
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui.auswahlliste import Auswahlliste
from ozgdesk.ui import format as fmt
from ozgdesk.ui.dienste import Berichtsdienst

if TYPE_CHECKING:  # pragma: no cover - the page can be the window's first, shown before SQLAlchemy loads
    from ozgdesk.model.store import Store

_ROLLE = Qt.ItemDataRole.UserRole + 1


class _Fortschritt(QObject):
    stand = Signal(int, int)


def __getattr__(name: str) -> Any:
    """``Abgebrochen`` (the service's cancel exception) from here, as before – loaded when asked for:
    the page itself must not load the report code."""
    if name == "Abgebrochen":
        from ozgdesk.reports.dienst import Abgebrochen

        return Abgebrochen
    raise AttributeError(name)


class Berichtsseite(QWidget):
    #: (art, record id, project id, ziel): the window opens the record and focuses the field ``ziel``
    oeffnen = Signal(str, str, str, str)
    #: the projects to choose from are shown / could not be read (the window's start waits for them)
    geladen = Signal()
    fehlgeschlagen = Signal(str)

    def __init__(self, store: Store, runner: Any, dienst: Berichtsdienst, stichtag: Callable[[], date],
                 parent: QWidget | None = None, bearbeitung: Any = None, vorab: Future[Any] | None = None) -> None:
        """``vorab``: the project list, being read while the window was built (the window's start
        page: :mod:`ozgdesk.model.startseiten`); taken instead of a first read of its own."""
        super().__init__(parent)
        self._vorab = vorab
        self.setObjectName("seite_berichte")
        self.store, self.runner, self.dienst = store, runner, dienst
        #: writes statements as undoable edits (None: a page without editing, e.g. in a test double)
        self.bearbeitung = bearbeitung
        self._befunde: list[Any] = []
        self._vorweg = ""
        self.dokument = QComboBox()
        self.dokument.setAccessibleName("Dokument")
        for code, name in dienst.dokumente():
            self.dokument.addItem(name, code)
        # the quarter whose report is due next, as on the Übersicht and in ``ozgdesk-cli pruefen``
        self.zeitraum = QLineEdit(berichtsquartal(stichtag())[0].kurz)
        self.zeitraum.setAccessibleName("Berichtszeitraum")
        self.zeitraum.setToolTip("Quartal wie Q3/2026 oder Halbjahr wie 2026-H2")
        self.projekte = Auswahlliste()
        #: the projects to choose from, once read (None: not yet)
        self.daten: list[tuple[str, str, str]] | None = None
        self.projekte.setAccessibleName("Projekte im Bericht")
        self.aktenzeichen = QLineEdit()
        self.aktenzeichen.setAccessibleName("Aktenzeichen")
        self.aktenzeichen.setPlaceholderText("optional, z. B. OZG 11-22/2026")
        self.aktenzeichen.setToolTip("Aktenzeichen im Kopf des Quartalsberichts und der Dokumente des Einreichungspakets")
        self._store, self._runner = store, runner
        self.neu_laden()
        form = QFormLayout()
        form.addRow(beschriftung("Do&kument:", self.dokument), self.dokument)
        form.addRow(beschriftung("&Zeitraum:", self.zeitraum), self.zeitraum)
        form.addRow(beschriftung("Pro&jekte:", self.projekte), self.projekte)
        form.addRow(beschriftung("Aktenzei&chen:", self.aktenzeichen), self.aktenzeichen)

        self.pruefen_knopf = QPushButton("&Prüfen")
        self.pruefen_knopf.clicked.connect(self.pruefen)
        self.vorschau_knopf = QPushButton("&Vorschau")
        self.vorschau_knopf.clicked.connect(self.vorschau)
        self.erzeugen_knopf = QPushButton("&Erzeugen und speichern …")
        self.erzeugen_knopf.clicked.connect(self.erzeugen)
        self.abbrechen_knopf = QPushButton("Abb&rechen")
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
        self.hinweise.currentRowChanged.connect(lambda _i: self._auswahl_zeigen())
        self.stellungnahme_knopf = QPushButton("Stellung&nahme …")
        self.stellungnahme_knopf.setToolTip("Zu einem Befund, der einen zutreffenden Sachverhalt meldet (z. B. Zahlungen "
                                            "über der Bewilligung), eine Stellungnahme für diesen Zeitraum abgeben")
        self.stellungnahme_knopf.clicked.connect(self.stellungnahme)
        self.zuruecknehmen_knopf = QPushButton("Stellungnahme zur&ücknehmen")
        self.zuruecknehmen_knopf.clicked.connect(self.stellungnahme_zuruecknehmen)
        self.oeffnen_knopf = QPushButton("Datensatz ö&ffnen")
        self.oeffnen_knopf.clicked.connect(lambda: self._hinweis_oeffnen(self.hinweise.currentItem()))
        self.befund_erklaerung = QLabel()
        self.befund_erklaerung.setObjectName("befund_erklaerung")
        self.befund_erklaerung.setWordWrap(True)
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
        ll.addWidget(beschriftung("Prüfergebn&is (Enter öffnet den Datensatz am betroffenen Feld):", self.hinweise))
        ll.addWidget(self.hinweise)
        ll.addWidget(self.befund_erklaerung)
        befund_knoepfe = QHBoxLayout()
        for k in (self.oeffnen_knopf, self.stellungnahme_knopf, self.zuruecknehmen_knopf):
            befund_knoepfe.addWidget(k)
        befund_knoepfe.addStretch()
        ll.addLayout(befund_knoepfe)
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
        renamed or deleted anywhere: an edit, a sync, an import) – with plain sqlite3 while the full
        store is not open yet (the window's first page: the same list, without SQLAlchemy)."""
        store = self._store
        vorab, self._vorab = self._vorab, None
        if vorab is not None:
            self._runner.starten(vorab.result, self._projekte_zeigen, lambda e: self.fehlgeschlagen.emit(str(e)))
            return

        def lesen() -> list[tuple[str, str, str]]:
            if not getattr(store, "ist_geoeffnet", True):
                return startseiten.berichte_lesen(store)
            from ozgdesk.model.operationen.bearbeiten import lesen
            from ozgdesk.model.operationen.projekt import projekte_auswahl

            return lesen(store, projekte_auswahl)

        self._runner.starten(lesen, self._projekte_zeigen, lambda e: self.fehlgeschlagen.emit(str(e)))

    def _projekte_zeigen(self, projekte: list[tuple[str, str, str]]) -> None:
        """The projects to choose from; new ones are checked, the user's unchecked ones stay unchecked."""
        modell = self.projekte.modell
        # the user's unticked projects stay unticked, new ones come ticked; one model reset for all
        modell.setzen(((pid, f"{kennung} – {titel}") for pid, kennung, titel in projekte), modell.abgewaehlt())
        self.daten = projekte
        self.geladen.emit()
    def auftrag(self) -> tuple[str, str, list[str]]:
        text = self.zeitraum.text().strip()
        if not text:
            raise Eingabefehler("Bitte einen Zeitraum angeben (z. B. Q3/2026).")
        ids = self.projekte.modell.gewaehlt()
        return self.dokument.currentData(), text, ids

    def _auftrag_oder_meldung(self) -> tuple[str, str, list[str]] | None:
        """The order, or None after showing the German reason in the status line."""
        try:
            return self.auftrag()
        except Eingabefehler as e:
            self.status.setText(str(e))
            return None

    def _fehler(self, e: BaseException) -> None:
        from ozgdesk.reports.dienst import Abgebrochen  # raised by the service on its worker thread (loaded there)

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
        vorher = self._befund()
        gewaehlt = getattr(vorher, "befund_id", "") if vorher is not None else ""
        zeile = self.hinweise.currentRow()
        self._befunde = list(hinweise)
        self.hinweise.clear()
        for i, h in enumerate(hinweise):
            item = QListWidgetItem(fmt.befundtext(h))
            item.setData(_ROLLE, i)
            self.hinweise.addItem(item)
        fehler, offen_hinweise, mit = hinweise_zaehlen(hinweise)
        vorweg, self._vorweg = self._vorweg, ""
        self.status.setText(vorweg + (f"Prüfung: {befundzahl(fehler, offen_hinweise, mit)}." if hinweise
                                      else "Prüfung ohne Befund."))
        # the same finding stays selected (it moves down once acknowledged), else the same row
        gleich = next((i for i, h in enumerate(hinweise) if gewaehlt and getattr(h, "befund_id", "") == gewaehlt), None)
        if gleich is not None:
            self.hinweise.setCurrentRow(gleich)
        elif 0 <= zeile < self.hinweise.count():
            self.hinweise.setCurrentRow(zeile)
        self._auswahl_zeigen()

    def _befund(self, item: QListWidgetItem | None = None) -> Any:
        item = item if item is not None else self.hinweise.currentItem()
        i = item.data(_ROLLE) if item is not None else None
        return self._befunde[i] if isinstance(i, int) and 0 <= i < len(self._befunde) else None

    def _auswahl_zeigen(self) -> None:
        """Say what the selected finding needs: a fix at its field, or a statement."""
        h = self._befund()
        self.oeffnen_knopf.setEnabled(bool(h and h.art))
        moeglich = bool(h and h.stellungnahme_vorlage and self.bearbeitung is not None)
        self.stellungnahme_knopf.setEnabled(moeglich and h.offen)
        self.zuruecknehmen_knopf.setEnabled(bool(h and h.stellungnahme_ids and self.bearbeitung is not None))
        if h is None:
            self.befund_erklaerung.setText("")
        elif not h.offen:
            self.befund_erklaerung.setText(f"Stellungnahme: {h.stellungnahme}")
        elif h.stellungnahme_vorlage:
            self.befund_erklaerung.setText("Ein zutreffender Sachverhalt: mit einer Stellungnahme erledigt "
                                           "(„Stellungnahme …“) – oder die Daten korrigieren („Datensatz öffnen“).")
        else:
            self.befund_erklaerung.setText("Eine Lücke: bitte am betroffenen Feld beheben („Datensatz öffnen“ oder Enter).")

    def _hinweis_oeffnen(self, item: QListWidgetItem | None) -> None:
        h = self._befund(item)
        if h is not None and h.art:
            self.oeffnen.emit(h.art, h.datensatz_id, h.projekt_id or "", h.ziel or "")

    def dialog_ausfuehren(self, d: QDialog) -> bool:
        """Run a modal dialog (tests replace this to fill it in)."""
        return d.exec() == QDialog.DialogCode.Accepted

    def stellungnahme(self) -> None:
        """Acknowledge the selected fact with a statement for the period (one undoable edit)."""
        h = self._befund()
        if h is None or not h.stellungnahme_vorlage or self.bearbeitung is None:
            return
        from ozgdesk.model.operationen.bearbeiten import anlegen, entwurf_pruefen

        vorlage = dict(h.stellungnahme_vorlage)
        dlg = FormularDialog(f"Stellungnahme zu {vorlage['datensatz']}",
                             [Feld("text", "&Stellungnahme", "mehrzeilig", pflicht=True,
                                   hilfe="Was das BMDS wissen muss: Ursache, Folgen, was veranlasst ist.")],
                             gesamtpruefung=lambda w: entwurf_pruefen("stellungnahme", {**vorlage, **w}),
                             hinweis=f"{vorlage['datensatz']}, Befund für {Quartal.parse(vorlage['zeitraum']).kurz}:\n"
                                     f"{vorlage['befund_text']}\n\nDie Stellungnahme geht mit dem Bericht an das "
                                     "BMDS (PDF, XLSX, JSON).", parent=self)
        if not self.dialog_ausfuehren(dlg) or dlg.ergebnis is None:
            return
        werte = {**vorlage, "text": str(dlg.ergebnis["text"]).strip()}
        self.bearbeitung.ausfuehren(anlegen([("stellungnahme", werte)], f"Stellungnahme zu {vorlage['datensatz']}"),
                                    initiator=self, erfolg=lambda _a: self._nach_stellungnahme("gespeichert"))

    def stellungnahme_zuruecknehmen(self) -> None:
        h = self._befund()
        if h is None or not h.stellungnahme_ids or self.bearbeitung is None:
            return
        from ozgdesk.model.operationen.bearbeiten import loeschen

        self.bearbeitung.ausfuehren(loeschen([("stellungnahme", i) for i in h.stellungnahme_ids],
                                             "Stellungnahme zurücknehmen"),
                                    initiator=self, erfolg=lambda _a: self._nach_stellungnahme("zurückgenommen"))

    def _nach_stellungnahme(self, was: str) -> None:
        self._vorweg = f"Stellungnahme {was}. "  # said once, before the new count
        self.pruefen()

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
        az = self.aktenzeichen.text().strip()

        def arbeit() -> Path:  # worker thread: progress only through the signal
            return dienst.erzeugen(store, dok, zr, ids, ziel, lambda i, n: bote.stand.emit(i, n), abbruch.is_set,
                                   aktenzeichen=az)

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

    def _erzeugt(self, ergebnis: Any) -> None:
        self._fertig()
        self.fortschritt.setValue(self.fortschritt.maximum())
        pfad = getattr(ergebnis, "pfad", ergebnis)
        offene = getattr(ergebnis, "offene", 0)
        if getattr(ergebnis, "entwurf", False):
            self.status.setText(f"Entwurf mit {anzahl(offene, 'offenem Befund', 'offenen Befunden')} gespeichert: "
                                f"{pfad}. Endfassung erst ohne offene Fehler (Liste: „Prüfen“).")
        else:
            signatur = getattr(ergebnis, "signatur", "")
            self.status.setText(f"Gespeichert: {pfad}" + (f" ({signatur})" if signatur else ""))
