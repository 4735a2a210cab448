"""Starting on the Berichte page: the documents and the projects to choose from before SQLAlchemy loads."""

from __future__ import annotations


import pytest
from PySide6.QtCore import QSettings

from tests.startprobe import geladen, starten_auf

from ozgdesk.model.datei import roh_lesen
from ozgdesk.model.operationen.bearbeiten import lesen
from ozgdesk.model.operationen.projekt import projekte_auswahl
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.reports.dienst import DOKUMENTE
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung, dienste_anmelden
from ozgdesk.model.startseiten import projekte_roh
from ozgdesk.ui.berichtsseite import Berichtsseite
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
    assert all(seite.projekte.modell.angekreuzt(i) for i in range(18))
    assert seite.projekte.modell.text(0).startswith("BMAS-2024-01 – ")
    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.nachlauf_starten()
    runner.warten()
    store.schliessen()


def test_start_auf_berichte_ohne_sqlalchemy(demo_home, tmp_path):
    aus = starten_auf("berichte", demo_home, tmp_path, nachher=geladen(("sqlalchemy", "reportlab", "openpyxl")))
    assert aus[-2:] == ["False", "0"]


def test_start_nimmt_die_vorab_gelesene_liste_und_nur_die_startseite(qtbot, demo_home, tmp_path,
                                                                    dienste_wie_die_anwendung, monkeypatch):
    """The app reads the start page's list while it builds the window (``vorab_seite``); the page
    shows that read and asks for none of its own, and no other page is handed it."""
    from concurrent.futures import Future

    from ozgdesk.model import startseiten

    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "berichte")
    vorab: Future = Future()
    vorab.set_result([("p1", "XY-01", "Vorab gelesen")])
    gelesen: list[str] = []
    echt = startseiten.berichte_lesen
    monkeypatch.setattr(startseiten, "berichte_lesen", lambda s: gelesen.append("nochmal") or echt(s))
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen,
                     vorab_seite=vorab)
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seiten.currentWidget()
    assert isinstance(seite, Berichtsseite)
    assert [seite.projekte.modell.text(i) for i in range(seite.projekte.count())] == ["XY-01 – Vorab gelesen"]
    assert gelesen == []
    zeitleiste = f.zeigen("zeitleiste")  # another page reads its own data
    qtbot.waitUntil(lambda: getattr(zeitleiste, "daten", None) is not None, timeout=10000)
    assert len(zeitleiste.daten.projekte) > 1  # type: ignore[attr-defined]
    runner.warten()
    store.schliessen()
