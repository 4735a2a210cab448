#!/usr/bin/env python3
"""Benchmark of the receiver: 17 Ressorts × 60 projects × 4 quarters × 2 Fassungen (136 packages).

    .venv/bin/python bench/empfang.py [--ressorts 17] [--projekte 60] [--quartale 4] [--signiert 8] [--db URL]

1. Generates the packages in the real format under a share's outbox layout (``tests/empfang_pakete.py``:
   report JSON validated against the shipped schema once, a workbook stand-in, manifest, transfer
   files; the first ``--signiert`` packages with a CAdES signature of a test CA). Not timed.
2. ``ozgdesk-cli empfang einlesen`` in a child process: wall time, time per package, peak memory
   (the child's maximum resident set size).
3. The same again: nothing may be loaded twice (the cost of re-reading a tree already read).
4. ``ozgdesk-cli empfang uebersicht`` for the last quarter (PDF + XLSX): wall time, peak memory.
5. The overview's totals against the sums of the packages' JSON, computed here from the files:
   the workbook's total row (Plan/Ist in the quarter and the year, projects, milestones) must equal
   them to the cent; printed with „gleich“ or the difference, and the run fails otherwise.

Goals (issue 17): reading ≤ 60 s and the overview ≤ 5 s on this machine, each below 500 MiB; the
totals equal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from ergebnis import melden  # noqa: E402

from tests import empfang_pakete as ep  # noqa: E402

_KIND = ("import resource, sys\nfrom ozgdesk.cli import main\nrc = main(sys.argv[1:])\nru = resource.getrusage(resource.RUSAGE_SELF)\n"
         "print('SPITZE_KIB', ru.ru_maxrss, ru.ru_utime + ru.ru_stime, file=sys.stderr)\nsys.exit(rc)\n")
#: CPU seconds of the last child (wall time suffers when other work shares the machine's cores)
CPU = [0.0]


def _cli(*args: str) -> tuple[float, float, str, int]:
    """Run ``ozgdesk-cli`` in a child process: (seconds, peak MiB, stdout, exit code); CPU time in :data:`CPU`."""
    start = time.perf_counter()
    lauf = subprocess.run([sys.executable, "-c", _KIND, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    dauer = time.perf_counter() - start
    zeile = next((z.split() for z in lauf.stderr.splitlines() if z.startswith("SPITZE_KIB")), ["", "0", "0"])
    spitze, CPU[0] = int(zeile[1]) / 1024, float(zeile[2])
    if lauf.returncode not in (0, 1):
        print(lauf.stderr[-3000:], file=sys.stderr)
    return dauer, spitze, lauf.stdout, lauf.returncode


def _erzeugen(wurzel: Path, args: argparse.Namespace) -> tuple[int, int]:
    unterzeichner = None
    if args.signiert:
        from ozgdesk.reports.paketsignatur import pkcs12_datei_laden
        from tests.pki import PASSWORT, Stelle

        unterzeichner = pkcs12_datei_laden(Stelle.neu().pkcs12(wurzel / "ressort.p12"), PASSWORT)
    pakete = signiert = 0
    for i, r in enumerate(ep.RESSORTS[:args.ressorts]):
        for q in ep.quartale(args.quartale):
            for fassung in (1, 2):
                daten = ep.bericht(r, q, fassung, args.projekte, ep.erstellt(q, i, fassung), pruefen=pakete == 0)
                mit = signiert < args.signiert
                ep.paket_schreiben(wurzel / "ablagen", daten, unterzeichner=unterzeichner if mit else None)
                pakete += 1
                signiert += mit
    return pakete, signiert


def _json_summen(wurzel: Path, q: str) -> dict[str, int]:
    """The sums over the newest Fassung per Ressort, from the JSON files alone."""
    neueste: dict[str, dict] = {}
    for datei in wurzel.rglob("Quartalsbericht_*.json"):
        b = json.loads(datei.read_text(encoding="utf-8"))
        r = b["ressort"]["kurzname"]
        if b["zeitraum"] == q and (r not in neueste or b["einreichung"]["version"] > neueste[r]["einreichung"]["version"]):
            neueste[r] = b
    summen = {f: sum(b["summen"][f] for b in neueste.values())
              for f in ("plan_quartal_cent", "ist_quartal_cent", "plan_jahr_cent", "ist_jahr_cent", "projekte")}
    ende = date.fromisoformat(next(iter(neueste.values()))["zeitraum_ende"])
    summen["meilensteine_faellig"] = sum(1 for b in neueste.values() for p in b["projekte"] for m in p["meilensteine"]
                                         if m["status"] != "entfallen" and m["plan"]
                                         and date.fromisoformat(m["plan"]) <= ende)
    return summen


def _xlsx_summen(datei: Path) -> dict[str, int]:
    from openpyxl import load_workbook

    wb = load_workbook(datei)
    aus: dict[str, int] = {}
    for blatt, spalten in (("Mittelabfluss", {"Plan Quartal": "plan_quartal_cent", "Ist Quartal": "ist_quartal_cent",
                                              "Plan Jahr kum.": "plan_jahr_cent", "Ist Jahr kum.": "ist_jahr_cent",
                                              "Projekte": "projekte"}),
                           ("Meilensteine", {"bis Quartalsende fällig": "meilensteine_faellig"})):
        ws = wb[blatt]
        kopf = [c.value for c in ws[1]]
        daten = list(ws.iter_rows(min_row=2, values_only=True))
        zeilen, summe = daten[:-1], daten[-1]
        assert summe[0] == "Summe" and str(summe[1]).startswith("=SUM(")
        for titel, feld in spalten.items():
            werte = [Decimal(str(z[kopf.index(titel)])) for z in zeilen]  # what the =SUM row adds up
            aus[feld] = int(sum(werte) * (100 if feld.endswith("_cent") else 1))
    return aus


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ressorts", type=int, default=17)
    p.add_argument("--projekte", type=int, default=60)
    p.add_argument("--quartale", type=int, default=4)
    p.add_argument("--signiert", type=int, default=8, help="so viele Pakete signieren (Test-CA)")
    p.add_argument("--db", help="Empfangsdatenbank (Standard: neue SQLite-Datei im Arbeitsordner)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="ozgdesk-bench-empfang-") as tmp:
        wurzel = Path(tmp)
        start = time.perf_counter()
        pakete, signiert = _erzeugen(wurzel, args)
        groesse = sum(f.stat().st_size for f in (wurzel / "ablagen").rglob("*") if f.is_file())
        print(f"{pakete} Pakete erzeugt ({args.ressorts} Ressorts × {args.projekte} Projekte × {args.quartale} Quartale "
              f"× 2 Fassungen, {signiert} signiert, {groesse / 2**20:.1f} MiB) in {time.perf_counter() - start:.1f} s")
        db = args.db or f"sqlite:///{wurzel / 'empfang.sqlite'}"
        dauer, spitze, out, rc = _cli("--home", str(wurzel / "home"), "empfang", "einlesen", str(wurzel / "ablagen"),
                                      "--db", db, "--json")
        ergebnis = json.loads(out)
        print(f"einlesen: {dauer:.1f} s ({dauer / pakete * 1000:.0f} ms je Paket; CPU {CPU[0]:.1f} s), Spitze {spitze:.0f} MiB; "
              f"{ergebnis['geladen']} geladen, {ergebnis['abgelehnt']} abgelehnt (Exit-Code {rc})")
        ok_laden = rc == 0 and ergebnis["geladen"] == pakete
        melden(f"Empfang: einlesen, {pakete} Pakete ({args.ressorts}×{args.projekte}×{args.quartale}×2)", dauer, "s",
               ziel="≤ 60 s", erreicht=dauer <= 60 and ok_laden)
        melden("Empfang: einlesen, Speicherspitze", spitze, "MiB", ziel="≤ 500 MiB", erreicht=spitze <= 500)
        dauer2, _spitze2, out2, rc2 = _cli("--home", str(wurzel / "home"), "empfang", "einlesen",
                                           str(wurzel / "ablagen"), "--db", db, "--json")
        nochmal = json.loads(out2)
        print(f"erneut einlesen: {dauer2:.1f} s, {nochmal['geladen']} geladen, {nochmal['bereits_eingelesen']} "
              "bereits vorhanden")
        melden("Empfang: erneut einlesen (nichts Neues)", dauer2, "s", verhaeltnis=dauer2 / dauer, basis="erstes Einlesen",
               ziel="lädt nichts", erreicht=rc2 == 0 and nochmal["geladen"] == 0)
        q = str(ep.quartale(args.quartale)[-1])
        dauer3, spitze3, out3, rc3 = _cli("--home", str(wurzel / "home"), "empfang", "uebersicht", "--quartal", q,
                                          "--out", str(wurzel / "uebersicht"), "--db", db, "--json")
        print(f"uebersicht {q}: {dauer3:.1f} s (CPU {CPU[0]:.1f} s), Spitze {spitze3:.0f} MiB; "
              f"{[Path(x).name for x in json.loads(out3)['erzeugt']]}")
        melden(f"Empfang: Programmübersicht {q} (PDF+XLSX)", dauer3, "s", ziel="≤ 5 s", erreicht=dauer3 <= 5 and rc3 == 0)
        melden("Empfang: Programmübersicht, Speicherspitze", spitze3, "MiB", ziel="≤ 500 MiB", erreicht=spitze3 <= 500)
        soll = _json_summen(wurzel / "ablagen", q)
        ist = _xlsx_summen(wurzel / "uebersicht" / f"Programmuebersicht_{q}.xlsx")
        gleich = soll == ist
        for feld in soll:
            print(f"  {feld:24} JSON {soll[feld]:>16}  Übersicht {ist.get(feld, 0):>16}  "
                  f"{'gleich' if soll[feld] == ist.get(feld) else 'ABWEICHUNG ' + str(ist.get(feld, 0) - soll[feld])}")
        print("Summen der Übersicht = Summen der JSON-Dateien: " + ("ja" if gleich else "NEIN"))
        melden("Empfang: Summen der Übersicht = Summen der JSON-Dateien", 1.0 if gleich else 0.0, "ja/nein",
               ziel="gleich", erreicht=gleich)
        return 0 if gleich and ok_laden else 1


if __name__ == "__main__":
    sys.exit(main())
