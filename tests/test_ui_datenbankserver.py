"""The window on a PostgreSQL server (issue 17): starts with ``--db``, shows where it works (never a
password), every page reads its data, and the file-only sync says it is not needed there."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.model.store import Store
from ozgdesk.model.verbindung import ort_lesen
from ozgdesk.sync import abgleich
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner
from tests.conftest import pg_kopie


@pytest.fixture
def server_url(request, pg_server):  # noqa: ANN001, ANN201
    return pg_kopie(request, "demo")


def test_start_mit_db_auf_dem_server(server_url, tmp_path):
    """`ozgdesk --db URL --exit-when-idle`: window, first page and the work after the start on the server."""
    code = ("import sys\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(tmp_path / 'home')!r}, '--db', {server_url!r}, '--exit-when-idle'])\n"
            "print(rc)\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=umgebung, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-1] == "0"
    assert not (tmp_path / "home" / "ozgdesk.sqlite").exists()  # the server was used, no file was created


def test_fenster_auf_dem_server_zeigt_ort_und_daten(qtbot, server_url, tmp_path):
    anwendung()
    store = Store.oeffnen(server_url, ordner=tmp_path)
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    meldungen: list[str] = []
    f.meldung = lambda _t, text: meldungen.append(text)
    qtbot.addWidget(f)
    try:
        with qtbot.waitSignal(f.bereit, timeout=20000):
            f.show()
        assert f.windowTitle() == "ozgdesk – BMAS"
        ort = ort_lesen(server_url)
        assert f.status_db.text() == f"Datenbank: {ort.anzeige}" and "postgres@" in f.status_db.text()
        seite = f.seite("uebersicht")
        assert seite.ueberfaellig.count() > 0
        with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
            f.nachlauf_starten()
        qtbot.waitUntil(lambda: "nicht nötig" in f.status_netz.text(), timeout=10000)
        assert f.status_netz.text() == "Abgleich: nicht nötig (Datenbankserver)"
        projekte = f.zeigen("projekte")
        qtbot.waitUntil(lambda: projekte.projekte.modell.rowCount() == 18, timeout=20000)
        assert not meldungen
        with pytest.raises(abgleich.NurEinzelplatz, match="nicht nötig"):
            abgleich.jetzt_abgleichen(store)
        assert abgleich.ablage_erreichbar(store)[0] is False
    finally:
        runner.warten()
        store.schliessen()
