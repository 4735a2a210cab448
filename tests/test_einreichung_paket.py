"""What a person and a machine read in the package: version and author on page 1, the
Aktenzeichen, the change list in German, and figures that agree to the cent with the store.

Both versions are made through the CLI as a user would, with the name set under „Ihr Name“.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ozgdesk.cli import main
from ozgdesk.model import Bewilligung, Meilenstein, Mittelabfluss, Projekt
from ozgdesk.model.bearbeiten import MeilensteinVerschieben
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.store import Store
from ozgdesk.model.values import Finanzierung, Quartal, format_datum, format_euro
from tests.test_berichte_abgleich import _erwartet, _formel_wert
from tests.test_berichte_hilfen import demo_fehler_beheben, mappe, pdf_text
from tests.datenbanken import datenbank_im_home

pytestmark = pytest.mark.beide_datenbanken

Q3 = Quartal(2026, 3)
AZ = "OZG 11-22/2026"


def _einreichen(home, ziel, capsys, *mehr: str) -> dict:  # noqa: ANN001
    capsys.readouterr()
    assert main(["--home", str(home), "einreichen", "--quartal", "2026-Q3", "--out", str(ziel), "--stand", "15.11.2026",
                 "--json", *mehr]) == 0
    return json.loads(capsys.readouterr().out)


def _tag(zeitpunkt: str) -> str:
    return datetime.fromisoformat(zeitpunkt).astimezone().strftime("%d.%m.%Y")


@pytest.fixture
def zwei_fassungen(demo_home, tmp_path, capsys):  # noqa: ANN201
    """Version 1, then (after a payment, a forecast, a new milestone and an Ampel changed) version 2."""
    with Store.oeffnen(datenbank_im_home(demo_home)) as store:
        demo_fehler_beheben(store)
        store.person_setzen("Karin Brenner")  # Abgleich → „Ihr Name“
    v1 = _einreichen(demo_home, tmp_path, capsys, "--aktenzeichen", AZ)
    with Store.oeffnen(datenbank_im_home(demo_home)) as store, store.session(benutzer="Test") as s:
        p5 = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-05")).scalar_one()
        zahlung = s.execute(select(Mittelabfluss).where(Mittelabfluss.projekt_id == p5.id, Mittelabfluss.datum >= Q3.beginn,
                                                        Mittelabfluss.datum <= Q3.ende)
                            .order_by(Mittelabfluss.datum)).scalars().first()
        zahlung.betrag_cent += 1_234_550
        m = s.execute(select(Meilenstein).where(Meilenstein.projekt_id == p5.id, Meilenstein.ist_datum.is_(None))
                      .order_by(Meilenstein.plan_datum)).scalars().first()
        MeilensteinVerschieben(m.id, (m.prognose_datum or m.plan_datum) + timedelta(days=30), "Abnahme verschoben",
                               date(2026, 11, 15)).anwenden(s)
        s.add(Meilenstein(projekt_id=p5.id, titel="Anbindung an das Organisationskonto", plan_datum=date(2027, 3, 31)))
        p3 = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-03")).scalar_one()
        p3.ampel_umfang, p3.ampel_umfang_grund = "gelb", "Zusätzliche Antragsvariante für Saisonbetriebe."
    v2 = _einreichen(demo_home, tmp_path, capsys, "--aktenzeichen", AZ)
    return demo_home, v1, v2, m.titel


def _paket(ergebnis: dict) -> tuple:  # noqa: ANN001
    from pathlib import Path

    ordner = Path(ergebnis["ordner"])
    basis = ordner.name
    bericht = json.loads((ordner / f"Quartalsbericht_{basis}.json").read_text(encoding="utf-8"))
    manifest = json.loads((ordner / "manifest.json").read_text(encoding="utf-8"))
    return ordner, basis, bericht, manifest


def test_fassung_name_und_aktenzeichen_auf_seite_1_und_in_den_daten(zwei_fassungen):
    home, v1, v2, _m = zwei_fassungen
    ordner1, basis1, bericht1, manifest1 = _paket(v1)
    ordner2, basis2, bericht2, manifest2 = _paket(v2)
    am1, am2 = _tag(bericht1["einreichung"]["erstellt_am"]), _tag(bericht2["einreichung"]["erstellt_am"])
    for ordner, basis, satz in ((ordner1, basis1, f"Fassung 1 vom {am1}, erstellt von Karin Brenner."),
                                (ordner2, basis2, f"Fassung 2 vom {am2}, erstellt von Karin Brenner; ersetzt Fassung 1 "
                                                  f"vom {am1}.")):
        for pdf in (f"Quartalsbericht_{basis}.pdf", f"Projektberichte_{basis}.pdf"):
            seite1 = " ".join(pdf_text((ordner / pdf).read_bytes())[0].split())
            assert satz in seite1, pdf
            assert f"Az.: {AZ}" in seite1, pdf
    for bericht, manifest in ((bericht1, manifest1), (bericht2, manifest2)):
        assert bericht["einreichung"]["erstellt_von"] == manifest["erstellt_von"] == "Karin Brenner"
        assert bericht["einreichung"]["empfaenger"] == "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)"
        assert bericht["einreichung"]["aktenzeichen"] == manifest["aktenzeichen"] == AZ
    eigenschaften = mappe((ordner2 / f"Quartalsbericht_{basis2}.xlsx").read_bytes()).properties
    assert eigenschaften.identifier == AZ and eigenschaften.version == "2"
    with Store.oeffnen(datenbank_im_home(home)) as store, store.lesen() as s:
        assert set(s.execute(select(Einreichung.erstellt_von)).scalars()) == {"Karin Brenner"}


def test_aenderungsliste_liest_sich_deutsch_ohne_pfade_cent_oder_codes(zwei_fassungen):
    _home, v1, v2, meilenstein = zwei_fassungen
    _o1, _b1, alt, _m1 = _paket(v1)
    ordner, basis, neu, _m2 = _paket(v2)
    p5_alt = next(p for p in alt["projekte"] if p["kennung"] == "BMAS-2024-05")
    p5 = next(p for p in neu["projekte"] if p["kennung"] == "BMAS-2024-05")
    bereich = f"BMAS-2024-05 {p5['titel']}"
    ms_alt = next(m for m in p5_alt["meilensteine"] if m["titel"] == meilenstein)
    ms_neu = next(m for m in p5["meilensteine"] if m["titel"] == meilenstein)
    erwartet = [
        [bereich, "Mittelabfluss – Ist im Quartal", format_euro(p5_alt["finanzen"]["ist_quartal_cent"]),
         format_euro(p5["finanzen"]["ist_quartal_cent"])],
        [bereich, f"Meilenstein „{meilenstein}“ – Prognose", format_datum(date.fromisoformat(ms_alt["prognose"])),
         format_datum(date.fromisoformat(ms_neu["prognose"]))],
        [bereich, "Meilenstein „Anbindung an das Organisationskonto“", "–", "neu: Plan 31.03.2027, offen"],
        ["BMAS-2024-03 Kurzarbeitergeld – Anzeige und Abrechnung digital", "Ampel Umfang", "grün", "gelb"],
        ["Ressort (Summen)", "Ist im Quartal", format_euro(alt["summen"]["ist_quartal_cent"]),
         format_euro(neu["summen"]["ist_quartal_cent"])],
    ]
    assert p5["finanzen"]["ist_quartal_cent"] - p5_alt["finanzen"]["ist_quartal_cent"] == 1_234_550
    ws = mappe((ordner / f"Quartalsbericht_{basis}.xlsx").read_bytes())["Änderungen"]
    zeilen = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    for zeile in erwartet:
        assert zeile in zeilen, zeile
    # the same rows in the PDF, where each cell is read as it is printed
    pdf = " ".join(" ".join(pdf_text((ordner / f"Quartalsbericht_{basis}.pdf").read_bytes())).split())
    abschnitt = pdf[pdf.index("Änderungen gegenüber Fassung 1"):]
    for zeile in erwartet:
        assert all(" ".join(str(z).split()) in abschnitt for z in zeile), zeile
    # nowhere a person reads: JSON paths, cents, codes, Python values
    lesbar = abschnitt + "\n".join(str(c) for z in zeilen for c in z)
    for roh in ("projekte[", "_cent", "finanzen.", "gruen", "True", "False", "None",
                str(p5["finanzen"]["ist_quartal_cent"]), ms_neu["prognose"]):
        assert roh not in lesbar, roh
    # the machine form stays exact: path, cents, ISO dates
    maschine = {a["pfad"]: a for a in neu["einreichung"]["aenderungen"]}
    eintrag = maschine["projekte[BMAS-2024-05].finanzen.ist_quartal_cent"]
    assert (eintrag["alt"], eintrag["neu"], eintrag["projekt"], eintrag["feld"]) == (
        p5_alt["finanzen"]["ist_quartal_cent"], p5["finanzen"]["ist_quartal_cent"], "BMAS-2024-05",
        "Mittelabfluss – Ist im Quartal")
    assert maschine[f"projekte[BMAS-2024-05].meilensteine[{meilenstein}].prognose"]["neu"] == ms_neu["prognose"]
    assert all(re.fullmatch(r"[^\[\]]+(\[[^\]]+\])?(\.[^.\[\]]+(\[[^\]]+\])?)*", p) for p in maschine), list(maschine)


def test_summen_mit_bewilligung_stimmen_mit_store_und_xlsx(zwei_fassungen):
    """summen.bewilligt_*_cent (documented, missing before) and the other sums, computed
    independently with plain SQL, equal the JSON, and the workbook's formulas give the same."""
    from decimal import Decimal

    home, _v1, v2, _m = zwei_fassungen
    ordner, basis, bericht, _manifest = _paket(v2)
    with Store.oeffnen(datenbank_im_home(home)) as store:
        erwartet = _erwartet(store, Q3)
        with store.lesen() as s:
            voll = select(Projekt.id).where(Projekt.finanzierung == Finanzierung.VOLL)
            jahr = s.execute(select(func.sum(Bewilligung.betrag_cent)).where(
                Bewilligung.projekt_id.in_(voll), Bewilligung.jahr == 2026)).scalar_one()
            gesamt = s.execute(select(func.sum(Bewilligung.betrag_cent)).where(Bewilligung.projekt_id.in_(voll))).scalar_one()
    summen = bericht["summen"]
    assert summen["bewilligt_jahr_cent"] == jahr > 0 and summen["bewilligt_gesamt_cent"] == gesamt > jahr
    assert summen["bewilligt_jahr_cent"] == sum(p["finanzen"]["bewilligt_jahr_cent"] for p in bericht["projekte"]
                                                if p["finanzen"])
    for feld, schluessel in (("plan_quartal_cent", "plan_q"), ("ist_quartal_cent", "ist_q"), ("ist_jahr_cent", "ist_j"),
                             ("plan_gesamt_cent", "plan_g"), ("ist_gesamt_cent", "ist_g")):
        assert summen[feld] == sum(e[schluessel] for e in erwartet.values()), feld
    ws = mappe((ordner / f"Quartalsbericht_{basis}.xlsx").read_bytes())["Mittelabfluss"]
    spalte = next(c.column for c in ws[1] if c.value == "Bewilligt Jahr")
    summe = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Summe")
    assert _formel_wert(ws, ws.cell(summe, spalte)) * 100 == Decimal(jahr)


@pytest.mark.parametrize(("aktenzeichen", "meldung"), [
    ("A" * 121, "Das Aktenzeichen ist 121 Zeichen lang; höchstens 120 sind möglich."),
    ("Z c 4\x00 2120", "Das Aktenzeichen enthält ein Steuerzeichen; bitte nur druckbare Zeichen angeben."),
])
def test_unbrauchbares_aktenzeichen_wird_deutsch_abgelehnt_und_nichts_eingereicht(demo_home, tmp_path, capsys,
                                                                                  aktenzeichen, meldung):
    from tests.test_berichte_hilfen import db_abbild

    with Store.oeffnen(datenbank_im_home(demo_home)) as store:
        demo_fehler_beheben(store)
    vorher = db_abbild(demo_home / "ozgdesk.sqlite")
    assert main(["--home", str(demo_home), "einreichen", "--quartal", "2026-Q3", "--out", str(tmp_path / "p"),
                 "--stand", "15.11.2026", "--aktenzeichen", aktenzeichen]) == 1
    assert capsys.readouterr().err == f"Fehler: {meldung}\n"
    assert db_abbild(demo_home / "ozgdesk.sqlite") == vorher and not (tmp_path / "p").exists()
