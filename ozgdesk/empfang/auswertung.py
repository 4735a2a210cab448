"""The programme-wide quarterly overview, computed from the receiver's database (no rendering here).

Per Ressort the **newest valid Fassung** for the quarter counts (highest Fassung, then the latest
creation time); every other Fassung stays in the database and in ``empfang liste``. The figures are
sums over the projects of that package, made by the database (``GROUP BY``), so the overview of
17 or 170 Ressorts costs a few queries, never a Python loop over every milestone.

Definitions (also in ``docs/empfang.md``):

* **Mittelabfluss** – Ist against Plan of the fully funded projects, in the quarter and cumulated
  over the year, as the Ressort reported them (Zahlungsplan in force at the quarter's end).
* **Meilensteine** – *im Quartal fällig*: plan date in the quarter; *bis Quartalsende fällig*: plan
  date up to the quarter's end; *erreicht*: status „erreicht“ or „verspätet erreicht“ with the
  actual date (if given) by the quarter's end; dropped milestones („entfallen“) count nowhere.
* **Reifegrad** – each OZG-Leistung once per Ressort (several projects may report the same one;
  the highest level reported counts), split by model 1.1 (0–4) and 2.0 (0–7).
* **Befunde** – the findings of the Ressort's own check in the package; those with a Stellungnahme
  are facts the receiver has to judge, the open ones are notes without a statement.
* **Eingang** – the deadline is 15 days after the quarter's end (the Ressort side's
  ``model.uebersicht.BERICHTSFRIST_TAGE``); a Ressort is *verspätet* if its first valid Fassung was
  created (manifest time, covered by the signature) after it, *fehlt* if none arrived by the
  overview's Stand after the deadline, *ausstehend* before it. Expected are the Ressorts set with
  ``empfang einstellen --ressorts``, else every Ressort that has ever sent a valid package.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ozgdesk.empfang.datenbank import Empfangsdatenbank
from ozgdesk.empfang.tabellen import (
    ABGELEHNT,
    GEPRUEFT,
    BefundMeldung,
    HaushaltsstelleMeldung,
    LeistungMeldung,
    MeilensteinMeldung,
    Paket,
    ProjektMeldung,
)
from ozgdesk.model import empfaenger
from ozgdesk.model.uebersicht import BERICHTSFRIST_TAGE
from ozgdesk.model.values import Quartal

#: Settings (table ``einstellung``).
EINSTELLUNG_RESSORTS = "ressorts"
EINSTELLUNG_NAME = "name"
EINSTELLUNG_REFERAT = "referat"
STANDARD_REFERAT = "Programmsteuerung Digitalisierungsprogramm Bund"

RECHTZEITIG, VERSPAETET, FEHLT, AUSSTEHEND = "rechtzeitig", "verspätet", "fehlt", "ausstehend"
ERREICHT = ("erreicht", "verspätet erreicht")
STUFEN = {"1.1": 5, "2.0": 8}


def frist(q: Quartal) -> date:
    """The last day a quarter's package is on time."""
    return q.ende + timedelta(days=BERICHTSFRIST_TAGE)


def _lokal(t: datetime) -> date:
    """The calendar day of a stored UTC moment where the reader is (as the package PDFs print it)."""
    return t.astimezone().date()


# ============================================================================================ values
class _Summierbar:
    """Field-wise addition of the count and amount records below (the total row)."""

    def __add__(self, other: Any) -> Any:
        werte = {}
        for f in fields(self):  # type: ignore[arg-type]
            a, b = getattr(self, f.name), getattr(other, f.name)
            werte[f.name] = tuple(x + y for x, y in zip(a, b, strict=True)) if isinstance(a, tuple) else a + b
        return type(self)(**werte)


@dataclass(frozen=True)
class Finanzen(_Summierbar):
    """Amounts in cents."""

    plan_quartal: int = 0
    ist_quartal: int = 0
    plan_jahr: int = 0
    ist_jahr: int = 0
    plan_gesamt: int = 0
    ist_gesamt: int = 0
    bewilligt_jahr: int = 0
    bewilligt_gesamt: int = 0

    @property
    def abweichung_quartal(self) -> int:
        return self.ist_quartal - self.plan_quartal


