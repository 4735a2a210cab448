"""Payment commands: ``zahlungen import`` (HKR export) and ``zahlungen list``.

``zahlungen import`` reads and checks the whole file before anything is written; a refused file
(a structural problem or any bad row) ends with exit code 1 and leaves the database untouched.
"""

from __future__ import annotations

import argparse
import sys

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.model import zahlungsimport as zi
from ozgdesk.model.values import anzahl, format_datum, format_euro

_ZEIGEN = 20  # rows shown per group in the terminal; --json has all


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("zahlungen", help="Mittelabflüsse aus dem HKR-Export übernehmen und auflisten")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("import", help="Zahlungsexport des HKR-Systems (CSV oder XLSX) prüfen und übernehmen",
                         description="Liest einen Zahlungsexport (Spalten Datum, Betrag, Haushaltsstelle, "
                         "Projekt-Kennung oder Aktenzeichen, Belegnummer, Text; siehe docs/zahlungsimport.md), zeigt "
                         "die neuen Zahlungen und übernimmt sie (ohne --dry-run) in einer Transaktion. Schon "
                         "erfasste Belege (gleiches Projekt, gleiche Belegnummer) werden übersprungen. Enthält eine "
                         "Zeile einen Fehler, wird nichts gespeichert.")
    q.add_argument("datei", metavar="DATEI", help="Export als .csv oder .xlsx")
    q.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    json_option(q)
    q.set_defaults(func=cmd_import)
    q = unter.add_parser("list", help="Mittelabflüsse auflisten (Beträge exakt in Cent)")
    q.add_argument("--projekt", metavar="KENNUNG", help="nur dieses Projekt, z. B. BMAS-2024-01")
    json_option(q)
    q.set_defaults(func=cmd_list)


def cmd_import(args: argparse.Namespace) -> int:
    try:
        with store_oeffnen(args) as store:
            if args.dry_run:
                v = zi.pruefen(store, args.datei)
                if v.fehler:
                    raise zi.Zahlungsimportfehler(v.datei, [f.meldung for f in v.fehler])
            else:
                v = zi.uebernehmen(store, args.datei)
    except zi.Zahlungsimportfehler as e:
        if args.json:
            json_ausgeben({"applied": False, "datei": e.datei, "errors": e.fehler})
        print(f"Fehler: {e}", file=sys.stderr)
        return 1
    if args.json:
        json_ausgeben(v.als_json())
        return 0
    _vorschau_ausgeben(v)
    if not v.neu:
        print("Keine neuen Zahlungen; nichts gespeichert.")
    elif args.dry_run:
        print("Probelauf (--dry-run): nichts gespeichert. Ohne --dry-run werden die neuen Zahlungen übernommen.")
    else:
        print(f"{anzahl(len(v.neu), 'Zahlung', 'Zahlungen')} übernommen; im Änderungsprotokoll als „{zi.QUELLE}“ "
              "verzeichnet.")
    return 0


def _vorschau_ausgeben(v: zi.Vorschau) -> None:
    art = v.format.upper() + (f", Blatt „{v.blatt}“" if v.blatt else "")
    if v.kodierung:
        art += f", {v.kodierung}, Trennzeichen „{'Tab' if v.trenner == chr(9) else v.trenner}“"
    print(f"Zahlungsexport „{v.datei}“ ({art}): {anzahl(v.zeilen, 'Zeile', 'Zeilen')}")
    print(f"  neu:              {len(v.neu)} (Summe {format_euro(v.summe_neu_cent)})")
    print(f"  schon vorhanden:  {len(v.vorhanden)}")
    if v.neu:
        tabelle_ausgeben(["Zeile", "Projekt", "Datum", "Betrag", "Haushaltsstelle", "Beleg", "Text"],
                         [(z.zeile, z.projekt, format_datum(z.datum), format_euro(z.betrag_cent),
                           str(z.haushaltsstelle), z.referenz, z.text) for z in v.neu[:_ZEIGEN]], max_breite=40)
        if len(v.neu) > _ZEIGEN:
            print(f"… und {len(v.neu) - _ZEIGEN} weitere (alle mit --json)")
    if v.hinweise:
        print(f"Hinweise ({len(v.hinweise)}):")
        for h in v.hinweise[:_ZEIGEN]:
            print(f"  {h}")
        if len(v.hinweise) > _ZEIGEN:
            print(f"  … und {len(v.hinweise) - _ZEIGEN} weitere (alle mit --json)")


def cmd_list(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store, store.lesen() as s:
        zeilen = zi.zahlungen(s, args.projekt)
    if args.json:
        json_ausgeben(zeilen)
        return 0
    tabelle_ausgeben(["Projekt", "Datum", "Betrag", "Haushaltsstelle", "Beleg", "Text"],
                     [(z.projekt, z.datum, format_euro(z.betrag_cent), z.haushaltsstelle, z.referenz, z.text)
                      for z in zeilen], max_breite=40)
    print(f"Summe: {format_euro(sum(z.betrag_cent for z in zeilen))}")
    return 0
