"""Commands for the sync: abgleich einrichten|pruefen|jetzt|status|ausgang, konflikte list|loesen."""

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
                         "Das Passwort kommt nur in den Schlüsselbund des Betriebssystems; eine Adresse mit "
                         "Zugangsdaten (https://name:passwort@server/…) wird abgelehnt. Ein fehlender Zielordner "
                         "wird nur mit --anlegen angelegt.")
    q.add_argument("--ziel", required=True, metavar="URL|PFAD", help="https://server/ordner/ oder ein (Netz-)Ordner")
    q.add_argument("--benutzer", metavar="NAME", help="Benutzername für den WebDAV-Server")
    q.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Skripte)")
    q.add_argument("--anlegen", action="store_true",
                   help="einen fehlenden Zielordner anlegen (WebDAV: auch fehlende übergeordnete Ordner)")
    q.add_argument("--name", metavar="NAME",
                   help="Ihr Name, unter dem Ihre Änderungen auf allen Geräten erscheinen (an den Schlüssel gebunden)")
    q.add_argument("--anker", metavar="FINGERABDRUCK",
                   help="Fingerabdruck des Gründungsgeräts der Ablage (von der Koordination): wird beim ersten "
                   "Abgleich geprüft, statt ihm beim ersten Kontakt zu vertrauen")
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
    q = unter.add_parser("status", help="Ziel, letzter Abgleich, Ausstehendes, Konflikte, Quarantäne, Freigabe")
    json_option(q)
    q.set_defaults(func=cmd_status)
    q = unter.add_parser("ausgang", help="Postausgang: Einreichungen an den Empfänger der Berichte (Standard: BMDS) anzeigen oder einen Eintrag entfernen")
    aus = q.add_subparsers(title="Befehle", dest="ausgangbefehl", metavar="BEFEHL", required=True)
    r = aus.add_parser("list", help="Einträge mit Kennung, Periode, Ordner, Zeitpunkt und Stand (veröffentlicht oder Fehler)")
    json_option(r)
    r.set_defaults(func=cmd_ausgang_list)
    r = aus.add_parser("entfernen", help="einen noch nicht veröffentlichten Eintrag entfernen (ohne Rückfrage)",
                       description="Entfernt eine Einreichung aus dem Postausgang, die noch nicht veröffentlicht "
                       "ist, z. B. weil ihr Paketordner gelöscht oder verändert wurde und sie bei jedem Abgleich "
                       "scheitert. Der Paketordner selbst bleibt unverändert. Veröffentlichte Einträge bleiben.")
    r.add_argument("id", metavar="ID", help="Kennung aus „abgleich ausgang list“ (oder ihre ersten 8 Zeichen)")
    json_option(r)
    r.set_defaults(func=cmd_ausgang_entfernen)
    q = unter.add_parser("umziehen", help="bewusst auf eine neue Ablage umziehen (neuer Server, altes Format 1)",
                         description="Prüft die neue Ablage und richtet sie ein; dann gründet dieses Gerät sie "
                         "(oder tritt ihr bei, wenn ein anderes Gerät schon umgezogen ist) und sendet alle eigenen "
                         "Änderungen dort erneut. Die alte Ablage wird nicht verändert.")
    q.add_argument("--ziel", required=True, metavar="URL|PFAD", help="die neue Ablage")
    q.add_argument("--anlegen", action="store_true", help="den Zielordner anlegen, falls es ihn noch nicht gibt")
    q.add_argument("--benutzer", metavar="NAME", help="Benutzername für den WebDAV-Server")
    q.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Skripte)")
    json_option(q)
    q.set_defaults(func=cmd_umziehen)

    g = unter.add_parser("geraete", help="Geräte der Ablage: Fingerabdrücke, Freigabe, Widerruf")
    gu = g.add_subparsers(title="Befehle", dest="geraetebefehl", metavar="BEFEHL", required=True)
    q = gu.add_parser("list", help="alle Geräte mit Fingerabdruck, Person und Status (dieses Gerät zuerst)")
    json_option(q)
    q.set_defaults(func=cmd_geraete_list)
    q = gu.add_parser("freigeben", help="ein wartendes Gerät freigeben (nur Koordination)",
                      description="Gibt den Schlüssel eines Geräts frei, das sich auf der Ablage angekündigt hat. "
                      "Vorher den Fingerabdruck mit dem auf dem Bildschirm des Geräts vergleichen "
                      "(„ozgdesk-cli abgleich status“ dort).")
    q.add_argument("geraet", metavar="GERÄT", help="Kennung (oder ihre ersten 8 Zeichen) oder Fingerabdruck")
    q.add_argument("--rolle", choices=("mitarbeit", "koordination"), default="mitarbeit",
                   help="koordination darf selbst Geräte freigeben und widerrufen (Standard: mitarbeit)")
    json_option(q)
    q.set_defaults(func=cmd_geraete_freigeben)
    q = gu.add_parser("widerrufen", help="den Schlüssel eines Geräts widerrufen (nur Koordination)")
    q.add_argument("geraet", metavar="GERÄT", help="Kennung (oder ihre ersten 8 Zeichen) oder Fingerabdruck")
    json_option(q)
    q.set_defaults(func=cmd_geraete_widerrufen)

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
        json_ausgeben([{"name": p.name, "stufe": p.stufe, "meldung": p.meldung, "ziel_fehlt": p.ziel_fehlt}
                       for p in punkte])
    else:
        zeichen = {"ok": "✓", "warnung": "!", "fehler": "✗"}
        for p in punkte:
            print(f"{zeichen[p.stufe]} {p.name}: {p.meldung}")
    return 0 if all(p.ok for p in punkte) else 1


