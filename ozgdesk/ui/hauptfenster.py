"""The main window: navigation, pages (created on first use), menus, status bar, undo stack, settings.

Pages are built lazily so start-up shows the Übersicht with data as fast as possible; the big
tables load only when the user opens them. Edits report the tables they changed and only pages
showing those tables reload.

Start-up in two steps: the window and its first page need only Qt and plain ``sqlite3``; the page
modules, SQLAlchemy and the full store are loaded by the *Nachlauf* (post-start work) that begins
when the first page shows its data (:attr:`bereit`). See ``ozgdesk.model.schnellstart``.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QHBoxLayout,
    QStackedWidget,
    QWidget,
)

from ozgdesk.model.aenderungen import Aenderungen
from ozgdesk.model.schnellstart import VerzoegerterStore
from ozgdesk.ui import dienste, platzhalter, thema, zuletzt
from ozgdesk.ui.aktionen import aktion
from ozgdesk.ui.einstellungen import (
    BARRIEREFREIHEIT_KONTAKT,
    GEOMETRIE,
    SEITE,
    TEILUNG,
    ZUSTAND,
    design_schreiben,
)
from ozgdesk.ui.farben import DESIGN_NAMEN, DESIGNS
from ozgdesk.ui.operationen import Operationen
from ozgdesk.ui.undo import Bearbeitung

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.model.store import Store
    from ozgdesk.ui.seiten import ProjekteSeite
    from ozgdesk.ui.vorabseite import Vorabseite

W = TypeVar("W", bound=QWidget)

#: table pages with a start-up stand-in (ozgdesk.ui.vorabseite.SEITEN; not imported here, it loads the table widgets)
_VORAB = frozenset({"leistungen", "projekte", "finanzen"})

SEITEN = (
    ("uebersicht", "&Übersicht"),
    ("leistungen", "&Leistungen"),
    ("projekte", "&Projekte"),
    ("zeitleiste", "&Zeitleiste"),
    ("finanzen", "&Finanzen"),
    ("berichte", "&Berichte"),
    ("abgleich", "&Abgleich"),
    ("aenderungen", "Ä&nderungsprotokoll"),
)


def _als(w: QWidget, art: type[W]) -> W:
    """``w`` as the class :meth:`Hauptfenster.seite` builds for its key (page modules load lazily,
    so the pages are kept as plain widgets)."""
    if not isinstance(w, art):
        raise TypeError(f"Seite {type(w).__name__} ist keine {art.__name__}")
    return w


def _kopf_lesen(store: Any) -> Any:
    """The Ressort's name for the title (plain sqlite3: the full store may not be open yet)."""
    from ozgdesk.model.uebersicht import ressort_kopf  # on the worker; a table start page needs no Übersicht

    with store.roh_lesen() as con:
        return ressort_kopf(con)


