"""Closing a quarter on figures a controller can defend (issue 13), without Qt:

* every finding has a stable id, its record, the field that fixes it and its kind (gap or fact);
* a fact is acknowledged with a Stellungnahme (logged, in PDF, XLSX and JSON), a gap cannot be;
* a quarter is measured against the Zahlungsplan version in force at its end, a later one is named;
* deviations are judged per Haushaltsstelle too;
* the CLI-only path from the demo to a verified package.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from ozgdesk.cli import main
from ozgdesk.model import Aenderung, Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.stellungnahme import Stellungnahme
from ozgdesk.model.values import Haushaltsstelle, Kostenart, Quartal
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports import quartalsbericht as qb
from ozgdesk.reports.einreichung import einreichen, paket_pruefen
from ozgdesk.reports.pruefung import fehler, pruefen
from ozgdesk.reports.snapshot import bestand_laden
from ozgdesk.reports.stellungnahmen import stellungnahme_werte
from tests.test_berichte_hilfen import db_abbild, formel_wert, mappe, pdf_text

pytestmark = pytest.mark.beide_datenbanken

Q3 = Quartal(2026, 3)
STELLUNGNAHME = "Die Überschreitung betrifft die Schlussrechnung 2025; eine Nachbewilligung ist beim BMDS beantragt."


def _befunde(store, q: Quartal = Q3):  # noqa: ANN001, ANN202
    return pruefen(bestand_laden(store, STICHTAG), q)


def _cli(home, capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    rc = main(["--home", str(home), *argv])
    aus = capsys.readouterr()
    return rc, aus.out, aus.err


def _stellungnahme(store, befund_id: str, text: str = STELLUNGNAHME) -> None:  # noqa: ANN001
    werte = stellungnahme_werte(_befunde(store), befund_id, text, Q3)
    with store.session(benutzer="Erika Mustermann") as s:
        s.add(Stellungnahme(**werte))


# ------------------------------------------------------------------------------------------ findings
def test_befund_id_ist_stabil_und_je_quartal_verschieden(demo_store):
    vorher = {(b.regel, b.datensatz): b.id for b in _befunde(demo_store)}
    with demo_store.session(benutzer="Test") as s:  # an unrelated edit does not move any id
        s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one().risiken = "Neues Risiko."
    nachher = {(b.regel, b.datensatz): b.id for b in _befunde(demo_store)}
    assert vorher == nachher and len(set(vorher.values())) == len(vorher)  # stable and unique
    q2 = {b.id for b in _befunde(demo_store, Quartal(2026, 2))}
    assert not q2 & set(vorher.values())  # the id belongs to the period


def test_abweichung_je_haushaltsstelle_wird_gefunden_obwohl_das_projekt_im_rahmen_liegt(demo_store):
    b = bestand_laden(demo_store, STICHTAG)
    p = b.projekt("BMAS-2024-05")
    g, zeilen = kz.finanzen(p, Q3)
    assert not kz.wesentlich(g.plan_quartal, g.ist_quartal)  # the project total is within 10 %
    stelle = next(z for z in zeilen if z.haushaltsstelle == "0602 812 01")
    assert kz.wesentlich(stelle.plan_quartal, stelle.ist_quartal)
    treffer = [x for x in pruefen(b, Q3) if x.projekt == "BMAS-2024-05" and x.schluessel == "0602 812 01"]
    assert len(treffer) == 1 and "+74,0 %" in treffer[0].text and treffer[0].feld == "ampel_kosten_grund"
    assert treffer[0].blockiert  # no reason given: a gap
    # the PDF's deviation table and the workbook name the Haushaltsstelle as well
    text = " ".join(" ".join(pdf_text(qb.pdf_ressort(b, Q3, entwurf=True))).split())
    assert "BMAS-2024-05 0602 812 01" in text
    wb = mappe(qb.xlsx(b, Q3))
    zeile = next(r for r in wb["Haushaltsstellen"].iter_rows(values_only=True)
                 if r[0] == "BMAS-2024-05" and r[1] == "0602 812 01")
    assert zeile[-1] == "ja"


def test_summen_je_haushaltsstelle_in_der_arbeitsmappe_wie_im_pdf(demo_store):
    b = bestand_laden(demo_store, STICHTAG)
    voll = [kz.finanzen(p, Q3)[1] for p in b.projekte if kz.hat_finanzbericht(p)]
    erwartet: dict[str, int] = {}
    for zeilen in voll:
        for z in zeilen:
            erwartet[z.haushaltsstelle] = erwartet.get(z.haushaltsstelle, 0) + z.ist_quartal
    ws = mappe(qb.xlsx(b, Q3))["Summen Haushaltsstellen"]
    kopf = [c.value for c in ws[1]]
    spalte = kopf.index("Ist Quartal")
    # the totals are formulas over the sheet „Haushaltsstellen“ (tests/test_berichte_abgleich.py)
    gelesen = {r[0].value: formel_wert(r[spalte]) for r in ws.iter_rows(min_row=2) if r[0].value not in (None, "Summe")}
    assert gelesen and {h: int(v * 100) for h, v in gelesen.items()} == erwartet


# ------------------------------------------------------------------------------------- statements
def test_stellungnahme_zu_einem_sachverhalt_erledigt_den_befund(demo_store):
    ueber = next(b for b in _befunde(demo_store) if b.regel == "ueber_bewilligung_gesamt" and b.projekt == "BMAS-2024-04")
    assert ueber.stellungnahme_moeglich and ueber.blockiert
    _stellungnahme(demo_store, ueber.id)
    danach = next(b for b in _befunde(demo_store) if b.id == ueber.id)
    assert not danach.offen and not danach.blockiert  # still listed, no longer blocking
    assert danach.stellungnahme.text == STELLUNGNAHME and danach.stellungnahme.erstellt_von == "Erika Mustermann"
    assert danach not in fehler(_befunde(demo_store))
    with demo_store.lesen() as s:  # logged like every edit, so the sync carries it
        assert s.execute(select(Aenderung).where(Aenderung.tabelle == "stellungnahme")).scalars().first() is not None
    # the next quarter's finding is a new one: the statement was for Q3 only
    q4 = next(b for b in _befunde(demo_store, Quartal(2026, 4))
              if b.regel == "ueber_bewilligung_gesamt" and b.projekt == "BMAS-2024-04")
    assert q4.offen


def test_zu_einer_luecke_gibt_es_keine_stellungnahme(demo_store, demo_home):
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    luecke = next(b for b in _befunde(demo_store) if b.regel == "mittelbar_ohne_erstattung")
    with pytest.raises(Eingabefehler, match="muss behoben werden") as e:
        stellungnahme_werte(_befunde(demo_store), luecke.id, STELLUNGNAHME, Q3)
    assert "projekte setzen BMAS-2025-04 finanzierung=" in str(e.value)
    with pytest.raises(Eingabefehler, match="gibt es für Q3/2026 nicht"):
        stellungnahme_werte(_befunde(demo_store), "000000000000", STELLUNGNAHME, Q3)
    ueber = next(b for b in _befunde(demo_store) if b.regel == "ueber_bewilligung_gesamt")
    with pytest.raises(Eingabefehler, match="mindestens 10 Zeichen"):
        _stellungnahme(demo_store, ueber.id, "ok")
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher


# ------------------------------------------------------------------------------------- plan in force
def _neue_fassung(store, kennung: str, version: int, stand: date, betraege: dict[tuple[Quartal, str], int]) -> None:  # noqa: ANN001
    with store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one()
        zp = Zahlungsplan(projekt_id=p.id, version=version, stand=stand, bemerkung="Fortschreibung nach Ist")
        s.add(zp)
        s.flush()
        for (q, hhst), cent in betraege.items():
            s.add(ZahlungsplanPosition(zahlungsplan_id=zp.id, quartal=q, haushaltsstelle=Haushaltsstelle.parse(hhst),
                                       kostenart=Kostenart.DIENSTLEISTUNG, betrag_cent=cent))


def test_spaetere_fassung_aendert_das_quartal_nicht_und_wird_genannt(demo_store):
    b = bestand_laden(demo_store, STICHTAG)
    p = b.projekt("BMAS-2025-08")
    vorher_zahlen = kz.finanzen(p, Q3)
    vorher_befunde = [(x.id, x.text) for x in pruefen(b, Q3) if x.projekt == p.kennung]
    assert any("-10,9 %" in t for _i, t in vorher_befunde)
    naechste = max(f.version for f in p.fassungen) + 1
    # the plan „corrected“ afterwards to the actual spend of every quarter, per Haushaltsstelle
    ist: dict[tuple[Quartal, str], int] = {}
    for z in p.zahlungen:
        schluessel = (Quartal.von_datum(z.datum), z.haushaltsstelle)
        ist[schluessel] = ist.get(schluessel, 0) + z.betrag_cent
    _neue_fassung(demo_store, p.kennung, naechste, date(2026, 11, 20), ist)

    b2 = bestand_laden(demo_store, STICHTAG)
    p2 = b2.projekt("BMAS-2025-08")
    assert kz.finanzen(p2, Q3) == vorher_zahlen  # Q3 is measured against the plan in force on 30.09.2026
    assert [(x.id, x.text) for x in pruefen(b2, Q3) if x.projekt == p.kennung] == vorher_befunde
    kraft = kz.plan_in_kraft(p2, Q3)
    assert kraft is not None and kraft.fassung.version == naechste - 1 and not kraft.nachtraeglich
    assert f"nicht berücksichtigt (nach Quartalsende): Fassung {naechste} vom 20.11.2026" in kraft.text
    text = " ".join(" ".join(pdf_text(qb.pdf_projekte(b2, [p2], Q3, entwurf=True))).split())
    assert f"Fassung {naechste - 1} vom" in text and f"Fassung {naechste} vom 20.11.2026" in text
    # Q4 is measured against the new version: there it is the plan in force
    assert kz.plan_in_kraft(p2, Quartal(2026, 4)).fassung.version == naechste
    q4 = kz.finanzen(p2, Quartal(2026, 4))[0]
    assert q4.plan_jahr == sum(c for (q, _h), c in ist.items() if q.jahr == 2026 and q <= Quartal(2026, 4))


def test_fassung_innerhalb_des_quartals_gilt(demo_store):
    """The counter-check: a version dated before the quarter's end is the plan in force."""
    b = bestand_laden(demo_store, STICHTAG)
    p = b.projekt("BMAS-2025-08")
    naechste = max(f.version for f in p.fassungen) + 1
    _neue_fassung(demo_store, p.kennung, naechste, date(2026, 9, 15), {(Q3, "0602 532 01"): 353_612_43})
    p2 = bestand_laden(demo_store, STICHTAG).projekt("BMAS-2025-08")
    assert kz.plan_in_kraft(p2, Q3).fassung.version == naechste
    assert kz.finanzen(p2, Q3)[0].plan_quartal == 353_612_43


