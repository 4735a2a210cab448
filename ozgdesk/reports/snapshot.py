"""A frozen, Qt-free picture of the Ressort's data, read from the store in one go.

Every document is computed from this snapshot, never from live ORM objects: a session lives only
while the snapshot is read (one query per table, grouped in Python, so a Ressort with hundreds of
projects is read in a fraction of a second), and all documents of one submission see exactly the
same data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.abfragen import aktuelle_reifegrade
from ozgdesk.model.einrichtung import ressort_von
from ozgdesk.model.finanzen import Aufwand, Bewilligung, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung, Themenfeld
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.reifegrad import neueste_je_modell, roh
from ozgdesk.model.projekte import Arbeitspaket, Meilenstein, MeilensteinVerschiebung, Projekt, ProjektLeistung
from ozgdesk.model.stellungnahme import Stellungnahme
from ozgdesk.model.store import Store
from ozgdesk.model.uebersicht import RessortKopf
from ozgdesk.model.values import (
    Ampel,
    Finanzierung,
    Kostenart,
    MeilensteinStatus,
    Quartal,
    Reifegradmodell,
    Verwaltungsart,
)


@dataclass(frozen=True)
class BehoerdeDaten:
    id: str
    name: str
    kurzname: str
    mittelbar: bool
    erstattungsanspruch: bool

    @property
    def art_text(self) -> str:
        return "mittelbare Bundesverwaltung" if self.mittelbar else "unmittelbare Bundesverwaltung"


@dataclass(frozen=True)
class PersonDaten:
    name: str
    funktion: str
    referat: str
    email: str
    telefon: str


@dataclass(frozen=True)
class LeistungDaten:
    id: str
    ozg_id: str
    bezeichnung: str
    typ: str | None
    themenfeld: str
    behoerde: BehoerdeDaten | None
    prioritaet: int | None
    geplant_online: date | None
    reifegrad: int | None
    reifegrad_modell: str | None
    reifegrad_datum: date | None
    online: bool
    ziel_reifegrad: int | None
    verantwortliche: tuple[str, ...]
    projekte: tuple[str, ...] = ()
    #: the latest self-assessment in model 2.0 (levels 0–7), shown next to the 1.1 level that counts
    reifegrad_2_0: int | None = None
    reifegrad_2_0_datum: date | None = None

    @property
    def reifegrad_text(self) -> str:
        """The current level as the documents print it: "3 (Modell 1.1, 31.03.2026)", "–" if not assessed."""
        if self.reifegrad is None:
            return "–"
        am = f", {self.reifegrad_datum:%d.%m.%Y}" if self.reifegrad_datum else ""
        return f"{self.reifegrad} (Modell {self.reifegrad_modell}{am})"

    @property
    def reifegrad_2_0_text(self) -> str:
        """The latest 2.0 assessment: "5 (30.09.2026)", "–" if there is none."""
        if self.reifegrad_2_0 is None:
            return "–"
        return f"{self.reifegrad_2_0} ({self.reifegrad_2_0_datum:%d.%m.%Y})" if self.reifegrad_2_0_datum \
            else str(self.reifegrad_2_0)


@dataclass(frozen=True)
class VerschiebungDaten:
    erfasst_am: date
    von_datum: date
    auf_datum: date
    grund: str


@dataclass(frozen=True)
class MeilensteinDaten:
    id: str
    titel: str
    arbeitspaket: str
    plan_datum: date | None
    prognose_datum: date | None
    ist_datum: date | None
    status: MeilensteinStatus
    oeffentlich: bool
    bemerkung: str
    verschiebungen: tuple[VerschiebungDaten, ...]

    @property
    def verzug_tage(self) -> int:
        """Days the milestone moved against its plan (actual or forecast minus plan); 0 if unknown."""
        ziel = self.ist_datum or self.prognose_datum
        return (ziel - self.plan_datum).days if ziel and self.plan_datum else 0


@dataclass(frozen=True)
class PlanPosition:
    quartal: Quartal
    haushaltsstelle: str
    kostenart: str
    betrag_cent: int


@dataclass(frozen=True)
class PlanFassung:
    """One version of a project's Zahlungsplan with its date: a quarter is measured against the
    version in force at the quarter's end (:func:`ozgdesk.reports.kennzahlen.fassung`)."""

    version: int
    stand: date
    bemerkung: str
    positionen: tuple[PlanPosition, ...]


@dataclass(frozen=True)
class StellungnahmeDaten:
    """The newest statement on one finding (ozgdesk/model/stellungnahme.py)."""

    befund_id: str
    zeitraum: str
    text: str
    erstellt_von: str
    erstellt_am: datetime
    befund_text: str
    #: every statement record on this finding (a withdrawal removes them all)
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Zahlung:
    datum: date
    betrag_cent: int
    haushaltsstelle: str
    kostenart: str


