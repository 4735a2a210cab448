"""Meilenstein-Monitoring (half-yearly): per project and aggregated for the Ressort.

Counts the milestones due in the half-year (plan date in it), reached on time, late, overdue,
postponed (how often and by how many days) and at risk — the figures the Programmsteuerung
aggregates every six months. The milestone list per project follows, consistent with the
Projektsteckbrief (same snapshot, same status rules in :mod:`kennzahlen`).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from ozgdesk.model.values import Halbjahr
from ozgdesk.reports import diagramme, kennzahlen as kz
from ozgdesk.reports.format import datum
from ozgdesk.reports.layout import EINLEITUNG, Kopf, Sp, absatz, h1, h2, pdf_erzeugen, tabelle, titel, zusammen
from ozgdesk.reports.quartalsbericht import MEILENSTEIN_SPALTEN, meilenstein_zeile
from ozgdesk.reports.snapshot import Bestand, MeilensteinDaten, ProjektDaten
from collections.abc import Sequence
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.xlsx import Arbeitsmappe, Spalte, angaben, befunde_des_dokuments

TITEL = "Meilenstein-Monitoring"


def im_halbjahr(m: MeilensteinDaten, h: Halbjahr) -> bool:
    return any(d and h.enthaelt(d) for d in (m.plan_datum, m.prognose_datum, m.ist_datum))


def pdf(b: Bestand, h: Halbjahr, projekte: list[ProjektDaten] | None = None, *, kennzeichnung: str = "",
        entwurf: bool = False) -> bytes:
    projekte = list(b.projekte if projekte is None else projekte)
    bil = {p.kennung: kz.bilanz_halbjahr(p, h, b.stand) for p in projekte}
    summe = kz.bilanz_summe(list(bil.values()))
    inhalt: list[Flowable] = titel(TITEL, f"{b.ressort.kurzname} – {h.lang} ({datum(h.beginn)} bis {datum(h.ende)})")
    inhalt.append(absatz(
        f"Im {h.lang} waren {summe.faellig} Meilensteine planmäßig fällig; {summe.termingerecht} davon wurden "
        f"termingerecht erreicht, {summe.verspaetet} verspätet, {summe.ueberfaellig} sind überfällig. "
        f"{summe.verschoben} Meilensteine wurden insgesamt {summe.verschiebungen}-mal verschoben, "
        f"{summe.gefaehrdet} gelten als gefährdet. Stand der Bewertung: {datum(b.stand)}."))
    inhalt.append(h1("1 Übersicht je Projekt"))
    inhalt.append(absatz("„fällig“: Plantermin im Halbjahr; „verschoben“: Anzahl Meilensteine mit Verschiebung, "
                         "dahinter Anzahl der Verschiebungen und Verzug in Tagen gegenüber dem Plan.", EINLEITUNG))
    inhalt.append(tabelle(MEILENSTEIN_SPALTEN, [meilenstein_zeile(k, x) for k, x in bil.items()], summe=meilenstein_zeile("Summe", summe)))
    vert = kz.status_verteilung(projekte, b.stand)
    inhalt.append(zusammen(diagramme.balken("Status aller Meilensteine", [s for s, _ in vert], [n for _, n in vert])))
    inhalt.append(h1(f"2 Meilensteine im {h.lang} je Projekt"))
    for p in projekte:
        ms = [m for m in p.meilensteine if im_halbjahr(m, h)]
        inhalt.append(h2(f"{p.kennung}: {p.titel}"))
        if not ms:
            inhalt.append(absatz("Keine Meilensteine im Halbjahr."))
            continue
        # the postponements with their reasons are free text: a full-width row under the milestone
        inhalt.append(tabelle(
            [Sp("Meilenstein", 3.0), Sp("Plan", 1, True), Sp("Prognose", 1, True), Sp("Ist", 1, True), Sp("Status", 1.3),
             Sp("Verschiebungen (von → auf: Grund)", 0, eigene_zeile=True)],
            [[m.titel, datum(m.plan_datum), datum(m.prognose_datum), datum(m.ist_datum), kz.status_text(m, b.stand),
              "\n".join(f"{datum(v.von_datum)} → {datum(v.auf_datum)}: {v.grund}" for v in m.verschiebungen)]
             for m in ms], fortsetzung=f"{p.kennung}: {p.titel}"))
    kopf = Kopf(b.ressort.name, b.ressort.referat, TITEL, h.lang, b.stand, kennzeichnung=kennzeichnung, entwurf=entwurf,
                betreff=f"{TITEL} {b.ressort.kurzname} {h.lang} an die Programmsteuerung")
    return pdf_erzeugen(kopf, inhalt)


def xlsx(b: Bestand, h: Halbjahr, projekte: list[ProjektDaten] | None = None, *, kennzeichnung: str = "",
         entwurf: bool = False, befunde: Sequence[Befund] | None = None) -> bytes:
    """``befunde``: the findings the caller decided draft or final by (counted on the sheet „Dokument“)."""
    auswahl = projekte
    projekte = list(b.projekte if projekte is None else projekte)
    am = Arbeitsmappe(angaben(b, TITEL, zeitraum=h, kennzeichnung=kennzeichnung, entwurf=entwurf, projekte=auswahl,
                              befunde=befunde_des_dokuments(b, befunde, auswahl), pruefung=b.letztes_quartal))
    am.blatt("Übersicht", [Spalte("Kennung", breite=15), Spalte("Projekt", breite=40), Spalte("fällig", "zahl", 8, True),
                           Spalte("termingerecht", "zahl", 12, True), Spalte("verspätet", "zahl", 10, True),
                           Spalte("überfällig", "zahl", 10, True), Spalte("verschoben", "zahl", 10, True),
                           Spalte("Verschiebungen", "zahl", 14, True), Spalte("Verzug Tage", "zahl", 11, True),
                           Spalte("gefährdet", "zahl", 10, True)],
             [[p.kennung, p.titel, x.faellig, x.termingerecht, x.verspaetet, x.ueberfaellig, x.verschoben, x.verschiebungen,
               x.verschiebung_tage, x.gefaehrdet] for p in projekte for x in [kz.bilanz_halbjahr(p, h, b.stand)]])
    am.blatt("Meilensteine", [Spalte("Kennung", breite=15), Spalte("Meilenstein", breite=45), Spalte("Plan", "datum", 11),
                              Spalte("Prognose", "datum", 11), Spalte("Ist", "datum", 11), Spalte("Status", breite=16),
                              Spalte("Verschiebungen", "zahl", 8), Spalte("Verzug Tage", "zahl", 8)],
             [[p.kennung, m.titel, m.plan_datum, m.prognose_datum, m.ist_datum, kz.status_text(m, b.stand),
               len(m.verschiebungen), m.verzug_tage] for p in projekte for m in p.meilensteine if im_halbjahr(m, h)],
             summenzeile=False)
    am.blatt("Verschiebungen", [Spalte("Kennung", breite=15), Spalte("Meilenstein", breite=45), Spalte("erfasst am", "datum", 11),
                                Spalte("von", "datum", 11), Spalte("auf", "datum", 11), Spalte("Tage", "zahl", 7, True),
                                Spalte("Grund", breite=60)],
             [[p.kennung, m.titel, v.erfasst_am, v.von_datum, v.auf_datum, (v.auf_datum - v.von_datum).days, v.grund]
              for p in projekte for m in p.meilensteine if im_halbjahr(m, h) for v in m.verschiebungen])
    return am.bytes()
