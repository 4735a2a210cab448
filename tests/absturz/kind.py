"""Child process of the crash harness: runs write paths in a loop until it is killed.

After each transaction *returns* (i.e. is reported committed to the user) it prints
``COMMIT <marker>`` and flushes, so the parent knows which changes must survive a SIGKILL.
Write paths are chosen by name on the command line; each one writes several related rows in one
transaction so a half-applied change is detectable.
"""

from __future__ import annotations

import random
import sys
from datetime import date

from sqlalchemy import select

from ozgdesk.model import Mittelabfluss, Projekt, Store
from ozgdesk.model.values import Haushaltsstelle


def bearbeiten(store: Store, marker: str, rng: random.Random) -> None:
    """An edit: two fields of a project and one new payment, all carrying the marker."""
    with store.session(benutzer="absturztest") as s:
        projekte = s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()
        p = rng.choice(projekte)
        p.risiken = marker
        p.naechste_schritte = marker
        s.add(Mittelabfluss(projekt_id=p.id, datum=date(2026, 10, 1), betrag_cent=rng.randrange(1, 10**9),
                            haushaltsstelle=Haushaltsstelle.parse("0602 532 01"), referenz=marker))


WEGE = {"bearbeiten": bearbeiten}


def main() -> None:
    pfad, wege, seed = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    rng = random.Random(seed)
    store = Store.oeffnen(pfad)
    print("BEREIT", flush=True)
    n = 0
    while True:
        n += 1
        marker = f"M{seed}-{n}"
        WEGE[rng.choice(wege)](store, marker, rng)
        print(f"COMMIT {marker}", flush=True)


if __name__ == "__main__":
    main()