@dataclass(frozen=True)
class Meilensteine(_Summierbar):
    quartal_faellig: int = 0
    quartal_erreicht: int = 0
    bis_faellig: int = 0
    bis_erreicht: int = 0
    gefaehrdet: int = 0


@dataclass(frozen=True)
class Reifegrade(_Summierbar):
    leistungen: int = 0
    online: int = 0
    nicht_bewertet: int = 0
    modell_11: tuple[int, ...] = (0,) * STUFEN["1.1"]
    modell_20: tuple[int, ...] = (0,) * STUFEN["2.0"]


@dataclass(frozen=True)
class Befunde(_Summierbar):
    gesamt: int = 0
    mit_stellungnahme: int = 0
    offen: int = 0


@dataclass(frozen=True)
class PaketZeile:
    """A package as ``empfang liste`` and the overview show it."""

    id: int
    pfad: str
    status: str
    grund: str | None
    ressort: str | None
    ressort_name: str | None
    zeitraum: str | None
    fassung: int | None
    erstellt_am: datetime | None
    erstellt_von: str | None
    eingang: datetime
    signiert: bool
    unterzeichner: str | None
    ca_geprueft: bool
    manifest_sha256: str | None

    @property
    def status_text(self) -> str:
        return "geprüft" if self.status == GEPRUEFT else "abgelehnt"

    @property
    def signatur_text(self) -> str:
        if not self.signiert:
            return "nicht signiert"
        return f"{self.unterzeichner}" + ("" if self.ca_geprueft else " (Kette nicht geprüft)")


def _paketzeile(p: Paket) -> PaketZeile:
    return PaketZeile(p.id, p.pfad, p.status, p.grund, p.ressort, p.ressort_name, p.zeitraum, p.fassung, p.erstellt_am,
                      p.erstellt_von, p.eingang, p.signiert, p.unterzeichner, p.ca_geprueft, p.manifest_sha256)


@dataclass(frozen=True)
class Eingang:
    """Whether and when an expected Ressort's package for the quarter arrived."""

    ressort: str
    name: str
    #: the newest valid Fassung, the one the overview counts (None: none arrived)
    paket: PaketZeile | None
    fassungen: int
    #: when its first valid Fassung was created
    erste: datetime | None
    zustand: str
    tage_verspaetet: int = 0
    #: rejected packages for this Ressort and quarter (not read validly later from the same place)
    abgelehnt: int = 0

    @property
    def zustand_text(self) -> str:
        if self.zustand == VERSPAETET:
            return f"verspätet ({self.tage_verspaetet} {'Tag' if self.tage_verspaetet == 1 else 'Tage'})"
        return self.zustand


@dataclass(frozen=True)
class RessortZeile:
    ressort: str
    name: str
    projekte: int = 0
    projekte_rot: int = 0
    finanzen: Finanzen = field(default_factory=Finanzen)
    meilensteine: Meilensteine = field(default_factory=Meilensteine)
    reifegrade: Reifegrade = field(default_factory=Reifegrade)
    befunde: Befunde = field(default_factory=Befunde)


@dataclass(frozen=True)
class HaushaltsstelleZeile:
    ressort: str
    haushaltsstelle: str
    finanzen: Finanzen


@dataclass(frozen=True)
class StellungnahmeZeile:
    ressort: str
    datensatz: str
    befund: str
    stellungnahme: str
    von: str | None


@dataclass(frozen=True)
class ProjektZeile:
    ressort: str
    kennung: str
    titel: str
    behoerde: str | None
    finanzierung: str
    ampel: str | None
    finanzen: Finanzen | None


@dataclass(frozen=True)
class Uebersicht:
    quartal: Quartal
    stand: date
    frist: date
    empfaenger: str
    referat: str
    #: where the list of expected Ressorts comes from (for the reader)
    erwartet_aus: str
    eingang: list[Eingang]
    ressorts: list[RessortZeile]
    summe: RessortZeile
    haushaltsstellen: list[HaushaltsstelleZeile]
    stellungnahmen: list[StellungnahmeZeile]
    abgelehnt: list[PaketZeile]
    projekte: list[ProjektZeile]


