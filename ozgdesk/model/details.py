"""Read one record with what its editor needs, as plain dataclasses (Qt-free).

The project editor shows a project with its Leistungen, work packages, milestones (with the
history of postponements), payment plan versions and effort. Each function opens nothing itself:
it takes a read session and returns frozen values, so no ORM object ever reaches a widget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.bearbeiten import spaltenwerte
from ozgdesk.model.finanzen import Aufwand, Bewilligung, Mittelabfluss, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.katalog import Leistung, ReifegradBewertung
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt, ProjektLeistung
from ozgdesk.model.values import Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal


@dataclass(frozen=True)
class Auswahl:
    """Choices for drop-downs: (id, label)."""

    behoerden: tuple[tuple[str, str], ...]
    personen: tuple[tuple[str, str], ...]
    leistungen: tuple[tuple[str, str], ...]


def auswahl(s: Session) -> Auswahl:
    return Auswahl(
        behoerden=tuple((i, f"{k} – {n}" if k else n) for i, k, n in
                        s.execute(select(Behoerde.id, Behoerde.kurzname, Behoerde.name).order_by(Behoerde.kurzname))),
        personen=tuple((i, n) for i, n in s.execute(select(Person.id, Person.name).order_by(Person.name))),
        leistungen=tuple((i, f"{o} {b}") for i, o, b in s.execute(
            select(Leistung.id, Leistung.ozg_id, Leistung.bezeichnung).where(Leistung.im_ressort.is_(True))
            .order_by(Leistung.ozg_id))),
    )


@dataclass(frozen=True)
class MeilensteinDaten:
    id: str
    titel: str
    arbeitspaket_id: str | None
    plan: date | None
    prognose: date | None
    ist: date | None
    status: MeilensteinStatus
    oeffentlich: bool
    bemerkung: str
    verschiebungen: int


@dataclass(frozen=True)
class VerschiebungDaten:
    nummer: int
    erfasst_am: date
    von: date
    auf: date
    grund: str


@dataclass(frozen=True)
class ArbeitspaketDaten:
    id: str
    nummer: str
    titel: str
    beginn: date | None
    ende: date | None


@dataclass(frozen=True)
class AufwandDaten:
    id: str
    quartal: Quartal
    leistungsart: str
    personentage: Decimal
    leistungen: str


@dataclass(frozen=True)
class BewilligungDaten:
    """One year's approval with the payments of that year and the running totals up to it.

    ``zahlungen_kumuliert`` counts every payment up to the end of ``jahr`` (also of years without
    an approval), so ``rest`` is what is still available of everything approved so far."""

    id: str
    jahr: int
    betrag_cent: int
    personentage: Decimal | None
    datum: date | None
    aktenzeichen: str
    zahlungen_jahr: int
    bewilligt_kumuliert: int
    zahlungen_kumuliert: int

    @property
    def rest(self) -> int:
        return self.bewilligt_kumuliert - self.zahlungen_kumuliert


@dataclass(frozen=True)
class ProjektDaten:
    id: str
    werte: dict[str, Any]
    leistung_ids: tuple[str, ...]
    arbeitspakete: tuple[ArbeitspaketDaten, ...]
    meilensteine: tuple[MeilensteinDaten, ...]
    aufwand: tuple[AufwandDaten, ...]
    bewilligungen: tuple[BewilligungDaten, ...] = ()


def bewilligungen(s: Session, projekt_id: str) -> tuple[BewilligungDaten, ...]:
    """A project's approvals by year, each with that year's payments (Mittelabfluss by ``datum``)
    and the running totals of approvals and payments up to that year."""
    je_jahr: dict[int, int] = {}
    for datum, betrag in s.execute(select(Mittelabfluss.datum, Mittelabfluss.betrag_cent)
                                   .where(Mittelabfluss.projekt_id == projekt_id)):
        je_jahr[datum.year] = je_jahr.get(datum.year, 0) + betrag
    zeilen = []
    bewilligt = 0
    for b in s.execute(select(Bewilligung).where(Bewilligung.projekt_id == projekt_id)
                       .order_by(Bewilligung.jahr)).scalars():
        bewilligt += b.betrag_cent
        gezahlt = sum(v for j, v in je_jahr.items() if j <= b.jahr)
        zeilen.append(BewilligungDaten(b.id, b.jahr, b.betrag_cent, b.personentage, b.datum, b.aktenzeichen,
                                       je_jahr.get(b.jahr, 0), bewilligt, gezahlt))
    return tuple(zeilen)


def projekt(s: Session, projekt_id: str) -> ProjektDaten | None:
    p = s.get(Projekt, projekt_id)
    if p is None:
        return None
    leistungen = tuple(s.execute(select(ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == p.id)).scalars())
    aps = tuple(ArbeitspaketDaten(a.id, a.nummer, a.titel, a.beginn, a.ende) for a in s.execute(
        select(Arbeitspaket).where(Arbeitspaket.projekt_id == p.id).order_by(Arbeitspaket.nummer)).scalars())
    anzahl: dict[str, int] = {}
    for (mid,) in s.execute(select(MeilensteinVerschiebung.meilenstein_id).join(
            Meilenstein, MeilensteinVerschiebung.meilenstein_id == Meilenstein.id).where(Meilenstein.projekt_id == p.id)):
        anzahl[mid] = anzahl.get(mid, 0) + 1
    ms = tuple(
        MeilensteinDaten(m.id, m.titel, m.arbeitspaket_id, m.plan_datum, m.prognose_datum, m.ist_datum, m.status,
                         m.oeffentlich, m.bemerkung, anzahl.get(m.id, 0))
        for m in s.execute(select(Meilenstein).where(Meilenstein.projekt_id == p.id)
                           .order_by(Meilenstein.plan_datum, Meilenstein.titel)).scalars()
    )
    aufwand = tuple(AufwandDaten(a.id, a.quartal, a.leistungsart, a.personentage, a.leistungen) for a in s.execute(
        select(Aufwand).where(Aufwand.projekt_id == p.id).order_by(Aufwand.quartal)).scalars())
    return ProjektDaten(p.id, spaltenwerte(p), leistungen, aps, ms, aufwand, bewilligungen(s, p.id))


def verschiebungen(s: Session, meilenstein_id: str) -> tuple[VerschiebungDaten, ...]:
    return tuple(
        VerschiebungDaten(v.nummer, v.erfasst_am, v.von_datum, v.auf_datum, v.grund)
        for v in s.execute(select(MeilensteinVerschiebung).where(MeilensteinVerschiebung.meilenstein_id == meilenstein_id)
                           .order_by(MeilensteinVerschiebung.nummer)).scalars()
    )


@dataclass(frozen=True)
class PlanDaten:
    """One version of a payment plan as a grid: quarters × (Haushaltsstelle, Kostenart)."""

    projekt_id: str
    version: int | None
    stand: date | None
    bemerkung: str
    versionen: tuple[int, ...]
    quartale: tuple[Quartal, ...]
    spalten: tuple[tuple[Haushaltsstelle, Kostenart], ...]
    betraege: dict[tuple[Quartal, Haushaltsstelle, Kostenart], int]


def _laufzeit_quartale(beginn: date | None, ende: date | None) -> list[Quartal]:
    if beginn is None or ende is None or ende < beginn:
        return []
    q, letztes = Quartal.von_datum(beginn), Quartal.von_datum(ende)
    ergebnis: list[Quartal] = []
    while q <= letztes and len(ergebnis) < 80:
        ergebnis.append(q)
        q = q.folgendes()
    return ergebnis


def zahlungsplan(s: Session, projekt_id: str, version: int | None = None) -> PlanDaten:
    p = s.get(Projekt, projekt_id)
    versionen = tuple(s.execute(select(Zahlungsplan.version).where(Zahlungsplan.projekt_id == projekt_id)
                                .order_by(Zahlungsplan.version)).scalars())
    if version is None and versionen:
        version = versionen[-1]
    plan = s.execute(select(Zahlungsplan).where(Zahlungsplan.projekt_id == projekt_id, Zahlungsplan.version == version)
                     ).scalar_one_or_none() if version else None
    betraege: dict[tuple[Quartal, Haushaltsstelle, Kostenart], int] = {}
    if plan is not None:
        for pos in s.execute(select(ZahlungsplanPosition).where(ZahlungsplanPosition.zahlungsplan_id == plan.id)).scalars():
            schluessel = (pos.quartal, pos.haushaltsstelle, pos.kostenart)
            betraege[schluessel] = betraege.get(schluessel, 0) + pos.betrag_cent
    quartale = sorted(set(_laufzeit_quartale(p.beginn if p else None, p.ende if p else None)) | {k[0] for k in betraege})
    spalten = sorted({(k[1], k[2]) for k in betraege}, key=lambda hk: (str(hk[0]), hk[1].value))
    return PlanDaten(projekt_id, plan.version if plan else None, plan.stand if plan else None,
                     plan.bemerkung if plan else "", versionen, tuple(quartale), tuple(spalten), betraege)


@dataclass(frozen=True)
class LeistungDaten:
    id: str
    werte: dict[str, Any]
    bewertungen: tuple[tuple[date, str, int, str], ...]


def leistung(s: Session, leistung_id: str) -> LeistungDaten | None:
    l = s.get(Leistung, leistung_id)
    if l is None:
        return None
    bew = tuple((b.datum, b.modell.value, b.stufe, b.quelle) for b in s.execute(
        select(ReifegradBewertung).where(ReifegradBewertung.leistung_id == l.id).order_by(ReifegradBewertung.datum.desc())
    ).scalars())
    return LeistungDaten(l.id, spaltenwerte(l), bew)
