"""The Zeitleiste (a Gantt-style timeline) as plain values: rows, bars, diamonds, arrows, scale (Qt-free).

Users coming from OpenProject, MS Project or GanttProject expect to *see* a plan: work packages
as bars, milestones as diamonds, a line for today, and – what matters for the OZG monitoring –
where a date moved. The widget (``ozgdesk.ui.zeitleiste``) only paints what this module decides,
so everything a reader relies on (which dates a row shows, how a postponement is drawn, what a
row says in words) is tested here without Qt.

Drawing rules, one per fact of the data model:

* A **project** is a group row: its runtime (Beginn–Ende) as a summary bar. If a milestone of the
  project is forecast after the project's end, the overrun is a forecast bar behind it.
* A **work package** (Arbeitspaket) has planned dates only (Beginn–Ende): the plan bar. Its
  forecast is what its milestones say: if one is forecast (or was reached) after the package's
  end, a forecast bar continues the plan bar to that date. Its actual progress is an Ist bar
  from its beginning to the latest reached milestone.
* A **milestone** keeps its Plandatum forever (``ozgdesk.model.basisplan``); a postponement moves
  the Prognose. The row shows the date that counts now – Ist (reached) or Prognose – as a filled
  diamond; if that differs from the Plandatum, a faded diamond marks the original plan and an
  arrow runs from it to the current date. That is the postponement made visible.

Every row also carries one short text (placed beside its marks) and one full sentence (tooltip,
screen reader), so no fact is conveyed by colour or shape alone.

Reading (:func:`lesen`) is four set queries (projects, work packages, milestones, postponement
counts), so the Ressort-wide view of a large store (10,000 projects) is read in one pass on the
worker; :func:`zeilen` builds rows only for what the filter lets through, and folded projects
contribute one row each.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from typing import Any, TypeVar, overload

from ozgdesk.model.values import Ampel, DeutschesEnum, MeilensteinStatus, Quartal, anzahl, format_datum

#: German month names, as the scale writes them.
MONATE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
#: Their customary short forms (Duden): where a full name does not fit the scale.
MONATE_KURZ = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.")


class Zoom(enum.Enum):
    """The scale the user picks: what one band of the header shows and how wide a day is.

    ``tagesbreite`` is in device-independent pixels at 100 %; the view scales it with its font."""

    MONAT = ("monat", "Monat", 4.0)
    QUARTAL = ("quartal", "Quartal", 1.5)
    JAHR = ("jahr", "Jahr", 0.5)

    def __init__(self, code: str, label: str, tagesbreite: float) -> None:
        self.code, self.label, self.tagesbreite = code, label, tagesbreite


# ----------------------------------------------------------------------------------------------- data
@dataclass(frozen=True)
class MeilensteinTermin:
    id: str
    titel: str
    arbeitspaket_id: str | None
    plan: date | None
    prognose: date | None
    ist: date | None
    status: MeilensteinStatus
    verschiebungen: int

    @property
    def termin(self) -> date | None:
        """The date that counts now: actual if reached, else forecast, else plan (as the model says)."""
        return self.ist or self.prognose or self.plan

    @property
    def verzug_tage(self) -> int:
        """Days between the plan and the date that counts now (as the reports count them); 0 if unknown."""
        return (self.termin - self.plan).days if self.termin and self.plan else 0

    @property
    def erreicht(self) -> bool:
        return self.status is MeilensteinStatus.ERREICHT

    def ueberfaellig(self, stichtag: date) -> bool:
        """Not reached (nor dropped) and its date has passed."""
        return self.status in _OFFEN and self.termin is not None and self.termin < stichtag


_OFFEN = (MeilensteinStatus.OFFEN, MeilensteinStatus.GEFAEHRDET)


@dataclass(frozen=True)
class ArbeitspaketTermin:
    id: str
    nummer: str
    titel: str
    beginn: date | None
    ende: date | None


@dataclass(frozen=True)
class Projektplan:
    """One project with everything the timeline draws of it (plain values, read on the worker)."""

    id: str
    kennung: str
    titel: str
    behoerde_id: str | None
    behoerde: str
    ampel: Ampel
    beginn: date | None
    ende: date | None
    arbeitspakete: tuple[ArbeitspaketTermin, ...] = ()
    meilensteine: tuple[MeilensteinTermin, ...] = ()

    # Figures the filter, the count and the time range need for every project, whatever is shown.
    # Cached on first use – :func:`laden` computes them on the worker, so the GUI thread only reads.
    @cached_property
    def spanne(self) -> tuple[date, date] | None:
        """The earliest and latest date the project's rows draw."""
        tage = [d for d in (self.beginn, self.ende) if d]
        tage += [d for a in self.arbeitspakete for d in (a.beginn, a.ende) if d]
        tage += [d for m in self.meilensteine for d in (m.plan, m.prognose, m.ist) if d]
        return (min(tage), max(tage)) if tage else None

    @cached_property
    def suchtext(self) -> str:
        """Kennung and every title in lower case: what the search field looks through."""
        return "\n".join([self.kennung, self.titel] + [a.titel for a in self.arbeitspakete]
                         + [m.titel for m in self.meilensteine]).casefold()

    @cached_property
    def verschoben(self) -> int:
        """Milestones whose date moved against the plan (or that have a recorded postponement)."""
        return sum(1 for m in self.meilensteine if m.verzug_tage > 0 or m.verschiebungen)

    @cached_property
    def abweichend(self) -> int:
        """Milestones that differ from the plan in either direction or were postponed."""
        return sum(1 for m in self.meilensteine if m.verzug_tage != 0 or m.verschiebungen)

    @cached_property
    def offene_termine(self) -> tuple[date, ...]:
        """The dates of the open milestones, sorted (overdue ones are those before the Stichtag)."""
        return tuple(sorted(m.termin for m in self.meilensteine if m.termin and m.status in _OFFEN))

    def ueberfaellig(self, stichtag: date) -> int:
        return bisect_left(self.offene_termine, stichtag)

    def vorbereiten(self) -> Projektplan:
        """Compute the cached figures now (on the worker), so the GUI thread never does."""
        for _ in (self.spanne, self.suchtext, self.verschoben, self.abweichend, self.offene_termine):
            pass
        return self


