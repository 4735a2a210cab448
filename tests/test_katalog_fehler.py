"""Bad catalogue files: structural faults are refused with a German message naming where, and the DB stays
unchanged; bad values in single rows are skipped and named in the warnings, the rest imports.

Every case runs the real command (``ozgdesk-cli katalog import``) against a copy of the demo store
and compares the complete Ressort export and the change log before and after.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from tests.katalog_export import SPALTEN, als_csv, als_csv_bytes, als_xlsx, export_zeilen
from sqlalchemy import func, select

from ozgdesk.cli import main
from ozgdesk.model import Aenderung, austausch
from ozgdesk.model.katalog import LeikaLeistung
from ozgdesk.model.store import Store


def _zustand(home: Path) -> tuple[str, int]:
    with Store.oeffnen(home / "ozgdesk.sqlite") as store, store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s)), s.execute(select(func.count(Aenderung.id))).scalar_one()


def _abgelehnt(home: Path, datei: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the import, assert exit code 1 and an unchanged DB; return the message."""
    vorher = _zustand(home)
    code = main(["--home", str(home), "katalog", "import", str(datei)])
    fehler = capsys.readouterr().err
    assert code == 1, fehler
    assert fehler.startswith("Fehler: Katalogimport")
    assert "nichts wurde geändert" in fehler
    assert _zustand(home) == vorher
    return fehler


@pytest.fixture(scope="module")
def zeilen() -> list[dict]:
    return export_zeilen()[:40]


def _zip_ersetzen(quelle: Path, ziel: Path, teil: str, inhalt: bytes) -> Path:
    with zipfile.ZipFile(quelle) as zin, zipfile.ZipFile(ziel, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, inhalt if info.filename == teil else zin.read(info.filename))
    return ziel


# ------------------------------------------------------------------------------------------- files
def test_pdf_ist_keine_tabelle(demo_home, tmp_path, capsys):
    datei = tmp_path / "katalog.csv"
    datei.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    assert "„katalog.csv“ ist ein PDF-Dokument, keine Tabelle" in _abgelehnt(demo_home, datei, capsys)


def test_binaerdatei_ist_keine_tabelle(demo_home, tmp_path, capsys):
    datei = tmp_path / "bild.xlsx"
    datei.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "„bild.xlsx“ ist keine Tabelle (weder XLSX noch CSV" in _abgelehnt(demo_home, datei, capsys)


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(), reason="kein POSIX-System")
def test_geraet_und_pipe_werden_nicht_gelesen(demo_home, tmp_path, capsys):
    """/dev/zero has size 0 in stat() and never ends, a FIFO blocks on open: both were read before."""
    fifo = tmp_path / "katalog.csv"
    os.mkfifo(fifo)
    for datei, was in ((Path("/dev/zero"), "ein Gerät"), (fifo, "eine Pipe (FIFO)")):
        assert f"ist {was}, keine gewöhnliche Datei" in _abgelehnt(demo_home, datei, capsys)


def test_leere_datei(demo_home, tmp_path, capsys):
    datei = tmp_path / "leer.xlsx"
    datei.write_bytes(b"")
    assert "Datei „leer.xlsx“ ist leer" in _abgelehnt(demo_home, datei, capsys)


def test_nur_kopfzeile(demo_home, tmp_path, capsys):
    datei = als_csv([], tmp_path / "kopf.csv")
    assert "keine einzige Zeile mit OZG-ID" in _abgelehnt(demo_home, datei, capsys)


