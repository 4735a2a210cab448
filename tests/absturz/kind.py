"""Child process of the crash harness: runs write paths in a loop until it is killed.

After each transaction *returns* (i.e. is reported committed to the user) it prints
``COMMIT <marker>`` and flushes, so the parent knows which changes must survive a SIGKILL.
Write paths are chosen by name on the command line; each one writes several related rows in one
transaction so a half-applied change is detectable.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date
from pathlib import Path

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


_EXPORT: list[dict] = []


def katalogimport(store: Store, marker: str, rng: random.Random) -> None:
    """A catalogue update (5,272 rows, CSV) renaming one Leistung to the marker: one big transaction.

    The file is named after the marker, so the harness can check that the rename and the import
    record (and their change-log entries) exist together or not at all.
    """
    from tests.katalog_export import als_csv, export_zeilen

    from ozgdesk.model.katalogimport.anwenden import anwenden
    from ozgdesk.model.katalogimport.zeilen import lesen

    if not _EXPORT:
        _EXPORT.extend(export_zeilen())
    for z in _EXPORT:
        if str(z["OZG-ID"]) == "10000":
            z["OZG-Leistungen"] = f"Elterngeld {marker}"
    pfad = als_csv(_EXPORT, Path(tempfile.gettempdir()) / f"katalog-{marker}.csv")
    stand = lesen(pfad)
    pfad.unlink()
    with store.session(benutzer="absturztest", quelle="katalogimport") as s:
        anwenden(s, stand)


def abgleich(store: Store, marker: str, rng: random.Random) -> None:
    """Sync apply: device A (next to the store, not under test) edits and publishes; the store
    under test applies A's change file (data, log entries and cursor in one transaction)."""
    from ozgdesk.model.felder import projekt_setzen
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    ordner = store.pfad.parent
    backend = OrdnerBackend(ordner / "ablage")
    with Store.oeffnen(ordner / "geraet-a.sqlite") as a:
        with a.session(benutzer="geraet-a") as s:
            kennung = rng.choice(["BMAS-2024-01", "BMAS-2024-05", "BMAS-2025-03"])
            projekt_setzen(s, kennung, [("abweichungsbegruendung", marker), ("ampel_umfang_grund", marker)])
        jetzt_abgleichen(a, backend)
    jetzt_abgleichen(store, backend)


def einreichung(store: Store, marker: str, rng: random.Random) -> str:
    """A submission: frozen record (with the whole snapshot) plus package folder. Reports E-<version>."""
    from ozgdesk.model.values import Quartal
    from ozgdesk.reports.einreichung import einreichen

    paket = einreichen(store, Quartal(2026, 3), store.pfad.parent / "pakete", stand=date(2026, 11, 15))
    return f"E-{paket.version}"


WEGE = {"bearbeiten": bearbeiten, "katalog": katalogimport, "abgleich": abgleich, "einreichung": einreichung}


def main() -> None:
    pfad, wege, seed = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    rng = random.Random(seed)
    store = Store.oeffnen(pfad)
    print("BEREIT", flush=True)
    n = 0
    while True:
        n += 1
        marker = f"M{seed}-{n}"
        gemeldet = WEGE[rng.choice(wege)](store, marker, rng)
        print(f"COMMIT {gemeldet or marker}", flush=True)


if __name__ == "__main__":
    main()