def test_json_des_pakets_nennt_die_fassung_und_die_stellungnahme(demo_store, tmp_path):
    from tests.test_berichte_hilfen import demo_fehler_beheben

    demo_fehler_beheben(demo_store)
    with demo_store.session(benutzer="Test") as s:  # the approval is exceeded again: a fact to explain
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-04")).scalar_one()
        from ozgdesk.model import Bewilligung

        for bw in s.execute(select(Bewilligung).where(Bewilligung.projekt_id == p.id)).scalars():
            bw.betrag_cent = bw.betrag_cent // 2
    offen = fehler(_befunde(demo_store))
    assert offen and all(b.stellungnahme_moeglich for b in offen)
    for b in offen:
        _stellungnahme(demo_store, b.id)
    paket = einreichen(demo_store, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    assert paket_pruefen(paket.ordner, demo_store) == []
    daten = json.loads(next(paket.ordner.glob("Quartalsbericht_*.json")).read_text(encoding="utf-8"))
    mit = [x for x in daten["pruefung"] if x["stellungnahme"]]
    assert {x["id"] for x in mit} == {b.id for b in offen}
    assert all(x["stellungnahme"]["text"] == STELLUNGNAHME and x["stellungnahme"]["von"] == "Erika Mustermann"
               for x in mit)
    fin = next(x for x in daten["projekte"] if x["kennung"] == "BMAS-2024-05")["finanzen"]
    assert fin["zahlungsplan_fassung"] == 2 and fin["zahlungsplan_stand"] == "2024-12-28"
    text = " ".join(" ".join(pdf_text(next(paket.ordner.glob("Quartalsbericht_*.pdf")).read_bytes())).split())
    assert "Sachverhalte mit Stellungnahme" in text and "Nachbewilligung ist beim BMDS beantragt" in text
    wb = mappe(next(paket.ordner.glob("Quartalsbericht_*.xlsx")).read_bytes())
    zeilen = [r for r in wb["Befunde"].iter_rows(min_row=2, values_only=True) if r[4]]
    assert {r[0] for r in zeilen} == {b.id for b in offen}


# ------------------------------------------------------------------------------------------- CLI
def test_cli_weg_vom_demo_zum_geprueften_paket(demo_home, tmp_path, capsys):
    """The path the README shows: befunde list → setzen / befunde stellungnahme → einreichen → paket-pruefen."""
    rc, out, _ = _cli(demo_home, capsys, "befunde", "list", "--quartal", "2026-Q3", "--json")
    liste = json.loads(out)
    assert rc == 0 and liste["fehler"] > 0
    for b in (x for x in liste["befunde"] if x["schwere"] == "Fehler"):
        assert b["id"] and b["datensatz"] and "stellungnahme_moeglich" in b
    # gaps: fix the named field
    for b in (x for x in liste["befunde"] if x["schwere"] == "Fehler" and not x["stellungnahme_moeglich"]):
        wert = "eigen" if b["feld"] == "finanzierung" else "Schlussrechnungen gingen erst im Oktober ein."
        assert b["feld"], b
        rc, _out, err = _cli(demo_home, capsys, "projekte", "setzen", b["datensatz"], f"{b['feld']}={wert}")
        assert rc == 0, err
    # facts: a statement each
    rc, out, _ = _cli(demo_home, capsys, "befunde", "list", "--quartal", "2026-Q3", "--offen", "--json")
    offen = [x for x in json.loads(out)["befunde"] if x["schwere"] == "Fehler"]
    assert offen and all(x["stellungnahme_moeglich"] for x in offen)
    for b in offen:
        rc, _out, err = _cli(demo_home, capsys, "befunde", "stellungnahme", b["id"], "--quartal", "2026-Q3",
                             "--text", STELLUNGNAHME)
        assert rc == 0, err
    rc, out, _ = _cli(demo_home, capsys, "pruefen", "--quartal", "2026-Q3", "--json")
    assert rc == 0 and json.loads(out)["fehler"] == 0 and json.loads(out)["mit_stellungnahme"] == len(offen)
    rc, out, err = _cli(demo_home, capsys, "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path), "--json")
    assert rc == 0, err
    ordner = json.loads(out)["ordner"]
    rc, _out, err = _cli(demo_home, capsys, "paket-pruefen", ordner)
    assert rc == 0, err
    daten = json.loads(next(tmp_path.glob("*/Quartalsbericht_*.json")).read_text(encoding="utf-8"))
    assert sum(1 for x in daten["pruefung"] if x["stellungnahme"]) == len(offen)


def test_cli_stellungnahme_zu_luecke_wird_verweigert_und_zuruecknehmen(demo_home, capsys):
    rc, out, _ = _cli(demo_home, capsys, "befunde", "list", "--quartal", "2026-Q3", "--json")
    befunde = json.loads(out)["befunde"]
    luecke = next(x for x in befunde if x["regel"] == "mittelbar_ohne_erstattung")
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    rc, _out, err = _cli(demo_home, capsys, "befunde", "stellungnahme", luecke["id"], "--quartal", "2026-Q3",
                         "--text", STELLUNGNAHME)
    assert rc == 1 and "muss behoben werden" in err and "Traceback" not in err
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher
    fakt = next(x for x in befunde if x["stellungnahme_moeglich"] and x["schwere"] == "Fehler")
    assert _cli(demo_home, capsys, "befunde", "stellungnahme", fakt["id"], "--quartal", "2026-Q3", "--text",
                STELLUNGNAHME)[0] == 0
    rc, out, _ = _cli(demo_home, capsys, "befunde", "list", "--quartal", "2026-Q3")
    assert "liegt vor" in out and "mit Stellungnahme" in out
    assert _cli(demo_home, capsys, "befunde", "zuruecknehmen", fakt["id"], "--quartal", "2026-Q3")[0] == 0
    rc, out, _ = _cli(demo_home, capsys, "befunde", "list", "--quartal", "2026-Q3", "--json")
    assert next(x for x in json.loads(out)["befunde"] if x["id"] == fakt["id"])["offen"]


def test_readme_zeigt_den_weg_der_wirklich_funktioniert(tmp_path):
    """The README's block „Ein Quartal abschließen“ runs as printed, on a fresh demo, to a verified package."""
    import os
    import re
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    abschnitt = readme.split("### Ein Quartal abschließen", 1)[1]
    block = re.search(r"```sh\n(.*?)```", abschnitt, re.S).group(1)
    skript = "set -e\n" + "\n".join(z for z in block.splitlines() if not z.startswith("export OZGDESK_HOME"))
    bin_ordner = Path(sys.executable).parent
    assert shutil.which("ozgdesk-cli", path=str(bin_ordner)), "ozgdesk-cli gehört zur Installation (pyproject)"
    env = {**os.environ, "OZGDESK_HOME": str(tmp_path / "home"), "PATH": f"{bin_ordner}{os.pathsep}{os.environ['PATH']}"}
    lauf = subprocess.run(["bash", "-c", skript], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert lauf.returncode == 0, lauf.stdout[-2000:] + lauf.stderr[-2000:]
    assert "ist vollständig und unverändert" in lauf.stdout