@dataclass(frozen=True)
class Zeitleistendaten:
    """What the worker reads for one timeline: the projects and the Ressort's short name (titles)."""

    projekte: tuple[Projektplan, ...]
    #: short name, full name and Koordinierungsreferat of the Ressort (title and document header)
    ressort: str
    ressort_name: str = ""
    referat: str = ""
    #: a preview (:func:`vorschau_roh`): ``projekte`` are only the first by Kennung; what the whole
    #: Ressort holds and the days it spans come with it, so count and scale already are the final ones
    gesamt: Zaehlung | None = None
    umfang: tuple[date, date] | None = None

    @property
    def ist_vorschau(self) -> bool:
        return self.gesamt is not None


def laden(s: Any, projekt_id: str | None = None) -> Zeitleistendaten:
    """The timeline's one read on the worker (see :func:`lesen`)."""
    from sqlalchemy import select

    from ozgdesk.model.organisation import Ressort

    r = s.execute(select(Ressort.kurzname, Ressort.name, Ressort.koordinierungsreferat).limit(1)).first()
    kurz, name, referat = r if r is not None else ("", "", "")
    return Zeitleistendaten(tuple(p.vorbereiten() for p in lesen(s, projekt_id)), kurz, name, referat)


def lesen(s: Any, projekt_id: str | None = None) -> tuple[Projektplan, ...]:
    """The projects (one, or all of the Ressort) with work packages and milestones, ordered by
    Kennung; four set queries whatever the number of projects."""
    from sqlalchemy import String, func, select, type_coerce

    from ozgdesk.model.organisation import Behoerde
    from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt

    # codes read as text and looked up once per value: the type's parser per row was a third of the read
    p_abfrage = (select(Projekt.id, Projekt.kennung, Projekt.titel, Projekt.behoerde_id, Behoerde.kurzname,
                        Behoerde.name, type_coerce(Projekt.ampel_gesamt, String), Projekt.beginn, Projekt.ende)
                 .outerjoin(Behoerde, Behoerde.id == Projekt.behoerde_id).order_by(Projekt.kennung))
    a_abfrage = select(Arbeitspaket.projekt_id, Arbeitspaket.id, Arbeitspaket.nummer, Arbeitspaket.titel,
                       Arbeitspaket.beginn, Arbeitspaket.ende)
    m_abfrage = select(Meilenstein.projekt_id, Meilenstein.id, Meilenstein.titel, Meilenstein.arbeitspaket_id,
                       Meilenstein.plan_datum, Meilenstein.prognose_datum, Meilenstein.ist_datum,
                       type_coerce(Meilenstein.status, String))
    v_abfrage = (select(MeilensteinVerschiebung.meilenstein_id, func.count())
                 .group_by(MeilensteinVerschiebung.meilenstein_id))
    if projekt_id is not None:
        p_abfrage = p_abfrage.where(Projekt.id == projekt_id)
        a_abfrage = a_abfrage.where(Arbeitspaket.projekt_id == projekt_id)
        m_abfrage = m_abfrage.where(Meilenstein.projekt_id == projekt_id)
        v_abfrage = v_abfrage.join(Meilenstein, Meilenstein.id == MeilensteinVerschiebung.meilenstein_id).where(
            Meilenstein.projekt_id == projekt_id)
    anzahl_v = dict(s.execute(v_abfrage).tuples().all())
    aps: dict[str, list[ArbeitspaketTermin]] = {}
    for pid, aid, nummer, titel, beginn, ende in s.execute(a_abfrage):
        aps.setdefault(pid, []).append(ArbeitspaketTermin(aid, nummer, titel, beginn, ende))
    ms: dict[str, list[MeilensteinTermin]] = {}
    for pid, mid, titel, ap, plan, prognose, ist, status in s.execute(m_abfrage):
        ms.setdefault(pid, []).append(MeilensteinTermin(mid, titel, ap, plan, prognose, ist,
                                                        _code(MeilensteinStatus, status), anzahl_v.get(mid, 0)))
    ergebnis = []
    for pid, kennung, titel, bid, kurz, name, ampel, beginn, ende in s.execute(p_abfrage):
        ergebnis.append(Projektplan(
            pid, kennung, titel, bid, kurz or name or "", _code(Ampel, ampel), beginn, ende,
            tuple(sorted(aps.get(pid, ()), key=_ap_ordnung)),
            tuple(sorted(ms.get(pid, ()), key=_ms_ordnung))))
    return tuple(ergebnis)