def test_abgeschnittene_xlsx(demo_home, tmp_path, zeilen, capsys):
    ganz = als_xlsx(zeilen, tmp_path / "ganz.xlsx").read_bytes()
    datei = tmp_path / "halb.xlsx"
    datei.write_bytes(ganz[: len(ganz) // 2])
    assert "„halb.xlsx“ ist beschädigt oder unvollständig" in _abgelehnt(demo_home, datei, capsys)


def test_kennwortgeschuetzte_xlsx(demo_home, tmp_path, zeilen, capsys):
    from msoffcrypto.format.ooxml import OOXMLFile

    offen = als_xlsx(zeilen, tmp_path / "offen.xlsx")
    datei = tmp_path / "geschuetzt.xlsx"
    with open(offen, "rb") as f, open(datei, "wb") as aus:
        OOXMLFile(f).encrypt("Geheim123", aus)  # what Excel writes for "Mit Kennwort verschlüsseln"
    assert "„geschuetzt.xlsx“ ist kennwortgeschützt (verschlüsselt)" in _abgelehnt(demo_home, datei, capsys)


def test_altes_xls_format(demo_home, tmp_path, capsys):
    datei = tmp_path / "alt.xls"
    datei.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le"))
    assert "im alten Excel-Format (.xls)" in _abgelehnt(demo_home, datei, capsys)


def test_zip_ohne_arbeitsmappe(demo_home, tmp_path, capsys):
    datei = tmp_path / "archiv.xlsx"
    with zipfile.ZipFile(datei, "w") as zf:
        zf.writestr("liesmich.txt", "kein Excel")
    assert "ein ZIP-Archiv, aber keine Excel-Arbeitsmappe" in _abgelehnt(demo_home, datei, capsys)


# ------------------------------------------------------------------------------------------- XML attacks
_BOMBE = (b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>')


@pytest.mark.parametrize("teil", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_entity_expansion_wird_abgelehnt(demo_home, tmp_path, zeilen, capsys, teil):
    quelle = als_xlsx(zeilen, tmp_path / "quelle.xlsx")
    xml = zipfile.ZipFile(quelle).read(teil)
    wurzel = xml.index(b"<", xml.index(b"?>") + 2) if xml.startswith(b"<?xml") else 0
    xml = xml[:wurzel] + _BOMBE + xml[wurzel:]
    if teil.endswith("sheet1.xml"):  # also use the entity in a cell, as a real attack would
        xml = xml.replace(b"<is><t>", b"<is><t>&d;", 1)
    datei = _zip_ersetzen(quelle, tmp_path / "bombe.xlsx", teil, xml)
    assert "XML-Entitätsdefinitionen oder Verweise auf externe Dateien" in _abgelehnt(demo_home, datei, capsys)


@pytest.mark.parametrize("teil", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_externe_entitaet_wird_nicht_aufgeloest(demo_home, tmp_path, zeilen, capsys, teil):
    geheim = tmp_path / "geheim.txt"
    geheim.write_text("GEHEIMNIS-4711")
    quelle = als_xlsx(zeilen, tmp_path / "quelle.xlsx")
    xml = zipfile.ZipFile(quelle).read(teil)
    wurzel = xml.index(b"<", xml.index(b"?>") + 2) if xml.startswith(b"<?xml") else 0
    dtd = f'<!DOCTYPE w [<!ENTITY xxe SYSTEM "{geheim.as_uri()}">]>'.encode()
    xml = xml[:wurzel] + dtd + xml[wurzel:]
    xml = xml.replace(b"<is><t>", b"<is><t>&xxe;", 1)
    datei = _zip_ersetzen(quelle, tmp_path / "xxe.xlsx", teil, xml)
    meldung = _abgelehnt(demo_home, datei, capsys)
    assert "Schutz vor XML-Angriffen" in meldung
    assert "GEHEIMNIS" not in meldung


def test_openpyxl_nutzt_defusedxml():
    """The XML protection depends on openpyxl picking up defusedxml; the reader refuses otherwise."""
    import openpyxl
    from openpyxl.xml import functions

    from ozgdesk.model.katalogimport.datei import _pruefe_xml_schutz

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")
    _pruefe_xml_schutz()


# ------------------------------------------------------------------------------------------- content
def test_fehlende_spalte_wird_genannt(demo_home, tmp_path, zeilen, capsys):
    spalten = [s for s in SPALTEN if s != "LeiKa-Schlüssel"]
    datei = als_xlsx(zeilen, tmp_path / "ohne.xlsx", spalten)
    meldung = _abgelehnt(demo_home, datei, capsys)
    assert "Blatt „OZG-Umsetzungskatalog“, Zeile 1: Die Spalte „LeiKa-Schlüssel“ fehlt in der Kopfzeile" in meldung


def _hinweise(home: Path, datei: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """Run the import with --json: the file is taken, the bad values come back as warnings."""
    # --erzwingen: the test files are 40-row extracts, which the mass-removal guard would stop
    code = main(["--home", str(home), "katalog", "import", str(datei), "--json", "--erzwingen"])
    out = capsys.readouterr()
    assert code == 0, out.err
    ergebnis = json.loads(out.out)
    assert ergebnis["applied"] is True
    return [w for w in ergebnis["warnings"] if w["art"] in ("zeile", "leika", "feld")]


def test_ozg_id_nicht_fuenfstellig_ueberspringt_nur_die_zeile(demo_home, tmp_path, zeilen, capsys):
    kaputt = [dict(z) for z in zeilen]
    kaputt[6]["OZG-ID"] = "1000"
    kaputt[9]["OZG-ID"] = "10a00"
    datei = als_xlsx(kaputt, tmp_path / "ids.xlsx")
    hinweise = _hinweise(demo_home, datei, capsys)
    # row 8 = header + 7th data row; OZG-ID is column D in the official order; the number stays a number
    assert [(h["zeile"], h["spalte"], h["position"], h["wert"]) for h in hinweise] == [
        (8, "OZG-ID", "D", "1000"), (11, "OZG-ID", "D", "10a00")]
    assert hinweise[0]["datei"] == "ids.xlsx" and hinweise[0]["blatt"] == "OZG-Umsetzungskatalog"
    assert "„1000“ ist keine gültige OZG-ID (erwartet 5 Ziffern" in hinweise[0]["meldung"]
    assert "Die Zeile wurde nicht übernommen." in hinweise[0]["meldung"]


def test_zelle_mit_einem_megabyte_verwirft_nur_das_feld(demo_home, tmp_path, zeilen, capsys):
    """openpyxl itself cuts text at Excel's limit when writing, so the cell is put into the XML directly."""
    kaputt = [dict(z) for z in zeilen]
    kaputt[2]["Rechtsgrundlage(n)"] = "PLATZHALTER"
    quelle = als_xlsx(kaputt, tmp_path / "quelle.xlsx")
    xml = zipfile.ZipFile(quelle).read("xl/worksheets/sheet1.xml")
    assert xml.count(b"PLATZHALTER") == 1
    datei = _zip_ersetzen(quelle, tmp_path / "gross.xlsx", "xl/worksheets/sheet1.xml",
                          xml.replace(b"PLATZHALTER", "§ 1 ".encode() + b"x" * 1_000_000))
    [h] = _hinweise(demo_home, datei, capsys)
    assert (h["zeile"], h["position"], h["spalte"], h["art"]) == (4, "H", "Rechtsgrundlage(n)", "feld")
    assert "Die Zelle ist 1.000.004 Zeichen lang; Excel erlaubt höchstens 32.767 Zeichen" in h["meldung"]
    assert len(h["wert"]) <= 80  # the value is named, not copied whole
    schluessel = str(kaputt[2]["LeiKa-Schlüssel"])
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store, store.lesen() as s:
        leika = s.execute(select(LeikaLeistung).where(LeikaLeistung.schluessel == schluessel)).scalar_one()
        assert leika.rechtsgrundlage == "" and leika.bezeichnung  # new record: default, the rest imported


def test_zelle_mit_einem_megabyte_in_csv(demo_home, tmp_path, zeilen, capsys):
    kaputt = [dict(z) for z in zeilen]
    kaputt[2]["Gesetz(e)"] = "G" * 1_000_000
    datei = als_csv(kaputt, tmp_path / "gross.csv")
    [h] = _hinweise(demo_home, datei, capsys)
    assert "Datei „gross.csv“, Zeile 4, Spalte 9 (Gesetz(e)): Die Zelle ist 1.000.000 Zeichen lang" in h["text"]


def test_formelzelle_als_ozg_id_ueberspringt_die_zeile(demo_home, tmp_path, zeilen, capsys):
    kaputt = [dict(z) for z in zeilen]
    kaputt[4]["OZG-ID"] = "=10000+1"
    datei = als_xlsx(kaputt, tmp_path / "formel.xlsx", ozg_als_zahl=False)
    [h] = _hinweise(demo_home, datei, capsys)
    assert "Blatt „OZG-Umsetzungskatalog“, Zeile 6, Spalte D (OZG-ID): Die Zelle enthält eine Formel (=10000+1)" \
        in h["text"] and h["art"] == "zeile"


def test_csv_in_unerwarteter_kodierung(demo_home, tmp_path, zeilen, capsys):
    """DOS code page 850 (ü = 0x81) is neither UTF-8 nor Windows-1252."""
    datei = tmp_path / "dos.csv"
    datei.write_bytes(als_csv_bytes(zeilen, kodierung="utf-8").decode("utf-8").encode("cp850", errors="replace"))
    meldung = _abgelehnt(demo_home, datei, capsys)
    assert "Datei „dos.csv“, Zeile 1, Spalte 6: Das Byte 0x81 ist weder UTF-8 noch Windows-1252" in meldung


def test_csv_mac_roman_wird_an_der_kopfzeile_erkannt(demo_home, tmp_path, zeilen, capsys):
    """Mac Roman decodes as Windows-1252 without error, but the headers come out garbled."""
    datei = tmp_path / "mac.csv"
    datei.write_bytes(als_csv_bytes(zeilen, kodierung="utf-8").decode("utf-8").encode("mac_roman", errors="replace"))
    meldung = _abgelehnt(demo_home, datei, capsys)
    assert "Zeile 1, Spalte 6: Die Überschrift „LeiKa-SchlŸssel“ ist falsch kodiert (erwartet „LeiKa-Schlüssel“)" \
           in meldung


def test_csv_in_utf16(demo_home, tmp_path, zeilen, capsys):
    datei = tmp_path / "unicode.csv"
    datei.write_bytes(als_csv_bytes(zeilen, kodierung="utf-16"))
    assert "„unicode.csv“ ist in UTF-16 („Unicode-Text“) kodiert" in _abgelehnt(demo_home, datei, capsys)


def test_ungueltiger_leika_schluessel_und_relevanz(demo_home, tmp_path, zeilen, capsys):
    kaputt = [dict(z) for z in zeilen]
    kaputt[0]["LeiKa-Schlüssel"] = "99-123"
    kaputt[1]["SDG1-Relevanz"] = "vielleicht"
    datei = als_csv(kaputt, tmp_path / "werte.csv", trenner=",")
    schluessel, leistung = kaputt[0]["LeiKa-Schlüssel"], str(kaputt[1]["LeiKa-Schlüssel"])
    hinweise = _hinweise(demo_home, datei, capsys)
    assert [(h["zeile"], h["position"], h["art"]) for h in hinweise] == [(2, "6", "leika"), (3, "11", "feld")]
    assert "„99-123“ ist kein gültiger LeiKa-Schlüssel" in hinweise[0]["text"]
    assert "„vielleicht“ ist kein Wert für eine Relevanz" in hinweise[1]["text"]
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store, store.lesen() as s:
        assert s.execute(select(LeikaLeistung).where(LeikaLeistung.schluessel == schluessel)).first() is None
        zweite = s.execute(select(LeikaLeistung).where(LeikaLeistung.schluessel == leistung)).scalar_one()
        assert zweite.sdg1 is False  # the bad flag was dropped, the row imported


def test_zu_viele_fehlerhafte_zeilen_werden_nur_erzwungen_uebernommen(demo_home, tmp_path, capsys):
    """A quarter of the rows bad is no junk row but a damaged file (keys in exponent notation)."""
    kaputt = [dict(z) for z in export_zeilen()[:60]]
    for z in kaputt[:30]:
        z["LeiKa-Schlüssel"] = "9,90012E+13"
    datei = als_csv(kaputt, tmp_path / "exponent.csv")
    vorher = _zustand(demo_home)
    code = main(["--home", str(demo_home), "katalog", "import", str(datei)])
    fehler = capsys.readouterr().err
    assert code != 0
    assert "30 von 60 Zeilen (50 %) enthalten ungültige Werte" in fehler and "--erzwingen" in fehler
    assert _zustand(demo_home) == vorher
    code = main(["--home", str(demo_home), "katalog", "import", str(datei), "--erzwingen", "--json"])
    assert code == 0 and "Exponentialschreibweise" in capsys.readouterr().out


def test_fehlende_datei(demo_home, tmp_path, capsys):
    assert "gibt es nicht" in _abgelehnt(demo_home, tmp_path / "fehlt.xlsx", capsys)
