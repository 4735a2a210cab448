"""Commands for the sync: abgleich einrichten|pruefen|jetzt|status, konflikte list|loesen."""

from __future__ import annotations

import argparse
import getpass
import sys

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import anzahl


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("abgleich", help="Abgleich mit der zentralen Ablage (WebDAV oder Ordner)")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("einrichten", help="Abgleichziel festlegen und prüfen",
                         description="Legt das Abgleichziel fest (WebDAV-Adresse oder Ordner) und prüft es. "
                         "Das Passwort kommt nur in den Schlüsselbund des Betriebssystems.")
    q.add_argument("--ziel", required=True, metavar="URL|PFAD", help="https://server/ordner/ oder ein (Netz-)Ordner")
    q.add_argument("--benutzer", metavar="NAME", help="Benutzername für den WebDAV-Server")
    q.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Skripte)")
    json_option(q)
    q.set_defaults(func=cmd_einrichten)
    q = unter.add_parser("pruefen", help="das eingerichtete Ziel prüfen (WebDAV, fehlende Datei, Schreiben, Verschieben)")
    json_option(q)
    q.set_defaults(func=cmd_pruefen)
    q = unter.add_parser("jetzt", help="jetzt abgleichen: senden, empfangen, zusammenführen")
    q.add_argument("--loeschen-erlauben", action="store_true",
                   help="auch dann übernehmen, wenn mehr als der erlaubte Anteil der Datensätze gelöscht würde")
    json_option(q)
    q.set_defaults(func=cmd_jetzt)
    q = unter.add_parser("status", help="Ziel, letzter Abgleich, Ausstehendes und Konflikte")
    json_option(q)
    q.set_defaults(func=cmd_status)

    p = befehle.add_parser("konflikte", help="Konflikte aus dem Abgleich anzeigen und lösen")
    unter = p.add_subparsers(title="Befehle", dest="unterbefehl", metavar="BEFEHL", required=True)
    q = unter.add_parser("list", help="offene Konflikte mit allen Werten, wer und wann")
    q.add_argument("--alle", action="store_true", help="auch gelöste Konflikte")
    json_option(q)
    q.set_defaults(func=cmd_konflikte_list)
    q = unter.add_parser("loesen", help="einen Konflikt lösen (wird als normale Änderung protokolliert und abgeglichen)")
    q.add_argument("id", metavar="ID", help="Kennung des Konflikts (oder ihre ersten 8 Zeichen)")
    q.add_argument("--wert", required=True, metavar="mein|fremd|TEXT|NUMMER",
                   help="mein = Wert dieses Geräts, fremd = Wert des anderen Geräts, sonst der neue Wert; "
                        "bei doppelt vergebenen Werten die Nummer des Datensatzes, der gelten soll (siehe „konflikte list“)")
    q.add_argument("--neu", action="append", metavar="WERT",
                   help="bei doppelt vergebener Kennung: die neue Kennung des anderen Datensatzes "
                        "(mehrfach angeben, wenn es mehrere andere sind)")
    json_option(q)
    q.set_defaults(func=cmd_konflikte_loesen)


def _verdikte(punkte, als_json: bool) -> int:  # noqa: ANN001
    if als_json:
        json_ausgeben([{"name": p.name, "stufe": p.stufe, "meldung": p.meldung} for p in punkte])
    else:
        zeichen = {"ok": "✓", "warnung": "!", "fehler": "✗"}
        for p in punkte:
            print(f"{zeichen[p.stufe]} {p.name}: {p.meldung}")
    return 0 if all(p.ok for p in punkte) else 1


