"""``ozgdesk-cli befunde``: the findings of a quarter with their ids, and statements on facts.

    ozgdesk-cli befunde list --quartal 2026-Q3 [--offen] [--json]
    ozgdesk-cli befunde stellungnahme ID --text "…" [--quartal 2026-Q3]
    ozgdesk-cli befunde zuruecknehmen ID [--quartal 2026-Q3]

The list is the same check as ``pruefen`` (the Übersicht and the Berichte page show it too). A gap
is fixed with ``projekte setzen``/``leistungen setzen`` and the field the list names; a fact gets a
statement, which is logged, synced and printed in the submission.
"""

from __future__ import annotations

import argparse
from datetime import date

from sqlalchemy import select

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.stellungnahme import Stellungnahme
from ozgdesk.model.uebersicht import befundzahl, berichtsquartal
from ozgdesk.model.values import Quartal, parse_datum
from ozgdesk.reports.pruefung import Befund, finden, pruefen
from ozgdesk.reports.snapshot import bestand_laden
from ozgdesk.reports.stellungnahmen import befund_json, stellungnahme_werte, zaehlen


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("befunde", help="Befunde der Quartalsprüfung mit Kennung; Stellungnahmen zu Sachverhalten")
    unter = p.add_subparsers(title="Aktionen", dest="aktion", metavar="AKTION", required=True)
    q = unter.add_parser("list", help="Befunde eines Quartals (Kennung, Feld zum Beheben, Stellungnahme möglich)")
    _quartal(q)
    q.add_argument("--projekt", metavar="KENNUNG", help="nur dieses Projekt")
    q.add_argument("--offen", action="store_true", help="nur offene Befunde (ohne Stellungnahme)")
    json_option(q)
    q.set_defaults(func=cmd_list)
    q = unter.add_parser("stellungnahme", help="Stellungnahme zu einem Befund abgeben, der einen Sachverhalt meldet")
    q.add_argument("id", metavar="ID", help="Kennung des Befunds (aus „befunde list“)")
    q.add_argument("--text", required=True, help="die Stellungnahme für das BMDS (ein Satz oder mehr)")
    _quartal(q)
    json_option(q)
    q.set_defaults(func=cmd_stellungnahme)
    q = unter.add_parser("zuruecknehmen", help="Stellungnahme zu einem Befund zurücknehmen (der Befund ist wieder offen)")
    q.add_argument("id", metavar="ID", help="Kennung des Befunds")
    _quartal(q)
    q.set_defaults(func=cmd_zuruecknehmen)


def _quartal(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quartal", help="Quartal, z. B. 2026-Q3 (Standard: das als nächstes fällige, wie auf der Übersicht)")
    p.add_argument("--stand", metavar="TT.MM.JJJJ", help="Stichtag der Prüfung (Standard: heute)")


def _befunde(args: argparse.Namespace) -> tuple[Quartal, list[Befund]]:
    stand = parse_datum(args.stand) if args.stand else date.today()
    with store_oeffnen(args) as store:
        b = bestand_laden(store, stand)
    q = Quartal.parse(args.quartal) if args.quartal else berichtsquartal(stand)[0]
    return q, pruefen(b, q)


def cmd_list(args: argparse.Namespace) -> int:
    q, befunde = _befunde(args)
    if args.projekt:
        befunde = [b for b in befunde if b.projekt == args.projekt.strip().upper()]
    if args.offen:
        befunde = [b for b in befunde if b.offen]
    z = zaehlen(befunde)
    if args.json:
        json_ausgeben({"quartal": str(q), "fehler": z.fehler, "hinweise": z.hinweise,
                       "mit_stellungnahme": z.mit_stellungnahme, "befunde": [befund_json(b) for b in befunde]})
        return 0
    if not befunde:
        print(f"Keine Befunde für {q.kurz}.")
        return 0
    tabelle_ausgeben(["ID", "Art", "Datensatz", "Feld", "Stellungnahme", "Befund"],
                     [[b.id, b.schwere, b.datensatz, b.feld or "–", _stand_text(b), b.text] for b in befunde],
                     max_breite=140)
    print(f"{q.kurz} offen: {befundzahl(z.fehler, z.hinweise, z.mit_stellungnahme)}.")
    return 0


def _stand_text(b: Befund) -> str:
    if b.stellungnahme is not None:
        return "liegt vor"
    return "möglich" if b.stellungnahme_moeglich else "– (beheben)"


def cmd_stellungnahme(args: argparse.Namespace) -> int:
    q, befunde = _befunde(args)
    werte = stellungnahme_werte(befunde, args.id, args.text, q)
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            st = Stellungnahme(**werte)
            s.add(st)
            s.flush()
            ergebnis = {"id": st.id, "befund_id": st.befund_id, "zeitraum": st.zeitraum, "text": st.text,
                        "von": st.erstellt_von, "am": st.erstellt_am.isoformat()}
    if args.json:
        json_ausgeben(ergebnis)
    else:
        print(f"Stellungnahme zu {werte['datensatz']} ({q.kurz}) gespeichert; der Befund ist nicht mehr offen.")
    return 0


def cmd_zuruecknehmen(args: argparse.Namespace) -> int:
    q, befunde = _befunde(args)
    b = finden(befunde, args.id)
    if b is None or b.stellungnahme is None:
        raise Eingabefehler(f"Zum Befund „{args.id}“ gibt es für {q.kurz} keine Stellungnahme.")
    with store_oeffnen(args) as store:
        with store.session(quelle="cli") as s:
            for st in s.execute(select(Stellungnahme).where(Stellungnahme.befund_id == b.id)).scalars():
                s.delete(st)
    print(f"Stellungnahme zu {b.datensatz} zurückgenommen; der Befund ist wieder offen.")
    return 0