@dataclass(frozen=True)
class BewilligungDaten:
    jahr: int
    betrag_cent: int
    personentage: Decimal | None


@dataclass(frozen=True)
class AufwandDaten:
    quartal: Quartal
    leistungsart: str
    personentage: Decimal
    leistungen: str


@dataclass(frozen=True)
class AmpelDaten:
    dimension: str
    ampel: Ampel
    grund: str


@dataclass(frozen=True)
class ProjektDaten:
    id: str
    kennung: str
    titel: str
    zweck: str
    ziele: str
    ergebnisse: str
    behoerde: BehoerdeDaten | None
    projektleiter: PersonDaten | None
    finanzierung: Finanzierung
    beratung_fachlich: bool
    beratung_architektur: bool
    umsetzung: bool
    komponenten: tuple[str, ...]
    abweichungsbegruendung: str
    beginn: date | None
    ende: date | None
    eigenpersonal_pt: Decimal | None
    aktenzeichen: str
    ampeln: tuple[AmpelDaten, ...]
    risiken: str
    naechste_schritte: str
    interne_bemerkung: str
    leistungen: tuple[LeistungDaten, ...]
    meilensteine: tuple[MeilensteinDaten, ...]
    zahlungsplan_version: int | None
    zahlungsplan_stand: date | None
    plan: tuple[PlanPosition, ...]
    zahlungen: tuple[Zahlung, ...]
    bewilligungen: tuple[BewilligungDaten, ...]
    aufwand: tuple[AufwandDaten, ...]
    #: every Zahlungsplan version, oldest first (``plan``/``zahlungsplan_version`` are the newest)
    fassungen: tuple[PlanFassung, ...] = ()

    @property
    def ampel(self) -> Ampel:
        return self.ampeln[0].ampel

    @property
    def quartale(self) -> list[Quartal]:
        """Quarters of the runtime (empty if begin or end is missing)."""
        if not (self.beginn and self.ende):
            return []
        q, letzte, liste = Quartal.von_datum(self.beginn), Quartal.von_datum(self.ende), []
        while q <= letzte:
            liste.append(q)
            q = q.folgendes()
        return liste


@dataclass(frozen=True)
class Bestand:
    """Everything the documents need, as plain frozen values."""

    ressort: RessortKopf
    stand: date
    projekte: tuple[ProjektDaten, ...]
    leistungen: tuple[LeistungDaten, ...]
    behoerden: tuple[BehoerdeDaten, ...] = field(default=())
    #: the newest statement per finding id, of every period
    stellungnahmen: dict[str, StellungnahmeDaten] = field(default_factory=dict)

    @property
    def letztes_quartal(self) -> Quartal:
        """The last quarter finished at ``stand``: documents without a quarter of their own (Anlage A,
        Steckbrief, Statusermittlung, monitoring) are checked against it."""
        return Quartal.von_datum(self.stand).vorheriges()

    def projekt(self, kennung: str) -> ProjektDaten:
        from ozgdesk.model.errors import Eingabefehler

        for p in self.projekte:
            if p.kennung.casefold() == kennung.strip().casefold():
                return p
        raise Eingabefehler(f"Ein Projekt mit der Kennung „{kennung}“ gibt es in diesem Ressort nicht.")


def _zahlungen(s: Session) -> dict[str, list[Zahlung]]:
    """All payments per project, oldest first, read as plain rows on the session's connection.

    A Ressort books up to a million payment lines; as ORM objects (type processing, identity map)
    they took most of a minute, as plain rows a second or two. The stored text is already the
    canonical form (``HaushaltsstelleTyp`` writes ``str(Haushaltsstelle)``, ``CodeTyp`` the code).
    """
    label = {k.value: k.label for k in Kostenart}
    zeilen: dict[str, list[tuple[str, int, str, str]]] = defaultdict(list)
    # unsorted: a table scan is a second, the ORDER BY over a million rows three more; each
    # project's few hundred lines are sorted below (ISO dates sort as text)
    for pid, datum, betrag, hhst, art in roh(s).execute(
            "SELECT projekt_id, datum, betrag_cent, haushaltsstelle, kostenart FROM mittelabfluss"):
        zeilen[pid].append((datum, betrag, hhst, art))
    vom_tag: dict[str, date] = {}
    zahlungen: dict[str, list[Zahlung]] = {}
    for pid, liste in zeilen.items():
        liste.sort(key=_erstes)
        zahlungen[pid] = [Zahlung(vom_tag.get(d) or vom_tag.setdefault(d, date.fromisoformat(d)), b, h, label[a])
                          for d, b, h, a in liste]
    return zahlungen


def _erstes(zeile: tuple[str, int, str, str]) -> str:
    return zeile[0]


