"""Vierteljährlicher Statusbericht: per project and as the Ressort summary, PDF and XLSX.

The Ressort summary has one row per project in each section (status, Mittelabfluss, person-days,
milestones, Reifegrad, risks), so a controller at the BMI sees the whole Ressort on a few pages and
the summary stays fast for 200 projects. The detail per project (milestone list, Haushaltsstellen,
services) is the project report; the submission package carries both.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.platypus import Flowable, PageBreak

from ozgdesk.model import empfaenger
from ozgdesk.model.values import Ampel, Quartal
from ozgdesk.reports import diagramme, kennzahlen as kz
from ozgdesk.reports.format import betrag, datum, euro, prozent, pt, tage
from ozgdesk.reports.layout import (
    EINLEITUNG,
    HINWEIS,
    abstand,
    Kopf,
    Sp,
    absatz,
    ampel_zelle,
    h1,
    h2,
    pdf_erzeugen,
    schluessel_werte,
    tabelle,
    titel,
    zusammen,
)
from ozgdesk.reports.pruefung import FEHLER, Befund, pruefen
from ozgdesk.reports.snapshot import Bestand, ProjektDaten
from openpyxl.utils import get_column_letter

from ozgdesk.model.values import format_euro
from ozgdesk.reports.xlsx import Arbeitsmappe, Formel, Spalte, angaben

TITEL = "Vierteljährlicher Statusbericht"


def kopf(b: Bestand, q: Quartal, *, kennzeichnung: str, entwurf: bool, aktenzeichen: str = "",
         titel_text: str = TITEL) -> Kopf:
    return Kopf(ressort=b.ressort.name, referat=b.ressort.referat, titel=titel_text, zeitraum=q.lang, stand=b.stand,
                aktenzeichen=aktenzeichen, kennzeichnung=kennzeichnung, entwurf=entwurf, autor=b.ressort.referat or b.ressort.name,
                betreff=f"{titel_text} {b.ressort.kurzname} {q.kurz} an {empfaenger.mit_artikel(b.ressort.empfaenger)} "
                        "(Digitalisierungsprogramm Bund)")


def _gruende(p: ProjektDaten) -> str:
    return "\n".join(f"{a.dimension}: {a.grund or '(Begründung fehlt)'}" for a in p.ampeln if a.ampel is not Ampel.GRUEN)


# ============================================================================================== PDF
def _abschnitt_status(b: Bestand) -> list[Flowable]:
    # weights; the four lights take only what "● gelb" needs. The reasons are free text of any
    # length: a full-width row under the project instead of ten lines in a narrow column.
    sp = [Sp("Kennung", 66), Sp("Projekt", 170), Sp("Behörde", 60), Sp("Gesamt", 42), Sp("Zeit", 34),
          Sp("Kosten", 38), Sp("Umfang", 42), Sp("Begründung (nicht grün)", 0, eigene_zeile=True)]
    zeilen = [[p.kennung, p.titel, p.behoerde.kurzname if p.behoerde else "–", *(ampel_zelle(a.ampel) for a in p.ampeln),
               _gruende(p)] for p in b.projekte]
    return [h1("1 Projektstatus (Ampeln)"), tabelle(sp, zeilen)]


QUARTAL_SPALTEN = [Sp("Kennung", 1.5), Sp("Plan Quartal (€)", 1.4, True), Sp("Ist Quartal (€)", 1.4, True),
                   Sp("Abweichung (€)", 1.4, True), Sp("Abweichung", 0.9, True)]
KUM_SPALTEN = [Sp("Kennung", 1.5), Sp("Plan Jahr kum. (€)", 1.4, True), Sp("Ist Jahr kum. (€)", 1.4, True),
               Sp("Plan gesamt kum. (€)", 1.4, True), Sp("Ist gesamt kum. (€)", 1.4, True)]


def _quartalszeile(erste: str, z: kz.Finanzzeile) -> list[str]:
    return [erste, betrag(z.plan_quartal), betrag(z.ist_quartal), betrag(z.abweichung_quartal),
            prozent(z.abweichung_quartal, z.plan_quartal)]


def _kumzeile(erste: str, z: kz.Finanzzeile) -> list[str]:
    return [erste, betrag(z.plan_jahr), betrag(z.ist_jahr), betrag(z.plan_gesamt), betrag(z.ist_gesamt)]


def _finanztabellen(erste: str, zeilen: list[tuple[str, kz.Finanzzeile]], summe: kz.Finanzzeile,
                    fortsetzung: str = "") -> list[Flowable]:
    """Quarter and cumulative figures as two tables: seven amount columns do not fit A4 portrait."""
    kopf_q = [Sp(erste, 1.5)] + QUARTAL_SPALTEN[1:]
    kopf_k = [Sp(erste, 1.5)] + KUM_SPALTEN[1:]
    return [absatz("Im Quartal", EINLEITUNG),
            tabelle(kopf_q, [_quartalszeile(k, z) for k, z in zeilen], summe=_quartalszeile("Summe", summe),
                    fortsetzung=fortsetzung),
            abstand(3), absatz("Kumuliert", EINLEITUNG),
            tabelle(kopf_k, [_kumzeile(k, z) for k, z in zeilen], summe=_kumzeile("Summe", summe), fortsetzung=fortsetzung)]


#: Kennung -> (project total, rows per Haushaltsstelle) of the fully funded projects.
_Finanzen = dict[str, tuple[kz.Finanzzeile, list[kz.Finanzzeile]]]


def _finanzen(b: Bestand, q: Quartal) -> _Finanzen:
    """Figures of every fully funded project, computed once for the overview and section 2."""
    return {p.kennung: kz.finanzen(p, q) for p in b.projekte if kz.hat_finanzbericht(p)}


def _abschnitt_finanzen(b: Bestand, q: Quartal, gesamt: _Finanzen) -> list[Flowable]:
    voll = [p for p in b.projekte if p.kennung in gesamt]
    teile: list[Flowable] = [h1("2 Mittelabfluss der vollfinanzierten Projekte")]
    if not voll:
        return teile + [absatz("Im Ressort gibt es keine vollfinanzierten Projekte.")]
    summe = kz.summe([g for g, _ in gesamt.values()])
    teile.append(absatz(f"Gemessen wird jedes Quartal an der Fassung des Zahlungsplans, die zum Quartalsende "
                        f"({datum(q.ende)}) galt; spätere Fortschreibungen sind genannt, aber nicht verwendet. "
                        f"Kumuliert „Jahr“ = 1. Quartal {q.jahr} bis {q.kurz}; „gesamt“ = Projektbeginn bis {q.kurz}."))
    teile += _finanztabellen("Kennung", [(k, g) for k, (g, _) in gesamt.items()], summe)
    teile.append(h2("Zugrunde gelegte Zahlungspläne"))
    teile.append(tabelle([Sp("Kennung", 1.5), Sp("Zahlungsplan", 7)],
                         [[p.kennung, plan_text(p, q)] for p in voll]))
    abw = abweichungen(voll, q, gesamt)
    if abw:
        teile.append(h2(f"Wesentliche Abweichungen im Quartal (mehr als {int(kz.WESENTLICHE_ABWEICHUNG * 100)} % vom "
                        "Plan, je Projekt und je Haushaltsstelle)"))
        # the reason is the project's („Begründung Kosten“): once, full width, under its last row
        letzte = {p.kennung: i for i, (p, _h, _z) in enumerate(abw)}
        teile.append(tabelle([Sp("Kennung", 1.5), Sp("Haushaltsstelle", 1.7), Sp("Abweichung (€)", 1.3, True),
                              Sp("Anteil", 0.8, True), Sp("Begründung (Ampel Kosten) des Projekts", 0, eigene_zeile=True)],
                             [[p.kennung, hhst or "gesamt", betrag(z.abweichung_quartal),
                               prozent(z.abweichung_quartal, z.plan_quartal),
                               _kostengrund(p) if letzte[p.kennung] == i else ""] for i, (p, hhst, z) in enumerate(abw)]))
    stellen: dict[str, list[kz.Finanzzeile]] = {}
    for _g, zeilen in gesamt.values():
        for z in zeilen:
            stellen.setdefault(z.haushaltsstelle, []).append(z)
    hh = [kz.summe(zs, h) for h, zs in sorted(stellen.items())]
    teile.append(h2("Nach Haushaltsstellen"))
    teile += _finanztabellen("Haushaltsstelle", [(z.haushaltsstelle, z) for z in hh], kz.summe(hh))
    quartale, plan_kum, ist_kum = kz.kumulierte_reihe(voll, q)
    if quartale:
        teile.append(zusammen(diagramme.mittelabfluss([x.kurz for x in quartale], plan_kum, ist_kum,
                                                      "Mittelabfluss aller vollfinanzierten Projekte, kumuliert")))
    return teile


def plan_text(p: ProjektDaten, q: Quartal) -> str:
    """„Fassung 2 vom 28.09.2026“ (and later revisions not used) – the plan ``q`` is measured against."""
    k = kz.plan_in_kraft(p, q)
    return k.text if k else "– (kein Zahlungsplan)"


def _kostengrund(p: ProjektDaten) -> str:
    return next((a.grund for a in p.ampeln if a.dimension == "Kosten"), "") or "(Begründung fehlt)"


def abweichungen(projekte: Sequence[ProjektDaten], q: Quartal,
                 gesamt: _Finanzen) -> list[tuple[ProjektDaten, str, kz.Finanzzeile]]:
    """Material deviations in ``q``: per project (Haushaltsstelle "") and per Haushaltsstelle of a
    project with several, by the same threshold the check uses."""
    liste = []
    for p in projekte:
        g, zeilen = gesamt[p.kennung]
        for hhst, z in [("", g)] + ([(z.haushaltsstelle, z) for z in zeilen] if len(zeilen) > 1 else []):
            if kz.wesentlich(z.plan_quartal, z.ist_quartal):
                liste.append((p, hhst, z))
    return liste


def _abschnitt_aufwand(b: Bestand, q: Quartal) -> list[Flowable]:
    u = [p for p in b.projekte if kz.hat_aufwandsbericht(p)]
    teile: list[Flowable] = [h1("3 Zentrale Unterstützungsleistungen (Personentage)")]
    if not u:
        return teile + [absatz("Kein Projekt nutzt ausschließlich zentrale Unterstützungsleistungen.")]
    werte = {p.kennung: kz.aufwand(p, q) for p in u}
    sp = [Sp("Kennung", 1.5), Sp("PT Quartal", 0.9, True), Sp("PT kumuliert", 0.95, True), Sp("PT bewilligt", 0.95, True),
          Sp("Anteil", 0.75, True), Sp("Erbrachte Leistungen im Quartal", 4.2)]
    zeilen = [[k, pt(a.pt_quartal), pt(a.pt_kumuliert), pt(a.pt_bewilligt), prozent(a.pt_kumuliert, a.pt_bewilligt),
               a.leistungen or "–"] for k, a in werte.items()]
    s = [sum((a.pt_quartal for a in werte.values()), Decimal(0)), sum((a.pt_kumuliert for a in werte.values()), Decimal(0)),
         sum((a.pt_bewilligt for a in werte.values()), Decimal(0))]
    return teile + [tabelle(sp, zeilen, summe=["Summe", pt(s[0]), pt(s[1]), pt(s[2]), prozent(s[1], s[2]), ""])]


MEILENSTEIN_SPALTEN = [Sp("Kennung", 1.5), Sp("fällig", 0.8, True), Sp("pünktlich", 0.9, True),
                       Sp("verspätet", 0.9, True), Sp("überfällig", 0.9, True), Sp("verschoben", 1.0, True),
                       Sp("Verschiebungen (Tage)", 1.5, True), Sp("gefährdet", 0.9, True)]


def meilenstein_zeile(k: str, x: kz.MeilensteinBilanz) -> list[str]:
    """A row under :data:`MEILENSTEIN_SPALTEN` (also used by the Meilenstein-Monitoring)."""
    return [k, str(x.faellig), str(x.termingerecht), str(x.verspaetet), str(x.ueberfaellig), str(x.verschoben),
            f"{x.verschiebungen} ({x.verschiebung_tage})", str(x.gefaehrdet)]


def _abschnitt_meilensteine(b: Bestand, q: Quartal) -> list[Flowable]:
    bil = {p.kennung: kz.bilanz(p, q.beginn, q.ende, b.stand) for p in b.projekte}
    vert = kz.status_verteilung(list(b.projekte), b.stand)
    return [h1("4 Meilensteine"),
            absatz(f"Meilensteine mit Plan- oder Prognosetermin im {q.lang} („fällig“: Plantermin im Quartal); "
                   f"Status zum Stand {datum(b.stand)}.", EINLEITUNG),
            tabelle(MEILENSTEIN_SPALTEN, [meilenstein_zeile(k, x) for k, x in bil.items()],
                    summe=meilenstein_zeile("Summe", kz.bilanz_summe(list(bil.values())))),
            zusammen(diagramme.balken("Status aller Meilensteine des Ressorts", [s for s, _ in vert], [n for _, n in vert]))]


def _abschnitt_reifegrad(b: Bestand) -> list[Flowable]:
    leistungen = [l for l in b.leistungen if l.projekte]
    sp = [Sp("OZG-ID", 0.8), Sp("OZG-Leistung", 2.7), Sp("Projekt", 1.3), Sp("Reifegrad aktuell", 1.6, True),
          Sp("Modell 2.0", 1.1, True), Sp("Ziel", 0.5, True), Sp("online", 0.6)]
    zeilen = [[l.ozg_id, l.bezeichnung, ", ".join(l.projekte), l.reifegrad_text, l.reifegrad_2_0_text,
               "–" if l.ziel_reifegrad is None else str(l.ziel_reifegrad), "ja" if l.online else "nein"] for l in leistungen]
    return [h1("5 Reifegrad der OZG-Leistungen"),
            absatz("Gezählt wird nach Reifegradmodell 1.1 (Ziel und „online“ sind darin definiert); die jüngste "
                   "Selbsteinschätzung nach Modell 2.0 steht mit Datum daneben.", EINLEITUNG),
            tabelle(sp, zeilen), zusammen(reifegrad_diagramm(b))]


def reifegrad_diagramm(b: Bestand) -> Flowable:
    ist, ziel = [0] * 5, [0] * 5
    for l in b.leistungen:
        if l.reifegrad is not None and l.reifegrad_modell == "1.1":
            ist[l.reifegrad] += 1
        if l.ziel_reifegrad is not None:
            ziel[l.ziel_reifegrad] += 1
    from ozgdesk.model.values import REIFEGRAD_1_1

    return diagramme.reifegrade([f"{k} {v}" for k, v in REIFEGRAD_1_1.items()], ist, ziel)


def _abschnitt_risiken(b: Bestand) -> list[Flowable]:
    sp = [Sp("Kennung", 1.5), Sp("Risiken", 4), Sp("Nächste Schritte", 4)]
    return [h1("6 Risiken und nächste Schritte"),
            tabelle(sp, [[p.kennung, p.risiken or "–", p.naechste_schritte or "–"] for p in b.projekte])]


def _befundzeile(x: Befund) -> list[str]:
    st = x.stellungnahme
    return [x.datensatz, x.text,
            "–" if st is None else f"{st.text} ({st.erstellt_von or 'unbekannt'}, {datum(st.erstellt_am.date())})"]


def abschnitt_befunde(befunde: Sequence[Befund], nummer: str = "7") -> list[Flowable]:
    """Findings the BMDS must know: those with a Stellungnahme, and the hints still open."""
    mit = [x for x in befunde if x.stellungnahme is not None]
    offen = [x for x in befunde if x.offen]
    teile: list[Flowable] = [h1(f"{nummer} Befunde der Prüfung und Stellungnahmen".strip())]
    if not befunde:
        return teile + [absatz("Die Prüfung ergab keine Befunde.")]
    sp = [Sp("Datensatz", 2.2), Sp("Befund", 3.6), Sp("Stellungnahme des Ressorts", 3.6)]
    if mit:
        teile += [h2("Sachverhalte mit Stellungnahme"), tabelle(sp, [_befundzeile(x) for x in mit])]
    if offen:
        teile += [h2("Offene Befunde" if any(x.schwere == FEHLER for x in offen) else "Offene Hinweise"),
                  tabelle([Sp("Art", 0.9), Sp("Datensatz", 2.4), Sp("Befund", 6)],
                          [[x.schwere, x.datensatz, x.text] for x in offen])]
    return teile


def _ueberblick(b: Bestand, gesamt: _Finanzen) -> list[Flowable]:
    ampeln = {a: sum(1 for p in b.projekte if p.ampel is a) for a in Ampel}
    voll = [g for g, _ in gesamt.values()]
    s = kz.summe(voll) if voll else None
    text = (f"Das Ressort berichtet über {len(b.projekte)} Projekte: {ampeln[Ampel.GRUEN]} grün, "
            f"{ampeln[Ampel.GELB]} gelb, {ampeln[Ampel.ROT]} rot.")
    if s:
        text += (f" Mittelabfluss im Quartal: {euro(s.ist_quartal)} bei {euro(s.plan_quartal)} Plan "
                 f"({prozent(s.ist_quartal, s.plan_quartal)}).")
    return [absatz(text)]


def pdf_ressort(b: Bestand, q: Quartal, *, kennzeichnung: str = "", entwurf: bool = False, aktenzeichen: str = "",
                anhang: Sequence[Flowable] = (), befunde: Sequence[Befund] | None = None,
                vorspann: Sequence[Flowable] = ()) -> bytes:
    """``vorspann``: below the title on page 1 (the submission's „Fassung 2 vom …“)."""
    inhalt: list[Flowable] = titel(TITEL, f"Ressortübersicht {b.ressort.kurzname} – {q.lang} "
                                          f"({datum(q.beginn)} bis {datum(q.ende)})")
    inhalt += list(vorspann)
    finanzen = _finanzen(b, q)
    inhalt += _ueberblick(b, finanzen)
    inhalt += _abschnitt_status(b)
    inhalt += _abschnitt_finanzen(b, q, finanzen)
    inhalt += _abschnitt_aufwand(b, q)
    inhalt += _abschnitt_meilensteine(b, q)
    inhalt += _abschnitt_reifegrad(b)
    inhalt += _abschnitt_risiken(b)
    inhalt += abschnitt_befunde(pruefen(b, q) if befunde is None else befunde)
    inhalt += list(anhang)
    return pdf_erzeugen(kopf(b, q, kennzeichnung=kennzeichnung, entwurf=entwurf, aktenzeichen=aktenzeichen), inhalt)


def projekt_inhalt(b: Bestand, p: ProjektDaten, q: Quartal, befunde: Sequence[Befund] | None = None) -> list[Flowable]:
    inhalt: list[Flowable] = titel(f"{p.kennung}: {p.titel}", f"Statusbericht {q.lang}")
    inhalt.append(schluessel_werte([
        ("Behörde", p.behoerde.name if p.behoerde else "–"),
        ("Projektleitung", p.projektleiter.name if p.projektleiter else "– (nicht benannt)"),
        ("Finanzierung", p.finanzierung.label),
        ("Laufzeit", f"{datum(p.beginn)} bis {datum(p.ende)}"),
        ("OZG-Leistungen", ", ".join(f"{l.ozg_id} {l.bezeichnung}" for l in p.leistungen) or "–"),
    ]))
    name = f"{p.kennung}: {p.titel}"  # the caption of a table's continuation on the next page
    inhalt.append(h2("Status"))
    inhalt.append(tabelle([Sp("Dimension", 1), Sp("Ampel", 1), Sp("Begründung", 5)],
                          [[a.dimension, ampel_zelle(a.ampel), a.grund or ("–" if a.ampel is Ampel.GRUEN else "(Begründung fehlt)")]
                           for a in p.ampeln], fortsetzung=name))
    inhalt.append(h2("Meilensteine"))
    inhalt.append(tabelle(
        [Sp("Meilenstein", 3.0), Sp("Plan", 1, True), Sp("Prognose", 1, True), Sp("Ist", 1, True), Sp("Status", 1.3),
         Sp("Verschiebungen", 1.6)],
        [[m.titel, datum(m.plan_datum), datum(m.prognose_datum), datum(m.ist_datum), kz.status_text(m, b.stand),
          f"{len(m.verschiebungen)}× um {tage(m.verzug_tage)}" if m.verschiebungen else "–"] for m in p.meilensteine],
        fortsetzung=name))
    if kz.hat_finanzbericht(p):
        g, zeilen = kz.finanzen(p, q)
        inhalt.append(h2("Mittelabfluss gegen Zahlungsplan"))
        inhalt.append(absatz(f"Zahlungsplan: {plan_text(p, q)} (gültig zum Quartalsende {datum(q.ende)}).", HINWEIS))
        inhalt += _finanztabellen("Haushaltsstelle", [(z.haushaltsstelle, z) for z in zeilen], g, fortsetzung=name)
        inhalt.append(absatz(f"Bewilligt {q.jahr}: {euro(kz.bewilligt(p, q.jahr))}; bewilligt insgesamt: "
                             f"{euro(kz.bewilligt(p))}.", HINWEIS))
        abw = abweichungen([p], q, {p.kennung: (g, zeilen)})
        if abw:  # one row per deviation, the project's reason once (40 Haushaltsstellen, one reason)
            inhalt.append(absatz(f"Wesentliche Abweichungen im Quartal (mehr als {int(kz.WESENTLICHE_ABWEICHUNG * 100)} % "
                                 "vom Plan)", EINLEITUNG))
            inhalt.append(tabelle([Sp("Haushaltsstelle", 2), Sp("Abweichung (€)", 1.3, True), Sp("Anteil", 0.8, True)],
                                  [[hhst or "Projekt gesamt", betrag(z.abweichung_quartal),
                                    prozent(z.abweichung_quartal, z.plan_quartal)] for _p, hhst, z in abw], fortsetzung=name))
            inhalt.append(absatz(f"Begründung (Ampel Kosten): {_kostengrund(p)}"))
        quartale, plan_kum, ist_kum = kz.kumulierte_reihe([p], q)
        if quartale:
            inhalt.append(zusammen(diagramme.mittelabfluss([x.kurz for x in quartale], plan_kum, ist_kum)))
    if kz.hat_aufwandsbericht(p):
        a = kz.aufwand(p, q)
        inhalt.append(h2("Zentrale Unterstützungsleistungen"))
        inhalt.append(schluessel_werte([("PT im Quartal", pt(a.pt_quartal)), ("PT kumuliert", pt(a.pt_kumuliert)),
                                        ("PT bewilligt", f"{pt(a.pt_bewilligt)} (verbraucht {prozent(a.pt_kumuliert, a.pt_bewilligt)})"),
                                        ("Erbrachte Leistungen", a.leistungen or "–")]))
    inhalt.append(h2("Reifegrad der OZG-Leistungen"))
    inhalt.append(tabelle([Sp("OZG-ID", 0.8), Sp("OZG-Leistung", 3.4), Sp("aktuell", 1.7, True), Sp("Modell 2.0", 1.2, True),
                           Sp("Ziel", 0.6, True)],
                          [[l.ozg_id, l.bezeichnung, l.reifegrad_text, l.reifegrad_2_0_text,
                            "–" if l.ziel_reifegrad is None else str(l.ziel_reifegrad)] for l in p.leistungen],
                          fortsetzung=name))
    inhalt.append(h2("Risiken"))
    inhalt.append(absatz(p.risiken or "–"))
    inhalt.append(h2("Nächste Schritte"))
    inhalt.append(absatz(p.naechste_schritte or "–"))
    mit = [x for x in (befunde or ()) if x.projekt == p.kennung and x.stellungnahme is not None]
    if mit:
        inhalt.append(h2("Stellungnahmen zu Befunden"))
        inhalt.append(tabelle([Sp("Datensatz", 2.2), Sp("Befund", 3.6), Sp("Stellungnahme des Ressorts", 3.6)],
                              [_befundzeile(x) for x in mit], fortsetzung=name))
    return inhalt


def pdf_projekte(b: Bestand, projekte: Sequence[ProjektDaten], q: Quartal, *, kennzeichnung: str = "",
                 entwurf: bool = False, befunde: Sequence[Befund] | None = None, aktenzeichen: str | None = None,
                 vorspann: Sequence[Flowable] = ()) -> bytes:
    """``aktenzeichen``: for the header (default: the project's own if there is one project);
    ``vorspann``: at the top of page 1 (the submission's „Fassung 2 vom …“)."""
    inhalt: list[Flowable] = list(vorspann)
    befunde = pruefen(b, q) if befunde is None else befunde  # callers that checked already pass theirs
    for i, p in enumerate(projekte):
        if i:
            inhalt.append(PageBreak())
        inhalt += projekt_inhalt(b, p, q, befunde)
    az = aktenzeichen if aktenzeichen is not None else projekte[0].aktenzeichen if len(projekte) == 1 else ""
    return pdf_erzeugen(kopf(b, q, kennzeichnung=kennzeichnung, entwurf=entwurf, aktenzeichen=az,
                             titel_text=f"{TITEL} – Projektbericht{'e' if len(projekte) > 1 else ''}"), inhalt)


# ============================================================================================= XLSX
def arbeitsmappe(b: Bestand, q: Quartal, projekte: Sequence[ProjektDaten] | None = None,
                 befunde: Sequence[Befund] | None = None, *, kennzeichnung: str = "", entwurf: bool = False,
                 aktenzeichen: str = "", fassung: str = "") -> Arbeitsmappe:
    """The report as a workbook; ``projekte`` None = the Ressort summary, else the project report.

    ``kennzeichnung``, ``entwurf`` and ``aktenzeichen`` as for the PDF; ``fassung`` names the version
    of a submission. The open findings on the sheet „Dokument“ are those of the sheet „Befunde“."""
    auswahl = None if projekte is None else list(projekte)
    projekte = list(b.projekte if projekte is None else projekte)
    kennungen = {p.kennung for p in projekte}
    befunde = [x for x in (pruefen(b, q) if befunde is None else befunde) if x.projekt is None or x.projekt in kennungen]
    titel_text = f"{TITEL} – " + ("Ressortübersicht" if auswahl is None else f"Projektbericht{'e' if len(auswahl) > 1 else ''}")
    if auswahl is not None and len(auswahl) == 1 and not aktenzeichen:
        aktenzeichen = auswahl[0].aktenzeichen
    am = Arbeitsmappe(angaben(b, titel_text, zeitraum=q, kennzeichnung=kennzeichnung, entwurf=entwurf, befunde=befunde,
                              pruefung=q, projekte=auswahl, aktenzeichen=aktenzeichen, fassung=fassung))
    am.blatt("Projektstatus", [
        Spalte("Kennung", breite=13), Spalte("Projekt", breite=24), Spalte("Behörde", breite=9),
        Spalte("Finanzierung", breite=22), Spalte("Projektleitung", breite=15), Spalte("Beginn", "datum", 10.5),
        Spalte("Ende", "datum", 10.5), Spalte("Ampel gesamt", breite=7), Spalte("Begründung gesamt", breite=24),
        Spalte("Ampel Zeit", breite=7), Spalte("Begründung Zeit", breite=24), Spalte("Ampel Kosten", breite=7),
        Spalte("Begründung Kosten", breite=24), Spalte("Ampel Umfang", breite=7), Spalte("Begründung Umfang", breite=24),
    ], [[p.kennung, p.titel, p.behoerde.kurzname if p.behoerde else "", p.finanzierung.label,
         p.projektleiter.name if p.projektleiter else "", p.beginn, p.ende,
         *[x for a in p.ampeln for x in (a.ampel.label, a.grund)]] for p in projekte])

    def werte(z: kz.Finanzzeile) -> list[int]:
        return [z.plan_quartal, z.ist_quartal, z.abweichung_quartal, z.plan_jahr, z.ist_jahr, z.plan_gesamt, z.ist_gesamt]

    def zellen(z: kz.Finanzzeile, plan_spalte: int) -> list[int | Formel]:
        """The figures of a row, the deviation as „Ist − Plan“ so that it follows a corrected figure."""
        plan, ist = get_column_letter(plan_spalte), get_column_letter(plan_spalte + 1)
        x: list[int | Formel] = list(werte(z))
        x[2] = Formel(f"={ist}{{zeile}}-{plan}{{zeile}}")
        return x

    voll = [(p, *kz.finanzen(p, q)) for p in projekte if kz.hat_finanzbericht(p)]
    # wide enough for the Ressort's totals (the sheet of totals per Haushaltsstelle holds formulas
    # whose results are not known here, but never exceed them)
    gesamt = kz.summe([g for _p, g, _ in voll]) if voll else None
    breite = max(len(format_euro(x)) for x in werte(gesamt)) + 1 if gesamt else 14  # bold, see xlsx._betragsbreite
    eur = [Spalte(titel, "euro", breite, True) for titel in (
        "Plan Quartal", "Ist Quartal", "Abweichung Quartal", "Plan Jahr kum.", "Ist Jahr kum.", "Plan gesamt kum.",
        "Ist gesamt kum.")]

    def fassung_(p: ProjektDaten) -> list[object]:
        k = kz.plan_in_kraft(p, q)
        return [k.fassung.version, k.fassung.stand, k.text] if k else [None, None, "kein Zahlungsplan"]

    am.blatt("Mittelabfluss", [Spalte("Kennung", breite=13)] + eur +
             [Spalte("Bewilligt Jahr", "euro", breite, True), Spalte("Zahlungsplan Fassung", "zahl", 9),
              Spalte("Fassung vom", "datum", 10.5), Spalte("Zahlungsplan (zum Quartalsende)", breite=30),
              Spalte("Begründung Abweichung", breite=30)],
             [[p.kennung, *zellen(g, 2), kz.bewilligt(p, q.jahr), *fassung_(p),
               next(a.grund for a in p.ampeln if a.dimension == "Kosten")] for p, g, _ in voll])
    am.blatt("Haushaltsstellen", [Spalte("Kennung", breite=13), Spalte("Haushaltsstelle", breite=12)] + eur +
             [Spalte("wesentliche Abweichung", breite=12)],
             [[p.kennung, z.haushaltsstelle, *zellen(z, 3), "ja" if kz.wesentlich(z.plan_quartal, z.ist_quartal) else "nein"]
              for p, _, zs in voll for z in zs])
    stellen = sorted({z.haushaltsstelle for _p, _g, zs in voll for z in zs})
    # the PDF's table „Nach Haushaltsstellen“: the Ressort's total per budget line, as formulas over
    # the sheet „Haushaltsstellen“, so a corrected figure there corrects the total here
    am.blatt("Summen Haushaltsstellen", [Spalte("Haushaltsstelle", breite=15)] + eur,
             [[h, *(am.summewenns("Haushaltsstellen", s.titel, [("Haushaltsstelle", "$A{zeile}")]) for s in eur)]
              for h in stellen])
    u = [(p, kz.aufwand(p, q)) for p in projekte if kz.hat_aufwandsbericht(p)]
    am.blatt("Personentage", [Spalte("Kennung", breite=13), Spalte("PT Quartal", "pt", 11, True),
                              Spalte("PT kumuliert", "pt", 11, True), Spalte("PT bewilligt", "pt", 11, True),
                              Spalte("Erbrachte Leistungen", breite=60)],
             [[p.kennung, a.pt_quartal, a.pt_kumuliert, a.pt_bewilligt, a.leistungen] for p, a in u])
    am.blatt("Meilensteine", [Spalte("Kennung", breite=13), Spalte("Meilenstein", breite=40), Spalte("Arbeitspaket", breite=28),
                              Spalte("Plan", "datum", 10.5), Spalte("Prognose", "datum", 10.5), Spalte("Ist", "datum", 10.5),
                              Spalte("Status", breite=16), Spalte("Verschiebungen", "zahl", 8),
                              Spalte("Verzug Tage", "zahl", 8)],
             [[p.kennung, m.titel, m.arbeitspaket, m.plan_datum, m.prognose_datum, m.ist_datum, kz.status_text(m, b.stand),
               len(m.verschiebungen), m.verzug_tage] for p in projekte for m in p.meilensteine], summenzeile=False)
    am.blatt("Reifegrad", [Spalte("Kennung", breite=13), Spalte("OZG-ID", breite=8), Spalte("OZG-Leistung", breite=40),
                           Spalte("Reifegrad", "zahl", 9), Spalte("Modell", breite=7), Spalte("bewertet am", "datum", 10.5),
                           Spalte("Reifegrad 2.0", "zahl", 9), Spalte("2.0 bewertet am", "datum", 10.5),
                           Spalte("Ziel-Reifegrad", "zahl", 9), Spalte("online", breite=7)],
             [[p.kennung, l.ozg_id, l.bezeichnung, l.reifegrad, l.reifegrad_modell, l.reifegrad_datum, l.reifegrad_2_0,
               l.reifegrad_2_0_datum, l.ziel_reifegrad, "ja" if l.online else "nein"]
              for p in projekte for l in p.leistungen], summenzeile=False)
    am.blatt("Risiken", [Spalte("Kennung", breite=13), Spalte("Risiken", breite=60), Spalte("Nächste Schritte", breite=60)],
             [[p.kennung, p.risiken, p.naechste_schritte] for p in projekte], summenzeile=False)
    am.blatt("Befunde", [Spalte("Befund-ID", breite=14), Spalte("Art", breite=8), Spalte("Datensatz", breite=34),
                         Spalte("Befund", breite=60), Spalte("Stellungnahme", breite=50), Spalte("von", breite=18),
                         Spalte("am", "datum", 10.5)],
             [[x.id, x.schwere, x.datensatz, x.text, *((x.stellungnahme.text, x.stellungnahme.erstellt_von,
                                                         x.stellungnahme.erstellt_am.date()) if x.stellungnahme
                                                        else ("", "", None))] for x in befunde], summenzeile=False)
    return am


def xlsx(b: Bestand, q: Quartal, projekte: Sequence[ProjektDaten] | None = None,
         befunde: Sequence[Befund] | None = None, *, kennzeichnung: str = "", entwurf: bool = False,
         aktenzeichen: str = "") -> bytes:
    return arbeitsmappe(b, q, projekte, befunde, kennzeichnung=kennzeichnung, entwurf=entwurf,
                        aktenzeichen=aktenzeichen).bytes()
