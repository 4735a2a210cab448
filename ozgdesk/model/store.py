"""The store: open, check, back up, migrate, and hand out one session per operation.

The store is a local SQLite file (the default: one person, offline, exchange through the share)
or a PostgreSQL database on a server (many people at once). Both hold the same model, migrated by
the same Alembic chain; what differs is kept here and in :mod:`ozgdesk.model.server`
(engines, checks, messages of the server mode) – callers see :attr:`Store.dialekt`,
:attr:`Store.ort` (where, safe to display) and the same sessions. The rest of this docstring is
about the file.

Opening is careful because the file is the user's only copy of weeks of offline work:

1. An existing file is first inspected through a *read-only* connection (no WAL switch, no journal
   files), so a corrupt file or one written by a newer ozgdesk is refused without touching a byte.
2. An older schema is copied to ``backups/`` before Alembic upgrades it.
3. Only then is it opened read-write with WAL, ``synchronous=FULL`` and foreign keys on.

Every write session (:meth:`Store.session`, on :attr:`Store.schreib_engine`) starts with
``BEGIN IMMEDIATE``: it takes SQLite's write lock before its first read. The change log numbers its entries per device with ``max(seq) + 1``
(:func:`ozgdesk.model.protokoll._naechste_seq`); read under a deferred ``BEGIN``, two processes saw
the same maximum and one of them failed with an ``IntegrityError`` on ``(geraet, seq)`` – or, worse,
had its edit rejected after the user had typed it. Under the lock the second writer simply waits
(``busy_timeout``) and then reads the first one's entries. Reads that should never wait for a writer
(:meth:`Store.lesen`, :meth:`Store.meta`) and raw connections (``PRAGMA wal_checkpoint``, ``VACUUM``)
use :attr:`Store.engine`, which keeps pysqlite's deferred transactions. pysqlite would otherwise issue its own ``BEGIN`` (deferred, and only
before the first write), so its transaction handling is switched off (``isolation_level=None``) and
SQLAlchemy's ``begin`` event issues ours – the recipe in SQLAlchemy's SQLite dialect documentation
("Serializable isolation / Savepoints / Transactional DDL").

A database locked past the timeout, a full disk or a write-protected file becomes a
:class:`Speicherfehler` with a German sentence (:func:`ozgdesk.model.datei.sqlite_meldung`); the
SQLite error itself goes to the technical log. A file the user cannot write (a read-only data
folder, a write-protected file) opens read-only: reading works, every write session is refused at
its start with that message.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import ozgdesk.model.entitaeten  # noqa: F401 - every table in the metadata before the first flush
from ozgdesk.model import basisplan, volltext, wache
from ozgdesk.model.base import neue_id
from ozgdesk.model.datei import MIGRATIONS, nur_lesbar, revision_lesen, roh_lesen, schema_kopf, sqlite_meldung
from ozgdesk.model.errors import Abbruch, Speicherfehler
from ozgdesk.model.protokoll import Meta, protokoll_aktivieren
from ozgdesk.model.roh import RohVerbindung, fuer_dbapi
from ozgdesk.model.verbindung import POSTGRESQL, SQLITE, Datenbankort, anmeldename, ort_lesen

def alembic_config():  # noqa: ANN201 - alembic is imported only when a migration is needed
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def bekannte_revisionen() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    assert len(heads) == 1, "migrations must have exactly one head"
    return {r.revision for r in script.walk_revisions()}, heads[0]


def _sicherung(pfad: Path, revision: str) -> Path:
    ziel_ordner = pfad.parent / "backups"
    ziel_ordner.mkdir(exist_ok=True, mode=0o700)
    stempel = datetime.now().strftime("%Y%m%d-%H%M%S")
    ziel = ziel_ordner / f"{pfad.stem}-{stempel}-schema-{revision}{pfad.suffix}"
    # sqlite3's backup API gives a consistent copy even if a WAL file is present.
    quelle = sqlite3.connect(f"{pfad.as_uri()}?mode=ro", uri=True)
    try:
        kopie = sqlite3.connect(ziel)
        try:
            quelle.backup(kopie)
        finally:
            kopie.close()
    finally:
        quelle.close()
    os.chmod(ziel, 0o600)
    return ziel


#: settings key of the person's name (see :meth:`Store.personenname`)
PERSON = "person.name"

#: How long a write waits for another writer's lock before the user is told (seconds).
SPERRE_WARTEN = 5.0


def _engine(pfad: Path, warten: float, nur_lesen: bool, *, schreiben: bool) -> Engine:
    """An engine on the store file.

    ``schreiben``: pysqlite's own transaction handling is off (``isolation_level=None``) and every
    transaction begins with ``BEGIN IMMEDIATE``, issued by SQLAlchemy's ``begin`` event (the recipe
    in SQLAlchemy's SQLite dialect documentation, "Serializable isolation / Savepoints /
    Transactional DDL"). Otherwise pysqlite's default: a deferred ``BEGIN`` right before the first
    write, so reads never wait for a writer and ``PRAGMA wal_checkpoint`` or ``VACUUM`` can run on a
    plain connection.
    """
    if nur_lesen:
        # immutable: no -wal/-shm files are needed (the folder may be write-protected); with a
        # WAL file left over, its committed content must be read, which needs the plain ro mode
        wal = pfad.with_name(pfad.name + "-wal")
        modus = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "mode=ro&immutable=1"
        uri = f"{pfad.as_uri()}?{modus}"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
    else:
        engine = create_engine(f"sqlite:///{pfad}")

    def einrichten(dbapi_con: sqlite3.Connection, _record: object) -> None:
        if schreiben:
            dbapi_con.isolation_level = None  # the "begin" event below starts every transaction
        cur = dbapi_con.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if not nur_lesen:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={int(warten * 1000)}")
        cur.close()

    event.listen(engine, "connect", einrichten)
    if schreiben:
        event.listen(engine, "begin", lambda con: con.exec_driver_sql("BEGIN" if nur_lesen else "BEGIN IMMEDIATE"))
    return engine


class _ProtokollSession(Session):
    """Session class carrying the change-log hook (kept off SQLAlchemy's global Session)."""


protokoll_aktivieren(_ProtokollSession)
basisplan.aktivieren(_ProtokollSession)  # after the log hook: plans and baselines are never rewritten
volltext.aktivieren(_ProtokollSession)

log = logging.getLogger(__name__)



def speicherfehler(e: DBAPIError, pfad: Path, warten: float = SPERRE_WARTEN) -> Speicherfehler | None:
    """The German :class:`Speicherfehler` for an SQLite error a user can act on, else None (a bug).

    The SQLite error with its statement goes to the technical log, never to the user.
    """
    orig = getattr(e, "orig", None)
    if not isinstance(orig, sqlite3.Error):
        return None
    meldung = sqlite_meldung(orig, pfad, warten)
    if meldung is None:
        return None
    log.warning("SQLite-Fehler %s an %s: %s", getattr(orig, "sqlite_errorname", "?"), pfad, e)
    return Speicherfehler(meldung)


class NurEinzelplatz(Speicherfehler):
    """A feature that needs the database file (SQLite) was asked of a store on a server."""


class Store:
    """An open ozgdesk database. Create with :meth:`oeffnen`; close with :meth:`schliessen`."""

    def __init__(self, pfad: Path | None, engine: Engine, sicherung: Path | None, *, nur_lesen: bool = False,
                 warten: float = SPERRE_WARTEN, schreib_engine: Engine | None = None,
                 ort: Datenbankort | None = None, ordner: Path | None = None) -> None:
        #: where the store lives (file or server); ``ort.anzeige`` is safe to show and to log
        self.ort = ort or Datenbankort(SQLITE, pfad=pfad)
        #: ``"sqlite"`` or ``"postgresql"``
        self.dialekt = self.ort.dialekt
        self._pfad = pfad
        self._ordner = ordner if ordner is not None else (pfad.parent if pfad is not None else None)
        #: SQLite: pysqlite's default transactions (reads never wait; raw PRAGMAs, checkpoints, VACUUM);
        #: PostgreSQL: read-only REPEATABLE READ transactions
        self.engine = engine
        #: every transaction takes the write lock first (SQLite ``BEGIN IMMEDIATE``, on the server an
        #: advisory lock, see :mod:`ozgdesk.model.server`); :meth:`session` uses it
        if schreib_engine is None:
            assert pfad is not None, "a server store is opened with both engines"
            schreib_engine = _engine(pfad, warten, nur_lesen, schreiben=True)
        self.schreib_engine = schreib_engine
        self.sicherung = sicherung
        #: True if the file or its folder is write-protected: reads work, write sessions are refused
        self.nur_lesen = nur_lesen
        self.warten = warten
        self._sessions = sessionmaker(self.schreib_engine, class_=_ProtokollSession, expire_on_commit=False)
        self._lese_sessions = sessionmaker(engine, class_=_ProtokollSession, expire_on_commit=False)
        #: sessions and raw connections handed out so far (tests count what one user action costs)
        self.sitzungen = 0
        self._person: str | None = None
        try:
            self.geraet_id = self._geraet_id()
        except BaseException:
            self.schliessen()
            raise

    @property
    def pfad(self) -> Path:
        """The database file. Only a SQLite store has one: features that need the file (its backups,
        the sync's files beside it, the page check) get a German :class:`NurEinzelplatz` on a server."""
        if self._pfad is None:
            raise NurEinzelplatz(
                f"Das geht nur mit einer Datenbankdatei auf diesem Rechner (Einzelplatz); ozgdesk arbeitet gerade mit "
                f"dem Datenbankserver {self.ort.anzeige}. Siehe docs/datenbanken.md.")
        return self._pfad

    @property
    def ist_server(self) -> bool:
        return self.dialekt == POSTGRESQL

    @property
    def ordner(self) -> Path:
        """The local data folder (logs, backups, the sync's files): the file's folder; for a server the
        ``--home`` folder it was opened with, else the default data folder (``OZGDESK_HOME`` …)."""
        if self._ordner is None:
            from ozgdesk import paths

            self._ordner = paths.home()
        return self._ordner

    @classmethod
    def oeffnen(cls, pfad: str | os.PathLike[str] | Datenbankort, *, vollpruefung: bool = True,
                warten: float = SPERRE_WARTEN, ordner: Path | None = None, migrieren: bool = False) -> Store:
        """Open (or create) the store at ``pfad`` – a file path, or a URL / :class:`Datenbankort` of a
        PostgreSQL database; every failure a user can meet is a German :class:`Speicherfehler` and
        leaves the database as it was.

        ``warten`` is how long a write waits for another writer's lock before it is refused.
        ``ordner`` is the local data folder of a server store (logs, exports); ``migrieren`` lets a
        server store's older schema be upgraded (``ozgdesk-cli datenbank aktualisieren``; a file is
        always upgraded, after its backup).
        """
        ort = ort_lesen(pfad) if isinstance(pfad, str | Datenbankort) else Datenbankort(SQLITE, pfad=Path(pfad))
        if ort.ist_server:
            return cls._server_oeffnen(ort, warten=warten, ordner=ordner, migrieren=migrieren)
        assert ort.pfad is not None
        pfad = ort.pfad.resolve()
        head = schema_kopf()
        sicherung = None
        revision = None
        if pfad.is_dir():
            raise Speicherfehler(f"Am Ort der Datenbank {pfad} liegt ein Ordner, keine Datei. Bitte einen anderen "
                                 "Datenordner wählen (--home).")
        nur_lesen = pfad.exists() and nur_lesbar(pfad)
        if pfad.exists():
            revision = revision_lesen(pfad, vollpruefung)
            bekannt = bekannte_revisionen()[0] if revision not in (None, head) else {head}
            if revision is not None and revision not in bekannt:
                raise Speicherfehler(
                    f"Die Datenbank {pfad} wurde mit einer neueren ozgdesk-Version angelegt "
                    f"(Schema {revision}). Diese Version kennt höchstens Schema {head}. Bitte ozgdesk "
                    "aktualisieren; die Datei wurde nicht verändert."
                )
            if nur_lesen and revision != head:
                raise Speicherfehler(
                    f"Die Datenbank {pfad} muss für diese ozgdesk-Version aktualisiert werden, ist aber "
                    "schreibgeschützt (Datei oder Datenordner ohne Schreibrecht). Sie wurde nicht verändert; "
                    "bitte Schreibrecht geben oder die IT fragen."
                )
            if revision is not None and revision != head:
                try:
                    sicherung = _sicherung(pfad, revision)
                except (OSError, sqlite3.Error) as e:
                    log.warning("Sicherung vor der Schemaänderung gescheitert: %r", e)
                    raise Speicherfehler(
                        f"Vor der Aktualisierung der Datenbank {pfad} konnte keine Sicherung im Ordner „backups“ "
                        f"angelegt werden ({_grund(e)}). Die Datenbank wurde nicht verändert."
                    ) from None
        else:
            try:
                pfad.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(pfad, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
                os.close(fd)
            except OSError as e:
                log.warning("Datenbank %s nicht anlegbar: %r", pfad, e)
                raise Speicherfehler(f"Die Datenbank {pfad} kann nicht angelegt werden ({_grund(e)}).") from None
        if nur_lesen:
            log.info("Datenbank %s ist schreibgeschützt und wird nur gelesen", pfad)
        engine = _engine(pfad, warten, nur_lesen, schreiben=False)
        schreib_engine = _engine(pfad, warten, nur_lesen, schreiben=True)
        if revision != head:
            from alembic import command

            try:
                with schreib_engine.begin() as con:
                    cfg = alembic_config()
                    cfg.attributes["connection"] = con
                    command.upgrade(cfg, "head")
            except DBAPIError as e:
                engine.dispose()
                schreib_engine.dispose()
                fehler = speicherfehler(e, pfad, warten)
                if fehler is None:
                    raise
                raise fehler from None
            except Exception as e:  # pragma: no cover - depends on a broken migration
                engine.dispose()
                schreib_engine.dispose()
                raise Speicherfehler(
                    f"Die Datenbank {pfad} konnte nicht aktualisiert werden ({e}). "
                    f"Die Sicherung liegt unter {sicherung}."
                ) from e
        try:
            return cls(pfad, engine, sicherung, nur_lesen=nur_lesen, warten=warten, schreib_engine=schreib_engine)
        except DBAPIError as e:
            fehler = speicherfehler(e, pfad, warten)
            if fehler is None:
                raise
            raise fehler from None

    @classmethod
    def _server_oeffnen(cls, ort: Datenbankort, *, warten: float, ordner: Path | None, migrieren: bool) -> Store:
        """Open a store on a PostgreSQL server (see :mod:`ozgdesk.model.server` for the decisions)."""
        from ozgdesk.model import server
        from ozgdesk.model.verbindung import passwort_versuchen

        head = schema_kopf()
        passwort, schluesselbund_fehler = passwort_versuchen(ort)
        engine = server.engine(ort, passwort, warten, schreiben=False)
        schreib_engine = server.engine(ort, passwort, warten, schreiben=True)
        del passwort

        def aufgeben() -> None:
            engine.dispose()
            schreib_engine.dispose()

        try:
            zustand = server.pruefen(engine, ort)
            revision = zustand.revision
            bekannt = bekannte_revisionen()[0] if revision not in (None, head) else {head}
            if revision is not None and revision not in bekannt:
                raise Speicherfehler(
                    f"Die Datenbank {ort.anzeige} wurde mit einer neueren ozgdesk-Version eingerichtet "
                    f"(Schema {revision}). Diese Version kennt höchstens Schema {head}. Bitte ozgdesk aktualisieren; "
                    "die Datenbank wurde nicht verändert.")
            if revision not in (None, head) and not migrieren:
                raise Speicherfehler(
                    f"Die Datenbank {ort.anzeige} hat das ältere Schema {revision}; diese ozgdesk-Version braucht "
                    f"Schema {head}. Die Aktualisierung nimmt die IT einmal für alle vor (vorher Sicherung mit pg_dump): "
                    f"ozgdesk-cli datenbank aktualisieren --db {ort.url_ohne_passwort}. Es wurde nichts verändert.")
            if revision != head:
                if zustand.nur_lesen:
                    raise Speicherfehler(
                        f"Die Datenbank {ort.anzeige} muss eingerichtet oder aktualisiert werden, aber die Anmeldung "
                        f"„{ort.benutzer}“ darf dort keine Tabellen anlegen. Bitte die IT fragen; es wurde nichts "
                        "verändert.")
                from alembic import command

                with schreib_engine.begin() as con:  # one transaction: the server's DDL is transactional
                    cfg = alembic_config()
                    cfg.attributes["connection"] = con
                    command.upgrade(cfg, "head")
                log.info("Datenbank %s von Schema %s auf %s gebracht", ort.anzeige, revision, head)
            nur_lesen = zustand.nur_lesen if revision == head else False
            if nur_lesen:
                log.info("Datenbank %s ist für diese Anmeldung nur lesbar", ort.anzeige)
            return cls(None, engine, None, nur_lesen=nur_lesen, warten=warten, schreib_engine=schreib_engine,
                       ort=ort, ordner=ordner)
        except DBAPIError as e:
            aufgeben()
            if schluesselbund_fehler is not None and "no password supplied" in str(e.orig):
                raise schluesselbund_fehler from None  # the keychain is the problem, not the password
            fehler = server.speicherfehler(e, ort, warten)
            if fehler is None:
                raise
            raise fehler from None
        except BaseException:
            aufgeben()
            raise

    def _geraet_id(self) -> str:
        """This device's id, created on first open. Read first without the write lock, so opening a
        store another process is writing to (or a write-protected one) does not wait for the lock."""
        with Session(self.engine) as s:
            meta = s.get(Meta, "geraet_id")
            if meta is not None:
                return meta.wert
        if self.nur_lesen:
            raise Speicherfehler(f"Die Datenbank {self.ort.anzeige} ist schreibgeschützt und noch nicht eingerichtet.")
        with Session(self.schreib_engine) as s, s.begin():
            meta = s.get(Meta, "geraet_id")  # under the lock: another process may have just set it
            if meta is None:
                meta = Meta(id="geraet_id", wert=neue_id())
                s.add(meta)
            return meta.wert

    def personenname(self) -> str:
        """Who works on this device: the name set in the settings (:data:`PERSON`), else the login name.

        Every change is logged under it, and the sync binds it to the device key, so all devices
        show the same author for a change. Read once per open store; :meth:`person_setzen` updates it."""
        if self._person is None:
            with Session(self.engine) as s:
                m = s.get(Meta, self._personenschluessel)
            self._person = (m.wert.strip() if m is not None else "") or self._anmeldename()
        return self._person

    @property
    def _personenschluessel(self) -> str:
        """The settings key of the name: on a server, where everyone shares the settings table, one
        per login role (``person.name@rolle``)."""
        return f"{PERSON}@{self.ort.benutzer}" if self.ist_server else PERSON

    def _anmeldename(self) -> str:
        """Without a name set: the server login (authenticated by the server), else the OS login."""
        return (self.ort.benutzer if self.ist_server else "") or anmeldename()

    def person_setzen(self, name: str) -> None:
        self.meta_setzen(self._personenschluessel, name.strip())
        self._person = name.strip() or self._anmeldename()

    def _gezaehlt(self) -> None:
        wache.bewachen()  # the GUI's debug check: no session on the GUI thread
        self.sitzungen += 1

    def meta(self, schluessel: str, standard: str | None = None) -> str | None:
        self._gezaehlt()
        with self._uebersetzt(), Session(self.engine) as s:
            m = s.get(Meta, schluessel)
            return m.wert if m else standard

    def meta_setzen(self, schluessel: str, wert: str) -> None:
        self._schreiben_pruefen()
        self._gezaehlt()
        with self._uebersetzt(), Session(self.schreib_engine) as s, s.begin():
            s.merge(Meta(id=schluessel, wert=wert))

    def _schreiben_pruefen(self) -> None:
        if self.nur_lesen:
            if self.ist_server:
                raise Speicherfehler(
                    f"Die Anmeldung „{self.ort.benutzer}“ darf in der Datenbank {self.ort.anzeige} nur lesen. "
                    "Es wurde nichts gespeichert; Schreibrechte vergibt die IT.")
            raise Speicherfehler(
                f"Die Datenbank {self.pfad} ist schreibgeschützt (Datei oder Datenordner ohne Schreibrecht); "
                "ozgdesk kann sie nur lesen. Es wurde nichts gespeichert."
            )

    def fehler_uebersetzen(self, e: Exception) -> Speicherfehler | None:
        """The German :class:`Speicherfehler` for a database error a user can act on (locked, disk
        full, read-only, server gone …), None for anything else (a bug)."""
        if self.ist_server:
            from ozgdesk.model import server

            return server.speicherfehler(e, self.ort, self.warten)
        return speicherfehler(e, self.pfad, self.warten) if isinstance(e, DBAPIError) else None

    @contextmanager
    def _uebersetzt(self) -> Iterator[None]:
        """Database errors a user can act on (locked, disk full, read-only, I/O) as German Speicherfehler."""
        try:
            yield
        except DBAPIError as e:
            fehler = self.fehler_uebersetzen(e)
            if fehler is None:
                raise
            raise fehler from None

    @contextmanager
    def session(self, *, benutzer: str | None = None, quelle: str = "lokal") -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception.

        It holds the write lock from its first statement on. If another process holds it longer
        than :attr:`warten`, or the disk is full, the caller gets a German :class:`Speicherfehler`
        and nothing of the block is stored.
        """
        self._schreiben_pruefen()
        self._gezaehlt()
        s = self._sessions()
        s.info.update(geraet=self.geraet_id, benutzer=benutzer or self.personenname(), quelle=quelle)
        beginn = time.monotonic()
        try:
            with self._uebersetzt(), s.begin():
                yield s
                volltext.vor_dem_commit(s)  # what the block wrote becomes searchable with it
        except BaseException as e:
            _ereignis_schreiben(s, beginn, e)
            raise
        else:
            _ereignis_schreiben(s, beginn, None)
        finally:
            s.close()

    @contextmanager
    def lesen(self) -> Iterator[Session]:
        """A read-only session (deferred, never waits for a writer); any attempt to flush changes raises."""
        self._gezaehlt()
        s = self._lese_sessions()
        s.info.update(geraet=self.geraet_id, benutzer=self.personenname())

        def _verbieten(*_a: object) -> None:
            raise RuntimeError("write in a read-only session")

        event.listen(s, "before_flush", _verbieten)
        try:
            with self._uebersetzt():
                yield s
        finally:
            s.close()  # close, not rollback: rollback would expire the rows handed out

    @contextmanager
    def roh_lesen(self) -> Iterator[RohVerbindung]:
        """Plain SQL reads for aggregate queries that need no ORM objects (the dashboard): ``sqlite3``
        on the file, on a server a read-only transaction behind the same interface
        (:mod:`ozgdesk.model.roh`)."""
        self._gezaehlt()
        if not self.ist_server:
            with roh_lesen(self.pfad) as con:
                yield con
            return
        with self._uebersetzt():
            roh = self.engine.raw_connection()
        try:
            con = fuer_dbapi(roh.dbapi_connection)
            con.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")  # one snapshot, no writes
            yield con
        except Exception as e:  # the server's errors arrive here as psycopg's own, not wrapped
            fehler = self.fehler_uebersetzen(e)
            if fehler is None:
                raise
            raise fehler from None
        finally:
            try:
                roh.rollback()
            finally:
                roh.close()

    def integritaet_pruefen(self) -> str | None:
        """Full page check of the open database; None if sound, else a German message.

        On a server there are no pages of ours to check: the server keeps its files consistent
        (its checksums and ``amcheck`` are IT's tools), so the check is a no-op there."""
        if self.ist_server:
            return None
        self._gezaehlt()
        try:
            with self.engine.connect() as con:
                ergebnis = con.exec_driver_sql("PRAGMA quick_check").scalar()
        except DBAPIError as e:  # damage bad enough that the check itself cannot run
            ergebnis = str(e.orig)
        if ergebnis == "ok":
            return None
        return (f"Die Datenbank {self.pfad} ist beschädigt ({ergebnis}). Bitte keine weiteren Änderungen "
                "vornehmen und eine Sicherung aus dem Ordner „backups“ wiederherstellen.")

    def revision(self) -> str:
        with self._uebersetzt(), self.engine.connect() as con:
            return con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()

    def schliessen(self) -> None:
        self.engine.dispose()
        self.schreib_engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.schliessen()


#: ``session.info`` key of the event an operation announced (:func:`ereignis_vormerken`)
EREIGNIS = "_ereignis"


def ereignis_vormerken(s: Session, was: str, **zahlen: object) -> None:
    """Announce that this transaction is one event for the technical log (an import, a submission):
    one structured line is written when it ends – ``ergebnis=ok`` once committed, ``fehler`` or
    ``abgebrochen`` when rolled back – with its duration and these counts (update them any time)."""
    s.info.setdefault(EREIGNIS, [was, {}])[1].update(zahlen)


def _ereignis_schreiben(s: Session, beginn: float, fehler: BaseException | None) -> None:
    vorgemerkt = s.info.pop(EREIGNIS, None)
    if vorgemerkt is None:
        return
    from ozgdesk import logbuch

    was, zahlen = vorgemerkt
    if fehler is None:
        ergebnis = "ok"
    elif isinstance(fehler, Abbruch):
        ergebnis = "abgebrochen"
    else:
        ergebnis = "fehler"
        zahlen = {**zahlen, "grund": type(fehler).__name__}
    logbuch.ereignis(was, ergebnis, time.monotonic() - beginn, **zahlen)


def _grund(e: BaseException) -> str:
    if isinstance(e, OSError):
        return {13: "keine Berechtigung", 28: "kein Speicherplatz mehr", 30: "schreibgeschütztes Dateisystem",
                20: "ein Teil des Pfades ist eine Datei, kein Ordner", 2: "Ordner nicht vorhanden"}.get(
            e.errno or 0, f"Systemfehler {e.errno}")
    return "SQLite-Fehler"


def ist_leer(store: Store) -> bool:
    from ozgdesk.model.organisation import Ressort

    with store.lesen() as s:
        return s.execute(select(Ressort.id).limit(1)).first() is None
