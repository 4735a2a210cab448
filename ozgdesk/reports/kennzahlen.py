"""The figures every document shares: Mittelabfluss against plan, person-days, milestone counts.

Computed once here from the snapshot so the PDF, the XLSX, the JSON and the validation can never
disagree. All money stays integer cents.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ozgdesk.model.values import Finanzierung, Halbjahr, MeilensteinStatus, Quartal
from ozgdesk.reports.snapshot import MeilensteinDaten, PlanFassung, PlanPosition, ProjektDaten

#: A deviation from the Zahlungsplan above this share of the plan needs a reason.
WESENTLICHE_ABWEICHUNG = Decimal("0.10")


def hat_finanzbericht(p: ProjektDaten) -> bool:
    """Fully funded projects report Mittelabfluss against the Zahlungsplan (domain.md)."""
    return p.finanzierung is Finanzierung.VOLL


def hat_aufwandsbericht(p: ProjektDaten) -> bool:
    return p.finanzierung is Finanzierung.UNTERSTUETZUNG


@dataclass(frozen=True)
class Finanzzeile:
    """Plan and actual for a quarter, cumulated for its year and for the whole project so far."""

    haushaltsstelle: str
    plan_quartal: int
    ist_quartal: int
    plan_jahr: int
    ist_jahr: int
    plan_gesamt: int
    ist_gesamt: int

    @property
    def abweichung_quartal(self) -> int:
        return self.ist_quartal - self.plan_quartal

    @property
    def abweichung_gesamt(self) -> int:
        return self.ist_gesamt - self.plan_gesamt


def wesentlich(plan: int, ist: int) -> bool:
    if plan == 0:
        return ist != 0
    return Decimal(abs(ist - plan)) > WESENTLICHE_ABWEICHUNG * Decimal(plan)


def _zeile(hhst: str, plan: list[tuple[Quartal, int]], ist: list[tuple[date, int]], q: Quartal) -> Finanzzeile:
    # Period bounds once per row, compared as plain (year, number) tuples and dates: Quartal's
    # properties build new validated objects on every access, which dominated the Ressort report.
    qt = (q.jahr, q.nummer)
    jahresbeginn_t, jahresbeginn, q_beginn, q_ende = (q.jahr, 1), date(q.jahr, 1, 1), q.beginn, q.ende
    plan_t = [((pq.jahr, pq.nummer), b) for pq, b in plan]
    return Finanzzeile(
        haushaltsstelle=hhst,
        plan_quartal=sum(b for pq, b in plan_t if pq == qt),
        ist_quartal=sum(b for d, b in ist if q_beginn <= d <= q_ende),
        plan_jahr=sum(b for pq, b in plan_t if jahresbeginn_t <= pq <= qt),
        ist_jahr=sum(b for d, b in ist if jahresbeginn <= d <= q_ende),
        plan_gesamt=sum(b for pq, b in plan_t if pq <= qt),
        ist_gesamt=sum(b for d, b in ist if d <= q_ende),
    )


@dataclass(frozen=True)
class PlanInKraft:
    """The Zahlungsplan version a quarter is measured against, and what the report must say about it.

    The version in force at the end of the quarter is the newest one dated on or before that day.
    The report's Stand does not move it: a Q3 report written in January measures against the same
    plan as one written in October, and a revision made after the quarter (a plan „corrected“ to the
    actual spend) is named as such, never used. Only when no version existed yet at the quarter's
    end (the plan was drawn up late) is the first version used, marked ``nachtraeglich``.
    """

    fassung: PlanFassung
    nachtraeglich: bool
    spaetere: tuple[PlanFassung, ...]

    @property
    def text(self) -> str:
        """„Fassung 2 vom 28.09.2026“ plus what was not used, for every document that prints figures."""
        from ozgdesk.reports.format import datum

        t = f"Fassung {self.fassung.version} vom {datum(self.fassung.stand)}"
        if self.nachtraeglich:
            t += " (erst nach Quartalsende erstellt; zum Quartalsende galt noch keine Fassung)"
        neuere = [f for f in self.spaetere if f.version > self.fassung.version]
        if neuere:
            t += "; nicht berücksichtigt (nach Quartalsende): " + ", ".join(
                f"Fassung {f.version} vom {datum(f.stand)}" for f in neuere)
        return t


def plan_in_kraft(p: ProjektDaten, q: Quartal) -> PlanInKraft | None:
    """The Zahlungsplan version in force at the end of ``q`` (see :class:`PlanInKraft`); None without a plan."""
    if not p.fassungen:
        return None
    ende = q.ende
    gueltig = [f for f in p.fassungen if f.stand <= ende]
    spaetere = tuple(f for f in p.fassungen if f.stand > ende)
    if gueltig:
        return PlanInKraft(gueltig[-1], False, spaetere)
    return PlanInKraft(p.fassungen[0], True, spaetere)


def plan_positionen(p: ProjektDaten, q: Quartal) -> tuple[PlanPosition, ...]:
    """The plan lines ``q`` is measured against (the version in force at its end)."""
    if not p.fassungen:  # a snapshot built by hand (tests, older callers): its one plan
        return p.plan
    k = plan_in_kraft(p, q)
    return k.fassung.positionen if k else ()


def finanzen(p: ProjektDaten, q: Quartal) -> tuple[Finanzzeile, list[Finanzzeile]]:
    """Project total and one row per Haushaltsstelle (sorted) for quarter ``q``, measured against
    the Zahlungsplan version in force at the end of ``q``."""
    positionen = plan_positionen(p, q)
    plan = [(x.quartal, x.betrag_cent) for x in positionen]
    ist = [(z.datum, z.betrag_cent) for z in p.zahlungen]
    gesamt = _zeile("", plan, ist, q)
    stellen = sorted({x.haushaltsstelle for x in positionen} | {z.haushaltsstelle for z in p.zahlungen})
    if len(stellen) == 1:  # the common case: the project total is the only Haushaltsstelle's row
        return gesamt, [dataclasses.replace(gesamt, haushaltsstelle=stellen[0])]
    zeilen = [
        _zeile(h, [(x.quartal, x.betrag_cent) for x in positionen if x.haushaltsstelle == h],
               [(z.datum, z.betrag_cent) for z in p.zahlungen if z.haushaltsstelle == h], q)
        for h in stellen
    ]
    return gesamt, zeilen


def summe(zeilen: list[Finanzzeile], hhst: str = "") -> Finanzzeile:
    return Finanzzeile(hhst, *(sum(getattr(z, f) for z in zeilen) for f in
                               ("plan_quartal", "ist_quartal", "plan_jahr", "ist_jahr", "plan_gesamt", "ist_gesamt")))


def bewilligt(p: ProjektDaten, jahr: int | None = None) -> int:
    return sum(b.betrag_cent for b in p.bewilligungen if jahr is None or b.jahr == jahr)


def kumulierte_reihe(projekte: list[ProjektDaten], q: Quartal) -> tuple[list[Quartal], list[int], list[int | None]]:
    """Quarters from the first plan to the last, cumulative plan, cumulative actual up to ``q``."""
    plan_je: Counter[Quartal] = Counter()
    ist_je: Counter[Quartal] = Counter()
    quartal_von: dict[tuple[int, int], Quartal] = {}  # one validated Quartal per quarter, not per payment
    for p in projekte:
        for x in plan_positionen(p, q):
            plan_je[x.quartal] += x.betrag_cent
        for z in p.zahlungen:
            schluessel = (z.datum.year, (z.datum.month - 1) // 3 + 1)
            k = quartal_von.get(schluessel)
            if k is None:
                k = quartal_von[schluessel] = Quartal(*schluessel)
            ist_je[k] += z.betrag_cent
    alle = set(plan_je) | set(ist_je)
    if not alle:
        return [], [], []
    quartale, k, letztes = [], min(alle), max(alle)
    while k <= letztes:
        quartale.append(k)
        k = k.folgendes()
    plan_kum, ist_kum, a, b = [], [], 0, 0
    for k in quartale:
        a += plan_je[k]
        b += ist_je[k]
        plan_kum.append(a)
        ist_kum.append(b if k <= q else None)
    return quartale, plan_kum, ist_kum


@dataclass(frozen=True)
class AufwandQuartal:
    pt_quartal: Decimal
    pt_kumuliert: Decimal
    pt_bewilligt: Decimal
    leistungen: str


def aufwand(p: ProjektDaten, q: Quartal) -> AufwandQuartal:
    im_quartal = [a for a in p.aufwand if a.quartal == q]
    return AufwandQuartal(
        pt_quartal=sum((a.personentage for a in im_quartal), Decimal(0)),
        pt_kumuliert=sum((a.personentage for a in p.aufwand if a.quartal <= q), Decimal(0)),
        pt_bewilligt=sum((b.personentage or Decimal(0) for b in p.bewilligungen), Decimal(0)),
        leistungen="\n".join(f"{a.leistungsart}: {a.leistungen}" if a.leistungen else a.leistungsart for a in im_quartal),
    )


# ------------------------------------------------------------------------------------------ milestones
def status_text(m: MeilensteinDaten, stand: date) -> str:
    """The status a controller reads: reached (on time/late), open, overdue, at risk, dropped."""
    if m.status is MeilensteinStatus.ERREICHT:
        if m.plan_datum and m.ist_datum and m.ist_datum > m.plan_datum:
            return "verspätet erreicht"
        return "erreicht"
    if m.status is MeilensteinStatus.ENTFALLEN:
        return "entfallen"
    if m.status is MeilensteinStatus.GEFAEHRDET:
        return "gefährdet"
    termin = m.prognose_datum or m.plan_datum
    if termin and termin < stand:
        return "überfällig"
    return "offen"


STATUS_REIHENFOLGE = ("erreicht", "verspätet erreicht", "offen", "überfällig", "gefährdet", "entfallen")


@dataclass(frozen=True)
class MeilensteinBilanz:
    """Milestones of a project due in a period (by plan date), and what became of them."""

    faellig: int
    termingerecht: int
    verspaetet: int
    ueberfaellig: int
    verschoben: int
    verschiebungen: int
    verschiebung_tage: int
    gefaehrdet: int


def bilanz(p: ProjektDaten, beginn: date, ende: date, stand: date) -> MeilensteinBilanz:
    im = [m for m in p.meilensteine if m.status is not MeilensteinStatus.ENTFALLEN
          and ((m.plan_datum and beginn <= m.plan_datum <= ende) or (m.prognose_datum and beginn <= m.prognose_datum <= ende))]
    faellig = [m for m in im if m.plan_datum and beginn <= m.plan_datum <= ende]
    texte = {m.id: status_text(m, stand) for m in im}
    return MeilensteinBilanz(
        faellig=len(faellig),
        termingerecht=sum(1 for m in faellig if texte[m.id] == "erreicht"),
        verspaetet=sum(1 for m in im if texte[m.id] == "verspätet erreicht"),
        ueberfaellig=sum(1 for m in im if texte[m.id] == "überfällig"),
        verschoben=sum(1 for m in im if m.verschiebungen),
        verschiebungen=sum(len(m.verschiebungen) for m in im),
        verschiebung_tage=sum(max(0, m.verzug_tage) for m in im if m.verschiebungen),
        gefaehrdet=sum(1 for m in im if texte[m.id] == "gefährdet"),
    )


def bilanz_halbjahr(p: ProjektDaten, h: Halbjahr, stand: date) -> MeilensteinBilanz:
    return bilanz(p, h.beginn, h.ende, stand)


def bilanz_summe(bilanzen: list[MeilensteinBilanz]) -> MeilensteinBilanz:
    return MeilensteinBilanz(*(sum(getattr(b, f) for b in bilanzen) for f in MeilensteinBilanz.__dataclass_fields__))


def status_verteilung(projekte: list[ProjektDaten], stand: date) -> list[tuple[str, int]]:
    zaehler = Counter(status_text(m, stand) for p in projekte for m in p.meilensteine)
    return [(s, zaehler.get(s, 0)) for s in STATUS_REIHENFOLGE]
