"""Übersicht: what needs attention now, every item a link to its record.

Data comes from ``ozgdesk.model.uebersicht`` on the background runner; the page only lays it out.
It reads through ``store.roh_lesen()`` (plain ``sqlite3``), so it is the page the client can show
before SQLAlchemy is loaded (see ``ozgdesk.model.schnellstart``).

What the next report still lacks comes from the report check itself (the registered
``Berichtsdienst``, the same call as „Prüfen“ on the Berichte page, for the quarter the Übersicht
names), so both pages show the same count. It needs the full store and follows once the store is
open: :meth:`Uebersichtsseite.befunde_laden`, called by the window after opening it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from html import escape
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import uebersicht as ue
from ozgdesk.model.values import Ampel, anzahl
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui import dienste
from ozgdesk.ui import format as fmt
from ozgdesk.ui.diagramm import Balkendiagramm
from ozgdesk.ui.format import punkt

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.model.store import Store

_ROLLE = Qt.ItemDataRole.UserRole + 1


def mio(cent: float) -> str:
    """Short amounts for chart labels: „2,9 Mio. €“ (rounded for display only; sums stay in cents)."""
    euro = cent / 100
    if abs(euro) >= 1_000_000:
        return fmt.LOCALE.toString(euro / 1_000_000, "f", 1) + " Mio. €"
    return fmt.LOCALE.toString(euro / 1000, "f", 0) + " Tsd. €"


class Uebersichtsseite(QScrollArea):
    #: (entity kind, record id, project id) – the window opens the record.
    #: (art, record id, project id, ziel): the window opens the record at the field ``ziel``
    oeffnen = Signal(str, str, str, str)
    #: ask the window to show a table with a preset filter: (page, filter key, code)
    filtern = Signal(str, str, str)
    geladen = Signal()
    #: the findings of the report check are shown (or why there are none)
    geprueft = Signal()
    #: the figures could not be read; the page shows why (a damaged file: the page check follows)
    fehlgeschlagen = Signal()

    def __init__(self, store: Store, runner: Any, stichtag: Callable[[], date], parent: QWidget | None = None,
                 *, vorab: Future[ue.Uebersicht] | None = None) -> None:
        super().__init__(parent)
        # figures computed while the window was being built (see ozgdesk.ui.app); used once
        self._vorab = vorab
        self.setObjectName("seite_uebersicht")
        self.store, self.runner, self.stichtag = store, runner, stichtag
        self.setWidgetResizable(True)
        inhalt = QWidget()
        self.setWidget(inhalt)
        raster = QGridLayout(inhalt)

        self.bericht = QLabel()
        self.bericht.setObjectName("bericht_frist")
        self.bericht.setWordWrap(True)
        self.bericht.setTextFormat(Qt.TextFormat.RichText)
        self.fehlend = self._liste("Noch fehlt für den Bericht")
        box_bericht = self._box("Nächster Quartalsbericht", self.bericht, self.fehlend)

        self.ueberfaellig = self._liste("Überfällige Meilensteine")
        self.demnaechst = self._liste("Meilensteine der nächsten 90 Tage")
        box_ms = self._box("Meilensteine", beschriftung("&Überfällig:", self.ueberfaellig), self.ueberfaellig,
                           beschriftung("In den &nächsten 90 Tagen:", self.demnaechst), self.demnaechst)

        self.ampel_knoepfe: dict[Ampel, QPushButton] = {}
        ampel_zeile = QHBoxLayout()
        for a in Ampel:
            k = QPushButton()
            k.setAccessibleName(f"Projekte mit Ampel {a.label}")
            k.clicked.connect(self._ampel_filter(a.value))
            self.ampel_knoepfe[a] = k
            ampel_zeile.addWidget(k)
        self._ampelsymbole_setzen()
        ampel_w = QWidget()
        ampel_w.setLayout(ampel_zeile)
        box_ampel = self._box("Projekte nach Ampel", ampel_w)

        self.abfluss = Balkendiagramm("Mittelabfluss gegen Plan")
        self.abfluss.angeklickt.connect(lambda _i: self.filtern.emit("finanzen", "jahr", str(self.stichtag().year)))
        self.reifegrad = Balkendiagramm("OZG-Leistungen des Ressorts nach Reifegrad (Modell 1.1)")
        self.reifegrad.angeklickt.connect(self._reifegrad_geklickt)

        raster.addWidget(box_bericht, 0, 0, 2, 1)
        raster.addWidget(box_ampel, 0, 1)
        raster.addWidget(box_ms, 1, 1)
        raster.addWidget(self.abfluss, 2, 0)
        raster.addWidget(self.reifegrad, 2, 1)
        raster.setColumnStretch(0, 1)
        raster.setColumnStretch(1, 1)
        self.daten: ue.Uebersicht | None = None
        #: (Fehler, Hinweise) of the last check shown; None while it runs or if it is unavailable
        self.befundzahlen: tuple[int, int] | None = None
        self._kopf = ""
        self._lauf = 0  # a check started before a newer one must not overwrite it

    def _ampelsymbole_setzen(self) -> None:
        for a, k in self.ampel_knoepfe.items():
            k.setIcon(punkt(fmt.AMPELFARBEN[a].name()))

    def changeEvent(self, e: QEvent) -> None:  # noqa: N802 - Qt's name
        """Another design (Ansicht › Design): the traffic-light dots take its colours."""
        super().changeEvent(e)
        if e.type() == QEvent.Type.PaletteChange and hasattr(self, "ampel_knoepfe"):
            self._ampelsymbole_setzen()

    def _ampel_filter(self, code: str) -> Callable[[], None]:
        return lambda *_a: self.filtern.emit("projekte", "ampel", code)

    def _liste(self, name: str) -> QListWidget:
        liste = QListWidget()
        liste.setAccessibleName(name)
        liste.setWordWrap(True)
        liste.itemActivated.connect(self._aktiviert)
        liste.itemDoubleClicked.connect(self._aktiviert)
        liste.setMinimumHeight(self.fontMetrics().height() * 6)
        return liste

    def _box(self, titel: str, *widgets: QWidget) -> QGroupBox:
        box = QGroupBox(titel)
        layout = QVBoxLayout(box)
        for w in widgets:
            layout.addWidget(w)
        return box

    def neu_laden(self) -> None:
        store, tag = self.store, self.stichtag()
        vorab, self._vorab = self._vorab, None
        if vorab is not None:
            self.runner.starten(vorab.result, self._anzeigen, self._fehler)
        else:
            self.runner.starten(lambda: ue.fuer_store(store, tag), self._anzeigen, self._fehler)

    def _fehler(self, e: BaseException) -> None:
        self.bericht.setText(f"<b>Die Übersicht konnte nicht gelesen werden.</b><br>{escape(str(e))}")
        self.fehlgeschlagen.emit()

    def _anzeigen(self, d: ue.Uebersicht) -> None:
        self.daten = d
        self._kopf = (f"<b>{d.bericht_quartal.lang}</b> – fällig am <b>{fmt.datum(d.bericht_frist)}</b> "
                      f"(Stand {fmt.datum(d.stichtag)}).")
        if getattr(self.store, "ist_geoeffnet", True):  # a not yet opened store: the window calls us after opening
            self.befunde_laden()
        else:
            self._zustand("Die Prüfung für den Bericht folgt, sobald die Datenbank ganz geöffnet ist …")
        self._fuellen(self.ueberfaellig, [
            (f"{fmt.datum(m.termin)}  {m.projekt}: {m.titel} ({m.status.label})", "meilenstein", m.id, m.projekt_id, "")
            for m in d.ueberfaellig])
        self._fuellen(self.demnaechst, [
            (f"{fmt.datum(m.termin)}  {m.projekt}: {m.titel}", "meilenstein", m.id, m.projekt_id, "")
            for m in d.demnaechst])
        for a, k in self.ampel_knoepfe.items():
            k.setText(f"{a.label}: {d.ampeln.get(a, 0)}")
        self.abfluss.setzen([q.quartal.kurz for q in d.mittelabfluss],
                            [("Plan", "diagramm_plan", [q.plan_cent for q in d.mittelabfluss]),
                             ("Ist", "diagramm_ist", [q.ist_cent for q in d.mittelabfluss])], mio)
        stufen = [s for s in d.reifegrade if s is not None]
        kategorien = [f"{s}" for s in stufen] + (["offen"] if d.reifegrade.get(None) else [])
        werte = [d.reifegrade[s] for s in stufen] + ([d.reifegrade[None]] if d.reifegrade.get(None) else [])
        self.reifegrad.setzen([f"Stufe {k}" if k != "offen" else "nicht bewertet" for k in kategorien],
                              [("Leistungen", "diagramm_leistungen", werte)], lambda v: fmt.zahl(int(v)))
        self._reifegrad_codes = [k if k != "offen" else "keiner" for k in kategorien]
        self.geladen.emit()

    def _zustand(self, text: str) -> None:
        self.bericht.setText(f"{self._kopf}<br>{escape(text)}")

    def befunde_laden(self) -> None:
        """Run the report check for the quarter shown (on the DB worker; needs the full store)."""
        d = self.daten
        if d is None:  # the figures come first; _anzeigen calls this again
            return
        self.befundzahlen = None
        dienst = dienste.berichtsdienst()
        if dienst is None:
            self._zustand("Die Prüfung für den Bericht ist nicht verfügbar.")
            self._fuellen(self.fehlend, [])
            self.geprueft.emit()
            return
        self._lauf += 1
        lauf, store, quartal = self._lauf, self.store, d.bericht_quartal.kurz
        self._zustand("Prüfung läuft …")
        # a reader thread of its own: on a large store the check takes seconds, the worker stays free
        self.runner.lesend(lambda: list(dienst.pruefen(store, "quartal", quartal, [])),
                            lambda h: self._befunde_zeigen(lauf, h), lambda e: self._befunde_fehler(lauf, e))

    def _befunde_zeigen(self, lauf: int, hinweise: list[Any]) -> None:
        if lauf != self._lauf:
            return
        fehler, offen_hinweise, mit = ue.hinweise_zaehlen(hinweise)
        self.befundzahlen = (fehler, offen_hinweise)
        self.mit_stellungnahme = mit
        if not fehler and not offen_hinweise:
            self._zustand("Alles Nötige ist erfasst." + (f" {anzahl(mit, 'Befund hat', 'Befunde haben')} eine "
                                                          "Stellungnahme." if mit else ""))
        else:
            self._zustand(f"Noch offen: {ue.befundzahl(fehler, offen_hinweise, mit)}.")
        offen = [h for h in hinweise if h.offen]  # what is left; acknowledged facts are done
        eintraege = [(fmt.befundtext(h), h.art, h.datensatz_id, h.projekt_id or "", h.ziel or "")
                     for h in offen[:ue.BEFUNDE_HOECHSTENS]]
        if len(offen) > ue.BEFUNDE_HOECHSTENS:
            eintraege.append((f"… und {anzahl(len(offen) - ue.BEFUNDE_HOECHSTENS, 'weiterer', 'weitere')} "
                              "(vollständige Liste: Seite Berichte, „Prüfen“)", "", "", "", ""))
        self._fuellen(self.fehlend, eintraege)
        self.geprueft.emit()

    def _befunde_fehler(self, lauf: int, e: BaseException) -> None:
        if lauf != self._lauf:
            return
        self._zustand(f"Die Prüfung für den Bericht ist fehlgeschlagen: {fmt.fehlertext(e)}")
        self._fuellen(self.fehlend, [])
        self.geprueft.emit()

    def _fuellen(self, liste: QListWidget, eintraege: list[tuple[str, str, str, str, str]]) -> None:
        liste.clear()
        if not eintraege:
            item = QListWidgetItem("– nichts –")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            liste.addItem(item)
        for text, art, id_, pid, ziel in eintraege:
            item = QListWidgetItem(text)
            if art:
                item.setData(_ROLLE, (art, id_, pid, ziel))
            liste.addItem(item)

    def _aktiviert(self, item: QListWidgetItem) -> None:
        ziel = item.data(_ROLLE)
        if ziel:
            self.oeffnen.emit(*ziel)

    def _reifegrad_geklickt(self, i: int) -> None:
        codes = getattr(self, "_reifegrad_codes", [])
        if 0 <= i < len(codes):
            self.filtern.emit("leistungen", "reifegrad", codes[i])