def laden_roh(con: Any, projekt_id: str | None = None) -> Zeitleistendaten:
    """:func:`laden` over a plain ``sqlite3`` connection (``Store.roh_lesen``): the same data, read
    before SQLAlchemy is loaded – the window can start on the Zeitleiste as fast as on the Übersicht."""
    r = con.execute("SELECT kurzname, name, koordinierungsreferat FROM ressort LIMIT 1").fetchone()
    kurz, name, referat = r if r is not None else ("", "", "")
    return Zeitleistendaten(tuple(p.vorbereiten() for p in lesen_roh(con, projekt_id)), kurz, name, referat)


#: projects of the preview: more than two screens of folded projects
VORSCHAU = 60


def vorschau_roh(con: Any, stichtag: date, erste: int | None = None) -> Zeitleistendaten:
    """What the Ressort-wide timeline shows first, read before SQLAlchemy is loaded: the first
    ``erste`` projects by Kennung (as :func:`lesen` orders them), and the count and the days of all
    projects – the status line and the scale are then already those of the full timeline, which
    replaces the preview a moment later (a Ressort of 10,000 projects takes a second to read).
    Three passes over the tables (one each), 10,000 projects and 40,000 milestones in about 40 ms."""
    r = con.execute("SELECT kurzname, name, koordinierungsreferat FROM ressort LIMIT 1").fetchone()
    kurz, name, referat = r if r is not None else ("", "", "")
    projekte = tuple(p.vorbereiten() for p in lesen_roh(con, erste=VORSCHAU if erste is None else erste))
    gesamt, umfang = gesamt_roh(con, stichtag)
    return Zeitleistendaten(projekte, kurz, name, referat, gesamt=gesamt, umfang=umfang)


def gesamt_roh(con: Any, stichtag: date) -> tuple[Zaehlung, tuple[date, date] | None]:
    """:func:`zaehlen` of every project without a filter and the earliest and latest date of their
    rows (:meth:`Zeilen.spanne`), in SQL. Every work package and milestone belongs to a project
    (foreign keys), so the tables are counted as they are.

    One pass per table with plain aggregates – the earliest date of all rows is the least of the
    columns' least dates (``min`` skips NULL), and a milestone counts as postponed by its dates or,
    if not by them, by a recorded postponement (counted once over the few postponements instead
    of a lookup per milestone): 40,000 milestones in about a third of the time of per-row
    ``coalesce`` expressions. This runs on the start of the Zeitleiste page."""
    offen = ", ".join(f"'{s.value}'" for s in _OFFEN)
    p, *tage = con.execute("SELECT count(*), min(beginn), min(ende), max(beginn), max(ende) FROM projekt").fetchone()
    a, *ap_tage = con.execute("SELECT count(*), min(beginn), min(ende), max(beginn), max(ende) FROM arbeitspaket").fetchone()
    termin = "coalesce(m.ist_datum, m.prognose_datum, m.plan_datum)"
    nach_daten = f"(m.plan_datum IS NOT NULL AND {termin} > m.plan_datum)"
    m, v, u, *ms_tage = con.execute(f"""SELECT count(*), coalesce(sum({nach_daten}), 0),
        coalesce(sum(m.status IN ({offen}) AND {termin} < :tag), 0),
        min(m.plan_datum), min(m.prognose_datum), min(m.ist_datum),
        max(m.plan_datum), max(m.prognose_datum), max(m.ist_datum)
        FROM meilenstein m""", {"tag": stichtag.isoformat()}).fetchone()
    v += con.execute(f"""SELECT count(DISTINCT v.meilenstein_id) FROM meilenstein_verschiebung v
        JOIN meilenstein m ON m.id = v.meilenstein_id WHERE NOT {nach_daten}""").fetchone()[0]
    tage = [d for d in (*tage, *ap_tage, *ms_tage) if d]
    umfang = (date.fromisoformat(min(tage)), date.fromisoformat(max(tage))) if tage else None
    return Zaehlung(p, a, m, v, u), umfang


