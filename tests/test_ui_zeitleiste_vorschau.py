"""Starting on the Zeitleiste: a preview over plain sqlite3 first, the full timeline once the store is open."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest
from PySide6.QtCore import QSettings

from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.datei import roh_lesen
from ozgdesk.model.operationen.bearbeiten import lesen
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner
from ozgdesk.ui.zeitleiste import Zeitleiste


@pytest.mark.parametrize("erste", [1, 5, 60])
def test_vorschau_gleicht_dem_anfang_der_vollen_zeitleiste(demo_store, erste):
    """The first projects as the full read has them (same values, same order), and the count and
    span of all projects as the full timeline computes them."""
    voll = lesen(demo_store, zl.laden)
    with roh_lesen(demo_store.pfad) as con:
        vorschau = zl.vorschau_roh(con, DEMO_STICHTAG, erste)
        assert zl.laden_roh(con) == voll  # the plain reader reads what the ORM reads
    assert vorschau.projekte == voll.projekte[:erste]
    assert vorschau.gesamt == zl.zaehlen(voll.projekte, zl.Filter(), DEMO_STICHTAG)
    assert vorschau.umfang == zl.zeilen(voll.projekte, DEMO_STICHTAG).spanne()
    assert (vorschau.ressort, vorschau.ressort_name, vorschau.referat) == (voll.ressort, voll.ressort_name, voll.referat)
    assert vorschau.ist_vorschau and not voll.ist_vorschau


def test_vorschau_ohne_daten(leerer_store):
    with roh_lesen(leerer_store.pfad) as con:
        vorschau = zl.vorschau_roh(con, date(2026, 7, 1))
    assert vorschau.projekte == () and vorschau.gesamt == zl.Zaehlung() and vorschau.umfang is None


def test_start_auf_der_zeitleiste_zeigt_erst_die_vorschau_dann_alles(qtbot, demo_home, tmp_path, monkeypatch):
    anwendung()
    monkeypatch.setattr(zl, "VORSCHAU", 4)
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "zeitleiste")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seiten.currentWidget()
    assert isinstance(seite, Zeitleiste) and seite.daten is not None and seite.daten.ist_vorschau
    assert not store.ist_geoeffnet and len(seite.daten.projekte) == 4
    anzahl, zeitraum = seite.anzahl.text(), seite.ansicht.zeichner.zr  # type: ignore[union-attr]
    assert anzahl.startswith("18 Projekte")  # the whole Ressort's count already
    assert not seite.suche.isEnabled() and not seite.export_knopf.isEnabled()  # they would see 4 projects only

    with qtbot.waitSignal(seite.geladen, timeout=20000):
        f.nachlauf_starten()
    assert not seite.daten.ist_vorschau and len(seite.daten.projekte) == 18
    assert seite.anzahl.text() == anzahl and seite.ansicht.zeichner.zr == zeitraum  # same count, same scale
    assert seite.suche.isEnabled() and seite.export_knopf.isEnabled()
    qtbot.waitUntil(lambda: not runner.laufend(), timeout=20000)
    runner.warten()
    store.schliessen()


def test_gefaltet_wie_in_der_vorschau(qtbot, demo_home, tmp_path, monkeypatch):
    """Many projects start folded; what the user unfolded in the preview stays unfolded."""
    anwendung()
    import ozgdesk.ui.zeitleiste as ui_zl

    monkeypatch.setattr(zl, "VORSCHAU", 4)
    monkeypatch.setattr(ui_zl, "AUFGEKLAPPT_BIS", 10)  # the demo's 18 projects count as many
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    einstellungen.setValue("fenster/seite", "zeitleiste")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False, einstellungen=einstellungen)
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seiten.currentWidget()
    assert isinstance(seite, Zeitleiste) and seite.daten is not None
    offen = seite.daten.projekte[1].id
    seite.umschalten(offen)  # unfolded before the full timeline arrived
    with qtbot.waitSignal(seite.geladen, timeout=20000):
        f.nachlauf_starten()
    alle = {p.id for p in seite.daten.projekte}
    assert len(alle) == 18 and seite.zugeklappt == alle - {offen}
    qtbot.waitUntil(lambda: not runner.laufend(), timeout=20000)
    runner.warten()
    store.schliessen()


def test_start_auf_der_zeitleiste_ohne_sqlalchemy(demo_home, tmp_path):
    konfig = tmp_path / "config" / "ozgdesk"
    konfig.mkdir(parents=True)
    (konfig / "ozgdesk.conf").write_text("[fenster]\nseite=zeitleiste\n", encoding="utf-8")
    code = ("import sys\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(demo_home)!r}, '--exit-when-ready'])\n"
            "print(rc, any(m.startswith('sqlalchemy') for m in sys.modules))\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung,
                         timeout=60).stdout
    assert out.split()[-2:] == ["0", "False"]
