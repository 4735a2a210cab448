"""Catalogue commands: ``katalog import|status|anforderung`` and ``leistungen scope``.

``katalog import`` always shows the difference first; without ``--dry-run`` it then applies it in
one transaction. The file is read and checked completely before the database is opened for
writing, so a refused file never leaves a trace; rows with bad values are listed as Hinweise
(``"warnings"`` with --json). ``katalog zuruecknehmen`` takes the last applied import back.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.dateien import atomar_schreiben
from ozgdesk.model.einrichtung import ressort_von
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.katalogimport import anforderung, bereich, ruecknahme
from ozgdesk.model.katalogimport.anwenden import anwenden, bedenken
from ozgdesk.model.katalogimport.datensaetze import Anforderungsart, Anforderungsstatus
from ozgdesk.model.katalogimport.uebersicht import katalogstatus
from ozgdesk.model.katalogimport.vergleich import Katalogdiff, vergleichen
from ozgdesk.model.katalogimport.zeilen import lesen
from ozgdesk.model.values import anzahl, format_datum, format_zahl, ist_email, parse_datum

_ZEIGEN = 20  # list items shown per group in the terminal; --json has all


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("katalog", help="OZG-Umsetzungskatalog importieren, Stand anzeigen, Änderungen anfordern")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)

    q = unter.add_parser("import", help="Katalogexport (XLSX oder CSV) vergleichen und übernehmen",
                         description="Liest den offiziellen Export des OZG-Umsetzungskatalogs (eine Zeile je "
                         "LeiKa-Leistung, XLSX oder CSV), zeigt die Änderungen gegenüber dem Katalog in der "
                         "Datenbank und übernimmt sie (ohne --dry-run). Daten des Ressorts (Zuständigkeit, "
                         "Projekte, Reifegrade, Verantwortliche, Bemerkungen) bleiben immer erhalten.")
    q.add_argument("datei", metavar="DATEI", help="Katalogexport als .xlsx oder .csv")
    q.add_argument("--dry-run", action="store_true", help="nur vergleichen, nichts speichern")
    q.add_argument("--erzwingen", action="store_true",
                   help="auch übernehmen, wenn mehr als ein Viertel der OZG-Leistungen entfernt würde")
    json_option(q)
    q.set_defaults(func=cmd_import)

    q = unter.add_parser("zuruecknehmen", help="letzten Katalogimport zurücknehmen (Ressortdaten bleiben)",
                         description="Nimmt den zuletzt übernommenen Katalogimport in einem Schritt zurück: was er "
                         "angelegt hat, wird entfernt, was er geändert oder entfernt hat, wiederhergestellt – aus "
                         "dem Änderungsprotokoll. Daten des Ressorts bleiben erhalten; eine neu aufgenommene "
                         "OZG-Leistung mit Ressortdaten wird nur als „nicht mehr im Katalog“ markiert.")
    q.add_argument("--import-id", metavar="ID", help="Kennung des Imports (Standard: der letzte; nur dieser geht)")
    q.add_argument("--dry-run", action="store_true", help="nur anzeigen, was zurückgenommen würde")
    json_option(q)
    q.set_defaults(func=cmd_zuruecknehmen)

    q = unter.add_parser("status", help="Umfang des Katalogs und letzter Import")
    json_option(q)
    q.set_defaults(func=cmd_status)

    q = unter.add_parser("anforderung", help="Änderungsanforderungen zum OZG-Umsetzungskatalog (fehlende, fehlerhafte, "
                         "veraltete Leistungen)")
    anf = q.add_subparsers(title="Befehle", dest="anforderung_befehl", metavar="BEFEHL", required=True)
    r = anf.add_parser("neu", help="Änderungsanforderung entwerfen")
    r.add_argument("--art", required=True, choices=[a.value for a in Anforderungsart],
                   help="fehlt, fehlerhaft oder veraltet")
    r.add_argument("--ozg-id", help="betroffene OZG-Leistung (bei „fehlt“ weglassen)")
    r.add_argument("--betreff", required=True, help="Anliegen in einem Satz")
    r.add_argument("--beschreibung", default="", help="was fehlt, falsch oder veraltet ist")
    r.add_argument("--vorschlag", default="", help="vorgeschlagene Bezeichnung, Einordnung oder Korrektur")
    r.add_argument("--begruendung", required=True, help="Begründung (z. B. Rechtsgrundlage)")
    r.add_argument("--ansprechpartner", help="Person (Name oder E-Mail); Standard: Ansprechpartner des Ressorts")
    r.add_argument("--an", help="Empfängeradresse; Standard: zentrales Postfach (katalog anforderung postfach)")
    r.add_argument("--aktenzeichen", default="", help="Aktenzeichen")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_neu)
    r = anf.add_parser("list", help="Änderungsanforderungen auflisten")
    r.add_argument("--status", choices=[s.value for s in Anforderungsstatus], help="nur dieser Status")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_list)
    r = anf.add_parser("text", help="Text zum Versand an das zentrale Postfach ausgeben")
    r.add_argument("kennung", metavar="KENNUNG", help="z. B. KA-2026-001")
    r.add_argument("--out", metavar="DATEI.txt", help="in diese Datei schreiben statt auf den Bildschirm")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_text)
    r = anf.add_parser("pdf", help="Änderungsanforderung als PDF schreiben")
    r.add_argument("kennung", metavar="KENNUNG")
    r.add_argument("--out", required=True, metavar="DATEI.pdf")
    r.add_argument("--kennzeichnung", help="Schutzvermerk in Kopf- und Fußzeile, z. B. "
                   "„VS-NUR FÜR DEN DIENSTGEBRAUCH“")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_pdf)
    r = anf.add_parser("status", help="Status setzen (versendet, uebernommen, abgelehnt, zurueckgezogen, entwurf)")
    r.add_argument("kennung", metavar="KENNUNG")
    r.add_argument("status", choices=[s.value for s in Anforderungsstatus])
    r.add_argument("--datum", help="Versanddatum (TT.MM.JJJJ), Standard heute")
    r.add_argument("--antwort", help="Antwort oder Vermerk der Katalogpflege")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_status)
    r = anf.add_parser("postfach", help="zentrales Postfach für Änderungsanforderungen festlegen")
    r.add_argument("adresse", metavar="E-MAIL")
    json_option(r)
    r.set_defaults(func=cmd_anforderung_postfach)


def scope_registrieren(unter: argparse._SubParsersAction) -> None:
    """``leistungen scope`` – called from the ``leistungen`` parser in :mod:`ozgdesk.cli.grund`."""
    q = unter.add_parser("scope", help="Zuständigkeit des Ressorts festlegen (Auswahl, Behörde, Projektleiter)",
                         description="Wählt OZG-Leistungen aus (alle Angaben müssen zutreffen) und nimmt sie in "
                         "den Zuständigkeitsbereich des Ressorts auf – Grundlage der Statusermittlung. "
                         "Beispiel: leistungen scope --typ 1 --themenfeld Arbeit --behoerde BA")
    q.add_argument("--typ", help="nur dieser Typ, z. B. 1")
    q.add_argument("--themenfeld", help="Themenfeld (Name, Teil des Namens oder Nummer)")
    q.add_argument("--suche", help="Text in der Bezeichnung")
    q.add_argument("--ozg-id", nargs="+", default=[], metavar="OZG-ID", help="diese OZG-IDs")
    q.add_argument("--behoerde", help="zuständige Behörde zuweisen (Kurzname oder Name)")
    q.add_argument("--projektleiter", help="Projektleiter ergänzen (Name oder E-Mail)")
    modus = q.add_mutually_exclusive_group()
    modus.add_argument("--entfernen", action="store_true", help="Auswahl aus dem Zuständigkeitsbereich entfernen")
    modus.add_argument("--ersetzen", action="store_true", help="Auswahl wird der ganze Zuständigkeitsbereich")
    q.add_argument("--dry-run", action="store_true", help="nur anzeigen, nichts speichern")
    json_option(q)
    q.set_defaults(func=cmd_leistungen_scope)


# ---------------------------------------------------------------------------------------------- import
def cmd_import(args: argparse.Namespace) -> int:
    stand = lesen(Path(args.datei))  # refused files raise here, before the database is opened
    with store_oeffnen(args) as store:
        if args.dry_run:
            with store.lesen() as s:
                ressort_von(s)  # a catalogue without a Ressort is a mistake (wrong --home)
                d = vergleichen(s, stand)
            eintrag_id = None
        else:
            with store.session(quelle="katalogimport") as s:
                ressort_von(s)
                d, eintrag = anwenden(s, stand, erzwingen=args.erzwingen)
                eintrag_id = eintrag.id if eintrag else None
    if args.json:
        json_ausgeben({**d.als_json(), "applied": eintrag_id is not None, "import_id": eintrag_id})
        return 0
    _diff_ausgeben(d)
    if args.dry_run and bedenken(d):
        print(f"Achtung: {bedenken(d)} Übernehmen nur mit --erzwingen.")
    if d.leer:
        print("Keine Änderungen gegenüber dem Katalog in der Datenbank; nichts gespeichert.")
    elif args.dry_run:
        print("Probelauf (--dry-run): nichts gespeichert. Ohne --dry-run werden die Änderungen übernommen.")
    else:
        print("Änderungen übernommen; der Import ist im Änderungsprotokoll verzeichnet.")
    return 0


def _liste(werte: list[str]) -> str:
    if not werte:
        return ""
    mehr = f" … und {len(werte) - _ZEIGEN} weitere" if len(werte) > _ZEIGEN else ""
    return " (" + ", ".join(werte[:_ZEIGEN]) + mehr + ")"


def _namensliste(werte: list[str], namen: dict[str, str]) -> None:
    """OZG-IDs with their names, one per line: an id alone tells a coordinator nothing."""
    for o in werte[:_ZEIGEN]:
        print(f"    {o} {namen[o]}" if namen.get(o) else f"    {o}")
    if len(werte) > _ZEIGEN:
        print(f"    … und {len(werte) - _ZEIGEN} weitere (alle mit --json)")


def _diff_ausgeben(d: Katalogdiff) -> None:
    st = d.stand
    blatt = f", Blatt „{st.blatt}“" if st.blatt else ""
    print(f"Katalogexport „{st.datei}“ ({st.format.upper()}{blatt}): {format_zahl(st.zeilen)} Zeilen, "
          f"{format_zahl(len(st.leistungen))} OZG-Leistungen, {format_zahl(len(st.leika))} LeiKa-Leistungen")
    print("Änderungen gegenüber dem Katalog in der Datenbank:")
    print(f"  OZG-Leistungen neu:       {len(d.neu)}")
    _namensliste(d.neu, d.namen)
    markiert = f"; davon als „nicht mehr im Katalog“ markiert: {len(d.markiert)}" if d.markiert else ""
    print(f"  OZG-Leistungen entfernt:  {len(d.entfernt)}{markiert}")
    _namensliste(d.entfernt, d.namen)
    print(f"  umbenannt:                {len(d.umbenannt)}")
    for u in d.umbenannt[:_ZEIGEN]:
        print(f"    {u.ozg_id}: „{u.alt}“ → „{u.neu}“")
    geaendert = sorted({v.ozg_id for v in d.geaendert})
    print(f"  Themenfeld/Lage/Typ geändert: {len(geaendert)}")
    for v in d.geaendert[:_ZEIGEN]:
        print(f"    {v.ozg_id} {v.feld}: {v.alt or '–'} → {v.neu or '–'}")
    if len(d.geaendert) > _ZEIGEN:
        print(f"    … und {len(d.geaendert) - _ZEIGEN} weitere")
    print(f"  LeiKa-Leistungen: neu {format_zahl(len(d.leika_neu))}, entfernt {format_zahl(len(d.leika_entfernt))}, "
          f"geändert {format_zahl(len(d.leika_geaendert))}")
    if d.themenfelder_neu or d.lagen_neu or d.themenfelder_entfernt or d.lagen_entfernt:
        print(f"  Themenfelder: neu {len(d.themenfelder_neu)}, entfernt {len(d.themenfelder_entfernt)}; "
              f"Lagen: neu {len(d.lagen_neu)}, entfernt {len(d.lagen_entfernt)}")
    if d.warnungen:
        # rows with bad values first: they are what the coordinator must report to the BMI
        hinweise = sorted(d.warnungen, key=lambda h: (h.art not in ("zeile", "leika", "feld"), h.zeile or 0))
        fehlerhaft = f"; {anzahl(st.fehlerhafte_zeilen, 'Zeile', 'Zeilen')} mit ungültigen Werten, " \
                     "nur das Fehlerhafte übersprungen" if st.fehlerhafte_zeilen else ""
        print(f"Hinweise ({format_zahl(len(hinweise))}{fehlerhaft}):")
        for w in hinweise[:_ZEIGEN]:
            print(f"  {w.text}")
        if len(hinweise) > _ZEIGEN:
            print(f"  … und {len(hinweise) - _ZEIGEN} weitere (alle mit --json)")


def cmd_zuruecknehmen(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store:
        if args.dry_run:
            with store.lesen() as s:
                r = ruecknahme.planen(s, args.import_id)
        else:
            with store.session(quelle="katalogruecknahme") as s:
                ressort_von(s)
                r = ruecknahme.zuruecknehmen(s, args.import_id)
    if args.json:
        json_ausgeben(r.als_json())
        return 0
    print(("Würde zurücknehmen: " if args.dry_run else "Zurückgenommen: ") + r.zusammenfassung)
    for h in r.hinweise:
        print(f"  Hinweis: {h}")
    if args.dry_run:
        print("Probelauf (--dry-run): nichts gespeichert.")
    else:
        print("Die Rücknahme ist im Änderungsprotokoll verzeichnet; die Daten des Ressorts sind unverändert.")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        k = katalogstatus(s)
    if args.json:
        json_ausgeben(k)
        return 0
    print(f"Themenfelder:            {k.themenfelder}")
    print(f"Lagen:                   {k.lagen}")
    print(f"OZG-Leistungen:          {k.ozg_leistungen} (im Ressort: {k.im_ressort}; nicht mehr im Katalog: "
          f"{k.nicht_mehr_im_katalog})")
    print(f"LeiKa-Leistungen:        {format_zahl(k.leika_leistungen)}")
    print(f"Offene Anforderungen:    {k.offene_anforderungen}")
    if k.letzter_import:
        li = k.letzter_import
        print(f"Letzter Import:          {li.zeitpunkt.astimezone().strftime('%d.%m.%Y %H:%M')} von {li.benutzer}: "
              f"„{li.datei}“ ({li.format.upper()}, {format_zahl(li.zeilen)} Zeilen)")
        print(f"                         SHA-256 {li.sha256}")
        print(f"                         neu {li.neu}, entfernt {li.entfernt} (markiert {li.markiert}), umbenannt "
              f"{li.umbenannt}, geändert {li.geaendert}; LeiKa neu {li.leika_neu}, entfernt {li.leika_entfernt}, "
              f"geändert {li.leika_geaendert}")
    else:
        print("Letzter Import:          – (mitgelieferter Katalog)")
    return 0


# ----------------------------------------------------------------------------------------- anforderung
def cmd_anforderung_neu(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            a = anforderung.anlegen(s, art=args.art, ozg_id=args.ozg_id, betreff=args.betreff,
                                    beschreibung=args.beschreibung, vorschlag=args.vorschlag,
                                    begruendung=args.begruendung, ansprechpartner=args.ansprechpartner,
                                    empfaenger=args.an, aktenzeichen=args.aktenzeichen)
            d = anforderung.daten(s, a)
    if args.json:
        json_ausgeben(d)
    else:
        print(f"Änderungsanforderung {d.kennung} als Entwurf gespeichert. Text: "
              f"ozgdesk-cli katalog anforderung text {d.kennung}; PDF: ozgdesk-cli katalog anforderung pdf "
              f"{d.kennung} --out {d.kennung}.pdf")
    return 0


def cmd_anforderung_list(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        zeilen = anforderung.liste(s, args.status)
    if args.json:
        json_ausgeben(zeilen)
    else:
        tabelle_ausgeben(["Kennung", "Art", "OZG-ID", "Betreff", "Status", "erstellt", "versendet"],
                         [(d.kennung, d.art_label, d.ozg_id, d.betreff, d.status_label, d.erstellt_am, d.versendet_am)
                          for d in zeilen], max_breite=45)
    return 0


def _daten(args: argparse.Namespace) -> Any:
    with store_oeffnen(args) as store, store.lesen() as s:
        return anforderung.daten(s, anforderung.finden(s, args.kennung))


def cmd_anforderung_text(args: argparse.Namespace) -> int:
    d = _daten(args)
    text = anforderung.als_text(d)
    if args.out:
        atomar_schreiben(Path(args.out), text.encode("utf-8"))
    if args.json:
        json_ausgeben({"kennung": d.kennung, "an": d.empfaenger, "betreff": anforderung.betreffzeile(d), "text": text,
                       "datei": args.out})
    elif args.out:
        print(f"Text geschrieben: {args.out}")
    else:
        print(text)
    return 0


def cmd_anforderung_pdf(args: argparse.Namespace) -> int:
    from ozgdesk.reports.aenderungsanforderung import pdf_erzeugen

    d = _daten(args)
    daten = pdf_erzeugen(d, kennzeichnung=args.kennzeichnung)
    atomar_schreiben(Path(args.out), daten)
    if args.json:
        json_ausgeben({"kennung": d.kennung, "datei": args.out, "bytes": len(daten)})
    else:
        print(f"PDF geschrieben: {args.out}")
    return 0


def cmd_anforderung_status(args: argparse.Namespace) -> int:
    datum = parse_datum(args.datum) if args.datum else None
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            a = anforderung.status_setzen(s, args.kennung, args.status, datum=datum, antwort=args.antwort)
            d = anforderung.daten(s, a)
    if args.json:
        json_ausgeben(d)
    else:
        versendet = f" (versendet am {format_datum(d.versendet_am)})" if d.versendet_am else ""
        print(f"Änderungsanforderung {d.kennung}: {d.status_label}{versendet}.")
    return 0


def cmd_anforderung_postfach(args: argparse.Namespace) -> int:
    adresse = args.adresse.strip()
    if not ist_email(adresse):
        raise Eingabefehler(f"„{adresse}“ ist keine gültige E-Mail-Adresse.")
    with store_oeffnen(args) as store:
        store.meta_setzen(anforderung.META_POSTFACH, adresse)
        gespeichert = store.meta(anforderung.META_POSTFACH)
    if args.json:
        json_ausgeben({"postfach": gespeichert})
    else:
        print(f"Zentrales Postfach für Änderungsanforderungen: {gespeichert}")
    return 0


# ----------------------------------------------------------------------------------------------- scope
def cmd_leistungen_scope(args: argparse.Namespace) -> int:
    modus = "entfernen" if args.entfernen else "ersetzen" if args.ersetzen else "hinzufuegen"
    with store_oeffnen(args) as store:
        if args.dry_run:
            with store.lesen() as s:
                auswahl = bereich.auswaehlen(s, typ=args.typ, themenfeld=args.themenfeld, suche=args.suche,
                                             ozg_ids=args.ozg_id)
                zeilen = [(l.ozg_id, l.bezeichnung, l.typ, l.im_ressort) for l in auswahl]
            if args.json:
                json_ausgeben({"ausgewaehlt": [z[0] for z in zeilen], "gespeichert": False})
            else:
                tabelle_ausgeben(["OZG-ID", "Bezeichnung", "Typ", "schon im Ressort"], zeilen)
                print("Probelauf (--dry-run): nichts gespeichert.")
            return 0
        with store.session(quelle="cli") as s:
            e = bereich.scope_setzen(s, typ=args.typ, themenfeld=args.themenfeld, suche=args.suche,
                                     ozg_ids=args.ozg_id, behoerde=args.behoerde, projektleiter=args.projektleiter,
                                     modus=modus)
    if args.json:
        json_ausgeben({**e.__dict__, "gespeichert": True})
    else:
        print(f"Ausgewählt: {len(e.ausgewaehlt)} OZG-Leistung(en){_liste(e.ausgewaehlt)}")
        print(f"  in den Zuständigkeitsbereich aufgenommen: {len(e.aufgenommen)}{_liste(e.aufgenommen)}")
        print(f"  aus dem Zuständigkeitsbereich entfernt:  {len(e.entfernt)}{_liste(e.entfernt)}")
        if args.behoerde:
            print(f"  Behörde zugewiesen: {len(e.behoerde_gesetzt)}")
        if args.projektleiter:
            print(f"  Projektleiter ergänzt: {len(e.projektleiter_ergaenzt)}")
        if e.nicht_im_katalog:
            print(f"  Hinweis: nicht mehr im Katalog: {', '.join(e.nicht_im_katalog)}")
    return 0
