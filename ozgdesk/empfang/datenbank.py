"""Opening the receiver's database from a SQLAlchemy URL: SQLite by default, PostgreSQL for scale.

* Default: ``sqlite:///<Datenordner>/empfang.sqlite`` – a file of its own next to (never inside) a
  Ressort's ``ozgdesk.sqlite``, created owner-only (0600), WAL, foreign keys on.
* ``postgresql+psycopg://BENUTZER@HOST[:PORT]/DATENBANK`` (``postgresql://`` means the same): the
  password never stands in the address – it would show in the process list, the shell history and
  the technical log. An address with one (also ``?password=``) is refused; the password comes from
  the keychain, service :data:`DIENST`, key ``BENUTZER@HOST:PORT/DATENBANK``. Without an entry
  libpq's own means apply (``~/.pgpass``, peer authentication).

  The PostgreSQL support of the Ressort's store (branch ``i17-pg``) brings a shared helper for
  exactly this in ``ozgdesk.model``; until it is merged, :func:`_passwort` is this module's own
  small version of it (same keychain service), to be replaced by the shared one.

The schema is created on first use (``create_all``) and its version kept in ``einstellung``; a
database written by a newer ozgdesk is refused rather than misread. Alembic is not needed yet for
these few tables of version 1 – the first change to them brings the first revision.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from ozgdesk.empfang.tabellen import SCHEMA_VERSION, Einstellung, EmpfangBasis
from ozgdesk.model.errors import Eingabefehler, Speicherfehler

log = logging.getLogger(__name__)

#: Keychain service of the database password (shared with the Ressort's store on PostgreSQL).
DIENST = "ozgdesk-datenbank"
#: File name of the default database in the data folder.
DATEINAME = "empfang.sqlite"
_POSTGRES = ("postgresql", "postgresql+psycopg")
_SQLITE = ("sqlite", "sqlite+pysqlite")


def standard_url(home: Path) -> str:
    return f"sqlite:///{Path(home) / DATEINAME}"


def url_lesen(text: str) -> URL:
    """The address as SQLAlchemy reads it, refused in German if it is not one this receiver opens
    or if it carries a password."""
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise Eingabefehler(f"--db: „{text}“ ist keine Datenbankadresse (erwartet sqlite:///PFAD oder "
                            "postgresql+psycopg://BENUTZER@HOST/DATENBANK).") from None
    if url.password is not None or any(k.lower() in ("password", "passfile") for k in url.query):
        raise Eingabefehler("--db: Die Adresse enthält ein Passwort. Passwörter stehen nie in einer Adresse (sie wären "
                            "in der Prozessliste und im Verlauf der Shell zu lesen); bitte die Adresse ohne Passwort "
                            f"angeben und das Passwort im Schlüsselbund hinterlegen (Dienst „{DIENST}“, Schlüssel "
                            "„BENUTZER@HOST:PORT/DATENBANK“).")
    if url.drivername in _SQLITE:
        if not url.database or url.database == ":memory:":
            raise Eingabefehler("--db: Bei SQLite fehlt der Pfad der Datei (sqlite:///PFAD).")
        return url
    if url.drivername in _POSTGRES:
        if not url.host or not url.database:
            raise Eingabefehler("--db: Bei PostgreSQL fehlen Rechner oder Datenbank "
                                "(postgresql+psycopg://BENUTZER@HOST/DATENBANK).")
        return url.set(drivername="postgresql+psycopg")
    raise Eingabefehler(f"--db: Die Datenbankart „{url.drivername}“ wird nicht unterstützt (SQLite oder PostgreSQL).")


def anzeige(url: URL) -> str:
    """The address as people may read it (it never holds a password, see :func:`url_lesen`)."""
    return url.render_as_string(hide_password=True)


def schluessel(url: URL) -> str:
    """The keychain key of a PostgreSQL address: ``BENUTZER@HOST:PORT/DATENBANK``."""
    return f"{url.username or ''}@{url.host}:{url.port or 5432}/{url.database}"


def _passwort(url: URL) -> str | None:
    """The database password from the keychain, None if it holds none (libpq then tries its own)."""
    import keyring.errors

    from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

    try:
        backend = _backend_pruefen()
    except SchluesselbundFehler:
        # a server without a keychain (a receiver on PostgreSQL often runs on one): libpq's own means
        # (~/.pgpass, peer or certificate authentication) apply – nothing is stored anywhere by us
        log.info("Kein sicherer Schlüsselbund: das Passwort der Empfangsdatenbank bestimmt libpq")
        return None
    try:
        return backend.get_password(DIENST, schluessel(url))
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler("Der Schlüsselbund ist gesperrt; das Passwort der Empfangsdatenbank kann nicht "
                                   "gelesen werden. Bitte den Schlüsselbund entsperren.") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(f"Der Schlüsselbund ist nicht verfügbar ({type(e).__name__}); das Passwort der "
                                   "Empfangsdatenbank kann nicht gelesen werden.") from None


def _sqlite_engine(url: URL) -> Engine:
    pfad = Path(url.database or "")
    if not pfad.exists():
        try:
            pfad.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(pfad, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
        except OSError as e:
            from ozgdesk.dateien import os_grund

            raise Speicherfehler(f"Die Empfangsdatenbank „{pfad}“ kann nicht angelegt werden: {os_grund(e)}.") from None
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _einstellen(con: Any, _rec: Any) -> None:
        cur = con.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")  # a second receiver process waits instead of failing
        cur.close()

    return engine


class Empfangsdatenbank:
    """The receiver's database; one Session per step (:meth:`schreiben`, :meth:`lesen`)."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def oeffnen(cls, adresse: str) -> Empfangsdatenbank:
        """Open (and on first use create) the database at ``adresse``; German errors only."""
        url = url_lesen(adresse)
        if url.drivername in _SQLITE:
            engine = _sqlite_engine(url)
        else:
            passwort = _passwort(url)
            try:
                engine = create_engine(url, connect_args={"password": passwort} if passwort else {},
                                       pool_pre_ping=True)
            except NoSuchModuleError:  # pragma: no cover - psycopg is a dependency
                raise Eingabefehler("Für PostgreSQL fehlt das Paket „psycopg“.") from None
        db = cls(engine, url)
        try:
            db._schema()
        except DBAPIError as e:
            engine.dispose()
            log.warning("Empfangsdatenbank %s nicht nutzbar: %r", anzeige(url), e)
            raise Speicherfehler(f"Die Empfangsdatenbank {anzeige(url)} ist nicht erreichbar oder nicht nutzbar "
                                 "(Anmeldung abgelehnt, Server nicht erreichbar oder Datei beschädigt); Einzelheiten "
                                 "im technischen Protokoll.") from None
        except BaseException:
            engine.dispose()
            raise
        return db

    def _schema(self) -> None:
        EmpfangBasis.metadata.create_all(self.engine)
        with self.schreiben() as s:
            version = s.get(Einstellung, "schema_version")
            if version is None:
                s.add(Einstellung(schluessel="schema_version", wert=str(SCHEMA_VERSION)))
            elif not version.wert.isdigit() or int(version.wert) > SCHEMA_VERSION:
                raise Speicherfehler(f"Die Empfangsdatenbank {anzeige(self.url)} stammt von einer neueren ozgdesk-"
                                     f"Version (Schema {version.wert[:10]}, dieses Programm kennt {SCHEMA_VERSION}); "
                                     "sie wird nicht geöffnet, damit nichts falsch gelesen wird.")

    @contextmanager
    def schreiben(self) -> Iterator[Session]:
        """One transaction: committed at the end of the block, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def lesen(self) -> Iterator[Session]:
        with Session(self.engine) as s:
            yield s

    def einstellung(self, name: str) -> str | None:
        with self.lesen() as s:
            return s.execute(select(Einstellung.wert).where(Einstellung.schluessel == name)).scalar_one_or_none()

    def einstellung_setzen(self, name: str, wert: str | None) -> None:
        with self.schreiben() as s:
            vorhanden = s.get(Einstellung, name)
            if wert is None:
                if vorhanden is not None:
                    s.delete(vorhanden)
            elif vorhanden is None:
                s.add(Einstellung(schluessel=name, wert=wert))
            else:
                vorhanden.wert = wert

    def schliessen(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Empfangsdatenbank:
        return self

    def __exit__(self, *_: object) -> None:
        self.schliessen()


__all__ = ["DATEINAME", "DIENST", "Empfangsdatenbank", "anzeige", "schluessel", "standard_url", "url_lesen"]
