"""Document commands: bericht quartal|meilensteine|statusermittlung|online-monitoring, antrag,
steckbrief, pruefen, einreichen, paket-pruefen.

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
    _gemeinsam(q, out=False)
    q.set_defaults(func=cmd_einreichen)

    q = befehle.add_parser("paket-pruefen", help="Einreichungspaket auf Veränderungen prüfen (Prüfsummen)")
    q.add_argument("ordner", metavar="ORDNER", help="Ordner des Pakets (mit manifest.json)")
    json_option(q)
    q.set_defaults(func=cmd_paket_pruefen)


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


def cmd_einreichen(args: argparse.Namespace) -> int:
    q = Quartal.parse(args.quartal)
    with store_oeffnen(args) as store:
        paket = einreichung.einreichen(store, q, Path(args.out), stand=_stand(args), kennzeichnung=_kennzeichnung(args))
        from ozgdesk.sync.ausgang import einreichung_vormerken

        einreichung_vormerken(store, paket.ordner, str(q))  # offline is normal: it waits for the next sync
    if args.json:
        json_ausgeben({"ordner": str(paket.ordner), "version": paket.version, "dateien": paket.dateien,
                       "aenderungen": paket.aenderungen, "befunde": paket.befunde})
    else:
        print(f"Einreichung {q.kurz} Version {paket.version} erzeugt: {paket.ordner}")
        for name, sha in paket.dateien.items():
            print(f"  {name}  SHA-256 {sha}")
        if paket.version > 1:
            print(f"{len(paket.aenderungen)} Änderungen gegenüber Version {paket.version - 1}.")
        print(f"Für die Übertragung an {_empfaenger(args)} vorgemerkt; sie erfolgt beim nächsten Abgleich.")
    return 0


def cmd_paket_pruefen(args: argparse.Namespace) -> int:
    with store_oeffnen(args) as store:
        probleme = einreichung.paket_pruefen(Path(args.ordner), store)
    if args.json:
        json_ausgeben({"ordner": args.ordner, "unveraendert": not probleme, "probleme": probleme})
    elif probleme:
        for p in probleme:
            print(p, file=sys.stderr)
    else:
        print(f"Das Paket {args.ordner} ist vollständig und unverändert.")
    return 1 if probleme else 0
