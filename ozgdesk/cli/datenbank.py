"""``ozgdesk-cli datenbank …`` and ``umzug``: the server mode's commands for IT and for the move.

* ``datenbank passwort setzen --db URL [--password-stdin]`` – the password of a PostgreSQL login
  into the OS keychain (never into a file, the URL or the settings); ``passwort loeschen``.
* ``datenbank pruefen [--db URL]`` – can this login reach the database, which schema, may it write?
* ``datenbank aktualisieren --db URL`` – IT's one step after an update: the schema of a server
  database is upgraded here, in one transaction, not by whichever client starts first.
* ``umzug --nach URL [--von DATEI|URL]`` – move the store (default: the current one) into an empty
  database, verified by counts and a content hash (:mod:`ozgdesk.model.umzug`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from ozgdesk import paths
from ozgdesk.cli.gemeinsam import datenbankort, json_ausgeben, json_option
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.verbindung import ort_lesen


def registrieren(befehle: Any) -> None:
    p = befehle.add_parser("datenbank", help="Datenbankserver: Passwort hinterlegen, Verbindung prüfen, Schema aktualisieren")
    unter = p.add_subparsers(title="Unterbefehle", dest="unterbefehl", metavar="UNTERBEFEHL", required=True)

    q = unter.add_parser("passwort", help="Passwort einer PostgreSQL-Anmeldung im Schlüsselbund hinterlegen oder löschen")
    aktion = q.add_subparsers(title="Aktionen", dest="aktion", metavar="AKTION", required=True)
    r = aktion.add_parser("setzen", help="Passwort in den Schlüsselbund (nie in eine Datei oder die Adresse)")
    r.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Skripte)")
    json_option(r)
    r.set_defaults(func=cmd_passwort_setzen)
    r = aktion.add_parser("loeschen", help="hinterlegtes Passwort aus dem Schlüsselbund entfernen")
    json_option(r)
    r.set_defaults(func=cmd_passwort_loeschen)

    q = unter.add_parser("pruefen", help="Verbindung, Schema und Schreibrecht der Datenbank prüfen")
    json_option(q)
    q.set_defaults(func=cmd_pruefen)

    q = unter.add_parser("aktualisieren", help="Schema einer Server-Datenbank auf diese ozgdesk-Version bringen (IT)")
    json_option(q)
    q.set_defaults(func=cmd_aktualisieren)

    p = befehle.add_parser("umzug", help="die Datenbank in eine andere, leere umziehen (etwa auf einen PostgreSQL-Server)")
    p.add_argument("--nach", required=True, metavar="URL|DATEI", help="Ziel: leere Datenbank, z. B. "
                   "postgresql+psycopg://benutzer@host/datenbank")
    p.add_argument("--von", metavar="DATEI|URL", help="Quelle (Standard: die aktuelle Datenbank, siehe --db)")
    json_option(p)
    p.set_defaults(func=cmd_umzug)


def _server_ort(args: argparse.Namespace) -> Any:
    ort = datenbankort(args)
    if not ort.ist_server:
        raise Eingabefehler("Bitte mit --db (oder OZGDESK_DB) einen PostgreSQL-Server angeben, z. B. "
                            "--db postgresql+psycopg://benutzer@host/datenbank.")
    return ort


def cmd_passwort_setzen(args: argparse.Namespace) -> int:
    from ozgdesk.model.verbindung import passwort_speichern

    ort = _server_ort(args)
    if args.password_stdin:
        passwort = sys.stdin.readline().rstrip("\r\n")
        if not passwort:
            raise Eingabefehler("--password-stdin: Auf der Standardeingabe kam kein Passwort an.")
    elif sys.stdin.isatty():
        passwort = getpass.getpass(f"Passwort für {ort.anzeige}: ")
    else:
        raise Eingabefehler("Kein Passwort: bitte --password-stdin angeben oder im Terminal eingeben.")
    passwort_speichern(ort, passwort)
    if args.json:
        json_ausgeben({"datenbank": ort.anzeige, "gespeichert": True})
    else:
        print(f"Passwort für {ort.anzeige} im Schlüsselbund hinterlegt.")
    return 0


def cmd_passwort_loeschen(args: argparse.Namespace) -> int:
    from ozgdesk.model.verbindung import passwort_loeschen

    ort = _server_ort(args)
    weg = passwort_loeschen(ort)
    if args.json:
        json_ausgeben({"datenbank": ort.anzeige, "geloescht": weg})
    else:
        print(f"Passwort für {ort.anzeige} entfernt." if weg else f"Für {ort.anzeige} war kein Passwort hinterlegt.")
    return 0


def _oeffnen(args: argparse.Namespace, ort: Any, *, migrieren: bool = False) -> Any:
    from ozgdesk.model.store import Store

    return Store.oeffnen(ort, ordner=paths.home(args.home), migrieren=migrieren)


def cmd_pruefen(args: argparse.Namespace) -> int:
    ort = datenbankort(args)
    with _oeffnen(args, ort) as store:
        daten = {"datenbank": store.ort.anzeige, "art": "PostgreSQL-Server" if store.ist_server else "SQLite-Datei",
                 "schema": store.revision(), "schreiben": not store.nur_lesen,
                 "person": store.personenname()}
    if args.json:
        json_ausgeben(daten)
    else:
        print(f"Datenbank:  {daten['datenbank']} ({daten['art']})")
        print(f"Schema:     {daten['schema']}")
        print(f"Schreiben:  {'ja' if daten['schreiben'] else 'nein (nur lesen)'}")
        print(f"Änderungen erscheinen im Protokoll unter: {daten['person']}")
    return 0


def cmd_aktualisieren(args: argparse.Namespace) -> int:
    from ozgdesk.model.datei import schema_kopf

    ort = _server_ort(args)
    with _oeffnen(args, ort, migrieren=True) as store:
        schema = store.revision()
    if args.json:
        json_ausgeben({"datenbank": ort.anzeige, "schema": schema, "aktuell": schema == schema_kopf()})
    else:
        print(f"Datenbank {ort.anzeige} hat Schema {schema} (aktuell für diese ozgdesk-Version).")
    return 0


def cmd_umzug(args: argparse.Namespace) -> int:
    from ozgdesk.model.umzug import umziehen

    quelle_ort = ort_lesen(args.von, woher="--von") if args.von else datenbankort(args)
    ziel_ort = ort_lesen(args.nach, woher="--nach")
    with _oeffnen(args, quelle_ort) as quelle, _oeffnen(args, ziel_ort) as ziel:
        bericht = umziehen(quelle, ziel, melden=None if args.json else print)
    if args.json:
        json_ausgeben({"von": bericht.von, "nach": bericht.nach, "tabellen": bericht.zahlen,
                       "datensaetze": bericht.datensaetze, "inhalt_sha256": bericht.hash, "geprueft": True})
    else:
        print(f"Umzug abgeschlossen: {bericht.datensaetze} Datensätze aus {bericht.von} nach {bericht.nach}.")
        print(f"Geprüft: Anzahl je Tabelle und Inhalt gleich (SHA-256 {bericht.hash[:16]}…).")
        print(f"Ab jetzt mit --db {ziel_ort.url_ohne_passwort} (oder OZGDESK_DB) arbeiten; die alte Datenbank bleibt "
              "unverändert liegen.")
    return 0
