"""Versions and paths for IT support ("Über / Diagnose"), as plain text to copy into a ticket.

Qt-free so the CLI can print the same; never includes secrets or personal data (the keyring is
named by its backend only, the sync target without credentials).
"""

from __future__ import annotations

import platform
import sqlite3
import sys
from importlib import metadata

from ozgdesk import __version__, logbuch
from ozgdesk.model.store import Store

PAKETE = ("PySide6-Essentials", "SQLAlchemy", "alembic", "openpyxl", "reportlab", "keyring", "httpx", "platformdirs")


def _version(paket: str) -> str:
    try:
        return metadata.version(paket)
    except metadata.PackageNotFoundError:
        return "nicht installiert"


def _keyring() -> str:
    try:
        import keyring

        return type(keyring.get_keyring()).__name__
    except Exception as e:  # noqa: BLE001 - diagnosis must show, not fail
        return f"nicht verfügbar ({type(e).__name__})"


def _groesse(store: Store) -> int:
    """Bytes the database takes: the file and its WAL (recent commits until the next checkpoint), or
    on a server what it reports for the database."""
    if store.ist_server:
        from sqlalchemy import text

        with store.engine.connect() as con:
            return int(con.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    return sum(p.stat().st_size for p in (store.pfad, store.pfad.with_name(store.pfad.name + "-wal")) if p.exists())


def _server(store: Store) -> str:
    from sqlalchemy import text

    with store.engine.connect() as con:
        return str(con.execute(text("SHOW server_version")).scalar_one())


def diagnose(store: Store) -> list[tuple[str, str]]:
    home = store.ordner
    groesse = _groesse(store)
    zeilen = [
        ("ozgdesk", __version__),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Betriebssystem", platform.platform()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if store.ist_server:
        zeilen.append(("PostgreSQL", _server(store)))
    zeilen += [(p, _version(p)) for p in PAKETE + (("psycopg",) if store.ist_server else ())]
    from ozgdesk.sync.abgleich import ZIEL  # only the setting: the full sync status counts the change log

    zeilen += [
        # a server is shown as user@host:port/db: the password is never part of it
        ("Datenbank", store.ort.anzeige if not store.ist_server else f"{store.ort.anzeige} (Server, mehrere Personen)"),
        ("Datenbankgröße", f"{groesse / 2**20:.1f} MiB".replace(".", ",")),
        ("Schema", store.revision()),
        ("Gerätekennung", store.geraet_id),
        ("Datenordner", str(home)),
        ("Sicherungen", str(home / "backups") if not store.ist_server else "auf dem Server (pg_dump, Sache der IT)"),
        ("Protokolldatei", str(logbuch.logdatei(home))),
        ("Schlüsselbund", _keyring()),
        # a URL typed with user:password@ must not reach a ticket: the log's redaction applies here too
        ("Abgleichziel", logbuch.schwaerzen(store.meta(ZIEL) or "") or "nicht eingerichtet"),
    ]
    return zeilen


def als_text(zeilen: list[tuple[str, str]]) -> str:
    breite = max(len(k) for k, _ in zeilen)
    return "\n".join(f"{k + ':':<{breite + 1}} {v}" for k, v in zeilen) + "\n"


__all__ = ["als_text", "diagnose"]
