"""The store file inspected with plain ``sqlite3``: is it ours, which schema, can it be read.

Kept free of SQLAlchemy on purpose: the desktop client checks the file and reads its first page
through these functions before SQLAlchemy is imported (see :mod:`ozgdesk.model.schnellstart`).
Everything here opens the file read-only, so a refused file stays byte-for-byte as it was.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ozgdesk.model.errors import Speicherfehler

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"


_REVISION_RE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*['\"]?([\w]+)['\"]?", re.M)


@functools.cache
def schema_kopf() -> str:
    """The newest schema revision, read from the migration files without importing Alembic.

    Alembic costs about a tenth of a second to import; a store already at this revision (every
    start but the first after an update) never needs it. A test checks this equals Alembic's head.
    """
    revisionen: set[str] = set()
    vorgaenger: set[str] = set()
    for datei in (MIGRATIONS / "versions").glob("*.py"):
        for art, wert in _REVISION_RE.findall(datei.read_text(encoding="utf-8")):
            (revisionen if art == "revision" else vorgaenger).add(wert)
    koepfe = revisionen - vorgaenger
    assert len(koepfe) == 1, f"migrations must have exactly one head, found {koepfe}"
    return koepfe.pop()


def revision_lesen(pfad: Path, vollpruefung: bool = True) -> str | None:
    """Read the schema revision read-only; raise a German error for anything that is not our DB.

    ``vollpruefung`` runs ``PRAGMA quick_check`` over every page (half a second on a large store);
    without it only the header, the page count against the file size and the schema are read,
    and the caller is expected to run :meth:`Store.integritaet_pruefen` soon after (the GUI does
    so in the background right after start-up).
    """
    try:
        with open(pfad, "rb") as f:
            kopf = f.read(16)
    except OSError as e:
        raise Speicherfehler(f"Die Datenbank {pfad} kann nicht gelesen werden: {e.strerror}.") from None
    if not kopf:
        return None
    if kopf != SQLITE_HEADER:
        raise Speicherfehler(
            f"Die Datei {pfad} ist keine ozgdesk-Datenbank (kein SQLite-Format). Sie wurde nicht verändert."
        )
    # Without a WAL file left by a crash, "immutable" reads without creating -wal/-shm files, so a
    # refused file stays byte-for-byte as it was. With one, the WAL holds committed data we must see.
    wal = pfad.with_name(pfad.name + "-wal")
    modus = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "mode=ro&immutable=1"
    try:
        con = sqlite3.connect(f"{pfad.as_uri()}?{modus}", uri=True)
        try:
            if vollpruefung:
                ergebnis = con.execute("PRAGMA quick_check").fetchone()[0]
            else:
                seiten = con.execute("PRAGMA page_count").fetchone()[0] * con.execute("PRAGMA page_size").fetchone()[0]
                ergebnis = "ok" if seiten <= pfad.stat().st_size else "Datei ist kürzer als ihr Inhaltsverzeichnis"
            if ergebnis != "ok":
                raise Speicherfehler(
                    f"Die Datenbank {pfad} ist beschädigt ({ergebnis}). Sie wurde nicht verändert; "
                    "bitte eine Sicherung aus dem Ordner „backups“ wiederherstellen."
                )
            tabellen = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tabellen:
                if tabellen:
                    raise Speicherfehler(
                        f"Die Datei {pfad} ist eine fremde SQLite-Datenbank, keine ozgdesk-Datenbank. "
                        "Sie wurde nicht verändert."
                    )
                return None
            zeile = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return zeile[0] if zeile else None
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise Speicherfehler(
            f"Die Datenbank {pfad} ist beschädigt oder unlesbar ({e}). Sie wurde nicht verändert."
        ) from None


def nur_lesbar(pfad: Path) -> bool:
    """True if ozgdesk may read but not write the store: the file or its folder is write-protected
    (the folder holds the ``-wal``/``-shm`` files and the backups, so it must be writable too)."""
    return not (os.access(pfad, os.W_OK) and os.access(pfad.parent, os.W_OK | os.X_OK))


def sqlite_meldung(fehler: sqlite3.Error, pfad: Path | str, warten: float) -> str | None:
    """A German sentence for an SQLite error the user can act on; None for anything else (a bug).

    Chosen by SQLite's result code (``sqlite_errorname``, Python ≥ 3.11), with the English text as a
    fallback for errors raised without one.
    """
    name = getattr(fehler, "sqlite_errorname", None) or ""
    text = str(fehler).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        sekunden = f"{warten:g}".replace(".", ",")
        return (f"Die Datenbank {pfad} wird gerade von einem anderen Vorgang geändert (etwa einem zweiten "
                f"ozgdesk-Fenster, einem Skript oder dem Abgleich) und war auch nach {sekunden} Sekunden nicht frei. "
                "Es wurde nichts gespeichert; bitte gleich noch einmal versuchen.")
    if name == "SQLITE_FULL" or "database or disk is full" in text:
        return (f"Auf dem Datenträger der Datenbank {pfad} ist kein Platz mehr. Es wurde nichts gespeichert; "
                "bitte Platz schaffen und noch einmal versuchen.")
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return (f"Die Datenbank {pfad} ist schreibgeschützt (Datei oder Datenordner ohne Schreibrecht); "
                "ozgdesk kann sie nur lesen. Es wurde nichts gespeichert.")
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return (f"Die Datenbank {pfad} konnte nicht gelesen oder geschrieben werden (Ein-/Ausgabefehler, etwa ein "
                "voller oder entfernter Datenträger). Es wurde nichts gespeichert.")
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return (f"Die Datenbank {pfad} kann nicht geöffnet werden (Ordner nicht erreichbar oder ohne Schreibrecht).")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return (f"Die Datenbank {pfad} ist beschädigt. Bitte keine weiteren Änderungen vornehmen und eine "
                "Sicherung aus dem Ordner „backups“ wiederherstellen.")
    return None


@contextmanager
def roh_lesen(pfad: Path) -> Iterator[sqlite3.Connection]:
    """A plain ``sqlite3`` connection for reads, closed after the block; SQLite errors raised while
    reading become a German :class:`Speicherfehler`.

    ``query_only`` refuses every statement that would change data. The connection joins the WAL
    of the running application, so it sees every committed transaction; it is opened read-write
    at the file level because a WAL database cannot be read without its shared-memory index,
    which a ``mode=ro`` connection may not create. Like every SQLite connection, the last one to
    close moves committed WAL content into the main file (a checkpoint) – a change of layout,
    never of data.
    """
    pfad = Path(pfad)
    modus = "mode=rw"  # rw: never creates a missing file
    if pfad.exists() and nur_lesbar(pfad):
        # a write-protected folder cannot hold the shared-memory index: read the file as it is
        wal = pfad.with_name(pfad.name + "-wal")
        modus = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "mode=ro&immutable=1"
    try:
        con = sqlite3.connect(f"{pfad.as_uri()}?{modus}", uri=True)
    except sqlite3.Error as e:
        raise Speicherfehler(f"Die Datenbank {pfad} kann nicht geöffnet werden ({e}).") from None
    try:
        con.execute("PRAGMA query_only=ON")
        con.execute("PRAGMA busy_timeout=5000")
        yield con
    except sqlite3.DatabaseError as e:
        raise Speicherfehler(
            f"Die Datenbank {pfad} konnte nicht gelesen werden ({e}). Sie wurde nicht verändert."
        ) from None
    finally:
        con.close()
