"""Basic commands: init, info, ressort, leistungen, projekte, aenderungen, export, import."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.dateien import atomar_schreiben
from ozgdesk.model import abfragen, austausch, empfaenger, felder
from ozgdesk.model.einrichtung import demo_einrichten, ressort_einrichten
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.organisation import Person
from ozgdesk.model.store import Store
from ozgdesk.model.values import parse_datum


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("init", help="Datenbank anlegen: leeres Ressort mit Katalog oder Demo-Ressort",
                           description="Legt die Datenbank im Datenordner an.")
    gruppe = p.add_mutually_exclusive_group(required=True)
    gruppe.add_argument("--demo", action="store_true", help="mit dem Demo-Ressort (BMAS, erfundene Projektdaten)")
    gruppe.add_argument("--ressort", metavar="NAME", help="leeres Ressort mit dem mitgelieferten Katalog, z. B. BMAS")
    p.add_argument("--referat", default="", help="Koordinierungsreferat des Ressorts")
    json_option(p)
    p.set_defaults(func=cmd_init)

    p = befehle.add_parser("info", help="Kennzahlen der Datenbank anzeigen")
    json_option(p)
    p.set_defaults(func=cmd_info)

    p = befehle.add_parser("ressort", help="Angaben des Ressorts anzeigen und ändern (u. a. Empfänger der Berichte)")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("zeigen", help="Angaben des Ressorts anzeigen")
    json_option(q)
    q.set_defaults(func=cmd_ressort_zeigen)
    q = unter.add_parser("setzen", help="Angaben des Ressorts setzen",
                         description="Setzt Angaben des Ressorts (abgeglichen wie alle Daten). Felder: "
                                     + ", ".join(sorted(felder.RESSORT_FELDER))
                                     + ". empfaenger leer = Standard „" + empfaenger.STANDARD + "“.")
    q.add_argument("zuweisungen", nargs="+", metavar="FELD=WERT")
    json_option(q)
    q.set_defaults(func=cmd_ressort_setzen)

    p = befehle.add_parser("leistungen", help="OZG-Leistungen anzeigen und ändern")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("list", help="OZG-Leistungen auflisten")
    q.add_argument("--alle", action="store_true", help="den ganzen Katalog, nicht nur die Leistungen des Ressorts")
    q.add_argument("--themenfeld", help="nur dieses Themenfeld (Name oder Nummer)")
    q.add_argument("--typ", help="nur dieser Typ, z. B. 1")
    q.add_argument("--behoerde", help="nur diese zuständige Behörde (Kurzname)")
    q.add_argument("--suche", help="Textsuche in Bezeichnung oder OZG-ID")
    json_option(q)
    q.set_defaults(func=cmd_leistungen_list)
    q = unter.add_parser("setzen", help="Felder einer OZG-Leistung setzen",
                         description="Setzt Felder einer OZG-Leistung. Felder: "
                         + ", ".join(sorted(list(felder.LEISTUNG_FELDER) + list(felder.LEISTUNG_ZUSATZ))))
    q.add_argument("ozg_id", metavar="OZG-ID")
    q.add_argument("zuweisungen", nargs="+", metavar="FELD=WERT")
    json_option(q)
    q.set_defaults(func=cmd_leistungen_setzen)
    from ozgdesk.cli.katalog import scope_registrieren  # the scope command lives with the catalogue

    scope_registrieren(unter)

    p = befehle.add_parser("projekte", help="Projekte anzeigen und ändern")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("list", help="Projekte auflisten")
    q.add_argument("--finanzierung", help="voll, unterstuetzung oder eigen")
    q.add_argument("--ampel", help="gruen, gelb oder rot")
    q.add_argument("--behoerde", help="Kurzname der Behörde")
    q.add_argument("--suche", help="Textsuche in Titel oder Kennung")
    json_option(q)
    q.set_defaults(func=cmd_projekte_list)
    q = unter.add_parser("setzen", help="Felder eines Projekts setzen",
                         description="Setzt Felder eines Projekts. Felder: " + ", ".join(sorted(felder.PROJEKT_FELDER)))
    q.add_argument("kennung", metavar="ID", help="Projektkennung, z. B. BMAS-2024-01")
    q.add_argument("zuweisungen", nargs="+", metavar="FELD=WERT")
    json_option(q)
    q.set_defaults(func=cmd_projekte_setzen)

    p = befehle.add_parser("aenderungen", help="Änderungsprotokoll anzeigen")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("list", help="Änderungen auflisten, neueste zuerst")
    q.add_argument("--tabelle", help="nur diese Tabelle, z. B. projekt")
    q.add_argument("--datensatz", help="nur dieser Datensatz (Kennung)")
    q.add_argument("--benutzer", help="nur Änderungen dieses Benutzers")
    q.add_argument("--seit", help="nur ab diesem Datum (TT.MM.JJJJ)")
    q.add_argument("--anzahl", type=int, default=50, help="höchstens so viele Einträge (Standard 50)")
    json_option(q)
    q.set_defaults(func=cmd_aenderungen_list)

    p = befehle.add_parser("diagnose", help="Versionen und Pfade für Anfragen an die IT anzeigen")
    json_option(p)
    p.set_defaults(func=cmd_diagnose)

    p = befehle.add_parser("export", help="das ganze Ressort als JSON-Dokument sichern")
    p.add_argument("--out", required=True, metavar="DATEI.json", help="Zieldatei")
    json_option(p)
    p.set_defaults(func=cmd_export)

    p = befehle.add_parser("import", help="ein JSON-Dokument in eine leere Datenbank einspielen")
    p.add_argument("datei", metavar="DATEI.json")
    json_option(p)
    p.set_defaults(func=cmd_import)


def cmd_init(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store:
        zahlen = demo_einrichten(store) if args.demo else ressort_einrichten(store, args.ressort, referat=args.referat)
        pfad = store.ort.anzeige
    if args.json:
        json_ausgeben({"datenbank": str(pfad), **zahlen})
    else:
        print(f"Datenbank angelegt: {pfad}")
        print(", ".join(f"{v} {k.capitalize()}" for k, v in zahlen.items()))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        k = abfragen.kennzahlen(s, store.revision())
        pfad = store.ort.anzeige
    if args.json:
        json_ausgeben({**abfragen_dict(k), "datenbank": str(pfad)})
    else:
        print(f"Datenbank:        {pfad} (Schema {k.schema})")
        print(f"Ressort:          {k.ressort or '– (noch nicht eingerichtet)'}")
        print(f"Themenfelder:     {k.themenfelder}")
        print(f"Lagen:            {k.lagen}")
        print(f"OZG-Leistungen:   {k.leistungen} (davon im Ressort: {k.leistungen_im_ressort})")
        print(f"Behörden:         {k.behoerden}")
        print(f"Projekte:         {k.projekte}")
        print(f"Meilensteine:     {k.meilensteine}")
        print(f"Mittelabflüsse:   {k.mittelabfluesse}")
        print(f"Änderungen:       {k.aenderungen}")
    return 0


def abfragen_dict(k: abfragen.Kennzahlen) -> dict[str, object]:
    import dataclasses

    return dataclasses.asdict(k)


def cmd_leistungen_list(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        zeilen = abfragen.leistungen(s, nur_ressort=not args.alle, themenfeld=args.themenfeld, typ=args.typ,
                                     behoerde=args.behoerde, suche=args.suche)
    if args.json:
        json_ausgeben(zeilen)
    else:
        tabelle_ausgeben(
            ["OZG-ID", "Bezeichnung", "Typ", "Themenfeld", "Behörde", "Reifegrad", "Online", "geplant online"],
            [(z.ozg_id, z.bezeichnung, z.typ, z.themenfeld, z.behoerde,
              f"{z.reifegrad} (Modell {z.reifegrad_modell})" if z.reifegrad is not None else None, z.online,
              z.geplant_online) for z in zeilen],
        )
    return 0


def cmd_projekte_list(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        zeilen = abfragen.projekte(s, finanzierung=args.finanzierung, ampel=args.ampel, behoerde=args.behoerde,
                                   suche=args.suche)
    if args.json:
        json_ausgeben(zeilen)
    else:
        tabelle_ausgeben(
            ["Kennung", "Titel", "Behörde", "Finanzierung", "Ampel", "Beginn", "Ende", "OZG-IDs"],
            [(z.kennung, z.titel, z.behoerde, z.finanzierung, z.ampel, z.beginn, z.ende, z.ozg_ids) for z in zeilen],
            max_breite=50,
        )
    return 0


def _setzen_ausgabe(args: argparse.Namespace, was: str, aenderungen: list[abfragen.AenderungZeile]) -> int:
    if args.json:
        json_ausgeben({"geaendert": was, "aenderungen": aenderungen})
    elif aenderungen:
        print(f"{was}: {len(aenderungen)} Änderung(en) gespeichert.")
        for a in aenderungen:
            if a.aktion == "aendern":
                print(f"  {a.feld}: {json.dumps(a.alt, ensure_ascii=False)} → {json.dumps(a.neu, ensure_ascii=False)}")
            else:
                print(f"  {a.tabelle} {a.aktion}")
    else:
        print(f"{was}: keine Änderung (Werte waren schon so).")
    return 0


def _neue_aenderungen(store: Store, transaktion: str | None) -> list[abfragen.AenderungZeile]:
    if transaktion is None:
        return []
    with store.lesen() as s:
        return abfragen.aenderungen(s, transaktion=transaktion, limit=10_000)


def cmd_ressort_zeigen(args: argparse.Namespace) -> int:
    from ozgdesk.model.einrichtung import ressort_von

    with store_oeffnen(args) as store, store.lesen() as s:
        r = ressort_von(s)
        person = s.get(Person, r.ansprechpartner_id) if r.ansprechpartner_id else None
        werte = {"kurzname": r.kurzname, "name": r.name, "referat": r.koordinierungsreferat,
                 "ansprechpartner": person.name if person else "", "anschrift": r.anschrift, "postfach": r.postfach,
                 "empfaenger": empfaenger.name(r.empfaenger), "empfaenger_gesetzt": bool(r.empfaenger.strip())}
    if args.json:
        json_ausgeben(werte)
        return 0
    print(f"Ressort:            {werte['kurzname']} – {werte['name']}")
    print(f"Referat:            {werte['referat'] or '–'}")
    print(f"Ansprechpartner:    {werte['ansprechpartner'] or '–'}")
    print(f"Anschrift:          {str(werte['anschrift']).replace(chr(10), ', ') or '–'}")
    print(f"Funktionspostfach:  {werte['postfach'] or '–'}")
    print(f"Empfänger:          {werte['empfaenger']}" + ("" if werte["empfaenger_gesetzt"] else " (Standard)"))
    return 0


def cmd_ressort_setzen(args: argparse.Namespace) -> int:
    paare = felder.zuweisungen_lesen(args.zuweisungen)
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            kurzname = felder.ressort_setzen(s, paare).kurzname
            transaktion = s.info.get("transaktion")
        return _setzen_ausgabe(args, f"Ressort {kurzname}", _neue_aenderungen(store, transaktion))


def cmd_projekte_setzen(args: argparse.Namespace) -> int:
    paare = felder.zuweisungen_lesen(args.zuweisungen)
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            kennung = felder.projekt_setzen(s, args.kennung, paare).kennung
            transaktion = s.info.get("transaktion")
        return _setzen_ausgabe(args, f"Projekt {kennung}", _neue_aenderungen(store, transaktion))


def cmd_leistungen_setzen(args: argparse.Namespace) -> int:
    paare = felder.zuweisungen_lesen(args.zuweisungen)
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            ozg_id = felder.leistung_setzen(s, args.ozg_id, paare).ozg_id
            transaktion = s.info.get("transaktion")
        return _setzen_ausgabe(args, f"OZG-Leistung {ozg_id}", _neue_aenderungen(store, transaktion))


def cmd_aenderungen_list(args: argparse.Namespace) -> int:
    seit = parse_datum(args.seit) if args.seit else None
    if args.anzahl < 1:
        raise Eingabefehler("--anzahl muss mindestens 1 sein.")
    with store_oeffnen(args) as store, store.lesen() as s:
        zeilen = abfragen.aenderungen(s, tabelle=args.tabelle, datensatz=args.datensatz, benutzer=args.benutzer,
                                      seit=seit, limit=args.anzahl)
    if args.json:
        json_ausgeben(zeilen)
    else:
        tabelle_ausgeben(
            ["Zeitpunkt (UTC)", "Benutzer", "Tabelle", "Datensatz", "Aktion", "Feld", "alt", "neu"],
            [(z.zeitpunkt.strftime("%d.%m.%Y %H:%M"), z.benutzer, z.tabelle, z.datensatz_id[:8], z.aktion, z.feld,
              _kurz(z.alt), _kurz(z.neu)) for z in zeilen],
            max_breite=40,
        )
    return 0


def _kurz(wert: object) -> str | None:
    if wert is None:
        return None
    if isinstance(wert, dict):
        return "{" + f"{len(wert)} Felder" + "}"
    return json.dumps(wert, ensure_ascii=False)


def cmd_diagnose(args: argparse.Namespace) -> int:
    from ozgdesk.diagnose import als_text, diagnose

    with store_oeffnen(args) as store:
        zeilen = diagnose(store)
    if args.json:
        json_ausgeben(dict(zeilen))
    else:
        print(als_text(zeilen), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    ziel = Path(args.out)
    with store_oeffnen(args) as store, store.lesen() as s:
        text = austausch.als_text(austausch.exportieren(s))
    atomar_schreiben(ziel, text.encode("utf-8"))
    if args.json:
        json_ausgeben({"datei": str(ziel), "bytes": len(text.encode("utf-8"))})
    else:
        print(f"Export geschrieben: {ziel}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    objekte = austausch.lesen(Path(args.datei))  # validated before any file is opened for writing
    with store_oeffnen(args) as store:
        pfad = store.ort.anzeige
        with store.session(quelle="import") as s:
            zahlen = austausch.einspielen(s, objekte)
    if args.json:
        json_ausgeben({"datenbank": str(pfad), "importiert": zahlen})
    else:
        print(f"Import eingespielt in {pfad}: {sum(zahlen.values())} Datensätze.")
    return 0
