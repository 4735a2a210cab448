"""Validation before a document becomes final: everything missing or inconsistent, in German.

Each finding names the record to fix (project Kennung, milestone title, quarter, OZG-ID), so the
coordinator can forward it to the right project lead. "Fehler" block a final document; "Hinweise"
are shown but do not block. Drafts can always be generated (watermarked "ENTWURF").

Findings are of two kinds, and the kind decides what the user can do:

* **gaps and rule violations** (a missing Projektleitung, a reason not given, a mittelbare Behörde
  without Erstattungsanspruch receiving programme money) must be fixed; ``feld`` names the field
  (as ``projekte setzen``/``leistungen setzen`` accept it) and ``ziel`` where the GUI opens it;
* **facts** the programme management must know (payments above the approval, a late milestone, a
  deviation whose reason is given) are true and cannot be „fixed“ without falsifying figures: they
  are acknowledged with a Stellungnahme for the period (``stellungnahme_moeglich``). An
  acknowledged error no longer blocks; it goes into the documents with its statement.

Every finding has a stable ``id`` (rule, record, sub-key, period): the same finding on another
device or a day later has the same id, so a statement stays attached to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ozgdesk.model.values import Ampel, Finanzierung, MeilensteinStatus, Quartal
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import datum, euro, pt
from ozgdesk.reports.snapshot import Bestand, ProjektDaten, StellungnahmeDaten

FEHLER = "Fehler"
HINWEIS = "Hinweis"

#: the form field of each traffic-light dimension's reason, by the name ``projekte setzen`` accepts
_AMPEL_GRUND = {"Gesamt": ("ampel_grund", "ampel_gesamt_grund"), "Zeit": ("ampel_zeit_grund", "ampel_zeit_grund"),
                "Kosten": ("ampel_kosten_grund", "ampel_kosten_grund"),
                "Umfang": ("ampel_umfang_grund", "ampel_umfang_grund")}


def befund_id(regel: str, datensatz: str, schluessel: str, zeitraum: str) -> str:
    """The stable id of a finding: the same rule on the same record and period gives the same id."""
    return hashlib.sha256(f"{regel}|{datensatz}|{schluessel}|{zeitraum}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Befund:
    schwere: str
    datensatz: str
    text: str
    #: The project (Kennung) or OZG-Leistung (OZG-ID) the finding belongs to, so callers filter and
    #: navigate by value instead of parsing the German ``datensatz`` text.
    projekt: str | None = None
    ozg_id: str | None = None
    #: the rule's code (stable, for scripts and the statement)
    regel: str = ""
    #: the field that fixes it, as ``projekte setzen``/``leistungen setzen`` name it (None: no single field)
    feld: str | None = None
    #: where the GUI opens it: a form attribute, "leistungen", "meilenstein:<id>", "bewilligung:<jahr>" …
    ziel: str | None = None
    #: a fact the BMDS must know: acknowledged with a Stellungnahme instead of fixed
    stellungnahme_moeglich: bool = False
    #: what distinguishes findings of one rule on one record (a year, a quarter, a Haushaltsstelle, a milestone)
    schluessel: str = ""
    #: the reporting period the finding was made for (``2026-Q3``)
    zeitraum: str = ""
    stellungnahme: StellungnahmeDaten | None = None

    @property
    def id(self) -> str:
        return befund_id(self.regel, self.projekt or self.ozg_id or self.datensatz, self.schluessel, self.zeitraum)

    @property
    def offen(self) -> bool:
        """Still to be done: not acknowledged with a statement."""
        return self.stellungnahme is None

    @property
    def blockiert(self) -> bool:
        """An open error: a final document waits for it."""
        return self.schwere == FEHLER and self.offen

    def __str__(self) -> str:
        return f"{self.schwere}: {self.datensatz}: {self.text}"


class _Sammler:
    """Collects the findings of one record; every rule says whether it is a gap or a fact."""

    def __init__(self, wo: str, zeitraum: str, projekt: str | None = None, ozg_id: str | None = None) -> None:
        self.wo, self.zeitraum, self.projekt, self.ozg_id = wo, zeitraum, projekt, ozg_id
        self.liste: list[Befund] = []

    def _neu(self, schwere: str, regel: str, text: str, *, feld: str | None, ziel: str | None, fakt: bool,
             schluessel: str, datensatz: str | None) -> None:
        self.liste.append(Befund(schwere, datensatz or self.wo, text, projekt=self.projekt, ozg_id=self.ozg_id,
                                 regel=regel, feld=feld, ziel=ziel, stellungnahme_moeglich=fakt,
                                 schluessel=schluessel, zeitraum=self.zeitraum))

    def luecke(self, regel: str, text: str, *, feld: str | None = None, ziel: str | None = None, hinweis: bool = False,
               schluessel: str = "", datensatz: str | None = None) -> None:
        """A gap or rule violation: must be fixed (``feld``/``ziel`` say where)."""
        self._neu(HINWEIS if hinweis else FEHLER, regel, text, feld=feld, ziel=ziel or feld, fakt=False,
                  schluessel=schluessel, datensatz=datensatz)

    def fakt(self, regel: str, text: str, *, ziel: str | None = None, hinweis: bool = False, schluessel: str = "",
             datensatz: str | None = None) -> None:
        """A true fact the BMDS must know: acknowledged with a Stellungnahme."""
        self._neu(HINWEIS if hinweis else FEHLER, regel, text, feld=None, ziel=ziel, fakt=True,
                  schluessel=schluessel, datensatz=datensatz)


def _projekt(p: ProjektDaten, q: Quartal, p_stand: date) -> list[Befund]:
    wo = f"Projekt {p.kennung}"
    b = _Sammler(wo, str(q), projekt=p.kennung)

    if p.projektleiter is None:
        b.luecke("projektleitung_fehlt", "Keine Projektleitung benannt.", feld="projektleiter", ziel="projektleiter_id")
    if p.behoerde is None:
        b.luecke("behoerde_fehlt", "Keine Behörde zugeordnet.", feld="behoerde", ziel="behoerde_id")
    if not (p.beginn and p.ende):
        feld = "beginn" if not p.beginn else "ende"
        b.luecke("laufzeit_fehlt", "Laufzeit (Beginn und Ende) fehlt.", feld=feld, ziel=feld)
    if not p.leistungen:
        b.luecke("leistung_fehlt", "Keine OZG-Leistung zugeordnet.", ziel="leistungen")
    for a in p.ampeln:
        if a.ampel is not Ampel.GRUEN and not a.grund.strip():
            feld, attribut = _AMPEL_GRUND[a.dimension]
            b.luecke("ampel_grund_fehlt", f"Ampel „{a.dimension}“ steht auf {a.ampel.label}, die Begründung fehlt.",
                     feld=feld, ziel=attribut, schluessel=a.dimension)
    if not p.risiken.strip():
        b.luecke("risiken_fehlen", "Keine Risiken angegeben.", feld="risiken", hinweis=True)
    if not p.naechste_schritte.strip():
        b.luecke("schritte_fehlen", "Keine nächsten Schritte angegeben.", feld="naechste_schritte", hinweis=True)
    for m in p.meilensteine:
        ms_wo = f"{wo}, Meilenstein „{m.titel}“"
        if m.plan_datum is None:
            b.luecke("meilenstein_ohne_plandatum", "Meilenstein ohne Plandatum.", ziel=f"meilenstein:{m.id}",
                     schluessel=m.id, datensatz=ms_wo)
        elif _ueberfaellig(m.status, m.prognose_datum or m.plan_datum, m.ist_datum, q, p_stand):
            termin = m.prognose_datum or m.plan_datum
            b.fakt("meilenstein_ueberfaellig",
                   f"Der Meilenstein ist überfällig (Termin {datum(termin)}, Plan {datum(m.plan_datum)}, "
                   "nicht erreicht).", ziel=f"meilenstein:{m.id}", hinweis=True, schluessel=m.id, datensatz=ms_wo)
    if not p.meilensteine:
        b.luecke("kein_meilenstein", "Kein Meilenstein geplant.", ziel="meilensteine")
    if p.finanzierung is not Finanzierung.EIGEN and "Verwaltungsportal Bund" not in p.komponenten \
            and not p.abweichungsbegruendung.strip():
        b.luecke("abweichung_vpb_unbegruendet", "Das Verwaltungsportal Bund wird nicht nachgenutzt und eine zwingende "
                 "Begründung der Abweichung fehlt.", feld="abweichungsbegruendung")
    if p.finanzierung is Finanzierung.VOLL and p.behoerde and p.behoerde.mittelbar and not p.behoerde.erstattungsanspruch:
        b.luecke("mittelbar_ohne_erstattung",
                 f"Die Behörde „{p.behoerde.name}“ gehört zur mittelbaren Bundesverwaltung und hat keinen "
                 "Erstattungsanspruch; sie kann keine Programmmittel erhalten (Vollfinanzierung nicht zulässig).",
                 feld="finanzierung")
    im_projekt = q in p.quartale
    if kz.hat_finanzbericht(p):
        _finanzen(b, p, q, p_stand, im_projekt)
    if kz.hat_aufwandsbericht(p):
        aufw = kz.aufwand(p, q)
        if aufw.pt_bewilligt == 0:
            b.luecke("keine_pt_bewilligt", "Es sind keine Personentage bewilligt.", ziel="bewilligungen")
        elif aufw.pt_kumuliert > aufw.pt_bewilligt:
            b.fakt("pt_ueber_bewilligung", f"Verbrauchte Personentage ({pt(aufw.pt_kumuliert)}) übersteigen die "
                   f"bewilligten ({pt(aufw.pt_bewilligt)}).", ziel="aufwand")
        if im_projekt and aufw.pt_quartal == Decimal(0):
            b.fakt("kein_aufwand_quartal", f"Für das Quartal {q.kurz} ist kein Aufwand erfasst.", ziel=f"aufwand:{q}",
                   hinweis=True, schluessel=str(q), datensatz=f"{wo}, Quartal {q.kurz}")
    return b.liste


def _ueberfaellig(status: MeilensteinStatus, termin: date | None, ist: date | None, q: Quartal, stand: date) -> bool:
    """Due by the end of the quarter, the day passed, and neither reached nor dropped."""
    if status in (MeilensteinStatus.ERREICHT, MeilensteinStatus.ENTFALLEN) or ist is not None or termin is None:
        return False
    return termin <= q.ende and termin < stand


def _finanzen(b: _Sammler, p: ProjektDaten, q: Quartal, p_stand: date, im_projekt: bool) -> None:
    wo = b.wo
    kraft = kz.plan_in_kraft(p, q)
    if kraft is None and not p.plan:
        b.luecke("kein_zahlungsplan", "Es gibt keinen Zahlungsplan.", ziel="zahlungsplan")
    else:
        positionen = kz.plan_positionen(p, q)
        if kraft is not None and kraft.nachtraeglich:
            b.fakt("plan_nachtraeglich", f"Zum Ende des Quartals {q.kurz} galt noch keine Fassung des Zahlungsplans; "
                   f"gemessen wird an {kraft.text}.", ziel="zahlungsplan", hinweis=True, schluessel=str(q))
        if im_projekt and not any(x.quartal == q for x in positionen):
            b.luecke("plan_quartal_fehlt", f"Für das Quartal {q.kurz} enthält der Zahlungsplan keinen Betrag.",
                     ziel=f"zahlungsplan:{q}", schluessel=str(q), datensatz=f"{wo}, Quartal {q.kurz}")
    g, zeilen = kz.finanzen(p, q)
    # Annual approvals bind the report year; earlier years are closed and count only in the total.
    ist, bew = g.ist_jahr, kz.bewilligt(p, q.jahr)
    if ist > bew:
        b.fakt("ueber_bewilligung_jahr", f"Die Zahlungen {q.jahr} bis {q.kurz} ({euro(ist)}) übersteigen die "
               f"Bewilligung {q.jahr} ({euro(bew)}) um {euro(ist - bew)}.", ziel=f"bewilligung:{q.jahr}",
               schluessel=str(q.jahr), datensatz=f"{wo}, Haushaltsjahr {q.jahr}")
    bew_ges = sum(x.betrag_cent for x in p.bewilligungen if x.jahr <= q.jahr)
    if g.ist_gesamt > bew_ges:
        b.fakt("ueber_bewilligung_gesamt", f"Die Zahlungen seit Projektbeginn ({euro(g.ist_gesamt)}) übersteigen die "
               f"Summe der Bewilligungen bis {q.jahr} ({euro(bew_ges)}) um {euro(g.ist_gesamt - bew_ges)}.",
               ziel="bewilligungen")
    # A quarter still running cannot deviate yet; only a finished quarter is measured.
    if q.ende >= p_stand:
        return
    grund = next(a for a in p.ampeln if a.dimension == "Kosten").grund.strip()
    messungen = [("", g)] + ([(z.haushaltsstelle, z) for z in zeilen] if len(zeilen) > 1 else [])
    for hhst, z in messungen:
        if not kz.wesentlich(z.plan_quartal, z.ist_quartal):
            continue
        wo_z = f"{wo}, Quartal {q.kurz}" + (f", Haushaltsstelle {hhst}" if hhst else "")
        anteil = f" ({_prozent(z.abweichung_quartal, z.plan_quartal)})" if z.plan_quartal else ""
        was = f"Der Mittelabfluss{' der Haushaltsstelle ' + hhst if hhst else ''} weicht im Quartal um " \
              f"{euro(z.abweichung_quartal)}{anteil} vom Zahlungsplan ab (Plan {euro(z.plan_quartal)}, " \
              f"Ist {euro(z.ist_quartal)})"
        regel = "abweichung_haushaltsstelle" if hhst else "abweichung_quartal"
        if grund:
            b.fakt(regel, f"{was}; Begründung: „{grund}“", ziel="ampel_kosten_grund", hinweis=True,
                   schluessel=hhst or str(q), datensatz=wo_z)
        else:
            b.luecke(regel + "_unbegruendet", f"{was}; die Begründung fehlt (Feld „Begründung Kosten“).",
                     feld="ampel_kosten_grund", schluessel=hhst or str(q), datensatz=wo_z)


def _prozent(abweichung: int, plan: int) -> str:
    wert = (Decimal(abweichung) * 100 / Decimal(plan)).quantize(Decimal("0.1"))
    return f"{'+' if wert > 0 else ''}{str(wert).replace('.', ',')} %"


def pruefen(bestand: Bestand, q: Quartal) -> list[Befund]:
    """All findings for the quarterly report ``q``: errors first, then hints, each sorted by record.

    A finding acknowledged with a Stellungnahme carries it (and no longer blocks); statements on a
    finding that cannot take one (a gap) are ignored: the gap must be fixed."""
    befunde: list[Befund] = []
    for p in bestand.projekte:
        befunde += _projekt(p, q, bestand.stand)
    for l in bestand.leistungen:
        b = _Sammler(f"OZG-Leistung {l.ozg_id} ({l.bezeichnung})", str(q), ozg_id=l.ozg_id)
        if l.behoerde is None:
            b.luecke("leistung_behoerde_fehlt", "Keine zuständige Behörde angegeben.", feld="behoerde")
        if not l.verantwortliche:
            b.luecke("leistung_projektleitung_fehlt", "Keine Projektleitung (Verantwortliche Person) benannt.",
                     feld="projektleiter")
        if l.reifegrad is None:
            b.luecke("reifegrad_fehlt", "Noch keine Reifegrad-Bewertung erfasst.", feld="reifegrad", hinweis=True)
        if l.geplant_online is None and not l.online:
            b.luecke("online_termin_fehlt", "Kein geplanter Online-Termin angegeben.", feld="geplant_online", hinweis=True)
        befunde += b.liste
    stellungnahmen = bestand.stellungnahmen
    if stellungnahmen:
        befunde = [dataclasses.replace(x, stellungnahme=stellungnahmen[x.id])
                   if x.stellungnahme_moeglich and x.id in stellungnahmen else x for x in befunde]
    return sorted(befunde, key=lambda x: (x.schwere != FEHLER, not x.offen, x.datensatz))


def fehler(befunde: list[Befund]) -> list[Befund]:
    """The findings that block a final document: errors without a statement."""
    return [b for b in befunde if b.blockiert]


def offene(befunde: list[Befund]) -> list[Befund]:
    """What is left to do: every finding not acknowledged with a statement."""
    return [b for b in befunde if b.offen]


def finden(befunde: list[Befund], id_: str) -> Befund | None:
    return next((b for b in befunde if b.id == id_.strip().lower()), None)