def lesen_roh(con: Any, projekt_id: str | None = None, erste: int | None = None) -> tuple[Projektplan, ...]:
    """:func:`lesen` in plain SQL: the same four queries, the same rows in the same order;
    ``erste``: only the first so many projects by Kennung (the preview)."""
    nur = {"pid": projekt_id, "erste": erste}
    p_sql = ("SELECT projekt.id, projekt.kennung, projekt.titel, projekt.behoerde_id, behoerde.kurzname, behoerde.name, "
             "projekt.ampel_gesamt, projekt.beginn, projekt.ende FROM projekt "
             "LEFT OUTER JOIN behoerde ON behoerde.id = projekt.behoerde_id")
    a_sql = ("SELECT arbeitspaket.projekt_id, arbeitspaket.id, arbeitspaket.nummer, arbeitspaket.titel, "
             "arbeitspaket.beginn, arbeitspaket.ende FROM arbeitspaket")
    m_sql = ("SELECT meilenstein.projekt_id, meilenstein.id, meilenstein.titel, meilenstein.arbeitspaket_id, "
             "meilenstein.plan_datum, meilenstein.prognose_datum, meilenstein.ist_datum, meilenstein.status "
             "FROM meilenstein")
    v_sql = ("SELECT meilenstein_verschiebung.meilenstein_id, count(*) FROM meilenstein_verschiebung")
    if projekt_id is not None:
        p_sql += " WHERE projekt.id = :pid"
        a_sql += " WHERE arbeitspaket.projekt_id = :pid"
        m_sql += " WHERE meilenstein.projekt_id = :pid"
        v_sql += (" JOIN meilenstein ON meilenstein.id = meilenstein_verschiebung.meilenstein_id"
                  " WHERE meilenstein.projekt_id = :pid")
    if erste is not None:
        auswahl = "(SELECT id FROM projekt ORDER BY kennung LIMIT :erste)"
        p_sql += f" WHERE projekt.id IN {auswahl}"
        a_sql += f" WHERE arbeitspaket.projekt_id IN {auswahl}"
        m_sql += f" WHERE meilenstein.projekt_id IN {auswahl}"
        v_sql += (" JOIN meilenstein ON meilenstein.id = meilenstein_verschiebung.meilenstein_id"
                  f" WHERE meilenstein.projekt_id IN {auswahl}")
    p_sql += " ORDER BY projekt.kennung"
    v_sql += " GROUP BY meilenstein_verschiebung.meilenstein_id"
    datum = _iso_datum
    anzahl_v = dict(con.execute(v_sql, nur).fetchall())
    aps: dict[str, list[ArbeitspaketTermin]] = {}
    for pid, aid, nummer, titel, beginn, ende in con.execute(a_sql, nur):
        aps.setdefault(pid, []).append(ArbeitspaketTermin(aid, nummer, titel, datum(beginn), datum(ende)))
    ms: dict[str, list[MeilensteinTermin]] = {}
    for pid, mid, titel, ap, plan, prognose, ist, status in con.execute(m_sql, nur):
        ms.setdefault(pid, []).append(MeilensteinTermin(mid, titel, ap, datum(plan), datum(prognose), datum(ist),
                                                        _code(MeilensteinStatus, status), anzahl_v.get(mid, 0)))
    return tuple(
        Projektplan(pid, kennung, titel, bid, kurz or name or "", _code(Ampel, ampel), datum(beginn), datum(ende),
                    tuple(sorted(aps.get(pid, ()), key=_ap_ordnung)), tuple(sorted(ms.get(pid, ()), key=_ms_ordnung)))
        for pid, kennung, titel, bid, kurz, name, ampel, beginn, ende in con.execute(p_sql, nur))


def _iso_datum(wert: str | None) -> date | None:
    return None if wert is None else date.fromisoformat(wert)


_E = TypeVar("_E", bound=DeutschesEnum)


def _code(cls: type[_E], code: str) -> _E:
    """The member stored as ``code`` (a dictionary lookup; the full parser only for an odd value)."""
    m = cls._value2member_map_.get(code)
    return m if isinstance(m, cls) else cls.parse(code)


def _ap_ordnung(a: ArbeitspaketTermin) -> tuple[Any, ...]:
    """Work packages by number as people write them: „AP 2“ before „AP 10“."""
    ziffern = "".join(c for c in a.nummer if c.isdigit())
    return (int(ziffern) if ziffern else 10**9, a.nummer, a.beginn or date.max, a.titel)


def _ms_ordnung(m: MeilensteinTermin) -> tuple[Any, ...]:
    return (m.plan or m.termin or date.max, m.titel)


# ----------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Balken:
    """A bar from ``von`` to ``bis`` (both days included). ``art``: laufzeit, plan, prognose, ist."""

    von: date
    bis: date
    art: str


@dataclass(frozen=True)
class Raute:
    """A milestone diamond. ``art``: prognose (open, filled), ist (reached), basis (the original
    plan a postponement left: faded), entfallen (dropped)."""

    datum: date
    art: str


