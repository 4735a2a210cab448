"""Projektsteckbrief: one page per project.

Always exactly one page – that is its whole point – and never in smaller type than the other
documents (shrinking the page to fit made 60 milestones print at 2 pt). What does not fit is cut,
and the cut says where the rest is: the milestone list keeps the open milestones (next due first)
and then the latest reached ones and ends with „… und N weitere (siehe Meilenstein-Monitoring)“;
the OZG-Leistungen end with „… (siehe Statusermittlung)“; long texts (Zweck, Risiken, nächste
Schritte) end with „…“ and their reference. :func:`pdf` tries the mildest cut first (:data:`STUFEN`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable
from reportlab.platypus.flowables import _listWrapOn  # type: ignore[attr-defined]  # not in the stubs

from ozgdesk.model.values import MeilensteinStatus
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import datum, euro, prozent, pt
from ozgdesk.reports.layout import (
    HINWEIS,
    KLEIN,
    RAND_OBEN,
    RAND_UNTEN,
    SATZBREITE,
    TEXT,
    Kopf,
    Sp,
    absatz,
    ampel_zelle,
    h2,
    kuerzen,
    pdf_erzeugen,
    schluessel_werte,
    tabelle,
    titel,
)
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.snapshot import Bestand, MeilensteinDaten, ProjektDaten
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


#: The text frame of the page (2 pt spare for rounding in reportlab's frame).
HOEHE = A4[1] - RAND_OBEN - RAND_UNTEN - 2
#: Text width of a value in :func:`schluessel_werte` (70 % of the line, minus cell padding).
_WERTBREITE = SATZBREITE * 0.7 - 12

#: Cuts from mildest to strongest: lines of Zweck, lines of Risiken and of Nächste Schritte, and
#: the most OZG-Leistungen shown (None: uncut). At each the milestone list takes the rest of the page.
STUFEN: tuple[tuple[int | None, int | None, int | None], ...] = (
    (None, None, None), (6, 8, None), (4, 5, 12), (3, 3, 8), (2, 2, 5), (1, 1, 3))
#: A milestone list shorter than this (when the project has more) is cut too far: try the next Stufe.
MINDESTENS_MEILENSTEINE = 5


def _termin(m: MeilensteinDaten) -> date:
    return m.ist_datum or m.prognose_datum or m.plan_datum or date.max


def auswahl(ms: Sequence[MeilensteinDaten], n: int) -> list[MeilensteinDaten]:
    """The ``n`` milestones a one-page profile should show, in their order: the open ones (next due
    first), then the most recently reached."""
    offen = sorted((m for m in ms if m.status is not MeilensteinStatus.ERREICHT), key=_termin)
    erreicht = sorted((m for m in ms if m.status is MeilensteinStatus.ERREICHT), key=_termin, reverse=True)
    gewaehlt = {id(m) for m in (offen + erreicht)[:n]}
    return [m for m in ms if id(m) in gewaehlt]


def _weitere(n: int, wo: str) -> Flowable:
    return absatz(f"… und {n} weitere (siehe {wo})", HINWEIS)


def inhalt(b: Bestand, p: ProjektDaten, *, meilensteine: int | None = None,
           stufe: tuple[int | None, int | None, int | None] = STUFEN[0]) -> list[Flowable]:
    """The page, with at most ``meilensteine`` milestones (None: all) and the cuts of ``stufe``."""
    zweck_zeilen, text_zeilen, max_leistungen = stufe

    def text(wert: str, zeilen: int | None, schrift: str, groesse: float, breite: float, wo: str) -> str:
        return wert if zeilen is None else kuerzen(wert, schrift, groesse, breite, zeilen, f"(vollständig {wo})")

    teile: list[Flowable] = titel(p.titel, f"{p.kennung} · {p.behoerde.name if p.behoerde else '–'}")
    teile.append(schluessel_werte([
        ("Projektleitung", p.projektleiter.name if p.projektleiter else "–"),
        ("Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"),
        ("Finanzierung", p.finanzierung.label),
        ("Status", ampel_zelle(p.ampel)),
        ("Zweck", text(p.zweck, zweck_zeilen, KLEIN.fontName, KLEIN.fontSize, _WERTBREITE, "im Projektantrag") or "–"),
        ("Nachgenutzte Komponenten", ", ".join(p.komponenten) or "keine"),
        *_kennzahlen(p),
    ]))
    teile.append(h2("OZG-Leistungen"))
    leistungen = list(p.leistungen)[:max_leistungen]
    teile.append(tabelle([Sp("OZG-ID", 0.8), Sp("OZG-Leistung", 4), Sp("aktuell", 1.2, True), Sp("Ziel", 0.6, True),
                          Sp("online", 0.7)],
                         [[l.ozg_id, l.bezeichnung, l.reifegrad_text,
                           "–" if l.ziel_reifegrad is None else str(l.ziel_reifegrad), "ja" if l.online else "nein"]
                          for l in leistungen]))
    if len(p.leistungen) > len(leistungen):
        teile.append(_weitere(len(p.leistungen) - len(leistungen), "Statusermittlung"))
    teile.append(h2("Meilensteine"))
    alle = [m for m in p.meilensteine if m.status is not MeilensteinStatus.ENTFALLEN]
    gezeigt = alle if meilensteine is None or meilensteine >= len(alle) else auswahl(alle, meilensteine)
    teile.append(tabelle([Sp("Meilenstein", 4), Sp("Plan", 1, True), Sp("Termin", 1, True), Sp("Status", 1.4)],
                         [[m.titel, datum(m.plan_datum), datum(m.ist_datum or m.prognose_datum or m.plan_datum),
                           kz.status_text(m, b.stand)] for m in gezeigt]))
    if len(alle) > len(gezeigt):
        teile.append(_weitere(len(alle) - len(gezeigt), "Meilenstein-Monitoring"))
    teile.append(h2("Risiken"))
    teile.append(absatz(text(p.risiken, text_zeilen, TEXT.fontName, TEXT.fontSize, SATZBREITE, "im Quartalsbericht") or "–"))
    teile.append(h2("Nächste Schritte"))
    teile.append(absatz(text(p.naechste_schritte, text_zeilen, TEXT.fontName, TEXT.fontSize, SATZBREITE,
                             "im Quartalsbericht") or "–"))
    return teile


def _passt(teile: list[Flowable]) -> bool:
    return _listWrapOn(teile, SATZBREITE, None)[1] <= HOEHE


def einseitig(b: Bestand, p: ProjektDaten) -> list[Flowable]:
    """The fullest content that fits one page: per Stufe (mildest first) as many milestones as fit
    (bisection); the first Stufe that leaves room for :data:`MINDESTENS_MEILENSTEINE` wins."""
    alle = sum(1 for m in p.meilensteine if m.status is not MeilensteinStatus.ENTFALLEN)
    for nr, stufe in enumerate(STUFEN):
        teile = inhalt(b, p, stufe=stufe)
        if _passt(teile):
            return teile
        unten, oben = 0, alle - 1  # largest number of milestones that fits: unten (if unten fits at all)
        while unten < oben:
            mitte = (unten + oben + 1) // 2
            if _passt(inhalt(b, p, meilensteine=mitte, stufe=stufe)):
                unten = mitte
            else:
                oben = mitte - 1
        teile = inhalt(b, p, meilensteine=unten, stufe=stufe)
        if (unten >= min(alle, MINDESTENS_MEILENSTEINE) or nr == len(STUFEN) - 1) and _passt(teile):
            return teile
    return teile


def pdf(b: Bestand, p: ProjektDaten, *, kennzeichnung: str = "", entwurf: bool = False) -> bytes:
    kopf = Kopf(b.ressort.name, b.ressort.referat, TITEL, p.kennung, b.stand, aktenzeichen=p.aktenzeichen,
                kennzeichnung=kennzeichnung, entwurf=entwurf, betreff=f"Projektsteckbrief {p.kennung}: {p.titel}")
    return pdf_erzeugen(kopf, einseitig(b, p))


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
