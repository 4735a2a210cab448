"""Which Reifegrad assessment counts now: the one rule, for the tables, the documents and the Übersicht.

Ziel-Reifegrad and the programme's "online" count are defined in model 1.1, so the latest 1.1
assessment wins even if a later 2.0 self-assessment exists (comparing a 2.0 level with a 1.1
target would mislead); a Leistung assessed only under 2.0 shows its latest 2.0 level.

Two assessments on the same day: the one recorded later wins. "Recorded" is the time of the
record's ``anlegen`` entry in the change log (then its device and sequence number), which the sync
replicates unchanged, so every device decides alike (SQLite's rowid is the local insertion order and differs between synced devices).
A record without a log entry (bulk fixtures) and exact ties fall back to the record id: arbitrary,
but the same everywhere.

Plain SQL over a DB-API connection (no SQLAlchemy): the Übersicht reads it before SQLAlchemy is
loaded; ORM callers pass their session's connection (:func:`roh`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ozgdesk.model.roh import RohVerbindung, fuer_dbapi
from ozgdesk.model.values import Reifegradmodell

#: when a Reifegrad assessment was recorded, as sortable text: the time of its ``anlegen`` entry
#: (ISO text in UTC, so text order is time order), then device and sequence number, which order the
#: records of one transaction (they share its time) as they were added
#: (``10**12 + seq`` as text: a fixed width without SQLite's ``printf``, the same text on PostgreSQL)
_ERFASST = ("(SELECT a.zeitpunkt || ' ' || a.geraet || ' ' || CAST(1000000000000 + a.seq AS TEXT) FROM aenderung a "
            "WHERE a.datensatz_id = {rb}.id AND a.tabelle = 'reifegrad_bewertung' AND a.aktion = 'anlegen' "
            "ORDER BY a.zeitpunkt LIMIT 1)")


def reihenfolge_sql(rb: str) -> str:
    """ORDER BY terms, best first, for assessments of one Leistung in table alias ``rb``."""
    return (f"({rb}.modell = '{Reifegradmodell.V1_1.value}') DESC, {rb}.datum DESC, "
            f"coalesce({_ERFASST.format(rb=rb)}, '') DESC, {rb}.id DESC")


@dataclass(frozen=True)
class AktuellerReifegrad:
    """The assessment that counts for a Leistung now."""

    id: str
    leistung_id: str
    modell: Reifegradmodell
    stufe: int
    datum: date

    @property
    def online(self) -> bool:
        return self.modell.ist_online(self.stufe)


def aktuelle(con: RohVerbindung) -> dict[str, AktuellerReifegrad]:
    """The assessment that counts now, per Leistung id (Leistungen never assessed are missing)."""
    zeilen = con.execute(
        f"""SELECT id, leistung_id, modell, stufe, datum FROM (
                SELECT rb.id, rb.leistung_id, rb.modell, rb.stufe, rb.datum,
                       row_number() OVER (PARTITION BY rb.leistung_id ORDER BY {reihenfolge_sql('rb')}) AS nr
                FROM reifegrad_bewertung rb) AS je_leistung
            WHERE nr = 1"""
    )
    return {lid: AktuellerReifegrad(i, lid, Reifegradmodell.parse(m), int(st), date.fromisoformat(d))
            for i, lid, m, st, d in zeilen}


def neueste_je_modell(con: RohVerbindung, modell: Reifegradmodell) -> dict[str, AktuellerReifegrad]:
    """The latest assessment of one model per Leistung (same-day ties as in :func:`aktuelle`), so a
    document can show the 2.0 self-assessment next to the 1.1 level that counts: nothing newer is hidden."""
    zeilen = con.execute(
        f"""SELECT id, leistung_id, modell, stufe, datum FROM (
                SELECT rb.id, rb.leistung_id, rb.modell, rb.stufe, rb.datum,
                       row_number() OVER (PARTITION BY rb.leistung_id ORDER BY {reihenfolge_sql('rb')}) AS nr
                FROM reifegrad_bewertung rb WHERE rb.modell = ?) AS je_leistung
            WHERE nr = 1""", (modell.value,))
    return {lid: AktuellerReifegrad(i, lid, Reifegradmodell.parse(m), int(st), date.fromisoformat(d))
            for i, lid, m, st, d in zeilen}


def roh(session: Any) -> Any:
    """The DB-API connection of an ORM session, inside its transaction (pending writes flushed first):
    ``sqlite3`` itself, or psycopg behind the same interface (:func:`ozgdesk.model.roh.fuer_dbapi`)."""
    session.flush()
    return fuer_dbapi(session.connection().connection.dbapi_connection)
