"""Long crash-safety run: ``python scripts/absturztest.py --anzahl 500``.

Kills a writing ozgdesk child process with SIGKILL at random moments and checks the store after
each kill (see tests/absturz/harness.py). Prints kills, committed changes and every problem found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ozgdesk.model import Store  # noqa: E402
from ozgdesk.model.einrichtung import demo_einrichten  # noqa: E402
from tests.absturz.harness import laufen  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--anzahl", type=int, default=500, help="Anzahl der Abbrüche")
    p.add_argument("--wege", default="bearbeiten", help="Schreibpfade, kommagetrennt")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-warten", type=float, default=0.03,
                   help="Abbruch bis zu so vielen Sekunden in den nächsten Vorgang (Katalogimport: 1.5)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pfad = Path(tmp) / "ozgdesk.sqlite"
        with Store.oeffnen(pfad) as store:
            demo_einrichten(store)
        start = time.perf_counter()
        e = laufen(pfad, args.anzahl, args.wege, args.seed, args.max_warten)
        dauer = time.perf_counter() - start
    print(f"Abbrüche: {e.kills}, bestätigte Änderungen: {e.committed} (davon Einreichungen: {e.einreichungen}), "
          f"Fehler: {len(e.fehler)}, Dauer: {dauer:.0f} s")
    for f in e.fehler[:50]:
        print("  " + f)
    return 1 if e.fehler else 0


if __name__ == "__main__":
    sys.exit(main())
