"""Validation before a document becomes final: everything missing or inconsistent, in German.

Each finding names the record to fix (project Kennung, milestone title, quarter, OZG-ID), so the
coordinator can forward it to the right project lead. "Fehler" block a final document; "Hinweise"
are shown but do not block. Drafts can always be generated (watermarked "ENTWURF").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ozgdesk.model.values import Ampel, Finanzierung, Quartal
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import euro, pt
from ozgdesk.reports.snapshot import Bestand, ProjektDaten

FEHLER = "Fehler"
HINWEIS = "Hinweis"


@dataclass(frozen=True)
class Befund:
    schwere: str
    datensatz: str
    text: str
    #: The project (Kennung) or OZG-Leistung (OZG-ID) the finding belongs to, so callers filter and
    #: navigate by value instead of parsing the German ``datensatz`` text.
    projekt: str | None = None
    ozg_id: str | None = None

    def __str__(self) -> str:
        return f"{self.schwere}: {self.datensatz}: {self.text}"


def _projekt(p: ProjektDaten, q: Quartal, p_stand: date) -> list[Befund]:
    wo = f"Projekt {p.kennung}"
    b: list[Befund] = []

    def fehler(text: str, datensatz: str = wo) -> None:
        b.append(Befund(FEHLER, datensatz, text, projekt=p.kennung))

    def hinweis(text: str, datensatz: str = wo) -> None:
        b.append(Befund(HINWEIS, datensatz, text, projekt=p.kennung))

    if p.projektleiter is None:
        fehler("Keine Projektleitung benannt.")
    if p.behoerde is None:
        fehler("Keine Behörde zugeordnet.")
    if not (p.beginn and p.ende):
        fehler("Laufzeit (Beginn und Ende) fehlt.")
    if not p.leistungen:
        fehler("Keine OZG-Leistung zugeordnet.")
    for a in p.ampeln:
        if a.ampel is not Ampel.GRUEN and not a.grund.strip():
            fehler(f"Ampel „{a.dimension}“ steht auf {a.ampel.label}, die Begründung fehlt.")
    if not p.risiken.strip():
        hinweis("Keine Risiken angegeben.")
    if not p.naechste_schritte.strip():
        hinweis("Keine nächsten Schritte angegeben.")
    for m in p.meilensteine:
        if m.plan_datum is None:
            fehler("Meilenstein ohne Plandatum.", f"{wo}, Meilenstein „{m.titel}“")
    if not p.meilensteine:
        fehler("Kein Meilenstein geplant.")
    if p.finanzierung is not Finanzierung.EIGEN and "Verwaltungsportal Bund" not in p.komponenten \
            and not p.abweichungsbegruendung.strip():
        fehler("Das Verwaltungsportal Bund wird nicht nachgenutzt und eine zwingende Begründung der Abweichung fehlt.")
    if p.finanzierung is Finanzierung.VOLL and p.behoerde and p.behoerde.mittelbar and not p.behoerde.erstattungsanspruch:
        fehler(f"Die Behörde „{p.behoerde.name}“ gehört zur mittelbaren Bundesverwaltung und hat keinen "
               "Erstattungsanspruch; sie kann keine Programmmittel erhalten (Vollfinanzierung nicht zulässig).")
    im_projekt = q in p.quartale
    if kz.hat_finanzbericht(p):
        if p.zahlungsplan_version is None:
            fehler("Es gibt keinen Zahlungsplan.")
        elif im_projekt and not any(x.quartal == q for x in p.plan):
            fehler(f"Für das Quartal {q.kurz} enthält der Zahlungsplan keinen Betrag.", f"{wo}, Quartal {q.kurz}")
        g, _ = kz.finanzen(p, q)
        # Annual approvals bind the report year; earlier years are closed and count only in the total.
        ist, bew = g.ist_jahr, kz.bewilligt(p, q.jahr)
        if ist > bew:
            fehler(f"Die Zahlungen {q.jahr} bis {q.kurz} ({euro(ist)}) übersteigen die Bewilligung {q.jahr} "
                   f"({euro(bew)}) um {euro(ist - bew)}.", f"{wo}, Haushaltsjahr {q.jahr}")
        ist_ges = g.ist_gesamt
        bew_ges = sum(x.betrag_cent for x in p.bewilligungen if x.jahr <= q.jahr)
        if ist_ges > bew_ges:
            fehler(f"Die Zahlungen seit Projektbeginn ({euro(ist_ges)}) übersteigen die Summe der "
                   f"Bewilligungen bis {q.jahr} ({euro(bew_ges)}) um {euro(ist_ges - bew_ges)}.")
        kosten = next(a for a in p.ampeln if a.dimension == "Kosten")
        # A quarter still running cannot deviate yet; only a finished quarter is measured.
        if q.ende < p_stand and kz.wesentlich(g.plan_quartal, g.ist_quartal) and not kosten.grund.strip():
            fehler(f"Der Mittelabfluss weicht im Quartal um {euro(g.abweichung_quartal)} vom Zahlungsplan ab "
                   f"(Plan {euro(g.plan_quartal)}, Ist {euro(g.ist_quartal)}); die Begründung fehlt "
                   "(Feld „Begründung Kosten“).", f"{wo}, Quartal {q.kurz}")
    if kz.hat_aufwandsbericht(p):
        aufw = kz.aufwand(p, q)
        if aufw.pt_bewilligt == 0:
            fehler("Es sind keine Personentage bewilligt.")
        elif aufw.pt_kumuliert > aufw.pt_bewilligt:
            fehler(f"Verbrauchte Personentage ({pt(aufw.pt_kumuliert)}) übersteigen die bewilligten ({pt(aufw.pt_bewilligt)}).")
        if im_projekt and aufw.pt_quartal == Decimal(0):
            hinweis(f"Für das Quartal {q.kurz} ist kein Aufwand erfasst.", f"{wo}, Quartal {q.kurz}")
    return b


def pruefen(bestand: Bestand, q: Quartal) -> list[Befund]:
    """All findings for the quarterly report ``q``: errors first, then hints, each sorted by record."""
    befunde: list[Befund] = []
    for p in bestand.projekte:
        befunde += _projekt(p, q, bestand.stand)
    for l in bestand.leistungen:
        wo = f"OZG-Leistung {l.ozg_id} ({l.bezeichnung})"
        if l.behoerde is None:
            befunde.append(Befund(FEHLER, wo, "Keine zuständige Behörde angegeben.", ozg_id=l.ozg_id))
        if not l.verantwortliche:
            befunde.append(Befund(FEHLER, wo, "Keine Projektleitung (Verantwortliche Person) benannt.", ozg_id=l.ozg_id))
        if l.reifegrad is None:
            befunde.append(Befund(HINWEIS, wo, "Noch keine Reifegrad-Bewertung erfasst.", ozg_id=l.ozg_id))
        if l.geplant_online is None and not l.online:
            befunde.append(Befund(HINWEIS, wo, "Kein geplanter Online-Termin angegeben.", ozg_id=l.ozg_id))
    return sorted(befunde, key=lambda x: (x.schwere != FEHLER, x.datensatz))


def fehler(befunde: list[Befund]) -> list[Befund]:
    return [b for b in befunde if b.schwere == FEHLER]
