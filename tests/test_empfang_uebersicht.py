"""The programme-wide overview: its totals are the sums of the packages' JSON (computed here
independently from the files, not from the receiver's database), the newest Fassung of each Ressort
counts, missing and late packages are named, and the documents are PDF/A with the Schutzvermerk.

The packages are synthetic (``tests/empfang_pakete.py``): 17 Ressorts, two quarters, two Fassungen,
written in the real format into a share's outbox layout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from ozgdesk.cli import main
from ozgdesk.empfang.auswertung import frist
from ozgdesk.model.values import Quartal, format_euro
from tests import empfang_pakete as ep
from tests.test_berichte_hilfen import VS, formel_wert, mappe, pdf_text
from tests.test_pdfa import verstoesse

Q3 = Quartal(2026, 3)
STAND = date(2026, 12, 7)
PROJEKTE = 8


@pytest.fixture(scope="module")
def eingelesen(tmp_path_factory):  # noqa: ANN201
    """17 Ressorts × 8 projects × Q2 and Q3/2026 × 2 Fassungen, read into a receiver database."""
    wurzel = tmp_path_factory.mktemp("uebersicht")
    baum = wurzel / "ablage"
    for i, r in enumerate(ep.RESSORTS):
        for q in ep.quartale(2):
            for fassung in (1, 2):
                ep.paket_schreiben(baum, ep.bericht(r, q, fassung, PROJEKTE, ep.erstellt(q, i, fassung),
                                                    pruefen=i == 0))
    db = f"sqlite:///{wurzel / 'empfang.sqlite'}"
    assert main(["empfang", "einlesen", str(baum), "--db", db, "--json"]) == 0
    return baum, db


def _uebersicht(capsys, db: str, ziel: Path, *mehr: str) -> dict:  # noqa: ANN001
    capsys.readouterr()
    assert main(["empfang", "uebersicht", "--quartal", "2026-Q3", "--out", str(ziel), "--db", db, "--stand",
                 STAND.strftime("%d.%m.%Y"), "--json", *mehr]) == 0
    return json.loads(capsys.readouterr().out)


def _neueste(baum: Path, q: Quartal) -> dict[str, dict]:
    """Per Ressort the report JSON of its highest Fassung for ``q``, read from the files."""
    aus: dict[str, dict] = {}
    for datei in baum.rglob("Quartalsbericht_*.json"):
        b = json.loads(datei.read_text(encoding="utf-8"))
        if b["zeitraum"] == str(q):
            r = b["ressort"]["kurzname"]
            if r not in aus or b["einreichung"]["version"] > aus[r]["einreichung"]["version"]:
                aus[r] = b
    return aus


def _zeilen(ws) -> list[list]:  # noqa: ANN001
    return [[c for c in r] for r in ws.iter_rows(min_row=2)]


def test_summen_der_uebersicht_sind_die_summen_der_json_dateien(eingelesen, capsys, tmp_path):
    baum, db = eingelesen
    ergebnis = _uebersicht(capsys, db, tmp_path)
    berichte = _neueste(baum, Q3)
    assert len(berichte) == 17 and {b["einreichung"]["version"] for b in berichte.values()} == {2}
    summe = {f: sum(b["summen"][f] for b in berichte.values())
             for f in ("plan_quartal_cent", "ist_quartal_cent", "plan_jahr_cent", "ist_jahr_cent", "plan_gesamt_cent",
                       "ist_gesamt_cent", "bewilligt_jahr_cent", "bewilligt_gesamt_cent")}
    assert ergebnis["summe"]["ist_quartal_cent"] == summe["ist_quartal_cent"]
    assert ergebnis["summe"]["plan_jahr_cent"] == summe["plan_jahr_cent"]
    # the workbook: every Ressort's row is its JSON, the =SUM total row the sum of the JSON files
    wb = mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())
    ws = wb["Mittelabfluss"]
    kopf = [c.value for c in ws[1]]
    zeilen = _zeilen(ws)
    spalten = {"Plan Quartal": "plan_quartal_cent", "Ist Quartal": "ist_quartal_cent", "Plan Jahr kum.": "plan_jahr_cent",
               "Ist Jahr kum.": "ist_jahr_cent", "Plan gesamt kum.": "plan_gesamt_cent",
               "Ist gesamt kum.": "ist_gesamt_cent", "Bewilligt Jahr": "bewilligt_jahr_cent",
               "Bewilligt gesamt": "bewilligt_gesamt_cent"}
    for zeile in zeilen[:-1]:
        b = berichte[zeile[0].value]
        for titel, feld in spalten.items():
            assert formel_wert(zeile[kopf.index(titel)]) * 100 == b["summen"][feld], (zeile[0].value, titel)
        assert formel_wert(zeile[kopf.index("Abweichung Quartal")]) * 100 == b["summen"]["abweichung_quartal_cent"]
    assert zeilen[-1][0].value == "Summe" and len(zeilen) == 18
    for titel, feld in spalten.items():
        assert formel_wert(zeilen[-1][kopf.index(titel)]) * 100 == summe[feld], titel
    assert formel_wert(zeilen[-1][kopf.index("Projekte")]) == 17 * PROJEKTE
    # the PDF prints the same totals to the cent
    text = " ".join(" ".join(pdf_text((tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes())).split())
    ohne_euro = [format_euro(summe[f]).removesuffix(" €") for f in ("plan_quartal_cent", "ist_quartal_cent")]
    assert f"Summe {17 * PROJEKTE} {ohne_euro[0]} {ohne_euro[1]}" in text
    assert f"Mittelabfluss im Quartal: {format_euro(summe['ist_quartal_cent'])} bei {format_euro(summe['plan_quartal_cent'])}" \
           in text


def test_meilensteine_reifegrad_und_stellungnahmen_wie_in_den_json_dateien(eingelesen, capsys, tmp_path):
    baum, db = eingelesen
    _uebersicht(capsys, db, tmp_path)
    berichte = _neueste(baum, Q3)
    faellig = erreicht = gefaehrdet = 0
    stufen: Counter[tuple[str | None, int | None]] = Counter()
    mit_stellungnahme = offen = 0
    for b in berichte.values():
        leistungen: dict[str, tuple] = {}
        for p in b["projekte"]:
            for m in p["meilensteine"]:
                gefaehrdet += m["status"] == "gefährdet"
                if m["status"] != "entfallen" and m["plan"] and date.fromisoformat(m["plan"]) <= Q3.ende:
                    faellig += 1
                    erreicht += m["status"] in ("erreicht", "verspätet erreicht") and (
                        m["ist"] is None or date.fromisoformat(m["ist"]) <= Q3.ende)
            for l in p["leistungen"]:
                leistungen[l["ozg_id"]] = (l["reifegrad_modell"], l["reifegrad"])
        stufen.update(leistungen.values())
        mit_stellungnahme += sum(1 for x in b["pruefung"] if x["stellungnahme"])
        offen += sum(1 for x in b["pruefung"] if x["offen"])
    wb = mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())

    def summe(blatt: str, spalte: str) -> int:
        ws = wb[blatt]
        kopf = [c.value for c in ws[1]]
        return int(formel_wert(_zeilen(ws)[-1][kopf.index(spalte)]))

    assert (summe("Meilensteine", "bis Quartalsende fällig"), summe("Meilensteine", "bis Quartalsende erreicht"),
            summe("Meilensteine", "gefährdet")) == (faellig, erreicht, gefaehrdet)
    for modell, n in (("1.1", 5), ("2.0", 8)):
        for stufe in range(n):
            assert summe("Reifegrad", f"Modell {modell} Stufe {stufe}") == stufen[(modell, stufe)], (modell, stufe)
    assert summe("Reifegrad", "nicht bewertet") == stufen[(None, None)]
    assert summe("Befunde", "mit Stellungnahme") == mit_stellungnahme == len(_zeilen(wb["Stellungnahmen"]))
    assert summe("Befunde", "offen") == offen


def test_fehlende_verspaetete_und_ausstehende_ressorts(eingelesen, capsys, tmp_path):
    baum, db = eingelesen
    capsys.readouterr()
    assert main(["empfang", "einstellen", "--db", db, "--ressorts", ",".join((*ep.RESSORTS, "BMZ"))]) == 0
    try:
        capsys.readouterr()
        assert main(["empfang", "fehlend", "--quartal", "2026-Q3", "--db", db, "--stand", "07.12.2026", "--json"]) == 1
        daten = json.loads(capsys.readouterr().out)
        zustand = {x["ressort"]: (x["zustand"], x["tage_verspaetet"]) for x in daten["ressorts"]}
        spaet = {r: (ep.erstellt(Q3, i, 1).date() - frist(Q3)).days for i, r in enumerate(ep.RESSORTS)
                 if ep.erstellt(Q3, i, 1).date() > frist(Q3)}
        assert spaet and zustand == {"BMZ": ("fehlt", 0), **{r: ("verspätet", t) for r, t in spaet.items()}}
        # before the deadline nothing is missing yet
        vorher = (frist(Q3) - timedelta(days=1)).strftime("%d.%m.%Y")
        capsys.readouterr()
        main(["empfang", "fehlend", "--quartal", "2026-Q3", "--db", db, "--stand", vorher, "--json"])
        assert {x["ressort"]: x["zustand"] for x in json.loads(capsys.readouterr().out)["ressorts"]}["BMZ"] == "ausstehend"
        # the overview names them in German, with the number of days
        _uebersicht(capsys, db, tmp_path, "--format", "pdf")
        text = " ".join(" ".join(pdf_text((tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes())).split())
        assert "2 Fehlende, verspätete und abgelehnte Pakete" in text
        assert "BMZ BMZ fehlt" in text
        r, tage = next(iter(spaet.items()))
        assert f"{r} Bundesministerium {r} verspätet ({tage} Tage)" in text
        assert "17 von 18 Ressorts haben gültig eingereicht (erwartet: Einstellung); 1 fehlt" in text
    finally:
        main(["empfang", "einstellen", "--db", db, "--ressorts", ""])


def test_abgelehntes_paket_steht_mit_grund_in_der_uebersicht(eingelesen, capsys, tmp_path):
    baum, db = eingelesen
    kaputt = tmp_path / "neu" / "outbox" / "BMI" / "2026-Q3" / "v3"
    ordner = ep.paket_schreiben(tmp_path / "neu", ep.bericht("BMI", Q3, 3, 2, ep.erstellt(Q3, 9, 3)))
    assert ordner == kaputt
    (ordner / "Quartalsbericht_BMI_2026-Q3_v3.xlsx").write_bytes("verändert".encode())
    db2 = f"sqlite:///{tmp_path / 'empfang.sqlite'}"
    capsys.readouterr()
    assert main(["empfang", "einlesen", str(baum), str(tmp_path / "neu"), "--db", db2]) == 1
    assert f"✗ abgelehnt: {ordner}: Quartalsbericht_BMI_2026-Q3_v3.xlsx: Prüfsumme stimmt nicht mit dem Manifest " \
           "überein (Datei wurde verändert)." in capsys.readouterr().err
    _uebersicht(capsys, db2, tmp_path)
    text = " ".join(" ".join(pdf_text((tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes())).split())
    assert "1 Paket wurde bei der Prüfung abgelehnt" in text
    assert "BMI 2026-Q3 3 outbox / BMI / 2026-Q3 / v3" in text and "(Datei wurde verändert)" in text
    # the rejected Fassung 3 does not replace the valid Fassung 2
    ws = mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())["Eingang"]
    bmi = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "BMI")
    assert bmi[3] == 2 and bmi[9] == 1  # Fassung, abgelehnt
    abgelehnt = _zeilen(mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())["Abgelehnt"])
    assert [(z[0].value, z[2].value, z[4].value) for z in abgelehnt] == [("BMI", 3, str(ordner))]
    # repaired and read again from the same place: no longer listed as rejected
    ep.paket_schreiben(tmp_path / "heil", ep.bericht("BMI", Q3, 3, 2, ep.erstellt(Q3, 9, 3)))
    for datei in (tmp_path / "heil" / "outbox" / "BMI" / "2026-Q3" / "v3").iterdir():
        (ordner / datei.name).write_bytes(datei.read_bytes())
    assert main(["empfang", "einlesen", str(tmp_path / "neu"), "--db", db2]) == 0
    _uebersicht(capsys, db2, tmp_path)
    assert len(_zeilen(mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())["Abgelehnt"])) == 0


def test_dokumente_sind_pdf_a_mit_schutzvermerk_und_deutschen_formaten(eingelesen, capsys, tmp_path):
    _baum, db = eingelesen
    _uebersicht(capsys, db, tmp_path)
    pdf = (tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes()
    assert verstoesse(pdf, stand=STAND) == []
    seiten = pdf_text(pdf)
    assert len(seiten) > 1
    for nr, seite in enumerate(seiten, 1):
        assert seite.count(VS) == 2 and f"Seite {nr} von {len(seiten)}" in seite
        assert "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)" in seite and "Stand: 07.12.2026" in seite
    assert "3. Quartal 2026 (01.07.2026 bis 30.09.2026)" in seiten[0]
    wb = mappe((tmp_path / "Programmuebersicht_2026-Q3.xlsx").read_bytes())
    assert wb.sheetnames[0] == "Dokument" and {"Mittelabfluss", "Meilensteine", "Reifegrad", "Befunde", "Stellungnahmen",
                                               "Projekte", "Abgelehnt", "Eingang", "Haushaltsstellen"} <= set(wb.sheetnames)
    dokument = {r[0]: r[1] for r in wb["Dokument"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert dokument["Schutzvermerk"] == VS and dokument["Zeitraum"].startswith("3. Quartal 2026")
    assert dokument["Ressorts mit gültiger Einreichung"] == 17
    projekte = _zeilen(wb["Projekte"])
    assert len(projekte) == 17 * PROJEKTE + 1 and projekte[-1][0].value == "Summe"
    # the receiver's name and Referat are settings
    main(["empfang", "einstellen", "--db", db, "--name", "Bundesministerium des Innern (BMI)", "--referat", "Referat DG II 1"])
    try:
        _uebersicht(capsys, db, tmp_path, "--format", "pdf", "--ohne-kennzeichnung")
        seite1 = pdf_text((tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes())[0]
        assert "Bundesministerium des Innern (BMI)" in seite1 and "Referat DG II 1" in seite1 and VS not in seite1
    finally:
        main(["empfang", "einstellen", "--db", db, "--name", "", "--referat", ""])


def test_uebersicht_ohne_pakete_und_falsche_angaben(capsys, tmp_path):
    db = f"sqlite:///{tmp_path / 'leer.sqlite'}"
    ergebnis = _uebersicht(capsys, db, tmp_path)
    assert ergebnis["ressorts"] == 0 and ergebnis["summe"]["ist_quartal_cent"] == 0
    assert "Für das Quartal liegt keine gültige Einreichung vor." in " ".join(
        pdf_text((tmp_path / "Programmuebersicht_2026-Q3.pdf").read_bytes()))
    for args, teil in ((["uebersicht", "--quartal", "2026-Q5", "--out", str(tmp_path)], "„2026-Q5“ ist kein Quartal"),
                       (["uebersicht", "--quartal", "2026-Q3", "--out", str(tmp_path), "--format", "docx"],
                        "--format: „docx“ ist nicht möglich"),
                       (["einlesen", str(tmp_path / "fehlt")], "existiert nicht oder ist kein Ordner"),
                       (["einstellen", "--ressorts", "BMAS,../x"], "„../x“ ist kein Kurzname eines Ressorts")):
        capsys.readouterr()
        assert main(["empfang", *args, "--db", db]) == 1
        err = capsys.readouterr().err
        assert err.startswith("Fehler: ") and teil in err and "Traceback" not in err, err


def test_empfang_laedt_kein_qt():
    code = ("import sys, ozgdesk.empfang.einlesen, ozgdesk.empfang.auswertung, ozgdesk.empfang.bericht, ozgdesk.cli.empfang; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt geladen'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("aendern", [
    None,
    lambda d: d["projekte"][0]["finanzen"]["haushaltsstellen"][0].__setitem__("ist_quartal_cent", "12,50"),
    lambda d: d.__setitem__("zeitraum_beginn", None),
    lambda d: d["projekte"][1]["leistungen"][0].__setitem__("reifegrad", "3"),
    lambda d: d["projekte"][2]["meilensteine"][0].__setitem__("plan", "2026-02-30"),
    lambda d: d["pruefung"][0]["stellungnahme"].__setitem__("am", "gestern"),
    lambda d: d["projekte"][3].__setitem__("geheim", 1),
    lambda d: d["summen"].pop("projekte_rot"),
])
def test_der_schnelle_validator_urteilt_wie_die_mitgelieferte_schemadatei(aendern):
    """The verifier validates the shipped schema with its $defs resolved in place (faster for the
    receiver, which validates every package): same verdict, same places, as the file itself."""
    from jsonschema import Draft202012Validator

    from ozgdesk import daten as paketdaten
    from ozgdesk.reports import einreichung_schema as es

    datei = json.loads((paketdaten.ordner(paketdaten.SCHEMAS) / es.DATEI).read_text(encoding="utf-8"))
    wie_datei = Draft202012Validator(datei, format_checker=Draft202012Validator.FORMAT_CHECKER)
    bericht = ep.bericht("BMAS", Q3, 1, 8, ep.erstellt(Q3, 2, 1))
    if aendern is not None:
        aendern(bericht)

    def urteil(v) -> set[tuple]:  # noqa: ANN001
        return {(tuple(e.absolute_path), e.validator) for e in v.iter_errors(bericht)}

    assert urteil(es.bericht_validator()) == urteil(wie_datei)
    assert bool(urteil(wie_datei)) == (aendern is not None)
