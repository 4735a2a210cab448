"""Where the store lives: a SQLite file or a PostgreSQL database, named by a path or a URL.

One place reads what the user gives (``--db``, ``OZGDESK_DB``, a path) and turns it into a
:class:`Datenbankort`; everything else (the store, the CLI, the GUI, the receiver's view) asks it
for the dialect, a display string and – for PostgreSQL – the SQLAlchemy URL with the password.

The password never travels in the URL or the settings: a URL that contains one is refused, and
the password is read from the OS keychain (service :data:`DIENST`, user name
``benutzer@host:port/datenbank``), where ``ozgdesk-cli datenbank passwort setzen`` puts it. The
display string (:attr:`Datenbankort.anzeige`) never contains a password, so it may go into the
status bar, messages and the technical log.

Qt-free and free of SQLAlchemy (parsing uses :mod:`urllib.parse`): the desktop client reads its
start-up arguments through this module before SQLAlchemy is loaded.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ozgdesk.model.errors import Eingabefehler

#: keychain service of the database passwords (one entry per user, server and database)
DIENST = "ozgdesk-datenbank"
#: environment variable naming the database (a path or a URL); ``--db`` wins over it
UMGEBUNG = "OZGDESK_DB"

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

_PG_SCHEMATA = ("postgresql", "postgresql+psycopg", "postgres")
#: URL query parameters passed through to libpq (everything else is refused, so a typo is noticed)
_PG_PARAMETER = frozenset({"host", "port", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl",
                           "connect_timeout", "application_name", "target_session_attrs", "gssencmode",
                           "channel_binding"})
STANDARD_PORT = 5432


@dataclass(frozen=True)
class Datenbankort:
    """A store's location. ``pfad`` for SQLite; user, host, port, database and libpq parameters for
    PostgreSQL (never a password)."""

    dialekt: str
    pfad: Path | None = None
    benutzer: str = ""
    host: str = ""
    port: int = STANDARD_PORT
    datenbank: str = ""
    parameter: tuple[tuple[str, str], ...] = field(default=())

    @property
    def ist_server(self) -> bool:
        return self.dialekt == POSTGRESQL

    @property
    def server(self) -> str:
        """Host (or the socket folder given as ``?host=``) for messages and the keychain."""
        return self.host or dict(self.parameter).get("host", "") or "localhost"

    @property
    def anzeige(self) -> str:
        """Safe to show and to log: the file path, or ``postgresql://benutzer@host:port/datenbank``."""
        if not self.ist_server:
            return str(self.pfad)
        wer = f"{self.benutzer}@" if self.benutzer else ""
        return f"postgresql://{wer}{self.server}:{self.port}/{self.datenbank}"

    @property
    def schluesselbund_name(self) -> str:
        """The keychain user name of this database's password: ``benutzer@host:port/datenbank``."""
        return f"{self.benutzer}@{self.server}:{self.port}/{self.datenbank}"

    @property
    def url_ohne_passwort(self) -> str:
        """The URL as the user would write it again (``postgresql+psycopg://…``), without password."""
        if not self.ist_server:
            return str(self.pfad)
        from urllib.parse import quote, urlencode

        wer = f"{quote(self.benutzer, safe='')}@" if self.benutzer else ""
        port = f":{self.port}" if self.host and self.port != STANDARD_PORT else ""
        rest = f"?{urlencode(self.parameter)}" if self.parameter else ""
        return f"postgresql+psycopg://{wer}{self.host}{port}/{quote(self.datenbank, safe='')}{rest}"

    def sqlalchemy_url(self, passwort: str | None) -> Any:
        """The SQLAlchemy URL (with the password from the keychain, if any) – only for the engine."""
        from sqlalchemy.engine import URL

        abfrage = {k: v for k, v in self.parameter if k not in ("host", "port")}
        host = self.host or dict(self.parameter).get("host") or None
        return URL.create("postgresql+psycopg", username=self.benutzer or None, password=passwort or None,
                          host=host, port=self.port, database=self.datenbank, query=abfrage)

    def __str__(self) -> str:
        return self.anzeige


def ist_url(text: str | os.PathLike[str]) -> bool:
    """True if ``text`` looks like a database URL (``schema://…``), not a file path."""
    return isinstance(text, str) and "://" in text and not text.lower().startswith("file://")


