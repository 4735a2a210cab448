"""Text search through an index: SQLite FTS5 (trigram) over projects, milestones and payments.

Searching a million payment lines with ``LIKE '%…%'`` reads every line – two seconds per keystroke
in the Finanzen table. The migration ``0014_volltext`` adds an FTS5 index per searched table
(external content: the index holds no copy of the text) with the **trigram** tokenizer, which
answers exactly the question ``LIKE '%text%'`` asks – does the text occur anywhere in the field –
from the index, for any text of three characters or more:

======================  ============================  ==========================================
index                   fields                        searched by
======================  ============================  ==========================================
``projekt_suche``       kennung, titel                Projekte table, Meilensteine and Finanzen
                                                      (by the project's Kennung)
``meilenstein_suche``   titel                         Meilensteine table
``mittelabfluss_suche`` referenz                      Finanzen table, a project's payments
======================  ============================  ==========================================

**Kept current by every write path.** Triggers on the three tables note each new or changed row
in ``volltext_offen`` (a plain B-tree insert; FTS5 written row by row from a trigger costs 16 µs a
row, ten times the insert itself, because it flushes at every statement) and take a changed or
deleted row's old text out of the index at once. :func:`nachziehen` indexes the noted rows in one
statement; :meth:`Store.session <ozgdesk.model.store.Store.session>` calls it before every commit,
so an edit in the GUI or the CLI, an import and a sync leave nothing behind. A search also finds
rows that are noted but not indexed yet (written by a path that bypassed the Store, such as a
benchmark generator), with ``LIKE`` over those rows only – so a search is never wrong, only, in
that rare case, a little slower.

**Semantics** (compared with the ``LIKE`` search it replaces; ``docs/datenmodell.md``, „Suche in den Tabellen“): the same
substring match; upper and lower case are folded for all letters (``LIKE`` in SQLite folds only
A–Z, so „Ä“ now finds „ä“); ``%`` and ``_`` in the search text are plain characters (they were
wildcards). Texts shorter than three characters, other databases than SQLite (PostgreSQL) and a
file without the index fall back to ``LIKE``, with its semantics.

The global search (Strg+K, :mod:`ozgdesk.model.suche`) stays with ``LIKE``: it matches each word
with umlaut wildcards (``f_hrerschein``), which FTS5 answers only through ``LIKE`` on the index,
and that reads every candidate's text once more. Measured on the large store (10,000 projects,
40,000 milestones): a distinctive word is faster through the index (4 instead of 19 ms), a word
most projects contain („Digitalisierung“) much slower (220 instead of 45 ms); ``LIKE`` keeps every
search under 60 ms there.

A migration that rebuilds one of the three tables (Alembic's batch mode copies it) renumbers its
rows; it must rebuild the index too (``INSERT INTO x_suche(x_suche) VALUES('rebuild')``) and
recreate the triggers. ``tests/test_volltext.py`` checks the index at the head revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, column, event, literal_column, or_, select, table
from sqlalchemy.orm import Session

#: indexed table → its indexed columns (the order of the FTS5 table's columns)
INDEX: dict[str, tuple[str, ...]] = {
    "projekt": ("kennung", "titel"),
    "meilenstein": ("titel",),
    "mittelabfluss": ("referenz",),
}
#: rows written but not yet in the index (``tabelle``, ``zeile`` = the row's rowid)
OFFEN = "volltext_offen"
#: the trigram tokenizer finds nothing shorter
MINDESTLAENGE = 3


def index_name(tabelle: str) -> str:
    return f"{tabelle}_suche"


def ist_volltext_tabelle(name: str) -> bool:
    """True for the index's own tables (not part of the ORM model: FTS5 and its shadow tables)."""
    return name == OFFEN or any(name == index_name(t) or name.startswith(index_name(t) + "_") for t in INDEX)


