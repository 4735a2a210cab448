"""German wording for argparse's own messages (usage, help, errors).

argparse fetches its texts through ``gettext``; CPython ships no German catalogue for it, so the
handful of texts a user sees are mapped here. Unknown texts fall through unchanged.
"""

from __future__ import annotations

import argparse

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


class Parser(argparse.ArgumentParser):
    """ArgumentParser with German section titles."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        aktivieren()
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