def ort_lesen(text: str | os.PathLike[str] | Datenbankort, *, woher: str = "--db") -> Datenbankort:
    """Read a path or URL into a :class:`Datenbankort`; a German :class:`Eingabefehler` names what is
    wrong and where the value came from (``woher``: ``--db``, ``OZGDESK_DB`` …).

    Accepted: a file path, ``sqlite:///pfad``, ``postgresql+psycopg://benutzer@host:port/datenbank``
    (also ``postgresql://``), with libpq parameters such as ``?sslmode=verify-full`` or
    ``?host=/var/run/postgresql`` (a Unix socket). A password in the URL is refused.
    """
    if isinstance(text, Datenbankort):
        return text
    if not ist_url(text):
        return Datenbankort(SQLITE, pfad=Path(text).expanduser())
    assert isinstance(text, str)
    roh = text.strip()
    schema = roh.split("://", 1)[0].lower()
    if schema == "sqlite":
        rest = roh.split("://", 1)[1]
        if not rest.startswith("/") or rest == "/":
            raise Eingabefehler(f"Die Angabe {woher}={roh!s} nennt keine Datei (Form: sqlite:///pfad/zur/datei.sqlite).")
        return Datenbankort(SQLITE, pfad=Path(rest[1:]).expanduser())
    if schema not in _PG_SCHEMATA:
        raise Eingabefehler(
            f"Die Datenbankadresse {woher} beginnt mit „{schema}://“. ozgdesk kennt eine Datei (Pfad) oder "
            "einen PostgreSQL-Server: postgresql+psycopg://benutzer@host/datenbank.")
    try:
        teile = urlsplit(roh)
        port = teile.port
    except ValueError:
        raise Eingabefehler(f"Die Datenbankadresse {woher} ist nicht lesbar (Port keine Zahl?). "
                            "Form: postgresql+psycopg://benutzer@host:5432/datenbank.") from None
    if teile.password is not None:
        raise Eingabefehler(
            f"Die Datenbankadresse {woher} enthält ein Passwort. Passwörter gehören nie in die Adresse oder "
            "die Einstellungen, sondern in den Schlüsselbund des Systems: "
            "ozgdesk-cli datenbank passwort setzen --db postgresql+psycopg://benutzer@host/datenbank --password-stdin")
    datenbank = unquote(teile.path.lstrip("/"))
    if not datenbank or "/" in datenbank:
        raise Eingabefehler(f"Die Datenbankadresse {woher} nennt keine Datenbank (Form: "
                            "postgresql+psycopg://benutzer@host/datenbank).")
    parameter: list[tuple[str, str]] = []
    for k, v in parse_qsl(teile.query, keep_blank_values=True):
        if k == "password":
            raise Eingabefehler(f"Die Datenbankadresse {woher} enthält ein Passwort (password=…). Passwörter gehören "
                                "in den Schlüsselbund: ozgdesk-cli datenbank passwort setzen.")
        if k not in _PG_PARAMETER:
            raise Eingabefehler(f"Die Datenbankadresse {woher} enthält den unbekannten Parameter „{k}“. Erlaubt sind: "
                                f"{', '.join(sorted(_PG_PARAMETER))}.")
        if k == "port":
            if not v.isdigit():
                raise Eingabefehler(f"Die Datenbankadresse {woher}: port={v} ist keine Zahl.")
            port = int(v)
            continue
        parameter.append((k, v))
    benutzer = unquote(teile.username or "")
    return Datenbankort(POSTGRESQL, benutzer=benutzer, host=teile.hostname or "", port=port or STANDARD_PORT,
                        datenbank=datenbank, parameter=tuple(parameter))


def aus_umgebung(db: str | None, standard: Path) -> Datenbankort:
    """The store to open: ``--db`` (``db``), else ``OZGDESK_DB``, else the file ``standard``."""
    if db:
        return ort_lesen(db, woher="--db")
    if os.environ.get(UMGEBUNG):
        return ort_lesen(os.environ[UMGEBUNG], woher=UMGEBUNG)
    return Datenbankort(SQLITE, pfad=standard)


# ------------------------------------------------------------------------------ password (keychain)
def passwort_holen(ort: Datenbankort) -> str | None:
    """The password of ``ort`` from the keychain, None if none is stored (the server may not need
    one: a Unix socket with peer authentication, a client certificate, ``~/.pgpass``).

    A locked or missing keychain is a German :class:`SchluesselbundFehler` – never reported as a
    wrong password, and never bypassed through a plain-text file. The store connects without a
    password then and raises this error only if the server asks for one (:func:`passwort_versuchen`)."""
    from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

    import keyring.errors

    kr = _backend_pruefen()
    try:
        return kr.get_password(DIENST, ort.schluesselbund_name)
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler(
            f"Der Schlüsselbund ist gesperrt; das Passwort für die Datenbank {ort.anzeige} kann nicht gelesen werden. "
            "Bitte den Schlüsselbund entsperren (das Passwort selbst ist nicht falsch).") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(
            f"Der Schlüsselbund ist nicht verfügbar ({type(e).__name__}); das Passwort für die Datenbank "
            f"{ort.anzeige} kann nicht gelesen werden.") from None


def passwort_versuchen(ort: Datenbankort) -> tuple[str | None, Exception | None]:
    """(password or None, the keychain's error if it could not be asked) – see :func:`passwort_holen`."""
    from ozgdesk.sync.zugang import SchluesselbundFehler

    try:
        return passwort_holen(ort), None
    except SchluesselbundFehler as e:
        return None, e


def passwort_speichern(ort: Datenbankort, passwort: str) -> None:
    """Store the password of ``ort`` in the keychain (refused without a safe keychain)."""
    from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

    import keyring.errors

    if not ort.ist_server:
        raise Eingabefehler("Eine Datenbankdatei (SQLite) hat kein Passwort; --db muss ein PostgreSQL-Server sein.")
    if not passwort:
        raise Eingabefehler("Das Passwort ist leer; es wurde nichts gespeichert.")
    kr = _backend_pruefen()
    try:
        kr.set_password(DIENST, ort.schluesselbund_name, passwort)
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler("Der Schlüsselbund ist gesperrt; bitte entsperren und erneut versuchen.") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(
            f"Das Passwort konnte nicht im Schlüsselbund gespeichert werden ({type(e).__name__}).") from None


def passwort_loeschen(ort: Datenbankort) -> bool:
    """Remove the stored password; False if there was none."""
    from ozgdesk.sync.zugang import _backend_pruefen

    import keyring.errors

    try:
        _backend_pruefen().delete_password(DIENST, ort.schluesselbund_name)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def anmeldename() -> str:
    """The operating system's login name: who works on this device if no name is set (the change
    log's author; ``Store.personenname`` and the Abgleich page's first view)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account without passwd entry)
        return "unbekannt"
