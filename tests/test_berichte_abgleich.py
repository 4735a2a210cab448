"""The same figures everywhere: PDF text, XLSX formulas and the store agree to the cent.

The expected figures are computed here with plain SQL, independently of ozgdesk.reports.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ozgdesk.model import Aufwand, Mittelabfluss, Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.values import Finanzierung, Quartal, format_euro
from ozgdesk.reports import antrag, quartalsbericht
from tests.test_berichte_hilfen import bestand, formel_wert, mappe, pdf_text

Q3 = Quartal(2026, 3)


def _erwartet(store, q: Quartal) -> dict[str, dict[str, int]]:
    """Per fully funded project: plan/actual for the quarter, the year so far and since the start."""
    ergebnis = {}
    with store.lesen() as s:
        for p in s.execute(select(Projekt).where(Projekt.finanzierung == Finanzierung.VOLL)).scalars():
            version = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == p.id)).scalar_one()
            positionen = s.execute(select(ZahlungsplanPosition.quartal, ZahlungsplanPosition.betrag_cent)
                                   .join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
                                   .where(Zahlungsplan.projekt_id == p.id, Zahlungsplan.version == version)).all()
            zahlungen = s.execute(select(Mittelabfluss.datum, Mittelabfluss.betrag_cent)
                                  .where(Mittelabfluss.projekt_id == p.id)).all()
            ergebnis[p.kennung] = {
                "plan_q": sum(b for x, b in positionen if x == q),
                "ist_q": sum(b for d, b in zahlungen if q.beginn <= d <= q.ende),
                "plan_j": sum(b for x, b in positionen if x.jahr == q.jahr and x <= q),
                "ist_j": sum(b for d, b in zahlungen if date(q.jahr, 1, 1) <= d <= q.ende),
                "plan_g": sum(b for x, b in positionen if x <= q),
                "ist_g": sum(b for d, b in zahlungen if d <= q.ende),
            }
    return ergebnis


def _erwartet_je_stelle(store, q: Quartal) -> dict[str, dict[str, int]]:
    """The same figures summed per Haushaltsstelle over all fully funded projects."""
    ergebnis: dict[str, dict[str, int]] = {}

    def dazu(hhst: object, schluessel: str, cent: int) -> None:
        ergebnis.setdefault(str(hhst), dict.fromkeys(("plan_q", "ist_q", "plan_j", "ist_j", "plan_g", "ist_g"), 0))
        ergebnis[str(hhst)][schluessel] += cent

    with store.lesen() as s:
        for p in s.execute(select(Projekt).where(Projekt.finanzierung == Finanzierung.VOLL)).scalars():
            version = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == p.id)).scalar_one()
            for x, hhst, b in s.execute(
                    select(ZahlungsplanPosition.quartal, ZahlungsplanPosition.haushaltsstelle, ZahlungsplanPosition.betrag_cent)
                    .join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
                    .where(Zahlungsplan.projekt_id == p.id, Zahlungsplan.version == version)):
                for schluessel, gilt in (("plan_q", x == q), ("plan_j", x.jahr == q.jahr and x <= q), ("plan_g", x <= q)):
                    dazu(hhst, schluessel, b if gilt else 0)
            for d, hhst, b in s.execute(select(Mittelabfluss.datum, Mittelabfluss.haushaltsstelle, Mittelabfluss.betrag_cent)
                                        .where(Mittelabfluss.projekt_id == p.id)):
                for schluessel, gilt in (("ist_q", q.beginn <= d <= q.ende), ("ist_j", date(q.jahr, 1, 1) <= d <= q.ende),
                                         ("ist_g", d <= q.ende)):
                    dazu(hhst, schluessel, b if gilt else 0)
    return ergebnis


#: column of each figure on the sheet „Summen Haushaltsstellen“ (A = Haushaltsstelle)
_SUMMEN_SPALTEN = {"plan_q": 2, "ist_q": 3, "plan_j": 5, "ist_j": 6, "plan_g": 7, "ist_g": 8}


def _eur(cent: int) -> str:
    return format_euro(cent)[:-2]


def test_pdf_summen_und_projektzeilen_stimmen_mit_dem_store(demo_store):
    erwartet = _erwartet(demo_store, Q3)
    summe = {k: sum(e[k] for e in erwartet.values()) for k in next(iter(erwartet.values()))}
    assert summe["ist_q"] > 0 and summe["plan_g"] > 0  # the demo has real figures in Q3/2026
    # pypdf yields one cell per line; whitespace-normalised, a table row reads as "A B C".
    text = " ".join(" ".join(pdf_text(quartalsbericht.pdf_ressort(bestand(demo_store), Q3))).split())
    quartal = f"Summe {_eur(summe['plan_q'])} {_eur(summe['ist_q'])} {_eur(summe['ist_q'] - summe['plan_q'])} "
    kumuliert = f"Summe {_eur(summe['plan_j'])} {_eur(summe['ist_j'])} {_eur(summe['plan_g'])} {_eur(summe['ist_g'])} "
    # once in the project table and once in the Haushaltsstellen table: both must add up to the store
    assert text.count(quartal) == 2, quartal
    assert text.count(kumuliert) == 2, kumuliert
    for kennung, e in erwartet.items():
        assert f"{kennung} {_eur(e['plan_q'])} {_eur(e['ist_q'])} {_eur(e['ist_q'] - e['plan_q'])} " in text, kennung
        assert f"{kennung} {_eur(e['plan_j'])} {_eur(e['ist_j'])} {_eur(e['plan_g'])} {_eur(e['ist_g'])} " in text, kennung
    assert f"Mittelabfluss im Quartal: {_eur(summe['ist_q'])} € bei {_eur(summe['plan_q'])} € Plan" in text


def _formel_wert(ws, zelle) -> Decimal:  # noqa: ANN001
    """A total as a spreadsheet computes it; it must be a formula, or an edited figure would leave it wrong."""
    assert zelle.data_type == "f", f"{ws.title}!{zelle.coordinate} ist keine Formel: {zelle.value!r}"
    return formel_wert(zelle)


def test_xlsx_formeln_ergeben_die_zahlen_des_stores(demo_store):
    erwartet = _erwartet(demo_store, Q3)
    wb = mappe(quartalsbericht.xlsx(bestand(demo_store), Q3))
    spalten = {"plan_q": 2, "ist_q": 3, "plan_j": 5, "ist_j": 6, "plan_g": 7, "ist_g": 8}
    for blatt in ("Mittelabfluss", "Haushaltsstellen"):
        ws = wb[blatt]
        versatz = 0 if blatt == "Mittelabfluss" else 1
        summe = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Summe")
        for key, spalte in spalten.items():
            zelle = ws.cell(summe, spalte + versatz)
            assert _formel_wert(ws, zelle) * 100 == sum(e[key] for e in erwartet.values()), f"{blatt} {key}"
    ws = wb["Mittelabfluss"]
    for r in range(2, ws.max_row):
        e = erwartet[ws.cell(r, 1).value]
        assert Decimal(str(ws.cell(r, 3).value)) * 100 == e["ist_q"]


def test_xlsx_summen_je_haushaltsstelle_ergeben_die_zahlen_des_stores(demo_store):
    """The sheet „Summen Haushaltsstellen“ adds up the sheet „Haushaltsstellen“ with =SUMIFS: its
    figures equal the store's payments and plans per budget line, to the cent."""
    erwartet = _erwartet_je_stelle(demo_store, Q3)
    assert len(erwartet) > 1  # the demo books on several Haushaltsstellen
    ws = mappe(quartalsbericht.xlsx(bestand(demo_store), Q3))["Summen Haushaltsstellen"]
    gelesen = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert set(gelesen) == {*erwartet, "Summe"}
    for hhst, e in erwartet.items():
        for key, spalte in _SUMMEN_SPALTEN.items():
            assert _formel_wert(ws, ws.cell(gelesen[hhst], spalte)) * 100 == e[key], f"{hhst} {key}"
    for key, spalte in _SUMMEN_SPALTEN.items():
        assert _formel_wert(ws, ws.cell(gelesen["Summe"], spalte)) * 100 == sum(e[key] for e in erwartet.values())


