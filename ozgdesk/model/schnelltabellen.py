"""The first page of the big tables over plain ``sqlite3``, before SQLAlchemy is loaded (Qt-free).

A user who last worked on the Projekte, Leistungen or Finanzen table starts there (the window
remembers the page). Building its query needs SQLAlchemy and the mapped entities – about a third
of a second, three times what a bare Qt window takes to appear. So, like the Übersicht
(:mod:`ozgdesk.model.uebersicht`, :mod:`ozgdesk.model.schnellstart`), the first page of such a
table is read with plain SQL: count, the first rows in the table's default order, the totals of its
amount columns. Everything after that – another sort, a search, a filter, the next page – goes
through the normal query of :mod:`ozgdesk.model.tabellen`, which :class:`VerzoegerteAbfrage` builds
on first use on the DB worker.

The two must agree exactly: same columns, same rows in the same order (the id breaks ties), same
values of the same Python types (an :class:`~ozgdesk.model.values.Ampel`, a ``date``), so that the
table's next page (keyset paging from the last row) and every cell's text are the same whichever
path read the first page. ``tests/test_schnelltabellen.py`` compares them for every table.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ozgdesk.model import reifegrad
from ozgdesk.model.tabellenform import Anfrage, Spalte, Zeile
from ozgdesk.model.values import Ampel, Finanzierung, Haushaltsstelle, Kostenart, MeilensteinStatus, Reifegradmodell

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3
    from concurrent.futures import Future

    from sqlalchemy.orm import Session

    from ozgdesk.model.tabellen import Tabellenabfrage


@dataclass(frozen=True)
class Filterkopf:
    """A drop-down filter as the page shows it (its choices and SQL come with the full query)."""

    schluessel: str
    titel: str


def _datum(wert: Any) -> date | None:
    return None if wert is None else date.fromisoformat(wert)


def _enum(cls: Any) -> Callable[[Any], Any]:
    def wandeln(code: Any) -> Any:
        if code is None:
            return None
        m = cls._value2member_map_.get(code)
        return m if m is not None else cls.parse(code)
    return wandeln


def _bool(wert: Any) -> bool | None:
    return None if wert is None else bool(wert)


def _hhst(wert: Any) -> Haushaltsstelle | None:
    return None if wert is None else Haushaltsstelle.parse(wert)


@dataclass(frozen=True)
class Tabellenkopf:
    """A table's columns, filters and default order – what the page is built from – and the plain
    SQL of its first page."""

    name: str
    titel: str
    spalten: tuple[Spalte, ...]
    filter: tuple[Filterkopf, ...]
    standard_sortierung: tuple[str, bool]
    #: SELECT id, <one expression per column> … ORDER BY … LIMIT :limit
    seite_sql: str
    #: SELECT count(…) … (and the sum of every amount column, in the order of :attr:`spalten`)
    zaehlen_sql: str
    #: per column: raw SQLite value → the value the ORM query returns
    wandler: tuple[Callable[[Any], Any] | None, ...]
    #: the filters the page starts with (its preset): the only request besides the plain one answered here
    start_filter: tuple[tuple[str, str], ...] = ()

    def beantwortet(self, anfrage: Anfrage) -> bool:
        """True if the plain SQL answers ``anfrage``: no search, the default order, the start filters."""
        standard = anfrage.sortierung is None or (anfrage.sortierung, anfrage.absteigend) == self.standard_sortierung
        return (not anfrage.suche.strip() and standard
                and {k: v for k, v in anfrage.filter.items() if v} == dict(self.start_filter))


def _sp(schluessel: str, titel: str, art: str = "text", sortierbar: bool = True) -> Spalte:
    return Spalte(schluessel, titel, None, art, sortierbar)


_REIFEGRAD = """(SELECT rb_aktuell.stufe FROM reifegrad_bewertung AS rb_aktuell
    WHERE rb_aktuell.leistung_id = leistung.id AND rb_aktuell.modell = '{modell}'
    ORDER BY {ordnung} LIMIT 1)"""

KOEPFE: dict[str, Tabellenkopf] = {k.name: k for k in (
    Tabellenkopf(
        name="projekte", titel="Projekte",
        spalten=(_sp("ampel", "Ampel", "ampel"), _sp("kennung", "Kennung"), _sp("titel", "Titel"),
                 _sp("behoerde", "Behörde"), _sp("projektleiter", "Projektleitung"),
                 _sp("finanzierung", "Finanzierung", "enum"), _sp("beginn", "Beginn", "datum"),
                 _sp("ende", "Ende", "datum"), _sp("ozg_ids", "OZG-Leistungen", "text", False)),
        filter=(Filterkopf("ampel", "Ampel"), Filterkopf("finanzierung", "Finanzierung"), Filterkopf("behoerde", "Behörde")),
        standard_sortierung=("kennung", False),
        seite_sql="""SELECT projekt.id, projekt.ampel_gesamt, projekt.kennung, projekt.titel, behoerde.kurzname,
                person.name, projekt.finanzierung, projekt.beginn, projekt.ende,
                (SELECT group_concat(leistung.ozg_id, ', ') FROM projekt_leistung
                 JOIN leistung ON projekt_leistung.leistung_id = leistung.id
                 WHERE projekt_leistung.projekt_id = projekt.id)
            FROM projekt LEFT OUTER JOIN behoerde ON projekt.behoerde_id = behoerde.id
            LEFT OUTER JOIN person ON projekt.projektleiter_id = person.id
            ORDER BY projekt.kennung ASC, projekt.id ASC LIMIT :limit""",
        zaehlen_sql="SELECT count(*) FROM projekt",
        wandler=(_enum(Ampel), None, None, None, None, _enum(Finanzierung), _datum, _datum, None),
    ),
    Tabellenkopf(
        name="meilensteine", titel="Meilensteine",
        spalten=(_sp("projekt", "Projekt"), _sp("titel", "Meilenstein"), _sp("plan", "Plan", "datum"),
                 _sp("prognose", "Prognose", "datum"), _sp("ist", "Ist", "datum"), _sp("status", "Status", "status"),
                 _sp("verschiebungen", "Verschiebungen", "zahl")),
        filter=(Filterkopf("status", "Status"), Filterkopf("zeitraum", "Termin")),
        standard_sortierung=("plan", False),
        seite_sql="""SELECT meilenstein.id, projekt.kennung, meilenstein.titel, meilenstein.plan_datum,
                meilenstein.prognose_datum, meilenstein.ist_datum, meilenstein.status,
                (SELECT count(meilenstein_verschiebung.id) FROM meilenstein_verschiebung
                 WHERE meilenstein_verschiebung.meilenstein_id = meilenstein.id)
            FROM meilenstein JOIN projekt ON meilenstein.projekt_id = projekt.id
            ORDER BY meilenstein.plan_datum ASC, meilenstein.id ASC LIMIT :limit""",
        zaehlen_sql="SELECT count(*) FROM meilenstein JOIN projekt ON meilenstein.projekt_id = projekt.id",
        wandler=(None, None, _datum, _datum, _datum, _enum(MeilensteinStatus), None),
    ),
    Tabellenkopf(
        name="leistungen", titel="OZG-Leistungen",
        spalten=(_sp("ozg_id", "OZG-ID"), _sp("bezeichnung", "Bezeichnung"), _sp("themenfeld", "Themenfeld"),
                 _sp("typ", "Typ"), _sp("behoerde", "Behörde"), _sp("prioritaet", "Priorität", "zahl"),
                 _sp("geplant_online", "Geplant online", "datum"), _sp("reifegrad", "Reifegrad (1.1)", "reifegrad"),
                 _sp("reifegrad_2_0", "Reifegrad (2.0)", "zahl"), _sp("ziel_reifegrad", "Ziel", "zahl"),
                 _sp("im_ressort", "Im Ressort", "ja_nein")),
        filter=(Filterkopf("umfang", "Umfang"), Filterkopf("themenfeld", "Themenfeld"), Filterkopf("typ", "Typ"),
                Filterkopf("behoerde", "Behörde"), Filterkopf("reifegrad", "Reifegrad")),
        standard_sortierung=("ozg_id", False),
        seite_sql=f"""SELECT leistung.id, leistung.ozg_id, leistung.bezeichnung, themenfeld.name, leistung.typ,
                behoerde.kurzname, leistung.prioritaet, leistung.geplant_online,
                {_REIFEGRAD.format(modell=Reifegradmodell.V1_1.value, ordnung=reifegrad.reihenfolge_sql('rb_aktuell'))},
                {_REIFEGRAD.format(modell=Reifegradmodell.V2_0.value, ordnung=reifegrad.reihenfolge_sql('rb_aktuell'))},
                leistung.ziel_reifegrad, leistung.im_ressort
            FROM leistung JOIN themenfeld ON leistung.themenfeld_id = themenfeld.id
            LEFT OUTER JOIN behoerde ON leistung.behoerde_id = behoerde.id
            WHERE leistung.im_ressort IS 1
            ORDER BY leistung.ozg_id ASC, leistung.id ASC LIMIT :limit""",
        zaehlen_sql="""SELECT count(*) FROM leistung JOIN themenfeld ON leistung.themenfeld_id = themenfeld.id
            WHERE leistung.im_ressort IS 1""",
        wandler=(None, None, None, None, None, None, _datum, None, None, None, _bool),
        start_filter=(("umfang", "ressort"),),
    ),
    Tabellenkopf(
        name="mittelabfluesse", titel="Mittelabflüsse",
        spalten=(_sp("datum", "Datum", "datum"), _sp("projekt", "Projekt"), _sp("betrag", "Betrag", "euro"),
                 _sp("haushaltsstelle", "Haushaltsstelle"), _sp("kostenart", "Kostenart", "enum"),
                 _sp("referenz", "Referenz"), _sp("bemerkung", "Bemerkung")),
        filter=(Filterkopf("jahr", "Jahr"), Filterkopf("kostenart", "Kostenart")),
        standard_sortierung=("datum", True),
        seite_sql="""SELECT mittelabfluss.id, mittelabfluss.datum, projekt.kennung, mittelabfluss.betrag_cent,
                mittelabfluss.haushaltsstelle, mittelabfluss.kostenart, mittelabfluss.referenz, mittelabfluss.bemerkung
            FROM mittelabfluss JOIN projekt ON mittelabfluss.projekt_id = projekt.id
            ORDER BY mittelabfluss.datum DESC, mittelabfluss.id DESC LIMIT :limit""",
        zaehlen_sql="SELECT count(*), coalesce(sum(mittelabfluss.betrag_cent), 0) FROM mittelabfluss",
        wandler=(_datum, None, None, _hhst, _enum(Kostenart), None, None),
    ),
)}


def erste_seite(con: sqlite3.Connection, kopf: Tabellenkopf, limit: int,
                summenspalten: Sequence[str] = ()) -> tuple[int, list[Zeile], dict[str, int]]:
    """Count, first ``limit`` rows and the totals of ``summenspalten`` of the table's start request –
    what :meth:`Tabellenabfrage.anzahl`, ``seite`` and ``summen`` return for it."""
    gezaehlt = con.execute(kopf.zaehlen_sql).fetchone()
    euro = [sp.schluessel for sp in kopf.spalten if sp.art == "euro"]
    summen = {k: int(gezaehlt[1 + euro.index(k)]) for k in summenspalten}
    wandler = kopf.wandler
    zeilen = [Zeile(r[0], tuple(w(v) if w is not None else v for w, v in zip(wandler, r[1:], strict=True)))
              for r in con.execute(kopf.seite_sql, {"limit": limit})]
    return int(gezaehlt[0]), zeilen, summen


#: the table each table page shows first (window page → table)
STARTTABELLE = {"leistungen": "leistungen", "projekte": "projekte", "finanzen": "mittelabfluesse"}
#: rows of a table's first page (``TabellenModell.seitengroesse``)
SEITENGROESSE = 200


def summen_von(name: str) -> tuple[str, ...]:
    """The amount columns the page sums under the table (every ``euro`` column)."""
    return tuple(sp.schluessel for sp in KOEPFE[name].spalten if sp.art == "euro")


def startseite_lesen(store: Any, name: str) -> tuple[int, list[Zeile], dict[str, int] | None]:
    """The start request of table ``name`` as its page loads it first – for reading it while the
    window is still being built (``Runner.im_voraus``), as the Übersicht's figures are.

    Count and first rows only: the sums (``None``: they follow) are the table's loads' one cost that
    grows with every row – a million payments take 30–50 ms to add up, longer than the first rows
    and the window together. The page shows its rows at once and asks for the sums right after
    (:meth:`ozgdesk.ui.tabellenmodell.TabellenModell.neu_laden`, :meth:`VerzoegerteAbfrage.vorab_summen`)."""
    kopf = KOEPFE[name]
    with store.roh_lesen() as con:
        anzahl, zeilen, _leer = erste_seite(con, kopf, SEITENGROESSE)
    return anzahl, zeilen, (None if summen_von(name) else {})


class VerzoegerteAbfrage:
    """A table query the page can be built from before SQLAlchemy is loaded.

    Names, columns, filters and the default order come from the :class:`Tabellenkopf`; every SQL
    method is the full :class:`~ozgdesk.model.tabellen.Tabellenabfrage`'s, built on first use – on
    the DB worker, where the table's loads run (thread-safe). Until the full store is open,
    :meth:`vorab_laden` answers the page's start request with plain SQL.
    """

    def __init__(self, kopf: Tabellenkopf, fabrik: Callable[[], Tabellenabfrage],
                 vorab: Future[tuple[int, list[Zeile], dict[str, int] | None]] | None = None) -> None:
        """``vorab``: the start request, already being read (:func:`startseite_lesen`)."""
        self.kopf = kopf
        self._vorab = vorab
        self.name, self.titel, self.spalten = kopf.name, kopf.titel, kopf.spalten
        self.filter = kopf.filter
        self.standard_sortierung = kopf.standard_sortierung
        self._fabrik = fabrik
        self._voll: Tabellenabfrage | None = None
        self._sperre = threading.Lock()

    def voll(self) -> Tabellenabfrage:
        """The full query (imports SQLAlchemy the first time)."""
        with self._sperre:
            if self._voll is None:
                self._voll = self._fabrik()
            return self._voll

    # ------------------------------------------------------------------ the shape (no SQL)
    def sortierspalte(self, anfrage: Anfrage) -> tuple[Spalte | None, bool]:
        schluessel = anfrage.sortierung or self.standard_sortierung[0]
        absteigend = anfrage.absteigend if anfrage.sortierung else self.standard_sortierung[1]
        return next((sp for sp in self.spalten if sp.schluessel == schluessel and sp.sortierbar), None), absteigend

    def spalte(self, schluessel: str) -> int:
        return next(i for i, sp in enumerate(self.spalten) if sp.schluessel == schluessel)

    # ------------------------------------------------------------------ plain SQL before the store is open
    def vorab_laden(self, store: Any, anfrage: Anfrage, limit: int,
                    summenspalten: Sequence[str]) -> tuple[int, list[Zeile], dict[str, int] | None] | None:
        """The start request read with plain SQL while the full store is not open yet; None otherwise
        (then the caller reads through the full query, which opens the store). The start request
        read while the window was built brings no sums (``None``: :func:`startseite_lesen`)."""
        if getattr(store, "ist_geoeffnet", True) or not self.kopf.beantwortet(anfrage):
            return None
        vorab, self._vorab = self._vorab, None
        if vorab is not None and limit == SEITENGROESSE and tuple(summenspalten) == summen_von(self.name):
            return vorab.result()  # read on the same worker before this task: done by now
        with store.roh_lesen() as con:
            return erste_seite(con, self.kopf, limit, summenspalten)

    def vorab_summen(self, store: Any, anfrage: Anfrage, summenspalten: Sequence[str]) -> dict[str, int] | None:
        """The sums of the start request with plain SQL while the full store is not open yet; None
        otherwise (the caller then asks the full query)."""
        if getattr(store, "ist_geoeffnet", True) or not self.kopf.beantwortet(anfrage):
            return None
        with store.roh_lesen() as con:
            return erste_seite(con, self.kopf, 0, summenspalten)[2]

    # ------------------------------------------------------------------ everything else: the full query
    @property
    def tabellen(self) -> frozenset[str]:
        return self.voll().tabellen

    def anzahl(self, s: Session, anfrage: Anfrage) -> int:
        return self.voll().anzahl(s, anfrage)

    def seite(self, s: Session, anfrage: Anfrage, limit: int, nach: Zeile | None = None) -> list[Zeile]:
        return self.voll().seite(s, anfrage, limit, nach)

    def summen(self, s: Session, anfrage: Anfrage, schluessel: Sequence[str]) -> dict[str, int]:
        return self.voll().summen(s, anfrage, schluessel)

    def filteroptionen(self, s: Session) -> list[list[tuple[str, str]]]:
        return self.voll().filteroptionen(s)

    def alle(self, s: Session, anfrage: Anfrage, seitengroesse: int = 2000) -> Iterator[Zeile]:
        return self.voll().alle(s, anfrage, seitengroesse)

    def ids(self, s: Session, anfrage: Anfrage) -> list[str]:
        return self.voll().ids(s, anfrage)


def abfrage(name: str, stichtag: date | None = None,
            vorab: Future[tuple[int, list[Zeile], dict[str, int] | None]] | None = None) -> VerzoegerteAbfrage:
    """The table ``name`` of :data:`KOEPFE` (``meilensteine`` with its reference date for the
    „Termin“ filter) as the page builds it at start; ``vorab``: its start request already being read."""
    def fabrik() -> Tabellenabfrage:
        from ozgdesk.model import tabellen

        if name == "meilensteine":
            return tabellen.meilensteine(stichtag=stichtag)
        baue: Callable[[], Tabellenabfrage] = getattr(tabellen, name)
        return baue()

    return VerzoegerteAbfrage(KOEPFE[name], fabrik, vorab)
