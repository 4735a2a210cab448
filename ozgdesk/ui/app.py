"""``ozgdesk``: start the desktop client.

    ozgdesk [--home ORDNER] [--demo] [--dunkel] [--exit-when-ready]

German everywhere: Qt's own translations (qtbase_de) are loaded so standard buttons and file
dialogs speak German, and the default locale is German (Germany) for numbers and dates.
``--demo`` opens the demo Ressort in its own database file (created on first use); the user's own
database is never touched. ``--exit-when-ready`` quits as soon as the main window is shown with
its data (for the start-up benchmark).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from ozgdesk import logbuch, paths
from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.store import Store, ist_leer


def deutsch(app: QApplication) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    pfad = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_de", "qt_de"):
        t = QTranslator(app)
        if t.load(name, pfad):
            app.installTranslator(t)


def anwendung(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("ozgdesk")
    app.setApplicationName("ozgdesk")
    app.setApplicationDisplayName("ozgdesk")
    deutsch(app)
    return app


def args_lesen(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ozgdesk", description="ozgdesk – Desktop-Werkzeug für das Digitalisierungsprogramm Bund")
    p.add_argument("--home", metavar="ORDNER", help="Datenordner (Standard: OZGDESK_HOME oder der Benutzerdatenordner)")
    p.add_argument("--demo", action="store_true", help="das Demo-Ressort öffnen (eigene Datenbank)")
    p.add_argument("--dunkel", action="store_true", help="dunkles Design")
    p.add_argument("--exit-when-ready", action="store_true", help="beenden, sobald das Fenster mit Daten steht (Messung)")
    return p.parse_args(argv)


def store_fuer(home: str | None, demo: bool) -> tuple[Store, bool] | None:
    """Open (or on first start set up) the store; None if the user cancelled the wizard."""
    from ozgdesk.model.einrichtung import demo_einrichten, ressort_einrichten

    if demo:
        store = Store.oeffnen(paths.datenbank(home, demo=True), vollpruefung=False)
        if ist_leer(store):
            demo_einrichten(store)
        return store, True
    pfad = paths.datenbank(home)
    store = Store.oeffnen(pfad, vollpruefung=False)  # the full page check runs after start-up
    if not ist_leer(store):
        return store, False
    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    assistent = Einrichtungsassistent()
    if not assistent.exec():
        store.schliessen()
        return None
    if assistent.demo:
        store.schliessen()
        return store_fuer(home, True)
    ressort_einrichten(store, assistent.ressort.currentData(), referat=assistent.referat.text().strip())
    gewaehlt = assistent.gewaehlte_leistungen()
    if gewaehlt:
        from sqlalchemy import select

        from ozgdesk.model.katalog import Leistung

        with store.session(quelle="einrichtung") as s:
            for l in s.execute(select(Leistung).where(Leistung.ozg_id.in_(gewaehlt))).scalars():
                l.im_ressort = True
    return store, False


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
    logbuch.einrichten(paths.home(args.home))
    app = anwendung()
    from ozgdesk.ui import thema
    from ozgdesk.ui.hauptfenster import Hauptfenster
    from ozgdesk.ui.runner import Runner

    einstellungen = QSettings()
    dunkel = args.dunkel or einstellungen.value("ansicht/dunkel", False, type=bool)
    thema.anwenden(app, dunkel)
    try:
        ergebnis = store_fuer(args.home, args.demo)
    except OzgFehler as e:
        QMessageBox.critical(None, "ozgdesk kann nicht starten", str(e))
        return 2
    if ergebnis is None:
        return 0
    store, ist_demo = ergebnis
    if ist_demo:
        from ozgdesk.model.demo import STICHTAG

        stichtag = lambda: STICHTAG  # noqa: E731 - the demo data is built around a fixed reference date
    else:
        stichtag = date.today
    dienste_anmelden(stichtag)

    def umschalten(an: bool) -> None:
        einstellungen.setValue("ansicht/dunkel", an)
        thema.anwenden(app, an)

    runner = Runner()
    fenster = Hauptfenster(store, runner, stichtag=stichtag, einstellungen=einstellungen,
                           dunkel_umschalten=umschalten, dunkel=dunkel)
    if args.exit_when_ready:
        # ready = window shown and the first page's data arrived from the background runner
        def fertig() -> None:
            QTimer.singleShot(0, app.quit)
        seite = fenster.seite(fenster.aktuelle_seite())
        modell = getattr(getattr(seite, "tabelle", None), "modell", None) or getattr(getattr(seite, "projekte", None), "modell", None)
        if modell is not None and modell.rowCount() == 0:
            modell.geladen.connect(lambda _n: fertig())
        elif hasattr(seite, "geladen") and getattr(seite, "daten", None) is None:
            seite.geladen.connect(fertig)
        else:
            QTimer.singleShot(0, fertig)
    fenster.show()

    def geprueft(meldung: str | None) -> None:
        if meldung:
            QMessageBox.warning(fenster, "Datenbank beschädigt", meldung)

    if not args.exit_when_ready:  # a post-start activity, not part of "ready" (the benchmark's end)
        runner.starten(store.integritaet_pruefen, geprueft, lambda e: geprueft(str(e)))
    code = app.exec()
    runner.warten()
    store.schliessen()
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
