"""Projektantrag (Anlage A): the application for central funding by the BMI.

No official form is public, so the structure follows domain.md: applicant, project, OZG-Leistungen
with current and target Reifegrad, support asked for, Dienstekonsolidierung components reused or the
compelling reasons for deviating, eligibility of a mittelbare Behörde, milestone plan, cost and
payment plan by year, quarter, cost type and Haushaltsstelle, own staff in PT, risks, signatures.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from reportlab.lib.units import mm

from ozgdesk.model.values import Finanzierung, Komponente
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports.format import betrag, datum, ja_nein, pt
from ozgdesk.reports.layout import (
    EINLEITUNG,
    KLEIN,
    SATZBREITE,
    SCHRIFT,
    Kopf,
    Sp,
    absatz,
    h1,
    pdf_erzeugen,
    schluessel_werte,
    tabelle,
    titel,
    zusammen,
)
from ozgdesk.reports.snapshot import Bestand, ProjektDaten
from collections.abc import Sequence
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.xlsx import Arbeitsmappe, Spalte, angaben, befunde_des_dokuments

TITEL = "Projektantrag (Anlage A)"


def _berechtigung(p: ProjektDaten) -> str:
    if p.behoerde is None:
        return "Keine Behörde angegeben."
    if not p.behoerde.mittelbar:
        return "Behörde der unmittelbaren Bundesverwaltung: förderfähig."
    if p.behoerde.erstattungsanspruch:
        return ("Behörde der mittelbaren Bundesverwaltung mit Erstattungsanspruch gegenüber dem Bund: förderfähig.")
    return ("Behörde der mittelbaren Bundesverwaltung OHNE Erstattungsanspruch: nicht förderfähig; "
            "Programmmittel können nicht bewilligt werden.")


def pdf(b: Bestand, p: ProjektDaten, *, kennzeichnung: str = "", entwurf: bool = False) -> bytes:
    r = b.ressort
    inhalt: list[Flowable] = titel(TITEL, f"Antrag auf zentrale Förderung im Digitalisierungsprogramm Bund: {p.kennung}")
    inhalt.append(h1("1 Antragsteller"))
    inhalt.append(schluessel_werte([
        ("Ressort", r.name), ("Koordinierungsreferat", r.referat or "–"),
        ("Behörde", p.behoerde.name if p.behoerde else "–"),
        ("Art der Behörde", p.behoerde.art_text if p.behoerde else "–"),
        ("Erstattungsanspruch", ja_nein(p.behoerde.erstattungsanspruch) if p.behoerde and p.behoerde.mittelbar else "entfällt"),
        ("Projektleitung", ", ".join(x for x in (p.projektleiter.name, p.projektleiter.funktion, p.projektleiter.referat,
                                                   p.projektleiter.email, p.projektleiter.telefon) if x)
         if p.projektleiter else "– (nicht benannt)"),
    ]))
    inhalt.append(h1("2 Projekt"))
    inhalt.append(schluessel_werte([
        ("Titel", p.titel), ("Kennung", p.kennung), ("Zweck", p.zweck or "–"), ("Ziele", p.ziele or "–"),
        ("Ergebnisse", p.ergebnisse or "–"), ("Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"),
        ("Finanzierung", p.finanzierung.label),
    ]))
    inhalt.append(h1("3 OZG-Leistungen"))
    inhalt.append(tabelle([Sp("OZG-ID", 0.8), Sp("OZG-Leistung", 4), Sp("Reifegrad aktuell", 1.3, True), Sp("Ziel", 0.8, True)],
                          [[l.ozg_id, l.bezeichnung, l.reifegrad_text,
                            "–" if l.ziel_reifegrad is None else str(l.ziel_reifegrad)] for l in p.leistungen]))
    inhalt.append(h1("4 Beantragte Unterstützung"))
    inhalt.append(schluessel_werte([
        ("Fachliche Beratung und Begleitung", ja_nein(p.beratung_fachlich)),
        ("Zentrale IT-Architekturberatung", ja_nein(p.beratung_architektur)),
        ("Finanzierung der Projektumsetzung", ja_nein(p.umsetzung)),
    ], anteil_links=0.45))
    inhalt.append(h1("5 Nachnutzung der Dienstekonsolidierung"))
    inhalt.append(schluessel_werte([(k.label, "wird nachgenutzt" if k.label in p.komponenten else "nicht vorgesehen")
                                    for k in Komponente], anteil_links=0.45))
    if p.abweichungsbegruendung:
        inhalt.append(absatz("Zwingende Gründe für eine abweichende Umsetzungsstrategie:", EINLEITUNG))
        inhalt.append(absatz(p.abweichungsbegruendung))
    inhalt.append(h1("6 Förderfähigkeit"))
    inhalt.append(absatz(_berechtigung(p)))
    inhalt.append(h1("7 Meilensteinplan"))
    name = f"{p.kennung}: {p.titel}"  # the caption of a table's continuation on the next page
    inhalt.append(tabelle([Sp("Meilenstein", 4), Sp("Arbeitspaket", 3), Sp("Plantermin", 1.2, True)],
                          [[m.titel, m.arbeitspaket or "–", datum(m.plan_datum)] for m in p.meilensteine], fortsetzung=name))
    inhalt.append(h1("8 Kosten- und Zahlungsplan"))
    if p.plan:
        inhalt.append(absatz(f"Zahlungsplan Fassung {p.zahlungsplan_version} vom {datum(p.zahlungsplan_stand)}; "
                             "Beträge in €.", EINLEITUNG))
        inhalt.append(tabelle([Sp("Quartal", 1), Sp("Kostenart", 2.4), Sp("Haushaltsstelle", 1.4), Sp("Betrag (€)", 1.5, True)],
                              [[x.quartal.kurz, x.kostenart, x.haushaltsstelle, betrag(x.betrag_cent)] for x in p.plan],
                              summe=["Summe", "", "", betrag(sum(x.betrag_cent for x in p.plan))], fortsetzung=name))
        jahre: dict[int, int] = defaultdict(int)
        for x in p.plan:
            jahre[x.quartal.jahr] += x.betrag_cent
        inhalt.append(absatz("Nach Haushaltsjahren", EINLEITUNG))
        inhalt.append(tabelle([Sp("Jahr", 1), Sp("Plan (€)", 1.5, True), Sp("bewilligt (€)", 1.5, True)],
                              [[str(j), betrag(v), betrag(kz.bewilligt(p, j))] for j, v in sorted(jahre.items())],
                              summe=["Summe", betrag(sum(jahre.values())), betrag(kz.bewilligt(p))]))
    elif p.finanzierung is Finanzierung.UNTERSTUETZUNG:
        inhalt.append(absatz("Es werden nur zentrale Unterstützungsleistungen beantragt (kein Zahlungsplan). Beantragte "
                             f"Personentage: {pt(sum((x.personentage or Decimal(0) for x in p.bewilligungen), Decimal(0)))}."))
    else:
        inhalt.append(absatz("Es liegt noch kein Zahlungsplan vor."))
    inhalt.append(h1("9 Eigenpersonal"))
    inhalt.append(absatz(f"Die Behörde stellt eigenes Personal im Umfang von {pt(p.eigenpersonal_pt)} bereit "
                         "(nicht förderfähig, vom Ressort getragen)."))
    inhalt.append(h1("10 Risiken"))
    inhalt.append(absatz(p.risiken or "–"))
    inhalt.append(zusammen(h1("11 Unterschriften"), Spacer(1, 14 * mm), _unterschriften(r.referat)))
    kopf = Kopf(r.name, r.referat, TITEL, p.kennung, b.stand, aktenzeichen=p.aktenzeichen, kennzeichnung=kennzeichnung,
                entwurf=entwurf, betreff=f"Projektantrag {p.kennung}: {p.titel}")
    return pdf_erzeugen(kopf, inhalt)


def _unterschriften(referat: str) -> Table:
    from reportlab.platypus import Paragraph

    linie = [Paragraph("Ort, Datum, Unterschrift<br/>Projektleitung (Behörde)", KLEIN), "",
             Paragraph(f"Ort, Datum, Unterschrift<br/>{referat or 'Koordinierungsreferat'}", KLEIN)]
    tab = Table([linie], colWidths=[SATZBREITE * 0.45, SATZBREITE * 0.1, SATZBREITE * 0.45])
    tab.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SCHRIFT), ("LINEABOVE", (0, 0), (0, 0), 0.6, "black"), ("LINEABOVE", (2, 0), (2, 0), 0.6, "black"),
                             ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return tab


def xlsx(b: Bestand, p: ProjektDaten, *, kennzeichnung: str = "", entwurf: bool = False,
         befunde: Sequence[Befund] | None = None) -> bytes:
    """``befunde``: the findings the caller decided draft or final by (counted on the sheet „Dokument“)."""
    plan = (f"Fassung {p.zahlungsplan_version} vom {datum(p.zahlungsplan_stand)}" if p.plan
            else "kein Zahlungsplan")
    am = Arbeitsmappe(angaben(b, TITEL, kennzeichnung=kennzeichnung, entwurf=entwurf, projekte=[p],
                              aktenzeichen=p.aktenzeichen, befunde=befunde_des_dokuments(b, befunde, [p]),
                              pruefung=b.letztes_quartal, weitere=[("Zahlungsplan", plan)]))
    am.blatt("Zahlungsplan", [Spalte("Jahr", "zahl", 7), Spalte("Quartal", breite=9), Spalte("Kostenart", breite=26),
                              Spalte("Haushaltsstelle", breite=15), Spalte("Betrag", "euro", 16, True)],
             [[x.quartal.jahr, x.quartal.kurz, x.kostenart, x.haushaltsstelle, x.betrag_cent] for x in p.plan])
    # the plan per budget line and Haushaltsjahr, as formulas over the sheet „Zahlungsplan“: a changed
    # position there changes the totals here
    jahre = sorted({x.quartal.jahr for x in p.plan})
    am.blatt("Summen Haushaltsstellen",
             [Spalte("Haushaltsstelle", breite=15)] + [Spalte(f"Plan {j}", "euro", 15, True) for j in jahre]
             + [Spalte("Plan gesamt", "euro", 15, True)],
             [[h, *(am.summewenns("Zahlungsplan", "Betrag", [("Haushaltsstelle", "$A{zeile}"), ("Jahr", str(j))])
                    for j in jahre),
               am.summewenns("Zahlungsplan", "Betrag", [("Haushaltsstelle", "$A{zeile}")])]
              for h in sorted({x.haushaltsstelle for x in p.plan})])
    am.blatt("Meilensteinplan", [Spalte("Meilenstein", breite=45), Spalte("Arbeitspaket", breite=40),
                                 Spalte("Plantermin", "datum", 10.5)],
             [[m.titel, m.arbeitspaket, m.plan_datum] for m in p.meilensteine], summenzeile=False)
    am.blatt("OZG-Leistungen", [Spalte("OZG-ID", breite=8), Spalte("OZG-Leistung", breite=45), Spalte("Reifegrad", "zahl", 9),
                                Spalte("Modell", breite=7), Spalte("Ziel-Reifegrad", "zahl", 9)],
             [[l.ozg_id, l.bezeichnung, l.reifegrad, l.reifegrad_modell, l.ziel_reifegrad] for l in p.leistungen],
             summenzeile=False)
    am.blatt("Bewilligungen", [Spalte("Jahr", "zahl", 7), Spalte("Betrag", "euro", 16, True), Spalte("Personentage", "pt", 12, True)],
             [[x.jahr, x.betrag_cent, x.personentage] for x in p.bewilligungen])
    return am.bytes()
