"""``ozgdesk``: start the desktop client.

    ozgdesk [--home ORDNER] [--demo | --db DATEI] [--design hell|dunkel|kontrast] [--dunkel]
            [--exit-when-ready | --exit-when-idle]

German everywhere: Qt's own translations (qtbase_de) are loaded so standard buttons and file
dialogs speak German, and the default locale is German (Germany) for numbers and dates.
``--demo`` opens the demo Ressort in its own database file (created on first use); the user's own
database is never touched. ``--db`` opens one particular database file instead of the data folder's
(the same as Datei › Datenbank öffnen …, which switches in place: :class:`Sitzung`); every file
opened is noted for Datei › Zuletzt geöffnet. ``--exit-when-ready`` quits as soon as the main window is shown with
its data (for the start-up benchmark); ``--exit-when-idle`` only after the post-start work too
(full store open, sync state, page check), so the benchmark can report both.

An existing store at the current schema is opened in two steps (``ozgdesk.model.schnellstart``):
the window and the Übersicht appear from plain ``sqlite3`` reads, and SQLAlchemy with the full
store loads right after, in the background. Nothing in this module imports SQLAlchemy at start.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
import shiboken6

from ozgdesk.ui import quelltextsuche

quelltextsuche.beschleunigen()  # before the other modules load: PySide6 inspects each one

from ozgdesk import logbuch, paths  # noqa: E402
from ozgdesk.model.errors import OzgFehler, Speicherfehler  # noqa: E402
from ozgdesk.model.schnellstart import VerzoegerterStore, schnell_oeffnen  # noqa: E402
from ozgdesk.ui import zuletzt  # noqa: E402
from ozgdesk.ui.einstellungen import SEITE, design_lesen  # noqa: E402
from ozgdesk.ui.einstellungen import oeffnen as einstellungen_oeffnen  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    from PySide6.QtCore import QSettings

    from ozgdesk.model.store import Store
    from ozgdesk.ui.hauptfenster import Hauptfenster


def deutsch(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    pfad = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_de", "qt_de"):
        t = QTranslator(app)
        if t.load(name, pfad):
            app.installTranslator(t)


def anwendung(argv: list[str] | None = None) -> QApplication:
    vorhanden = QApplication.instance()  # typed QCoreApplication; ozgdesk only ever creates a QApplication
    app = vorhanden if isinstance(vorhanden, QApplication) else QApplication(argv or sys.argv[:1])
    app.setOrganizationName("ozgdesk")
    app.setApplicationName("ozgdesk")
    app.setApplicationDisplayName("ozgdesk")
    deutsch(app)
    # every widget painted in Python (Übersicht chart, Zeitleiste) drains None's reference count on
    # PySide6 6.12 + CPython 3.11; guard the whole process once, not only the pages that import it
    from ozgdesk.ui.none_schutz import schuetzen

    schuetzen()
    return app


def fehler_zeigen(text: str) -> None:
    """The dialog for an error nobody handled (tests replace this function to capture it)."""
    box = QMessageBox(QMessageBox.Icon.Critical, "ozgdesk – Fehler", text, QMessageBox.StandardButton.Ok,
                      QApplication.activeWindow())
    box.exec()


class _Melder(QObject):
    """Carries a message from any thread into the GUI thread (queued signal)."""

    melden = Signal(str)


_melder: _Melder | None = None


def fehlerdialog_einrichten() -> None:
    """Install ``sys.excepthook`` and ``threading.excepthook``: an exception that escapes a slot,
    a timer or a thread is logged with its traceback (technical log) and the user sees a German
    dialog – a Speicherfehler/Eingabefehler with its own German sentence, anything else with a
    German sentence that never repeats the (English) exception text. The application keeps running;
    the edit that failed was rolled back by its session.
    """
    global _melder
    _melder = _Melder()
    _melder.melden.connect(lambda text: fehler_zeigen(text))
    log = __import__("logging").getLogger("ozgdesk.ui")

    def text_fuer(art: type[BaseException], fehler: BaseException, tb: TracebackType | None) -> str:
        if isinstance(fehler, OzgFehler):
            log.warning("Nicht abgefangene Meldung: %s", fehler, exc_info=(art, fehler, tb))
            return str(fehler)
        return logbuch.unerwartet(art, fehler, tb, "ozgdesk")

    def haken(art: type[BaseException], fehler: BaseException, tb: TracebackType | None) -> None:
        if issubclass(art, KeyboardInterrupt):
            QApplication.quit()
            return
        melder = _melder
        if melder is not None:
            melder.melden.emit(text_fuer(art, fehler, tb))

    def faden_haken(a: threading.ExceptHookArgs) -> None:
        if a.exc_type is SystemExit or a.exc_value is None:
            return
        haken(a.exc_type, a.exc_value, a.exc_traceback)

    sys.excepthook = haken
    threading.excepthook = faden_haken


def args_lesen(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ozgdesk", description="ozgdesk – Desktop-Werkzeug für das Digitalisierungsprogramm Bund")
    p.add_argument("--home", metavar="ORDNER", help="Datenordner (Standard: OZGDESK_HOME oder der Benutzerdatenordner)")
    quelle = p.add_mutually_exclusive_group()
    quelle.add_argument("--demo", action="store_true", help="das Demo-Ressort öffnen (eigene Datenbank)")
    quelle.add_argument("--db", metavar="DATEI|URL", help="Datenbank: eine ozgdesk-Datei (wie Datei › Datenbank öffnen …) "
                        "oder ein PostgreSQL-Server (postgresql+psycopg://benutzer@host/datenbank); "
                        "Standard: OZGDESK_DB oder die Datei im Datenordner")
    p.add_argument("--design", choices=("hell", "dunkel", "kontrast"),
                   help="Design für diesen Start (sonst das unter Ansicht › Design gewählte)")
    p.add_argument("--dunkel", action="store_true", help="dunkles Design (wie --design dunkel)")
    ende = p.add_mutually_exclusive_group()
    ende.add_argument("--exit-when-ready", action="store_true", help="beenden, sobald das Fenster mit Daten steht (Messung)")
    ende.add_argument("--exit-when-idle", action="store_true",
                      help="beenden, sobald auch die Arbeit nach dem Start erledigt ist (Messung)")
    return p.parse_args(argv)


def store_fuer(home: str | None, demo: bool, db: str | None = None) -> tuple[Store | VerzoegerterStore, bool] | None:
    """Open (or on first start set up) the store; None if the user cancelled the wizard.

    ``db`` (``--db``, else ``OZGDESK_DB``) names another file or a PostgreSQL server; a server store
    opens in full at once (the two-step start is the file's)."""
    from ozgdesk.model.verbindung import aus_umgebung

    ort = aus_umgebung(db, paths.datenbank(home))
    schnell = None if ort.ist_server else schnell_oeffnen(paths.datenbank(home, demo=True) if demo else ort.pfad or paths.datenbank(home))
    if schnell is not None:
        return schnell, demo
    from ozgdesk.model.einrichtung import demo_einrichten, ressort_einrichten
    from ozgdesk.model.store import Store, ist_leer

    if demo:
        store = Store.oeffnen(paths.datenbank(home, demo=True), vollpruefung=False)
        if ist_leer(store):
            demo_einrichten(store)
        return store, True
    store = Store.oeffnen(ort, vollpruefung=False, ordner=paths.home(home))  # the full page check runs after start-up
    if not ist_leer(store):
        return store, False
    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    assistent = Einrichtungsassistent()
    try:
        if not assistent.exec():
            store.schliessen()
            return None
        if assistent.demo:
            store.schliessen()
            return store_fuer(home, True)
        ressort_einrichten(store, assistent.ressort.currentData(), referat=assistent.referat.text().strip(),
                           leistungen=assistent.gewaehlte_leistungen())
        return store, False
    finally:
        # a parentless wizard left to the interpreter's shutdown is torn down in arbitrary order
        # (Qt warned "shared QObject was deleted directly" and the process aborted): delete it now
        shiboken6.delete(assistent)


class _BeiBedarf:
    """Builds a service on first use, so reportlab & co. do not slow down the start; ``sofort``
    answers what a page asks when it is built (the Berichte page: the documents) without it."""

    def __init__(self, fabrik: Callable[[], object], **sofort: object) -> None:
        self._fabrik = fabrik
        self._dienst: object | None = None
        self._sofort = sofort

    def __getattr__(self, name: str) -> object:
        if self._dienst is None and name in self._sofort:
            return self._sofort[name]
        if self._dienst is None:
            self._dienst = self._fabrik()
        return getattr(self._dienst, name)


def dienste_anmelden(stichtag: Callable[[], date]) -> None:
    """Connect the Berichte view and the catalogue dialog to the real, Qt-free services."""
    from ozgdesk.ui import dienste

    def berichte() -> object:
        from ozgdesk.reports.dienst import Berichtsdienst

        return Berichtsdienst(stichtag)

    def katalog() -> object:
        from ozgdesk.model.katalogimport.dienst import Katalogdienst

        return Katalogdienst()

    from ozgdesk.reports.dokumentarten import DOKUMENTE

    dienste.berichte_registrieren(_BeiBedarf(berichte, dokumente=lambda: DOKUMENTE))  # type: ignore[arg-type]
    dienste.katalog_registrieren(_BeiBedarf(katalog))  # type: ignore[arg-type]


def datenbank_oeffnen(pfad: Path) -> Store | VerzoegerterStore:
    """An existing ozgdesk database for the window (``--db``, Datei › Datenbank öffnen …).

    Unlike the start in the data folder this never sets anything up: a missing or empty file, a
    foreign or damaged one, one without a Ressort is refused with a German message and left as it
    was. A file of an older ozgdesk is upgraded as at every start (after a backup)."""
    pfad = Path(pfad)
    if not pfad.is_file():
        raise Speicherfehler(f"Die Datei {pfad} ist nicht vorhanden.")
    if pfad.stat().st_size == 0:
        raise Speicherfehler(f"Die Datei {pfad} ist leer – keine ozgdesk-Datenbank. Sie wurde nicht verändert.")
    schnell = schnell_oeffnen(pfad)
    if schnell is not None:
        return schnell
    from ozgdesk.model.store import Store, ist_leer

    store = Store.oeffnen(pfad, vollpruefung=False)
    if ist_leer(store):
        store.schliessen()
        raise Speicherfehler(f"Die Datenbank {pfad} enthält noch kein Ressort. Bitte ozgdesk mit ihrem Datenordner "
                             "starten (--home), damit die Ersteinrichtung sie einrichtet.")
    return store


def stichtag_fuer(pfad: Path) -> Callable[[], date]:
    """Today – or, for the demo Ressort's file, the fixed date its data is built around."""
    if Path(pfad).name == paths.DEMO_DB_NAME:
        from ozgdesk.model.stichtag import DEMO_STICHTAG

        return lambda: DEMO_STICHTAG
    return date.today


class Sitzung:
    """The database open in the main window, and the switch to another one in the same process.

    Switching (Datei › Datenbank öffnen …, Zuletzt geöffnet) asks the window first whether unsaved
    input may go (the project editor offers to save), then opens the new file – a file that cannot
    be opened leaves everything as it was, with the reason in a message – and only then closes the
    old window (its geometry and page are saved as on quitting) and its store and shows a new
    window on the new store. The background runner stays: it belongs to no database.
    """

    def __init__(self, app: QApplication, einstellungen: QSettings, runner: object) -> None:
        self.app, self.einstellungen, self.runner = app, einstellungen, runner
        self.store: Store | VerzoegerterStore | None = None
        self.fenster: Hauptfenster | None = None

    def starten(self, store: Store | VerzoegerterStore, stichtag: Callable[[], date], *, nachlauf: bool = True,
                vorab: object = None, vorab_tabelle: object = None, vorab_seite: object = None) -> Hauptfenster:
        from ozgdesk.ui.hauptfenster import Hauptfenster

        fenster = Hauptfenster(store, self.runner, stichtag=stichtag, einstellungen=self.einstellungen,
                               nachlauf=nachlauf, vorab_uebersicht=vorab,  # type: ignore[arg-type]
                               datenbank_oeffnen=self.wechseln,
                               vorab_tabelle=vorab_tabelle,  # type: ignore[arg-type]
                               vorab_seite=vorab_seite)  # type: ignore[arg-type]
        self.store, self.fenster = store, fenster
        if not getattr(store, "ist_server", False):  # a server has no file for „Zuletzt geöffnet“
            zuletzt.merken(self.einstellungen, Path(store.pfad))
        return fenster

    def wechseln(self, pfad: Path) -> bool:
        """Show ``pfad`` instead of the open database; False if the user stayed or it cannot be opened."""
        alt, alter_store = self.fenster, self.store
        if alt is None or alter_store is None or not alt.darf_schliessen():
            return False
        try:
            neu = datenbank_oeffnen(pfad)
        except OzgFehler as e:
            alt.meldung("Datenbank öffnen", str(e))
            return False
        beenden = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)  # between the two windows none is open
        try:
            alt.close()  # nothing unsaved any more: saves window geometry and page, waits for its tasks
            if alt.isVisible():  # pragma: no cover - refused after all
                neu.schliessen()
                return False
            alt.deleteLater()
            alter_store.schliessen()
            stichtag = stichtag_fuer(pfad)
            dienste_anmelden(stichtag)
            fenster = self.starten(neu, stichtag)
            fenster.show()
        finally:
            self.app.setQuitOnLastWindowClosed(beenden)
        logbuch.ereignis("datenbank_gewechselt")
        return True


