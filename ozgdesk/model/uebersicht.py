"""What needs attention now: the data of the dashboard (Qt-free, plain dataclasses).

The coordinator opens ozgdesk to see what is late and what the next report still lacks. All
figures are computed for a reference date (``stichtag``) so the demo Ressort and tests are
deterministic; the GUI passes today's date for a real store.

The "noch fehlt" list is a *preliminary* check computed here from the store. When the reports
module's validation is available the GUI shows that one instead (see ``ozgdesk.ui.dienste``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.finanzen import Aufwand, Mittelabfluss, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.katalog import Leistung, ReifegradBewertung
from ozgdesk.model.projekte import Meilenstein, Projekt
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


def _meilensteine(s: Session, stichtag: date, bis: date | None, limit: int) -> list[MeilensteinHinweis]:
    termin = func.coalesce(Meilenstein.prognose_datum, Meilenstein.plan_datum)
    q = (
        select(Meilenstein.id, Meilenstein.projekt_id, Projekt.kennung, Meilenstein.titel, termin, Meilenstein.status)
        .join(Projekt, Meilenstein.projekt_id == Projekt.id)
        .where(Meilenstein.status.in_([MeilensteinStatus.OFFEN, MeilensteinStatus.GEFAEHRDET]))
    )
    q = q.where(termin < stichtag) if bis is None else q.where(termin >= stichtag, termin <= bis)
    q = q.order_by(termin, Projekt.kennung).limit(limit)
    return [MeilensteinHinweis(i, pid, k, t, d, st) for i, pid, k, t, d, st in s.execute(q)]


def _mittelabfluss(s: Session, jahr: int) -> tuple[Quartalswert, ...]:
    """Plan (latest plan version of each project) against payments, per quarter of ``jahr``."""
    neueste = (
        select(Zahlungsplan.projekt_id, func.max(Zahlungsplan.version).label("v"))
        .group_by(Zahlungsplan.projekt_id).subquery()
    )
    plan_q = (
        select(ZahlungsplanPosition.quartal, func.sum(ZahlungsplanPosition.betrag_cent))
        .join(Zahlungsplan, ZahlungsplanPosition.zahlungsplan_id == Zahlungsplan.id)
        .join(neueste, (neueste.c.projekt_id == Zahlungsplan.projekt_id) & (neueste.c.v == Zahlungsplan.version))
        .where(ZahlungsplanPosition.quartal.in_([Quartal(jahr, n) for n in range(1, 5)]))
        .group_by(ZahlungsplanPosition.quartal)
    )
    plan = {q: int(b or 0) for q, b in s.execute(plan_q)}
    ist: dict[Quartal, int] = {}
    for nummer in range(1, 5):
        q = Quartal(jahr, nummer)
        summe = s.execute(
            select(func.sum(Mittelabfluss.betrag_cent)).where(
                Mittelabfluss.datum >= q.beginn, Mittelabfluss.datum <= q.ende
            )
        ).scalar_one()
        ist[q] = int(summe or 0)
    return tuple(Quartalswert(q, plan.get(q, 0), ist[q]) for q in (Quartal(jahr, n) for n in range(1, 5)))


def _reifegrade(s: Session) -> dict[int | None, int]:
    """Current level (model 1.1) of the Ressort's Leistungen; None = not yet assessed."""
    neueste: dict[str, int] = {}
    q = (
        select(ReifegradBewertung.leistung_id, ReifegradBewertung.stufe)
        .join(Leistung, ReifegradBewertung.leistung_id == Leistung.id)
        .where(Leistung.im_ressort.is_(True), ReifegradBewertung.modell == Reifegradmodell.V1_1)
        .order_by(ReifegradBewertung.datum)
    )
    for lid, stufe in s.execute(q):
        neueste[lid] = stufe
    alle = s.execute(select(Leistung.id).where(Leistung.im_ressort.is_(True))).scalars().all()
    zaehler = Counter(neueste.get(lid) for lid in alle)
    return {stufe: zaehler.get(stufe, 0) for stufe in (None, 0, 1, 2, 3, 4)}


def _fehlend(s: Session, quartal: Quartal, stichtag: date, limit: int = 50) -> list[Hinweis]:
    """Preliminary check for the quarterly report: what the project leads still have to enter."""
    hinweise: list[Hinweis] = []
    projekte = s.execute(
        select(Projekt.id, Projekt.kennung, Projekt.finanzierung, Projekt.ampel_gesamt, Projekt.ampel_gesamt_grund,
               Projekt.beginn, Projekt.ende)
        .order_by(Projekt.kennung)
    ).all()
    mit_zahlung = set(s.execute(
        select(Mittelabfluss.projekt_id).where(Mittelabfluss.datum >= quartal.beginn, Mittelabfluss.datum <= quartal.ende)
        .distinct()
    ).scalars())
    mit_aufwand = set(s.execute(select(Aufwand.projekt_id).where(Aufwand.quartal == quartal).distinct()).scalars())
    for pid, kennung, fin, ampel, grund, beginn, ende in projekte:
        laeuft = (beginn is None or beginn <= quartal.ende) and (ende is None or ende >= quartal.beginn)
        if not laeuft:
            continue
        if ampel is not Ampel.GRUEN and not (grund or "").strip():
            hinweise.append(Hinweis(f"{kennung}: Begründung für die Ampel „{ampel.label}“ fehlt.", "projekt", pid, pid))
        if fin is Finanzierung.UNTERSTUETZUNG and pid not in mit_aufwand:
            hinweise.append(Hinweis(f"{kennung}: Aufwand (PT) für {quartal.kurz} fehlt.", "projekt", pid, pid))
        if fin is not Finanzierung.UNTERSTUETZUNG and pid not in mit_zahlung:
            hinweise.append(Hinweis(f"{kennung}: Kein Mittelabfluss in {quartal.kurz} erfasst.", "projekt", pid, pid))
        if len(hinweise) >= limit:
            break
    ohne_prognose = _meilensteine(s, stichtag, None, limit)
    for m in ohne_prognose:
        if len(hinweise) >= limit:
            break
        hinweise.append(Hinweis(
            f"{m.projekt}: Meilenstein „{m.titel}“ ist überfällig – neue Prognose oder Ist-Datum eintragen.",
            "meilenstein", m.id, m.projekt_id,
        ))
    return hinweise


def uebersicht(s: Session, stichtag: date, *, limit: int = 12) -> Uebersicht:
    quartal, frist = berichtsquartal(stichtag)
    ampeln = Counter(a for (a,) in s.execute(select(Projekt.ampel_gesamt)))
    return Uebersicht(
        stichtag=stichtag,
        bericht_quartal=quartal,
        bericht_frist=frist,
        fehlend=tuple(_fehlend(s, quartal, stichtag)),
        ueberfaellig=tuple(_meilensteine(s, stichtag, None, limit)),
        demnaechst=tuple(_meilensteine(s, stichtag, stichtag + timedelta(days=90), limit)),
        ampeln={a: ampeln.get(a, 0) for a in Ampel},
        mittelabfluss=_mittelabfluss(s, stichtag.year),
        reifegrade=_reifegrade(s),
        projekte=sum(ampeln.values()),
        leistungen_im_ressort=s.execute(select(func.count(Leistung.id)).where(Leistung.im_ressort.is_(True))).scalar_one(),
    )
