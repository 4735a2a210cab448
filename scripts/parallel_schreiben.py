"""Two writers at once: ``python scripts/parallel_schreiben.py [--anzahl 200] [--einzeln]``.

Starts two processes that each run ``ozgdesk-cli projekte setzen`` ``--anzahl`` times on the same
store, at the same time, each on its own field of the same project (so a lost update would show).
Then checks: no failed command, both fields hold their writer's last value, the change log has
exactly 2 × anzahl new entries, and ``seq`` is gap-free for the device.

Default: each writer process calls the CLI's ``main()`` in a loop (one store open, one session and
one commit per call, exactly as a separate ``ozgdesk-cli`` run does, without 1 s of start-up each).
``--einzeln`` starts one real ``ozgdesk-cli`` process per edit instead (2 × anzahl processes).
Exit code 0 if every check holds.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJEKT = "BMAS-2024-01"
FELDER = ("risiken", "naechste_schritte")

_SCHREIBER = """
import sys
from ozgdesk.cli import main
home, feld, anzahl = sys.argv[1], sys.argv[2], int(sys.argv[3])
fehler = 0
for i in range(anzahl):
    if main(["--home", home, "projekte", "setzen", "%s", f"{feld}={feld} {i}"]) != 0:
        fehler += 1
sys.exit(min(fehler, 100))
""" % PROJEKT  # noqa: UP031 - the code holds f-strings of its own


def _zaehlen(db: Path) -> tuple[int, list[int]]:
    con = sqlite3.connect(db)
    try:
        seqs = [r[0] for r in con.execute(
            "SELECT seq FROM aenderung WHERE geraet=(SELECT wert FROM meta WHERE id='geraet_id') ORDER BY seq")]
        return len(seqs), seqs
    finally:
        con.close()


def laufen(home: Path, anzahl: int, einzeln: bool) -> dict[str, object]:
    """Run both writers against the store in ``home``; return the figures and the problems found."""
    db = home / "ozgdesk.sqlite"
    vorher, _ = _zaehlen(db)
    start = time.perf_counter()
    meldungen: list[str] = []
    if einzeln:
        fehler = _einzeln(home, anzahl)
    else:
        prozesse = [subprocess.Popen([sys.executable, "-c", _SCHREIBER, str(home), f, str(anzahl)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for f in FELDER]
        fehler = 0
        for p in prozesse:
            _out, err = p.communicate()
            fehler += p.returncode
            meldungen.append(err)
    dauer = time.perf_counter() - start
    nachher, seqs = _zaehlen(db)
    con = sqlite3.connect(db)
    try:
        werte = con.execute(f"SELECT {', '.join(FELDER)} FROM projekt WHERE kennung=?", (PROJEKT,)).fetchone()
    finally:
        con.close()
    probleme = []
    if fehler:
        gruende = " | ".join(m.strip()[-500:] for m in meldungen if m.strip())
        probleme.append(f"{fehler} fehlgeschlagene Befehle" + (f": {gruende}" if gruende else ""))
    if nachher - vorher != 2 * anzahl:
        probleme.append(f"{nachher - vorher} neue Protokolleinträge statt {2 * anzahl}")
    if seqs != list(range(1, len(seqs) + 1)):
        probleme.append("seq ist nicht lückenlos")
    for feld, wert in zip(FELDER, werte, strict=True):
        if wert != f"{feld} {anzahl - 1}":
            probleme.append(f"{feld} ist {wert!r} statt {feld} {anzahl - 1!r}: Änderung verloren")
    return {"befehle": 2 * anzahl, "fehlgeschlagen": fehler, "neue_eintraege": nachher - vorher,
            "dauer_s": round(dauer, 1), "probleme": probleme}


def _einzeln(home: Path, anzahl: int) -> int:
    cli = [sys.executable, "-m", "ozgdesk.cli", "--home", str(home), "projekte", "setzen", PROJEKT]
    fehler = 0
    for i in range(anzahl):
        laufend = [subprocess.Popen([*cli, f"{f}={f} {i}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True) for f in FELDER]
        for p in laufend:
            _out, err = p.communicate()
            if p.returncode != 0:
                fehler += 1
                print(f"Befehl {i} endete mit {p.returncode}: {err.strip()}", file=sys.stderr)
    return fehler


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--anzahl", type=int, default=200, help="Änderungen je Schreiber (Standard 200)")
    p.add_argument("--einzeln", action="store_true", help="je Änderung ein eigener ozgdesk-cli-Prozess")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        subprocess.run([sys.executable, "-m", "ozgdesk.cli", "--home", tmp, "init", "--demo"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        ergebnis = laufen(home, args.anzahl, args.einzeln)
    print(json.dumps(ergebnis, ensure_ascii=False, indent=1))
    return 1 if ergebnis["probleme"] else 0


if __name__ == "__main__":
    sys.exit(main())
