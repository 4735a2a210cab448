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
from sqlalchemy import func, select

from ozgdesk.model import Aufwand, Mittelabfluss, Projekt, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.values import Finanzierung, Quartal, format_euro
from ozgdesk.reports import quartalsbericht
from tests.test_berichte_hilfen import bestand, mappe, pdf_text

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
    """Evaluate ``=SUM(X2:Xn)`` the way a spreadsheet would."""
    formel = zelle.value
    assert formel.startswith("=SUM(") and formel.endswith(")")
    von, bis = formel[5:-1].split(":")
    return sum((Decimal(str(c.value or 0)) for row in ws[von:bis] for c in row), Decimal(0))


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


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice nicht installiert")
def test_libreoffice_rechnet_dieselben_summen(demo_store, tmp_path):
    """LibreOffice opens the workbook without complaint and its formula results equal the PDF."""
    erwartet = _erwartet(demo_store, Q3)
    datei = tmp_path / "q.xlsx"
    datei.write_bytes(quartalsbericht.xlsx(bestand(demo_store), Q3))
    filter_ = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["libreoffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", filter_,
                    "--outdir", str(tmp_path), str(datei)], check=True, capture_output=True, timeout=120)
    with open(tmp_path / "q-Mittelabfluss.csv", encoding="utf-8") as f:
        zeilen = list(csv.reader(f, delimiter=";"))
    summe = next(z for z in zeilen if z[0] == "Summe")
    # raw values, with the decimal separator of the cell's language: German ([$-407] formats)
    assert Decimal(summe[2].replace(",", ".")) * 100 == sum(e["ist_q"] for e in erwartet.values())
    assert Decimal(summe[7].replace(",", ".")) * 100 == sum(e["ist_g"] for e in erwartet.values())