def cmd_einrichten(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import adresse_pruefen, einrichten_und_pruefen, ist_url

    passwort = None
    ziel = args.ziel.strip()
    adresse_pruefen(ziel)  # credentials in the address: refused before a password is asked or anything stored
    if ist_url(ziel) and not args.benutzer:
        raise Eingabefehler("Für einen WebDAV-Server bitte --benutzer angeben.")
    if args.password_stdin:
        passwort = sys.stdin.readline().rstrip("\r\n")
        if not passwort:
            raise Eingabefehler("--password-stdin: Auf der Standardeingabe kam kein Passwort an.")
    elif ist_url(ziel) and sys.stdin.isatty():
        passwort = getpass.getpass(f"Passwort für {args.benutzer} auf {ziel}: ")
    with store_oeffnen(args) as store:
        # checked first, taken over only if the check passes: a typo never replaces a working target
        punkte = einrichten_und_pruefen(store, ziel, args.benutzer, passwort, anlegen=args.anlegen)
        if args.name and all(p.ok for p in punkte):
            store.person_setzen(args.name)
        if args.anker and all(p.ok for p in punkte):
            from ozgdesk.sync.ablauf import ANKER_ERWARTET

            store.meta_setzen(ANKER_ERWARTET, args.anker)
    for p in punkte:
        if p.ziel_fehlt:
            p.meldung += " Zum Anlegen denselben Befehl mit --anlegen wiederholen."
    return _verdikte(punkte, args.json)


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
    from ozgdesk.model.vertrauen import ROLLEN
    from ozgdesk.sync.abgleich import status
    from ozgdesk.sync.ablauf import schluessel_anzeige

    with store_oeffnen(args) as store:
        st = status(store)
        finger = schluessel_anzeige(store)["fingerabdruck"]
    if args.json:
        json_ausgeben({**_als_dict(st), "fingerabdruck": finger})
        return 0
    print(f"Ziel: {st.ziel or '– (nicht eingerichtet)'}")
    print(f"Letzter Abgleich: {st.letzter_abgleich.astimezone().strftime('%d.%m.%Y %H:%M') if st.letzter_abgleich else 'noch nie'}")
    print(f"Ausstehende Änderungen: {st.ausstehende_aenderungen}")
    print(f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}")
    print(f"Offene Konflikte: {st.offene_konflikte}")
    freigabe = f"freigegeben ({ROLLEN.get(st.rolle or '', st.rolle)})" if st.freigegeben else "noch nicht freigegeben"
    print(f"Dieses Gerät: {st.geraet[:8]} ({st.person}), Fingerabdruck {finger or '– (entsteht beim ersten Abgleich)'}, {freigabe}")
    if st.anker:
        print(f"Vertrauensanker der Ablage: {st.anker}")
    if st.wartende_geraete:
        print(f"Geräte, die auf Freigabe warten: {st.wartende_geraete} (siehe „abgleich geraete list“)")
    print(f"In Quarantäne: {st.quarantaene}")
    for q in st.quarantaene_liste:
        print(f"  {q['datei']} (Gerät {q['geraet'][:8]}): {q['grund']}")
    return 0


def cmd_ausgang_list(args: argparse.Namespace) -> int:
    from ozgdesk.sync.ausgang import ausgang, stand_text

    with store_oeffnen(args) as store:
        liste = ausgang(store, pruefen=True)
    if args.json:
        json_ausgeben([dict(vars(e), stand=stand_text(e)) for e in liste])
        return 0
    tabelle_ausgeben(["ID", "Periode", "Ordner", "Eingereiht", "Stand"],
                     [(e.id[:8], e.periode, e.ordner, e.eingereiht_am.astimezone().strftime("%d.%m.%Y %H:%M"),
                       stand_text(e)) for e in liste], max_breite=120)
    if any(e.veroeffentlicht_am is None for e in liste):
        print("Fehler beim Veröffentlichen stehen nach jedem Abgleich als Hinweis und im technischen Protokoll.")
    return 0


def cmd_ausgang_entfernen(args: argparse.Namespace) -> int:
    from ozgdesk.sync.ausgang import ausgang_entfernen

    from ozgdesk.model import empfaenger

    with store_oeffnen(args) as store:
        e = ausgang_entfernen(store, args.id)
        with store.lesen() as s:
            an = empfaenger.mit_artikel(empfaenger.des_ressorts(s))
    if args.json:
        json_ausgeben(e)
        return 0
    print(f"Einreichung {e.periode} ({e.id[:8]}) aus dem Postausgang entfernt; sie wird nicht an {an} übertragen. "
          f"Der Paketordner {e.ordner} bleibt unverändert.")
    if e.version:
        print(f"Auf der Ablage bleibt die begonnene Fassung v{e.version} ohne Übertragungsliste liegen; sie gilt "
              "nicht als eingereicht.")
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


def _als_dict(obj: object) -> dict[str, object]:
    import dataclasses

    return dataclasses.asdict(obj)  # type: ignore[call-overload]


def _passwort(args: argparse.Namespace, ziel: str, benutzer: str | None) -> str | None:
    from ozgdesk.sync.abgleich import ist_url

    if args.password_stdin:
        passwort = sys.stdin.readline().rstrip("\r\n")
        if not passwort:
            raise Eingabefehler("--password-stdin: Auf der Standardeingabe kam kein Passwort an.")
        return passwort
    if ist_url(ziel) and sys.stdin.isatty():
        return getpass.getpass(f"Passwort für {benutzer} auf {ziel}: ")
    return None


def cmd_umziehen(args: argparse.Namespace) -> int:
    from ozgdesk.sync.abgleich import jetzt_abgleichen, umziehen

    passwort = _passwort(args, args.ziel.strip(), args.benutzer)
    with store_oeffnen(args) as store:
        punkte = umziehen(store, args.ziel, args.benutzer, passwort, anlegen=args.anlegen)
        if not all(p.ok for p in punkte):
            return _verdikte(punkte, args.json)
        e = jetzt_abgleichen(store)
    if args.json:
        json_ausgeben({"pruefung": [{"name": p.name, "stufe": p.stufe, "meldung": p.meldung} for p in punkte],
                       "abgleich": e})
        return 0
    _verdikte(punkte, False)
    print(f"Umgezogen: {anzahl(e.gesendet, 'eigene Änderung', 'eigene Änderungen')} auf der neuen Ablage "
          f"veröffentlicht, {anzahl(e.empfangen, 'Änderung', 'Änderungen')} von dort übernommen.")
    for w in e.warnungen:
        print(f"Hinweis: {w}")
    return 0


def cmd_geraete_list(args: argparse.Namespace) -> int:
    from ozgdesk.sync import schluessel as sk
    from ozgdesk.sync.geraete import geraete

    with store_oeffnen(args) as store:
        eigener = sk.laden(store.geraet_id)
        liste = geraete(store, eigener.oeffentlich if eigener else None)
    if args.json:
        json_ausgeben([{**_als_dict(g), "status_text": g.status_text} for g in liste])
        return 0
    tabelle_ausgeben(["Gerät", "Fingerabdruck", "Person", "Rechner", "Status"],
                     [(g.geraet[:8], g.fingerabdruck, g.benutzer or "–", g.rechner or "–", g.status_text)
                      for g in liste], max_breite=60)
    return 0


def cmd_geraete_freigeben(args: argparse.Namespace) -> int:
    from ozgdesk.sync.geraete import freigeben

    with store_oeffnen(args) as store:
        g = freigeben(store, args.geraet, args.rolle)
    if args.json:
        json_ausgeben(_als_dict(g))
    else:
        print(f"Gerät {g.geraet[:8]} ({g.benutzer or 'ohne Namen'}, Fingerabdruck {g.fingerabdruck}) ist freigegeben; "
              "die Freigabe geht mit dem nächsten Abgleich an alle Geräte.")
    return 0


def cmd_geraete_widerrufen(args: argparse.Namespace) -> int:
    from ozgdesk.sync.geraete import widerrufen

    with store_oeffnen(args) as store:
        g = widerrufen(store, args.geraet)
    if args.json:
        json_ausgeben(_als_dict(g))
    else:
        print(f"Der Schlüssel von Gerät {g.geraet[:8]} ({g.benutzer or 'ohne Namen'}) ist widerrufen; seine Änderungen "
              "werden ab dem nächsten Abgleich auf keinem Gerät mehr übernommen.")
    return 0