@dataclass(frozen=True)
class Pfeil:
    """A postponement: from the original plan to the date that counts now."""

    von: date
    bis: date


@dataclass(frozen=True)
class Zeile:
    """One row of the timeline. ``ebene`` is the indentation (0 project, 1 work package or a
    milestone without one, 2 a milestone of a work package)."""

    art: str  # projekt, arbeitspaket, meilenstein
    id: str
    projekt_id: str
    ebene: int
    text: str
    balken: tuple[Balken, ...] = ()
    rauten: tuple[Raute, ...] = ()
    pfeile: tuple[Pfeil, ...] = ()
    #: the short text beside the row's marks (dates, shift)
    beschriftung: str = ""
    #: the whole row in one sentence (tooltip, screen reader, status line)
    beschreibung: str = ""
    #: a reason to look: „überfällig“, „gefährdet“ (also in the texts; drawn as an accent)
    warnung: str = ""
    #: for project rows: folded (its work packages and milestones hidden)? None for other rows
    zugeklappt: bool | None = None
    #: where opening the row leads (``Hauptfenster.datensatz_oeffnen``'s ``ziel``)
    ziel: str = ""

    def daten(self) -> list[date]:
        """Every date the row draws (for the time range)."""
        tage = [d for b in self.balken for d in (b.von, b.bis)] + [r.datum for r in self.rauten]
        return tage + [d for p in self.pfeile for d in (p.von, p.bis)]


@dataclass(frozen=True)
class Filter:
    """What the user narrowed the timeline to."""

    #: part of a Kennung or title (project, work package or milestone), any case
    suche: str = ""
    behoerde_id: str | None = None
    #: only milestones whose date moved or that are overdue (with their projects)
    nur_abweichungen: bool = False
    arbeitspakete: bool = True


def _tage(n: int) -> str:
    return anzahl(abs(n), "Tag", "Tage")


def verschiebung_text(tage: int) -> str:
    """„45 Tage später“, „7 Tage früher“, „planmäßig“ – the shift in words (never a sign alone)."""
    if tage > 0:
        return f"{_tage(tage)} später"
    if tage < 0:
        return f"{_tage(tage)} früher"
    return "planmäßig"


def _spanne(von: date | None, bis: date | None) -> str:
    if von and bis:
        return f"{format_datum(von)} – {format_datum(bis)}"
    if von:
        return f"ab {format_datum(von)}"
    if bis:
        return f"bis {format_datum(bis)}"
    return "ohne Termine"


def meilenstein_zeile(m: MeilensteinTermin, projekt: Projektplan, ebene: int, stichtag: date) -> Zeile:
    termin = m.termin
    rauten: list[Raute] = []
    pfeile: list[Pfeil] = []
    kurz: list[str] = []
    satz = [f"Meilenstein „{m.titel}“ ({projekt.kennung})"]
    if m.status is MeilensteinStatus.ENTFALLEN:
        if termin:
            rauten.append(Raute(termin, "entfallen"))
        kurz.append("entfallen")
        satz.append(f"entfallen (Plan {format_datum(m.plan)})" if m.plan else "entfallen")
    elif termin is None:
        kurz.append("ohne Termin")
        satz.append("ohne Termin")
    else:
        verschoben = m.plan is not None and termin != m.plan
        if verschoben and m.plan is not None:
            rauten.append(Raute(m.plan, "basis"))
            pfeile.append(Pfeil(m.plan, termin))
        rauten.append(Raute(termin, "ist" if m.erreicht else "prognose"))
        wort = "erreicht am" if m.erreicht else ("Prognose" if verschoben else "Plan")
        kurz.append(f"{wort} {format_datum(termin)}")
        satz.append(f"erreicht am {format_datum(termin)}" if m.erreicht else f"Prognose {format_datum(termin)}")
        if verschoben:
            kurz.append(f"(Plan {format_datum(m.plan)}, {verschiebung_text(m.verzug_tage)})")
            satz.append(f"Plan {format_datum(m.plan)}, {verschiebung_text(m.verzug_tage)}")
        elif m.plan is not None:
            satz.append("planmäßig")
    if m.verschiebungen:
        text = f"{m.verschiebungen}-mal verschoben"
        kurz.append(f"– {text}")
        satz.append(text)
    warnung = ""
    if m.ueberfaellig(stichtag):
        warnung = "überfällig"
    elif m.status is MeilensteinStatus.GEFAEHRDET:
        warnung = "gefährdet"
    if warnung:
        kurz.append(f"– {warnung}")
        satz.append(warnung)
    return Zeile("meilenstein", m.id, projekt.id, ebene, m.titel, (), tuple(rauten), tuple(pfeile),
                 " ".join(kurz), ", ".join(satz) + ".", warnung, None, f"meilenstein:{m.id}")


