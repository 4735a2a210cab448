"""The workbooks written as XML text are the workbooks openpyxl's cells made (issue 18, point 3).

:class:`ozgdesk.reports.xlsx.Arbeitsmappe` writes the rows of its data sheets as XML text instead
of openpyxl cells (bench/berichte.py). These tests build every workbook both ways – the fast way and,
by reading :attr:`Arbeitsmappe.wb` first, through openpyxl cells as before – and compare what a
reader finds: values, types, number formats, fonts, fills, alignment, quote prefix, merged cells,
column widths, row heights, dimension, frozen panes, filter, print area and titles, page setup,
header and footer, defined names, file properties. LibreOffice must read both the same.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError
from sqlalchemy import select

from ozgdesk.model import Meilenstein, Projekt
from ozgdesk.model.values import Halbjahr, Quartal
from ozgdesk.reports import antrag, meilensteine, online_monitoring, quartalsbericht, statusermittlung, steckbrief
from ozgdesk.reports.xlsx import Arbeitsmappe, Dokumentangaben, Formel, Spalte
from tests.test_berichte_hilfen import bestand
from tests.test_berichte_xlsx import BOESE

Q3 = Quartal(2026, 3)
H2 = Halbjahr(2026, 2)


def _ueber_zellen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every workbook the way it was made before: sheets as openpyxl cells."""
    schnell = Arbeitsmappe.bytes

    def ueber_zellen(self: Arbeitsmappe) -> bytes:
        self.wb  # noqa: B018 - reading it turns the rows into cells
        return schnell(self)

    monkeypatch.setattr(Arbeitsmappe, "bytes", ueber_zellen)


def _beide(monkeypatch: pytest.MonkeyPatch, machen: Callable[[], bytes]) -> tuple[bytes, bytes]:
    schnell = machen()
    with monkeypatch.context() as m:
        _ueber_zellen(m)
        zellen = machen()
    return schnell, zellen


def _stil(c: Any) -> tuple:
    f = c.font
    return (c.number_format, c.style, c.quotePrefix, c.protection.locked, repr(c.border),
            (f.name, f.sz, f.b, f.i, f.u, f.color.rgb if f.color is not None else None),
            (c.fill.fill_type, c.fill.fgColor.rgb if c.fill.fgColor is not None else None),
            (c.alignment.horizontal, c.alignment.vertical, c.alignment.wrap_text))


def beschreibung(daten: bytes) -> dict[str, Any]:
    """Everything a reader of the workbook finds, as comparable values (the save time aside)."""
    wb = load_workbook(io.BytesIO(daten))
    props = wb.properties
    d: dict[str, Any] = {
        "blaetter": wb.sheetnames, "aktiv": wb.active.title if wb.active else None,
        "eigenschaften": (props.title, props.subject, props.creator, props.keywords, props.contentStatus,
                          props.version, props.language, props.created, props.identifier),
        "namen": {n: str(v.value) for n, v in wb.defined_names.items()},
        "stile": list(wb.named_styles),
    }
    for ws in wb.worksheets:
        d[ws.title] = {
            "zellen": {c.coordinate: (c.value, c.data_type, _stil(c)) for zeile in ws.iter_rows() for c in zeile
                       if c.value is not None or c.has_style},
            "dimension": ws.dimensions, "groesse": (ws.max_row, ws.max_column),
            "verbunden": sorted(str(r) for r in ws.merged_cells.ranges),
            "breiten": {k: v.width for k, v in ws.column_dimensions.items()},
            "hoehen": {k: v.height for k, v in ws.row_dimensions.items() if v.height is not None},
            "fixiert": ws.freeze_panes, "filter": ws.auto_filter.ref, "drucktitel": ws.print_title_rows,
            "druckbereich": ws.print_area,
            "seite": (ws.page_setup.orientation, ws.page_setup.paperSize, ws.page_setup.fitToWidth,
                      ws.page_setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage
                      if ws.sheet_properties.pageSetUpPr else None, repr(ws.page_margins)),
            "kopf": tuple(str(x.text) for x in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right)),
            "fuss": tuple(str(x.text) for x in (ws.oddFooter.left, ws.oddFooter.center, ws.oddFooter.right)),
            "ausgewaehlt": ws.sheet_view.tabSelected,
        }
    return d


