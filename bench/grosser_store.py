"""Build a large store for the GUI benchmarks: the demo Ressort plus N projects and M payments.

    python bench/grosser_store.py --home /tmp/ozg-gross --projekte 10000 --zahlungen 1000000

The demo Ressort is created normally (through the change log). The extra projects, milestones
and payments are inserted with SQLAlchemy Core ``executemany`` and **bypass the ORM change-log
hook**: that is acceptable only for generating benchmark fixtures (a million logged inserts would
take many minutes and the log itself is not what these benchmarks measure). Never use this path
for user data.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from ozgdesk.model.einrichtung import demo_einrichten
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model import volltext
from ozgdesk.model.store import Store
from ozgdesk.model.values import Ampel, Finanzierung, Haushaltsstelle, Kostenart, MeilensteinStatus

HHST = (Haushaltsstelle.parse("0602 532 01"), Haushaltsstelle.parse("0602 812 01"))


def erzeugen(pfad: Path, projekte: int, zahlungen: int, meilensteine_je_projekt: int = 4) -> None:
    rng = random.Random(4711)
    with Store.oeffnen(pfad) as store:
        demo_einrichten(store)
        with store.lesen() as s:
            behoerden = list(s.execute(select(Behoerde.id)).scalars())
            personen = list(s.execute(select(Person.id)).scalars())
        ampeln = (Ampel.GRUEN, Ampel.GRUEN, Ampel.GELB, Ampel.ROT)
        projekt_ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(projekte)]
        with store.engine.begin() as con:
            zeilen = []
            for i, pid in enumerate(projekt_ids):
                beginn = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1200))
                zeilen.append(dict(
                    id=pid, kennung=f"LAST-{i:06d}", titel=f"Lastprojekt {i} – Digitalisierung Verfahren {rng.randrange(1000)}",
                    zweck="", ziele="", ergebnisse="", behoerde_id=rng.choice(behoerden), projektleiter_id=rng.choice(personen),
                    finanzierung=rng.choice(list(Finanzierung)), beratung_fachlich=False, beratung_architektur=False,
                    umsetzung=True, komponenten="", abweichungsbegruendung="", beginn=beginn,
                    ende=beginn + timedelta(days=rng.randrange(365, 1100)), eigenpersonal_pt=None, aktenzeichen="",
                    ampel_gesamt=rng.choice(ampeln), ampel_gesamt_grund="", ampel_zeit=Ampel.GRUEN, ampel_zeit_grund="",
                    ampel_kosten=Ampel.GRUEN, ampel_kosten_grund="", ampel_umfang=Ampel.GRUEN, ampel_umfang_grund="",
                    risiken="", naechste_schritte="", interne_bemerkung="",
                ))
            con.execute(insert(Projekt), zeilen)
            ms = []
            for pid in projekt_ids:
                for k in range(meilensteine_je_projekt):
                    plan = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 1400))
                    ms.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128))), projekt_id=pid, arbeitspaket_id=None,
                                   titel=f"Meilenstein {k + 1}", plan_datum=plan, prognose_datum=plan, ist_datum=None,
                                   status=MeilensteinStatus.OFFEN, oeffentlich=True, bemerkung=""))
            con.execute(insert(Meilenstein), ms)
            block = 50_000
            for start in range(0, zahlungen, block):
                con.execute(insert(Mittelabfluss), [
                    dict(id=str(uuid.UUID(int=rng.getrandbits(128))), projekt_id=rng.choice(projekt_ids),
                         datum=date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1400)),
                         betrag_cent=rng.randrange(100, 50_000_000), haushaltsstelle=rng.choice(HHST),
                         kostenart=rng.choice(list(Kostenart)), referenz=f"RE-{start + j:07d}", bemerkung="")
                    for j in range(min(block, zahlungen - start))
                ])
            volltext.nachziehen(con)  # Core inserts bypass the Store's session: index them in one go
        with store.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            con.exec_driver_sql("ANALYZE")


def gross_pfad(ordner: str | Path | None = None) -> Path:
    """The large store (built now if missing): in ``ordner``, by default in the temp folder per schema
    revision – a store of another revision is neither migrated nor refused by another checkout's run."""
    from ozgdesk.model.datei import schema_kopf

    heim = Path(ordner) if ordner else Path(tempfile.gettempdir()) / f"ozgdesk-bench-gross-{schema_kopf()}"
    pfad = heim / "ozgdesk.sqlite"
    if not pfad.exists():
        heim.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        bau = pfad.with_suffix(".bau")
        erzeugen(bau, 10_000, 1_000_000)
        bau.rename(pfad)
        for rest in heim.glob(bau.name + "-*"):  # the empty -wal/-shm of the closed store
            rest.unlink()
        print(f"{pfad}: großer Store aufgebaut in {time.perf_counter() - t:.0f} s (nicht gemessen)", flush=True)
    return pfad


def main() -> int:
    p = argparse.ArgumentParser(description="Großen Benchmark-Store erzeugen (umgeht das Änderungsprotokoll!).")
    p.add_argument("--home", required=True, help="Zielordner; die Datenbank heißt ozgdesk.sqlite")
    p.add_argument("--projekte", type=int, default=10_000)
    p.add_argument("--zahlungen", type=int, default=1_000_000)
    args = p.parse_args()
    pfad = Path(args.home) / "ozgdesk.sqlite"
    if pfad.exists():
        print(f"{pfad} existiert bereits – wird wiederverwendet.")
        return 0
    Path(args.home).mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    erzeugen(pfad, args.projekte, args.zahlungen)
    print(f"{pfad}: {args.projekte} Projekte, {args.zahlungen} Zahlungen in {time.perf_counter() - t:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
