"""Benchmark: the Änderungsprotokoll page over a big change log (default 1,000,000 entries).

    .venv/bin/python bench/aenderungsprotokoll.py [--eintraege 1000000] [--home /tmp/ozg-protokoll]

The store is the demo Ressort plus 10,000 projects with milestones and 100,000 payments (as
``bench/grosser_store.py`` builds them), then ``--eintraege`` change-log entries inserted with
``executemany``: field changes of projects and milestones, created and deleted payments, 25
people, every source, spread over three years; 2 % of them name records deleted since (their
names only in the log). Building it is not timed; the store is reused when it exists.

Timed, each as the median of five runs, exactly what the page's worker runs
(:func:`ozgdesk.model.protokollansicht.laden`): the first page (200 rows, names resolved, the
count), the next page, and the first page under each filter – person, source, date range, a
record's text, kind of record. Goal: every one ≤ 0.5 s, so that the page never keeps the worker
(and with it every other page's loads) busy for long. The drop-down's person list reads the whole
log once, on the reader thread: ≤ 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from ergebnis import melden  # bench/ is the script's folder, first on sys.path
from grosser_store import erzeugen as grossen_store_erzeugen

from ozgdesk.model import protokollansicht as pa
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.organisation import Behoerde
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.store import Store

ZIEL_S = 0.5
#: the person list reads the whole log once, on the reader thread (the worker stays free)
ZIEL_OPTIONEN_S = 1.0
QUELLEN = ("gui", "gui", "gui", "cli", "abgleich", "abgleich", "zahlungsimport", "katalogimport")
PERSONEN = [f"Person {i:02d}" for i in range(25)]


def _log_erzeugen(store: Store, anzahl: int) -> None:
    rng = random.Random(16)
    with store.lesen() as s:
        projekte = list(s.execute(select(Projekt.id)).scalars())
        meilensteine = list(s.execute(select(Meilenstein.id)).scalars())
        zahlungen = list(s.execute(select(Mittelabfluss.id, Mittelabfluss.projekt_id)).all())
        behoerden = list(s.execute(select(Behoerde.id)).scalars())
    beginn = datetime(2024, 1, 1, tzinfo=UTC)
    spalten = ("id", "geraet", "seq", "transaktion", "zeitpunkt", "benutzer", "quelle", "tabelle", "datensatz_id",
               "aktion", "feld", "alt", "neu")
    sql = f"INSERT INTO aenderung ({', '.join(spalten)}) VALUES ({', '.join('?' for _ in spalten)})"
    geraet = str(uuid.uuid4())
    block = []
    con = store.engine.raw_connection()
    try:
        cur = con.cursor()
        for i in range(anzahl):
            zeit = (beginn + timedelta(seconds=int(i * 94_000_000 / anzahl))).isoformat()
            art = rng.random()
            if art < 0.35:
                tabelle, rid, aktion, feld = "projekt", rng.choice(projekte), "aendern", "ampel_gesamt"
                alt, neu = json.dumps("gruen"), json.dumps(rng.choice(["gelb", "rot"]))
            elif art < 0.45:
                tabelle, rid, aktion, feld = "projekt", rng.choice(projekte), "aendern", "behoerde_id"
                alt, neu = json.dumps(rng.choice(behoerden)), json.dumps(rng.choice(behoerden))
            elif art < 0.70:
                tabelle, rid, aktion, feld = "meilenstein", rng.choice(meilensteine), "aendern", "prognose_datum"
                alt = json.dumps(str(date(2025, 1, 1) + timedelta(days=rng.randrange(700))))
                neu = json.dumps(str(date(2025, 1, 1) + timedelta(days=rng.randrange(700))))
            elif art < 0.98:
                zid, pid = rng.choice(zahlungen)
                tabelle, rid, aktion, feld, alt = "mittelabfluss", zid, "anlegen", None, None
                neu = json.dumps({"id": zid, "projekt_id": pid, "datum": "2025-03-14", "betrag_cent": rng.randrange(100, 10**8),
                                  "haushaltsstelle": "0602 532 01", "kostenart": "dienstleistung",
                                  "referenz": f"RE-{i:07d}", "bemerkung": ""}, sort_keys=True)
            else:  # a payment deleted since: its name only in the log
                zid = str(uuid.uuid4())
                tabelle, rid, aktion, feld, neu = "mittelabfluss", zid, "loeschen", None, None
                alt = json.dumps({"id": zid, "projekt_id": rng.choice(projekte), "datum": "2025-06-30",
                                  "betrag_cent": 125_000, "haushaltsstelle": "0602 532 01", "kostenart": "software",
                                  "referenz": f"ALT-{i:07d}", "bemerkung": ""}, sort_keys=True)
            block.append((str(uuid.uuid4()), geraet, i + 1, str(uuid.uuid4()), zeit, rng.choice(PERSONEN),
                          rng.choice(QUELLEN), tabelle, rid, aktion, feld, alt, neu))
            if len(block) == 50_000:
                cur.executemany(sql, block)
                block.clear()
        if block:
            cur.executemany(sql, block)
        con.commit()
        cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cur.execute("ANALYZE")
    finally:
        con.close()


def _messen(store: Store, filter_: pa.Protokollfilter, nach: pa.Protokollzeile | None = None) -> tuple[float, int]:
    zeiten, n = [], 0
    for _ in range(5):
        t = time.perf_counter()
        with store.lesen() as s:
            seite = pa.laden(s, filter_, nach=nach)
        zeiten.append(time.perf_counter() - t)
        n = len(seite.zeilen)
    return statistics.median(zeiten), n


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--eintraege", type=int, default=1_000_000)
    p.add_argument("--home", default="/tmp/ozg-bench-protokoll")
    args = p.parse_args()
    pfad = Path(args.home) / "ozgdesk.sqlite"
    if not pfad.exists():
        Path(args.home).mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        grossen_store_erzeugen(pfad, 10_000, 100_000)
        with Store.oeffnen(pfad) as store:
            _log_erzeugen(store, args.eintraege)
        print(f"{pfad} erzeugt in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    ok = True
    with Store.oeffnen(pfad) as store:
        with store.lesen() as s:
            erste = pa.laden(s, pa.Protokollfilter())
            optionen = pa.filteroptionen(s)
        print(f"{erste.anzahl} Einträge, {len(optionen.personen)} Personen", file=sys.stderr)
        faelle = {
            "erste Seite": (pa.Protokollfilter(), None),
            "nächste Seite": (pa.Protokollfilter(), erste.zeilen[-1]),
            "Person": (pa.Protokollfilter(person=PERSONEN[3]), None),
            "Quelle Kommandozeile": (pa.Protokollfilter(quelle="cli"), None),
            "Zeitraum ein Monat": (pa.Protokollfilter(von=date(2025, 3, 1), bis=date(2025, 3, 31)), None),
            "Datensatz (Kennung)": (pa.Protokollfilter(datensatz="LAST-000123"), None),
            "Art Meilenstein": (pa.Protokollfilter(tabelle="meilenstein"), None),
            "Person + Quelle + Zeitraum": (pa.Protokollfilter(person=PERSONEN[7], quelle="abgleich",
                                                              von=date(2024, 6, 1), bis=date(2024, 8, 31)), None),
        }
        for name, (f, nach) in faelle.items():
            dauer, n = _messen(store, f, nach)
            ok &= dauer <= ZIEL_S
            melden(f"Protokoll: {name} ({n} Zeilen)", dauer, "s", ziel=f"≤ {ZIEL_S:g} s".replace(".", ","), erreicht=dauer <= ZIEL_S)
        t = time.perf_counter()
        with store.lesen() as s:
            pa.filteroptionen(s)
        dauer = time.perf_counter() - t
        ok &= dauer <= ZIEL_OPTIONEN_S
        melden("Protokoll: Filterauswahl (Personen, Lesethread)", dauer, "s", ziel=f"≤ {ZIEL_OPTIONEN_S:g} s".replace(".", ","),
               erreicht=dauer <= ZIEL_OPTIONEN_S)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
