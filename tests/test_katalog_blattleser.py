"""The fast sheet reader reads every export exactly as openpyxl does (issue 18, point 2).

:mod:`ozgdesk.model.katalogimport.blattleser` reads plain sheets from their XML text and leaves
everything else to openpyxl's reader. These tests read the same files both ways – the importer as
it is, and with openpyxl alone – and compare what the import sees: every row and value, the whole
:class:`Katalogstand` (records, findings with file, row, column and value), or the refusal's
message word for word. Files: the full export as Excel, openpyxl and LibreOffice write it, the
oddities of real exports, damaged sheets (random and targeted) and hand-made XML.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.reader.strings import read_string_table
from openpyxl.styles import NamedStyle

from ozgdesk.model.katalogimport import blattleser
from ozgdesk.model.katalogimport.datei import Katalogfehler
from ozgdesk.model.katalogimport.zeilen import lesen
from tests.katalog_export import SPALTEN, als_xlsx, export_zeilen, mit_testzeile, wie_libreoffice

BLATT = "xl/worksheets/sheet1.xml"


def _nur_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blattleser, "zeilen", lambda ws: None)
    monkeypatch.setattr(blattleser, "arbeitsmappe_laden", lambda q: load_workbook(q, read_only=True, data_only=False))


def _ergebnis(pfad: Path) -> Any:
    """What the import makes of a file: the whole Katalogstand, or the refusal's text."""
    try:
        return dataclasses.asdict(lesen(pfad))
    except Katalogfehler as e:
        return ("abgelehnt", str(e))


def _beide(monkeypatch: pytest.MonkeyPatch, pfad: Path) -> tuple[Any, Any]:
    schnell = _ergebnis(pfad)
    with monkeypatch.context() as m:
        _nur_openpyxl(m)
        langsam = _ergebnis(pfad)
    return schnell, langsam


def _zeilen_beider_leser(daten: bytes) -> tuple[list | None, list]:
    wb = blattleser.arbeitsmappe_laden(io.BytesIO(daten))
    schnell = blattleser.zeilen(wb.worksheets[0])
    langsam = list(load_workbook(io.BytesIO(daten), read_only=True).worksheets[0].iter_rows(values_only=True))
    return schnell, langsam


