"""The store on a PostgreSQL server: engines, the checks before use, and German messages.

Decisions (why the server mode behaves like the file does):

* **Writers one after another.** Every write transaction first takes one transaction-level advisory
  lock of the database (:data:`SCHREIBSPERRE`), the server's counterpart of SQLite's
  ``BEGIN IMMEDIATE``. The code relies on serial writers in several places – the change log numbers
  entries per device with ``max(seq) + 1``, plan versions are ``max(version) + 1``, a unique
  Kennung is checked before it is written – and keeps relying on them, unchanged, in both modes.
  The transactions are short (milliseconds); a writer waits at most :attr:`Store.warten` seconds
  (``lock_timeout``) and then gets the same German "try again" message as on SQLite. Under
  ``READ COMMITTED`` every statement after the lock sees what the previous writer committed.
* **Reads see one snapshot.** Read sessions run ``REPEATABLE READ, READ ONLY``: a report that reads
  the whole Ressort in many statements sees one state, as a deferred SQLite read transaction does,
  and never waits for a writer.
* **Stale saves.** A form saved on top of values someone else changed meanwhile is refused by the
  operation layer (:mod:`ozgdesk.model.bearbeiten`, ``FelderSetzen.erwartet``) – the lock above
  makes its compare-and-set atomic.
* **Text as in SQLite.** The database must sort text bytewise (collation ``C``), so lists, reports
  and the export come out in the same order in both modes; a database created with a language
  collation is refused with the command that creates a suitable one (docs/datenbanken.md).
* **Schema changes are IT's step.** An empty database is set up on first open; an older schema is
  not upgraded by whoever happens to start a newer ozgdesk first while others work on it, but by
  ``ozgdesk-cli datenbank aktualisieren`` (one transaction: PostgreSQL's DDL is transactional, so a
  failed upgrade leaves the schema as it was – the counterpart of the file copy before a SQLite
  upgrade; IT's ``pg_dump`` is the backup).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.verbindung import Datenbankort

log = logging.getLogger(__name__)

#: key of the advisory lock every write transaction takes first ("ozgdesk" as a number)
SCHREIBSPERRE = int.from_bytes(b"ozgdesk", "big")
#: oldest server release ozgdesk is tested with (``server_version_num``)
MINDESTVERSION = 130000
#: collations that sort text bytewise, as SQLite does
_BYTEWEISE = {"c", "posix", "c.utf8", "c.utf-8"}


def engine(ort: Datenbankort, passwort: str | None, warten: float, *, schreiben: bool) -> Engine:
    """An engine on the server database.

    ``schreiben``: every transaction begins with the write lock (:data:`SCHREIBSPERRE`), waiting at
    most ``warten`` seconds. Otherwise read-only ``REPEATABLE READ`` transactions.
    """
    optionen = f"-c lock_timeout={int(warten * 1000)}"
    args: dict[str, Any] = {"connect_timeout": 10, "application_name": "ozgdesk", "options": optionen}
    if schreiben:
        e = create_engine(ort.sqlalchemy_url(passwort), connect_args=args, pool_pre_ping=True, pool_size=2,
                          max_overflow=8)
        event.listen(e, "begin", lambda con: con.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHREIBSPERRE})"))
    else:
        e = create_engine(ort.sqlalchemy_url(passwort), connect_args=args, pool_pre_ping=True, pool_size=2,
                          max_overflow=8, isolation_level="REPEATABLE READ",
                          execution_options={"postgresql_readonly": True})
    return e


class Serverzustand:
    """What :func:`pruefen` found: schema revision (None: empty), write permission."""

    def __init__(self, revision: str | None, nur_lesen: bool, version: int) -> None:
        self.revision = revision
        self.nur_lesen = nur_lesen
        self.version = version


def pruefen(e: Engine, ort: Datenbankort) -> Serverzustand:
    """Check the database before use: server release, collation, ours or foreign, revision, rights.

    Raises a German :class:`Speicherfehler`; reads only (nothing is changed)."""
    with e.connect() as con:
        version = int(con.execute(text("SELECT current_setting('server_version_num')")).scalar_one())
        if version < MINDESTVERSION:
            raise Speicherfehler(
                f"Der Datenbankserver {ort.anzeige} hat PostgreSQL {version // 10000}; ozgdesk braucht mindestens "
                f"PostgreSQL {MINDESTVERSION // 10000}. Bitte die IT fragen.")
        kollation = con.execute(text("SELECT datcollate FROM pg_database WHERE datname = current_database()")).scalar_one()
        anbieter = "c"
        if version >= 150000:
            anbieter = con.execute(text("SELECT datlocprovider FROM pg_database "
                                        "WHERE datname = current_database()")).scalar_one()
        if anbieter != "c" or str(kollation).lower() not in _BYTEWEISE:
            raise Speicherfehler(
                f"Die Datenbank {ort.anzeige} sortiert Text nach der Sprache „{kollation}“. ozgdesk braucht die "
                "bytegenaue Sortierung „C“ (wie in der Einzelplatz-Datenbank), sonst stünden Listen, Berichte und "
                "Exporte je nach Server anders da. Bitte die IT, die Datenbank so anzulegen: CREATE DATABASE … "
                "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' (docs/datenbanken.md). "
                "Es wurde nichts verändert.")
        tabellen = set(con.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")).scalars())
        if "alembic_version" not in tabellen:
            if tabellen:
                raise Speicherfehler(
                    f"Die Datenbank {ort.anzeige} enthält bereits fremde Tabellen und ist keine ozgdesk-Datenbank. "
                    "Bitte eine leere Datenbank angeben; es wurde nichts verändert.")
            return Serverzustand(None, not _darf_anlegen(con), version)
        revision = con.execute(text("SELECT version_num FROM alembic_version")).scalar()
        nur_lesen = bool(con.execute(text(
            "SELECT NOT has_table_privilege('aenderung', 'INSERT') OR pg_is_in_recovery() "
            "OR current_setting('default_transaction_read_only') = 'on'")).scalar_one())
        return Serverzustand(revision, nur_lesen, version)


def _darf_anlegen(con: Any) -> bool:
    return bool(con.execute(text("SELECT has_schema_privilege(current_schema(), 'CREATE')")).scalar_one())


def _sqlstate(fehler: BaseException) -> str:
    return str(getattr(fehler, "sqlstate", None) or "")


def meldung(e: BaseException, ort: Datenbankort, warten: float) -> str | None:
    """A German sentence for a server error the user can act on; None for anything else (a bug)."""
    fehler = getattr(e, "orig", None) or e
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the server mode needs psycopg
        return None
    if not isinstance(fehler, psycopg.Error):
        return None
    code = _sqlstate(fehler)
    text_ = str(fehler).lower()
    wo = ort.anzeige
    if code == "55P03" or "lock timeout" in text_:
        sekunden = f"{warten:g}".replace(".", ",")
        return (f"Die Datenbank {wo} wird gerade von einem anderen Vorgang geändert (etwa einer Kollegin, einem "
                f"Skript oder einem Import) und war auch nach {sekunden} Sekunden nicht frei. Es wurde nichts "
                "gespeichert; bitte gleich noch einmal versuchen.")
    if code in ("40001", "40P01"):
        return (f"Ein anderer Vorgang hat in der Datenbank {wo} gleichzeitig dieselben Daten geändert. Es wurde "
                "nichts gespeichert; bitte die Ansicht neu laden und noch einmal versuchen.")
    if code in ("42501",):
        return (f"Die Anmeldung „{ort.benutzer}“ darf in der Datenbank {wo} nicht schreiben (nur lesen). Es wurde "
                "nichts gespeichert; Schreibrechte vergibt die IT.")
    if code == "25006":
        return (f"Die Datenbank {wo} ist schreibgeschützt (nur lesbar, etwa eine Kopie des Servers); ozgdesk kann sie "
                "nur lesen. Es wurde nichts gespeichert.")
    if code in ("53100",):
        return f"Auf dem Datenbankserver {wo} ist kein Platz mehr. Es wurde nichts gespeichert; bitte die IT verständigen."
    if code in ("53300",) or "too many clients" in text_ or "remaining connection slots" in text_:
        return (f"Der Datenbankserver {wo} nimmt gerade keine weiteren Verbindungen an. Bitte gleich noch einmal "
                "versuchen oder die IT verständigen.")
    if code in ("28P01",) or "password authentication failed" in text_:
        return (f"Der Datenbankserver {wo} hat die Anmeldung von „{ort.benutzer}“ abgelehnt (Passwort falsch). "
                "Bitte das Passwort neu hinterlegen: ozgdesk-cli datenbank passwort setzen --db "
                f"{ort.url_ohne_passwort} --password-stdin")
    if "no password supplied" in text_ or "fe_sendauth" in text_:
        return (f"Der Datenbankserver {wo} verlangt ein Passwort für „{ort.benutzer}“, im Schlüsselbund ist aber keines "
                f"hinterlegt. Bitte einmal hinterlegen: ozgdesk-cli datenbank passwort setzen --db "
                f"{ort.url_ohne_passwort} --password-stdin")
    if code in ("28000",) or "no pg_hba.conf entry" in text_ or "role" in text_ and "does not exist" in text_:
        return (f"Der Datenbankserver {wo} lässt „{ort.benutzer}“ nicht zu (keine Berechtigung für diese Datenbank "
                "von diesem Rechner). Zugänge richtet die IT ein.")
    if code == "3D000" or "database" in text_ and "does not exist" in text_:
        return f"Auf dem Datenbankserver {wo} gibt es die Datenbank „{ort.datenbank}“ nicht. Bitte die Adresse prüfen."
    if code.startswith("08") or code.startswith("57P") or isinstance(fehler, psycopg.OperationalError):
        return (f"Der Datenbankserver {wo} ist nicht erreichbar oder hat die Verbindung getrennt. Es wurde nichts "
                "gespeichert; bitte Netzverbindung prüfen, gleich noch einmal versuchen oder die IT fragen.")
    return None


def speicherfehler(e: DBAPIError | Exception, ort: Datenbankort, warten: float) -> Speicherfehler | None:
    """The German error for a server error a user can act on, else None; details to the technical log."""
    text_ = meldung(e, ort, warten)
    if text_ is None:
        return None
    log.warning("PostgreSQL-Fehler %s an %s: %s", _sqlstate(getattr(e, "orig", None) or e) or "?", ort.anzeige,
                str(getattr(e, "orig", None) or e).splitlines()[0] if str(e) else type(e).__name__)
    return Speicherfehler(text_)
