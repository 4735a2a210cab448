"""The receiver's commands (programme management): ``empfang einlesen|liste|uebersicht|fehlend|einstellen``.

They work on the receiver's own database (``--db``, default ``empfang.sqlite`` in the data folder,
or ``OZGDESK_EMPFANG_DB``), never on a Ressort's ``ozgdesk.sqlite``. Exit codes as everywhere
(``ozgdesk/cli/__init__.py``); in addition ``einlesen`` ends with 1 when at least one package was
rejected (the others are loaded all the same) and ``fehlend`` with 1 when a Ressort's package is
missing or late – so a script notices either.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from ozgdesk import paths
from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, tabelle_ausgeben
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Quartal, anzahl, format_datum, parse_datum
from ozgdesk.reports.layout import VS_NFD

#: Environment variable with the receiver's database address (instead of ``--db`` on every call).
UMGEBUNG_DB = "OZGDESK_EMPFANG_DB"


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="Datenbank des Empfängers: sqlite:///PFAD oder "
                   "postgresql+psycopg://BENUTZER@HOST/DATENBANK, ohne Passwort (das steht im Schlüsselbund, Dienst "
                   f"„ozgdesk-datenbank“). Standard: {UMGEBUNG_DB} oder empfang.sqlite im Datenordner")
    json_option(p)


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("empfang", help="Empfänger (Programmleitung): Einreichungen der Ressorts einlesen, prüfen "
                           "und zur Programmübersicht zusammenführen")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)

    q = unter.add_parser("einlesen", help="Ordner mit Einreichungspaketen (z. B. die Postausgänge der Ablagen) prüfen und "
                         "einlesen; abgelehnte Pakete werden mit Grund genannt")
    q.add_argument("ordner", nargs="+", metavar="ORDNER", help="Ordner, unter dem die Pakete liegen")
    q.add_argument("--ca", metavar="DATEI", help="Zertifikat der Zertifizierungsstelle (PEM oder DER): nur Pakete mit "
                   "gültiger Signatur, deren Kette zu ihr führt, werden eingelesen")
    _db_option(q)
    q.set_defaults(func=cmd_einlesen)

    q = unter.add_parser("liste", help="eingelesene Pakete mit Status (geprüft oder abgelehnt mit Grund)")
    q.add_argument("--quartal", help="nur dieses Quartal, z. B. 2026-Q3")
    q.add_argument("--ressort", metavar="KURZNAME", help="nur dieses Ressort, z. B. BMAS")
    _db_option(q)
    q.set_defaults(func=cmd_liste)

    q = unter.add_parser("uebersicht", help="Programmübersicht eines Quartals als PDF und XLSX")
    q.add_argument("--quartal", required=True, help="Quartal, z. B. 2026-Q3")
    q.add_argument("--out", required=True, metavar="ORDNER", help="Zielordner (wird angelegt)")
    q.add_argument("--format", default="pdf,xlsx", help="Formate, durch Komma getrennt (Standard: pdf,xlsx)")
    q.add_argument("--stand", metavar="TT.MM.JJJJ", help="Stichtag „Stand“ (Standard: heute); entscheidet, ob ein "
                   "Paket nach Ablauf der Frist fehlt")
    q.add_argument("--kennzeichnung", default=VS_NFD, help=f"Schutzvermerk in Kopf- und Fußzeile (Standard: {VS_NFD})")
    q.add_argument("--ohne-kennzeichnung", action="store_true", help="ohne Schutzvermerk")
    _db_option(q)
    q.set_defaults(func=cmd_uebersicht)

    q = unter.add_parser("fehlend", help="Ressorts, deren Paket für ein Quartal fehlt oder verspätet kam")
    q.add_argument("--quartal", required=True, help="Quartal, z. B. 2026-Q3")
    q.add_argument("--stand", metavar="TT.MM.JJJJ", help="Stichtag (Standard: heute)")
    _db_option(q)
    q.set_defaults(func=cmd_fehlend)

    q = unter.add_parser("einstellen", help="erwartete Ressorts und Absender der Programmübersicht festlegen")
    q.add_argument("--ressorts", metavar="LISTE", help="erwartete Ressorts, durch Komma getrennt (z. B. AA,BMAS,BMF); "
                   "leer: alle, die je ein gültiges Paket geschickt haben")
    q.add_argument("--name", help="Empfänger im Kopf der Übersicht (Standard: Bundesministerium für Digitales und "
                   "Staatsmodernisierung (BMDS)); leer: Standard")
    q.add_argument("--referat", help="Referat im Kopf der Übersicht; leer: Standard")
    _db_option(q)
    q.set_defaults(func=cmd_einstellen)


# ------------------------------------------------------------------------------------------- helpers
def _oeffnen(args: argparse.Namespace):  # noqa: ANN202 - Empfangsdatenbank, imported lazily
    from ozgdesk.empfang.datenbank import Empfangsdatenbank, standard_url

    adresse = args.db or os.environ.get(UMGEBUNG_DB) or standard_url(paths.home(args.home))
    return Empfangsdatenbank.oeffnen(adresse)


def _stand(args: argparse.Namespace) -> date:
    return parse_datum(args.stand) if args.stand else date.today()


def _zeit(t) -> str:  # noqa: ANN001 - datetime or None
    return "–" if t is None else t.astimezone().strftime("%d.%m.%Y %H:%M")


# ------------------------------------------------------------------------------------------ commands
def cmd_einlesen(args: argparse.Namespace) -> int:
    from ozgdesk.empfang import einlesen as el
    from ozgdesk.empfang.datenbank import anzeige
    from ozgdesk.reports import paketsignatur

    ca = paketsignatur.ca_laden(args.ca) if args.ca else None
    for ordner in args.ordner:
        if not Path(ordner).is_dir():
            raise Eingabefehler(f"Der Ordner „{ordner}“ existiert nicht oder ist kein Ordner. Es wurde nichts eingelesen.")
    gesamt = el.Einlesebericht()
    with _oeffnen(args) as db:
        for ordner in args.ordner:
            bericht = el.einlesen(db, Path(ordner), ca=ca)
            gesamt.ergebnisse += bericht.ergebnisse
            gesamt.hinweise += bericht.hinweise
        ort = anzeige(db.url)
    zahlen = {art: gesamt.anzahl(art) for art in (el.GELADEN, el.BEKANNT, el.ABGELEHNT_TEXT, el.UNVOLLSTAENDIG)}
    if args.json:
        json_ausgeben({"datenbank": ort, "ca_geprueft": ca is not None, **{k.replace(" ", "_"): v for k, v in zahlen.items()},
                       "pakete": [{"pfad": el.text(x.pfad), "ergebnis": x.art, "grund": x.grund or None, "ressort": x.ressort,
                                   "zeitraum": x.zeitraum, "fassung": x.fassung, "unterzeichner": x.unterzeichner}
                                  for x in gesamt.ergebnisse],
                       "hinweise": gesamt.hinweise})
    else:
        for x in gesamt.ergebnisse:
            if x.art == el.GELADEN:
                wer = f"signiert von {x.unterzeichner}" if x.unterzeichner else "nicht signiert"
                print(f"✓ eingelesen: {x.ressort} {x.zeitraum}, Fassung {x.fassung} ({wer}) – {el.text(x.pfad)}")
            elif x.art == el.BEKANNT:
                print(f"= bereits eingelesen: {el.text(x.pfad)}")
            elif x.art == el.UNVOLLSTAENDIG:
                print(f"… unvollständig: {el.text(x.pfad)}: {x.grund}")
            else:
                print(f"✗ abgelehnt: {el.text(x.pfad)}: {x.grund}", file=sys.stderr)
        for h in gesamt.hinweise:
            print(f"Hinweis: {h}")
        if not gesamt.ergebnisse:
            print(f"Unter {', '.join(args.ordner)} liegt kein Einreichungspaket (Ordner mit manifest.json).")
        print(f"{anzahl(len(gesamt.ergebnisse), 'Paket', 'Pakete')}: {zahlen[el.GELADEN]} eingelesen, "
              f"{zahlen[el.BEKANNT]} bereits vorhanden, {zahlen[el.ABGELEHNT_TEXT]} abgelehnt, "
              f"{zahlen[el.UNVOLLSTAENDIG]} unvollständig übertragen. Datenbank: {ort}"
              + ("" if ca is not None else " (Zertifikatsketten nicht geprüft: --ca angeben)"))
    return 1 if zahlen[el.ABGELEHNT_TEXT] else 0


def cmd_liste(args: argparse.Namespace) -> int:
    from ozgdesk.empfang.auswertung import pakete

    zeitraum = str(Quartal.parse(args.quartal)) if args.quartal else None
    with _oeffnen(args) as db:
        liste = pakete(db, zeitraum=zeitraum, ressort=args.ressort)
    if args.json:
        json_ausgeben([{"nr": p.id, "status": p.status_text, "ressort": p.ressort, "zeitraum": p.zeitraum,
                        "fassung": p.fassung, "erstellt_am": p.erstellt_am, "erstellt_von": p.erstellt_von,
                        "eingang": p.eingang, "signiert": p.signiert, "unterzeichner": p.unterzeichner,
                        "ca_geprueft": p.ca_geprueft, "manifest_sha256": p.manifest_sha256, "pfad": p.pfad,
                        "grund": p.grund} for p in liste])
        return 0
    if not liste:
        print("Keine Pakete eingelesen" + (" für diese Auswahl." if zeitraum or args.ressort else
                                           " (ozgdesk-cli empfang einlesen ORDNER)."))
        return 0
    tabelle_ausgeben(["Nr.", "Ressort", "Zeitraum", "Fassung", "erstellt", "Status", "Signatur", "Paket", "Grund"],
                     [[p.id, p.ressort or "–", p.zeitraum or "–", p.fassung, _zeit(p.erstellt_am), p.status_text,
                       p.signatur_text, p.pfad, p.grund or ""] for p in liste], max_breite=120)
    return 0


def cmd_uebersicht(args: argparse.Namespace) -> int:
    from ozgdesk.dateien import atomar_schreiben
    from ozgdesk.empfang import bericht
    from ozgdesk.empfang.auswertung import uebersicht

    q = Quartal.parse(args.quartal)
    formate = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formate or any(f not in ("pdf", "xlsx") for f in formate):
        raise Eingabefehler(f"--format: „{args.format}“ ist nicht möglich (erlaubt: pdf, xlsx).")
    kennzeichnung = "" if args.ohne_kennzeichnung else args.kennzeichnung
    with _oeffnen(args) as db:
        u = uebersicht(db, q, _stand(args))
    erzeuger = {"pdf": bericht.pdf, "xlsx": bericht.xlsx}
    dateien = [atomar_schreiben(Path(args.out) / bericht.dateiname(u, f), erzeuger[f](u, kennzeichnung=kennzeichnung))
               for f in dict.fromkeys(formate)]
    s = u.summe
    if args.json:
        json_ausgeben({"erzeugt": [str(d) for d in dateien], "quartal": str(q), "ressorts": len(u.ressorts),
                       "erwartet": len(u.eingang), "abgelehnt": len(u.abgelehnt),
                       "summe": {"projekte": s.projekte, "plan_quartal_cent": s.finanzen.plan_quartal,
                                 "ist_quartal_cent": s.finanzen.ist_quartal, "plan_jahr_cent": s.finanzen.plan_jahr,
                                 "ist_jahr_cent": s.finanzen.ist_jahr,
                                 "meilensteine_faellig": s.meilensteine.bis_faellig,
                                 "meilensteine_erreicht": s.meilensteine.bis_erreicht,
                                 "ozg_leistungen": s.reifegrade.leistungen, "befunde_mit_stellungnahme":
                                     s.befunde.mit_stellungnahme}})
    else:
        for d in dateien:
            print(f"Erzeugt: {d}")
        print(f"{q.lang}: {len(u.ressorts)} von {anzahl(len(u.eingang), 'erwartetem Ressort', 'erwarteten Ressorts')} "
              f"mit gültiger Einreichung, {anzahl(len(u.abgelehnt), 'Paket', 'Pakete')} abgelehnt.")
    return 0


def cmd_fehlend(args: argparse.Namespace) -> int:
    from ozgdesk.empfang.auswertung import RECHTZEITIG, eingang, frist

    q = Quartal.parse(args.quartal)
    with _oeffnen(args) as db:
        zeilen, woher = eingang(db, q, _stand(args))
    auffaellig = [e for e in zeilen if e.zustand != RECHTZEITIG]
    if args.json:
        json_ausgeben({"quartal": str(q), "frist": frist(q), "erwartet_laut": woher,
                       "ressorts": [{"ressort": e.ressort, "zustand": e.zustand, "tage_verspaetet": e.tage_verspaetet,
                                     "erste_fassung": e.erste, "fassung": e.paket.fassung if e.paket else None,
                                     "abgelehnt": e.abgelehnt} for e in auffaellig]})
    elif not zeilen:
        print("Es wird kein Ressort erwartet: noch kein gültiges Paket eingelesen und keine Liste eingestellt "
              "(ozgdesk-cli empfang einstellen --ressorts …).")
    elif auffaellig:
        tabelle_ausgeben(["Ressort", "Eingang", "erste Fassung", "abgelehnte Pakete"],
                         [[e.ressort, e.zustand_text, _zeit(e.erste), e.abgelehnt or "–"] for e in auffaellig])
        print(f"Frist für {q.lang}: {format_datum(frist(q))}; erwartet: {woher}.")
    else:
        print(f"Alle {len(zeilen)} erwarteten Ressorts haben für {q.lang} fristgerecht eingereicht "
              f"(Frist {format_datum(frist(q))}).")
    return 1 if auffaellig else 0


def cmd_einstellen(args: argparse.Namespace) -> int:
    from ozgdesk.empfang.auswertung import EINSTELLUNG_NAME, EINSTELLUNG_REFERAT, EINSTELLUNG_RESSORTS, STANDARD_REFERAT
    from ozgdesk.empfang.einlesen import KURZNAME
    from ozgdesk.model import empfaenger

    with _oeffnen(args) as db:
        if args.ressorts is not None:
            liste = [x.strip() for x in args.ressorts.split(",") if x.strip()]
            falsch = [x for x in liste if not KURZNAME.match(x)]
            if falsch:
                raise Eingabefehler(f"--ressorts: „{falsch[0]}“ ist kein Kurzname eines Ressorts (Buchstaben, Ziffern, "
                                    "Punkt, Bindestrich; höchstens 20 Zeichen).")
            db.einstellung_setzen(EINSTELLUNG_RESSORTS, ",".join(dict.fromkeys(liste)) or None)
        for wert, name in ((args.name, EINSTELLUNG_NAME), (args.referat, EINSTELLUNG_REFERAT)):
            if wert is not None:
                text = " ".join(wert.split())
                if len(text) > 200:
                    raise Eingabefehler(f"Die Angabe ist {len(text)} Zeichen lang; höchstens 200 sind möglich.")
                db.einstellung_setzen(name, text or None)
        werte = {"ressorts": db.einstellung(EINSTELLUNG_RESSORTS), "name": empfaenger.name(db.einstellung(EINSTELLUNG_NAME)),
                 "referat": db.einstellung(EINSTELLUNG_REFERAT) or STANDARD_REFERAT}
    if args.json:
        json_ausgeben({**werte, "ressorts": werte["ressorts"].split(",") if werte["ressorts"] else None})
    else:
        print(f"Erwartete Ressorts: {werte['ressorts'].replace(',', ', ') if werte['ressorts'] else 'alle, die je ein gültiges Paket geschickt haben'}")
        print(f"Absender der Übersicht: {werte['name']}, {werte['referat']}")
    return 0
