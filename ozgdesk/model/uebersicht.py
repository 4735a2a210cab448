"""What needs attention now: the data of the dashboard (Qt-free, plain dataclasses).

The coordinator opens ozgdesk to see what is late and what the next report still lacks. All
figures are computed for a reference date (``stichtag``) so the demo Ressort and tests are
deterministic; the GUI passes today's date for a real store.

The "noch fehlt" list is a *preliminary* check computed here from the store; the full validation
of the reports module runs on the Berichte page.

Written in plain SQL over a DB-API ``sqlite3`` connection, not the ORM: this is the first page the
desktop client shows, and it can show it before SQLAlchemy (a third of a second to import) is
loaded. Every figure is one aggregate query, so a store with 10,000 projects and a million payment
lines costs a few milliseconds per figure rather than a scan in Python.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ozgdesk.model.values import Ampel, Finanzierung, MeilensteinStatus, Quartal, Reifegradmodell

#: Days after a quarter's end by which the Ressort's quarterly report is due at the BMI. The
#: programme documents say "every three months" without a day; ozgdesk assumes two weeks.
BERICHTSFRIST_TAGE = 15


@dataclass(frozen=True)
class Hinweis:
    """One item that leads to a record: ``art`` is the entity (projekt, meilenstein, leistung)."""

    text: str
    art: str
    datensatz_id: str
    projekt_id: str | None = None


@dataclass(frozen=True)
class MeilensteinHinweis:
    id: str
    projekt_id: str
    projekt: str
    titel: str
    termin: date
    status: MeilensteinStatus


@dataclass(frozen=True)
class Quartalswert:
    quartal: Quartal
    plan_cent: int
    ist_cent: int


@dataclass(frozen=True)
class RessortKopf:
    """Who the database belongs to: window title and status bar."""

    kurzname: str
    name: str
    referat: str


@dataclass(frozen=True)
class Uebersicht:
    stichtag: date
    bericht_quartal: Quartal
    bericht_frist: date
    fehlend: tuple[Hinweis, ...]
    ueberfaellig: tuple[MeilensteinHinweis, ...]
    demnaechst: tuple[MeilensteinHinweis, ...]
    ampeln: dict[Ampel, int]
    mittelabfluss: tuple[Quartalswert, ...]
    reifegrade: dict[int | None, int]
    projekte: int
    leistungen_im_ressort: int


def berichtsquartal(stichtag: date) -> tuple[Quartal, date]:
    """The quarter whose report is due next: the last finished one while its deadline runs."""
    vorher = Quartal.von_datum(stichtag).vorheriges()
    frist = vorher.ende + timedelta(days=BERICHTSFRIST_TAGE)
    if stichtag <= frist:
        return vorher, frist
    aktuell = Quartal.von_datum(stichtag)
    return aktuell, aktuell.ende + timedelta(days=BERICHTSFRIST_TAGE)


_OFFEN = (MeilensteinStatus.OFFEN.value, MeilensteinStatus.GEFAEHRDET.value)


def _meilensteine(con: sqlite3.Connection, stichtag: date, bis: date | None, limit: int) -> list[MeilensteinHinweis]:
    """Open or endangered milestones: overdue (``bis`` None) or due between the reference date and ``bis``."""
    zeitraum = "termin < :tag" if bis is None else "termin >= :tag AND termin <= :bis"
    zeilen = con.execute(
        f"""SELECT * FROM (
                SELECT m.id, m.projekt_id, p.kennung, m.titel, coalesce(m.prognose_datum, m.plan_datum) AS termin,
                       m.status
                FROM meilenstein m JOIN projekt p ON p.id = m.projekt_id
                WHERE m.status IN (:offen, :gefaehrdet))
            WHERE {zeitraum} ORDER BY termin, kennung LIMIT :limit""",
        {"tag": stichtag.isoformat(), "bis": bis.isoformat() if bis else None, "limit": limit,
         "offen": _OFFEN[0], "gefaehrdet": _OFFEN[1]},
    )
    return [MeilensteinHinweis(i, pid, k, t, date.fromisoformat(d), MeilensteinStatus(st))
            for i, pid, k, t, d, st in zeilen]


def _mittelabfluss(con: sqlite3.Connection, jahr: int) -> tuple[Quartalswert, ...]:
    """Plan (latest plan version of each project) against payments, per quarter of ``jahr``."""
    quartale = [Quartal(jahr, n) for n in range(1, 5)]
    plan = dict(con.execute(
        """SELECT zp.quartal, sum(zp.betrag_cent)
           FROM zahlungsplan_position zp
           JOIN zahlungsplan z ON z.id = zp.zahlungsplan_id
           JOIN (SELECT projekt_id, max(version) AS v FROM zahlungsplan GROUP BY projekt_id) neu
             ON neu.projekt_id = z.projekt_id AND neu.v = z.version
           WHERE zp.quartal IN (?, ?, ?, ?)
           GROUP BY zp.quartal""",
        [str(q) for q in quartale],
    ).fetchall())
    ist = {str(q): con.execute(
        "SELECT coalesce(sum(betrag_cent), 0) FROM mittelabfluss WHERE datum >= ? AND datum <= ?",
        (q.beginn.isoformat(), q.ende.isoformat()),
    ).fetchone()[0] for q in quartale}
    return tuple(Quartalswert(q, int(plan.get(str(q)) or 0), int(ist[str(q)])) for q in quartale)


def _reifegrade(con: sqlite3.Connection) -> dict[int | None, int]:
    """Current level (model 1.1, the latest assessment) of the Ressort's Leistungen; None = not yet assessed."""
    zaehler = dict(con.execute(
        """SELECT stufe, count(*) FROM (
               SELECT (SELECT r.stufe FROM reifegrad_bewertung r
                       WHERE r.leistung_id = l.id AND r.modell = ?
                       ORDER BY r.datum DESC, r.rowid DESC LIMIT 1) AS stufe
               FROM leistung l WHERE l.im_ressort = 1)
           GROUP BY stufe""",
        (Reifegradmodell.V1_1.value,),
    ).fetchall())
    return {stufe: zaehler.get(stufe, 0) for stufe in (None, 0, 1, 2, 3, 4)}


