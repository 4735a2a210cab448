"""Benchmark: the quarterly Ressort report (PDF + XLSX) for a Ressort with 200 projects.

Compares with plain reportlab rendering one table (8 text columns, Helvetica, repeated header, grid)
of the same number of rows as all tables of the report together (904 for 200 projects: the report
has up to six sections with a row per project), the issue's yardstick, and prints times and
ratios. Goals: ≤ 3 s for PDF + XLSX, PDF ≤ 2× the plain table (issue 3) and PDF + XLSX together ≤ 2×
the plain table (issue 18). The plain table's time is the cost
of laying out those rows with reportlab, so the ratio is what ozgdesk's own layout (wrapping,
charts, header and footer, traffic lights) adds. A table of 200 rows (one per project) is timed
for context only: it has a quarter of the report's rows, so no ratio against it can be fair.

    .venv/bin/python bench/berichte.py [--projekte 200] [--wiederholungen 5]

The store is generated once (not timed): the demo Ressort plus copies of its projects under new
Kennungen (BENCH-001 …), each with milestones, payment plans, payments or person-days.

The documents are made as the application makes them (``reports/dienst.py``, the submission
package): the data check (``pruefen``) runs once, timed with the PDF, and both writers get its
findings; the CLI's single documents run it themselves.

Report and yardstick run alternately, each after ``gc.collect()`` (outside the timing), so that a
full garbage collection started by one of them (≈ 0.07 s with the snapshot in memory) or a
momentarily busy machine does not land on one side only; every ratio is printed as the median and
the range over these pairs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
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
from ozgdesk.reports.pruefung import pruefen
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


def _gemessen(f):  # noqa: ANN001, ANN202
    gc.collect()
    t = time.perf_counter()
    ergebnis = f()
    return time.perf_counter() - t, ergebnis


def ozgdesk_bericht(pfad: Path) -> tuple[float, float, float, int, int]:
    with Store.oeffnen(pfad) as store:
        laden, b = _gemessen(lambda: bestand_laden(store, demo.STICHTAG))
        befunde: list = []

        def pdf_mit_pruefung() -> bytes:
            befunde[:] = pruefen(b, QUARTAL)
            return quartalsbericht.pdf_ressort(b, QUARTAL, kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH", befunde=befunde)

        zeit_pdf, pdf = _gemessen(pdf_mit_pruefung)
        zeit_xlsx, xlsx = _gemessen(lambda: quartalsbericht.xlsx(b, QUARTAL, befunde=befunde,
                                                                 kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH"))
    return laden, zeit_pdf, zeit_xlsx, len(pdf), len(xlsx)


def reportlab_tabelle(zeilen: int, schrift: str = "") -> float:
    """The yardstick: one plain table; ``schrift`` only for the informative variant with an embedded font."""
    return _gemessen(lambda: _tabelle(zeilen, schrift))[0]


def _tabelle(zeilen: int, schrift: str) -> None:
    daten = [["Kennung", "Plan", "Ist", "Abweichung", "Plan Jahr", "Ist Jahr", "Plan ges.", "Ist ges."]]
    daten += [[f"BENCH-{i:03d}", "1.234.000,00", "1.100.372,23", "-133.627,77", "7.637.000,00", "6.633.765,66",
               "21.743.000,00", "18.004.124,13"] for i in range(zeilen)]
    tab = Table(daten, repeatRows=1)
    stil = [("FONTSIZE", (0, 0), (-1, -1), 7), ("GRID", (0, 0), (-1, -1), 0.25, "grey")]
    if schrift:
        stil.append(("FONTNAME", (0, 0), (-1, -1), schrift))
    tab.setStyle(TableStyle(stil))
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build([tab])


def tabellenzeilen(pfad: Path) -> int:
    """Rows of all tables in the Ressort report (the report has six sections of up to one row per project)."""
    from ozgdesk.reports import kennzahlen as kz

    with Store.oeffnen(pfad) as store:
        b = bestand_laden(store, demo.STICHTAG)
    voll = sum(1 for p in b.projekte if kz.hat_finanzbericht(p))
    unterst = sum(1 for p in b.projekte if kz.hat_aufwandsbericht(p))
    return (len(b.projekte) * 3 + 2 * voll + unterst + sum(1 for l in b.leistungen if l.projekte) + 4)


def _verhaeltnisse(zaehler: list[float], nenner: list[float]) -> tuple[float, float, float]:
    """Median, minimum and maximum of the ratios of paired runs."""
    r = [z / n for z, n in zip(zaehler, nenner, strict=True)]
    return statistics.median(r), min(r), max(r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projekte", type=int, default=200)
    ap.add_argument("--wiederholungen", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "bench.sqlite"
        t = time.perf_counter()
        store_erzeugen(pfad, args.projekte)
        print(f"Store mit {args.projekte} Projekten erzeugt in {time.perf_counter() - t:.1f} s (nicht gemessen)")
        zeilen = tabellenzeilen(pfad)
        from ozgdesk.reports.layout import SCHRIFT

        ozgdesk_bericht(pfad)  # warm-up: font registration, imports
        reportlab_tabelle(args.projekte)
        reportlab_tabelle(zeilen, SCHRIFT)
        laeufe, basis, basis_gleich, basis_ttf = [], [], [], []
        for _ in range(args.wiederholungen):  # alternately, so that noise hits both sides alike
            laeufe.append(ozgdesk_bericht(pfad))
            basis.append(reportlab_tabelle(args.projekte))
            basis_gleich.append(reportlab_tabelle(zeilen))
            basis_ttf.append(reportlab_tabelle(zeilen, SCHRIFT))
    pdfs, xlsxs = [x[1] for x in laeufe], [x[2] for x in laeufe]
    beide = [x[1] + x[2] for x in laeufe]
    alles = [x[0] + x[1] + x[2] for x in laeufe]
    laden, pdf, xlsx = (statistics.median(x[i] for x in laeufe) for i in range(3))
    gesamt = statistics.median(alles)
    b200, bg, bt = statistics.median(basis), statistics.median(basis_gleich), statistics.median(basis_ttf)
    n = args.wiederholungen
    print(f"Quartalsbericht {QUARTAL.kurz}, Ressortübersicht, {args.projekte} Projekte (Median aus {n}):")
    print(f"  Snapshot laden   {laden:6.3f} s")
    print(f"  PDF              {pdf:6.3f} s  ({laeufe[0][3] / 1024:.0f} KiB)")
    print(f"  XLSX             {xlsx:6.3f} s  ({laeufe[0][4] / 1024:.0f} KiB)")
    print(f"  gesamt           {gesamt:6.3f} s  (Ziel ≤ 3 s: {'erfüllt' if gesamt <= 3 else 'VERFEHLT'})")

    def zeile(text: str, zaehler: list[float], nenner: list[float], ziel: float | None = None) -> tuple[float, float, float]:
        v = _verhaeltnisse(zaehler, nenner)
        bewertung = ""
        if ziel is not None:
            darueber = sum(1 for z, q in zip(zaehler, nenner, strict=True) if z / q > ziel)
            bewertung = f"  (Ziel ≤ {ziel:g}×: {'erfüllt' if v[0] <= ziel else 'VERFEHLT'}, {darueber} von {n} Paaren darüber)"
        print(f"  {text:<26} {v[0]:5.2f}×  (Paare {v[1]:.2f}–{v[2]:.2f}×){bewertung}")
        return v

    print(f"Reportlab pur, eine Tabelle mit {args.projekte} Zeilen (eine je Projekt): {b200:6.3f} s")
    v200 = zeile("PDF / Tabelle (nur zur Einordnung)", pdfs, basis)
    zeile("PDF+XLSX+Laden / Tabelle", alles, basis)
    print(f"Reportlab pur, eine Tabelle mit so vielen Zeilen wie alle Tabellen des Berichts ({zeilen}): {bg:6.3f} s")
    v_pdf = zeile("PDF / Tabelle", pdfs, basis_gleich, 2)
    zeile("XLSX / Tabelle", xlsxs, basis_gleich)
    v_beide = zeile("PDF+XLSX / Tabelle", beide, basis_gleich, 2)
    zeile("PDF+XLSX+Laden / Tabelle", alles, basis_gleich)
    print(f"Zur Einordnung (nicht der Maßstab): dieselbe Tabelle in DejaVu Sans, eingebettet wie im Bericht: {bt:6.3f} s "
          f"(PDF / diese Tabelle {_verhaeltnisse(pdfs, basis_ttf)[0]:.2f}×)")
    from ergebnis import melden

    melden(f"Berichte: Quartalsbericht Ressort, {args.projekte} Projekte (PDF+XLSX)", gesamt, "s",
           ziel="≤ 3 s", erreicht=gesamt <= 3)
    melden("Berichte: PDF gegen reine reportlab-Tabelle mit einer Zeile je Projekt (Einordnung)", pdf, "s",
           verhaeltnis=v200[0], basis=f"Tabelle mit {args.projekte} Zeilen")
    melden("Berichte: PDF gegen reine Tabelle gleicher Zeilenzahl", pdf, "s", verhaeltnis=v_pdf[0],
           basis=f"Tabelle mit {zeilen} Zeilen (Paare {v_pdf[1]:.2f}–{v_pdf[2]:.2f}×)".replace(".", ","), ziel="≤ 2×", erreicht=v_pdf[0] <= 2)
    melden("Berichte: PDF+XLSX gegen reine Tabelle gleicher Zeilenzahl", statistics.median(beide), "s",
           verhaeltnis=v_beide[0], basis=f"Tabelle mit {zeilen} Zeilen (Paare {v_beide[1]:.2f}–{v_beide[2]:.2f}×)".replace(".", ","),
           ziel="≤ 2×", erreicht=v_beide[0] <= 2)


if __name__ == "__main__":
    main()
