"""The Änderungsprotokoll's first page with plain SQL, for the window that starts on it (Qt-free,
no SQLAlchemy).

The window starts on the page used last, and its first rows should stand about as fast as a bare
Qt window (``bench/start.py``). The full path (:func:`ozgdesk.model.protokollansicht.laden`) needs
SQLAlchemy, the mapped entities and the opened Store – together more than the window itself. The
page's start request (no filter, newest first) is simple enough to read without them: one keyset
query of the log, one count, the names in bulk. Here it is read over ``store.roh_lesen()`` (plain
``sqlite3``) and turned into rows by the very code the full path uses
(:func:`ozgdesk.model.protokollzeilen.zeilen_lesbar`); only the reading differs, and the tests
compare both paths' first page field by field on the demo store and on a store of edge cases.

A file store only: on a database server the window opens the full Store at once (no
:class:`~ozgdesk.model.schnellstart.VerzoegerterStore`), so the page takes the full path there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokollkatalog import TABELLEN
from ozgdesk.model.protokollbenennung import Logzeile, Namensaufloesung
from ozgdesk.model.protokolltext import spalten_art
from ozgdesk.model.protokollzeilen import SEITENGROESSE, ZAEHLGRENZE, Protokollfilter, Protokollseite, zeilen_lesbar
from ozgdesk.model.values import Haushaltsstelle, Quartal

_ZEILEN = ("SELECT id, zeitpunkt, seq, benutzer, quelle, tabelle, datensatz_id, aktion, feld, alt, neu "
           "FROM aenderung ORDER BY zeitpunkt DESC, seq DESC, id DESC LIMIT ?")
_ZAEHLEN = "SELECT count(*) FROM (SELECT id FROM aenderung LIMIT ?) AS erste"


def beantwortet(f: Protokollfilter) -> bool:
    """True for the request answered here: the page's start, no filter, newest first."""
    return f == Protokollfilter()


def _json_wert(art: str | None, codes: tuple[tuple[str, str], ...], wert: Any) -> Any:
    """A stored value as the full path hands it to the names: the column type's reading, then its
    JSON encoding (``ozgdesk.model.base.json_wert``). A value the type cannot read stays as stored
    (the full path would fail on it; the names only show it)."""
    if wert is None:
        return None
    try:
        if art == "bool":
            return bool(wert)
        if art == "code":
            s = str(wert).strip()
            return next((c for c, label in codes if s == c or s.casefold() == label.casefold()), wert)
        if art == "dezimal":
            return str(Decimal(wert))
        if art == "zeit":
            return datetime.fromisoformat(wert).astimezone(UTC).isoformat()
        if art == "quartal":
            return str(Quartal.parse(wert))
        if art == "haushaltsstelle":
            return str(Haushaltsstelle.parse(wert))
    except (ValueError, TypeError, InvalidOperation, Eingabefehler):
        return wert
    return wert


class RohNamensaufloesung(Namensaufloesung):
    """The names of one page, read with plain SQL on a DB-API connection (``sqlite3``)."""

    def __init__(self, con: Any) -> None:
        super().__init__()
        self.con = con

    def _datensaetze_lesen(self, tabelle: str, spalten: list[str], ids: list[str]) -> Iterable[tuple[Any, ...]]:
        # names of tables and columns come from the generated catalogue, never from the log
        sql = (f'SELECT id{"".join(f", {_ident(s)}" for s in spalten)} FROM {_ident(tabelle)} '
               f'WHERE id IN ({", ".join("?" for _ in ids)})')
        arten = [(spalten_art(tabelle, s), TABELLEN[tabelle]["spalten"][s][2]) for s in spalten]
        for r in self.con.execute(sql, ids):
            yield (r[0], *(_json_wert(a, c, v) for (a, c), v in zip(arten, r[1:], strict=True)))

    def _protokoll_lesen(self, ids: list[str]) -> Iterable[Logzeile]:
        sql = (f"SELECT tabelle, datensatz_id, aktion, feld, alt, neu FROM aenderung "
               f"WHERE datensatz_id IN ({', '.join('?' for _ in ids)}) ORDER BY zeitpunkt, seq")
        for r in self.con.execute(sql, ids):
            yield (r[0], r[1], r[2], r[3], r[4], r[5])


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def erste_seite(con: Any, limit: int = SEITENGROESSE) -> Protokollseite:
    """What ``protokollansicht.laden(s, Protokollfilter())`` returns, read with plain SQL on ``con``."""
    roh = [(r[0], datetime.fromisoformat(r[1]), *r[2:]) for r in con.execute(_ZEILEN, (limit,))]
    zeilen = zeilen_lesbar(RohNamensaufloesung(con), roh)
    if len(zeilen) < limit:
        return Protokollseite(zeilen, len(zeilen))  # the page holds them all
    n = int(con.execute(_ZAEHLEN, (ZAEHLGRENZE + 1,)).fetchone()[0])
    return Protokollseite(zeilen, min(n, ZAEHLGRENZE), n > ZAEHLGRENZE)


def startseite_lesen(store: Any) -> Protokollseite:
    """The page's start request over ``store.roh_lesen()`` – on the worker, before the full store is open."""
    with store.roh_lesen() as con:
        return erste_seite(con)