def _bereit_melden() -> None:
    """``--exit-when-ready``: say on standard output when the window showed its data, as wall-clock
    time (``bench/start.py`` subtracts the moment it started the process: the start as the user
    sees it, without the process's teardown afterwards)."""
    import time

    print(f"BEREIT {time.time():.6f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = args_lesen(sys.argv[1:] if argv is None else argv)
    app = anwendung()
    fehlerdialog_einrichten()
    from ozgdesk.ui import wache

    wache.aus_umgebung()  # OZGDESK_SITZUNGSWACHE=1: fail any DB session GUI code opens on the GUI thread
    try:
        logbuch.einrichten(paths.home(args.home))
    except OzgFehler as e:  # e.g. --home names a file
        logbuch.einrichten(None)
        fehler_zeigen(str(e))
        return 1
    from ozgdesk.ui import thema
    from ozgdesk.ui.runner import Runner

    einstellungen = einstellungen_oeffnen()  # typed keys, upgrade steps run once (ui/einstellungen.py)
    thema.anwenden(app, args.design or ("dunkel" if args.dunkel else design_lesen(einstellungen)))
    ergebnis: tuple[Store | VerzoegerterStore, bool] | None
    try:
        from ozgdesk.model.verbindung import ist_url

        if args.db and not ist_url(args.db):  # a file named on purpose: opened as it is, never set up
            pfad = Path(args.db)
            ergebnis = datenbank_oeffnen(pfad), pfad.name == paths.DEMO_DB_NAME
        else:  # the data folder's file, OZGDESK_DB or a server
            ergebnis = store_fuer(args.home, args.demo, args.db)
    except OzgFehler as e:
        QMessageBox.critical(None, "ozgdesk kann nicht starten", str(e))
        return 1
    if ergebnis is None:
        return 0
    store, ist_demo = ergebnis
    if ist_demo:
        from ozgdesk.model.stichtag import DEMO_STICHTAG as STICHTAG

        stichtag = lambda: STICHTAG  # noqa: E731 - the demo data is built around a fixed reference date
    else:
        stichtag = date.today
    dienste_anmelden(stichtag)
    runner = Runner()
    from ozgdesk.ui import speicherbereinigung

    speicherbereinigung.einrichten(runner)  # full garbage collections when the background is idle
    vorab = vorab_tabelle = vorab_seite = None
    startseite = SEITE.lesen(einstellungen)
    if startseite == "uebersicht":
        # the start page's figures are computed while the window is built: sqlite3 releases the
        # interpreter lock while it reads, so the query and building the widgets overlap
        from ozgdesk.model.uebersicht import fuer_store

        tag = stichtag()
        vorab = runner.im_voraus(lambda: fuer_store(store, tag))
    elif isinstance(store, VerzoegerterStore):
        from ozgdesk.model import schnelltabellen

        tabelle = schnelltabellen.STARTTABELLE.get(startseite)
        if tabelle is not None:  # a table page: its first rows, the same way
            vorab_tabelle = runner.im_voraus(lambda: schnelltabellen.startseite_lesen(store, tabelle))
        else:  # another page with data of its own (Zeitleiste, Berichte): its first read
            from ozgdesk.model import startseiten

            leser = startseiten.leser(startseite, store, stichtag())
            if leser is not None:
                vorab_seite = runner.im_voraus(leser)

    # ready = window shown and the first page's data arrived from the background runner; the
    # post-start work (full store, sync state, page check) follows it unless we quit right there
    sitzung = Sitzung(app, einstellungen, runner)
    try:
        fenster = sitzung.starten(store, stichtag, nachlauf=not args.exit_when_ready, vorab=vorab,
                                  vorab_tabelle=vorab_tabelle, vorab_seite=vorab_seite)
    except OzgFehler as e:  # e.g. the file became unreadable between the check and the first read
        QMessageBox.critical(None, "ozgdesk kann nicht starten", str(e))
        runner.warten()
        store.schliessen()
        return 1
    fenster.nachlauf_fertig.connect(speicherbereinigung.einfrieren)  # start-up's objects: never walked again
    if args.exit_when_ready:
        fenster.bereit.connect(_bereit_melden)
        fenster.bereit.connect(lambda: QTimer.singleShot(0, app.quit))
    elif args.exit_when_idle:
        fenster.nachlauf_fertig.connect(lambda: QTimer.singleShot(0, app.quit))
    fenster.show()
    code = app.exec()
    runner.warten()
    if sitzung.store is not None:
        sitzung.store.schliessen()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
