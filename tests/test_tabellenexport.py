"""Export of a table view to XLSX and CSV, and the bulk edit builder (Qt-free)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime, UTC
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from ozgdesk.model import Meilenstein, Projekt
from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import sammel
from ozgdesk.model.tabellen import Anfrage, mittelabfluesse
from ozgdesk.model.values import Ampel, MeilensteinStatus
from ozgdesk.reports import tabellenexport as te

SPALTEN = [te.Exportspalte("Datum", "datum"), te.Exportspalte("Projekt"), te.Exportspalte("Betrag", "euro"),
           te.Exportspalte("Erfasst", "zeit"), te.Exportspalte("PT", "zahl"), te.Exportspalte("Anzahl", "zahl")]
ZEILEN = [
    (date(2026, 1, 2), "=HYPERLINK(\"x\")", 1_234_567_89, datetime(2026, 1, 2, 10, 5, tzinfo=UTC), Decimal("2.5"), 3),
    (None, "Grün; mit Semikolon", -250_00, None, None, 12000),
]


def _auftrag(summen: bool = True, zeilen=ZEILEN) -> te.Exportauftrag:  # noqa: ANN001
    return te.Exportauftrag("Mittelabflüsse", list(SPALTEN), lambda: iter(zeilen), summenzeile=summen,
                            beschreibung="Jahr: 2026; sortiert nach Betrag absteigend")


def test_csv_wie_deutsches_excel_es_oeffnet():
    daten = te.erzeugen(_auftrag(), "csv")
    assert daten.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, else Excel reads ANSI
    text = daten.decode("utf-8-sig")
    assert "\r\n" in text
    zeilen = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    erfasst = datetime(2026, 1, 2, 10, 5, tzinfo=UTC).astimezone().strftime("%d.%m.%Y %H:%M")
    assert zeilen == [
        ["Datum", "Projekt", "Betrag", "Erfasst", "PT", "Anzahl"],
        ["02.01.2026", "'=HYPERLINK(\"x\")", "1234567,89", erfasst, "2,5", "3"],
        ["", "Grün; mit Semikolon", "-250,00", "", "", "12000"],
    ]  # data rows only: no totals row in the CSV


def test_xlsx_echte_zahlen_und_daten_deutsche_formate_kopf_filter_summe():
    wb = openpyxl.load_workbook(io.BytesIO(te.erzeugen(_auftrag(), "xlsx")))
    ws = wb.active
    assert ws.title == "Mittelabflüsse" and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F3"
    assert [c.value for c in ws[1]] == ["Datum", "Projekt", "Betrag", "Erfasst", "PT", "Anzahl"]
    assert all(c.font.b for c in ws[1])
    datum, text, betrag, zeit, pt, anzahl = ws[2]
    assert datum.value == datetime(2026, 1, 2) and datum.number_format == "[$-407]DD.MM.YYYY"
    assert text.value == "=HYPERLINK(\"x\")" and text.data_type == "s" and text.quotePrefix  # never a formula
    assert betrag.value == pytest.approx(1234567.89) and betrag.number_format.startswith("[$-407]#,##0.00")
    assert zeit.number_format == "[$-407]DD.MM.YYYY HH:MM" and zeit.value.tzinfo is None
    assert pt.value == 2.5 and anzahl.value == 3
    summe = ws[4]
    assert summe[0].value == "Summe" and summe[0].font.b
    assert summe[2].value == "=SUBTOTAL(109,C2:C3)" and summe[2].font.b
    assert ws.column_dimensions["C"].width >= len("1.234.567,89 €")
    assert wb.properties.description == "Jahr: 2026; sortiert nach Betrag absteigend" and wb.properties.language == "de-DE"


def test_xlsx_ohne_zeilen_und_ohne_summenzeile():
    ws = openpyxl.load_workbook(io.BytesIO(te.erzeugen(_auftrag(zeilen=[]), "xlsx"))).active
    assert [c.value for c in ws[2]] == ["Summe", None, 0, None, None, None] and ws.max_row == 2
    ws = openpyxl.load_workbook(io.BytesIO(te.erzeugen(_auftrag(summen=False), "xlsx"))).active
    assert ws.max_row == 3


def test_steuerzeichen_und_formeln_in_text_werden_nie_zu_formeln_oder_kaputten_dateien():
    spalten = [te.Exportspalte("Text")]
    zeilen = [("a\x01b\x0bc",), ("@SUMME(A1)",), ("-1",), ("+49 30 1234",), ("normal",)]
    auftrag = te.Exportauftrag("T", spalten, lambda: zeilen)
    ws = openpyxl.load_workbook(io.BytesIO(te.erzeugen(auftrag, "xlsx"))).active
    werte = [(c.value, c.data_type) for (c,) in ws.iter_rows(min_row=2)]
    assert werte == [("abc", "s"), ("@SUMME(A1)", "s"), ("-1", "s"), ("+49 30 1234", "s"), ("normal", "s")]
    assert [c.quotePrefix for (c,) in ws.iter_rows(min_row=3, max_row=5)] == [True, True, True]


def test_blattname_und_format_aus_dateiname():
    assert te.blattname("Zahlungsplan [v2]: a/b?") == "Zahlungsplan  v2   a b"
    assert te.blattname("x" * 40) == "x" * 31 and te.blattname("") == "Tabelle"
    assert te.format_fuer_pfad("a/B.XLSX") == "xlsx" and te.format_fuer_pfad("b.csv") == "csv"
    with pytest.raises(Eingabefehler, match="Excel-Arbeitsmappe"):
        te.format_fuer_pfad("bericht.pdf")


def test_mehr_zeilen_als_excel_fasst_werden_vorher_abgelehnt():
    auftrag = _auftrag()
    auftrag.anzahl = 2_000_000
    with pytest.raises(Eingabefehler, match="höchstens 1.048.574.*als CSV"):
        te.erzeugen(auftrag, "xlsx")
    assert te.erzeugen(auftrag, "csv")  # CSV has no such limit


def test_schreiben_nennt_die_datei_bei_einem_fehler(tmp_path: Path):
    assert te.schreiben(_auftrag(), tmp_path / "a.xlsx") == 2
    with pytest.raises(Eingabefehler, match="kann nicht geschrieben werden"):
        te.schreiben(_auftrag(), tmp_path / "a.xlsx" / "a.csv")  # a file where the folder should be


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_liest_betraege_als_zahlen_und_rechnet_die_summe(tmp_path: Path):
    datei = tmp_path / "ansicht.xlsx"
    te.schreiben(_auftrag(), datei)
    profil = tmp_path / "profil"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profil}", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):59,34,76,1,,1031", "--outdir", str(tmp_path), str(datei)],
                   check=True, capture_output=True, timeout=180)
    zeilen = (tmp_path / "ansicht.csv").read_text("utf-8").splitlines()
    assert zeilen[1].startswith('02.01.2026;"=HYPERLINK(""x"")";1.234.567,89 €;')  # text, not evaluated
    assert zeilen[3].startswith("Summe;;1.234.317,89 €")


def test_exportwert_typisiert_nur_betraege_daten_und_zahlen():
    text = lambda w, art: f"<{w}|{art}>"  # noqa: E731
    assert te.exportwert(5, "euro", text) == 5 and te.exportwert(None, "euro", text) is None
    assert te.exportwert(Ampel.ROT, "ampel", text) == f"<{Ampel.ROT}|ampel>"
    assert te.exportwert(None, "reifegrad", text) == "<None|reifegrad>"  # „nicht bewertet“ is what the view shows
    assert te.exportwert(True, "zahl", text) == "<True|zahl>"


def test_alle_zeilen_der_abfrage_in_ihrer_reihenfolge_und_summe(demo_store):
    abfrage = mittelabfluesse()
    anfrage = Anfrage(filter={"jahr": "2025"}, sortierung="betrag", absteigend=True)
    with demo_store.lesen() as s:
        alle = list(abfrage.alle(s, anfrage, seitengroesse=7))
        seite = abfrage.seite(s, anfrage, 1000)
        summen = abfrage.summen(s, anfrage, ["betrag"])
    assert alle == seite and len(alle) == 74
    assert summen == {"betrag": sum(z.werte[abfrage.spalte("betrag")] for z in alle)}


# ------------------------------------------------------------------------------------------ bulk edit
def _projekte(store, n: int) -> list[tuple[str, Ampel]]:  # noqa: ANN001
    with store.lesen() as s:
        return [(p.id, p.ampel_gesamt) for p in s.execute(select(Projekt).order_by(Projekt.kennung).limit(n)).scalars()]


def test_sammel_setzen_aendert_nur_abweichende_und_nimmt_alles_zurueck(demo_store):
    vorher = _projekte(demo_store, 6)
    ids = [i for i, _a in vorher]
    with demo_store.lesen() as s:
        v = sammel.vorschau(s, "projekt", "ampel_gesamt", ids + ["gibt-es-nicht"])
    rote = sum(1 for _i, a in vorher if a is Ampel.ROT)
    assert v.aenderungen(Ampel.ROT) == 6 - rote and set(v.werte) == set(ids)
    assert [t for _w, t in v.optionen] == ["grün", "gelb", "rot"]
    angewandt = operation.anwenden(demo_store, sammel.setzen("projekt", "ampel_gesamt", ids, Ampel.ROT, "rot"))
    assert isinstance(angewandt.befehl, befehle.Folge) and len(angewandt.befehl.befehle) == 6 - rote
    assert angewandt.befehl.text == f"Ampel gesamt für {6 - rote} Projekte: rot"
    assert {a for _i, a in _projekte(demo_store, 6)} == {Ampel.ROT}
    operation.zuruecknehmen(demo_store, angewandt.befehl)
    assert _projekte(demo_store, 6) == vorher
    assert operation.anwenden(demo_store, sammel.setzen("projekt", "ampel_gesamt", ids[:1], vorher[0][1])).befehl is None


def test_sammel_status_ist_ganz_oder_gar_nicht(demo_store):
    with demo_store.lesen() as s:
        ms = list(s.execute(select(Meilenstein.id, Meilenstein.status).order_by(Meilenstein.id)))
    erreicht = [i for i, st in ms if st is MeilensteinStatus.ERREICHT][:1]
    offen = [i for i, st in ms if st is MeilensteinStatus.OFFEN][:3]
    assert erreicht and offen
    with pytest.raises(Eingabefehler, match="Ist-Datum"):  # a reached milestone keeps its Ist-Datum: refused
        operation.anwenden(demo_store, sammel.setzen("meilenstein", "status", offen + erreicht, MeilensteinStatus.GEFAEHRDET))
    with demo_store.lesen() as s:
        assert {i: st for i, st in s.execute(select(Meilenstein.id, Meilenstein.status))} == dict(ms)
    with demo_store.lesen() as s:
        assert MeilensteinStatus.ERREICHT not in [w for w, _t in sammel.vorschau(s, "meilenstein", "status", offen).optionen]