def arbeitspaket_zeile(a: ArbeitspaketTermin, projekt: Projektplan, eigene: Sequence[MeilensteinTermin]) -> Zeile:
    balken: list[Balken] = []
    beginn = a.beginn
    if a.beginn and a.ende:
        balken.append(Balken(a.beginn, a.ende, "plan"))
    offen = [m.termin for m in eigene if m.termin and m.status in (MeilensteinStatus.OFFEN, MeilensteinStatus.GEFAEHRDET)]
    prognose_ende = max(offen) if offen else None  # reached ones are drawn as Ist
    erreicht = [m.ist for m in eigene if m.erreicht and m.ist]
    satz = [f"Arbeitspaket {a.nummer} „{a.titel}“ ({projekt.kennung}), Plan {_spanne(a.beginn, a.ende)}"]
    kurz = [_spanne(a.beginn, a.ende)]
    if a.ende and prognose_ende and prognose_ende > a.ende:
        balken.append(Balken(a.ende + timedelta(days=1), prognose_ende, "prognose"))
        kurz.append(f"– Prognose bis {format_datum(prognose_ende)}")
        satz.append(f"Meilensteine bis {format_datum(prognose_ende)} prognostiziert")
    if beginn and erreicht:
        fertig = len(erreicht) == len([m for m in eigene if m.status is not MeilensteinStatus.ENTFALLEN])
        bis = max(erreicht)
        if bis >= beginn:
            balken.append(Balken(beginn, bis, "ist"))
        if fertig:
            kurz.append(f"– abgeschlossen {format_datum(bis)}")
            satz.append(f"alle Meilensteine erreicht, zuletzt am {format_datum(bis)}")
        else:
            satz.append(f"{anzahl(len(erreicht), 'Meilenstein', 'Meilensteine')} erreicht, zuletzt am {format_datum(bis)}")
    return Zeile("arbeitspaket", a.id, projekt.id, 1, f"{a.nummer} {a.titel}", tuple(balken), (), (),
                 " ".join(kurz), ", ".join(satz) + ".", "", None, "arbeitspakete")


def projekt_zeile(p: Projektplan, zugeklappt: bool, stichtag: date) -> Zeile:
    balken: list[Balken] = []
    if p.beginn and p.ende:
        balken.append(Balken(p.beginn, p.ende, "laufzeit"))
    termine = [m.termin for m in p.meilensteine if m.termin and m.status is not MeilensteinStatus.ENTFALLEN]
    ende = max(termine) if termine else None
    kurz = [f"Laufzeit {_spanne(p.beginn, p.ende)}"]
    satz = [f"Projekt {p.kennung} „{p.titel}“", f"Laufzeit {_spanne(p.beginn, p.ende)}", f"Ampel {p.ampel.label}"]
    if p.ende and ende and ende > p.ende:
        balken.append(Balken(p.ende + timedelta(days=1), ende, "prognose"))
        kurz.append(f"– Meilensteine bis {format_datum(ende)}")
        satz.append(f"Meilensteine bis {format_datum(ende)} prognostiziert, nach dem Projektende")
    verschoben = sum(1 for m in p.meilensteine if m.verzug_tage > 0 or m.verschiebungen)
    ueberfaellig = sum(1 for m in p.meilensteine if m.ueberfaellig(stichtag))
    if verschoben:
        satz.append(f"{anzahl(verschoben, 'Meilenstein', 'Meilensteine')} verschoben")
    if ueberfaellig:
        satz.append(f"{anzahl(ueberfaellig, 'Meilenstein', 'Meilensteine')} überfällig")
        kurz.append(f"– {anzahl(ueberfaellig, 'Meilenstein', 'Meilensteine')} überfällig")
    rauten: tuple[Raute, ...] = ()
    if zugeklappt:  # a folded project still shows where its milestones are
        rauten = tuple(Raute(m.termin, "ist" if m.erreicht else "prognose") for m in p.meilensteine
                       if m.termin and m.status is not MeilensteinStatus.ENTFALLEN)
        satz.append("zugeklappt")
    return Zeile("projekt", p.id, p.id, 0, f"{p.kennung} {p.titel}", tuple(balken), rauten, (), " ".join(kurz),
                 ", ".join(satz) + ".", "überfällig" if ueberfaellig else "", zugeklappt, "")


def _abweichend(m: MeilensteinTermin, stichtag: date) -> bool:
    return m.verzug_tage != 0 or m.verschiebungen > 0 or m.ueberfaellig(stichtag)


def gefiltert(projekte: Iterable[Projektplan], f: Filter, stichtag: date) -> list[Projektplan]:
    """The projects the filter lets through (a project matches with any of its titles)."""
    suche = f.suche.strip().casefold()
    return [p for p in projekte
            if (not f.behoerde_id or p.behoerde_id == f.behoerde_id)
            and (not suche or suche in p.suchtext)
            and (not f.nur_abweichungen or p.abweichend or p.ueberfaellig(stichtag))]


