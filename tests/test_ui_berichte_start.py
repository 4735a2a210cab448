"""Starting on the Berichte page: the documents and the projects to choose from before SQLAlchemy loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings, Qt

from ozgdesk.model.datei import roh_lesen
from ozgdesk.model.operationen.bearbeiten import lesen
from ozgdesk.model.operationen.projekt import projekte_auswahl
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.reports.dienst import DOKUMENTE
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung, dienste_anmelden
from ozgdesk.ui.berichtsseite import Berichtsseite, projekte_roh
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner


def test_projektliste_ohne_sqlalchemy_wie_mit(demo_store):
    with roh_lesen(demo_store.pfad) as con:
        assert projekte_roh(con) == lesen(demo_store, projekte_auswahl)


@pytest.fixture
def dienste_wie_die_anwendung():  # noqa: ANN201 - registered for the process: unregister afterwards
    dienste_anmelden(lambda: DEMO_STICHTAG)  # as the application: the report service loads on first use
    yield
    dienste.berichte_registrieren(None)
    dienste.katalog_registrieren(None)


def test_start_auf_berichte(qtbot, demo_home, tmp_path, dienste_wie_die_anwendung):
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "berichte")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seiten.currentWidget()
    assert isinstance(seite, Berichtsseite) and not store.ist_geoeffnet
    assert [seite.dokument.itemData(i) for i in range(seite.dokument.count())] == [c for c, _n in DOKUMENTE]
    assert seite.projekte.count() == 18
    assert all(seite.projekte.item(i).checkState() == Qt.CheckState.Checked for i in range(18))
    assert seite.projekte.item(0).text().startswith("BMAS-2024-01 – ")
    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.nachlauf_starten()
    runner.warten()
    store.schliessen()


def test_start_auf_berichte_ohne_sqlalchemy(demo_home, tmp_path):
    konfig = tmp_path / "config" / "ozgdesk"
    konfig.mkdir(parents=True)
    (konfig / "ozgdesk.conf").write_text("[fenster]\nseite=berichte\n", encoding="utf-8")
    code = ("import sys\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(demo_home)!r}, '--exit-when-ready'])\n"
            "print(rc, any(m.startswith(('sqlalchemy', 'reportlab', 'openpyxl')) for m in sys.modules))\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung,
                         timeout=60).stdout
    assert out.split()[-2:] == ["0", "False"]
