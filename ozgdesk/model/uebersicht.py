"""What needs attention now: the data of the dashboard (Qt-free, plain dataclasses).

The coordinator opens ozgdesk to see what is late and what the next report still lacks. All
figures are computed for a reference date (``stichtag``) so the demo Ressort and tests are
deterministic; the GUI passes today's date for a real store.

What the next report still lacks is not decided here: the page asks the one rule set of
``ozgdesk.reports.pruefung`` (the same the Berichte page and ``ozgdesk-cli pruefen`` use) for the
quarter :func:`berichtsquartal` names, once the full store is open. This module only names that
quarter, for all three.

Written in plain SQL over a DB-API ``sqlite3`` connection, not the ORM: this is the first page the
desktop client shows, and it can show it before SQLAlchemy (a third of a second to import) is
loaded. The SQL is the part both databases understand; on a server it runs through
:class:`ozgdesk.model.roh.PgVerbindung`, which returns the same rows. Every figure is one aggregate query, so a store with 10,000 projects and a million payment
lines costs a few milliseconds per figure rather than a scan in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ozgdesk.model import reifegrad
from ozgdesk.model.roh import RohVerbindung
from ozgdesk.model.values import Ampel, MeilensteinStatus, Quartal, Reifegradmodell, anzahl

#: Days after a quarter's end by which the Ressort's quarterly report is due at the BMI. The
#: programme documents say "every three months" without a day; ozgdesk assumes two weeks.
BERICHTSFRIST_TAGE = 15


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
    #: the recipient as set (empty = default); print it through :mod:`ozgdesk.model.empfaenger`
    empfaenger: str = ""


@dataclass(frozen=True)
class Uebersicht:
    stichtag: date
    bericht_quartal: Quartal
    bericht_frist: date
    ueberfaellig: tuple[MeilensteinHinweis, ...]
    demnaechst: tuple[MeilensteinHinweis, ...]
    ampeln: dict[Ampel, int]
    mittelabfluss: tuple[Quartalswert, ...]
    reifegrade: dict[int | None, int]
    projekte: int
    leistungen_im_ressort: int


def berichtsquartal(stichtag: date) -> tuple[Quartal, date]:
    """The quarter whose report is due next and its deadline: the last finished one while its
    deadline runs, else the current one. The default quarter of the Übersicht, the Berichte page
    and ``ozgdesk-cli pruefen`` alike."""
    vorher = Quartal.von_datum(stichtag).vorheriges()
    frist = vorher.ende + timedelta(days=BERICHTSFRIST_TAGE)
    if stichtag <= frist:
        return vorher, frist
    aktuell = Quartal.von_datum(stichtag)
    return aktuell, aktuell.ende + timedelta(days=BERICHTSFRIST_TAGE)


def befundzahl(fehler: int, hinweise: int, mit_stellungnahme: int = 0) -> str:
    """The count of a check's open findings as every surface words it: „2 Fehler, 1 Hinweis“, and
    „; 3 mit Stellungnahme“ for findings acknowledged with a statement (no longer open)."""
    text = f"{anzahl(fehler, 'Fehler', 'Fehler')}, {anzahl(hinweise, 'Hinweis', 'Hinweise')}"
    return text + (f"; {anzahl(mit_stellungnahme, 'mit Stellungnahme', 'mit Stellungnahme')}" if mit_stellungnahme else "")


def hinweise_zaehlen(hinweise: list[Any]) -> tuple[int, int, int]:
    """(open errors, open hints, acknowledged) of the GUI's findings (``offen``/``schwere`` attributes)."""
    offen = [h for h in hinweise if h.offen]
    fehler = sum(1 for h in offen if h.schwere == "fehler")
    return fehler, len(offen) - fehler, len(hinweise) - len(offen)


#: Findings the Übersicht lists at most (the count above the list is always the full one).
BEFUNDE_HOECHSTENS = 50