def cmd_einrichten(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import einrichten_und_pruefen, ist_url, zugangsdaten_trennen

    passwort = None
    ziel, name_in_url, passwort_in_url = zugangsdaten_trennen(args.ziel.strip())
    if args.password_stdin:
        passwort = sys.stdin.readline().rstrip("\r\n")
        if not passwort:
            raise Eingabefehler("--password-stdin: Auf der Standardeingabe kam kein Passwort an.")
    elif ist_url(ziel) and passwort_in_url is None and sys.stdin.isatty():
        passwort = getpass.getpass(f"Passwort für {args.benutzer or name_in_url} auf {ziel}: ")
    with store_oeffnen(args) as store:
        # checked first, taken over only if the check passes: a typo never replaces a working target
        return _verdikte(einrichten_und_pruefen(store, args.ziel, args.benutzer, passwort), args.json)


def cmd_pruefen(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import backend_oeffnen
    from ozgdesk.sync.pruefung import einrichtung_pruefen

    with store_oeffnen(args) as store:
        backend = backend_oeffnen(store)
        try:
            return _verdikte(einrichtung_pruefen(backend), args.json)
        finally:
            backend.schliessen()


def cmd_jetzt(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import jetzt_abgleichen

    with store_oeffnen(args) as store:
        e = jetzt_abgleichen(store, loeschen_erlauben=args.loeschen_erlauben)
    if args.json:
        json_ausgeben(e)
        return 0
    print(f"Gesendet: {anzahl(e.gesendet, 'Änderung', 'Änderungen')} in {anzahl(e.gesendet_dateien, 'Datei', 'Dateien')}")
    print(f"Empfangen: {anzahl(e.empfangen, 'Änderung', 'Änderungen')} aus {anzahl(e.empfangen_dateien, 'Datei', 'Dateien')}")
    print(f"Zusammengeführt: {e.zusammengefuehrt}, neue Konflikte: {e.konflikte}, offene Konflikte: {e.offene_konflikte}")
    if e.geloescht:
        print(f"Gelöscht: {e.geloescht}")
    for ziel in e.veroeffentlicht:
        print(f"Einreichung veröffentlicht: {ziel}")
    if e.posteingang_neu:
        print(f"Neue Katalog-Aktualisierungen im Posteingang: {e.posteingang_neu}")
    if e.quarantaene:
        print(f"Dateien in Quarantäne: {e.quarantaene}")
    for w in e.warnungen:
        print(f"Hinweis: {w}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import status

    with store_oeffnen(args) as store:
        st = status(store)
    if args.json:
        json_ausgeben(st)
        return 0
    print(f"Ziel: {st.ziel or '– (nicht eingerichtet)'}")
    print(f"Letzter Abgleich: {st.letzter_abgleich.astimezone().strftime('%d.%m.%Y %H:%M') if st.letzter_abgleich else 'noch nie'}")
    print(f"Ausstehende Änderungen: {st.ausstehende_aenderungen}")
    print(f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}")
    print(f"Offene Konflikte: {st.offene_konflikte}")
    return 0


def cmd_konflikte_list(args: argparse.Namespace) -> int:
    from ozgdesk.sync.konflikte import konflikte

    with store_oeffnen(args) as store:
        liste = konflikte(store, alle=args.alle)
    if args.json:
        json_ausgeben(liste)
        return 0
    zeilen = []
    for k in liste:
        if k.art == "eindeutig":
            werte = f"{len(k.werte)} Datensätze, siehe unten"
        else:
            werte = " | ".join(f"{w['wert']!s} ({_wer(w)})" for w in k.werte if k.feld) or k.hinweis
        zeilen.append((k.id[:8], k.art_text, k.titel, werte))
    tabelle_ausgeben(["ID", "Art", "Datensatz", "Werte (wer, Gerät, wann UTC)"], zeilen, max_breite=90)
    for k in liste:
        if k.art == "eindeutig" and k.offen:
            _eindeutig_zeigen(k)
    return 0


def _wer(w: dict) -> str:
    return (f"{w['benutzer']}, {'dieses Gerät' if w['mein'] else 'Gerät ' + w['geraet'][:8]}, "
            f"{str(w['zeitpunkt'])[:16].replace('T', ' ')}")


def _eindeutig_zeigen(k) -> None:  # noqa: ANN001
    """The records sharing a key, numbered for „konflikte loesen --wert NUMMER“."""
    from ozgdesk.sync.eindeutig import rolle_text

    print(f"\nKonflikt {k.id[:8]}: {k.hinweis}")
    for i, w in enumerate(k.werte, start=1):
        print(f"  {i}: {w['titel']} – {rolle_text(k.tabelle, w)} ({_wer(w)})")
        for name, wert in w.get("felder") or []:
            print(f"       {name}: {wert}")
    if k.tabelle == "einreichung":
        print(f"  Bestätigen: ozgdesk-cli konflikte loesen {k.id[:8]} --wert gesehen")
    elif k.tabelle == "zahlungsplan":
        print(f"  Lösen: ozgdesk-cli konflikte loesen {k.id[:8]} --wert NUMMER (die Fassung, die als aktuelle gelten soll)")
    elif k.tabelle == "projekt":
        print(f"  Lösen: ozgdesk-cli konflikte loesen {k.id[:8]} --wert NUMMER --neu NEUE-KENNUNG-DES-ANDEREN")
    else:
        print(f"  Lösen: ozgdesk-cli konflikte loesen {k.id[:8]} --wert NUMMER (der Datensatz, der gelten soll)")


def cmd_konflikte_loesen(args: argparse.Namespace) -> int:
    from ozgdesk.sync.konflikte import konflikt_loesen

    with store_oeffnen(args) as store:
        k = konflikt_loesen(store, args.id, args.wert, neu=args.neu)
    if args.json:
        json_ausgeben(k)
    elif k.art == "eindeutig":
        print(f"Konflikt {k.id[:8]} gelöst ({k.titel}). Die Lösung wird beim nächsten Abgleich an alle Geräte verteilt.")
    else:
        print(f"Konflikt {k.id[:8]} gelöst ({k.titel}): Wert jetzt {k.aktueller_wert!s}. "
              "Die Lösung wird beim nächsten Abgleich an alle Geräte verteilt.")
    return 0
