"""Helpers for tests that run on both databases (see tests/conftest.py, ``beide_datenbanken``)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def datenbank_im_home(home: Path) -> str | Path:
    """The store a test's home stands for: ``OZGDESK_DB`` (a PostgreSQL copy) or the file in it."""
    return os.environ.get("OZGDESK_DB") or home / "ozgdesk.sqlite"


def datenbankinhalt(home: Path) -> str:
    """Everything stored, as text to compare before and after a refused command: sqlite3's dump of
    the file, or on PostgreSQL every table's row count and content hash (ozgdesk.model.umzug)."""
    ort = datenbank_im_home(home)
    if isinstance(ort, Path):
        con = sqlite3.connect(ort)
        try:
            return "\n".join(con.iterdump())
        finally:
            con.close()
    from ozgdesk.model.base import Base
    from ozgdesk.model.store import Store
    from ozgdesk.model.umzug import inhalt

    with Store.oeffnen(ort) as store, store.lesen() as s:
        i = inhalt(s, Base.metadata.tables.values())
    return "\n".join(f"{n}: {i.zahlen[n]} {i.hashes[n]}" for n in sorted(i.zahlen))