def verfuegbar(s: Session) -> bool:
    """True if the database behind ``s`` has the index (SQLite at revision 0014 or later).

    Asked once per pooled connection (``Connection.info``)."""
    if s.get_bind().dialect.name != "sqlite":
        return False
    con = s.connection()
    info = con.info
    if "volltext" not in info:
        info["volltext"] = con.exec_driver_sql(
            f"SELECT count(*) FROM sqlite_master WHERE name IN ('{OFFEN}', "
            + ", ".join(f"'{index_name(t)}'" for t in INDEX) + ")").scalar_one() == len(INDEX) + 1
    return bool(info["volltext"])


def _phrase(text: str, spalten: Sequence[str]) -> str:
    """The FTS5 query: ``text`` as one phrase (a substring for the trigram tokenizer) in ``spalten``."""
    return "{" + " ".join(spalten) + "} : \"" + text.replace('"', '""') + "\""


def _rowid(tabelle: str) -> ColumnElement[Any]:
    return literal_column(f"{tabelle}.rowid")


def _offen(tabelle: str) -> Any:
    offen = table(OFFEN, column("tabelle"), column("zeile"))
    return select(offen.c.zeile).where(offen.c.tabelle == tabelle)


def treffer(tabelle: str, spalten: Sequence[str], text: str) -> ColumnElement[bool] | None:
    """Rows of ``tabelle`` (named so in the query, not aliased) whose ``spalten`` contain ``text``
    (upper/lower case alike), through the index; None if the index cannot answer (text too short):
    then the caller searches with ``LIKE``."""
    text = text.strip()
    if len(text) < MINDESTLAENGE:
        return None
    fts = table(index_name(tabelle), column("rowid"))
    suche = select(fts.c.rowid).where(literal_column(index_name(tabelle)).op("MATCH")(_phrase(text, spalten)))
    muster = "%" + text + "%"
    noch_nicht = and_(_rowid(tabelle).in_(_offen(tabelle)),
                      or_(*(literal_column(f"{tabelle}.{sp}").ilike(muster) for sp in spalten)))
    return or_(_rowid(tabelle).in_(suche), noch_nicht)


def nachziehen(con: Any) -> int:
    """Index the rows noted in ``volltext_offen`` (one statement per table) and clear the note;
    ``con`` is an SQLAlchemy connection inside a write transaction. Returns how many rows.

    Nothing to do (the usual case) costs one indexed lookup; other databases than SQLite have no
    such table and are left alone."""
    if con.dialect.name != "sqlite":
        return 0
    info = con.info
    if not info.get("volltext_offen"):  # asked once per pooled connection (a database before 0014 has none)
        if con.exec_driver_sql(f"SELECT 1 FROM sqlite_master WHERE name = '{OFFEN}'").first() is None:
            return 0
        info["volltext_offen"] = True
    if con.exec_driver_sql(f"SELECT 1 FROM {OFFEN} LIMIT 1").first() is None:
        return 0
    n = 0
    for tabelle, spalten in INDEX.items():
        liste = ", ".join(spalten)
        werte = ", ".join(f"t.{sp}" for sp in spalten)
        n += con.exec_driver_sql(
            f"INSERT INTO {index_name(tabelle)}(rowid, {liste}) SELECT t.rowid, {werte} FROM {OFFEN} o "
            f"JOIN {tabelle} t ON t.rowid = o.zeile WHERE o.tabelle = '{tabelle}'").rowcount
    con.exec_driver_sql(f"DELETE FROM {OFFEN}")
    return n


#: ``Session.info`` key: the session's transaction has a connection (something may have been written)
_VERBUNDEN = "volltext_verbunden"


def aktivieren(session_cls: type[Session]) -> None:
    """Note in each session of ``session_cls`` whether its transaction reached the database."""
    def begonnen(session: Session, _transaction: object, _connection: object) -> None:
        session.info[_VERBUNDEN] = True

    event.listen(session_cls, "after_begin", begonnen)


def vor_dem_commit(s: Session) -> None:
    """Right before a write session commits: flush the ORM, then index what the transaction wrote
    (:func:`nachziehen`). A session that never reached the database takes no lock for it."""
    if not s.info.pop(_VERBUNDEN, False):
        return
    s.flush()
    nachziehen(s.connection())