def _gleich(schnell: bytes, zellen: bytes, name: str) -> None:
    a, b = beschreibung(schnell), beschreibung(zellen)
    assert a.keys() == b.keys(), name
    for k in a:
        if isinstance(a[k], dict) and "zellen" in a[k]:
            for teil in a[k]:
                if teil == "zellen":
                    for ref in sorted(a[k][teil].keys() | b[k][teil].keys()):
                        assert a[k][teil].get(ref) == b[k][teil].get(ref), f"{name}/{k}!{ref}"
                assert a[k][teil] == b[k][teil], f"{name}/{k}: {teil}"
        else:
            assert a[k] == b[k], f"{name}: {k}"


def _dokumente(b: Any) -> dict[str, Callable[[], bytes]]:
    p = b.projekt("BMAS-2024-01")
    return {
        "quartal": lambda: quartalsbericht.xlsx(b, Q3, kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH"),
        "quartal-entwurf": lambda: quartalsbericht.xlsx(b, Q3, entwurf=True),
        "projekt": lambda: quartalsbericht.xlsx(b, Q3, [p]), "antrag": lambda: antrag.xlsx(b, p),
        "meilensteine": lambda: meilensteine.xlsx(b, H2), "status": lambda: statusermittlung.xlsx(b),
        "online": lambda: online_monitoring.xlsx(b, H2), "steckbrief": lambda: steckbrief.xlsx(b, p),
    }


def test_jede_mappe_gleicht_der_aus_openpyxl_zellen(demo_store, monkeypatch):
    """Every workbook type, with hostile user text (formula characters), both ways the same."""
    with demo_store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        for feld, wert in BOESE.items():
            setattr(p, feld, wert)
        p.ampel_gesamt = "gelb"
        m = s.execute(select(Meilenstein).where(Meilenstein.projekt_id == p.id)).scalars().first()
        m.titel = "  =1+1 mit Leerzeichen & <Klammern>  "
        p.risiken = "Risiko 1\nRisiko 2 & <mehr>\n"
    for name, machen in _dokumente(bestand(demo_store)).items():
        schnell, zellen = _beide(monkeypatch, machen)
        _gleich(schnell, zellen, name)


def _schwierige_mappe() -> bytes:
    """One workbook with every kind of value and the corner cases of openpyxl's cell writing."""
    am = Arbeitsmappe(Dokumentangaben("Test & Prüfung", "Ressort", "R", "Referat", date(2026, 9, 30),
                                      kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH"))
    spalten = [Spalte("Kennung", breite=10), Spalte("=Kopf als Formel"), Spalte("Betrag", "euro", summe=True),
               Spalte("PT", "pt", summe=True), Spalte("Datum", "datum"), Spalte("Zahl", "zahl", summe=True),
               Spalte("Text", breite=12), Spalte("#N/A"), Spalte("")]
    zeilen: list[list[object]] = [
        ["A", "=1+1", 123_456_789, Decimal("12.25"), date(2026, 9, 30), 2026, "kurz", "#N/A", " führend"],
        ["B", "+49 30 1234", -1, Decimal("0.5"), datetime(2026, 1, 2, 13, 45), True, "x" * 40, "#DIV/0!", "nachher "],
        ["C", "-3", 0, 3, date(1900, 1, 1), date(2026, 3, 2), "Zeile 1\nZeile 2\r\nZeile 3", "@Wert", "\t"],
        ["D", "& < > \" '", 10**15, Decimal("1E+2"), None, Decimal("10.50"), "Emoji 🚀 und Ä", Formel("=C{zeile}*2"), ""],
        ["E", "Steuer\x01zeichen\x1f weg", 99, Decimal("-0.25"), date(2026, 2, 28), -7, "y" * 40_000, "   ", None],
        ["F", None, None, None, None, None, None, None, "Ende"],
    ]
    am.blatt("Alles", spalten, zeilen)
    am.blatt("Ohne Summe", spalten, zeilen[:2], summenzeile=False)
    am.blatt("Leer", [Spalte("Kennung"), Spalte("Betrag", "euro", summe=True)], [])
    am.blatt("Ein sehr langer Blattname, der gekürzt wird", [Spalte("A")], [["x"]])
    am.blatt("Summen", [Spalte("Stelle")] + [Spalte("Betrag", "euro", summe=True)],
             [["0602 532 01", am.summewenns("Alles", "Betrag", [("Kennung", "$A{zeile}")])]])
    return am.bytes()


def test_schwierige_werte_gleichen_der_mappe_aus_zellen(monkeypatch):
    schnell, zellen = _beide(monkeypatch, _schwierige_mappe)
    _gleich(schnell, zellen, "schwierig")
    ws = load_workbook(io.BytesIO(schnell))["Alles"]
    # the corner cases really are in the file: quote prefix, error texts, cut text, line breaks
    assert ws["B2"].value == "=1+1" and ws["B2"].data_type == "s" and ws["B2"].quotePrefix
    assert ws["B1"].data_type == "f" and ws["H1"].data_type == "e" and ws["H3"].data_type == "e"
    assert len(ws["G6"].value) == 32_767 and ws["G4"].value == "Zeile 1\nZeile 2\r\nZeile 3"
    assert ws["I2"].value == " führend" and ws["I4"].value == "\t" and ws["H6"].value == "   "
    assert ws["H5"].value == "=C5*2" and ws["F3"].value is True and ws["B6"].value == "Steuerzeichen weg"
    assert ws["E3"].value == datetime(2026, 1, 2, 13, 45) and ws["F4"].is_date


@pytest.mark.parametrize("kopf", ["Kopf\x01mit Steuerzeichen", "Kopf \ud800 mit Surrogat", "Kopf \uffff"])
def test_unschreibbarer_kopf_scheitert_wie_vorher(kopf):
    """Headings are not user text; what openpyxl refused in one, this writer refuses as well."""
    am = Arbeitsmappe(Dokumentangaben("Test", "Ressort", "R", "", date(2026, 9, 30)))
    with pytest.raises((IllegalCharacterError, ValueError)):
        am.blatt("Blatt", [Spalte(kopf)], [["x"]])
        am.bytes()


def test_zellen_nach_blatt_bearbeiten_geht_weiter(monkeypatch):
    """Who edits cells through ``wb`` after ``blatt()`` (the BMDS overview's quota formulas) gets
    the cells and finds the edit in the file."""
    am = Arbeitsmappe(Dokumentangaben("Test", "Ressort", "R", "", date(2026, 9, 30)))
    am.blatt("Blatt", [Spalte("Kennung"), Spalte("Betrag", "euro", summe=True), Spalte("Quote")],
             [["A", 100, None], ["B", 250, None]])
    assert am.wb["Blatt"]["B2"].value == Decimal("1.00")
    am.wb["Blatt"]["C2"] = "=B2/B4"
    am.eigenschaften.version = "2"
    ws = load_workbook(io.BytesIO(am.bytes()))["Blatt"]
    assert ws["C2"].value == "=B2/B4" and ws["B3"].value == 2.5 and ws["B4"].value == "=SUM(B2:B3)"
    assert load_workbook(io.BytesIO(am.bytes())).properties.version == "2"


def _libreoffice_csv(datei: Path, ordner: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice reads and recalculates it, one CSV per sheet."""
    filter_ = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{ordner}/lo", "--headless",
                    "--convert-to", filter_, "--outdir", str(ordner), str(datei)],
                   check=True, capture_output=True, timeout=180)
    blaetter = {}
    for csv_datei in ordner.glob(f"{datei.stem}-*.csv"):
        with open(csv_datei, encoding="utf-8") as f:
            blaetter[csv_datei.stem.removeprefix(f"{datei.stem}-")] = list(csv.reader(f, delimiter=";"))
    return blaetter


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_liest_beide_gleich(monkeypatch, tmp_path):
    schnell, zellen = _beide(monkeypatch, _schwierige_mappe)
    (tmp_path / "schnell.xlsx").write_bytes(schnell)
    (tmp_path / "zellen.xlsx").write_bytes(zellen)
    a = _libreoffice_csv(tmp_path / "schnell.xlsx", tmp_path)
    b = _libreoffice_csv(tmp_path / "zellen.xlsx", tmp_path)
    assert "Alles" in a and a == b
    zeilen = {z[0]: z for z in a["Alles"]}
    assert zeilen["A"][1:3] == ["=1+1", "1234567,89"]  # user text stays text, the amount is exact
    assert zeilen["D"][7] == "20000000000000" and zeilen["Summe"][3] == "115,5"  # formulas computed
