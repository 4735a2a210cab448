"""Start-up in two steps: the window shows the Übersicht with data before the full store is open."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QSettings

from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner


def test_uebersicht_steht_vor_dem_store_und_der_nachlauf_holt_ihn_nach(qtbot, demo_home, tmp_path):
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seite("uebersicht")
    assert "4. Quartal 2026" in seite.bericht.text() and "15.01.2027" in seite.bericht.text()
    assert seite.ueberfaellig.count() > 0
    assert f.windowTitle() == "ozgdesk – BMAS"
    assert not store.ist_geoeffnet  # the first page came from plain sqlite3 reads

    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.nachlauf_starten()
    assert store.ist_geoeffnet
    assert f.status_einreichung.text() == "Ausstehende Einreichungen: 0"
    projekte = f.zeigen("projekte")  # a page that needs the full store works as before
    qtbot.waitUntil(lambda: projekte.projekte.modell.rowCount() == 18, timeout=10000)
    runner.warten()
    store.schliessen()


def test_fenster_mit_daten_ohne_sqlalchemy(demo_home, tmp_path):
    """`ozgdesk --exit-when-ready` ends when the Übersicht shows its data; up to then no SQLAlchemy
    is imported (a third of a second): this keeps the start within 3× a bare Qt window."""
    code = ("import sys\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(demo_home)!r}, '--exit-when-ready'])\n"
            "print(rc, any(m.startswith('sqlalchemy') for m in sys.modules))\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung,
                         timeout=60).stdout
    assert out.split()[-2:] == ["0", "False"]
