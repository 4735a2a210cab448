"""Zeitleiste benchmark: the Ressort-wide timeline of a store with 10,000 projects.

    python bench/zeitleiste.py [--gross /tmp/ozg-zeitleiste] [--projekte 10000]

Times what the user waits for: the read on the DB worker (four set queries), building the rows
for the folded overview and for everything unfolded, one repaint of the visible chart, and the
rebuild after a keystroke in the search field. The store is built by ``bench/grosser_store.py``
(without payments, which the timeline does not read) if missing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ergebnis import melden  # noqa: E402
from grosser_store import erzeugen  # noqa: E402


def median_ms(fn, runden: int = 5) -> float:  # noqa: ANN001
    zeiten = []
    for _ in range(runden):
        t = time.perf_counter()
        fn()
        zeiten.append(time.perf_counter() - t)
    return 1000 * statistics.median(zeiten)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--gross", default=str(Path(tempfile.gettempdir()) / "ozg-zeitleiste"))
    p.add_argument("--projekte", type=int, default=10_000)
    args = p.parse_args()
    pfad = Path(args.gross) / "ozgdesk.sqlite"
    if not pfad.exists():
        pfad.parent.mkdir(parents=True, exist_ok=True)
        erzeugen(pfad, args.projekte, 0)

    from PySide6.QtWidgets import QApplication

    from ozgdesk.model import zeitleiste as zl
    from ozgdesk.model.store import Store
    from ozgdesk.ui.runner import SofortRunner
    from ozgdesk.ui.zeitleiste import Zeitleiste

    app = QApplication.instance() or QApplication([])
    stichtag = zl.date(2026, 11, 15)
    with Store.oeffnen(pfad) as store:
        with store.lesen() as s:
            anzahl = len(zl.lesen(s))
            lesen = median_ms(lambda: zl.laden(s))
            daten = zl.laden(s)
        alle = {pl.id for pl in daten.projekte}
        zu = median_ms(lambda: zl.zeilen(daten.projekte, stichtag, zugeklappt=alle))
        auf = median_ms(lambda: zl.zeilen(daten.projekte, stichtag))
        zeilen_auf = len(zl.zeilen(daten.projekte, stichtag))
        w = Zeitleiste(store, SofortRunner(), lambda: stichtag)
        w.resize(1400, 800)
        w.show()
        w.neu_laden()
        app.processEvents()
        malen = median_ms(lambda: w.ansicht.viewport().repaint(), runden=9)
        w.suche.setText("Lastprojekt 12")
        filtern = median_ms(w.aufbauen)
        w.suche.setText("")
        w.alle_umschalten()  # everything unfolded
        app.processEvents()
        malen_auf = median_ms(lambda: w.ansicht.viewport().repaint(), runden=9)
        w.close()
        w.deleteLater()
        app.processEvents()
    print(f"Projekte: {anzahl}, Zeilen aufgeklappt: {zeilen_auf}")
    print(f"  lesen (Worker)                    : {lesen:7.0f} ms")
    print(f"  Zeilen, alle zugeklappt           : {zu:7.0f} ms")
    print(f"  Zeilen, alle aufgeklappt          : {auf:7.0f} ms")
    print(f"  Neuaufbau nach Sucheingabe        : {filtern:7.0f} ms")
    print(f"  Neuzeichnen (sichtbarer Teil)     : {malen:7.1f} ms  (aufgeklappt {malen_auf:.1f} ms)")
    melden("Zeitleiste 10.000 Projekte: lesen", round(lesen), "ms", ziel="≤ 1000 ms (im Hintergrund)", erreicht=lesen <= 1000)
    melden("Zeitleiste: Zeilen aufbauen (zugeklappt)", round(zu), "ms", ziel="≤ 200 ms", erreicht=zu <= 200)
    melden("Zeitleiste: Neuaufbau nach Sucheingabe", round(filtern), "ms", ziel="≤ 200 ms", erreicht=filtern <= 200)
    melden("Zeitleiste: Neuzeichnen", round(malen_auf, 1), "ms", ziel="≤ 30 ms", erreicht=malen_auf <= 30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
