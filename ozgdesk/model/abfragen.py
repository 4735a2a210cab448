"""Read-side queries returning plain dataclasses.

The CLI, the GUI and the documents receive these rows, never live ORM objects, so a session lives
only for one query and nothing outside the model can write by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.finanzen import Mittelabfluss
from ozgdesk.model import reifegrad
from ozgdesk.model.katalog import Lage, Leistung, Themenfeld
from ozgdesk.model.organisation import Behoerde, Person, Ressort
from ozgdesk.model.projekte import Meilenstein, Projekt, ProjektLeistung
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.reifegrad import AktuellerReifegrad
from ozgdesk.model.values import Ampel, Finanzierung


@dataclass(frozen=True)
class Kennzahlen:
    schema: str
    ressort: str | None
    themenfelder: int
    lagen: int
    leistungen: int
    leistungen_im_ressort: int
    behoerden: int
    projekte: int
    meilensteine: int
    mittelabfluesse: int
    aenderungen: int


def kennzahlen(s: Session, schema: str) -> Kennzahlen:
    def anzahl(spalte, *bed) -> int:  # noqa: ANN001
        return s.execute(select(func.count(spalte)).where(*bed)).scalar_one()

    ressort = s.execute(select(Ressort.kurzname).limit(1)).scalar_one_or_none()
    return Kennzahlen(
        schema=schema,
        ressort=ressort,
        themenfelder=anzahl(Themenfeld.id),
        lagen=anzahl(Lage.id),
        leistungen=anzahl(Leistung.id),
        leistungen_im_ressort=anzahl(Leistung.id, Leistung.im_ressort.is_(True)),
        behoerden=anzahl(Behoerde.id),
        projekte=anzahl(Projekt.id),
        meilensteine=anzahl(Meilenstein.id),
        mittelabfluesse=anzahl(Mittelabfluss.id),
        aenderungen=anzahl(Aenderung.id),
    )


@dataclass(frozen=True)
class LeistungZeile:
    id: str
    ozg_id: str
    bezeichnung: str
    typ: str | None
    themenfeld: str
    lage: str | None
    behoerde: str | None
    im_ressort: bool
    im_katalog: bool
    prioritaet: int | None
    geplant_online: date | None
    reifegrad: int | None
    reifegrad_modell: str | None
    reifegrad_datum: date | None
    online: bool


def aktuelle_reifegrade(s: Session) -> dict[str, AktuellerReifegrad]:
    """The assessment that counts now, per Leistung: the one rule of :mod:`ozgdesk.model.reifegrad`."""
    return reifegrad.aktuelle(reifegrad.roh(s))


def leistungen(
    s: Session,
    *,
    nur_ressort: bool = False,
    themenfeld: str | None = None,
    typ: str | None = None,
    suche: str | None = None,
    behoerde: str | None = None,
) -> list[LeistungZeile]:
    q = (
        select(Leistung, Themenfeld.name, Lage.name, Behoerde.kurzname)
        .join(Themenfeld, Leistung.themenfeld_id == Themenfeld.id)
        .outerjoin(Lage, Leistung.lage_id == Lage.id)
        .outerjoin(Behoerde, Leistung.behoerde_id == Behoerde.id)
        .order_by(Leistung.ozg_id)
    )
    if nur_ressort:
        q = q.where(Leistung.im_ressort.is_(True))
    if themenfeld:
        q = q.where(or_(Themenfeld.name.ilike(f"%{themenfeld}%"), Themenfeld.nummer == _int(themenfeld)))
    if typ:
        q = q.where(Leistung.typ == typ)
    if behoerde:
        q = q.where(or_(func.lower(Behoerde.kurzname) == behoerde.lower(), func.lower(Behoerde.name) == behoerde.lower()))
    if suche:
        q = q.where(or_(Leistung.bezeichnung.ilike(f"%{suche}%"), Leistung.ozg_id == suche.strip()))
    reifegrade = aktuelle_reifegrade(s)
    zeilen = []
    for l, tf, lage, beh in s.execute(q):
        rg = reifegrade.get(l.id)
        zeilen.append(LeistungZeile(
            id=l.id, ozg_id=l.ozg_id, bezeichnung=l.bezeichnung, typ=l.typ, themenfeld=tf, lage=lage,
            behoerde=beh, im_ressort=l.im_ressort, im_katalog=l.im_katalog, prioritaet=l.prioritaet,
            geplant_online=l.geplant_online,
            reifegrad=rg.stufe if rg else None, reifegrad_modell=rg.modell.value if rg else None,
            reifegrad_datum=rg.datum if rg else None,
            online=bool(rg and rg.online),
        ))
    return zeilen


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class ProjektZeile:
    id: str
    kennung: str
    titel: str
    behoerde: str | None
    projektleiter: str | None
    finanzierung: Finanzierung
    beginn: date | None
    ende: date | None
    ampel: Ampel
    ozg_ids: tuple[str, ...]


def projekte(
    s: Session,
    *,
    finanzierung: str | None = None,
    ampel: str | None = None,
    behoerde: str | None = None,
    suche: str | None = None,
) -> list[ProjektZeile]:
    q = (
        select(Projekt, Behoerde.kurzname, Person.name)
        .outerjoin(Behoerde, Projekt.behoerde_id == Behoerde.id)
        .outerjoin(Person, Projekt.projektleiter_id == Person.id)
        .order_by(Projekt.kennung)
    )
    if finanzierung:
        q = q.where(Projekt.finanzierung == Finanzierung.parse(finanzierung))
    if ampel:
        q = q.where(Projekt.ampel_gesamt == Ampel.parse(ampel))
    if behoerde:
        q = q.where(or_(func.lower(Behoerde.kurzname) == behoerde.lower(), func.lower(Behoerde.name) == behoerde.lower()))
    if suche:
        q = q.where(or_(Projekt.titel.ilike(f"%{suche}%"), Projekt.kennung.ilike(f"%{suche}%")))
    ozg: dict[str, list[str]] = {}
    for pid, oid in s.execute(
        select(ProjektLeistung.projekt_id, Leistung.ozg_id).join(Leistung, ProjektLeistung.leistung_id == Leistung.id)
    ):
        ozg.setdefault(pid, []).append(oid)
    return [
        ProjektZeile(
            id=p.id, kennung=p.kennung, titel=p.titel, behoerde=beh, projektleiter=pl, finanzierung=p.finanzierung,
            beginn=p.beginn, ende=p.ende, ampel=p.ampel_gesamt, ozg_ids=tuple(sorted(ozg.get(p.id, ()))),
        )
        for p, beh, pl in s.execute(q)
    ]


@dataclass(frozen=True)
class AenderungZeile:
    seq: int
    geraet: str
    zeitpunkt: datetime
    benutzer: str
    quelle: str
    tabelle: str
    datensatz_id: str
    aktion: str
    feld: str | None
    alt: object
    neu: object


def aenderungen(
    s: Session,
    *,
    tabelle: str | None = None,
    datensatz: str | None = None,
    benutzer: str | None = None,
    seit: date | None = None,
    transaktion: str | None = None,
    limit: int = 100,
) -> list[AenderungZeile]:
    q = select(Aenderung).order_by(Aenderung.zeitpunkt.desc(), Aenderung.seq.desc())
    if tabelle:
        q = q.where(Aenderung.tabelle == tabelle)
    if datensatz:
        q = q.where(Aenderung.datensatz_id == datensatz)
    if benutzer:
        q = q.where(Aenderung.benutzer == benutzer)
    if seit:
        q = q.where(Aenderung.zeitpunkt >= seit.isoformat())
    if transaktion:
        q = q.where(Aenderung.transaktion == transaktion)
    q = q.limit(limit)
    return [
        AenderungZeile(seq=a.seq, geraet=a.geraet, zeitpunkt=a.zeitpunkt, benutzer=a.benutzer, quelle=a.quelle,
                       tabelle=a.tabelle, datensatz_id=a.datensatz_id, aktion=a.aktion, feld=a.feld,
                       alt=a.alt_wert, neu=a.neu_wert)
        for a in s.execute(q).scalars()
    ]