#: Items the "noch fehlt" list shows at most.
FEHLEND_HOECHSTENS = 50


def _fehlend(con: sqlite3.Connection, quartal: Quartal, ueberfaellig: list[MeilensteinHinweis],
             limit: int = FEHLEND_HOECHSTENS) -> list[Hinweis]:
    """Preliminary check for the quarterly report: what the project leads still have to enter."""
    hinweise: list[Hinweis] = []
    projekte = con.execute(
        """SELECT p.id, p.kennung, p.finanzierung, p.ampel_gesamt, p.ampel_gesamt_grund,
                  EXISTS (SELECT 1 FROM mittelabfluss m
                          WHERE m.projekt_id = p.id AND m.datum >= :beginn AND m.datum <= :ende),
                  EXISTS (SELECT 1 FROM aufwand a WHERE a.projekt_id = p.id AND a.quartal = :quartal)
           FROM projekt p
           WHERE (p.beginn IS NULL OR p.beginn <= :ende) AND (p.ende IS NULL OR p.ende >= :beginn)
           ORDER BY p.kennung""",
        {"beginn": quartal.beginn.isoformat(), "ende": quartal.ende.isoformat(), "quartal": str(quartal)},
    )
    for pid, kennung, fin, ampel_code, grund, mit_zahlung, mit_aufwand in projekte:
        ampel, fin = Ampel(ampel_code), Finanzierung(fin)
        if ampel is not Ampel.GRUEN and not (grund or "").strip():
            hinweise.append(Hinweis(f"{kennung}: Begründung für die Ampel „{ampel.label}“ fehlt.", "projekt", pid, pid))
        if fin is Finanzierung.UNTERSTUETZUNG and not mit_aufwand:
            hinweise.append(Hinweis(f"{kennung}: Aufwand (PT) für {quartal.kurz} fehlt.", "projekt", pid, pid))
        if fin is not Finanzierung.UNTERSTUETZUNG and not mit_zahlung:
            hinweise.append(Hinweis(f"{kennung}: Kein Mittelabfluss in {quartal.kurz} erfasst.", "projekt", pid, pid))
        if len(hinweise) >= limit:
            break
    for m in ueberfaellig:
        if len(hinweise) >= limit:
            break
        hinweise.append(Hinweis(
            f"{m.projekt}: Meilenstein „{m.titel}“ ist überfällig – neue Prognose oder Ist-Datum eintragen.",
            "meilenstein", m.id, m.projekt_id,
        ))
    return hinweise


def ressort_kopf(con: sqlite3.Connection) -> RessortKopf | None:
    zeile = con.execute("SELECT kurzname, name, koordinierungsreferat FROM ressort LIMIT 1").fetchone()
    return RessortKopf(*zeile) if zeile else None


def fuer_store(store: Any, stichtag: date) -> Uebersicht:
    """The dashboard of ``store`` (a Store or a not yet opened stand-in: both read with sqlite3)."""
    with store.roh_lesen() as con:
        return uebersicht(con, stichtag)


def uebersicht(con: sqlite3.Connection, stichtag: date, *, limit: int = 12) -> Uebersicht:
    """Everything the dashboard shows, from a plain ``sqlite3`` connection (see ``Store.roh_lesen``)."""
    quartal, frist = berichtsquartal(stichtag)
    # one query for both lists: the overdue milestones (first ``limit``) and the "noch fehlt" items
    ueberfaellig = _meilensteine(con, stichtag, None, max(limit, FEHLEND_HOECHSTENS))
    ampeln = {Ampel(a): n for a, n in con.execute("SELECT ampel_gesamt, count(*) FROM projekt GROUP BY ampel_gesamt")}
    return Uebersicht(
        stichtag=stichtag,
        bericht_quartal=quartal,
        bericht_frist=frist,
        fehlend=tuple(_fehlend(con, quartal, ueberfaellig)),
        ueberfaellig=tuple(ueberfaellig[:limit]),
        demnaechst=tuple(_meilensteine(con, stichtag, stichtag + timedelta(days=90), limit)),
        ampeln={a: ampeln.get(a, 0) for a in Ampel},
        mittelabfluss=_mittelabfluss(con, stichtag.year),
        reifegrade=_reifegrade(con),
        projekte=sum(ampeln.values()),
        leistungen_im_ressort=con.execute("SELECT count(*) FROM leistung WHERE im_ressort = 1").fetchone()[0],
    )
