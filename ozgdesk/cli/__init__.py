"""``ozgdesk-cli``: the headless command line. It never creates a QApplication.

Commands live in modules listed in :data:`BEFEHLSMODULE`; each has ``registrieren(befehle)`` that
adds its sub-parsers with ``func(args) -> int``. Every command takes ``--json`` for scripts.

Exit codes (decided for issue 11, written down in ``docs/sicherheit.md``):

* ``0`` – done.
* ``1`` – the command was understood but refused or failed: a German one-line message on stderr,
  the details in the technical log, nothing written. This covers every :class:`OzgFehler` (bad
  value, bad file, database locked, disk full, read-only), values out of range, arguments that are
  not valid UTF-8, and – through the last-resort handler – any unexpected exception, whose
  traceback goes to the log only. ``pruefen`` also returns 1 when it finds errors.
* ``2`` – argparse could not read the command line (unknown command or option, missing argument,
  a value not of the expected form); it prints the usage, as every Unix tool does.
* ``130`` – interrupted with Ctrl+C.
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import sys
from types import TracebackType

from ozgdesk import __version__, logbuch, paths
from ozgdesk.cli.argparse_de import Parser
from ozgdesk.model.errors import Eingabefehler, OzgFehler

#: Command modules, each with ``registrieren(befehle)``.
BEFEHLSMODULE = ("ozgdesk.cli.grund", "ozgdesk.cli.katalog", "ozgdesk.cli.berichte", "ozgdesk.cli.abgleich",
                 "ozgdesk.cli.zahlungen", "ozgdesk.cli.befunde", "ozgdesk.cli.datenbank",
                 "ozgdesk.cli.empfang")


def parser() -> Parser:
    p = Parser(
        prog="ozgdesk-cli",
        description="ozgdesk – Kommandozeile für Ressorts im Digitalisierungsprogramm Bund (OZG).",
        epilog="Jeder Befehl kennt --json für die Ausgabe an Skripte. Hilfe zu einem Befehl: ozgdesk-cli BEFEHL -h",
    )
    p.add_argument("--home", metavar="ORDNER", help="Datenordner (Standard: OZGDESK_HOME oder der Benutzerdatenordner)")
    p.add_argument("--db", metavar="DATEI|URL",
                   help="Datenbank: eine Datei oder ein PostgreSQL-Server (postgresql+psycopg://benutzer@host/datenbank; "
                        "Standard: OZGDESK_DB oder ozgdesk.sqlite im Datenordner)")
    p.add_argument("--version", action="version", version=f"ozgdesk {__version__}", help="Version anzeigen und beenden")
    befehle = p.add_subparsers(title="Befehle", dest="befehl", metavar="BEFEHL")
    for modul in BEFEHLSMODULE:
        importlib.import_module(modul).registrieren(befehle)
    return p


log = logging.getLogger("ozgdesk.cli")


def _fehler_ausgeben(text: str) -> None:
    """One German line (a message may hold a list: it stays readable, but the first line says it all).

    Written with ``backslashreplace``, so a file name that is not valid UTF-8 cannot make printing
    the message fail in turn.
    """
    daten = f"Fehler: {text}\n".encode(getattr(sys.stderr, "encoding", None) or "utf-8", "backslashreplace")
    try:
        sys.stderr.buffer.write(daten) if hasattr(sys.stderr, "buffer") else sys.stderr.write(daten.decode())
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _argumente_pruefen(argv: list[str]) -> None:
    """Arguments the terminal passed as invalid UTF-8 arrive as lone surrogates
    (``surrogateescape``); refused here before they reach a file name, the database or a message."""
    for nr, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as e:
            sicher = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")  # any lone surrogate
            raise Eingabefehler(f"Angabe Nr. {nr} („{sicher}“) ist kein gültiger UTF-8-Text (Zeichen {e.start + 1}). "
                                "Bitte die Zeichenkodierung des Terminals auf UTF-8 stellen. Es wurde nichts geändert.") from None


def _letzter_ausweg(art: type[BaseException], fehler: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook``: whatever escapes (a thread, an import) ends in one German line, the
    traceback in the technical log."""
    if issubclass(art, KeyboardInterrupt):
        _fehler_ausgeben("Abgebrochen.")
        return
    _fehler_ausgeben(logbuch.unerwartet(art, fehler, tb, "ozgdesk-cli"))