def test_antrag_summen_je_haushaltsstelle_und_jahr_ergeben_den_zahlungsplan(demo_store):
    b = bestand(demo_store)
    p = b.projekt("BMAS-2024-05")
    with demo_store.lesen() as s:
        version = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == p.id)).scalar_one()
        positionen = s.execute(
            select(ZahlungsplanPosition.quartal, ZahlungsplanPosition.haushaltsstelle, ZahlungsplanPosition.betrag_cent)
            .join(Zahlungsplan, Zahlungsplan.id == ZahlungsplanPosition.zahlungsplan_id)
            .where(Zahlungsplan.projekt_id == p.id, Zahlungsplan.version == version)).all()
    wb = mappe(antrag.xlsx(b, p))
    ws = wb["Summen Haushaltsstellen"]
    kopf = [c.value for c in ws[1]]
    zeilen = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    stellen = {str(h) for _q, h, _b in positionen}
    assert set(zeilen) == {*stellen, "Summe"} and len(stellen) > 1
    for hhst in stellen:
        for jahr in sorted({q.jahr for q, _h, _b in positionen}):
            soll = sum(b for q, h, b in positionen if str(h) == hhst and q.jahr == jahr)
            assert _formel_wert(ws, ws.cell(zeilen[hhst], kopf.index(f"Plan {jahr}") + 1)) * 100 == soll, (hhst, jahr)
        soll = sum(b for _q, h, b in positionen if str(h) == hhst)
        assert _formel_wert(ws, ws.cell(zeilen[hhst], kopf.index("Plan gesamt") + 1)) * 100 == soll, hhst
    assert _formel_wert(ws, ws.cell(zeilen["Summe"], kopf.index("Plan gesamt") + 1)) * 100 == sum(b for *_x, b in positionen)


