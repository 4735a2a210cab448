"""HKR payment import as a coordinator runs it: exact amounts, whole-file refusal, no duplicates.

Qt-free: the model and the CLI only. The database is compared as a dump (tests/datenbanken.py) before and
after every refused import.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from ozgdesk.cli import main
from ozgdesk.model import zahlungsimport as zi
from ozgdesk.model.store import Store
from tests.datenbanken import datenbank_im_home, datenbankinhalt

pytestmark = pytest.mark.beide_datenbanken

KOPF = ["Buchungsdatum", "Betrag in EUR", "HHSt", "Projekt-Kennung", "Belegnummer", "Buchungstext"]
BETRAEGE = [("12.500,00", 1_250_000), ("12.500", 1_250_000), ("1.234.567,89", 123_456_789), ("-250,00", -25_000)]


def _zeilen(betraege=BETRAEGE, praefix="HKR"):  # noqa: ANN001
    return [[f"0{i + 1}.10.2025", b, "0602 532 01", "BMAS-2024-01", f"{praefix}-{i + 1}", f"Rechnung Ä{i}"]
            for i, (b, _c) in enumerate(betraege)]


def _csv(pfad: Path, zeilen, *, trenner=";", kodierung="utf-8", kopf=KOPF) -> Path:  # noqa: ANN001
    def feld(w: str) -> str:
        return f'"{w}"' if trenner in w else w

    text = "\r\n".join(trenner.join(feld(str(w)) for w in z) for z in [kopf, *zeilen]) + "\r\n"
    pfad.write_bytes(text.encode(kodierung))
    return pfad


def _dump(home: Path) -> str:
    return datenbankinhalt(home)


def _cli(home: Path, capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001
    code = main(["--home", str(home), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _liste(home: Path, capsys, projekt="BMAS-2024-01") -> list[dict]:  # noqa: ANN001
    code, out, err = _cli(home, capsys, "zahlungen", "list", "--projekt", projekt, "--json")
    assert code == 0, err
    return json.loads(out)


def _hkr(home: Path, capsys) -> dict[str, int]:  # noqa: ANN001
    return {z["referenz"]: z["betrag_cent"] for z in _liste(home, capsys) if z["referenz"].startswith("HKR")}


@pytest.mark.parametrize(("trenner", "kodierung"), [(";", "utf-8-sig"), (";", "cp1252"), (",", "utf-8"),
                                                    ("\t", "cp1252")])
def test_import_speichert_genau_die_betraege_und_ein_zweites_mal_nichts(demo_home, tmp_path, capsys, trenner,
                                                                        kodierung):
    datei = _csv(tmp_path / "hkr.csv", _zeilen(), trenner=trenner, kodierung=kodierung)
    code, out, err = _cli(demo_home, capsys, "zahlungen", "import", str(datei), "--json")
    assert code == 0, err
    ergebnis = json.loads(out)
    assert ergebnis["applied"] is True and len(ergebnis["added"]) == 4 and ergebnis["errors"] == []
    assert _hkr(demo_home, capsys) == {f"HKR-{i + 1}": c for i, (_b, c) in enumerate(BETRAEGE)}
    texte = {z["referenz"]: z["text"] for z in _liste(demo_home, capsys)}
    assert texte["HKR-1"] == "Rechnung Ä0"  # umlaut survived the encoding

    vorher = _dump(demo_home)
    code, out, _ = _cli(demo_home, capsys, "zahlungen", "import", str(datei))
    assert code == 0 and "Keine neuen Zahlungen; nichts gespeichert." in out and "schon vorhanden:  4" in out
    assert _dump(demo_home) == vorher


def test_import_steht_im_aenderungsprotokoll(demo_home, tmp_path, capsys):
    datei = _csv(tmp_path / "hkr.csv", _zeilen())
    assert _cli(demo_home, capsys, "zahlungen", "import", str(datei))[0] == 0
    with Store.oeffnen(datenbank_im_home(demo_home)) as store, store.roh_lesen() as con:
        zeilen = con.execute("SELECT count(DISTINCT datensatz_id), count(DISTINCT transaktion) FROM aenderung "
                             "WHERE quelle = 'zahlungsimport' AND tabelle = 'mittelabfluss' AND aktion = 'anlegen'").fetchone()
    assert zeilen == (4, 1)  # four payments, one transaction


def test_zwoelf_komma_fuenfzig_lehnt_die_ganze_datei_ab(demo_home, tmp_path, capsys):
    datei = _csv(tmp_path / "hkr.csv", _zeilen([("12.500,00", 0), ("12.50", 0), ("1,234.56", 0)]))
    vorher = _dump(demo_home)
    code, out, err = _cli(demo_home, capsys, "zahlungen", "import", str(datei))
    assert code == 1 and out == ""
    assert "nichts wurde gespeichert" in err and "Traceback" not in err
    assert "Zeile 3, Spalte 2 (Betrag in EUR)" in err and "„12.50“ ist mehrdeutig" in err
    assert "Zeile 4, Spalte 2 (Betrag in EUR)" in err and "1,234.56" in err  # all bad rows, not just the first
    assert _dump(demo_home) == vorher
    code, out, _ = _cli(demo_home, capsys, "zahlungen", "import", str(datei), "--dry-run", "--json")
    assert code == 1 and [f.split(":")[0] for f in json.loads(out)["errors"]] == [
        "Datei „hkr.csv“, Zeile 3, Spalte 2 (Betrag in EUR)", "Datei „hkr.csv“, Zeile 4, Spalte 2 (Betrag in EUR)"]
    assert _dump(demo_home) == vorher


def test_komma_getrennt_ohne_anfuehrungszeichen_wird_nicht_als_tausender_gelesen(demo_home, tmp_path, capsys):
    datei = tmp_path / "hkr.csv"
    datei.write_text("Datum,Betrag,Haushaltsstelle,Projekt,Beleg\n01.10.2025,12.500,00,0602 532 01,BMAS-2024-01,B1\n",
                     encoding="utf-8")
    vorher = _dump(demo_home)
    code, _out, err = _cli(demo_home, capsys, "zahlungen", "import", str(datei))
    assert code == 1 and "Zeile 2" in err and "Anführungszeichen" in err
    assert _dump(demo_home) == vorher


def test_xlsx_mit_zahlen_datum_kapitel_titel_und_aktenzeichen(demo_home, tmp_path, capsys):
    wb = Workbook()
    ws = wb.active
    ws.append(["Zahlungen Q4/2025"])  # a title above the header
    ws.append(["Zahlungsdatum", "Ist", "Kapitel", "Titel", "Aktenzeichen", "Referenz", "Verwendungszweck", "Kostenart"])
    ws.append([date(2025, 10, 1), 12500, "0602", "532 01", "Z c 4 - 2110/2024", "X-1", "ganzzahlig", "Software"])
    ws.append([date(2025, 10, 2), 1234567.89, 602, 53201, "DV 2 – 1210/2025", "X-2", "Zahl mit Cent", None])
    ws.append([date(2025, 10, 3), -250.0, "0602", "53201", "z c 4 – 2110/2024", 4711.0, "Zahl als Beleg", "betrieb"])
    datei = tmp_path / "hkr.xlsx"
    wb.save(datei)
    code, out, err = _cli(demo_home, capsys, "zahlungen", "import", str(datei), "--json")
    assert code == 0, err
    assert json.loads(out)["blatt"] == ws.title
    neu = {z["referenz"]: z for z in _liste(demo_home, capsys) if z["referenz"] in ("X-1", "X-2", "4711")}
    assert {k: (z["betrag_cent"], z["haushaltsstelle"], z["kostenart"]) for k, z in neu.items()} == {
        "X-1": (1_250_000, "0602 532 01", "software"), "X-2": (123_456_789, "0602 532 01", "dienstleistung"),
        "4711": (-25_000, "0602 532 01", "betrieb")}


def test_xlsx_berechnete_gleitkommazahl_wird_nicht_gerundet(demo_home, tmp_path, capsys):
    wb = Workbook()
    wb.active.append(["Datum", "Betrag", "HHSt", "Projekt", "Beleg"])
    wb.active.append([date(2025, 10, 1), 1234.565, "0602 532 01", "BMAS-2024-01", "F-1"])  # e.g. a computed share
    datei = tmp_path / "hkr.xlsx"
    wb.save(datei)
    vorher = _dump(demo_home)
    code, _out, err = _cli(demo_home, capsys, "zahlungen", "import", str(datei))
    assert code == 1 and "Zeile 2, Spalte B (Betrag)" in err and "mehr als zwei Nachkommastellen" in err
    assert _dump(demo_home) == vorher


def test_jede_fehlerhafte_zeile_mit_zeile_spalte_und_wert(demo_store, tmp_path):
    zeilen = [
        ["31.02.2025", "100,00", "0602 532 01", "BMAS-2024-01", "E-1", ""],  # no such date
        ["01.10.2025", "0,00", "0602 532 01", "BMAS-2024-01", "E-2", ""],  # zero is no payment
        ["01.10.2025", "100,00", "0602 53", "BMAS-2024-01", "E-3", ""],  # bad Haushaltsstelle
        ["01.10.2025", "100,00", "0602 532 01", "", "E-4", ""],  # no project
        ["01.10.2025", "100,00", "0602 532 01", "BMAS-2024-01", "", ""],  # no Belegnummer
        ["01.10.2025", "100,00", "0602 532 01", "BMAS-2024-01", "E-6", "Steuer\x1bzeichen"],
        ["01.10.2025", "100,00", "0602 532 01", "BMAS-2024-01", "E-8", ""],
        ["01.10.2025", "200,00", "0602 532 01", "bmas-2024-01", " e-8 ", ""],  # same Beleg twice
    ]
    v = zi.pruefen(demo_store, _csv(tmp_path / "hkr.csv", zeilen))
    assert [(f.zeile, f.spalte) for f in v.fehler] == [
        (2, "1 (Buchungsdatum)"), (3, "2 (Betrag in EUR)"), (4, "3 (HHSt)"), (5, "4 (Projekt-Kennung)"),
        (6, "5 (Belegnummer)"), (7, "6 (Buchungstext)"), (9, "5 (Belegnummer)")]
    assert "„31.02.2025“ ist kein gültiges Datum" in v.fehler[0].meldung
    assert "schon in Zeile 8" in v.fehler[-1].meldung
    with pytest.raises(zi.Zahlungsimportfehler) as e:
        zi.uebernehmen(demo_store, tmp_path / "hkr.csv")
    assert "7 Fehler" in str(e.value)


def test_viele_fehler_werden_gekappt_aber_gezaehlt(demo_store, tmp_path):
    zeilen = [["01.10.2025", "1.5", "0602 532 01", "BMAS-2024-01", f"V-{i}", ""] for i in range(120)]
    with pytest.raises(zi.Zahlungsimportfehler) as e:
        zi.uebernehmen(demo_store, _csv(tmp_path / "hkr.csv", zeilen))
    text = str(e.value)
    assert len(e.value.fehler) == 120 and "120 Fehler" in text and "… und 70 weitere" in text
    assert text.count("ist mehrdeutig") == zi.MAX_FEHLER


def test_hinweise_zeitraum_zukunft_und_zahlungsplan(demo_store, tmp_path):
    zeilen = [["01.10.2023", "100,00", "0602 532 01", "BMAS-2024-01", "H-1", ""],  # before the project began
              ["01.10.2027", "100,00", "0999 532 01", "BMAS-2024-01", "H-2", ""]]
    v = zi.pruefen(demo_store, _csv(tmp_path / "hkr.csv", zeilen), heute=date(2026, 12, 1))
    assert not v.fehler and len(v.neu) == 2
    text = "\n".join(v.hinweise)
    assert "Zeile 2: Das Datum 01.10.2023 liegt vor dem Projektbeginn (01.01.2024)" in text
    assert "Zeile 3: Das Datum 01.10.2027 liegt in der Zukunft" in text
    assert "Haushaltsstelle 0999 532 01 steht nicht im aktuellen Zahlungsplan" in text


def test_rueckzahlung_ohne_kennzeichnung_wird_gemeldet_mit_kennzeichnung_nicht(demo_store, tmp_path):
    """The same rule as the payment dialog (model/hinweise.py): a negative amount needs a correction word."""
    zeilen = [["01.10.2025", "-250,00", "0602 532 01", "BMAS-2024-01", "H-1", "Abschlag"],
              ["02.10.2025", "-250,00", "0602 532 01", "BMAS-2024-01", "H-2", "Rückzahlung Abschlag"]]
    v = zi.pruefen(demo_store, _csv(tmp_path / "hkr.csv", zeilen), heute=date(2026, 12, 1))
    negativ = [h for h in v.hinweise if "Negativer Betrag" in h]
    assert len(negativ) == 1 and "Zeile 2:" in negativ[0]


def test_schon_erfasster_beleg_mit_anderem_betrag_wird_gemeldet_nicht_geaendert(demo_store, tmp_path):
    zi.uebernehmen(demo_store, _csv(tmp_path / "a.csv", _zeilen()))
    geaendert = _zeilen([("99,00", 0)])
    v = zi.uebernehmen(demo_store, _csv(tmp_path / "b.csv", geaendert))
    assert v.neu == [] and [z.referenz for z in v.vorhanden] == ["HKR-1"]
    assert any("schon erfasst, aber mit 12.500,00 €" in h for h in v.hinweise)


@pytest.mark.parametrize(("inhalt", "erwartet"), [
    (b"", "Die Datei ist leer."),
    (b"Name;Vorname\nA;B\n", "keine Kopfzeile"),
    (b"Datum;Betrag;Beleg\n01.10.2025;1,00;X\n", "Es fehlen Spalten: Haushaltsstelle"),
    (b"\xff\xfeD\x00a\x00", "UTF-16"),
    (b"%PDF-1.7\n", "PDF"),
    (b"PK\x03\x04kaputt", "beschädigt"),
])
def test_kaputte_dateien_werden_abgelehnt(tmp_path, inhalt, erwartet):
    datei = tmp_path / "x.csv"
    datei.write_bytes(inhalt)
    with pytest.raises(zi.Zahlungsimportfehler) as e:
        zi.lesen(datei)
    assert erwartet in str(e.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="keine FIFOs auf diesem System")
def test_geraete_pipes_ordner_und_grosse_dateien_werden_vor_dem_lesen_abgelehnt(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for pfad, erwartet in ((fifo, "keine gewöhnliche Datei"), (Path("/dev/zero"), "keine gewöhnliche Datei"),
                           (tmp_path, "ist ein Ordner"), (tmp_path / "fehlt.csv", "gibt es nicht")):
        with pytest.raises(zi.Zahlungsimportfehler, match=erwartet):
            zi.datei_lesen(pfad)
    gross = tmp_path / "gross.csv"
    gross.write_bytes(b"x" * 2048)
    with pytest.raises(zi.Zahlungsimportfehler, match="darf höchstens 1 KB groß sein"):
        zi.datei_lesen(gross, hoechstens=1024)


def test_cli_lehnt_pipe_ohne_traceback_ab(demo_home, tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _out, err = _cli(demo_home, capsys, "zahlungen", "import", str(fifo))
    assert code == 1 and "keine gewöhnliche Datei" in err


def test_list_json_exakte_cent_und_tabelle_deutsch(demo_home, tmp_path, capsys):
    datei = _csv(tmp_path / "hkr.csv", _zeilen())
    _cli(demo_home, capsys, "zahlungen", "import", str(datei))
    zeilen = _liste(demo_home, capsys)
    assert all(isinstance(z["betrag_cent"], int) for z in zeilen)
    code, out, _ = _cli(demo_home, capsys, "zahlungen", "list", "--projekt", "BMAS-2024-01")
    assert code == 0 and "1.234.567,89 €" in out and "12.500,00 €" in out and "-250,00 €" in out
    code, _out, err = _cli(demo_home, capsys, "zahlungen", "list", "--projekt", "GIBT-ES-NICHT")
    assert code == 1 and "nicht gefunden" in err


def test_header_toleranz():
    assert {zi._KENNT[zi._norm(k)] for k in ("  BUCHUNGSDATUM ", "Betrag (€)", "hh-stelle", "Projekt Kennung",
                                              "Beleg-Nr.", "Verwendungszweck")} == {
        "datum", "betrag", "haushaltsstelle", "projekt", "referenz", "text"}


@pytest.mark.parametrize("teil", ["xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"])
def test_xlsx_mit_dtd_wird_vor_dem_parser_abgelehnt(tmp_path, teil):
    """Whatever parser openpyxl picks (defusedxml or lxml, which pikepdf brings), a part that declares
    entities is refused with the same clear message, before any parser reads it."""
    import zipfile

    wb = Workbook()
    wb.active.append(["Zahlungsdatum", "Ist", "Haushaltsstelle", "Beleg"])
    quelle = tmp_path / "quelle.xlsx"
    wb.save(quelle)
    ziel = tmp_path / "angriff.xlsx"
    with zipfile.ZipFile(quelle) as alt, zipfile.ZipFile(ziel, "w") as neu:
        for info in alt.infolist():
            daten = alt.read(info)
            if info.filename == teil:
                kopf_ende = daten.index(b"?>") + 2 if daten.startswith(b"<?xml") else 0
                daten = daten[:kopf_ende] + b'<!DOCTYPE w [<!ENTITY a "aaaa">]>' + daten[kopf_ende:]
            neu.writestr(info, daten)
    with pytest.raises(zi.Zahlungsimportfehler) as e:
        zi.lesen(ziel)
    assert "Schutz vor XML-Angriffen" in str(e.value) and teil in str(e.value)


@pytest.mark.parametrize(("prolog", "harmlos"), [
    (b'<?xml version="1.0"?>\n<workbook/>', True),
    (b"\xef\xbb\xbf<?xml version='1.0'?><!-- Kommentar --><a/>", True),
    (b"", True),
    (b'<?xml version="1.0"?><!-- erst ein Kommentar --><!DOCTYPE a [<!ENTITY x "y">]><a/>', False),
    ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16"), False),
    (b"<!--" + b"x" * 70_000 + b"--><a/>", False),  # a prolog past the limit is no Office prolog
    (b"<?xml version='1.0'?> text <a/>", False),
])
def test_prolog_pruefung(prolog: bytes, harmlos: bool):
    from ozgdesk.model.ooxml import MAX_PROLOG, _prolog_harmlos

    assert _prolog_harmlos(prolog[:MAX_PROLOG]) is harmlos
