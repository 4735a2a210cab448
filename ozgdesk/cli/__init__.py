"""``ozgdesk-cli``: the headless command line. It never creates a QApplication.

Commands live in modules listed in :data:`BEFEHLSMODULE`; each has ``registrieren(befehle)`` that
adds its sub-parsers with ``func(args) -> int``. Every command takes ``--json`` for scripts.
Errors below the CLI are :class:`OzgFehler` with a German message: printed to stderr, exit 2.
"""

from __future__ import annotations

import importlib
import logging
import sys

from ozgdesk import __version__, logbuch, paths
from ozgdesk.cli.argparse_de import Parser
from ozgdesk.model.errors import OzgFehler

#: Command modules, each with ``registrieren(befehle)``.
BEFEHLSMODULE = ("ozgdesk.cli.grund", "ozgdesk.cli.katalog", "ozgdesk.cli.berichte", "ozgdesk.cli.abgleich",
                 "ozgdesk.cli.zahlungen")


def parser() -> Parser:
    p = Parser(
        prog="ozgdesk-cli",
        description="ozgdesk – Kommandozeile für Ressorts im Digitalisierungsprogramm Bund (OZG).",
        epilog="Jeder Befehl kennt --json für die Ausgabe an Skripte. Hilfe zu einem Befehl: ozgdesk-cli BEFEHL -h",
    )
    p.add_argument("--home", metavar="ORDNER", help="Datenordner (Standard: OZGDESK_HOME oder der Benutzerdatenordner)")
    p.add_argument("--version", action="version", version=f"ozgdesk {__version__}", help="Version anzeigen und beenden")
    befehle = p.add_subparsers(title="Befehle", dest="befehl", metavar="BEFEHL")
    for modul in BEFEHLSMODULE:
        importlib.import_module(modul).registrieren(befehle)
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help()
        return 1
    log = logging.getLogger("ozgdesk.cli")
    try:
        logbuch.einrichten(paths.home(args.home))
        log.info("Befehl %s gestartet", " ".join(filter(None, (args.befehl, getattr(args, "unterbefehl", None)))))
        return int(args.func(args) or 0)
    except OzgFehler as e:
        log.warning("Befehl abgelehnt: %s", e)
        print(f"Fehler: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head & co.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
