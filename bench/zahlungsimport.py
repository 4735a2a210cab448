#!/usr/bin/env python3
"""Benchmark of the HKR payment import: 100,000 payments from one CSV export into the demo Ressort.

    .venv/bin/python bench/zahlungsimport.py [--zeilen 100000] [--runden 5]

The export is generated in the real HKR format (docs/zahlungsimport.md): Windows-1252, ``;``,
CRLF, German amounts and dates, Haushaltsstellen as ``0602 532 01``, one Belegnummer per booking,
spread over the demo Ressort's projects with dates inside their Laufzeit and Haushaltsstellen
from their current payment plan (so no row raises a warning, as in a clean monthly export).

Every round, one after the other (so load on the machine hits both sides alike):

* the yardstick: the csv module reading the file (decode and split into rows), plus a plain
  SQLAlchemy Core bulk insert (``executemany``) of the same payments, as typed values, into the
  ``mittelabfluss`` table of a fresh copy of the store, with its commit;
* the import: :func:`ozgdesk.model.zahlungsimport.uebernehmen` into another fresh copy (read,
  check every row, compare with the stored payments, insert, change log, commit).

Goal (issue 18): import ≤ 2 × the yardstick, median of the per-round ratios. The times of store
copying and opening are outside both measurements.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ergebnis import melden  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from ozgdesk.model import demo  # noqa: E402
from ozgdesk.model.einrichtung import demo_einrichten  # noqa: E402
from ozgdesk.model.finanzen import Mittelabfluss, Zahlungsplan, ZahlungsplanPosition  # noqa: E402
from ozgdesk.model.projekte import Projekt  # noqa: E402
from ozgdesk.model.protokoll import Aenderung  # noqa: E402
from ozgdesk.model.store import Store  # noqa: E402
from ozgdesk.model.values import Kostenart, format_euro  # noqa: E402
from ozgdesk.model import zahlungsimport  # noqa: E402

ZIEL = 2.0
KOPF = ["Buchungsdatum", "Betrag in EUR", "HHSt", "Projekt-Kennung", "Belegnummer", "Buchungstext"]
_TEXTE = ("Abschlag Rahmenvertrag", "Lizenzen Fachverfahren", "Betrieb Rechenzentrum", "Beratung Umsetzung",
          "Schlussrechnung Los", "Wartung und Pflege", "Schulung Sachbearbeitung", "Hardware Arbeitsplätze")


def zahlungen_erzeugen(store: Store, anzahl: int, heute: date) -> list[dict]:
    """``anzahl`` payments as the import will store them (typed values), spread over the projects
    that have a payment plan: dates inside the project's Laufzeit and before ``heute``,
    Haushaltsstellen from the current plan, amounts of 1 € to 250,000 € with cents."""
    rng = random.Random(18)
    with store.lesen() as s:
        projekte = {p.id: p for p in s.scalars(select(Projekt))}
        aktuell: dict[str, Zahlungsplan] = {}
        for zp in s.scalars(select(Zahlungsplan)):
            if zp.projekt_id not in aktuell or zp.version > aktuell[zp.projekt_id].version:
                aktuell[zp.projekt_id] = zp
        stellen: dict[str, list] = {}
        for zp in aktuell.values():
            hhst = sorted({h for (h,) in s.execute(select(ZahlungsplanPosition.haushaltsstelle)
                                                   .where(ZahlungsplanPosition.zahlungsplan_id == zp.id))}, key=str)
            if hhst:
                stellen[zp.projekt_id] = hhst
    auswahl = sorted(stellen, key=lambda pid: projekte[pid].kennung)
    zahlungen = []
    for i in range(anzahl):
        p = projekte[auswahl[i % len(auswahl)]]
        ende = min(p.ende or heute, heute)
        tage = max((ende - p.beginn).days, 0)
        zahlungen.append({
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "projekt_id": p.id,
            "datum": p.beginn + timedelta(days=rng.randint(0, tage)),
            "betrag_cent": rng.randint(100, 25_000_000), "haushaltsstelle": rng.choice(stellen[p.id]),
            "kostenart": Kostenart.DIENSTLEISTUNG, "referenz": f"51{i + 1:08d}",
            "bemerkung": f"{rng.choice(_TEXTE)} {rng.randint(1, 40)}",
        })
    return zahlungen


def als_csv(zahlungen: list[dict], kennungen: dict[str, str], pfad: Path) -> Path:
    """The payments as an HKR export: Windows-1252, ``;``, CRLF, German amounts and dates."""
    puffer = io.StringIO(newline="")
    w = csv.writer(puffer, delimiter=";", lineterminator="\r\n")
    w.writerow(KOPF)
    for z in zahlungen:
        betrag = format_euro(z["betrag_cent"]).removesuffix(" €").replace("\u00a0", "")
        w.writerow([z["datum"].strftime("%d.%m.%Y"), betrag, str(z["haushaltsstelle"]), kennungen[z["projekt_id"]],
                    z["referenz"], z["bemerkung"]])
    pfad.write_bytes(puffer.getvalue().encode("cp1252"))
    return pfad


def csv_lesen(pfad: Path) -> list[list[str]]:
    """The yardstick's reading: the csv module over the decoded file, all rows into a list."""
    text = pfad.read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def core_einfuegen(store: Store, zahlungen: list[dict]) -> None:
    """The yardstick's writing: one SQLAlchemy Core ``executemany`` of the typed rows, and commit."""
    with store.engine.begin() as con:
        con.execute(insert(Mittelabfluss.__table__), zahlungen)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zeilen", type=int, default=100_000)
    ap.add_argument("--runden", type=int, default=5)
    args = ap.parse_args()
    heute = demo.STICHTAG
    ordner = Path(tempfile.mkdtemp(prefix="ozgdesk-bench-zahlungen-"))
    try:
        vorlage = ordner / "vorlage.sqlite"
        with Store.oeffnen(vorlage) as store:
            demo_einrichten(store)
            zahlungen = zahlungen_erzeugen(store, args.zeilen, heute)
            with store.lesen() as s:
                kennungen = dict(s.execute(select(Projekt.id, Projekt.kennung)).all())
                vorher = s.scalar(select(func.count()).select_from(Mittelabfluss))
            with store.engine.connect() as con:
                con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        datei = als_csv(zahlungen, kennungen, ordner / "hkr-export.csv")
        print(f"HKR-Export: {args.zeilen:_} Zeilen, {datei.stat().st_size / 1e6:.1f} MB (CSV, Windows-1252, „;“), "
              f"{len(set(z['projekt_id'] for z in zahlungen))} Projekte; {args.runden} Runden".replace("_", "."))
        zaehler = iter(range(10_000))

        def frischer_store() -> Store:
            ziel = ordner / f"store-{next(zaehler)}.sqlite"
            shutil.copyfile(vorlage, ziel)
            return Store.oeffnen(ziel)

        def gemessen(f) -> float:  # noqa: ANN001
            gc.collect()
            t = time.perf_counter()
            f()
            return time.perf_counter() - t

        t_csv, t_insert, t_import = [], [], []
        for _ in range(args.runden):
            t_csv.append(gemessen(lambda: csv_lesen(datei)))
            store = frischer_store()
            try:
                t_insert.append(gemessen(lambda: core_einfuegen(store, zahlungen)))  # noqa: B023
            finally:
                store.schliessen()
            store = frischer_store()
            try:
                ergebnis: list = []
                t_import.append(gemessen(lambda: ergebnis.append(  # noqa: B023
                    zahlungsimport.uebernehmen(store, datei, heute=heute, benutzer="Benchmark"))))  # noqa: B023
                v = ergebnis[0]
                assert v.uebernommen and len(v.neu) == args.zeilen and not v.fehler and not v.hinweise, \
                    (len(v.neu), v.fehler[:3], v.hinweise[:3])
                with store.lesen() as s:
                    assert s.scalar(select(func.count()).select_from(Mittelabfluss)) == vorher + args.zeilen
                    assert s.scalar(select(func.count()).select_from(Aenderung)
                                    .where(Aenderung.quelle == zahlungsimport.QUELLE)) >= args.zeilen
            finally:
                store.schliessen()
        basis = [c + i for c, i in zip(t_csv, t_insert, strict=True)]
        verhaeltnisse = [t / b for t, b in zip(t_import, basis, strict=True)]
        m_import, m_basis, m_v = statistics.median(t_import), statistics.median(basis), statistics.median(verhaeltnisse)
        print(f"  csv-Modul liest die Datei          {statistics.median(t_csv):7.3f} s (Median)")
        print(f"  Core-executemany derselben Zeilen  {statistics.median(t_insert):7.3f} s (Median, mit Commit)")
        print(f"  Maßstab (beides)                   {m_basis:7.3f} s")
        print(f"  Zahlungsimport (lesen bis Commit)  {m_import:7.3f} s")
        print(f"  Verhältnis je Runde: {', '.join(f'{v:.2f}' for v in verhaeltnisse)} → Median {m_v:.2f}× "
              f"(Ziel ≤ {ZIEL:g}×: {'erreicht' if m_v <= ZIEL else 'VERFEHLT'})")
        print(f"  Last: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        melden(f"Zahlungsimport: HKR-CSV mit {args.zeilen:_} Zeilen".replace("_", "."), m_import, "s",
               verhaeltnis=m_v, basis=f"csv lesen + Core-executemany ({m_basis:.2f} s)".replace(".", ","),
               ziel=f"≤ {ZIEL:g}×", erreicht=m_v <= ZIEL)
        return 0 if m_v <= ZIEL else 1
    finally:
        shutil.rmtree(ordner, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