class Hauptfenster(QMainWindow):
    #: the first page shows its data (the start-up benchmark ends here)
    bereit = Signal()
    #: the post-start work is done: full store open, sync state in the status bar, file checked
    nachlauf_fertig = Signal()

    def __init__(self, store: Store | VerzoegerterStore, runner: Any, *, stichtag: Callable[[], date] = date.today,
                 einstellungen: QSettings | None = None, nachlauf: bool = True,
                 vorab_uebersicht: Future[Any] | None = None,
                 datenbank_oeffnen: Callable[[Path], bool] | None = None,
                 vorab_tabelle: Future[Any] | None = None, vorab_seite: Future[Any] | None = None) -> None:
        """``datenbank_oeffnen(pfad)`` switches to another database (Datei › Datenbank öffnen …,
        Zuletzt geöffnet; ``ozgdesk.ui.app.Sitzung``); without it the window says it cannot.
        ``vorab_tabelle``: the first page of the start page's table, being read while the window is
        built (``ozgdesk.model.schnelltabellen.startseite_lesen``), as ``vorab_uebersicht`` for the Übersicht;
        ``vorab_seite`` the same for the other start pages with data (:mod:`ozgdesk.model.startseiten`)."""
        super().__init__()
        self._datenbank_oeffnen = datenbank_oeffnen
        # a VerzoegerterStore stands in for the Store it opens on first use (it forwards every
        # attribute, which its class cannot declare to mypy), so the pages take either as a Store
        self.store, self.runner, self.stichtag = cast("Store", store), runner, stichtag
        self._vorab_uebersicht = vorab_uebersicht
        self._vorab_tabelle = vorab_tabelle
        self._vorab_seite = vorab_seite
        self.einstellungen = einstellungen or QSettings()
        self.setObjectName("hauptfenster")
        self.ressort: Any = None
        self.setWindowTitle("ozgdesk")
        self.stack = QUndoStack(self)
        #: every operation runs through here; its one signal refreshes the views
        self.ops = Operationen(store, runner, lambda titel, text: self.fehler_zeigen(titel, text), self)
        self.ops.daten_geaendert.connect(self.daten_geaendert)
        self.bearbeitung = Bearbeitung(self.ops, self.stack)
        #: pages that missed a change while hidden: reloaded when shown again
        self._veraltet: set[str] = set()

        self.navigation = QListWidget()
        self.navigation.setAccessibleName("Navigation")
        self.navigation.setObjectName("navigation")
        for schluessel, text in SEITEN:
            item = QListWidgetItem(text.replace("&", ""))
            item.setData(Qt.ItemDataRole.UserRole, schluessel)
            self.navigation.addItem(item)
        self.navigation.setFixedWidth(self.fontMetrics().horizontalAdvance("Änderungsprotokoll") + 32)
        self.seiten = QStackedWidget()
        self._seiten: dict[str, QWidget] = {}
        self._platz: dict[str, QWidget] = {}
        for schluessel, _t in SEITEN:
            platz = QWidget()
            self._platz[schluessel] = platz
            self.seiten.addWidget(platz)
        mitte = QWidget()
        reihe = QHBoxLayout(mitte)
        reihe.addWidget(self.navigation)
        reihe.addWidget(self.seiten, 1)
        self.setCentralWidget(mitte)
        self.navigation.currentRowChanged.connect(self._seite_gewaehlt)

        self._menues()
        self._statusleiste()
        self.runner.starten(lambda: _kopf_lesen(store), self._ressort_zeigen, lambda _e: None)
        self.resize(1280, 800)
        geo = GEOMETRIE.lesen(self.einstellungen)
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        zustand = ZUSTAND.lesen(self.einstellungen)
        if isinstance(zustand, QByteArray):
            self.restoreState(zustand)
        letzte = SEITE.lesen(self.einstellungen)
        index = next((i for i, (k, _t) in enumerate(SEITEN) if k == letzte), 0)
        self.navigation.setCurrentRow(index)
        self._seite_gewaehlt(index)
        self._bereit_melden(self._zu_zeigen(SEITEN[index][0]))
        self._vorab_seite = None  # read for the start page only; never handed to another page
        if nachlauf:
            self.bereit.connect(self.nachlauf_starten)

    def _ressort_zeigen(self, ressort: Any) -> None:
        """Window title and status bar name the Ressort once the worker has read it."""
        self.ressort = ressort
        self.setWindowTitle(f"ozgdesk – {ressort.kurzname if ressort else 'kein Ressort'}")
        self.status_ressort.setText(f"Ressort: {ressort.kurzname} – {ressort.referat or ressort.name}" if ressort
                                    else "Ressort: –")

    def _bereit_melden(self, seite: QWidget) -> None:
        """Emit :attr:`bereit` once the first page shows its data (it loads on the background runner)
        or its German error message: the post-start work, whose page check explains a damaged
        file, must follow either way."""
        tabelle = getattr(seite, "tabelle", None) or getattr(seite, "projekte", None)
        modell: Any = getattr(tabelle, "modell", None)
        if modell is not None and hasattr(modell, "geladen") and modell.rowCount() == 0:  # a TabellenModell
            modell.geladen.connect(self._einmal_bereit)
            modell.fehler.connect(self._einmal_bereit)
        elif getattr(seite, "daten", False) is None and hasattr(seite, "fehlgeschlagen"):
            # the Übersicht, the Zeitleiste: a page that reads its data itself
            getattr(seite, "geladen").connect(self._einmal_bereit)  # noqa: B009 - pages are plain widgets here
            getattr(seite, "fehlgeschlagen").connect(self._einmal_bereit)  # noqa: B009
        else:  # loaded already (tests run the worker synchronously) or a page without data
            QTimer.singleShot(0, self._einmal_bereit)

    def _einmal_bereit(self, *_a: object) -> None:
        if not getattr(self, "_ist_bereit", False):
            self._ist_bereit = True
            self.bereit.emit()

    def nachlauf_starten(self) -> None:
        """Post-start work, in this order on the single worker: open the full store (SQLAlchemy),
        the sync state for the status bar, then the full page check of the database file.

        Every Store attribute is read inside the worker's function, never here: on a store not
        yet opened, reading one opens it, which must not happen on the GUI thread.
        """
        store = self.store
        if isinstance(store, VerzoegerterStore):
            self.runner.starten(store.geoeffnet, lambda _s: self._geoeffnet(), self._nachlauf_fehler)
        self.runner.starten(self._abgleich_status_laden, self.abgleich_status_zeigen, lambda _e: None)
        self.runner.starten(lambda: store.integritaet_pruefen(), self._geprueft, self._pruefung_fehlgeschlagen)

    def _geoeffnet(self) -> None:
        """The full store is open: the Übersicht's report check, which needs it, can run now, a
        table page's start-up stand-in hands over to the real page, the Zeitleiste reads all projects."""
        befunde_laden = getattr(self._seiten.get("uebersicht"), "befunde_laden", None)
        if befunde_laden is not None:  # the Übersicht is built (else it checks when it is)
            befunde_laden()
        for schluessel, w in list(self._seiten.items()):
            if getattr(w, "ist_vorab", False):
                self.seite(schluessel)
            elif getattr(w, "wartet_auf_store", False):  # the Zeitleiste's preview: now the full timeline
                w.neu_laden()  # type: ignore[attr-defined]
            elif hasattr(w, "store_geoeffnet"):  # a page that showed its first rows without it (Änderungsprotokoll)
                w.store_geoeffnet()

    def _nachlauf_fehler(self, e: BaseException) -> None:
        """The store could not be opened: say so (once; later steps fail with the same message)."""
        if str(e) != getattr(self, "_gemeldet", None):
            self._gemeldet = str(e)
            self.meldung("Datenbank nicht verfügbar", str(e))

    def _pruefung_fehlgeschlagen(self, e: BaseException) -> None:
        self._nachlauf_fehler(e)
        self.nachlauf_fertig.emit()

    def _geprueft(self, meldung: str | None) -> None:
        if meldung:
            self.meldung("Datenbank beschädigt", meldung)
        self.nachlauf_fertig.emit()

    # ------------------------------------------------------------------------------ chrome
    def _menues(self) -> None:
        """The menu bar. Its letters D, B, A, T, H are reserved for it in the whole window (no page
        uses them; ``docs/tastatur.md``), and within each menu every letter is used once – both are
        tested (``tests/test_ui_barrierefreiheit.py``)."""
        mb = self.menuBar()
        datei = mb.addMenu("&Datei")
        datei.addAction(aktion("&Speichern", self, self.speichern, kuerzel=QKeySequence.StandardKey.Save))
        datei.addSeparator()
        datei.addAction(aktion("Datenbank &öffnen …", self, self.datenbank_waehlen, kuerzel=QKeySequence("Ctrl+O"),
                               tipp="Eine andere ozgdesk-Datenbank öffnen (ungespeicherte Eingaben werden vorher erfragt)"))
        self.zuletzt_menue = QMenu("Zu&letzt geöffnet", datei)
        self.zuletzt_menue.setToolTipsVisible(True)
        # filled when opened, not at start: looking whether a file on a network drive exists can take seconds
        self.zuletzt_menue.aboutToShow.connect(self.zuletzt_fuellen)
        datei.addMenu(self.zuletzt_menue)
        datei.addSeparator()
        # both imports where users look for them (and where the docs and the first-start wizard say they are)
        datei.addAction(aktion("&Katalog importieren …", self, self.katalog_importieren))
        datei.addAction(aktion("&Zahlungen aus dem HKR importieren …", self, self.zahlungen_importieren))
        datei.addSeparator()
        datei.addAction(aktion("Ansicht e&xportieren …", self, self.ansicht_exportieren, kuerzel=QKeySequence("Ctrl+Shift+E"),
                               tipp="Die Tabelle mit dem Fokus (sonst die der Seite) als Excel-Arbeitsmappe oder CSV speichern"))
        datei.addAction(aktion("&Einstellungen …", self, self.einstellungen_oeffnen))
        datei.addSeparator()
        datei.addAction(aktion("&Beenden", self, self.close, kuerzel=QKeySequence("Ctrl+Q")))

        bearb = mb.addMenu("&Bearbeiten")
        undo = self.stack.createUndoAction(self, "Rückgängig:")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = self.stack.createRedoAction(self, "Wiederholen:")
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.undo_aktion, self.redo_aktion = undo, redo
        bearb.addAction(undo)
        bearb.addAction(redo)
        bearb.addSeparator()
        bearb.addAction(aktion("&Suchen", self, self.suchen, kuerzel=QKeySequence.StandardKey.Find,
                               tipp="Das Suchfeld der Tabelle auf dieser Seite"))
        bearb.addAction(aktion("&Überall suchen …", self, self.globale_suche, kuerzel=QKeySequence("Ctrl+K"),
                               tipp="Projekte, Meilensteine, OZG-Leistungen, Behörden und Personen durchsuchen"))

        ansicht = mb.addMenu("&Ansicht")
        for i, (schluessel, text) in enumerate(SEITEN):
            ansicht.addAction(aktion(text, self, self._zeigen_fuer(schluessel), kuerzel=QKeySequence(f"Ctrl+{i + 1}")))
        ansicht.addSeparator()
        design = ansicht.addMenu("&Design")
        self.design_aktionen: dict[str, QAction] = {}
        gruppe = QActionGroup(self)
        gruppe.setExclusive(True)
        for name, text in zip(DESIGNS, ("&Hell", "&Dunkel", "Hoher &Kontrast"), strict=True):
            a = aktion(text, self, self._design_fuer(name), tipp=f"Design „{DESIGN_NAMEN[name]}“")
            a.setCheckable(True)
            a.setChecked(name == thema.aktuell())
            gruppe.addAction(a)
            design.addAction(a)
            self.design_aktionen[name] = a

        stamm = mb.addMenu("S&tammdaten")
        stamm.addAction(aktion("&Behörden …", self, lambda: self.stammdaten("behoerde")))
        stamm.addAction(aktion("&Personen …", self, lambda: self.stammdaten("person")))
        stamm.addSeparator()
        stamm.addAction(aktion("&Ressort …", self, self.ressort_bearbeiten))

        hilfe_menue = mb.addMenu("&Hilfe")
        hilfe_menue.addAction(aktion("&Handbuch", self, lambda: self.handbuch_zeigen(),
                                     kuerzel=QKeySequence.StandardKey.HelpContents,
                                     tipp="Das Handbuch beim Kapitel dieser Seite"))
        hilfe_menue.addAction(aktion("&Tastenkürzel …", self, self.tastenkuerzel_zeigen))
        hilfe_menue.addAction(aktion("&Erklärung zur Barrierefreiheit", self, self.erklaerung_zeigen))
        hilfe_menue.addSeparator()
        hilfe_menue.addAction(aktion("Über ozgdesk / &Diagnose …", self, self.ueber))

    def _design_fuer(self, name: str) -> Callable[[], None]:
        return lambda: self.design_setzen(name)

    def design_setzen(self, name: str) -> None:
        """Ansicht › Design: switch the whole application now and keep the choice for the next start."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            thema.anwenden(app, name)
        design_schreiben(self.einstellungen, name)
        a = self.design_aktionen.get(name)
        if a is not None and not a.isChecked():
            a.setChecked(True)

    def _zeigen_fuer(self, schluessel: str) -> Callable[[], QWidget]:
        return lambda: self.zeigen(schluessel)

    def _statusleiste(self) -> None:
        sb = self.statusBar()
        self.status_ressort = QLabel("Ressort: wird gelesen …")
        self.status_db = QLabel(f"Datenbank: {self.store.ort.anzeige}")  # a server: user@host/db, never a password
        self.status_db.setToolTip(self.store.ort.anzeige)
        # facts only once the post-start work has read them (abgleich_status_zeigen)
        self.status_netz = QLabel("Abgleich: wird ermittelt …")
        self.status_einreichung = QLabel("Ausstehende Einreichungen: –")
        for w in (self.status_ressort, self.status_db, self.status_netz, self.status_einreichung):
            w.setAccessibleName(w.text().split(":")[0])  # "Ressort", "Datenbank", "Abgleich", …
            sb.addPermanentWidget(w)
        self.status_db.setMaximumWidth(self.fontMetrics().averageCharWidth() * 60)

    def _abgleich_status_laden(self) -> object:
        from ozgdesk.sync.abgleich import status

        return status(self.store)

    def abgleich_status_zeigen(self, st: object) -> None:
        """Status bar: online/offline and the submissions waiting for the next sync."""
        if getattr(st, "server", ""):  # everyone works on the server's data: there is nothing to exchange
            self.status_netz.setText("Abgleich: nicht nötig (Datenbankserver)")
        elif getattr(st, "eingerichtet", False):
            zuletzt = st.letzter_abgleich  # type: ignore[attr-defined]
            wann = zuletzt.astimezone().strftime("%d.%m.%Y %H:%M") if zuletzt else "noch nie"
            self.status_netz.setText(f"Abgleich: {st.ziel} (zuletzt {wann})")  # type: ignore[attr-defined]
        else:
            self.status_netz.setText("offline – kein Abgleich eingerichtet")
        self.status_einreichung.setText(f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}")  # type: ignore[attr-defined]

    # ------------------------------------------------------------------------------ pages
    def _vorab_moeglich(self, schluessel: str) -> bool:
        """True while the full store is not open yet and the page has a stand-in that shows its first
        rows without it (:mod:`ozgdesk.ui.vorabseite`)."""
        store = self.store
        return (schluessel in _VORAB and isinstance(store, VerzoegerterStore)
                and not store.ist_geoeffnet)

    def _zu_zeigen(self, schluessel: str) -> QWidget:
        """The page to show for ``schluessel``: while the full store is not open, a table page's
        start-up stand-in (:mod:`ozgdesk.ui.vorabseite`), else the page itself."""
        vorhanden = self._seiten.get(schluessel)
        if vorhanden is not None and getattr(vorhanden, "ist_vorab", False):
            return vorhanden
        if vorhanden is None and self._vorab_moeglich(schluessel):
            from ozgdesk.ui.vorabseite import Vorabseite

            v = Vorabseite(schluessel, self.store, self.runner, self.stichtag, vorab=self._vorab_tabelle)
            self._vorab_tabelle = None  # it belongs to the start page: read once
            teilung = TEILUNG.lesen(self.einstellungen)
            if schluessel == "projekte" and isinstance(teilung, QByteArray):
                v.splitter.restoreState(teilung)
            self._einsetzen(schluessel, v)
            return v
        return self.seite(schluessel)

    def seite(self, schluessel: str) -> QWidget:
        """The page, built on first use; a start-up stand-in (:mod:`ozgdesk.ui.vorabseite`) hands
        over to it now: the real page takes over the stand-in's tables."""
        uebernahme: dict[str, Any] = {}
        vorab_seite: Vorabseite | None = None
        if getattr(self._seiten.get(schluessel), "ist_vorab", False):
            from ozgdesk.ui.vorabseite import Vorabseite, fokus_merken

            vorab_seite = _als(self._seiten.pop(schluessel), Vorabseite)
            fokus_zurueck = fokus_merken()  # before the tables move into the real page
            uebernahme = vorab_seite.uebernahme()
        if schluessel not in self._seiten:
            w: QWidget
            if schluessel == "uebersicht":
                from ozgdesk.ui.uebersichtsseite import Uebersichtsseite  # loaded with the page: a start elsewhere needs it not

                w = Uebersichtsseite(self.store, self.runner, self.stichtag, vorab=self._vorab_uebersicht)
                self._vorab_uebersicht = None
                w.oeffnen.connect(self.datensatz_oeffnen)
                w.filtern.connect(self.gefiltert_zeigen)
                w.neu_laden()
            elif schluessel == "leistungen":
                from ozgdesk.ui.seiten import LeistungenSeite

                w = LeistungenSeite(self.store, self.runner, self.bearbeitung, self.stichtag, **uebernahme)
            elif schluessel == "projekte":
                from ozgdesk.ui.seiten import ProjekteSeite

                w = ProjekteSeite(self.store, self.runner, self.bearbeitung, self.stichtag, **uebernahme)
                teilung = TEILUNG.lesen(self.einstellungen)
                if isinstance(teilung, QByteArray):
                    w.splitter.restoreState(teilung)
            elif schluessel == "zeitleiste":
                from ozgdesk.ui.zeitleiste import Zeitleiste

                w = Zeitleiste(self.store, self.runner, self.stichtag, ops=self.ops, vorab=self._vorab_seite)
                self._vorab_seite = None  # it belongs to the start page: read once
                w.oeffnen.connect(self.datensatz_oeffnen)
                w.neu_laden()
            elif schluessel == "finanzen":
                from ozgdesk.ui.seiten import FinanzenSeite

                w = FinanzenSeite(self.store, self.runner, **uebernahme)
            elif schluessel == "berichte":
                dienst = dienste.berichtsdienst()
                if dienst is None:
                    w = platzhalter.berichtsseite()
                else:
                    from ozgdesk.ui.berichtsseite import Berichtsseite

                    w = Berichtsseite(self.store, self.runner, dienst, self.stichtag, bearbeitung=self.bearbeitung,
                                      vorab=self._vorab_seite)
                    self._vorab_seite = None
                    w.oeffnen.connect(self.datensatz_oeffnen)
                    uebersicht = self._seiten.get("uebersicht")
                    daten = getattr(uebersicht, "daten", None)
                    if daten is not None:  # the quarter the Übersicht names, even if the day changed since
                        w.zeitraum.setText(daten.bericht_quartal.kurz)
            elif schluessel == "abgleich":
                from ozgdesk.ui.abgleichsseite import Abgleichsseite

                w = Abgleichsseite(self.store, self.runner, ops=self.ops)
                w.status_geaendert.connect(self.abgleich_status_zeigen)
                if getattr(w, "letzter_status", None) is not None:  # loaded before the connection was made
                    self.abgleich_status_zeigen(w.letzter_status)
                w.katalog_oeffnen.connect(self.katalog_importieren)
            else:
                from ozgdesk.ui.protokollseite import AenderungenSeite

                w = AenderungenSeite(self.store, self.runner)
                w.oeffnen.connect(self.datensatz_oeffnen)
            if vorab_seite is None:
                self._einsetzen(schluessel, w)
            else:
                from ozgdesk.ui.vorabseite import uebergeben

                uebergeben(vorab_seite, w)
                self._einsetzen(schluessel, w)
                vorab_seite.deleteLater()
                fokus_zurueck()
        return self._seiten[schluessel]

    def _einsetzen(self, schluessel: str, w: QWidget) -> None:
        """Put page ``w`` in the place of whatever stands there (placeholder or stand-in), shown
        at once if that was shown: the new page is current before the old one leaves the stack,
        so nothing else is painted in between."""
        alt = self._platz[schluessel]
        index = self.seiten.indexOf(alt)
        war_aktuell = self.seiten.currentWidget() is alt
        self.seiten.insertWidget(index, w)
        if war_aktuell:
            self.seiten.setCurrentWidget(w)
        self.seiten.removeWidget(alt)
        self._platz[schluessel] = w
        self._seiten[schluessel] = w

    def _seite_gewaehlt(self, index: int) -> None:
        if index < 0:
            return
        schluessel = SEITEN[index][0]
        w = self._zu_zeigen(schluessel)
        self.seiten.setCurrentWidget(w)
        if schluessel in self._veraltet:
            self._veraltet.discard(schluessel)
            if hasattr(w, "neu_laden"):  # daten_geaendert marks only pages that can reload
                w.neu_laden()
        SEITE.schreiben(self.einstellungen, schluessel)

    def zeigen(self, schluessel: str) -> QWidget:
        index = next(i for i, (k, _t) in enumerate(SEITEN) if k == schluessel)
        self.navigation.setCurrentRow(index)
        return self.seite(schluessel)

    def aktuelle_seite(self) -> str:
        return SEITEN[self.navigation.currentRow()][0]

    def gefiltert_zeigen(self, seite: str, filter_schluessel: str, code: str) -> None:
        w = self.zeigen(seite)
        tabelle = getattr(w, "tabelle", None) or getattr(w, "projekte", None)
        box = tabelle.filter.get(filter_schluessel) if tabelle else None
        if box is not None:
            box.setCurrentIndex(max(0, box.findData(code)))

    def datensatz_oeffnen(self, art: str, id_: str, projekt_id: str, ziel: str = "") -> None:
        """Open a record a finding or a list names; ``ziel`` is the field (or tab row) to focus there."""
        from ozgdesk.ui.seiten import LeistungenSeite, ProjekteSeite

        if art == "ressort":
            self.ressort_bearbeiten()
            return
        if art == "leistung":
            _als(self.zeigen("leistungen"), LeistungenSeite).bearbeiten(id_, feld=ziel or None)
            return
        if art in ("behoerde", "person"):  # no page of their own: their Stammdaten list, the record selected
            self.stammdaten(art, auswahl=id_)
            return
        seite = _als(self.zeigen("projekte"), ProjekteSeite)
        if art == "meilenstein":
            seite.meilenstein_oeffnen(id_)
        else:
            seite.projekt_oeffnen(projekt_id or id_, ziel=ziel or None)

    def daten_geaendert(self, aenderungen: Aenderungen, initiator: object = None) -> None:
        """One operation committed ``aenderungen`` (an edit, undo, sync, import …): the visible page
        updates what it shows of them now; a hidden page that shows a written table reloads when it
        is shown again (one reload, however many changes it missed). A page without data of its
        own to reload (the notice that a service is missing, the Berichte page) is left alone.
        Title and status bar follow the Ressort (a new device receives it with its first sync)."""
        if aenderungen.betrifft({"ressort"}):
            self.runner.starten(lambda: _kopf_lesen(self.store), self._ressort_zeigen, lambda _e: None)
        for schluessel, w in self._seiten.items():
            if not hasattr(w, "neu_laden"):
                continue
            zeigt = getattr(w, "zeigt", {"*"})  # a page not naming its tables reloads on every change
            if not aenderungen.betrifft(zeigt):
                continue
            if w is not self.seiten.currentWidget():
                self._veraltet.add(schluessel)
            elif hasattr(w, "aenderungen_erhalten"):
                w.aenderungen_erhalten(aenderungen, initiator)
            else:
                w.neu_laden()

    # ------------------------------------------------------------------------------ actions
    def fehler_zeigen(self, titel: str, text: str) -> None:
        """An operation was refused: the German sentence in a message box and, for a while, in the
        status bar (where it can still be read after the box is closed)."""
        self.statusBar().showMessage(text, 15000)
        self.meldung(titel, text)

    def meldung(self, titel: str, text: str) -> None:
        """Show a message box (tests replace this to avoid modal loops)."""
        QMessageBox.warning(self, titel, text)

    def _projekteseite(self) -> ProjekteSeite | None:
        """The Projekte page if it was built (saving and closing need not build it)."""
        w = self._seiten.get("projekte")
        if w is None or getattr(w, "ist_vorab", False):  # the start-up stand-in: no editor yet
            return None
        from ozgdesk.ui.seiten import ProjekteSeite  # loaded already: the page was built from it

        return _als(w, ProjekteSeite)

    def speichern(self) -> None:
        projekte = self._projekteseite()
        if projekte is not None:
            projekte.editor.speichern()

    def suchen(self) -> None:
        w = self.seite(self.aktuelle_seite())
        ziel = getattr(w, "tabelle", None)
        if ziel is None and hasattr(w, "listen"):  # the Projekte page: search the visible list
            ziel = w.listen.currentWidget()
        if ziel is not None and hasattr(ziel, "suche_fokussieren"):
            ziel.suche_fokussieren()

    def ansicht_exportieren(self) -> None:
        """Datei › Ansicht exportieren …: the table with the focus, else the page's table (filtered and
        sorted as shown) as XLSX or CSV."""
        from PySide6.QtWidgets import QApplication

        from ozgdesk.ui.tabellenaktionen import ansicht_fuer

        aktionen = ansicht_fuer(QApplication.focusWidget(), self.seite(self.aktuelle_seite()))
        if aktionen is None:
            self.meldung("Ansicht exportieren", "Auf dieser Seite gibt es keine Tabelle zum Exportieren. Bitte eine "
                         "Tabelle anklicken und noch einmal wählen.")
            return
        aktionen.exportieren()

    def stammdaten(self, art: str, auswahl: str | None = None) -> None:
        """Stammdaten › Behörden / Personen; ``auswahl``: the record to select once the list is read
        (the global search opens a Behörde or Person this way)."""
        from ozgdesk.ui.seiten import StammdatenDialog

        d = StammdatenDialog(art, self.store, self.bearbeitung, self)
        if auswahl is not None:
            def waehlen() -> None:
                zeile = next((i for i, (id_, _w) in enumerate(d.modell.zeilen) if id_ == auswahl), -1)
                if zeile >= 0:
                    d.tabelle.selectRow(zeile)
                    d.tabelle.setFocus()
            d.modell.modelReset.connect(waehlen)
            waehlen()  # read already (a synchronous runner)
        d.exec()

    # ------------------------------------------------------------------------------ search, help, settings
    def globale_suche(self) -> QWidget:
        """Bearbeiten › Überall suchen (Strg+K): the search window, kept between uses."""
        from ozgdesk.ui.suchfenster import Suchfenster

        if getattr(self, "suchfenster", None) is None:
            self.suchfenster = Suchfenster(self.store, self.runner, lambda art, id_, pid: self.datensatz_oeffnen(art, id_, pid),
                                           self)
        self.suchfenster.zeigen()
        return self.suchfenster

    def hilfe_kapitel(self) -> str:
        """The manual's chapter for the page in use (on Projekte: for the editor's tab, if it has one)."""
        from ozgdesk import hilfe

        seite = self.aktuelle_seite()
        reiter = None
        projekte = self._seiten.get("projekte")
        editor = getattr(projekte, "editor", None)
        if seite == "projekte" and editor is not None:
            aktuell = editor.reiter.currentWidget()
            reiter = next((k for k, w in getattr(editor, "_seiten", {}).items() if w is aktuell), None)
        return hilfe.kapitel_fuer(seite, reiter)

    def handbuch_zeigen(self, kapitel: str | None = None) -> QWidget:
        """Hilfe › Handbuch (F1): the manual at ``kapitel``, else at the chapter of the page in use."""
        from ozgdesk.ui.handbuch import Handbuchfenster

        if getattr(self, "handbuch", None) is None:
            self.handbuch = Handbuchfenster(self.kontakt_barrierefreiheit, self)
        self.handbuch.zeigen(kapitel or self.hilfe_kapitel())
        return self.handbuch

    def erklaerung_zeigen(self) -> QWidget:
        """Hilfe › Erklärung zur Barrierefreiheit (BITV 2.0 § 7), a chapter of the manual."""
        from ozgdesk import hilfe

        return self.handbuch_zeigen(hilfe.ERKLAERUNG)

    def kontakt_barrierefreiheit(self) -> str:
        """Where users report barriers: the setting, else the Ressort and its Koordinierungsreferat."""
        kontakt = BARRIEREFREIHEIT_KONTAKT.lesen(self.einstellungen).strip()
        if kontakt or self.ressort is None:
            return kontakt
        r = self.ressort
        return (f"{r.name}, {r.referat or 'Koordinierungsreferat'}  \n*(genaue Kontaktangabe: Datei › Einstellungen …, "
                "„Kontakt für Barrierefreiheit“)*")

    def tastenkuerzel_zeigen(self) -> QWidget:
        """Hilfe › Tastenkürzel: built from the window's actions each time it is opened."""
        from ozgdesk.ui.tastenkuerzel import Tastenkuerzelfenster

        self.tastenkuerzelfenster = Tastenkuerzelfenster(self)
        self.tastenkuerzelfenster.open()
        return self.tastenkuerzelfenster

    def einstellungen_oeffnen(self) -> None:
        """Datei › Einstellungen …: design and the contact of the accessibility statement."""
        from ozgdesk.ui.einstellungsdialog import Einstellungsdialog

        d = Einstellungsdialog(thema.aktuell(), BARRIEREFREIHEIT_KONTAKT.lesen(self.einstellungen), self)
        if not self.dialog_ausfuehren(d):
            return
        design, kontakt = d.werte()
        BARRIEREFREIHEIT_KONTAKT.schreiben(self.einstellungen, kontakt)
        if design != thema.aktuell():
            self.design_setzen(design)

    # ------------------------------------------------------------------------------ databases
    def zuletzt_fuellen(self) -> None:
        """Datei › Zuletzt geöffnet, rebuilt each time it opens: the open file ticked, missing files greyed."""
        m = self.zuletzt_menue
        m.clear()
        offen = self._offene_datei()
        dateien = zuletzt.liste(self.einstellungen)
        if not dateien:
            leer = m.addAction("(noch keine)")
            leer.setEnabled(False)
            return
        for i, pfad in enumerate(dateien, start=1):
            vorhanden = pfad.exists()
            titel = f"{pfad.name} – {pfad.parent}".replace("&", "&&")  # an & in a path is no mnemonic
            a = aktion(f"&{i} {titel}" + ("" if vorhanden else " (nicht gefunden)"), self, self._zuletzt_fuer(pfad),
                       tipp=str(pfad) if vorhanden else f"{pfad} – die Datei ist nicht (mehr) vorhanden")
            a.setEnabled(vorhanden)
            if pfad == offen:
                a.setCheckable(True)
                a.setChecked(True)
            m.addAction(a)
        m.addSeparator()
        m.addAction(aktion("Liste &leeren", self, lambda: zuletzt.leeren(self.einstellungen)))

    def _offene_datei(self) -> Path | None:
        """The open database file; None on a database server (it has no file to list or compare)."""
        from ozgdesk.model.store import NurEinzelplatz

        try:
            return Path(self.store.pfad).resolve()
        except NurEinzelplatz:
            return None

    def _zuletzt_fuer(self, pfad: Path) -> Callable[[], object]:
        return lambda: self.datenbank_wechseln(pfad)

    def datei_waehlen(self) -> Path | None:
        """Ask for a database file (tests replace this)."""
        offen = self._offene_datei()
        pfad, _f = QFileDialog.getOpenFileName(self, "Datenbank öffnen", str(offen.parent) if offen else "",
                                               "ozgdesk-Datenbank (*.sqlite *.db);;Alle Dateien (*)")
        return Path(pfad) if pfad else None

    def datenbank_waehlen(self) -> None:
        """Datei › Datenbank öffnen …"""
        pfad = self.datei_waehlen()
        if pfad is not None:
            self.datenbank_wechseln(pfad)

    def datenbank_wechseln(self, pfad: Path) -> bool:
        """Open ``pfad`` instead of the database open now (through the session of ``ozgdesk.ui.app``)."""
        if not pfad.exists():
            zuletzt.entfernen(self.einstellungen, pfad)
            self.meldung("Datenbank öffnen", f"Die Datei {pfad} ist nicht (mehr) vorhanden. Sie wurde aus der Liste "
                                             "„Zuletzt geöffnet“ entfernt.")
            return False
        if pfad.resolve() == self._offene_datei():
            self.statusBar().showMessage(f"Die Datenbank {pfad} ist bereits geöffnet.", 8000)
            return False
        if self._datenbank_oeffnen is None:
            self.meldung("Datenbank öffnen", "In diesem Fenster kann keine andere Datenbank geöffnet werden.")
            return False
        return self._datenbank_oeffnen(pfad)

    def darf_schliessen(self) -> bool:
        """True if nothing unsaved would be lost (asks the project editor, which offers to save)."""
        projekte = self._projekteseite()
        return projekte is None or projekte.editor.darf_verlassen()

    def ressort_bearbeiten(self) -> None:
        """Stammdaten › Ressort …: name, Referat, contact and the recipient of the reports."""
        from ozgdesk.ui.ressortdialog import Ressortbearbeitung

        Ressortbearbeitung(self, self.bearbeitung, self.dialog_ausfuehren).starten()

    def dialog_ausfuehren(self, d: Any) -> bool:
        """Run a modal dialog of the window (tests replace this to fill it in)."""
        return bool(d.exec() == d.DialogCode.Accepted)

    def katalog_importieren(self, datei: str | None = None) -> None:
        """Open the import dialog; with ``datei`` (e.g. from the BMI's inbox) it compares at once."""
        dienst = dienste.katalogdienst()
        if dienst is None:
            self.meldung("Katalog importieren", dienste.NICHT_VERFUEGBAR.format(was="Katalogimport"))
            return
        from ozgdesk.ui.katalogdialog import Katalogdialog

        self.katalogdialog = Katalogdialog(self.store, self.runner, dienst, self, ops=self.ops)
        self.katalogdialog.open()
        if datei:
            self.katalogdialog.datei.setText(datei)
            self.katalogdialog.vergleichen()

    def zahlungen_importieren(self) -> None:
        from ozgdesk.ui.zahlungsimport import Zahlungsimportdialog

        self.zahlungsdialog = Zahlungsimportdialog(self.store, self.runner, self, ops=self.ops)
        self.zahlungsdialog.open()

    def ueber(self) -> None:
        from ozgdesk.ui.diagnose import Diagnosedialog

        self.diagnosedialog = Diagnosedialog(self.store, self.runner, self)
        self.diagnosedialog.open()

    def closeEvent(self, e: QCloseEvent) -> None:
        projekte = self._projekteseite()
        if not self.darf_schliessen():
            e.ignore()
            return
        GEOMETRIE.schreiben(self.einstellungen, self.saveGeometry())
        ZUSTAND.schreiben(self.einstellungen, self.saveState())
        if projekte is not None:
            TEILUNG.schreiben(self.einstellungen, projekte.splitter.saveState())
        self.einstellungen.sync()
        self.runner.warten()
        e.accept()
