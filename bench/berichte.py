"""Benchmark: the quarterly Ressort report (PDF + XLSX) for a Ressort with 200 projects.

Compares with plain reportlab rendering one table of the same number of rows (200 rows, 8 text
columns, Helvetica, repeated header), the issue's yardstick, and prints times and ratio.
Goal: ≤ 3 s for PDF + XLSX, ≤ 2× the plain table.

    .venv/bin/python bench/berichte.py [--projekte 200] [--wiederholungen 3]

The store is generated once (not timed): the demo Ressort plus copies of its projects under new
Kennungen (BENCH-001 …), each with milestones, payment plans, payments or person-days.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import random
import statistics
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle
from sqlalchemy import select

from ozgdesk.model import demo
from ozgdesk.model.einrichtung import demo_einrichten
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.store import Store
from ozgdesk.model.values import Quartal
from ozgdesk.reports import quartalsbericht
from ozgdesk.reports.snapshot import bestand_laden

QUARTAL = Quartal(2026, 3)


def store_erzeugen(pfad: Path, anzahl: int) -> None:
    with Store.oeffnen(pfad) as store:
        demo_einrichten(store)
        with store.session(benutzer="Benchmark", quelle="bench") as s:
            behoerden = {b.kurzname: b for b in s.execute(select(Behoerde)).scalars()}
            personen = {p.name: p for p in s.execute(select(Person)).scalars()}
            rng = random.Random(1)
            zaehler = {"projekte": 0, "meilensteine": 0, "zahlungen": 0}
            for i in range(anzahl - len(demo.PROJEKTE)):
                vorlage = demo.PROJEKTE[i % len(demo.PROJEKTE)]
                p = dataclasses.replace(vorlage, kennung=f"BENCH-{i + 1:03d}", titel=f"{vorlage.titel} ({i + 1})")
                demo._projekt_anlegen(s, rng, i, p, behoerden, personen, zaehler)  # noqa: SLF001 (bench only)


def ozgdesk_bericht(pfad: Path) -> tuple[float, float, float, int, int]:
    with Store.oeffnen(pfad) as store:
        t0 = time.perf_counter()
        b = bestand_laden(store, demo.STICHTAG)
        t1 = time.perf_counter()
        pdf = quartalsbericht.pdf_ressort(b, QUARTAL, kennzeichnung="VS – NUR FÜR DEN DIENSTGEBRAUCH")
        t2 = time.perf_counter()
        xlsx = quartalsbericht.xlsx(b, QUARTAL)
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2, len(pdf), len(xlsx)


def reportlab_tabelle(zeilen: int) -> float:
    t0 = time.perf_counter()
    daten = [["Kennung", "Plan", "Ist", "Abweichung", "Plan Jahr", "Ist Jahr", "Plan ges.", "Ist ges."]]
    daten += [[f"BENCH-{i:03d}", "1.234.000,00", "1.100.372,23", "-133.627,77", "7.637.000,00", "6.633.765,66",
               "21.743.000,00", "18.004.124,13"] for i in range(zeilen)]
    tab = Table(daten, repeatRows=1)
    tab.setStyle(TableStyle([("FONTSIZE", (0, 0), (-1, -1), 7), ("GRID", (0, 0), (-1, -1), 0.25, "grey")]))
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([tab])
    return time.perf_counter() - t0


def tabellenzeilen(pfad: Path) -> int:
    """Rows of all tables in the Ressort report (the report has six sections of up to one row per project)."""
    from ozgdesk.reports import kennzahlen as kz

    with Store.oeffnen(pfad) as store:
        b = bestand_laden(store, demo.STICHTAG)
    voll = sum(1 for p in b.projekte if kz.hat_finanzbericht(p))
    unterst = sum(1 for p in b.projekte if kz.hat_aufwandsbericht(p))
    return (len(b.projekte) * 3 + 2 * voll + unterst + sum(1 for l in b.leistungen if l.projekte) + 4)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projekte", type=int, default=200)
    ap.add_argument("--wiederholungen", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "bench.sqlite"
        t = time.perf_counter()
        store_erzeugen(pfad, args.projekte)
        print(f"Store mit {args.projekte} Projekten erzeugt in {time.perf_counter() - t:.1f} s (nicht gemessen)")
        ozgdesk_bericht(pfad)  # warm-up: font registration, imports
        reportlab_tabelle(args.projekte)
        laeufe = [ozgdesk_bericht(pfad) for _ in range(args.wiederholungen)]
        basis = statistics.median(reportlab_tabelle(args.projekte) for _ in range(args.wiederholungen))
        zeilen = tabellenzeilen(pfad)
        basis_gleich = statistics.median(reportlab_tabelle(zeilen) for _ in range(args.wiederholungen))
    laden = statistics.median(x[0] for x in laeufe)
    pdf = statistics.median(x[1] for x in laeufe)
    xlsx = statistics.median(x[2] for x in laeufe)
    gesamt = laden + pdf + xlsx
    print(f"Quartalsbericht {QUARTAL.kurz}, Ressortübersicht, {args.projekte} Projekte (Median aus {args.wiederholungen}):")
    print(f"  Snapshot laden   {laden:6.3f} s")
    print(f"  PDF              {pdf:6.3f} s  ({laeufe[0][3] / 1024:.0f} KiB)")
    print(f"  XLSX             {xlsx:6.3f} s  ({laeufe[0][4] / 1024:.0f} KiB)")
    print(f"  gesamt           {gesamt:6.3f} s  (Ziel ≤ 3 s: {'erfüllt' if gesamt <= 3 else 'VERFEHLT'})")
    print(f"Reportlab pur, eine Tabelle mit {args.projekte} Zeilen: {basis:6.3f} s")
    print(f"Verhältnis PDF / reine Tabelle:            {pdf / basis:5.1f}×  (Ziel ≤ 2×: {'erfüllt' if pdf / basis <= 2 else 'VERFEHLT'})")
    print(f"Verhältnis PDF+XLSX+Laden / reine Tabelle: {gesamt / basis:5.1f}×")
    print(f"Reportlab pur, eine Tabelle mit so vielen Zeilen wie alle Tabellen des Berichts ({zeilen}): {basis_gleich:6.3f} s")
    print(f"Verhältnis PDF / reine Tabelle gleicher Zeilenzahl: {pdf / basis_gleich:5.1f}×")
    from ergebnis import melden

    melden(f"Berichte: Quartalsbericht Ressort, {args.projekte} Projekte (PDF+XLSX)", gesamt, "s",
           ziel="≤ 3 s", erreicht=gesamt <= 3)
    melden("Berichte: PDF gegen reine reportlab-Tabelle gleicher Projektzahl", pdf, "s", verhaeltnis=pdf / basis,
           basis=f"Tabelle mit {args.projekte} Zeilen", ziel="≤ 2×", erreicht=pdf / basis <= 2)
    melden("Berichte: PDF gegen reine Tabelle gleicher Zeilenzahl", pdf, "s", verhaeltnis=pdf / basis_gleich,
           basis=f"Tabelle mit {zeilen} Zeilen", ziel="≤ 2×", erreicht=pdf / basis_gleich <= 2)


if __name__ == "__main__":
    main()