# ========================================================================================== packages
def pakete(db: Empfangsdatenbank, *, zeitraum: str | None = None, ressort: str | None = None) -> list[PaketZeile]:
    """Every package read, valid and rejected, by Ressort, quarter and Fassung."""
    abfrage = select(Paket)
    if zeitraum:
        abfrage = abfrage.where(Paket.zeitraum == zeitraum)
    if ressort:
        abfrage = abfrage.where(Paket.ressort == ressort)
    abfrage = abfrage.order_by(Paket.zeitraum, Paket.ressort, Paket.fassung, Paket.erstellt_am, Paket.id)
    with db.lesen() as s:
        return [_paketzeile(p) for p in s.execute(abfrage).scalars()]


def erwartete_ressorts(db: Empfangsdatenbank, s: Session) -> tuple[list[str], str]:
    gesetzt = db.einstellung(EINSTELLUNG_RESSORTS)
    if gesetzt:
        return [x for x in gesetzt.split(",") if x], "Einstellung"
    gesehen = s.execute(select(Paket.ressort).where(Paket.status == GEPRUEFT).distinct()).scalars()
    return sorted((x for x in gesehen if x), key=str.casefold), "alle Ressorts mit gültigen Paketen"


def eingang(db: Empfangsdatenbank, q: Quartal, stand: date) -> tuple[list[Eingang], str]:
    """The state of every expected Ressort's package for ``q`` (and of any other that sent one)."""
    with db.lesen() as s:
        erwartet, woher = erwartete_ressorts(db, s)
        gueltig = [_paketzeile(p) for p in s.execute(
            select(Paket).where(Paket.zeitraum == str(q), Paket.status == GEPRUEFT)
            .order_by(Paket.ressort, Paket.fassung.desc(), Paket.erstellt_am.desc(), Paket.id.desc())).scalars()]
        abgelehnt = _abgelehnt(s, q)
    je: dict[str, list[PaketZeile]] = defaultdict(list)
    for p in gueltig:
        je[p.ressort or ""].append(p)
    abgelehnt_je: dict[str, int] = defaultdict(int)
    for p in abgelehnt:
        if p.ressort and p.zeitraum == str(q):
            abgelehnt_je[p.ressort] += 1
    ende = frist(q)
    zeilen = []
    for r in sorted(set(erwartet) | set(je), key=str.casefold):
        liste = je.get(r, [])
        if not liste:
            zeilen.append(Eingang(r, r, None, 0, None, FEHLT if stand > ende else AUSSTEHEND,
                                  abgelehnt=abgelehnt_je.get(r, 0)))
            continue
        erste = min((p.erstellt_am for p in liste if p.erstellt_am), default=None)
        tage = (_lokal(erste) - ende).days if erste else 0
        zeilen.append(Eingang(r, liste[0].ressort_name or r, liste[0], len(liste), erste,
                              VERSPAETET if tage > 0 else RECHTZEITIG, max(tage, 0), abgelehnt_je.get(r, 0)))
    return zeilen, woher


def _abgelehnt(s: Session, q: Quartal) -> list[PaketZeile]:
    """Rejected packages of the quarter (or of no recognisable quarter) that were not read validly
    later from the same place – those the receiver still has to chase."""
    spaeter_gut = set(s.execute(select(Paket.pfad).where(Paket.status == GEPRUEFT)).scalars())
    return [_paketzeile(p) for p in s.execute(
        select(Paket).where(Paket.status == ABGELEHNT, or_(Paket.zeitraum == str(q), Paket.zeitraum.is_(None)))
        .order_by(Paket.ressort, Paket.pfad, Paket.id)).scalars() if p.pfad not in spaeter_gut]


# ========================================================================================== figures
def _int(x: Any) -> int:
    return int(x or 0)  # PostgreSQL's SUM(bigint) is numeric: Decimal


_FIN = ("plan_quartal", "ist_quartal", "plan_jahr", "ist_jahr", "plan_gesamt", "ist_gesamt")


