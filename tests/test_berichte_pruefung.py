"""Validation lists in German what is missing or inconsistent, naming the record to fix."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ozgdesk.cli import main
from ozgdesk.model import Meilenstein, Projekt, ZahlungsplanPosition, Zahlungsplan
from ozgdesk.model.values import Quartal
from ozgdesk.model import basisplan
from ozgdesk.reports.pruefung import FEHLER, pruefen
from tests.test_berichte_hilfen import bestand, db_abbild, demo_fehler_beheben
from tests.datenbanken import datenbank_im_home

pytestmark = pytest.mark.beide_datenbanken

Q3 = Quartal(2026, 3)


def _texte(store) -> list[str]:  # noqa: ANN001
    return [str(b) for b in pruefen(bestand(store), Q3) if b.schwere == FEHLER]


def test_demo_enthaelt_die_bekannten_fehler(demo_store):
    fehler = _texte(demo_store)
    assert any("Projekt BMAS-2025-04" in f and "übersteigen die Summe der Bewilligungen" in f and "111.363,53 €" in f
               for f in fehler), fehler
    assert any("Projekt BMAS-2025-04" in f and "Unfallversicherung Bund und Bahn" in f and "Erstattungsanspruch" in f
               for f in fehler), fehler
    assert any("BMAS-2025-08, Quartal Q3/2026" in f and "Begründung fehlt" in f for f in fehler), fehler


def test_nach_behebung_keine_fehler(demo_store):
    demo_fehler_beheben(demo_store)
    assert _texte(demo_store) == []


def test_jede_art_von_luecke_wird_mit_datensatz_gemeldet(demo_store):
    demo_fehler_beheben(demo_store)
    with demo_store.session(benutzer="Test") as s:
        s.info[basisplan.KORREKTUR] = True  # builds the gaps on purpose: clears a Plandatum, empties a plan quarter
        p1 = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-03")).scalar_one()
        p1.projektleiter_id = None
        p1.ampel_zeit_grund = ""
        ms = s.execute(select(Meilenstein).where(Meilenstein.projekt_id == p1.id, Meilenstein.ist_datum.is_(None))).scalars().first()
        ms.plan_datum = None
        p2 = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2026-01")).scalar_one()
        zp = s.execute(select(Zahlungsplan).where(Zahlungsplan.projekt_id == p2.id).order_by(Zahlungsplan.version.desc())).scalars().first()
        for pos in s.execute(select(ZahlungsplanPosition).where(ZahlungsplanPosition.zahlungsplan_id == zp.id,
                                                                ZahlungsplanPosition.quartal == Q3)).scalars():
            s.delete(pos)
    fehler = _texte(demo_store)
    erwartet = [
        "Projekt BMAS-2024-03: Keine Projektleitung benannt.",
        "Projekt BMAS-2024-03: Ampel „Zeit“ steht auf rot, die Begründung fehlt.",
        f"Projekt BMAS-2024-03, Meilenstein „{ms.titel}“: Meilenstein ohne Plandatum.",
        "Projekt BMAS-2026-01, Quartal Q3/2026: Für das Quartal Q3/2026 enthält der Zahlungsplan keinen Betrag.",
    ]
    for e in erwartet:
        assert f"Fehler: {e}" in fehler, (e, fehler)


def test_cli_pruefen_json_und_exitcode(demo_home, capsys):
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    rc = main(["--home", str(demo_home), "pruefen", "--quartal", "2026-Q3", "--stand", "15.11.2026", "--json"])
    daten = json.loads(capsys.readouterr().out)
    fehler = [b for b in daten["befunde"] if b["schwere"] == "Fehler"]
    assert rc == 1 and daten["fehler"] == len(fehler) > 0
    assert {b["ort"] for b in fehler} >= {"Projekt BMAS-2025-04", "Projekt BMAS-2025-08, Quartal Q3/2026",
                                          "Projekt BMAS-2024-05, Quartal Q3/2026, Haushaltsstelle 0602 812 01"}
    # every finding names its record by Kennung or OZG-ID, the field that fixes a gap, and whether a fact
    for b in daten["befunde"]:
        assert b["datensatz"] in (b["projekt"], b["ozg_id"]) and len(b["id"]) == 12
        assert b["stellungnahme_moeglich"] or b["feld"] or b["regel"] in {"leistung_fehlt", "kein_meilenstein",
                                                                         "meilenstein_ohne_plandatum", "kein_zahlungsplan",
                                                                         "plan_quartal_fehlt", "keine_pt_bewilligt"}
    ueber = next(b for b in fehler if b["regel"] == "ueber_bewilligung_gesamt" and b["projekt"] == "BMAS-2024-04")
    assert ueber["stellungnahme_moeglich"] and ueber["feld"] is None
    mittelbar = next(b for b in fehler if b["regel"] == "mittelbar_ohne_erstattung")
    assert not mittelbar["stellungnahme_moeglich"] and mittelbar["feld"] == "finanzierung"
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher  # checking never writes


def test_cli_endfassung_mit_fehlern_wird_verweigert(demo_home, tmp_path, capsys):
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    out = tmp_path / "out"
    rc = main(["--home", str(demo_home), "bericht", "quartal", "--quartal", "2026-Q3", "--out", str(out), "--stand", "15.11.2026"])
    fehler = capsys.readouterr().err
    assert rc == 1 and "BMAS-2025-04" in fehler and "--entwurf" in fehler
    assert not out.exists() or not any(out.iterdir())
    rc = main(["--home", str(demo_home), "bericht", "quartal", "--quartal", "2026-Q3", "--out", str(out), "--stand",
               "15.11.2026", "--entwurf"])
    assert rc == 0 and sorted(p.name for p in out.iterdir()) == ["Quartalsbericht_BMAS_2026-Q3.pdf", "Quartalsbericht_BMAS_2026-Q3.xlsx"]
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher


def test_cli_falsche_eingaben(demo_home, tmp_path, capsys):
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    for argv, teil in (
        (["bericht", "quartal", "--quartal", "2026-Q5", "--out", str(tmp_path)], "„2026-Q5“ ist kein Quartal"),
        (["steckbrief", "--projekt", "GIBTS-NICHT", "--out", str(tmp_path)], "Kennung „GIBTS-NICHT“"),
        (["bericht", "statusermittlung", "--out", str(tmp_path), "--format", "docx"], "--format: „docx“"),
        (["bericht", "meilensteine", "--halbjahr", "2026-H3", "--out", str(tmp_path)], "kein Halbjahr"),
        (["pruefen", "--quartal", "2026-Q3", "--stand", "31.02.2026"], "kein gültiges Datum"),
    ):
        assert main(["--home", str(demo_home), *argv]) == 1, argv
        assert teil in capsys.readouterr().err, argv
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))


def test_dienst_filtert_befunde_nach_auswahl_und_fuehrt_zum_datensatz(demo_store):
    """The GUI's check list for one project: its own findings and the Leistungen', each opening its record."""
    from ozgdesk.model import Leistung
    from ozgdesk.model.demo import STICHTAG
    from ozgdesk.reports.dienst import Berichtsdienst

    with demo_store.session(benutzer="Test") as s:
        s.execute(select(Leistung).where(Leistung.ozg_id == "10073")).scalar_one().behoerde_id = None
    b = bestand(demo_store)
    p = b.projekt("BMAS-2025-08")
    dienst = Berichtsdienst(stichtag=lambda: STICHTAG)
    alle = dienst.pruefen(demo_store, "quartal", "2026-Q3", [])
    auswahl = dienst.pruefen(demo_store, "quartal", "2026-Q3", [p.id])
    assert {h.projekt_id for h in alle if h.art == "projekt"} > {p.id}  # the whole Ressort has more projects
    projekt_hinweise = [h for h in auswahl if h.art == "projekt"]
    assert projekt_hinweise and all(h.projekt_id == h.datensatz_id == p.id for h in projekt_hinweise)
    assert any(h.text.startswith("Projekt BMAS-2025-08, Quartal Q3/2026: ") and h.schwere == "fehler"
               for h in projekt_hinweise)
    ids = {l.ozg_id: l.id for l in b.leistungen}
    leistung_hinweise = [h for h in auswahl if h.art == "leistung"]
    assert leistung_hinweise and leistung_hinweise == [h for h in alle if h.art == "leistung"]  # shown for any selection
    assert all(h.datensatz_id == ids[h.text.split()[1]] for h in leistung_hinweise)
    assert any(h.datensatz_id == ids["10073"] and "Keine zuständige Behörde" in h.text for h in leistung_hinweise)
    assert all(h.art in ("projekt", "leistung") for h in auswahl)  # every finding leads to its record


def test_cli_pruefen_fuer_ein_projekt_nimmt_nur_dessen_befunde(demo_home, capsys):
    """Filtering is by Kennung: a project BMAS-2024-0 does not get the findings of BMAS-2024-01 … 08."""
    from ozgdesk.model.store import Store

    with Store.oeffnen(datenbank_im_home(demo_home)) as store, store.session(benutzer="Test") as s:
        s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2025-04")).scalar_one().kennung = "BMAS-2024-0"
    rc = main(["--home", str(demo_home), "pruefen", "--quartal", "2026-Q3", "--stand", "15.11.2026", "--projekt",
               "BMAS-2024-0", "--json"])
    daten = json.loads(capsys.readouterr().out)
    assert rc == 1 and daten["befunde"]  # BMAS-2025-04 pays out above its approval: an error
    assert {b["projekt"] for b in daten["befunde"]} == {"BMAS-2024-0"}
