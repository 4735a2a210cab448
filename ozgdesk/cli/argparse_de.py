"""German wording for argparse's own messages (usage, help, errors).

argparse fetches its texts through ``gettext``; CPython ships no German catalogue for it, so the
handful of texts a user sees are mapped here. Unknown texts fall through unchanged.
"""

from __future__ import annotations

import argparse
from typing import Any

_TEXTE = {
    "usage: ": "Aufruf: ",
    "positional arguments": "Argumente",
    "options": "Optionen",
    "optional arguments": "Optionen",
    "show this help message and exit": "diese Hilfe anzeigen und beenden",
    "the following arguments are required: %s": "diese Angaben fehlen: %s",
    "unrecognized arguments: %s": "unbekannte Angaben: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ungültige Auswahl: %(value)r (möglich: %(choices)s)",
    "argument %(argument_name)s: %(message)s": "Angabe %(argument_name)s: %(message)s",
    "expected one argument": "erwartet einen Wert",
    "invalid %(type)s value: %(value)r": "ungültiger Wert: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: Fehler: %(message)s\n",
    "not allowed with argument %s": "nicht zusammen mit %s erlaubt",
    "one of the arguments %s is required": "eine dieser Angaben ist nötig: %s",
    "ambiguous option: %(option)s could match %(matches)s": "mehrdeutige Option: %(option)s passt zu %(matches)s",
    "expected at least one argument": "erwartet mindestens einen Wert",
}


def _uebersetzen(text: str) -> str:
    return _TEXTE.get(text, text)


def aktivieren() -> None:
    argparse._ = _uebersetzen  # type: ignore[attr-defined]


def ganzzahl(name: str, kleinste: int | None = None, groesste: int | None = None) -> object:
    """An argparse ``type`` for integers within a range.

    Not an integer at all → argparse's usage error (exit 2). An integer out of range (``--anzahl``
    with 31 digits once ended in an ``OverflowError`` traceback from SQLite) → a German
    :class:`Eingabefehler` naming the option, which the CLI reports with exit 1 like any other
    refused value.
    """
    from ozgdesk.model.errors import Eingabefehler

    def lesen(text: str) -> int:
        roh = text.strip()
        ziffern = roh.lstrip("+-")
        if not ziffern.isascii() or not ziffern.isdigit():
            raise argparse.ArgumentTypeError(f"ganze Zahl erwartet, nicht „{text}“")
        bereich = (f"höchstens {groesste:,}".replace(",", ".") if kleinste is None or kleinste < -10**9
                   else f"{kleinste:,} bis {groesste:,}".replace(",", ".") if groesste is not None
                   else f"mindestens {kleinste:,}".replace(",", "."))
        if len(ziffern) > 30:
            raise Eingabefehler(f"{name}: die Zahl mit {len(ziffern)} Ziffern liegt außerhalb des erlaubten "
                                f"Bereichs ({bereich}).")
        wert = int(roh)
        if (kleinste is not None and wert < kleinste) or (groesste is not None and wert > groesste):
            raise Eingabefehler(f"{name}: {wert} liegt außerhalb des erlaubten Bereichs ({bereich}).")
        return wert

    lesen.__name__ = "ganze Zahl"
    return lesen


#: range for a bare ``type=int`` option: what SQLite can store, so no value can overflow it
INT_GRENZE = 2**63 - 1


class Parser(argparse.ArgumentParser):
    """ArgumentParser with German section titles; a bare ``type=int`` gets a checked range."""

    def add_argument(self, *args: str, **kwargs: Any) -> argparse.Action:
        if kwargs.get("type") is int:
            name = next((a for a in args if a.startswith("--")), args[0] if args else "Zahl")
            kwargs["type"] = ganzzahl(name, -INT_GRENZE, INT_GRENZE)
        return super().add_argument(*args, **kwargs)

    def __init__(self, *args: object, **kwargs: object) -> None:
        aktivieren()
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