def _finanzen(s: Session, ids: list[int]) -> dict[int, tuple[int, int, Finanzen]]:
    spalten = [func.sum(getattr(ProjektMeldung, f"{f}_cent")) for f in (*_FIN, "bewilligt_jahr", "bewilligt_gesamt")]
    rot = func.sum(case((ProjektMeldung.ampel == "rot", 1), else_=0))
    aus = {}
    for pid, n, n_rot, *werte in s.execute(select(ProjektMeldung.paket_id, func.count(), rot, *spalten)
                                           .where(ProjektMeldung.paket_id.in_(ids)).group_by(ProjektMeldung.paket_id)):
        aus[pid] = (_int(n), _int(n_rot), Finanzen(*map(_int, werte)))
    return aus


def _meilensteine(s: Session, ids: list[int], q: Quartal) -> dict[int, Meilensteine]:
    m = MeilensteinMeldung
    gilt = m.status != "entfallen"
    erreicht = and_(m.status.in_(ERREICHT), or_(m.ist.is_(None), m.ist <= q.ende))
    im_quartal = and_(gilt, m.plan >= q.beginn, m.plan <= q.ende)
    bis = and_(gilt, m.plan <= q.ende)

    def zahl(bedingung: Any) -> Any:
        return func.sum(case((bedingung, 1), else_=0))

    abfrage = select(m.paket_id, zahl(im_quartal), zahl(and_(im_quartal, erreicht)), zahl(bis), zahl(and_(bis, erreicht)),
                     zahl(m.status == "gefährdet")).where(m.paket_id.in_(ids)).group_by(m.paket_id)
    return {pid: Meilensteine(*map(_int, werte)) for pid, *werte in s.execute(abfrage)}


def _reifegrade(s: Session, ids: list[int]) -> dict[int, Reifegrade]:
    l = LeistungMeldung
    beste: dict[int, dict[str, tuple[int | None, str | None, bool]]] = defaultdict(dict)
    for pid, ozg_id, stufe, modell, online in s.execute(
            select(l.paket_id, l.ozg_id, l.reifegrad, l.modell, l.online).where(l.paket_id.in_(ids)).distinct()):
        alt = beste[pid].get(ozg_id)
        if alt is None or (stufe is not None and (alt[0] is None or stufe > alt[0])):
            beste[pid][ozg_id] = (stufe, modell, bool(online) or (alt is not None and alt[2]))
        elif online:
            beste[pid][ozg_id] = (alt[0], alt[1], True)
    aus = {}
    for pid, leistungen in beste.items():
        stufen = {k: [0] * n for k, n in STUFEN.items()}
        ohne = 0
        for stufe, modell, _online in leistungen.values():
            if stufe is None or modell not in stufen:
                ohne += 1
            else:
                stufen[modell][stufe] += 1
        aus[pid] = Reifegrade(len(leistungen), sum(1 for x in leistungen.values() if x[2]), ohne,
                              tuple(stufen["1.1"]), tuple(stufen["2.0"]))
    return aus


def _befunde(s: Session, ids: list[int]) -> dict[int, Befunde]:
    b = BefundMeldung
    abfrage = select(b.paket_id, func.count(), func.sum(case((b.stellungnahme.is_not(None), 1), else_=0)),
                     func.sum(case((b.offen, 1), else_=0))).where(b.paket_id.in_(ids)).group_by(b.paket_id)
    return {pid: Befunde(*map(_int, werte)) for pid, *werte in s.execute(abfrage)}


def _haushaltsstellen(s: Session, ids: list[int], ressort: dict[int, str]) -> list[HaushaltsstelleZeile]:
    h = HaushaltsstelleMeldung
    abfrage = (select(h.paket_id, h.haushaltsstelle, *(func.sum(getattr(h, f"{f}_cent")) for f in _FIN))
               .where(h.paket_id.in_(ids)).group_by(h.paket_id, h.haushaltsstelle))
    zeilen = [HaushaltsstelleZeile(ressort[pid], stelle, Finanzen(*map(_int, werte))) for pid, stelle, *werte in s.execute(abfrage)]
    return sorted(zeilen, key=lambda z: (z.ressort.casefold(), z.haushaltsstelle))