def bestand_laden(store: Store, stand: date) -> Bestand:
    """Read the whole Ressort once; ``stand`` is the date the documents report as "Stand"."""
    with store.lesen() as s:
        r = ressort_von(s)
        ressort = RessortKopf(r.kurzname, r.name, r.koordinierungsreferat or "", r.empfaenger or "")
        behoerden = {
            b.id: BehoerdeDaten(b.id, b.name, b.kurzname or b.name, b.art is Verwaltungsart.MITTELBAR,
                                bool(b.erstattungsanspruch))
            for b in s.execute(select(Behoerde).order_by(Behoerde.name)).scalars()
        }
        personen = {p.id: PersonDaten(p.name, p.funktion, p.referat, p.email, p.telefon)
                    for p in s.execute(select(Person)).scalars()}
        themen = {t.id: t.name for t in s.execute(select(Themenfeld)).scalars()}
        verantwortlich: dict[str, list[str]] = defaultdict(list)
        for v in s.execute(select(LeistungVerantwortung)).scalars():
            if v.person_id in personen:
                verantwortlich[v.leistung_id].append(personen[v.person_id].name)
        reifegrad = aktuelle_reifegrade(s)
        reifegrad_2_0 = neueste_je_modell(roh(s), Reifegradmodell.V2_0)
        pl_paare = [(pl.projekt_id, pl.leistung_id) for pl in s.execute(select(ProjektLeistung)).scalars()]
        projekte_orm = list(s.execute(select(Projekt).order_by(Projekt.kennung)).scalars())
        kennung_von = {p.id: p.kennung for p in projekte_orm}
        projekte_je_leistung: dict[str, list[str]] = defaultdict(list)
        for pid, lid in pl_paare:
            projekte_je_leistung[lid].append(kennung_von[pid])
        relevante = {lid for _, lid in pl_paare}
        leistungen: dict[str, LeistungDaten] = {}
        for l in s.execute(select(Leistung).where(Leistung.im_ressort.is_(True) | Leistung.id.in_(relevante))
                           .order_by(Leistung.ozg_id)).scalars():
            rg = reifegrad.get(l.id)
            leistungen[l.id] = LeistungDaten(
                id=l.id, ozg_id=l.ozg_id, bezeichnung=l.bezeichnung, typ=l.typ, themenfeld=themen.get(l.themenfeld_id, ""),
                behoerde=behoerden.get(l.behoerde_id or ""), prioritaet=l.prioritaet, geplant_online=l.geplant_online,
                reifegrad=rg.stufe if rg else None, reifegrad_modell=rg.modell.value if rg else None,
                reifegrad_datum=rg.datum if rg else None,
                online=bool(rg and rg.online),
                ziel_reifegrad=l.ziel_reifegrad, verantwortliche=tuple(sorted(verantwortlich.get(l.id, ()))),
                projekte=tuple(sorted(projekte_je_leistung.get(l.id, ()))),
                reifegrad_2_0=reifegrad_2_0[l.id].stufe if l.id in reifegrad_2_0 else None,
                reifegrad_2_0_datum=reifegrad_2_0[l.id].datum if l.id in reifegrad_2_0 else None,
            )
        leistungen_je_projekt: dict[str, list[LeistungDaten]] = defaultdict(list)
        for pid, lid in pl_paare:
            if lid in leistungen:
                leistungen_je_projekt[pid].append(leistungen[lid])

        aps = {a.id: f"{a.nummer} {a.titel}" for a in s.execute(select(Arbeitspaket)).scalars()}
        verschiebungen: dict[str, list[VerschiebungDaten]] = defaultdict(list)
        for vs in s.execute(select(MeilensteinVerschiebung).order_by(MeilensteinVerschiebung.nummer,
                                                                      MeilensteinVerschiebung.erfasst_am)).scalars():
            verschiebungen[vs.meilenstein_id].append(VerschiebungDaten(vs.erfasst_am, vs.von_datum, vs.auf_datum,
                                                                       vs.grund))
        meilensteine: dict[str, list[MeilensteinDaten]] = defaultdict(list)
        for m in s.execute(select(Meilenstein).order_by(Meilenstein.plan_datum, Meilenstein.titel)).scalars():
            meilensteine[m.projekt_id].append(MeilensteinDaten(
                id=m.id, titel=m.titel, arbeitspaket=aps.get(m.arbeitspaket_id or "", ""), plan_datum=m.plan_datum,
                prognose_datum=m.prognose_datum, ist_datum=m.ist_datum, status=m.status, oeffentlich=bool(m.oeffentlich),
                bemerkung=m.bemerkung or "", verschiebungen=tuple(verschiebungen.get(m.id, ())),
            ))
        # Every version: a quarter is measured against the one in force at its end, documents
        # without a quarter (Antrag, Steckbrief) show the newest.
        fassung_von: dict[str, tuple[str, int, date, str]] = {}
        for zp in s.execute(select(Zahlungsplan).order_by(Zahlungsplan.version)).scalars():
            fassung_von[zp.id] = (zp.projekt_id, zp.version, zp.stand, zp.bemerkung or "")
        positionen: dict[str, list[PlanPosition]] = defaultdict(list)
        for pos in s.execute(select(ZahlungsplanPosition)
                             .order_by(ZahlungsplanPosition.quartal, ZahlungsplanPosition.haushaltsstelle)).scalars():
            if pos.zahlungsplan_id in fassung_von:
                positionen[pos.zahlungsplan_id].append(
                    PlanPosition(pos.quartal, str(pos.haushaltsstelle), pos.kostenart.label, pos.betrag_cent))
        fassungen: dict[str, list[PlanFassung]] = defaultdict(list)
        for zid, (pid, version, zp_stand, bemerkung) in fassung_von.items():
            fassungen[pid].append(PlanFassung(version, zp_stand, bemerkung, tuple(positionen.get(zid, ()))))
        stellungnahmen: dict[str, StellungnahmeDaten] = {}
        for st in s.execute(select(Stellungnahme).order_by(Stellungnahme.erstellt_am, Stellungnahme.id)).scalars():
            frueher = stellungnahmen.get(st.befund_id)
            stellungnahmen[st.befund_id] = StellungnahmeDaten(st.befund_id, st.zeitraum, st.text, st.erstellt_von,
                                                              st.erstellt_am, st.befund_text,
                                                              (frueher.ids if frueher else ()) + (st.id,))
        zahlungen = _zahlungen(s)
        bewilligungen: dict[str, list[BewilligungDaten]] = defaultdict(list)
        for b in s.execute(select(Bewilligung).order_by(Bewilligung.jahr)).scalars():
            bewilligungen[b.projekt_id].append(BewilligungDaten(b.jahr, b.betrag_cent or 0, b.personentage))
        aufwand: dict[str, list[AufwandDaten]] = defaultdict(list)
        for a in s.execute(select(Aufwand).order_by(Aufwand.quartal, Aufwand.leistungsart)).scalars():
            aufwand[a.projekt_id].append(AufwandDaten(a.quartal, a.leistungsart, a.personentage, a.leistungen or ""))

        projekte = []
        for p in projekte_orm:
            alle = fassungen.get(p.id, [])
            aktueller_plan = alle[-1] if alle else None
            projekte.append(ProjektDaten(
                id=p.id, kennung=p.kennung, titel=p.titel, zweck=p.zweck or "", ziele=p.ziele or "",
                ergebnisse=p.ergebnisse or "", behoerde=behoerden.get(p.behoerde_id or ""),
                projektleiter=personen.get(p.projektleiter_id or ""), finanzierung=p.finanzierung,
                beratung_fachlich=bool(p.beratung_fachlich), beratung_architektur=bool(p.beratung_architektur),
                umsetzung=bool(p.umsetzung), komponenten=tuple(k.label for k in p.komponenten_liste),
                abweichungsbegruendung=p.abweichungsbegruendung or "", beginn=p.beginn, ende=p.ende,
                eigenpersonal_pt=p.eigenpersonal_pt, aktenzeichen=p.aktenzeichen or "",
                ampeln=(
                    AmpelDaten("Gesamt", p.ampel_gesamt, p.ampel_gesamt_grund or ""),
                    AmpelDaten("Zeit", p.ampel_zeit, p.ampel_zeit_grund or ""),
                    AmpelDaten("Kosten", p.ampel_kosten, p.ampel_kosten_grund or ""),
                    AmpelDaten("Umfang", p.ampel_umfang, p.ampel_umfang_grund or ""),
                ),
                risiken=p.risiken or "", naechste_schritte=p.naechste_schritte or "",
                interne_bemerkung=p.interne_bemerkung or "",
                leistungen=tuple(sorted(leistungen_je_projekt.get(p.id, ()), key=lambda l: l.ozg_id)),
                meilensteine=tuple(meilensteine.get(p.id, ())),
                zahlungsplan_version=aktueller_plan.version if aktueller_plan else None,
                zahlungsplan_stand=aktueller_plan.stand if aktueller_plan else None,
                plan=aktueller_plan.positionen if aktueller_plan else (), zahlungen=tuple(zahlungen.get(p.id, ())),
                bewilligungen=tuple(bewilligungen.get(p.id, ())), aufwand=tuple(aufwand.get(p.id, ())),
                fassungen=tuple(alle),
            ))
        return Bestand(ressort=ressort, stand=stand, projekte=tuple(projekte),
                       leistungen=tuple(l for l in leistungen.values()), behoerden=tuple(behoerden.values()),
                       stellungnahmen=stellungnahmen)
