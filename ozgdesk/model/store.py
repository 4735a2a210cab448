"""The local SQLite store: open, check, back up, migrate, and hand out one session per operation.

Opening is careful because the file is the user's only copy of weeks of offline work:

1. An existing file is first inspected through a *read-only* connection (no WAL switch, no journal
   files), so a corrupt file or one written by a newer ozgdesk is refused without touching a byte.
2. An older schema is copied to ``backups/`` before Alembic upgrades it.
3. Only then is it opened read-write with WAL, ``synchronous=FULL`` and foreign keys on.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import ozgdesk.model.entitaeten  # noqa: F401 - every table in the metadata before the first flush
from ozgdesk.model import basisplan
from ozgdesk.model.base import neue_id
from ozgdesk.model.datei import MIGRATIONS, revision_lesen, roh_lesen, schema_kopf
from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.protokoll import Meta, protokoll_aktivieren

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


def _pragmas(dbapi_con: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class _ProtokollSession(Session):
    """Session class carrying the change-log hook (kept off SQLAlchemy's global Session)."""


protokoll_aktivieren(_ProtokollSession)
basisplan.aktivieren(_ProtokollSession)  # after the log hook: plans and baselines are never rewritten


class Store:
    """An open ozgdesk database. Create with :meth:`oeffnen`; close with :meth:`schliessen`."""

    def __init__(self, pfad: Path, engine: Engine, sicherung: Path | None) -> None:
        self.pfad = pfad
        self.engine = engine
        self.sicherung = sicherung
        self._sessions = sessionmaker(engine, class_=_ProtokollSession, expire_on_commit=False)
        self.geraet_id = self._geraet_id()

    @classmethod
    def oeffnen(cls, pfad: str | os.PathLike[str], *, vollpruefung: bool = True) -> "Store":
        pfad = Path(pfad).resolve()
        head = schema_kopf()
        sicherung = None
        revision = None
        if pfad.exists():
            revision = revision_lesen(pfad, vollpruefung)
            bekannt = bekannte_revisionen()[0] if revision not in (None, head) else {head}
            if revision is not None and revision not in bekannt:
                raise Speicherfehler(
                    f"Die Datenbank {pfad} wurde mit einer neueren ozgdesk-Version angelegt "
                    f"(Schema {revision}). Diese Version kennt höchstens Schema {head}. Bitte ozgdesk "
                    "aktualisieren; die Datei wurde nicht verändert."
                )
            if revision is not None and revision != head:
                sicherung = _sicherung(pfad, revision)
        else:
            pfad.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(pfad, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        engine = create_engine(f"sqlite:///{pfad}")
        event.listen(engine, "connect", _pragmas)
        if revision != head:
            from alembic import command

            try:
                with engine.begin() as con:
                    cfg = alembic_config()
                    cfg.attributes["connection"] = con
                    command.upgrade(cfg, "head")
            except Exception as e:  # pragma: no cover - depends on a broken migration
                engine.dispose()
                raise Speicherfehler(
                    f"Die Datenbank {pfad} konnte nicht aktualisiert werden ({e}). "
                    f"Die Sicherung liegt unter {sicherung}."
                ) from e
        return cls(pfad, engine, sicherung)

    def _geraet_id(self) -> str:
        with Session(self.engine) as s, s.begin():
            meta = s.get(Meta, "geraet_id")
            if meta is None:
                meta = Meta(id="geraet_id", wert=neue_id())
                s.add(meta)
            return meta.wert

    def meta(self, schluessel: str, standard: str | None = None) -> str | None:
        with Session(self.engine) as s:
            m = s.get(Meta, schluessel)
            return m.wert if m else standard

    def meta_setzen(self, schluessel: str, wert: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.merge(Meta(id=schluessel, wert=wert))

    @contextmanager
    def session(self, *, benutzer: str | None = None, quelle: str = "lokal") -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any exception."""
        s = self._sessions()
        s.info.update(geraet=self.geraet_id, benutzer=benutzer or _benutzername(), quelle=quelle)
        try:
            with s.begin():
                yield s
        finally:
            s.close()

    @contextmanager
    def lesen(self) -> Iterator[Session]:
        """A read-only session; any attempt to flush changes raises."""
        s = self._sessions()
        s.info.update(geraet=self.geraet_id, benutzer=_benutzername())

        def _verbieten(*_a: object) -> None:
            raise RuntimeError("write in a read-only session")

        event.listen(s, "before_flush", _verbieten)
        try:
            yield s
        finally:
            s.close()  # close, not rollback: rollback would expire the rows handed out

    @contextmanager
    def roh_lesen(self) -> Iterator[sqlite3.Connection]:
        """Plain ``sqlite3`` reads for aggregate queries that need no ORM objects (the dashboard)."""
        with roh_lesen(self.pfad) as con:
            yield con

    def integritaet_pruefen(self) -> str | None:
        """Full page check of the open database; None if sound, else a German message."""
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
        with self.engine.connect() as con:
            return con.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()

    def schliessen(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.schliessen()


def _benutzername() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unbekannt"


def ist_leer(store: Store) -> bool:
    from ozgdesk.model.organisation import Ressort

    with store.lesen() as s:
        return s.execute(select(Ressort.id).limit(1)).first() is None