def _stellungnahmen(s: Session, ids: list[int], ressort: dict[int, str]) -> list[StellungnahmeZeile]:
    b = BefundMeldung
    zeilen = [StellungnahmeZeile(ressort[pid], datensatz, text, stellungnahme, von) for pid, datensatz, text, stellungnahme, von
              in s.execute(select(b.paket_id, b.datensatz, b.text, b.stellungnahme, b.stellungnahme_von)
                           .where(b.paket_id.in_(ids), b.stellungnahme.is_not(None)).order_by(b.id))]
    return sorted(zeilen, key=lambda z: (z.ressort.casefold(), z.datensatz))


def _projekte(s: Session, ids: list[int], ressort: dict[int, str]) -> list[ProjektZeile]:
    p = ProjektMeldung
    zeilen = []
    for x in s.execute(select(p).where(p.paket_id.in_(ids)).order_by(p.paket_id, p.kennung)).scalars():
        fin = None if x.plan_quartal_cent is None else Finanzen(*(_int(getattr(x, f"{f}_cent")) for f in
                                                                 (*_FIN, "bewilligt_jahr", "bewilligt_gesamt")))
        zeilen.append(ProjektZeile(ressort[x.paket_id], x.kennung, x.titel, x.behoerde, x.finanzierung, x.ampel, fin))
    return sorted(zeilen, key=lambda z: (z.ressort.casefold(), z.kennung))


def summe(zeilen: Iterable[RessortZeile]) -> RessortZeile:
    gesamt = RessortZeile("Summe", "Summe")
    for z in zeilen:
        gesamt = RessortZeile("Summe", "Summe", gesamt.projekte + z.projekte, gesamt.projekte_rot + z.projekte_rot,
                              gesamt.finanzen + z.finanzen, gesamt.meilensteine + z.meilensteine,
                              gesamt.reifegrade + z.reifegrade, gesamt.befunde + z.befunde)
    return gesamt


def uebersicht(db: Empfangsdatenbank, q: Quartal, stand: date) -> Uebersicht:
    """Everything the overview documents show for quarter ``q`` as of ``stand``."""
    zeilen_eingang, woher = eingang(db, q, stand)
    verwendet = {e.paket.id: e for e in zeilen_eingang if e.paket is not None}
    ids = list(verwendet)
    ressort = {pid: e.ressort for pid, e in verwendet.items()}
    with db.lesen() as s:
        fin = _finanzen(s, ids)
        ms = _meilensteine(s, ids, q)
        rg = _reifegrade(s, ids)
        bf = _befunde(s, ids)
        stellen = _haushaltsstellen(s, ids, ressort)
        stellungnahmen = _stellungnahmen(s, ids, ressort)
        projekte = _projekte(s, ids, ressort)
        abgelehnt = _abgelehnt(s, q)
    zeilen = []
    for pid, e in sorted(verwendet.items(), key=lambda x: x[1].ressort.casefold()):
        n, rot, f = fin.get(pid, (0, 0, Finanzen()))
        zeilen.append(RessortZeile(e.ressort, e.name, n, rot, f, ms.get(pid, Meilensteine()), rg.get(pid, Reifegrade()),
                                   bf.get(pid, Befunde())))
    return Uebersicht(q, stand, frist(q), empfaenger.name(db.einstellung(EINSTELLUNG_NAME)),
                      db.einstellung(EINSTELLUNG_REFERAT) or STANDARD_REFERAT, woher, zeilen_eingang, zeilen,
                      summe(zeilen), stellen, stellungnahmen, abgelehnt, projekte)


__all__ = ["AUSSTEHEND", "Befunde", "EINSTELLUNG_NAME", "EINSTELLUNG_REFERAT", "EINSTELLUNG_RESSORTS", "Eingang",
           "FEHLT", "Finanzen", "HaushaltsstelleZeile", "Meilensteine", "PaketZeile", "ProjektZeile", "RECHTZEITIG",
           "Reifegrade", "RessortZeile", "StellungnahmeZeile", "Uebersicht", "VERSPAETET", "eingang", "frist", "pakete",
           "summe", "uebersicht"]