@pytest.fixture(scope="module")
def exporte(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ordner = tmp_path_factory.mktemp("blattleser")
    zeilen, _nr = mit_testzeile(export_zeilen())
    return {
        "excel": als_xlsx(zeilen, ordner / "excel.xlsx", wie_excel=True),
        "openpyxl": als_xlsx(zeilen, ordner / "openpyxl.xlsx"),
        "libreoffice-nachgebaut": wie_libreoffice(zeilen, ordner / "lo.xlsx"),
        "ozg-id-als-text": als_xlsx(zeilen, ordner / "text.xlsx", ozg_als_zahl=False),
    }


@pytest.mark.parametrize("art", ["excel", "openpyxl", "libreoffice-nachgebaut", "ozg-id-als-text"])
def test_voller_export_schnell_und_gleich(exporte, monkeypatch, art):
    schnell, langsam = _zeilen_beider_leser(exporte[art].read_bytes())
    assert schnell is not None, "der schnelle Weg muss den Export lesen"
    assert schnell == langsam
    a, b = _beide(monkeypatch, exporte[art])
    assert a == b and isinstance(a, dict)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice nicht installiert")
def test_von_libreoffice_gespeichert(exporte, monkeypatch, tmp_path):
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profil",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(exporte["excel"])], check=True, capture_output=True, timeout=300)
    datei = tmp_path / "lo" / "excel.xlsx"
    schnell, langsam = _zeilen_beider_leser(datei.read_bytes())
    assert schnell is not None and schnell == langsam
    with zipfile.ZipFile(datei) as zf:
        assert blattleser.gemeinsame_texte(zf.read("xl/sharedStrings.xml")) == \
            read_string_table(io.BytesIO(zf.read("xl/sharedStrings.xml")))
    a, b = _beide(monkeypatch, datei)
    assert a == b and isinstance(a, dict)


def _mappe(pfad: Path, zeilen: list[list], *, datumsstil: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Katalog"
    if datumsstil:
        wb.add_named_style(NamedStyle("Datum", number_format="DD.MM.YYYY"))
    for z in zeilen:
        ws.append(z)
    if datumsstil:
        for zeile in ws.iter_rows(min_row=2):
            zeile[6].style = "Datum"
    wb.save(pfad)
    return pfad


def _zeile(ozg_id: Any, typ: Any = "1", **k: Any) -> list:
    werte = {"Themenfeld": "Familie & Kind", "Lage": "Geburt", "OZG-Leistungen": "Elterngeld", "OZG-ID": ozg_id,
             "LeiKa-Bezeichnung": "Elterngeld Beantragung", "LeiKa-Schlüssel": "99001001000000", "LeiKa-Typ": typ,
             "Rechtsgrundlage(n)": "", "Gesetz(e)": "Gesetz", "Gesetzeskürzel": "BEEG", "SDG1-Relevanz": 0,
             "SDG2-Relevanz": 0, **k}
    return [werte[s] for s in SPALTEN]


def test_werte_echter_exporte_gleich(monkeypatch, tmp_path):
    """Numbers as floats, keys in exponent notation, types Excel turned into dates, booleans,
    blanks, control characters, formulas, text with markup characters – read the same both ways."""
    zeilen = [list(SPALTEN),
              _zeile(10000.0), _zeile("10.001", typ=datetime(2026, 3, 2)), _zeile(10002, typ=date(2026, 2, 3)),
              _zeile(" 10003 ", typ="2/3", **{"LeiKa-Schlüssel": 9.9001001e13}), _zeile(10004, typ=True),
              _zeile(10005, **{"LeiKa-Bezeichnung": "  <b>fett</b> & \"Zitat\" 'x' \u00a0"}),
              _zeile(10006, **{"Rechtsgrundlage(n)": "Zeile 1\nZeile 2\r\nZeile 3\tTab"}),
              _zeile(10007, **{"SDG1-Relevanz": "ja", "SDG2-Relevanz": 2}), _zeile("", **{"LeiKa-Bezeichnung": "ohne"}),
              [None] * 12, _zeile("1000x"), _zeile(10008, **{"Gesetz(e)": "'=1+1"})]
    for datumsstil in (False, True):
        datei = _mappe(tmp_path / f"werte-{datumsstil}.xlsx", zeilen, datumsstil=datumsstil)
        schnell, langsam = _zeilen_beider_leser(datei.read_bytes())
        assert schnell is not None and schnell == langsam
        a, b = _beide(monkeypatch, datei)
        assert a == b


def test_formeln_gehen_an_openpyxl(monkeypatch, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(list(SPALTEN))
    ws.append(_zeile(10000))
    ws["D2"] = "=9999+1"
    datei = tmp_path / "formel.xlsx"
    wb.save(datei)
    assert _zeilen_beider_leser(datei.read_bytes())[0] is None
    a, b = _beide(monkeypatch, datei)
    assert a == b


def _mit_blatt(vorlage: bytes, blatt: bytes, teil: str = BLATT) -> bytes:
    ziel = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(vorlage)) as zin, zipfile.ZipFile(ziel, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, blatt if info.filename == teil else zin.read(info.filename))
    return ziel.getvalue()


@pytest.fixture(scope="module")
def klein(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A small export (write-only, inline strings) and its sheet XML."""
    datei = als_xlsx(export_zeilen()[:12], tmp_path_factory.mktemp("klein") / "klein.xlsx", wie_excel=True)
    daten = datei.read_bytes()
    with zipfile.ZipFile(io.BytesIO(daten)) as zf:
        return daten, zf.read(BLATT)


def _zelle(ref: str, neu: bytes) -> Callable[[bytes], bytes]:
    """Replace the cell ``ref`` of the sheet XML by ``neu``."""
    muster = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)')
    return lambda x: muster.sub(neu, x, count=1)


_ERSETZUNGEN: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("Zeile ohne r", lambda x: x.replace(b'<row r="3">', b"<row>", 1)),
    ("Zeile doppelt", lambda x: x.replace(b'<row r="4">', b'<row r="3">', 1)),
    ("Zeile rückwärts", lambda x: x.replace(b'<row r="5">', b'<row r="2">', 1)),
    ("Zeile als Kommazahl", lambda x: x.replace(b'<row r="5">', b'<row r="5.0">', 1)),
    ("Zeile übersprungen", lambda x: x.replace(b'<row r="6">', b'<row r="9">', 1)),
    ("Zelle ohne r", lambda x: x.replace(b'<c r="B3"', b"<c", 1)),
    ("Zelle in Zeile 0", lambda x: x.replace(b'<c r="B3"', b'<c r="B0"', 1)),
    ("Zelle klein geschrieben", lambda x: x.replace(b'<c r="B3"', b'<c r="b3"', 1)),
    ("Zelle weit rechts", lambda x: x.replace(b'<c r="B3"', b'<c r="ZZ3"', 1)),
    ("Zelle mit Stil", lambda x: x.replace(b'<c r="B3"', b'<c r="B3" s="0"', 1)),
    ("Zelle mit fremdem Attribut", lambda x: x.replace(b'<c r="B3"', b'<c r="B3" cm="1"', 1)),
    ("Attribut in Hochkommas", lambda x: x.replace(b'<c r="B3"', b"<c r='B3'", 1)),
    ("Fehlerwert", _zelle("C3", b'<c r="C3" t="e"><v>#N/A</v></c>')),
    ("Wahrheitswert", _zelle("K3", b'<c r="K3" t="b"><v>1</v></c>')),
    ("ISO-Datum", _zelle("G3", b'<c r="G3" t="d"><v>2026-03-02T00:00:00</v></c>')),
    ("Formeltext", _zelle("G3", b'<c r="G3" t="str"><v>2/3</v></c>')),
    ("Zahl kaputt", _zelle("D3", b'<c r="D3" t="n"><v>zehn</v></c>')),
    ("Zahl mit Exponent", _zelle("D3", b'<c r="D3"><v>1.0001E4</v></c>')),
    ("leerer Wert", _zelle("D3", b'<c r="D3" t="n"><v></v></c>')),
    ("gemeinsamer Text fehlt", _zelle("D3", b'<c r="D3" t="s"><v>7</v></c>')),
    ("Datum als Zahl mit Datumsstil", _zelle("G3", b'<c r="G3" s="1"><v>46084</v></c>')),
    ("Rich Text", lambda x: x.replace(b"<is><t>", b"<is><r><t>", 1).replace(b"</t></is>", b"</t></r></is>", 1)),
    ("leerer Inline-Text", lambda x: re.sub(rb'<is><t>[^<]*</t></is>', b"<is><t/></is>", x, count=1)),
    ("Inline-Text mit Leerraum", lambda x: x.replace(b"<is><t>", b'<is><t xml:space="preserve">  ', 1)),
    ("Entitäten", lambda x: x.replace(b"<is><t>", b"<is><t>&#228;&#x1F680;&lt;&amp;&gt;&quot;&apos;", 1)),
    ("Zeilenende CR", lambda x: x.replace(b"<is><t>", b"<is><t>a\r\nb\rc&#13;", 1)),
    ("Kommentar", lambda x: x.replace(b'<row r="4">', b'<!-- x --><row r="4">', 1)),
    ("CDATA", lambda x: x.replace(b"<is><t>", b"<is><t><![CDATA[<x>]]>", 1)),
    ("Text zwischen Zellen", lambda x: x.replace(b'<c r="B3"', b'Text<c r="B3"', 1)),
    ("Leerraum zwischen Zeilen", lambda x: x.replace(b'<row r="4">', b'\n  <row r="4">', 1)),
    ("leere Zeile", lambda x: x.replace(b'<row r="4">', b'<row r="4"/><row r="4">', 1)),
    ("Zeile mit Attributen", lambda x: x.replace(b'<row r="4">', b'<row r="4" spans="1:12" ht="15" x:a="1">', 1)),
    ("Formel", lambda x: x.replace(b"<v>", b"<f>1+1</f><v>", 1)),
    ("zweites sheetData", lambda x: x.replace(b"</sheetData>", b"</sheetData><sheetData/>", 1)),
    ("Zeile außerhalb", lambda x: x.replace(b"</sheetData>", b'</sheetData><row r="99"><c r="A99" t="inlineStr">'
                                             b"<is><t>x</t></is></c></row>", 1)),
    ("Dimension kleiner", lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C5"/>', x)),
    ("Dimension eine Zelle", lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', x)),
    ("ohne Dimension", lambda x: re.sub(rb'<dimension ref="[^"]*"/>', b"", x)),
    ("fremder Standard-Namensraum", lambda x: x.replace(b'<row r="4">', b'<row r="4" xmlns="urn:x">', 1)),
    ("Präfix auf Hauptnamensraum", lambda x: x.replace(
        b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1)),
    ("Kodierung Latin-1", lambda x: b'<?xml version="1.0" encoding="ISO-8859-1"?>' + x.decode().encode("latin-1",
                                                                                                    "replace")),
    ("Steuerzeichen", lambda x: x.replace(b"<is><t>", b"<is><t>\x01", 1)),
    ("unbekannte Entität", lambda x: x.replace(b"<is><t>", b"<is><t>&auml;", 1)),
    ("abgeschnitten", lambda x: x[: len(x) // 2]),
    ("Seitenrand kaputt", lambda x: x.replace(b"</sheetData>", b'</sheetData><pageMargins left="x"/>', 1)),
]


@pytest.mark.parametrize(("was", "aendern"), _ERSETZUNGEN, ids=[w for w, _ in _ERSETZUNGEN])
def test_veraenderte_blaetter_gleich(klein, monkeypatch, tmp_path, was, aendern):
    vorlage, blatt = klein
    neu = aendern(blatt)
    assert neu != blatt, was
    datei = tmp_path / "v.xlsx"
    datei.write_bytes(_mit_blatt(vorlage, neu))
    a, b = _beide(monkeypatch, datei)
    assert a == b


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stelle=st.floats(0, 1), laenge=st.integers(0, 40),
       ersatz=st.one_of(st.binary(max_size=20), st.sampled_from(
           [b"<", b">", b"/>", b'"', b"&", b"&amp;", b"</row>", b"<row>", b"</c>", b'<c r="A1">', b"<v>", b"</v>",
            b"<is><t>", b"</t></is>", b' t="s"', b' t="b"', b' s="1"', b"\r\n", b"0", b"9.5E3", b"\xc3"])))
def test_zufaellig_beschaedigte_blaetter_gleich(klein, monkeypatch, tmp_path, stelle, laenge, ersatz):
    """A stretch of the sheet's XML replaced (inside the ZIP, which stays valid): the import reads
    it as openpyxl does, or refuses it with the same words."""
    vorlage, blatt = klein
    i = int(stelle * (len(blatt) - 1))
    datei = tmp_path / "z.xlsx"
    datei.write_bytes(_mit_blatt(vorlage, blatt[:i] + ersatz + blatt[i + laenge:]))
    a, b = _beide(monkeypatch, datei)
    assert a == b


_SST = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="9">')


@pytest.mark.parametrize(("eintraege", "einfach"), [
    (b'<si><t>a</t></si><si><t xml:space="preserve"> b </t></si><si><t/></si><si><t></t></si><si/>', True),
    (b"<si><t>&amp;&lt;&#228;&#x1F680;_x005F_x000D_</t></si><si>\n<t>x</t>\n</si>", True),
    (b"<si><t>a\r\nb</t></si>", True),
    (b"<si><r><rPr><b/></rPr><t>fett</t></r><r><t> normal</t></r></si>", False),
    (b'<si><t>a</t><rPh sb="0" eb="1"><t>x</t></rPh></si>', False),
    (b'<si foo="1"><t>a</t></si>', False),
])
def test_gemeinsame_texte_wie_openpyxl(eintraege, einfach):
    roh = _SST + eintraege + b"</sst>"
    texte = blattleser.gemeinsame_texte(roh)
    assert (texte is not None) is einfach
    if texte is not None:
        assert texte == read_string_table(io.BytesIO(roh))