class Zeilen(Sequence[Zeile]):
    """The timeline's rows, built only when asked for.

    The list holds one small entry per row (which project, work package or milestone); a
    :class:`Zeile` with its texts is made when the chart paints that row (and kept). A Ressort of
    10,000 projects unfolded has 50,000 rows, of which a window shows 30."""

    def __init__(self, projekte: Sequence[Projektplan], stichtag: date, f: Filter,
                 zugeklappt: frozenset[str] | set[str]) -> None:
        self.projekte, self.stichtag, self.filter = projekte, stichtag, f
        self._eintraege: list[tuple[str, Projektplan, Any, int]] = []
        self._fertig: dict[int, Zeile] = {}
        eintraege = self._eintraege
        for p in projekte:
            zu = p.id in zugeklappt
            eintraege.append(("projekt", p, zu, 0))
            if zu:
                continue
            ms: Sequence[MeilensteinTermin] = p.meilensteine
            if f.nur_abweichungen:
                ms = [m for m in ms if _abweichend(m, stichtag)]
            elif f.arbeitspakete and p.arbeitspakete:
                ap_ids = set()
                for a in p.arbeitspakete:
                    ap_ids.add(a.id)
                    eintraege.append(("arbeitspaket", p, a, 1))
                    eintraege.extend(("meilenstein", p, m, 2) for m in ms if m.arbeitspaket_id == a.id)
                ms = [m for m in ms if m.arbeitspaket_id not in ap_ids]
            eintraege.extend(("meilenstein", p, m, 1) for m in ms)

    def __len__(self) -> int:
        return len(self._eintraege)

    def _zeile(self, i: int) -> Zeile:
        z = self._fertig.get(i)
        if z is None:
            art, p, obj, ebene = self._eintraege[i]
            if art == "projekt":
                z = projekt_zeile(p, obj, self.stichtag)
            elif art == "arbeitspaket":
                z = arbeitspaket_zeile(obj, p, [m for m in p.meilensteine if m.arbeitspaket_id == obj.id])
            else:
                z = meilenstein_zeile(obj, p, ebene, self.stichtag)
            self._fertig[i] = z
        return z

    @overload
    def __getitem__(self, i: int) -> Zeile: ...

    @overload
    def __getitem__(self, i: slice) -> list[Zeile]: ...

    def __getitem__(self, i: int | slice) -> Zeile | list[Zeile]:
        if isinstance(i, slice):
            return [self._zeile(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._zeile(i)

    def __iter__(self) -> Iterator[Zeile]:
        return (self._zeile(i) for i in range(len(self)))

    def art(self, i: int) -> str:
        """The kind of row ``i`` without building it."""
        return self._eintraege[i][0]

    def index_von(self, id_: str) -> int:
        """The row showing the record ``id_`` (-1: not shown), without building rows."""
        for i, (art, p, obj, _e) in enumerate(self._eintraege):
            if (p.id if art == "projekt" else obj.id) == id_:
                return i
        return -1

    def laengster_text(self) -> int:
        """Characters of the longest label (with indentation), without building rows."""
        laengen = [len(p.kennung) + len(p.titel) + 1 if art == "projekt"
                   else len(obj.nummer) + len(obj.titel) + 3 if art == "arbeitspaket" else len(obj.titel) + 6
                   for art, p, obj, _e in self._eintraege]
        return max(laengen, default=0)

    def spanne(self) -> tuple[date, date] | None:
        """The earliest and latest date of the shown projects (cached per project)."""
        spannen = [p.spanne for p in self.projekte if p.spanne]
        return (min(a for a, _b in spannen), max(b for _a, b in spannen)) if spannen else None


def zeilen(projekte: Iterable[Projektplan], stichtag: date, f: Filter = Filter(),
           zugeklappt: frozenset[str] | set[str] = frozenset()) -> Zeilen:
    """The rows for the projects the filter lets through: each project, then – unless folded – its
    work packages, each followed by its milestones, then the milestones of no work package."""
    return Zeilen(gefiltert(projekte, f, stichtag), stichtag, f, zugeklappt)


@dataclass(frozen=True)
class Zaehlung:
    projekte: int = 0
    arbeitspakete: int = 0
    meilensteine: int = 0
    verschoben: int = 0
    ueberfaellig: int = 0

    def text(self) -> str:
        teile = [anzahl(self.projekte, "Projekt", "Projekte"), anzahl(self.arbeitspakete, "Arbeitspaket", "Arbeitspakete"),
                 anzahl(self.meilensteine, "Meilenstein", "Meilensteine")]
        text = ", ".join(teile)
        if self.verschoben or self.ueberfaellig:
            text += f" (davon {self.verschoben} verschoben, {self.ueberfaellig} überfällig)"
        return text


def zaehlen(projekte: Iterable[Projektplan], f: Filter, stichtag: date) -> Zaehlung:
    """What the filtered timeline holds (folded projects included), for the status line."""
    p = a = m = v = u = 0
    for plan in gefiltert(projekte, f, stichtag):
        p += 1
        a += len(plan.arbeitspakete)
        m += len(plan.meilensteine)
        v += plan.verschoben
        u += plan.ueberfaellig(stichtag)
    return Zaehlung(p, a, m, v, u)


# ---------------------------------------------------------------------------------------------- scale
def _monatsanfang(d: date) -> date:
    return d.replace(day=1)


def _naechster_monat(d: date) -> date:
    return date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)


def _einheit_beginn(d: date, zoom: Zoom) -> date:
    if zoom is Zoom.MONAT:
        return _monatsanfang(d)
    if zoom is Zoom.QUARTAL:
        return Quartal.von_datum(d).beginn
    return date(d.year, 1, 1)


def _einheit_ende(d: date, zoom: Zoom) -> date:
    """The last day of the unit (month, quarter, year) that holds ``d``."""
    if zoom is Zoom.MONAT:
        return _naechster_monat(d) - timedelta(days=1)
    if zoom is Zoom.QUARTAL:
        return Quartal.von_datum(d).ende
    return date(d.year, 12, 31)


@dataclass(frozen=True)
class Zeitraum:
    beginn: date
    ende: date  # last day shown

    @property
    def tage(self) -> int:
        return (self.ende - self.beginn).days + 1

    def tag(self, d: date) -> int:
        """Days from the first day shown to ``d`` (the x position in days)."""
        return (d - self.beginn).days


def zeitraum(zeilen_: Zeilen | Iterable[Zeile], stichtag: date, zoom: Zoom, rand_tage: int = 0,
             umfang: tuple[date, date] | None = None) -> Zeitraum:
    """The days to show: every date of the rows and today, widened to whole units of the zoom's
    finer band (months, or quarters at Jahr), with ``rand_tage`` more at the end for the texts
    beside the last marks. For :class:`Zeilen` the shown projects' cached spans are used;
    ``umfang`` (a preview's) stands for the dates of rows not read yet."""
    if umfang is not None:
        tage = [stichtag, *umfang]
    elif isinstance(zeilen_, Zeilen):
        spanne = zeilen_.spanne()
        tage = [stichtag, *spanne] if spanne else [stichtag]
    else:
        tage = [stichtag] + [d for z in zeilen_ for d in z.daten()]
    fein = Zoom.QUARTAL if zoom is Zoom.JAHR else Zoom.MONAT
    beginn = _einheit_beginn(min(tage), fein)
    ende = _einheit_ende(max(tage) + timedelta(days=rand_tage), fein)
    return Zeitraum(beginn, ende)


@dataclass(frozen=True)
class Strich:
    """One labelled stretch of the scale: ``ebene`` 0 the upper band, 1 the lower band."""

    von: date
    bis: date  # last day
    text: str
    ebene: int
    #: a shorter text where ``text`` does not fit
    kurz: str = field(default="", compare=False)


def skala(z: Zeitraum, zoom: Zoom) -> tuple[Strich, ...]:
    """The two header bands of a zoom: Monat – years over month names; Quartal – quarters over
    short month names; Jahr – years over quarters."""
    striche: list[Strich] = []
    # upper band
    d = _einheit_beginn(z.beginn, Zoom.QUARTAL if zoom is Zoom.QUARTAL else Zoom.JAHR)
    while d <= z.ende:
        if zoom is Zoom.QUARTAL:
            q = Quartal.von_datum(d)
            striche.append(Strich(max(d, z.beginn), min(q.ende, z.ende), q.lang, 0, q.kurz))
            d = q.folgendes().beginn
        else:
            striche.append(Strich(max(d, z.beginn), min(date(d.year, 12, 31), z.ende), str(d.year), 0, str(d.year)))
            d = date(d.year + 1, 1, 1)
    # lower band
    d = _einheit_beginn(z.beginn, Zoom.QUARTAL if zoom is Zoom.JAHR else Zoom.MONAT)
    while d <= z.ende:
        if zoom is Zoom.JAHR:
            q = Quartal.von_datum(d)
            striche.append(Strich(max(d, z.beginn), min(q.ende, z.ende), f"Q{q.nummer}", 1, f"Q{q.nummer}"))
            d = q.folgendes().beginn
        else:
            ende = _naechster_monat(d) - timedelta(days=1)
            lang = MONATE[d.month - 1] if zoom is Zoom.MONAT else MONATE_KURZ[d.month - 1]
            striche.append(Strich(max(d, z.beginn), min(ende, z.ende), lang, 1, MONATE_KURZ[d.month - 1][:3]))
            d = _naechster_monat(d)
    return tuple(striche)


#: The legend: (key, text) in the order it is drawn; the view draws each key's symbol.
LEGENDE = (
    ("laufzeit", "Projektlaufzeit"),
    ("plan", "Plan (Arbeitspaket)"),
    ("prognose", "Prognose"),
    ("ist", "Ist (erreicht)"),
    ("verschoben", "verschoben: ursprünglicher Plan → Prognose"),
    ("heute", "heute"),
)
