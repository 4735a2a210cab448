"""Text search index (SQLite FTS5, trigram) over projects, milestones and payments

Searching the Finanzen table of a store with a million payment lines read every line with
``LIKE '%…%'``: 0.8 to 2 s per search. An FTS5 index with the trigram tokenizer answers the same
substring question from the index (a few milliseconds). External content: the index keeps no
copy of the texts, only the trigrams (about 5 bytes per character indexed).

Triggers keep it current whatever writes (ORM, Core, raw sqlite3): a new or changed row is noted
in ``volltext_offen`` and indexed in bulk before the Store commits (``ozgdesk.model.volltext``);
a changed or deleted row's old text leaves the index at once (its old values are only known then).
A row noted but not indexed yet has never been in the index, so its change or deletion removes
nothing from it.

Only SQLite: on another database (PostgreSQL) this revision does nothing and the search uses LIKE.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 12:00:00
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: table → indexed columns (as ozgdesk.model.volltext.INDEX at this revision)
INDEX = {
    "projekt": ("kennung", "titel"),
    "meilenstein": ("titel",),
    "mittelabfluss": ("referenz",),
}


def _anweisungen(tabelle: str, spalten: tuple[str, ...]) -> list[str]:
    fts = f"{tabelle}_suche"
    liste = ", ".join(spalten)
    alt = ", ".join(f"old.{s}" for s in spalten)
    nicht_offen = f"NOT EXISTS (SELECT 1 FROM volltext_offen WHERE tabelle = '{tabelle}' AND zeile = old.rowid)"
    raus = f"INSERT INTO {fts}({fts}, rowid, {liste}) SELECT 'delete', old.rowid, {alt} WHERE {nicht_offen};"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({liste}, content='{tabelle}', content_rowid='rowid', "
        "tokenize='trigram')",
        f"CREATE TRIGGER {fts}_neu AFTER INSERT ON {tabelle} BEGIN "
        f"INSERT OR IGNORE INTO volltext_offen(tabelle, zeile) VALUES ('{tabelle}', new.rowid); END",
        f"CREATE TRIGGER {fts}_aendern AFTER UPDATE OF {liste} ON {tabelle} BEGIN {raus} "
        f"INSERT OR IGNORE INTO volltext_offen(tabelle, zeile) VALUES ('{tabelle}', new.rowid); END",
        f"CREATE TRIGGER {fts}_weg AFTER DELETE ON {tabelle} BEGIN {raus} "
        f"DELETE FROM volltext_offen WHERE tabelle = '{tabelle}' AND zeile = old.rowid; END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE volltext_offen (tabelle VARCHAR(40) NOT NULL, zeile INTEGER NOT NULL, "
               "PRIMARY KEY (tabelle, zeile)) WITHOUT ROWID")
    for tabelle, spalten in INDEX.items():
        for sql in _anweisungen(tabelle, spalten):
            op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for tabelle in INDEX:
        for art in ("neu", "aendern", "weg"):
            op.execute(f"DROP TRIGGER IF EXISTS {tabelle}_suche_{art}")
        op.execute(f"DROP TABLE IF EXISTS {tabelle}_suche")
    op.execute("DROP TABLE IF EXISTS volltext_offen")
