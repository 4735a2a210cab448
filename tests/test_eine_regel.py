"""One rule per fact (issue 12, point 4): findings, the current Reifegrad and the change-log writer.

The Übersicht, the Berichte page and ``ozgdesk-cli pruefen`` must tell the coordinator the same
number of errors for the same default quarter; the Reifegrad chart must count what the tables
show; the catalogue import's bulk log entries must be the ones the flush hook writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from ozgdesk.cli import main
from ozgdesk.model import abfragen, reifegrad, tabellen, uebersicht
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.katalog import LeikaLeistung, Leistung, ReifegradBewertung
from ozgdesk.model.katalogimport.anwenden import protokolliert_einfuegen
from ozgdesk.model.protokoll import PROTOKOLLSPALTEN
from ozgdesk.model.values import Quartal, Reifegradmodell
from ozgdesk.reports.dienst import Berichtsdienst, Pruefhinweis
from ozgdesk.reports.pruefung import FEHLER, pruefen
from ozgdesk.reports.snapshot import bestand_laden
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner

pytestmark = pytest.mark.beide_datenbanken


@pytest.fixture
def echter_dienst():
    dienste.berichte_registrieren(Berichtsdienst(lambda: STICHTAG))
    yield
    dienste.berichte_registrieren(None)


def _fenster(qtbot, store, tmp_path):  # noqa: ANN001, ANN202
    anwendung()
    f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldung = lambda *_a: None
    qtbot.addWidget(f)
    return f


# ------------------------------------------------------------------------------------------ findings
def test_demo_zeigt_auf_uebersicht_berichtsseite_und_cli_dieselben_befunde(qtbot, demo_store, demo_home, tmp_path,
                                                                          echter_dienst, capsys):
    """Same default quarter and the same Fehler/Hinweise count on all three surfaces."""
    quartal = uebersicht.berichtsquartal(STICHTAG)[0]
    assert quartal == Quartal(2026, 4)  # 15.11.: the Q3 deadline (15.10.) has passed, Q4 is due next
    befunde = pruefen(bestand_laden(demo_store, STICHTAG), quartal)
    erwartet = (sum(b.schwere == FEHLER for b in befunde), sum(b.schwere != FEHLER for b in befunde))
    assert erwartet[0] > 0 and erwartet[1] > 0  # the demo has both: the comparison is not vacuous

    f = _fenster(qtbot, demo_store, tmp_path)
    start = f.seite("uebersicht")
    assert start.befundzahlen == erwartet
    assert f"Noch offen: {uebersicht.befundzahl(*erwartet)}." in start.bericht.text()
    assert start.fehlend.item(0).text().startswith("Fehler: ")

    berichte = f.zeigen("berichte")
    assert berichte.zeitraum.text() == quartal.kurz
    berichte.pruefen()
    assert berichte.status.text() == f"Prüfung: {uebersicht.befundzahl(*erwartet)}."

    capsys.readouterr()
    code = main(["--home", str(demo_home), "pruefen", "--stand", "15.11.2026", "--json"])
    ausgabe = json.loads(capsys.readouterr().out)
    assert code == 1 and ausgabe["quartal"] == str(quartal)
    assert (ausgabe["fehler"], len(ausgabe["befunde"]) - ausgabe["fehler"]) == erwartet


class _Fester:
    """A report service with a fixed answer, to see how the Übersicht words it."""

    def __init__(self, hinweise: list[Pruefhinweis]) -> None:
        self.hinweise = hinweise
        self.zeitraeume: list[str] = []

    def dokumente(self):  # noqa: ANN201
        return [("quartal", "Vierteljährlicher Statusbericht")]

    def pruefen(self, store, dokument, zeitraum, projekt_ids):  # noqa: ANN001, ANN201
        self.zeitraeume.append(zeitraum)
        return self.hinweise


@pytest.mark.parametrize("schwere", ["fehler", "warnung"])
def test_uebersicht_sagt_nicht_alles_erfasst_solange_die_pruefung_etwas_findet(qtbot, demo_store, tmp_path, schwere):
    """„Alles Nötige ist erfasst“ only when the report check finds nothing; one error is one error."""
    dienst = _Fester([Pruefhinweis("Projekt X: Keine Projektleitung benannt.", schwere, "projekt", "p", "p")])
    dienste.berichte_registrieren(dienst)
    try:
        seite = _fenster(qtbot, demo_store, tmp_path).seite("uebersicht")
        assert "Alles Nötige ist erfasst" not in seite.bericht.text()
        assert seite.befundzahlen == ((1, 0) if schwere == "fehler" else (0, 1))
        assert dienst.zeitraeume == ["Q4/2026"]
        dienst.hinweise = []
        seite.neu_laden()
        assert "Alles Nötige ist erfasst." in seite.bericht.text() and seite.befundzahlen == (0, 0)
    finally:
        dienste.berichte_registrieren(None)


def test_uebersicht_ohne_berichtsdienst_behauptet_nichts(qtbot, demo_store, tmp_path):
    seite = _fenster(qtbot, demo_store, tmp_path).seite("uebersicht")
    assert "nicht verfügbar" in seite.bericht.text() and "Alles Nötige" not in seite.bericht.text()
    assert seite.befundzahlen is None


def test_cli_pruefen_mit_quartal_wie_bisher(demo_home, capsys):
    assert main(["--home", str(demo_home), "pruefen", "--quartal", "2026-Q3", "--stand", "15.11.2026", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["quartal"] == "2026-Q3"


# ---------------------------------------------------------------------------------------- Reifegrad
def _verteilung_laut_tabelle(store) -> dict[int | None, int]:  # noqa: ANN001
    with store.lesen() as s:
        zeilen = abfragen.leistungen(s, nur_ressort=True)
    zaehler = Counter(z.reifegrad if z.reifegrad_modell == Reifegradmodell.V1_1.value else None for z in zeilen)
    return {k: zaehler.get(k, 0) for k in (None, 0, 1, 2, 3, 4)}


def test_reifegrad_verteilung_der_uebersicht_ist_die_der_tabelle(demo_store):
    with demo_store.roh_lesen() as con:
        u = uebersicht.uebersicht(con, STICHTAG)
    assert u.reifegrade == _verteilung_laut_tabelle(demo_store)
    assert sum(n for k, n in u.reifegrade.items() if k is not None) > 0


@pytest.mark.nur_sqlite  # rewrites SQLite's rowid
def test_am_selben_tag_gewinnt_die_spaeter_erfasste_bewertung_unabhaengig_von_der_rowid(demo_store):
    """Synced devices insert the same records in different physical order: the rowid must not decide."""
    with demo_store.session(benutzer="Test") as s:
        lid = s.execute(select(Leistung.id).where(Leistung.im_ressort.is_(True)).order_by(Leistung.ozg_id)).scalars().first()
        ids = []
        for stufe in (1, 4, 3):  # one transaction, one time stamp: 3 recorded last
            b = ReifegradBewertung(leistung_id=lid, datum=STICHTAG, modell=Reifegradmodell.V1_1, stufe=stufe, quelle="T")
            s.add(b)
            s.flush()
            ids.append(b.id)
        s.add(ReifegradBewertung(leistung_id=lid, datum=STICHTAG, modell=Reifegradmodell.V2_0, stufe=7, quelle="T"))
    con = sqlite3.connect(demo_store.pfad)
    with con:  # as another device would have them: the last recorded got the smallest rowid
        neu = con.execute("SELECT max(rowid) FROM reifegrad_bewertung").fetchone()[0]
        for i, rid in enumerate(ids):
            con.execute("UPDATE reifegrad_bewertung SET rowid = ? WHERE id = ?", (neu + 100 - i, rid))
    con.close()
    with demo_store.lesen() as s:
        assert abfragen.aktuelle_reifegrade(s)[lid].stufe == 3  # 1.1 beats the same day's 2.0 level
        abfrage = tabellen.leistungen()
        spalte = [sp.schluessel for sp in abfrage.spalten].index("reifegrad")
        assert next(z for z in abfrage.seite(s, tabellen.Anfrage(), 100_000) if z.id == lid).werte[spalte] == 3
    with demo_store.roh_lesen() as con:
        assert reifegrad.aktuelle(con)[lid].stufe == 3
    assert next(l for l in bestand_laden(demo_store, STICHTAG).leistungen if l.id == lid).reifegrad == 3
    with demo_store.roh_lesen() as con:
        assert uebersicht.uebersicht(con, STICHTAG).reifegrade == _verteilung_laut_tabelle(demo_store)


# --------------------------------------------------------------------------------------- change log
def test_masseneintraege_sind_zeile_fuer_zeile_die_des_hooks(leerer_store):
    """Same device, user, source, transaction, time text, consecutive numbers, same JSON text."""
    werte = {"schluessel": "99001001000000", "bezeichnung": "Elterngeld „neu“", "typ": "1", "rechtsgrundlage": "",
             "gesetze": "", "gesetzeskuerzel": "", "sdg1": True, "sdg2": False, "im_katalog": True}
    with leerer_store.session(quelle="test", benutzer="Test") as s:
        s.info["zeitpunkt"] = datetime(2026, 11, 15, 9, 30, 0, 123456, tzinfo=UTC)
        s.add(LeikaLeistung(id="orm", **werte))
        s.flush()
        protokolliert_einfuegen(s, LeikaLeistung, [{"id": "masse", **werte}])
    with leerer_store.roh_lesen() as con:  # the stored rows as they are, on either database
        zeilen = {z["datensatz_id"]: z for z in (dict(zip(PROTOKOLLSPALTEN, r, strict=True)) for r in
                  con.execute(f"SELECT {', '.join(PROTOKOLLSPALTEN)} FROM aenderung WHERE quelle = 'test'"))}
    orm, masse = zeilen["orm"], zeilen["masse"]
    assert masse["seq"] == orm["seq"] + 1
    assert orm["neu"].replace('"orm"', '"masse"') == masse["neu"]
    gleich = [k for k in PROTOKOLLSPALTEN if k not in ("id", "seq", "datensatz_id", "neu")]
    assert {k: orm[k] for k in gleich} == {k: masse[k] for k in gleich}
    assert orm["zeitpunkt"] == "2026-11-15T09:30:00.123456+00:00" and orm["benutzer"] == "Test"


def test_ohne_protokoll_merken_hook_und_massenpfad_die_datensaetze_gleich(leerer_store):
    """A session without log (replication) writes no entry on either path, but both report the write."""
    from ozgdesk.model.protokoll import GESCHRIEBEN

    werte = {"schluessel": "99001001000001", "bezeichnung": "X", "typ": "1", "rechtsgrundlage": "", "gesetze": "",
             "gesetzeskuerzel": "", "sdg1": False, "sdg2": False, "im_katalog": True}
    with leerer_store.session(quelle="test") as s:
        s.info["ohne_protokoll"] = True
        s.add(LeikaLeistung(id="orm", **werte))
        s.flush()
        protokolliert_einfuegen(s, LeikaLeistung, [{"id": "masse", **{**werte, "schluessel": "99001001000002"}}])
        assert {("leika_leistung", "orm"), ("leika_leistung", "masse")} <= s.info[GESCHRIEBEN]
    with leerer_store.lesen() as s:
        from ozgdesk.model.protokoll import Aenderung

        assert s.execute(select(Aenderung).where(Aenderung.quelle == "test")).first() is None