_OFFEN = (MeilensteinStatus.OFFEN.value, MeilensteinStatus.GEFAEHRDET.value)


def _meilensteine(con: RohVerbindung, stichtag: date, bis: date | None, limit: int) -> list[MeilensteinHinweis]:
    """Open or endangered milestones: overdue (``bis`` None) or due between the reference date and ``bis``."""
    zeitraum = "termin < :tag" if bis is None else "termin >= :tag AND termin <= :bis"
    zeilen = con.execute(
        f"""SELECT * FROM (
                SELECT m.id, m.projekt_id, p.kennung, m.titel, coalesce(m.prognose_datum, m.plan_datum) AS termin,
                       m.status
                FROM meilenstein m JOIN projekt p ON p.id = m.projekt_id
                WHERE m.status IN (:offen, :gefaehrdet)) AS offen
            WHERE {zeitraum} ORDER BY termin, kennung LIMIT :limit""",
        {"tag": stichtag.isoformat(), "bis": bis.isoformat() if bis else None, "limit": limit,
         "offen": _OFFEN[0], "gefaehrdet": _OFFEN[1]},
    )
    return [MeilensteinHinweis(i, pid, k, t, date.fromisoformat(d), MeilensteinStatus.aus_code(st))
            for i, pid, k, t, d, st in zeilen]


def _mittelabfluss(con: RohVerbindung, jahr: int) -> tuple[Quartalswert, ...]:
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


def _reifegrade(con: RohVerbindung) -> dict[int | None, int]:
    """Level in model 1.1 of the Ressort's Leistungen by the one rule of :mod:`ozgdesk.model.reifegrad`;
    None = no 1.1 level (not assessed, or assessed only under 2.0), as the Leistungen table filters it."""
    aktuell = reifegrad.aktuelle(con)
    zaehler: dict[int | None, int] = dict.fromkeys((None, 0, 1, 2, 3, 4), 0)
    for (lid,) in con.execute("SELECT id FROM leistung WHERE im_ressort"):
        rg = aktuell.get(lid)
        stufe = rg.stufe if rg is not None and rg.modell is Reifegradmodell.V1_1 else None
        zaehler[stufe] = zaehler.get(stufe, 0) + 1
    return zaehler


def ressort_kopf(con: RohVerbindung) -> RessortKopf | None:
    # only the columns every schema version has: this may run before the store was migrated
    zeile = con.execute("SELECT kurzname, name, koordinierungsreferat FROM ressort LIMIT 1").fetchone()
    return RessortKopf(*zeile) if zeile else None


def fuer_store(store: Any, stichtag: date) -> Uebersicht:
    """The dashboard of ``store`` (a Store or a not yet opened stand-in; see ``Store.roh_lesen``)."""
    with store.roh_lesen() as con:
        return uebersicht(con, stichtag)


def uebersicht(con: RohVerbindung, stichtag: date, *, limit: int = 12) -> Uebersicht:
    """Everything the dashboard shows, from a plain DB-API connection (see ``Store.roh_lesen``)."""
    quartal, frist = berichtsquartal(stichtag)
    ueberfaellig = _meilensteine(con, stichtag, None, limit)
    ampeln = {Ampel.aus_code(a): n for a, n in con.execute("SELECT ampel_gesamt, count(*) FROM projekt GROUP BY ampel_gesamt")}
    return Uebersicht(
        stichtag=stichtag,
        bericht_quartal=quartal,
        bericht_frist=frist,
        ueberfaellig=tuple(ueberfaellig),
        demnaechst=tuple(_meilensteine(con, stichtag, stichtag + timedelta(days=90), limit)),
        ampeln={a: ampeln.get(a, 0) for a in Ampel},
        mittelabfluss=_mittelabfluss(con, stichtag.year),
        reifegrade=_reifegrade(con),
        projekte=sum(ampeln.values()),
        leistungen_im_ressort=con.execute("SELECT count(*) FROM leistung WHERE im_ressort").fetchone()[0],
    )
