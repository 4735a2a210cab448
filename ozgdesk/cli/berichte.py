"""Document commands: bericht quartal|meilensteine|statusermittlung|online-monitoring, antrag,
steckbrief, pruefen, einreichen, paket-pruefen, signatur (certificate of signed packages).

Final documents are written only when the validation finds no errors (exit code 1 otherwise, with
the list on stderr); ``--entwurf`` writes them anyway with an "ENTWURF" watermark. Files are written
to a temporary name first and renamed, so an interrupted run never leaves half a PDF behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from ozgdesk.cli.gemeinsam import json_ausgeben, json_option, store_oeffnen, tabelle_ausgeben
from ozgdesk.dateien import atomar_schreiben
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.uebersicht import berichtsquartal
from ozgdesk.model.values import Halbjahr, Quartal, anzahl, parse_datum
from ozgdesk.reports import antrag, einreichung, meilensteine, online_monitoring, quartalsbericht, statusermittlung, steckbrief
from ozgdesk.reports.layout import VS_NFD
from ozgdesk.reports.pruefung import Befund, fehler, pruefen
from ozgdesk.reports.snapshot import Bestand, bestand_laden
from ozgdesk.reports.stellungnahmen import befund_json, zaehlen



def _gemeinsam(p: argparse.ArgumentParser, *, formate: str = "pdf,xlsx", kennzeichnung: bool = True,
               out: bool = True) -> None:
    if out:
        p.add_argument("--out", required=True, metavar="ORDNER", help="Zielordner (wird angelegt)")
        p.add_argument("--format", default=formate, help=f"Formate, durch Komma getrennt (Standard: {formate})")
        p.add_argument("--entwurf", action="store_true",
                       help="auch bei Prüffehlern erzeugen, mit Wasserzeichen „ENTWURF“")
    p.add_argument("--stand", metavar="TT.MM.JJJJ", help="Stichtag „Stand“ der Dokumente (Standard: heute)")
    if kennzeichnung:
        p.add_argument("--kennzeichnung", default=VS_NFD, help=f"Schutzvermerk in Kopf- und Fußzeile (Standard: {VS_NFD})")
        p.add_argument("--ohne-kennzeichnung", action="store_true", help="ohne Schutzvermerk")
    json_option(p)


def registrieren(befehle: argparse._SubParsersAction) -> None:
    p = befehle.add_parser("bericht", help="Berichte an den Empfänger (Ressort-Einstellung, Standard: BMDS) als PDF und XLSX erzeugen")
    unter = p.add_subparsers(title="Berichte", dest="bericht", metavar="BERICHT", required=True)
    q = unter.add_parser("quartal", help="Vierteljährlicher Statusbericht (Ressortübersicht oder ein Projekt)")
    q.add_argument("--quartal", required=True, help="Quartal, z. B. 2026-Q3")
    q.add_argument("--projekt", metavar="ID", help="nur dieses Projekt (Kennung); sonst die Ressortübersicht")
    q.add_argument("--aktenzeichen", default="", help="Aktenzeichen im Kopf")
    _gemeinsam(q)
    q.set_defaults(func=cmd_quartal)
    q = unter.add_parser("meilensteine", help="Meilenstein-Monitoring für ein Halbjahr")
    q.add_argument("--halbjahr", required=True, help="Halbjahr, z. B. 2026-H2")
    q.add_argument("--projekt", metavar="ID", help="nur dieses Projekt (Kennung)")
    _gemeinsam(q)
    q.set_defaults(func=cmd_meilensteine)
    q = unter.add_parser("statusermittlung", help="Statusermittlung aller OZG-Leistungen des Ressorts")
    _gemeinsam(q)
    q.set_defaults(func=cmd_statusermittlung)
    q = unter.add_parser("online-monitoring", help="öffentliches Online-Monitoring (ohne Beträge und Personen)")
    q.add_argument("--halbjahr", required=True, help="Halbjahr, z. B. 2026-H2")
    _gemeinsam(q, formate="pdf,xlsx,csv", kennzeichnung=False)
    q.set_defaults(func=cmd_online)

    for name, hilfe, func in (("antrag", "Projektantrag (Anlage A) eines Projekts", cmd_antrag),
                              ("steckbrief", "Projektsteckbrief (eine Seite) eines Projekts", cmd_steckbrief)):
        q = befehle.add_parser(name, help=hilfe)
        q.add_argument("--projekt", required=True, metavar="ID", help="Projektkennung, z. B. BMAS-2025-04")
        _gemeinsam(q)
        q.set_defaults(func=func)

    q = befehle.add_parser("pruefen", help="Vollständigkeit und Stimmigkeit für einen Quartalsbericht prüfen")
    q.add_argument("--quartal", help="Quartal, z. B. 2026-Q3 (Standard: das Quartal, dessen Bericht als nächster "
                   "fällig ist, wie auf der Übersicht)")
    q.add_argument("--projekt", metavar="ID", help="nur dieses Projekt")
    _gemeinsam(q, kennzeichnung=False, out=False)
    q.set_defaults(func=cmd_pruefen)

    q = befehle.add_parser("einreichen", help="Einreichungspaket an den Empfänger der Berichte erzeugen (PDF, XLSX, JSON, Manifest)")
    q.add_argument("--quartal", required=True, help="Quartal, z. B. 2026-Q3")
    q.add_argument("--out", required=True, metavar="ORDNER", help="Zielordner; das Paket entsteht als Unterordner")
    q.add_argument("--aktenzeichen", default="", metavar="AZ",
                   help="Aktenzeichen: im Kopf beider PDFs, in JSON, Manifest und XLSX-Eigenschaften")
    q.add_argument("--zertifikat", metavar="DATEI", help="mit diesem PKCS#12-Zertifikat (.p12/.pfx) signieren "
                   "(Standard: das mit „signatur einrichten“ hinterlegte, sonst unsigniert)")
    q.add_argument("--password-stdin", action="store_true",
                   help="Passwort des Zertifikats aus der Standardeingabe lesen (sonst Schlüsselbund oder Abfrage)")
    q.add_argument("--ohne-signatur", action="store_true", help="nicht signieren, auch wenn ein Zertifikat eingerichtet ist")
    _gemeinsam(q, out=False)
    q.set_defaults(func=cmd_einreichen)

    q = befehle.add_parser("paket-pruefen", help="Einreichungspaket prüfen: Prüfsummen, Schema, Signaturen, Absender")
    q.add_argument("ordner", metavar="ORDNER", help="Ordner des Pakets (mit manifest.json)")
    q.add_argument("--ca", metavar="DATEI", help="Zertifikat der Zertifizierungsstelle (PEM oder DER): verlangt eine "
                   "gültige Signatur, deren Zertifikatskette zu ihr führt")
    json_option(q)
    q.set_defaults(func=cmd_paket_pruefen)

    q = befehle.add_parser("signatur", help="Zertifikat, mit dem Einreichungspakete signiert werden")
    unter = q.add_subparsers(title="Befehle", dest="signatur", metavar="BEFEHL", required=True)
    e = unter.add_parser("einrichten", help="PKCS#12-Zertifikat prüfen und für dieses Gerät hinterlegen "
                         "(Passwort im Schlüsselbund)")
    e.add_argument("--zertifikat", required=True, metavar="DATEI", help="PKCS#12-Datei (.p12/.pfx)")
    e.add_argument("--password-stdin", action="store_true", help="Passwort aus der Standardeingabe lesen (für Skripte)")
    json_option(e)
    e.set_defaults(func=cmd_signatur_einrichten)
    e = unter.add_parser("status", help="eingerichtetes Zertifikat anzeigen")
    json_option(e)
    e.set_defaults(func=cmd_signatur_status)
    e = unter.add_parser("entfernen", help="nicht mehr signieren; Passwort aus dem Schlüsselbund löschen")
    json_option(e)
    e.set_defaults(func=cmd_signatur_entfernen)


# ------------------------------------------------------------------------------------------- helpers
def _stand(args: argparse.Namespace) -> date:
    return parse_datum(args.stand) if args.stand else date.today()


def _bestand(args: argparse.Namespace) -> Bestand:
    with store_oeffnen(args) as store:
        return bestand_laden(store, _stand(args))


def _empfaenger(args: argparse.Namespace) -> str:
    """„das BMDS“: the recipient the Ressort has set (model/empfaenger.py)."""
    from ozgdesk.model import empfaenger

    with store_oeffnen(args) as store, store.lesen() as s:
        return empfaenger.mit_artikel(empfaenger.des_ressorts(s))


def _kennzeichnung(args: argparse.Namespace) -> str:
    return "" if getattr(args, "ohne_kennzeichnung", False) else getattr(args, "kennzeichnung", "")


def _formate(args: argparse.Namespace, erlaubt: tuple[str, ...]) -> list[str]:
    formate = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    falsch = [f for f in formate if f not in erlaubt]
    if falsch or not formate:
        raise Eingabefehler(f"--format: „{args.format}“ ist nicht möglich (erlaubt: {', '.join(erlaubt)}).")
    return formate


def _schreiben(ordner: Path, name: str, inhalt: bytes) -> Path:
    return atomar_schreiben(ordner / name, inhalt)


def _ausgeben_befunde(befunde: list[Befund], datei=sys.stdout) -> None:  # noqa: ANN001
    for b in befunde:
        print(f"{b.schwere}: {b.datensatz}: {b.text}", file=datei)


def _erzeugen(args: argparse.Namespace, befunde: list[Befund], erlaubt: tuple[str, ...], basis: str,
              erzeuger: dict[str, Callable[[bool], bytes]]) -> int:
    """Common flow: refuse final documents with errors, else render the requested formats."""
    formate = _formate(args, erlaubt)
    fehlerliste = fehler(befunde)
    if fehlerliste and not args.entwurf:
        if args.json:
            json_ausgeben({"erzeugt": [], "befunde": befunde, "entwurf": False})
        print(f"Das Dokument ist nicht fertig: {len(fehlerliste)} Prüffehler. Bitte beheben oder mit --entwurf "
              "als Entwurf erzeugen:", file=sys.stderr)
        _ausgeben_befunde(fehlerliste, sys.stderr)
        return 1
    entwurf = bool(args.entwurf)
    dateien = [_schreiben(Path(args.out), f"{basis}.{f}", erzeuger[f](entwurf)) for f in formate]
    if args.json:
        json_ausgeben({"erzeugt": [str(d) for d in dateien], "befunde": befunde, "entwurf": entwurf})
    else:
        for d in dateien:
            print(f"Erzeugt: {d}")
        if befunde:
            print(f"{len(fehlerliste)} Fehler, {anzahl(len(befunde) - len(fehlerliste), 'Hinweis', 'Hinweise')} "
                  "(ozgdesk-cli pruefen).")
    return 0


def _fuer_projekt(befunde: list[Befund], kennung: str) -> list[Befund]:
    """The findings of one project, by its Kennung (not by text prefix: BMAS-2024-1 ≠ BMAS-2024-10)."""
    return [b for b in befunde if b.projekt == kennung]


# ------------------------------------------------------------------------------------------ commands
def cmd_quartal(args: argparse.Namespace) -> int:
    q = Quartal.parse(args.quartal)
    b = _bestand(args)
    kz = _kennzeichnung(args)
    befunde = pruefen(b, q)
    if args.projekt:
        p = b.projekt(args.projekt)
        befunde = _fuer_projekt(befunde, p.kennung)
        return _erzeugen(args, befunde, ("pdf", "xlsx"), f"Quartalsbericht_{p.kennung}_{q}", {
            "pdf": lambda e: quartalsbericht.pdf_projekte(b, [p], q, kennzeichnung=kz, entwurf=e),
            "xlsx": lambda e: quartalsbericht.xlsx(b, q, [p], kennzeichnung=kz, entwurf=e)})
    return _erzeugen(args, befunde, ("pdf", "xlsx"), f"Quartalsbericht_{b.ressort.kurzname}_{q}", {
        "pdf": lambda e: quartalsbericht.pdf_ressort(b, q, kennzeichnung=kz, entwurf=e, aktenzeichen=args.aktenzeichen),
        "xlsx": lambda e: quartalsbericht.xlsx(b, q, kennzeichnung=kz, entwurf=e, aktenzeichen=args.aktenzeichen)})


def _meilenstein_befunde(b: Bestand) -> list[Befund]:
    return [x for x in pruefen(b, b.letztes_quartal) if "Meilenstein" in x.datensatz + x.text]


def cmd_meilensteine(args: argparse.Namespace) -> int:
    h = Halbjahr.parse(args.halbjahr)
    b = _bestand(args)
    projekt = b.projekt(args.projekt) if args.projekt else None
    projekte = [projekt] if projekt is not None else None
    befunde = _meilenstein_befunde(b)
    if projekt is not None:
        befunde = _fuer_projekt(befunde, projekt.kennung)
    name = f"Meilenstein-Monitoring_{projekt.kennung if projekt is not None else b.ressort.kurzname}_{h}"
    return _erzeugen(args, befunde, ("pdf", "xlsx"), name, {
        "pdf": lambda e: meilensteine.pdf(b, h, projekte, kennzeichnung=_kennzeichnung(args), entwurf=e),
        "xlsx": lambda e: meilensteine.xlsx(b, h, projekte, kennzeichnung=_kennzeichnung(args), entwurf=e, befunde=befunde)})


def cmd_statusermittlung(args: argparse.Namespace) -> int:
    b = _bestand(args)
    befunde = [x for x in pruefen(b, b.letztes_quartal) if x.ozg_id is not None]
    return _erzeugen(args, befunde, ("pdf", "xlsx"), f"Statusermittlung_{b.ressort.kurzname}_{b.stand.isoformat()}", {
        "pdf": lambda e: statusermittlung.pdf(b, kennzeichnung=_kennzeichnung(args), entwurf=e),
        "xlsx": lambda e: statusermittlung.xlsx(b, kennzeichnung=_kennzeichnung(args), entwurf=e, befunde=befunde)})


def cmd_online(args: argparse.Namespace) -> int:
    h = Halbjahr.parse(args.halbjahr)
    b = _bestand(args)
    befunde = _meilenstein_befunde(b)
    return _erzeugen(args, befunde, ("pdf", "xlsx", "csv"), f"Online-Monitoring_{b.ressort.kurzname}_{h}", {
        "pdf": lambda e: online_monitoring.pdf(b, h, entwurf=e),
        "xlsx": lambda e: online_monitoring.xlsx(b, h, entwurf=e, befunde=befunde),
        "csv": lambda e: online_monitoring.csv_bytes(b, h)})


def _projekt_dokument(args: argparse.Namespace, name: str, modul) -> int:  # noqa: ANN001
    b = _bestand(args)
    p = b.projekt(args.projekt)
    befunde = _fuer_projekt(pruefen(b, b.letztes_quartal), p.kennung)
    return _erzeugen(args, befunde, ("pdf", "xlsx"), f"{name}_{p.kennung}", {
        "pdf": lambda e: modul.pdf(b, p, kennzeichnung=_kennzeichnung(args), entwurf=e),
        "xlsx": lambda e: modul.xlsx(b, p, kennzeichnung=_kennzeichnung(args), entwurf=e, befunde=befunde)})


def cmd_antrag(args: argparse.Namespace) -> int:
    return _projekt_dokument(args, "Projektantrag", antrag)


def cmd_steckbrief(args: argparse.Namespace) -> int:
    return _projekt_dokument(args, "Projektsteckbrief", steckbrief)


def cmd_pruefen(args: argparse.Namespace) -> int:
    b = _bestand(args)
    q = Quartal.parse(args.quartal) if args.quartal else berichtsquartal(b.stand)[0]
    befunde = pruefen(b, q)
    if args.projekt:
        befunde = _fuer_projekt(befunde, b.projekt(args.projekt).kennung)
    if args.json:
        z = zaehlen(befunde)
        json_ausgeben({"quartal": str(q), "fehler": z.fehler, "hinweise": z.hinweise,
                       "mit_stellungnahme": z.mit_stellungnahme, "befunde": [befund_json(x) for x in befunde]})
    elif befunde:
        tabelle_ausgeben(["ID", "Art", "Datensatz", "Befund"],
                         [[x.id, x.schwere + ("" if x.offen else " (Stellungnahme liegt vor)"), x.datensatz, x.text]
                          for x in befunde], max_breite=200)
    else:
        print(f"Keine Befunde: der Quartalsbericht {q.kurz} ist vollständig und stimmig.")
    return 1 if fehler(befunde) else 0


def _zertifikatspasswort(args: argparse.Namespace, pfad: str) -> str:
    """The PKCS#12 password: from stdin (``--password-stdin``), the keychain, or asked for on a
    terminal – never from an argument (it would show in the process list and the shell history)."""
    import getpass

    from ozgdesk.reports import paketsignatur

    if args.password_stdin:
        passwort = sys.stdin.readline().rstrip("\r\n")
        if not passwort:
            raise Eingabefehler("--password-stdin: Auf der Standardeingabe kam kein Passwort an.")
        return passwort
    gespeichert = paketsignatur.passwort_holen(pfad)
    if gespeichert is not None:
        return gespeichert
    if sys.stdin.isatty():
        return getpass.getpass(f"Passwort für das Zertifikat {pfad}: ")
    raise Eingabefehler(f"Für das Zertifikat „{pfad}“ ist kein Passwort bekannt: bitte --password-stdin angeben oder "
                        "es mit „ozgdesk-cli signatur einrichten“ im Schlüsselbund hinterlegen.")


def cmd_einreichen(args: argparse.Namespace) -> int:
    from ozgdesk.reports import paketsignatur

    q = Quartal.parse(args.quartal)
    if args.ohne_signatur and (args.zertifikat or args.password_stdin):
        raise Eingabefehler("--ohne-signatur schließt --zertifikat und --password-stdin aus.")
    with store_oeffnen(args) as store:
        pfad = None if args.ohne_signatur else (args.zertifikat or paketsignatur.eingerichtet(store))
        # loaded before the submission's transaction: it reads the keychain and may ask for the password
        unterzeichner = paketsignatur.pkcs12_datei_laden(pfad, _zertifikatspasswort(args, pfad)) if pfad else None
        paket = einreichung.einreichen(store, q, Path(args.out), stand=_stand(args), kennzeichnung=_kennzeichnung(args),
                                       aktenzeichen=args.aktenzeichen, unterzeichner=unterzeichner)
        from ozgdesk.sync.ausgang import einreichung_vormerken

        einreichung_vormerken(store, paket.ordner, str(q))  # offline is normal: it waits for the next sync
    signiert = paket.signiert_von
    if args.json:
        json_ausgeben({"ordner": str(paket.ordner), "version": paket.version, "dateien": paket.dateien,
                       "aktenzeichen": args.aktenzeichen or None,
                       "signiert_von": None if signiert is None else _zertifikat_json(signiert),
                       "aenderungen": [a.json() for a in paket.aenderungen], "befunde": paket.befunde})
    else:
        print(f"Einreichung {q.kurz}, Fassung {paket.version}, erzeugt: {paket.ordner}")
        for name, sha in paket.dateien.items():
            print(f"  {name}  SHA-256 {sha}")
        if signiert is not None:
            print(f"Signiert von {signiert.wer}; Zertifikat SHA-256 {signiert.fingerabdruck} ({signiert.gueltigkeit}).")
        else:
            print("Nicht signiert (kein Zertifikat eingerichtet: „ozgdesk-cli signatur einrichten --zertifikat DATEI“).")
        if paket.version > 1:
            print(f"{len(paket.aenderungen)} Änderungen gegenüber Fassung {paket.version - 1}.")
        print(f"Für die Übertragung an {_empfaenger(args)} vorgemerkt; sie erfolgt beim nächsten Abgleich.")
    return 0


def _zertifikat_json(z) -> dict[str, str]:  # noqa: ANN001 - paketsignatur.Zertifikatsangaben, imported lazily
    return {"name": z.name, "organisation": z.organisation, "aussteller": z.aussteller, "sha256": z.sha256,
            "fingerabdruck": z.fingerabdruck, "gueltig_von": z.gueltig_von.isoformat(),
            "gueltig_bis": z.gueltig_bis.isoformat()}


_ZEICHEN = {"ok": "✓", "fehler": "✗", "hinweis": "–"}
#: Notes already said in the header (who, when, which certificate) or in the result line.
_KOPFHINWEISE = ("Zertifikat", "Signaturzeitpunkt", "Zertifikatskette")


def _pruefpunkte_ausgeben(punkte: list) -> None:  # noqa: ANN001 - paketsignatur.Pruefpunkt
    """One line per file with the checks passed, each failure on its own line (stderr), notes as they are."""
    dateien: dict[str, list] = {}
    for p in punkte:
        dateien.setdefault(p.datei, []).append(p)
    reihenfolge = {"": 0, "manifest.json": 1, "manifest.json.p7s": 2}
    for datei, liste in sorted(dateien.items(), key=lambda x: (reihenfolge.get(x[0], 3), x[0])):
        vor = f"{datei}: " if datei else ""
        gut = [p.pruefung for p in liste if p.ergebnis == "ok"]
        if gut:
            print(f"{_ZEICHEN['ok']} {vor}{', '.join(dict.fromkeys(gut))} in Ordnung")
        for p in liste:
            if p.fehler:
                print(f"{_ZEICHEN['fehler']} {vor}{p.pruefung}: {p.text}", file=sys.stderr)
            elif p.ergebnis == "hinweis" and p.pruefung not in _KOPFHINWEISE:
                print(f"{_ZEICHEN['hinweis']} {vor}{p.pruefung}: {p.text}")


def cmd_paket_pruefen(args: argparse.Namespace) -> int:
    from ozgdesk.reports import paketsignatur

    ca = paketsignatur.ca_laden(args.ca) if args.ca else None
    with store_oeffnen(args) as store:
        e = einreichung.paket_pruefung(Path(args.ordner), store, ca)
    if args.json:
        json_ausgeben({"ordner": args.ordner, "gueltig": e.gueltig, "signiert": e.signiert,
                       "unveraendert": not any(p.fehler and p.pruefung == "Prüfsumme" for p in e.punkte),
                       "unterzeichner": None if e.unterzeichner is None else _zertifikat_json(e.unterzeichner),
                       "signiert_am": e.signiert_am.isoformat() if e.signiert_am else None,
                       "ca_geprueft": ca is not None,
                       "pruefungen": [{"datei": p.datei, "pruefung": p.pruefung, "ergebnis": p.ergebnis, "text": p.text}
                                      for p in e.punkte],
                       "probleme": e.probleme})
        return 0 if e.gueltig else 1
    m = e.manifest
    if m:
        az = f", Az. {m['aktenzeichen']}" if isinstance(m.get("aktenzeichen"), str) else ""
        print(f"Paket {Path(args.ordner).name}: Ressort {m.get('ressort')}, {m.get('zeitraum')}, Fassung {m.get('version')}"
              f"{az}, erstellt von {m.get('erstellt_von', '–')}")
    if e.unterzeichner is not None:
        z = e.unterzeichner
        print(f"Unterzeichnet von: {z.name}" + (f", {z.organisation}" if z.organisation else ""))
        if e.signiert_am is not None:
            print(f"Zeitpunkt:         {paketsignatur.zeit_text(e.signiert_am)} (Angabe des Unterzeichners, kein Zeitstempel)")
        print(f"Zertifikat:        SHA-256 {z.fingerabdruck}")
        print(f"                   ausgestellt von {z.aussteller}, {z.gueltigkeit}")
    elif not e.signiert:
        print("Signatur:          nicht signiert")
    _pruefpunkte_ausgeben(e.punkte)
    if e.gueltig:
        wie = "gültig signiert" + (" (Kette zur angegebenen Zertifizierungsstelle geprüft)" if ca else
                                   " (Zertifikatskette nicht geprüft: --ca angeben)") if e.signiert else "nicht signiert"
        print(f"Ergebnis: Das Paket {args.ordner} ist vollständig und unverändert; {wie}.")
    else:
        print(f"Ergebnis: Das Paket {args.ordner} ist NICHT in Ordnung: {anzahl(len(e.probleme), 'Prüfung', 'Prüfungen')} "
              "fehlgeschlagen (oben mit ✗).", file=sys.stderr)
    return 0 if e.gueltig else 1


def cmd_signatur_einrichten(args: argparse.Namespace) -> int:
    from ozgdesk.reports import paketsignatur

    if args.password_stdin:
        passwort = _zertifikatspasswort(args, args.zertifikat)
    elif sys.stdin.isatty():
        import getpass

        passwort = getpass.getpass(f"Passwort für das Zertifikat {args.zertifikat}: ")
    else:
        raise Eingabefehler("Bitte das Passwort des Zertifikats mit --password-stdin übergeben.")
    with store_oeffnen(args) as store:
        z = paketsignatur.einrichten(store, args.zertifikat, passwort)
        pfad = paketsignatur.eingerichtet(store)
    if args.json:
        json_ausgeben({"zertifikat": pfad, **_zertifikat_json(z)})
    else:
        print(f"Eingerichtet: Einreichungen werden signiert von {z.wer}.")
        print(f"Zertifikat {pfad}: SHA-256 {z.fingerabdruck}, ausgestellt von {z.aussteller}, {z.gueltigkeit}.")
        print("Das Passwort liegt im Schlüsselbund des Systems.")
    return 0


def cmd_signatur_status(args: argparse.Namespace) -> int:
    from ozgdesk.reports import paketsignatur

    with store_oeffnen(args) as store:
        pfad = paketsignatur.eingerichtet(store)
    if args.json:
        json_ausgeben({"zertifikat": pfad})
    elif pfad:
        print(f"Einreichungen werden mit dem Zertifikat {pfad} signiert (Passwort im Schlüsselbund).")
    else:
        print("Kein Zertifikat eingerichtet: Einreichungen werden nicht signiert.")
    return 0


def cmd_signatur_entfernen(args: argparse.Namespace) -> int:
    from ozgdesk.reports import paketsignatur

    with store_oeffnen(args) as store:
        pfad = paketsignatur.eingerichtet(store)
        paketsignatur.entfernen(store)
    if args.json:
        json_ausgeben({"entfernt": pfad})
    else:
        print(f"Entfernt: {pfad} (Passwort aus dem Schlüsselbund gelöscht)." if pfad else "Es war kein Zertifikat eingerichtet.")
    return 0