def test_personentage_pdf_xlsx_store(demo_store):
    with demo_store.lesen() as s:
        pt = s.execute(select(Aufwand.personentage).join(Projekt, Projekt.id == Aufwand.projekt_id)
                       .where(Aufwand.quartal == Q3, Projekt.finanzierung == Finanzierung.UNTERSTUETZUNG)).scalars().all()
    gesamt = sum(pt, Decimal(0))
    assert gesamt > 0
    b = bestand(demo_store)
    text = " ".join(" ".join(pdf_text(quartalsbericht.pdf_ressort(b, Q3))).split())
    assert f"Summe {str(gesamt).replace('.', ',')} PT " in text
    ws = mappe(quartalsbericht.xlsx(b, Q3))["Personentage"]
    summe = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Summe")
    assert _formel_wert(ws, ws.cell(summe, 2)) == gesamt


def _libreoffice_csv(datei, ordner) -> dict[str, list[list[str]]]:  # noqa: ANN001
    """Every sheet as LibreOffice recalculates it, one CSV per sheet (``q-Mittelabfluss.csv``)."""
    filter_ = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{ordner}/lo", "--headless", "--convert-to", filter_,
                    "--outdir", str(ordner), str(datei)], check=True, capture_output=True, timeout=120)
    blaetter = {}
    for csv_datei in ordner.glob(f"{datei.stem}-*.csv"):
        with open(csv_datei, encoding="utf-8") as f:
            blaetter[csv_datei.stem.removeprefix(f"{datei.stem}-")] = list(csv.reader(f, delimiter=";"))
    return blaetter


def _zahl(text: str) -> Decimal:
    """A figure of LibreOffice's CSV: raw value, decimal separator of the cell's language (German)."""
    return Decimal(text.replace(",", "."))


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_rechnet_dieselben_summen(demo_store, tmp_path):
    """LibreOffice opens the workbook without complaint and its formula results equal the PDF,
    also the totals per Haushaltsstelle (=SUMIFS over another sheet)."""
    erwartet = _erwartet(demo_store, Q3)
    datei = tmp_path / "q.xlsx"
    datei.write_bytes(quartalsbericht.xlsx(bestand(demo_store), Q3))
    blaetter = _libreoffice_csv(datei, tmp_path)
    summe = next(z for z in blaetter["Mittelabfluss"] if z[0] == "Summe")
    assert _zahl(summe[2]) * 100 == sum(e["ist_q"] for e in erwartet.values())
    assert _zahl(summe[7]) * 100 == sum(e["ist_g"] for e in erwartet.values())
    je_stelle = _erwartet_je_stelle(demo_store, Q3)
    zeilen = {z[0]: z for z in blaetter["Summen Haushaltsstellen"][1:]}
    assert set(zeilen) == {*je_stelle, "Summe"}
    for hhst, e in je_stelle.items():
        for key, spalte in _SUMMEN_SPALTEN.items():
            assert _zahl(zeilen[hhst][spalte - 1]) * 100 == e[key], f"{hhst} {key}"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_summen_folgen_einer_korrigierten_zahl(demo_store, tmp_path):
    """A controller corrects one payment figure on the sheet „Haushaltsstellen“: the total of
    its Haushaltsstelle and the grand total move by exactly that amount, the others stay."""
    datei = tmp_path / "q.xlsx"
    datei.write_bytes(quartalsbericht.xlsx(bestand(demo_store), Q3))
    vorher = {z[0]: z for z in _libreoffice_csv(datei, tmp_path)["Summen Haushaltsstellen"][1:]}
    wb = load_workbook(datei)
    ws = wb["Haushaltsstellen"]
    ist = [c.value for c in ws[1]].index("Ist Quartal") + 1
    hhst = ws.cell(2, 2).value
    ws.cell(2, ist).value = Decimal(str(ws.cell(2, ist).value)) + Decimal("1234.56")
    geaendert = tmp_path / "k.xlsx"
    wb.save(geaendert)
    nachher = {z[0]: z for z in _libreoffice_csv(geaendert, tmp_path)["Summen Haushaltsstellen"][1:]}
    for stelle in vorher:
        plus = Decimal("1234.56") if stelle in (hhst, "Summe") else 0
        assert _zahl(nachher[stelle][2]) == _zahl(vorher[stelle][2]) + plus, stelle
        assert _zahl(nachher[stelle][3]) == _zahl(vorher[stelle][3]) + plus, stelle  # deviation = actual − plan
        assert nachher[stelle][1] == vorher[stelle][1], stelle  # the plan is untouched
