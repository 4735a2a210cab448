"""Starting on the Zeitleiste: a preview over plain sqlite3 first, the full timeline once the store is open."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings

from tests.startprobe import geladen, starten_auf

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
    aus = starten_auf("zeitleiste", demo_home, tmp_path, nachher=geladen(("sqlalchemy",)))
    assert aus[-2:] == ["False", "0"]


def test_vorschau_zaehlt_grenzfaelle_wie_die_volle_zeitleiste(demo_store):
    """Count and span of the preview's SQL against the full timeline, on rows the demo lacks:
    milestones with one date only or none, postponed by a record only (twice), by dates and by a
    record at once, late by dates alone; projects and work packages with one date only."""
    import sqlite3
    import uuid

    pfad = demo_store.pfad
    con = sqlite3.connect(pfad)
    projekt = con.execute("SELECT id FROM projekt ORDER BY kennung LIMIT 1").fetchone()[0]

    def meilenstein(plan: str | None, prognose: str | None, ist: str | None, status: str = "offen") -> str:
        mid = str(uuid.uuid4())
        con.execute("INSERT INTO meilenstein (id, projekt_id, titel, plan_datum, prognose_datum, ist_datum, status, "
                    "oeffentlich, bemerkung) VALUES (?, ?, 'Grenzfall', ?, ?, ?, ?, 1, '')",
                    (mid, projekt, plan, prognose, ist, status))
        return mid

    def verschiebung(mid: str, nummer: int) -> None:
        con.execute("INSERT INTO meilenstein_verschiebung (id, meilenstein_id, erfasst_am, von_datum, auf_datum, grund, "
                    "nummer) VALUES (?, ?, '2026-01-01', '2026-01-01', '2026-02-01', 'Test', ?)",
                    (str(uuid.uuid4()), mid, nummer))

    nur_akte = meilenstein("2031-05-01", None, "2031-04-01", "erreicht")  # early by dates, postponed on record
    verschiebung(nur_akte, 1)
    verschiebung(nur_akte, 2)
    beides = meilenstein("2026-01-01", "2026-06-30", None)  # late by dates and on record
    verschiebung(beides, 1)
    meilenstein(None, None, "2019-03-03", "erreicht")  # the earliest day of all rows
    meilenstein(None, "2026-02-01", None)
    meilenstein(None, None, None)
    con.execute("UPDATE projekt SET beginn = NULL WHERE id = ?", (projekt,))
    con.execute("UPDATE arbeitspaket SET beginn = NULL, ende = '2032-12-31' WHERE id = "
                "(SELECT id FROM arbeitspaket ORDER BY id LIMIT 1)")
    con.commit()
    con.close()
    demo_store.engine.dispose()

    voll = lesen(demo_store, zl.laden)
    with roh_lesen(pfad) as con2:
        gesamt, umfang = zl.gesamt_roh(con2, DEMO_STICHTAG)
    assert gesamt == zl.zaehlen(voll.projekte, zl.Filter(), DEMO_STICHTAG)
    assert umfang == zl.zeilen(voll.projekte, DEMO_STICHTAG).spanne()
    assert umfang is not None and umfang[0] == date(2019, 3, 3) and umfang[1] >= date(2032, 12, 31)
