"""``ozgdesk``: start the desktop client.

    ozgdesk [--home ORDNER] [--demo] [--dunkel] [--exit-when-ready | --exit-when-idle]

German everywhere: Qt's own translations (qtbase_de) are loaded so standard buttons and file
dialogs speak German, and the default locale is German (Germany) for numbers and dates.
``--demo`` opens the demo Ressort in its own database file (created on first use); the user's own
database is never touched. ``--exit-when-ready`` quits as soon as the main window is shown with
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
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTimer, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox
import shiboken6

from ozgdesk import logbuch, paths
from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.schnellstart import VerzoegerterStore, schnell_oeffnen
from ozgdesk.ui.einstellungen import DUNKEL, SEITE
from ozgdesk.ui.einstellungen import oeffnen as einstellungen_oeffnen

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.model.store import Store


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
    p.add_argument("--db", metavar="DATEI|URL", help="Datenbank: eine Datei oder ein PostgreSQL-Server "
                   "(postgresql+psycopg://benutzer@host/datenbank); Standard: OZGDESK_DB oder die Datei im Datenordner")
    p.add_argument("--demo", action="store_true", help="das Demo-Ressort öffnen (eigene Datenbank)")
    p.add_argument("--dunkel", action="store_true", help="dunkles Design")
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
    """Builds a service on first use, so reportlab & co. do not slow down the start."""

    def __init__(self, fabrik: Callable[[], object]) -> None:
        self._fabrik = fabrik
        self._dienst: object | None = None

    def __getattr__(self, name: str) -> object:
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

    dienste.berichte_registrieren(_BeiBedarf(berichte))  # type: ignore[arg-type]
    dienste.katalog_registrieren(_BeiBedarf(katalog))  # type: ignore[arg-type]


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
    dunkel = args.dunkel or DUNKEL.lesen(einstellungen)
    thema.anwenden(app, dunkel)
    try:
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
    vorab = None
    if SEITE.lesen(einstellungen) == "uebersicht":
        # the start page's figures are computed while the window is built: sqlite3 releases the
        # interpreter lock while it reads, so the query and building the widgets overlap
        from ozgdesk.model.uebersicht import fuer_store

        tag = stichtag()
        vorab = runner.im_voraus(lambda: fuer_store(store, tag))
    from ozgdesk.ui.hauptfenster import Hauptfenster

    def umschalten(an: bool) -> None:
        DUNKEL.schreiben(einstellungen, an)
        thema.anwenden(app, an)

    # ready = window shown and the first page's data arrived from the background runner; the
    # post-start work (full store, sync state, page check) follows it unless we quit right there
    try:
        fenster = Hauptfenster(store, runner, stichtag=stichtag, einstellungen=einstellungen,
                               dunkel_umschalten=umschalten, dunkel=dunkel, nachlauf=not args.exit_when_ready,
                               vorab_uebersicht=vorab)
    except OzgFehler as e:  # e.g. the file became unreadable between the check and the first read
        QMessageBox.critical(None, "ozgdesk kann nicht starten", str(e))
        runner.warten()
        store.schliessen()
        return 1
    if args.exit_when_ready:
        fenster.bereit.connect(lambda: QTimer.singleShot(0, app.quit))
    elif args.exit_when_idle:
        fenster.nachlauf_fertig.connect(lambda: QTimer.singleShot(0, app.quit))
    fenster.show()
    code = app.exec()
    runner.warten()
    store.schliessen()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
