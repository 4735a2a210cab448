"""The programme-wide quarterly overview as PDF/A-2b and XLSX, in the style of every ozgdesk document.

Same page frame, tables and formats as the Ressorts' reports (``reports.layout``, ``reports.format``,
``reports.xlsx``): A4 portrait, header with the receiver (a setting, default BMDS) and its Referat,
„Stand“, Schutzvermerk in header and footer, „Seite X von Y“, amounts exact to the cent in German
format, a total row under every table. The workbook has one sheet per section with ``=SUM`` totals
and a sheet of all projects, so a controller can filter and recompute.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl.styles import Alignment, NamedStyle
from openpyxl.styles.fonts import DEFAULT_FONT
from reportlab.platypus import Flowable

from ozgdesk.empfang.auswertung import FEHLT, STUFEN, VERSPAETET, Eingang, RessortZeile, Uebersicht
from ozgdesk.model import empfaenger
from ozgdesk.model.values import REIFEGRAD_1_1, anzahl
from ozgdesk.reports.format import betrag, datum, prozent
from ozgdesk.reports.layout import EINLEITUNG, HINWEIS, Kopf, Sp, abstand, absatz, h1, haftend, pdf_erzeugen, tabelle, titel
from ozgdesk.reports.xlsx import Arbeitsmappe, Dokumentangaben, Formel, Spalte

TITEL = "Programmübersicht Digitalisierungsprogramm Bund"
_AMPEL = {"gruen": "grün", "gelb": "gelb", "rot": "rot"}
_FINANZIERUNG = {"voll": "vollfinanziert", "unterstuetzung": "Unterstützungsleistungen", "eigen": "Eigenmittel"}


def dateiname(u: Uebersicht, endung: str) -> str:
    return f"Programmuebersicht_{u.quartal}.{endung}"


def _erlaeuterung(text: str) -> Flowable:
    """The note under a heading that explains the table below: kept on the page with its first rows."""
    return haftend(absatz(text, HINWEIS))


def _ablageort(pfad: str) -> str:
    """The last four parts of a package's path („outbox / BMAS / 2026-Q3 / v2“), breakable between
    them; the full path is in the workbook."""
    return " / ".join(Path(pfad).parts[-4:])


def _lokal_datum(e: Eingang) -> str:
    return datum(e.erste.astimezone().date()) if e.erste else "–"


# ============================================================================================== PDF
def _einleitung(u: Uebersicht) -> list[Flowable]:
    gueltig = [e for e in u.eingang if e.paket is not None]
    fehlen = [e for e in u.eingang if e.zustand == FEHLT]
    spaet = [e for e in u.eingang if e.zustand == VERSPAETET]
    s = u.summe
    text = (f"Grundlage ist je Ressort die neueste gültige Fassung seiner Einreichung für das {u.quartal.lang}. "
            f"{len(gueltig)} von {len(u.eingang)} Ressorts haben gültig eingereicht (erwartet: {u.erwartet_aus}); "
            f"{len(fehlen)} {'fehlt' if len(fehlen) == 1 else 'fehlen'}, {len(spaet)} "
            f"{'kam' if len(spaet) == 1 else 'kamen'} nach der Frist ({datum(u.frist)}), "
            f"{anzahl(len(u.abgelehnt), 'Paket wurde', 'Pakete wurden')} bei der Prüfung abgelehnt.")
    if s.finanzen.plan_quartal or s.finanzen.ist_quartal:
        text += (f" Mittelabfluss im Quartal: {betrag(s.finanzen.ist_quartal)} € bei {betrag(s.finanzen.plan_quartal)} € "
                 f"Plan ({prozent(s.finanzen.ist_quartal, s.finanzen.plan_quartal)}).")
    if s.meilensteine.bis_faellig:
        text += (f" Meilensteine: {s.meilensteine.bis_erreicht} von {s.meilensteine.bis_faellig} bis zum Quartalsende "
                 f"fälligen erreicht ({prozent(s.meilensteine.bis_erreicht, s.meilensteine.bis_faellig)}).")
    return [absatz(text)]


def _abschnitt_eingang(u: Uebersicht) -> list[Flowable]:
    zeilen = [[e.ressort, e.name, str(e.paket.fassung) if e.paket else "–", _lokal_datum(e) if e.paket else "–",
               e.paket.signatur_text if e.paket else "–", e.zustand_text, str(e.abgelehnt) if e.abgelehnt else "–"]
              for e in u.eingang]
    return [h1("1 Eingang der Einreichungen"),
            _erlaeuterung(f"Frist: {datum(u.frist)} (15 Tage nach Quartalsende). Maßgeblich ist der im Manifest "
                          "genannte Erstellungszeitpunkt der ersten gültigen Fassung; die Tabelle nennt die verwendete "
                          "Fassung."),
            tabelle([Sp("Ressort", 0.8), Sp("Name", 3), Sp("Fassung", 0.6, True), Sp("erste Fassung am", 1, True),
                     Sp("Signatur", 2.2), Sp("Eingang", 1.2), Sp("abgelehnt", 0.7, True)], zeilen,
                    fortsetzung="Eingang der Einreichungen")]


def _abschnitt_finanzen(u: Uebersicht) -> list[Flowable]:
    teile: list[Flowable] = [h1("3 Mittelabfluss gegen Zahlungsplan"),
                             _erlaeuterung("Vollfinanzierte Projekte, wie die Ressorts sie berichten: gemessen an der "
                                           "zum Quartalsende geltenden Fassung des Zahlungsplans. Kumuliert „Jahr“ = "
                                           f"1. Quartal {u.quartal.jahr} bis {u.quartal.kurz}.")]
    if not u.ressorts:
        return teile + [absatz("Für das Quartal liegt keine gültige Einreichung vor.")]

    def quartal(z: RessortZeile) -> list[str]:
        f = z.finanzen
        return [z.ressort, str(z.projekte), betrag(f.plan_quartal), betrag(f.ist_quartal), betrag(f.abweichung_quartal),
                prozent(f.ist_quartal, f.plan_quartal)]

    def jahr(z: RessortZeile) -> list[str]:
        f = z.finanzen
        return [z.ressort, betrag(f.plan_jahr), betrag(f.ist_jahr), prozent(f.ist_jahr, f.plan_jahr),
                betrag(f.bewilligt_jahr), prozent(f.ist_jahr, f.bewilligt_jahr)]

    teile += [absatz("Im Quartal", EINLEITUNG),
              tabelle([Sp("Ressort", 1), Sp("Projekte", 0.8, True), Sp("Plan Quartal (€)", 1.5, True),
                       Sp("Ist Quartal (€)", 1.5, True), Sp("Abweichung (€)", 1.5, True), Sp("Ist/Plan", 0.8, True)],
                      [quartal(z) for z in u.ressorts], summe=quartal(u.summe), fortsetzung="Mittelabfluss im Quartal"),
              abstand(3), absatz("Im Jahr kumuliert", EINLEITUNG),
              tabelle([Sp("Ressort", 1), Sp("Plan Jahr kum. (€)", 1.5, True), Sp("Ist Jahr kum. (€)", 1.5, True),
                       Sp("Ist/Plan", 0.8, True), Sp("Bewilligt Jahr (€)", 1.5, True), Sp("Ist/Bewilligt", 0.9, True)],
                      [jahr(z) for z in u.ressorts], summe=jahr(u.summe), fortsetzung="Mittelabfluss im Jahr kumuliert")]
    if u.haushaltsstellen:
        s = u.summe.finanzen
        teile += [abstand(3), absatz("Je Haushaltsstelle (im Quartal)", EINLEITUNG),
                  tabelle([Sp("Ressort", 1), Sp("Haushaltsstelle", 1.3), Sp("Plan Quartal (€)", 1.5, True),
                           Sp("Ist Quartal (€)", 1.5, True), Sp("Abweichung (€)", 1.5, True), Sp("Ist/Plan", 0.8, True)],
                          [[h.ressort, h.haushaltsstelle, betrag(h.finanzen.plan_quartal), betrag(h.finanzen.ist_quartal),
                            betrag(h.finanzen.abweichung_quartal), prozent(h.finanzen.ist_quartal, h.finanzen.plan_quartal)]
                           for h in u.haushaltsstellen],
                          summe=["Summe", "", betrag(s.plan_quartal), betrag(s.ist_quartal), betrag(s.abweichung_quartal),
                                 prozent(s.ist_quartal, s.plan_quartal)], fortsetzung="Mittelabfluss je Haushaltsstelle")]
    return teile


def _abschnitt_meilensteine(u: Uebersicht) -> list[Flowable]:
    def zeile(z: RessortZeile) -> list[str]:
        m = z.meilensteine
        return [z.ressort, str(m.quartal_faellig), str(m.quartal_erreicht), str(m.bis_faellig), str(m.bis_erreicht),
                prozent(m.bis_erreicht, m.bis_faellig), str(m.gefaehrdet)]

    return [h1("4 Meilensteine"),
            _erlaeuterung("Fällig nach Plantermin; erreicht heißt „erreicht“ oder „verspätet erreicht“ mit Ist-Termin "
                          "bis zum Quartalsende; entfallene Meilensteine zählen nicht. „gefährdet“ nach dem Stand der "
                          "Einreichung."),
            tabelle([Sp("Ressort", 1), Sp("im Quartal fällig", 1, True), Sp("davon erreicht", 1, True),
                     Sp("bis Quartalsende fällig", 1.2, True), Sp("davon erreicht", 1, True), Sp("Quote", 0.8, True),
                     Sp("gefährdet", 0.9, True)], [zeile(z) for z in u.ressorts], summe=zeile(u.summe),
                    fortsetzung="Meilensteine")]


def _abschnitt_reifegrad(u: Uebersicht) -> list[Flowable]:
    def zeile(z: RessortZeile) -> list[str]:
        r = z.reifegrade
        return [z.ressort, str(r.leistungen), str(r.online), str(r.nicht_bewertet), *map(str, r.modell_11)]

    teile: list[Flowable] = [
        h1("5 Reifegrad der OZG-Leistungen"),
        _erlaeuterung("Jede OZG-Leistung einmal je Ressort (berichten mehrere Projekte dieselbe, zählt der höchste "
                      "Reifegrad). Modell 1.1: " + ", ".join(f"{k} {v}" for k, v in REIFEGRAD_1_1.items()) +
                      "; online ab Stufe 2 im Modell 1.1 bzw. 3 im Modell 2.0."),
        absatz("Alle OZG-Leistungen; Stufen nach Modell 1.1", EINLEITUNG),
        tabelle([Sp("Ressort", 1), Sp("OZG-Leistungen", 1.1, True), Sp("online", 0.8, True), Sp("nicht bewertet", 1, True),
                 *(Sp(f"Stufe {i}", 0.7, True) for i in range(STUFEN["1.1"]))],
                [zeile(z) for z in u.ressorts], summe=zeile(u.summe), fortsetzung="Reifegrad nach Modell 1.1")]
    if any(u.summe.reifegrade.modell_20):
        teile += [abstand(3), absatz("Nach Modell 2.0 bewertet", EINLEITUNG),
                  tabelle([Sp("Ressort", 1), *(Sp(f"Stufe {i}", 0.7, True) for i in range(STUFEN["2.0"]))],
                          [[z.ressort, *map(str, z.reifegrade.modell_20)] for z in u.ressorts],
                          summe=["Summe", *map(str, u.summe.reifegrade.modell_20)], fortsetzung="Reifegrad nach Modell 2.0")]
    return teile


def _abschnitt_befunde(u: Uebersicht) -> list[Flowable]:
    def zeile(z: RessortZeile) -> list[str]:
        b = z.befunde
        return [z.ressort, str(b.gesamt), str(b.mit_stellungnahme), str(b.offen)]

    teile: list[Flowable] = [
        h1("6 Befunde und Stellungnahmen"),
        _erlaeuterung("Befunde der Prüfung, die jedes Ressort vor dem Einreichen durchführt: „mit Stellungnahme“ sind "
                      "zutreffende Sachverhalte, die das Ressort erläutert und die hier zu würdigen sind; „offen“ sind "
                      "Hinweise ohne Stellungnahme."),
        tabelle([Sp("Ressort", 1), Sp("Befunde", 1, True), Sp("mit Stellungnahme", 1.3, True), Sp("offen", 1, True)],
                [zeile(z) for z in u.ressorts], summe=zeile(u.summe), fortsetzung="Befunde")]
    if u.stellungnahmen:
        teile += [absatz("Stellungnahmen der Ressorts", EINLEITUNG),
                  tabelle([Sp("Ressort", 0.7), Sp("Datensatz", 1.2), Sp("Befund", 3), Sp("Stellungnahme", 3)],
                          [[x.ressort, x.datensatz, x.befund, x.stellungnahme + (f" ({x.von})" if x.von else "")]
                           for x in u.stellungnahmen], fortsetzung="Stellungnahmen der Ressorts")]
    return teile


def _abschnitt_fehlend(u: Uebersicht) -> list[Flowable]:
    teile: list[Flowable] = [h1("2 Fehlende, verspätete und abgelehnte Pakete")]
    auffaellig = [e for e in u.eingang if e.zustand != "rechtzeitig"]
    if auffaellig:
        teile.append(tabelle([Sp("Ressort", 0.8), Sp("Name", 3), Sp("Eingang", 1.4), Sp("erste Fassung am", 1, True)],
                             [[e.ressort, e.name, e.zustand_text, _lokal_datum(e)] for e in auffaellig],
                             fortsetzung="Fehlende und verspätete Pakete"))
    else:
        teile.append(absatz("Alle erwarteten Ressorts haben fristgerecht eingereicht."))
    if u.abgelehnt:
        teile += [absatz("Abgelehnte Pakete (nicht eingelesen; Ressort, Zeitraum und Fassung laut Paket, ungeprüft)",
                         EINLEITUNG),
                  tabelle([Sp("Ressort", 0.8), Sp("Zeitraum", 0.8), Sp("Fassung", 0.6, True), Sp("Ablageort", 2.5),
                           Sp("eingelesen", 0.9, True), Sp("Grund", 0, eigene_zeile=True)],
                          [[p.ressort or "–", p.zeitraum or "–", str(p.fassung) if p.fassung else "–",
                            _ablageort(p.pfad), datum(p.eingang.astimezone().date()), p.grund or "–"]
                           for p in u.abgelehnt], fortsetzung="Abgelehnte Pakete")]
    return teile


def pdf(u: Uebersicht, *, kennzeichnung: str = "") -> bytes:
    inhalt: list[Flowable] = titel(TITEL, f"{u.quartal.lang} ({datum(u.quartal.beginn)} bis {datum(u.quartal.ende)}) – "
                                          "Einreichungen der Ressorts")
    inhalt += _einleitung(u)
    inhalt += _abschnitt_eingang(u)
    inhalt += _abschnitt_fehlend(u)
    inhalt += _abschnitt_finanzen(u)
    inhalt += _abschnitt_meilensteine(u)
    inhalt += _abschnitt_reifegrad(u)
    inhalt += _abschnitt_befunde(u)
    kopf = Kopf(ressort=u.empfaenger, referat=u.referat, titel=TITEL, zeitraum=u.quartal.lang, stand=u.stand,
                kennzeichnung=kennzeichnung, autor=u.referat,
                betreff=f"{TITEL}, {u.quartal.kurz}: Mittelabfluss, Meilensteine, Reifegrad, Stellungnahmen und Eingang "
                        "der Einreichungen der Ressorts")
    return pdf_erzeugen(kopf, inhalt)


# ============================================================================================= XLSX
def _differenz(ist: str, plan: str) -> Formel:
    return Formel(f"={ist}{{zeile}}-{plan}{{zeile}}")


#: Shares as numbers the workbook computes itself (sortable, filterable), German format „102,6 %“.
PROZENT_FORMAT = "[$-407]0.0 %"


def _quote(am: Arbeitsmappe, blatt: str, spalte: str, teil: str, ganzes: str) -> None:
    """Column ``spalte`` of ``blatt`` as the formula ``teil/ganzes`` in every data row and the total
    row – empty where there is nothing to compare with, as the PDF's „–“. The shared workbook builder
    knows no percentages; the two styles are added to this workbook only."""
    wb = am.wb
    for name, fett in (("ozgdesk Anteil", False), ("ozgdesk Summe Anteil", True)):
        if name not in wb.named_styles:
            schrift = copy(DEFAULT_FONT)
            schrift.b = fett
            wb.add_named_style(NamedStyle(name=name, font=schrift, number_format=PROZENT_FORMAT,
                                          alignment=Alignment(vertical="top")))
    erste, letzte, summe = am.bereiche[blatt]
    ws = wb[blatt]
    for zeile in [*range(erste, letzte + 1), *([summe] if summe else [])]:
        zelle = ws[f"{spalte}{zeile}"]
        zelle.value = f'=IF({ganzes}{zeile}=0,"",{teil}{zeile}/{ganzes}{zeile})'
        zelle.style = "ozgdesk Summe Anteil" if zeile == summe else "ozgdesk Anteil"


def xlsx(u: Uebersicht, *, kennzeichnung: str = "") -> bytes:
    gueltig = sum(1 for e in u.eingang if e.paket is not None)
    am = Arbeitsmappe(Dokumentangaben(
        titel=TITEL, ressort=u.empfaenger, ressort_kurz=empfaenger.kurz(u.empfaenger), referat=u.referat, stand=u.stand,
        zeitraum=u.quartal.lang, zeitraum_tage=(u.quartal.beginn, u.quartal.ende), kennzeichnung=kennzeichnung,
        weitere=(("Grundlage", "je Ressort die neueste gültige Fassung der Einreichung"),
                 ("Ressorts mit gültiger Einreichung", gueltig), ("Erwartete Ressorts", len(u.eingang)),
                 ("Erwartet laut", u.erwartet_aus), ("Frist", u.frist), ("Abgelehnte Pakete", len(u.abgelehnt)))))
    am.blatt("Eingang", [
        Spalte("Ressort", breite=9), Spalte("Name", breite=40), Spalte("Eingang", breite=16),
        Spalte("Fassung", "zahl", 8), Spalte("gültige Fassungen", "zahl", 10), Spalte("erste Fassung erstellt", "datum", 12),
        Spalte("verwendete Fassung erstellt", "datum", 12), Spalte("erstellt von", breite=20), Spalte("Signatur", breite=40),
        Spalte("abgelehnt", "zahl", 10), Spalte("Paket", breite=50), Spalte("Manifest SHA-256", breite=20)],
        [[e.ressort, e.name, e.zustand_text, e.paket.fassung if e.paket else None, e.fassungen,
          e.erste.astimezone().date() if e.erste else None,
          e.paket.erstellt_am.astimezone().date() if e.paket and e.paket.erstellt_am else None,
          e.paket.erstellt_von if e.paket else None, e.paket.signatur_text if e.paket else None, e.abgelehnt,
          e.paket.pfad if e.paket else None, e.paket.manifest_sha256 if e.paket else None] for e in u.eingang],
        summenzeile=False)
    euro = [Spalte("Plan Quartal", "euro", 16, True), Spalte("Ist Quartal", "euro", 16, True),
            Spalte("Abweichung Quartal", "euro", 16, True)]
    quote = Spalte("Ist/Plan Quartal", breite=10)
    am.blatt("Mittelabfluss", [
        Spalte("Ressort", breite=9), Spalte("Projekte", "zahl", 9, True), *euro, quote,
        Spalte("Plan Jahr kum.", "euro", 16, True), Spalte("Ist Jahr kum.", "euro", 16, True),
        Spalte("Ist/Plan Jahr", breite=10), Spalte("Plan gesamt kum.", "euro", 16, True),
        Spalte("Ist gesamt kum.", "euro", 16, True), Spalte("Bewilligt Jahr", "euro", 16, True),
        Spalte("Bewilligt gesamt", "euro", 16, True)],
        [[z.ressort, z.projekte, z.finanzen.plan_quartal, z.finanzen.ist_quartal, _differenz("D", "C"), None,
          z.finanzen.plan_jahr, z.finanzen.ist_jahr, None, z.finanzen.plan_gesamt, z.finanzen.ist_gesamt,
          z.finanzen.bewilligt_jahr, z.finanzen.bewilligt_gesamt] for z in u.ressorts])
    _quote(am, "Mittelabfluss", "F", "D", "C")
    _quote(am, "Mittelabfluss", "I", "H", "G")
    am.blatt("Haushaltsstellen", [
        Spalte("Ressort", breite=9), Spalte("Haushaltsstelle", breite=14), *euro, quote,
        Spalte("Plan Jahr kum.", "euro", 16, True), Spalte("Ist Jahr kum.", "euro", 16, True),
        Spalte("Plan gesamt kum.", "euro", 16, True), Spalte("Ist gesamt kum.", "euro", 16, True)],
        [[h.ressort, h.haushaltsstelle, h.finanzen.plan_quartal, h.finanzen.ist_quartal, _differenz("D", "C"), None,
          h.finanzen.plan_jahr, h.finanzen.ist_jahr, h.finanzen.plan_gesamt, h.finanzen.ist_gesamt]
         for h in u.haushaltsstellen])
    _quote(am, "Haushaltsstellen", "F", "D", "C")
    am.blatt("Meilensteine", [
        Spalte("Ressort", breite=9), Spalte("im Quartal fällig", "zahl", 10, True),
        Spalte("im Quartal erreicht", "zahl", 10, True), Spalte("bis Quartalsende fällig", "zahl", 12, True),
        Spalte("bis Quartalsende erreicht", "zahl", 12, True), Spalte("Quote", breite=9),
        Spalte("gefährdet", "zahl", 10, True)],
        [[z.ressort, z.meilensteine.quartal_faellig, z.meilensteine.quartal_erreicht, z.meilensteine.bis_faellig,
          z.meilensteine.bis_erreicht, None, z.meilensteine.gefaehrdet] for z in u.ressorts])
    _quote(am, "Meilensteine", "F", "E", "D")
    am.blatt("Reifegrad", [
        Spalte("Ressort", breite=9), Spalte("OZG-Leistungen", "zahl", 10, True), Spalte("online", "zahl", 8, True),
        Spalte("nicht bewertet", "zahl", 10, True),
        *(Spalte(f"Modell 1.1 Stufe {i}", "zahl", 9, True) for i in range(STUFEN["1.1"])),
        *(Spalte(f"Modell 2.0 Stufe {i}", "zahl", 9, True) for i in range(STUFEN["2.0"]))],
        [[z.ressort, z.reifegrade.leistungen, z.reifegrade.online, z.reifegrade.nicht_bewertet, *z.reifegrade.modell_11,
          *z.reifegrade.modell_20] for z in u.ressorts])
    am.blatt("Befunde", [
        Spalte("Ressort", breite=9), Spalte("Befunde", "zahl", 10, True), Spalte("mit Stellungnahme", "zahl", 12, True),
        Spalte("offen", "zahl", 10, True)],
        [[z.ressort, z.befunde.gesamt, z.befunde.mit_stellungnahme, z.befunde.offen] for z in u.ressorts])
    am.blatt("Stellungnahmen", [
        Spalte("Ressort", breite=9), Spalte("Datensatz", breite=16), Spalte("Befund", breite=60),
        Spalte("Stellungnahme", breite=60), Spalte("von", breite=20)],
        [[x.ressort, x.datensatz, x.befund, x.stellungnahme, x.von] for x in u.stellungnahmen], summenzeile=False)
    am.blatt("Projekte", [
        Spalte("Ressort", breite=9), Spalte("Kennung", breite=14), Spalte("Titel", breite=45), Spalte("Behörde", breite=10),
        Spalte("Finanzierung", breite=14), Spalte("Ampel", breite=7), *euro, Spalte("Plan Jahr kum.", "euro", 16, True),
        Spalte("Ist Jahr kum.", "euro", 16, True)],
        [[p.ressort, p.kennung, p.titel, p.behoerde, _FINANZIERUNG.get(p.finanzierung, p.finanzierung),
          _AMPEL.get(p.ampel or "", p.ampel), *((p.finanzen.plan_quartal, p.finanzen.ist_quartal, _differenz("H", "G"),
                                                 p.finanzen.plan_jahr, p.finanzen.ist_jahr) if p.finanzen else
                                                (None,) * 5)] for p in u.projekte])
    am.blatt("Abgelehnt", [
        Spalte("Ressort (laut Paket)", breite=10), Spalte("Zeitraum", breite=9), Spalte("Fassung", "zahl", 8),
        Spalte("eingelesen am", "datum", 12), Spalte("Paket", breite=50), Spalte("Grund", breite=80)],
        [[p.ressort, p.zeitraum, p.fassung, p.eingang.astimezone().date(), p.pfad, p.grund] for p in u.abgelehnt],
        summenzeile=False)
    return am.bytes()


__all__ = ["TITEL", "dateiname", "pdf", "xlsx"]
