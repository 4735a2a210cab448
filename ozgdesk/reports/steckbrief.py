"""Projektsteckbrief: one page per project.

The content is shrunk to fit if a project has unusually long texts (``KeepInFrame``), so the
Steckbrief is always exactly one page — that is its whole point.
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepInFrame

from ozgdesk.model.values import MeilensteinStatus
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import datum, euro, prozent, pt
from ozgdesk.reports.layout import (
    RAND_OBEN,
    RAND_UNTEN,
    SATZBREITE,
    Kopf,
    Sp,
    absatz,
    ampel_zelle,
    h2,
    pdf_erzeugen,
    schluessel_werte,
    tabelle,
    titel,
)
from ozgdesk.reports.snapshot import Bestand, ProjektDaten
from collections.abc import Sequence
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.xlsx import Arbeitsmappe, Spalte, angaben, befunde_des_dokuments

TITEL = "Projektsteckbrief"


def _kennzahlen(p: ProjektDaten) -> list[tuple[str, object]]:
    if kz.hat_finanzbericht(p) or p.zahlungen:
        ist = sum(z.betrag_cent for z in p.zahlungen)
        plan = sum(x.betrag_cent for x in p.plan)
        return [("Zahlungsplan gesamt", f"{euro(plan)} (Fassung {p.zahlungsplan_version or '–'})"),
                ("Bewilligt", euro(kz.bewilligt(p))),
                ("Mittelabfluss bisher", f"{euro(ist)} ({prozent(ist, plan)} des Plans)")]
    if kz.hat_aufwandsbericht(p):
        genutzt = sum((a.personentage for a in p.aufwand), Decimal(0))
        bewilligt = sum((b.personentage or Decimal(0) for b in p.bewilligungen), Decimal(0))
        return [("Personentage bewilligt", pt(bewilligt)), ("Personentage genutzt", f"{pt(genutzt)} ({prozent(genutzt, bewilligt)})")]
    return []


def inhalt(b: Bestand, p: ProjektDaten) -> list[Flowable]:
    teile: list[Flowable] = titel(p.titel, f"{p.kennung} · {p.behoerde.name if p.behoerde else '–'}")
    teile.append(schluessel_werte([
        ("Projektleitung", p.projektleiter.name if p.projektleiter else "–"),
        ("Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"),
        ("Finanzierung", p.finanzierung.label),
        ("Status", ampel_zelle(p.ampel)),
        ("Zweck", p.zweck or "–"),
        ("Nachgenutzte Komponenten", ", ".join(p.komponenten) or "keine"),
        *_kennzahlen(p),
    ]))
    teile.append(h2("OZG-Leistungen"))
    teile.append(tabelle([Sp("OZG-ID", 0.8), Sp("OZG-Leistung", 4), Sp("aktuell", 1.2, True), Sp("Ziel", 0.6, True),
                          Sp("online", 0.7)],
                         [[l.ozg_id, l.bezeichnung, l.reifegrad_text,
                           "–" if l.ziel_reifegrad is None else str(l.ziel_reifegrad), "ja" if l.online else "nein"]
                          for l in p.leistungen]))
    teile.append(h2("Meilensteine"))
    teile.append(tabelle([Sp("Meilenstein", 4), Sp("Plan", 1, True), Sp("Termin", 1, True), Sp("Status", 1.4)],
                         [[m.titel, datum(m.plan_datum), datum(m.ist_datum or m.prognose_datum or m.plan_datum),
                           kz.status_text(m, b.stand)] for m in p.meilensteine if m.status is not MeilensteinStatus.ENTFALLEN]))
    teile.append(h2("Risiken"))
    teile.append(absatz(p.risiken or "–"))
    teile.append(h2("Nächste Schritte"))
    teile.append(absatz(p.naechste_schritte or "–"))
    return teile


def pdf(b: Bestand, p: ProjektDaten, *, kennzeichnung: str = "", entwurf: bool = False) -> bytes:
    hoehe = A4[1] - RAND_OBEN - RAND_UNTEN - 2
    rahmen = KeepInFrame(SATZBREITE, hoehe, inhalt(b, p), mode="shrink")
    kopf = Kopf(b.ressort.name, b.ressort.referat, TITEL, p.kennung, b.stand, aktenzeichen=p.aktenzeichen,
                kennzeichnung=kennzeichnung, entwurf=entwurf, betreff=f"Projektsteckbrief {p.kennung}: {p.titel}")
    return pdf_erzeugen(kopf, [rahmen])


def xlsx(b: Bestand, p: ProjektDaten, *, kennzeichnung: str = "", entwurf: bool = False,
         befunde: Sequence[Befund] | None = None) -> bytes:
    """``befunde``: the findings the caller decided draft or final by (counted on the sheet „Dokument“)."""
    am = Arbeitsmappe(angaben(b, TITEL, kennzeichnung=kennzeichnung, entwurf=entwurf, projekte=[p],
                              aktenzeichen=p.aktenzeichen, befunde=befunde_des_dokuments(b, befunde, [p]),
                              pruefung=b.letztes_quartal))
    am.blatt("Steckbrief", [Spalte("Angabe", breite=28), Spalte("Wert", breite=80)],
             [["Kennung", p.kennung], ["Titel", p.titel], ["Behörde", p.behoerde.name if p.behoerde else ""],
              ["Projektleitung", p.projektleiter.name if p.projektleiter else ""],
              ["Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"], ["Finanzierung", p.finanzierung.label],
              ["Status", p.ampel.label], ["Zweck", p.zweck],
              ["Nachgenutzte Komponenten", ", ".join(p.komponenten)],
              *[[k, str(v)] for k, v in _kennzahlen(p)], ["Risiken", p.risiken], ["Nächste Schritte", p.naechste_schritte]],
             summenzeile=False)
    am.blatt("Meilensteine", [Spalte("Meilenstein", breite=45), Spalte("Plan", "datum", 11), Spalte("Prognose", "datum", 11),
                              Spalte("Ist", "datum", 11), Spalte("Status", breite=18)],
             [[m.titel, m.plan_datum, m.prognose_datum, m.ist_datum, kz.status_text(m, b.stand)] for m in p.meilensteine],
             summenzeile=False)
    return am.bytes()
