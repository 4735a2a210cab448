"""Paged, SQL-side sorted and filtered table queries for large tables (Qt-free).

The GUI shows tables with up to a million rows (Mittelabflüsse; the Änderungsprotokoll has its own
query with names resolved per page, :mod:`ozgdesk.model.protokollansicht`). Loading them
into Python and sorting there would freeze the window and use hundreds of MB, so every table here
is a :class:`Tabellenabfrage`: a SELECT with named columns, search and filter conditions, that
returns a row count and one page of plain :class:`Zeile` tuples at a time. Sorting and filtering
happen in the database (with ``id`` as tie-breaker, so pages never overlap or skip rows).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, cast, func, literal, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.orm import Session, aliased

from ozgdesk.model import reifegrad, volltext
from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model.katalog import Leistung, ReifegradBewertung, Themenfeld
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Meilenstein, MeilensteinVerschiebung, Projekt, ProjektLeistung
from ozgdesk.model.tabellenform import ARTEN as ARTEN  # the kinds are listed with the table shapes
from ozgdesk.model.tabellenform import Anfrage, Spalte, Zeile
from ozgdesk.model.values import (
    LEISTUNGSTYPEN,
    Ampel,
    DeutschesEnum,
    Finanzierung,
    Kostenart,
    MeilensteinStatus,
    Reifegradmodell,
)

class _aufgezaehlt(FunctionElement[str]):
    """The texts of a group joined by ``, ``: SQLite's ``group_concat``, PostgreSQL's ``string_agg``
    (sorted there; SQLite joins in the order it reads, by the index it uses)."""

    type = String()
    inherit_cache = True
    name = "aufgezaehlt"


@compiles(_aufgezaehlt)
def _aufgezaehlt_sqlite(element: _aufgezaehlt, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)})"


@compiles(_aufgezaehlt, "postgresql")
def _aufgezaehlt_pg(element: _aufgezaehlt, compiler: Any, **kw: Any) -> str:
    wert, trenner = list(element.clauses)
    return (f"string_agg({compiler.process(wert, **kw)}, {compiler.process(trenner, **kw)} "
            f"ORDER BY {compiler.process(wert, **kw)})")



@dataclass(frozen=True)
class Filter:
    """A drop-down filter: ``optionen`` gives (code, label) pairs; ``bedingung(code)`` the WHERE."""

    schluessel: str
    titel: str
    optionen: Callable[[Session], list[tuple[str, str]]]
    bedingung: Callable[[str], ColumnElement[bool]]


@dataclass
class Tabellenabfrage:
    name: str
    titel: str
    id_spalte: Any
    spalten: tuple[Spalte, ...]
    von: Callable[[Select], Select]
    suchfelder: tuple[Any, ...]
    filter: tuple[Filter, ...] = ()
    standard_sortierung: tuple[str, bool] = ("", False)
    #: Extra fixed condition (e.g. only one project's rows).
    bedingung: ColumnElement[bool] | None = None
    #: FROM clause for counting (skips joins that only serve display); with a search only if
    #: ``suchbedingung`` needs no join either.
    von_zaehlen: Callable[[Select], Select] | None = None
    #: Custom search condition (e.g. a subquery instead of a join over a million rows).
    suchbedingung: Callable[[str], ColumnElement[bool]] | None = None
    #: The same search through the text index (:mod:`ozgdesk.model.volltext`): the condition for the
    #: typed text, or None where the index cannot answer (then ``suchbedingung``/``suchfelder`` with LIKE).
    #: Without joins, like ``suchbedingung``: counting needs none.
    volltext: Callable[[str], ColumnElement[bool] | None] | None = None

    def _gefiltert(self, q: Select, anfrage: Anfrage, von: Callable[[Select], Select] | None = None,
                   s: Session | None = None) -> Select:
        q = (von or self.von)(q)
        if self.bedingung is not None:
            q = q.where(self.bedingung)
        text = anfrage.suche.strip()
        index = (self.volltext(text) if self.volltext is not None and text and s is not None
                 and volltext.verfuegbar(s) else None)
        if index is not None:
            q = q.where(index)
        elif text:
            muster = f"%{text}%"
            if self.suchbedingung is not None:
                q = q.where(self.suchbedingung(muster))
            else:
                q = q.where(or_(*(f.ilike(muster) for f in self.suchfelder)))
        for f in self.filter:
            code = anfrage.filter.get(f.schluessel)
            if code:
                q = q.where(f.bedingung(code))
        return q

    def anzahl(self, s: Session, anfrage: Anfrage) -> int:
        von = self.von
        if self.von_zaehlen is not None and (self.suchbedingung is not None or not anfrage.suche.strip()):
            von = self.von_zaehlen  # counting a million rows through a join costs seconds; the join adds nothing
        # count(*), not count(id): SQLite then counts along the smallest index (1 million payments:
        # 2 ms instead of 67 ms for reading every row); the id is the primary key, never NULL
        q = self._gefiltert(select(func.count()).select_from(self.id_spalte.table), anfrage, von, s)
        return int(s.execute(q).scalar_one())

    def sortierspalte(self, anfrage: Anfrage) -> tuple[Spalte | None, bool]:
        schluessel = anfrage.sortierung or self.standard_sortierung[0]
        absteigend = anfrage.absteigend if anfrage.sortierung else self.standard_sortierung[1]
        return next((sp for sp in self.spalten if sp.schluessel == schluessel and sp.sortierbar), None), absteigend

    def seite(self, s: Session, anfrage: Anfrage, limit: int, nach: Zeile | None = None) -> list[Zeile]:
        """The next ``limit`` rows after row ``nach`` (keyset paging: as fast deep down as at the top)."""
        q = self._gefiltert(select(self.id_spalte, *(sp.ausdruck for sp in self.spalten)), anfrage, s=s)
        spalte, absteigend = self.sortierspalte(anfrage)
        if nach is not None:
            q = q.where(self._nach(spalte, absteigend, nach))
        if spalte is not None:
            ausdruck = spalte.ausdruck
            folge = ausdruck.desc() if absteigend else ausdruck.asc()
            if s.get_bind().dialect.name != "sqlite":
                # SQLite's NULL order (first ascending, last descending), which _nach relies on, spelled
                # out for PostgreSQL (the opposite by default); SQLite's own SQL stays as it was
                folge = folge.nulls_last() if absteigend else folge.nulls_first()
            q = q.order_by(folge)
        q = q.order_by(self.id_spalte.desc() if absteigend else self.id_spalte.asc())
        q = q.limit(limit)
        return [Zeile(r[0], tuple(r[1:])) for r in s.execute(q)]

    def _nach(self, spalte: Spalte | None, absteigend: bool, z: Zeile) -> ColumnElement[bool]:
        """Rows after ``z`` in (column, id) order; NULL first ascending, last descending (SQLite's order,
        which :meth:`seite` asks PostgreSQL for explicitly)."""
        ident = self.id_spalte
        weiter_id = ident < z.id if absteigend else ident > z.id
        if spalte is None:
            return weiter_id
        col = spalte.ausdruck
        if hasattr(col, "element") and hasattr(col, "name") and col.__class__.__name__ == "Label":
            col = col.element
        wert = z.werte[self.spalten.index(spalte)]
        if isinstance(wert, bool):
            # SQLAlchemy refuses < and > against True/False, PostgreSQL a boolean against a number:
            # compared as 0/1 (what SQLite stores), in the same order
            wert, col = int(wert), cast(col, Integer)
        if absteigend:
            if wert is None:
                return and_(col.is_(None), weiter_id)
            return or_(col < wert, and_(col == wert, weiter_id), col.is_(None))
        if wert is None:
            return or_(and_(col.is_(None), weiter_id), col.is_not(None))
        return or_(col > wert, and_(col == wert, weiter_id))

    def spalte(self, schluessel: str) -> int:
        return next(i for i, sp in enumerate(self.spalten) if sp.schluessel == schluessel)

    @functools.cached_property
    def tabellen(self) -> frozenset[str]:
        """Every table the query reads – its FROM and joins, the correlated subqueries of its
        columns, its fixed condition – found by walking the SQL expression, not listed by hand.
        A view showing this query reloads when an operation wrote one of them. A query over the
        change log itself (``aenderung``) shows every write, so it stands for all tables (``*``)."""
        from sqlalchemy import Table
        from sqlalchemy.sql import visitors

        q = self._gefiltert(select(self.id_spalte, *(sp.ausdruck for sp in self.spalten)), Anfrage())
        namen = {e.name for e in visitors.iterate(q) if isinstance(e, Table)}
        return frozenset({"*"} if "aenderung" in namen else namen)

    def filteroptionen(self, s: Session) -> list[list[tuple[str, str]]]:
        """The choices of every drop-down filter, in the order of :attr:`filter`."""
        return [f.optionen(s) for f in self.filter]

    def summen(self, s: Session, anfrage: Anfrage, schluessel: Sequence[str]) -> dict[str, int]:
        """The sum of each named column over every row the request matches, not only the pages
        loaded: a table's totals row shows what its search and filters show. Like :meth:`anzahl`
        it skips display-only joins (``von_zaehlen``), so a summed column must come from a table
        that clause keeps (the amount of a payment does)."""
        if not schluessel:
            return {}
        von = self.von
        if self.von_zaehlen is not None and (self.suchbedingung is not None or not anfrage.suche.strip()):
            von = self.von_zaehlen
        spalten = [self.spalten[self.spalte(k)].ausdruck for k in schluessel]
        q = self._gefiltert(select(*(func.coalesce(func.sum(sp), 0) for sp in spalten)), anfrage, von, s)
        werte = s.execute(q).one()
        return {k: int(w) for k, w in zip(schluessel, werte, strict=True)}

    def alle(self, s: Session, anfrage: Anfrage, seitengroesse: int = 2000) -> Iterator[Zeile]:
        """Every row the request matches, in its order, page by page (keyset paging as the table
        view fetches them): an export of a million payments never holds them all at once."""
        nach: Zeile | None = None
        while True:
            seite = self.seite(s, anfrage, seitengroesse, nach=nach)
            yield from seite
            if len(seite) < seitengroesse:
                return
            nach = seite[-1]

    def ids(self, s: Session, anfrage: Anfrage) -> list[str]:
        """Ids of every row the request matches, not only the pages loaded: „alle angezeigten
        auswählen“ must act on what the filter shows, even rows the lazy table has not fetched yet."""
        return list(s.execute(self._gefiltert(select(self.id_spalte), anfrage, s=s)).scalars())


def _oder(*bedingungen: ColumnElement[bool] | None) -> ColumnElement[bool] | None:
    """Either condition – or None if the index cannot answer one of them (then LIKE searches both)."""
    da = [b for b in bedingungen if b is not None]
    return or_(*da) if len(da) == len(bedingungen) else None


def _projekte_mit_kennung(fremdschluessel: Any, text: str) -> ColumnElement[bool] | None:
    """Rows whose project's Kennung contains ``text``: the projects through the index, then the rows
    through the index on ``fremdschluessel`` (no join over a million payments)."""
    projekte = volltext.treffer("projekt", ("kennung",), text)
    return None if projekte is None else fremdschluessel.in_(select(Projekt.id).where(projekte))


def _enum_optionen(cls: type[DeutschesEnum]) -> Callable[[Session], list[tuple[str, str]]]:
    return lambda _s: [(m.value, m.label) for m in cls]


def _behoerden(s: Session) -> list[tuple[str, str]]:
    return [(i, k or n) for i, k, n in s.execute(select(Behoerde.id, Behoerde.kurzname, Behoerde.name).order_by(Behoerde.kurzname))]


# ------------------------------------------------------------------------------------------ Leistungen
def _reifegrad_aktuell(modell: Reifegradmodell = Reifegradmodell.V1_1) -> Any:
    """Latest level in one model per Leistung (correlated: evaluated only for the rows shown).

    Levels of model 1.1 (0–4) and 2.0 (0–7) mean different things, so one column shows one model;
    1.1 is the one the programme counts with (and the dashboard chart uses), 2.0 stands beside it."""
    rb = aliased(ReifegradBewertung, name="rb_aktuell")
    return (
        select(rb.stufe).where(rb.leistung_id == Leistung.id, rb.modell == modell)
        # the order of the one rule (ozgdesk.model.reifegrad): same day, the later recorded wins
        .order_by(text(reifegrad.reihenfolge_sql("rb_aktuell"))).limit(1).scalar_subquery()
    )


def leistungen(nur_ressort: bool = True) -> Tabellenabfrage:
    reifegrad = _reifegrad_aktuell().label("reifegrad")
    return Tabellenabfrage(
        name="leistungen",
        titel="OZG-Leistungen",
        id_spalte=Leistung.id,
        spalten=(
            Spalte("ozg_id", "OZG-ID", Leistung.ozg_id),
            Spalte("bezeichnung", "Bezeichnung", Leistung.bezeichnung),
            Spalte("themenfeld", "Themenfeld", Themenfeld.name),
            Spalte("typ", "Typ", Leistung.typ),
            Spalte("behoerde", "Behörde", Behoerde.kurzname),
            Spalte("prioritaet", "Priorität", Leistung.prioritaet, "zahl"),
            Spalte("geplant_online", "Geplant online", Leistung.geplant_online, "datum"),
            Spalte("reifegrad", "Reifegrad (1.1)", reifegrad, "reifegrad"),
            Spalte("reifegrad_2_0", "Reifegrad (2.0)", _reifegrad_aktuell(Reifegradmodell.V2_0).label("reifegrad_2_0"),
                   "zahl"),
            Spalte("ziel_reifegrad", "Ziel", Leistung.ziel_reifegrad, "zahl"),
            Spalte("im_ressort", "Im Ressort", Leistung.im_ressort, "ja_nein"),
        ),
        von=lambda q: q.join(Themenfeld, Leistung.themenfeld_id == Themenfeld.id).outerjoin(
            Behoerde, Leistung.behoerde_id == Behoerde.id
        ),
        suchfelder=(Leistung.ozg_id, Leistung.bezeichnung, Leistung.bemerkung),
        filter=(
            Filter("umfang", "Umfang", lambda _s: [("ressort", "Ressort"), ("alle", "ganzer Katalog")],
                   lambda c: Leistung.im_ressort.is_(True) if c == "ressort" else literal(True)),
            Filter("themenfeld", "Themenfeld",
                   lambda s: [(i, n) for i, n in s.execute(select(Themenfeld.id, Themenfeld.name).order_by(Themenfeld.nummer))],
                   lambda c: Leistung.themenfeld_id == c),
            Filter("typ", "Typ", lambda _s: [(t, f"Typ {t}") for t in LEISTUNGSTYPEN] + [("keiner", "Typ unbekannt")],
                   lambda c: Leistung.typ.is_(None) if c == "keiner" else Leistung.typ == c),
            Filter("behoerde", "Behörde", _behoerden, lambda c: Leistung.behoerde_id == c),
            Filter("reifegrad", "Reifegrad", lambda _s: [(str(i), f"Stufe {i}") for i in range(0, 5)] + [("keiner", "nicht bewertet")],
                   lambda c: _reifegrad_aktuell().is_(None) if c == "keiner" else _reifegrad_aktuell() == int(c)),
        ),
        standard_sortierung=("ozg_id", False),
    )


# -------------------------------------------------------------------------------------------- Projekte
def projekte() -> Tabellenabfrage:
    ozg_ids = (
        select(_aufgezaehlt(Leistung.ozg_id, literal(", ")))
        .select_from(ProjektLeistung).join(Leistung, ProjektLeistung.leistung_id == Leistung.id)
        .where(ProjektLeistung.projekt_id == Projekt.id).scalar_subquery()
    )
    return Tabellenabfrage(
        name="projekte",
        titel="Projekte",
        id_spalte=Projekt.id,
        spalten=(
            Spalte("ampel", "Ampel", Projekt.ampel_gesamt, "ampel"),
            Spalte("kennung", "Kennung", Projekt.kennung),
            Spalte("titel", "Titel", Projekt.titel),
            Spalte("behoerde", "Behörde", Behoerde.kurzname),
            Spalte("projektleiter", "Projektleitung", Person.name),
            Spalte("finanzierung", "Finanzierung", Projekt.finanzierung, "enum"),
            Spalte("beginn", "Beginn", Projekt.beginn, "datum"),
            Spalte("ende", "Ende", Projekt.ende, "datum"),
            Spalte("ozg_ids", "OZG-Leistungen", ozg_ids, "text", sortierbar=False),
        ),
        von=lambda q: q.select_from(Projekt).outerjoin(Behoerde, Projekt.behoerde_id == Behoerde.id).outerjoin(
            Person, Projekt.projektleiter_id == Person.id
        ),
        suchfelder=(Projekt.kennung, Projekt.titel),
        volltext=lambda t: volltext.treffer("projekt", ("kennung", "titel"), t),
        filter=(
            Filter("ampel", "Ampel", _enum_optionen(Ampel), lambda c: Projekt.ampel_gesamt == Ampel.parse(c)),
            Filter("finanzierung", "Finanzierung", _enum_optionen(Finanzierung),
                   lambda c: Projekt.finanzierung == Finanzierung.parse(c)),
            Filter("behoerde", "Behörde", _behoerden, lambda c: Projekt.behoerde_id == c),
        ),
        standard_sortierung=("kennung", False),
    )


# ----------------------------------------------------------------------------------------- Meilensteine
def meilensteine(projekt_id: str | None = None, stichtag: Any = None) -> Tabellenabfrage:
    verschiebungen = (
        select(func.count(MeilensteinVerschiebung.id))
        .where(MeilensteinVerschiebung.meilenstein_id == Meilenstein.id).scalar_subquery()
    )
    termin = func.coalesce(Meilenstein.ist_datum, Meilenstein.prognose_datum, Meilenstein.plan_datum)
    offen = Meilenstein.status.in_([MeilensteinStatus.OFFEN, MeilensteinStatus.GEFAEHRDET])

    def zeitraum(code: str) -> ColumnElement[bool]:
        from datetime import date, timedelta

        tag = stichtag or date.today()
        if code == "ueberfaellig":
            return and_(offen, termin < tag)
        return and_(offen, termin >= tag, termin <= tag + timedelta(days=90))

    return Tabellenabfrage(
        name="meilensteine",
        titel="Meilensteine",
        id_spalte=Meilenstein.id,
        spalten=(
            Spalte("projekt", "Projekt", Projekt.kennung),
            Spalte("titel", "Meilenstein", Meilenstein.titel),
            Spalte("plan", "Plan", Meilenstein.plan_datum, "datum"),
            Spalte("prognose", "Prognose", Meilenstein.prognose_datum, "datum"),
            Spalte("ist", "Ist", Meilenstein.ist_datum, "datum"),
            Spalte("status", "Status", Meilenstein.status, "status"),
            Spalte("verschiebungen", "Verschiebungen", verschiebungen, "zahl"),
        ),
        von=lambda q: q.select_from(Meilenstein).join(Projekt, Meilenstein.projekt_id == Projekt.id),
        suchfelder=(Meilenstein.titel, Projekt.kennung),
        volltext=lambda t: _oder(volltext.treffer("meilenstein", ("titel",), t), _projekte_mit_kennung(Meilenstein.projekt_id, t)),
        filter=(
            Filter("status", "Status", _enum_optionen(MeilensteinStatus),
                   lambda c: Meilenstein.status == MeilensteinStatus.parse(c)),
            Filter("zeitraum", "Termin", lambda _s: [("ueberfaellig", "überfällig"), ("bald", "in den nächsten 90 Tagen")],
                   zeitraum),
        ),
        standard_sortierung=("plan", False),
        bedingung=(Meilenstein.projekt_id == projekt_id) if projekt_id else None,
    )


# ------------------------------------------------------------------------------------- Mittelabflüsse
def mittelabfluesse(projekt_id: str | None = None) -> Tabellenabfrage:
    def jahre(s: Session) -> list[tuple[str, str]]:
        # MIN/MAX use the index on datum; DISTINCT over a million rows would freeze the page for a second
        erstes, letztes = s.execute(select(func.min(Mittelabfluss.datum), func.max(Mittelabfluss.datum))).one()
        if erstes is None:
            return []
        return [(str(j), str(j)) for j in range(letztes.year, erstes.year - 1, -1)]

    return Tabellenabfrage(
        name="mittelabfluesse",
        titel="Mittelabflüsse",
        id_spalte=Mittelabfluss.id,
        spalten=(
            Spalte("datum", "Datum", Mittelabfluss.datum, "datum"),
            Spalte("projekt", "Projekt", Projekt.kennung),
            Spalte("betrag", "Betrag", Mittelabfluss.betrag_cent, "euro"),
            Spalte("haushaltsstelle", "Haushaltsstelle", Mittelabfluss.haushaltsstelle),
            Spalte("kostenart", "Kostenart", Mittelabfluss.kostenart, "enum"),
            Spalte("referenz", "Referenz", Mittelabfluss.referenz),
            Spalte("bemerkung", "Bemerkung", Mittelabfluss.bemerkung),
        ),
        von=lambda q: q.select_from(Mittelabfluss).join(Projekt, Mittelabfluss.projekt_id == Projekt.id),
        suchfelder=(Mittelabfluss.referenz, Projekt.kennung),
        volltext=lambda t: _oder(volltext.treffer("mittelabfluss", ("referenz",), t),
                                 _projekte_mit_kennung(Mittelabfluss.projekt_id, t)),
        filter=(
            Filter("jahr", "Jahr", jahre,
                   lambda c: and_(Mittelabfluss.datum >= f"{c}-01-01", Mittelabfluss.datum <= f"{c}-12-31")),
            Filter("kostenart", "Kostenart", _enum_optionen(Kostenart),
                   lambda c: Mittelabfluss.kostenart == Kostenart.parse(c)),
        ),
        standard_sortierung=("datum", True),
        bedingung=(Mittelabfluss.projekt_id == projekt_id) if projekt_id else None,
        von_zaehlen=lambda q: q.select_from(Mittelabfluss),
        # the project's Kennung through a subquery over 10,000 projects, not a join over 1,000,000 payments
        suchbedingung=lambda m: or_(Mittelabfluss.referenz.ilike(m),
                                    Mittelabfluss.projekt_id.in_(select(Projekt.id).where(Projekt.kennung.ilike(m)))),
    )