def _protokoll_sicherstellen() -> None:
    """An error before the data folder was known is logged too (user log folder), and never onto
    the terminal through logging's last-resort handler."""
    if logbuch.aktuelle_logdatei() is None and logbuch.einrichten(None) is None:
        if not logging.getLogger().handlers:
            logging.getLogger().addHandler(logging.NullHandler())


def main(argv: list[str] | None = None) -> int:
    sys.excepthook = _letzter_ausweg
    argv = sys.argv[1:] if argv is None else argv
    try:
        return _ausfuehren(argv)
    except SystemExit:
        raise
    except BaseException as e:
        _protokoll_sicherstellen()
        return _fehler_behandeln(e, argv)


def _fehler_behandeln(e: BaseException, argv: list[str]) -> int:
    """Exit code and German line for what escaped a command; only a bug gets the traceback logged."""
    if isinstance(e, OzgFehler):
        log.warning("Befehl abgelehnt: %s", e)
        _fehler_ausgeben(str(e))
        return 1
    if isinstance(e, BrokenPipeError):  # output piped into head & co.
        sys.stderr.close()
        return 0
    if isinstance(e, KeyboardInterrupt):
        _fehler_ausgeben("Abgebrochen.")
        return 130
    if isinstance(e, MemoryError):
        log.error("Speicher erschöpft")
        _fehler_ausgeben("Der Arbeitsspeicher reicht für diesen Vorgang nicht aus; es wurde nichts geändert.")
        return 1
    # the last resort: no traceback ever reaches a user (a BaseException that is no Exception,
    # such as GeneratorExit, is treated like any other unexpected error)
    fehler = _bekannt(e) if isinstance(e, Exception) else None
    if fehler is not None:
        log.warning("Befehl abgelehnt: %s (%r)", fehler, e)
        _fehler_ausgeben(fehler)
        return 1
    _fehler_ausgeben(logbuch.unerwartet(type(e), e, e.__traceback__, "ozgdesk-cli " + " ".join(argv[:3])))
    return 1


def _bekannt(e: Exception) -> str | None:
    """German text for environment failures raised by code that did not translate them itself."""
    from ozgdesk.dateien import os_grund

    if isinstance(e, OSError) and not isinstance(e, BrokenPipeError):
        ort = f" ({e.filename})" if getattr(e, "filename", None) else ""
        return f"Datei- oder Systemfehler{ort}: {os_grund(e)}. Es wurde nichts geändert."
    orig = getattr(e, "orig", None)  # SQLAlchemy wraps the driver's error
    sqlite_fehler = orig if isinstance(orig, sqlite3.Error) else e
    if isinstance(sqlite_fehler, sqlite3.Error):
        from ozgdesk.model.datei import sqlite_meldung

        return sqlite_meldung(sqlite_fehler, "(ozgdesk.sqlite)", 5)
    if type(orig if orig is not None else e).__module__.startswith("psycopg"):  # the server, untranslated
        from ozgdesk.model import server
        from ozgdesk.model.verbindung import POSTGRESQL, Datenbankort

        return server.meldung(e, Datenbankort(POSTGRESQL, datenbank="(Server)"), 5)
    return None


def _ausfuehren(argv: list[str]) -> int:
    _argumente_pruefen(argv)
    p = parser()
    args = p.parse_args(argv)
    if not getattr(args, "func", None):
        p.print_help()
        return 1
    logbuch.einrichten(paths.home(args.home))
    log.info("Befehl %s gestartet", " ".join(filter(None, (args.befehl, getattr(args, "unterbefehl", None)))))
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
