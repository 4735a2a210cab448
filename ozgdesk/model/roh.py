"""Plain SQL on either database: one SQL text, one kind of row, for the few hand-written queries.

The start page (:mod:`ozgdesk.model.uebersicht`), the Reifegrad rule (:mod:`ozgdesk.model.reifegrad`),
the payment lines of the documents and the catalogue import's bulk writes run plain SQL on a
DB-API connection: on SQLite that is ``sqlite3`` itself, read before SQLAlchemy is even imported
(the start-up fast path), and it stays exactly that. On PostgreSQL the same SQL runs through
:class:`PgVerbindung`, which wraps a psycopg connection behind the part of ``sqlite3``'s interface
those queries use.

Why a wrapper and not SQLAlchemy Core: the queries are written once, in the SQL both databases
understand (no ``printf``, booleans tested as ``WHERE im_ressort``, every subquery named), and read
their rows as ``sqlite3`` returns them. Porting them to ``text()`` would load SQLAlchemy on the
SQLite fast path (a third of a second at every start) and still leave the row types to align.
So the wrapper does exactly two things:

* placeholders: ``?`` and ``:name`` (sqlite3's styles) become psycopg's ``%s`` and ``%(name)s``
  outside quoted text; every literal ``%`` is doubled (psycopg reads it even inside quotes);
* rows: ``date``/``datetime`` become ISO text, ``Decimal`` sums of integers become ``int`` and
  ``bool`` becomes 0/1 – what SQLite stores and returns for these columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

#: tokens of the SQL text: quoted literals and identifiers (kept), placeholders, a literal percent
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|(?<![:\w]):([A-Za-z_]\w*)|\?|%")


class RohCursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class RohVerbindung(Protocol):
    """What the plain-SQL readers need of a connection: ``sqlite3.Connection`` and
    :class:`PgVerbindung` both have it."""

    def execute(self, sql: str, parameter: Any = ..., /) -> Any: ...


def pg_sql(sql: str) -> str:
    """``sql`` with sqlite3's placeholders turned into psycopg's (quoted text untouched)."""

    def ersetzen(m: re.Match[str]) -> str:
        t = m.group(0)
        if t == "?":
            return "%s"
        if t == "%":
            return "%%"
        if m.group(1):
            return f"%({m.group(1)})s"
        return t.replace("%", "%%")  # a quoted literal or identifier (psycopg reads % even there), or ``::``

    return _TOKEN.sub(ersetzen, sql)


def _wert(w: Any) -> Any:
    if isinstance(w, bool):
        return int(w)
    if isinstance(w, datetime | date):
        return w.isoformat()
    if isinstance(w, Decimal) and w == w.to_integral_value():
        return int(w)
    return w


def _zeile(z: Sequence[Any] | None) -> tuple[Any, ...] | None:
    return None if z is None else tuple(_wert(w) for w in z)


class PgCursor:
    """A psycopg cursor whose rows look like sqlite3's (see the module docstring)."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, parameter: Sequence[Any] | Mapping[str, Any] | None = None) -> PgCursor:
        if parameter is None or (not parameter and not isinstance(parameter, Mapping)):
            self._cursor.execute(sql)  # without parameters psycopg reads no placeholders (nor %)
        else:
            self._cursor.execute(pg_sql(sql), parameter)
        return self

    def executemany(self, sql: str, zeilen: Iterable[Sequence[Any]]) -> PgCursor:
        self._cursor.executemany(pg_sql(sql), list(zeilen))
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return _zeile(self._cursor.fetchone())

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(_wert(w) for w in z) for z in self._cursor.fetchall()]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for z in self._cursor:
            yield tuple(_wert(w) for w in z)

    @property
    def rowcount(self) -> int:
        return int(self._cursor.rowcount)

    def close(self) -> None:
        self._cursor.close()


class PgVerbindung:
    """A psycopg connection behind sqlite3's ``execute``/``executemany``/``cursor`` (same SQL text)."""

    dialekt = "postgresql"

    def __init__(self, verbindung: Any) -> None:
        self._verbindung = verbindung

    def cursor(self) -> PgCursor:
        return PgCursor(self._verbindung.cursor())

    def execute(self, sql: str, parameter: Sequence[Any] | Mapping[str, Any] | None = None) -> PgCursor:
        return self.cursor().execute(sql, parameter)

    def executemany(self, sql: str, zeilen: Iterable[Sequence[Any]]) -> PgCursor:
        return self.cursor().executemany(sql, zeilen)


def fuer_dbapi(dbapi_verbindung: Any) -> Any:
    """The connection for plain SQL: ``sqlite3`` as it is, psycopg wrapped in :class:`PgVerbindung`."""
    if type(dbapi_verbindung).__module__.startswith("psycopg"):
        return PgVerbindung(dbapi_verbindung)
    return dbapi_verbindung

