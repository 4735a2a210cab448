"""Issue 11, point 6 (and the store's share of point 7), without Qt: the write lock is taken first."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from ozgdesk.model.entitaeten import Projekt
from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _titel(store: Store) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt.titel).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()


def test_zwei_prozesse_schreiben_gleichzeitig_nichts_scheitert_nichts_geht_verloren(demo_home):
    """Two processes × 60 ``projekte setzen`` on the same project (its own field each). Before the fix
    one of them died within its first edits with ``IntegrityError … aenderung.geraet, aenderung.seq``.
    The full run (2 × 200, also as 400 separate processes) is ``scripts/parallel_schreiben.py``."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from parallel_schreiben import laufen
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    ergebnis = laufen(demo_home, 60, einzeln=False)
    assert ergebnis["probleme"] == [] and ergebnis["fehlgeschlagen"] == 0
    assert ergebnis["neue_eintraege"] == 120


def test_schreibsitzung_wartet_und_meldet_deutsch_nichts_geschrieben(demo_home):
    db = demo_home / "ozgdesk.sqlite"
    with Store.oeffnen(db, warten=0.2) as store:
        with store.lesen() as s:
            log_vorher = s.execute(select(func.count(Aenderung.id))).scalar_one()
        sperre = sqlite3.connect(db, isolation_level=None)
        sperre.execute("BEGIN IMMEDIATE")
        try:
            assert _titel(store)  # a read never waits for the writer
            with pytest.raises(Speicherfehler, match="nicht frei.*nichts gespeichert"):
                with store.session() as s:
                    s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-01")).scalar_one().titel = "Neu"
        finally:
            sperre.rollback()
            sperre.close()
        assert _titel(store) != "Neu"
        with store.lesen() as s:
            assert s.execute(select(func.count(Aenderung.id))).scalar_one() == log_vorher


def test_schreibsitzung_haelt_die_sperre_vom_ersten_lesen_an(demo_store):
    """The seq of the change log is read under the lock: while a session is open, nobody else can write."""
    with demo_store.session() as s:
        s.execute(select(Projekt.id).limit(1)).all()  # only a read so far
        fremd = sqlite3.connect(demo_store.pfad, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                fremd.execute("BEGIN IMMEDIATE")
        finally:
            fremd.close()


def test_volle_platte_deutsche_meldung_nichts_geschrieben(demo_home):
    db = demo_home / "ozgdesk.sqlite"
    with Store.oeffnen(db) as store:
        store.schreib_engine.dispose()  # new connections get the limit below

        @event.listens_for(store.schreib_engine, "connect")
        def _voll(dbapi_con, _rec):  # noqa: ANN001, ANN202 - SQLite's own "disk full": no page beyond the current ones
            seiten = dbapi_con.execute("PRAGMA page_count").fetchone()[0]
            dbapi_con.execute(f"PRAGMA max_page_count={seiten}")

        alt = _titel(store)
        with pytest.raises(Speicherfehler, match="kein Platz mehr"):
            with store.session() as s:
                for p in s.execute(select(Projekt)).scalars():
                    p.ziele = "Sehr lange Ziele " * 100
        assert _titel(store) == alt
