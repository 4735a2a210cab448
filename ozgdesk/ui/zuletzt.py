"""Datei › Zuletzt geöffnet: the database files opened last, newest first, at most :data:`HOECHSTENS`.

The list lives in the settings (``einstellungen.ZULETZT``), written on every successful open – at
the start and on every switch. A file that is gone is kept (greyed out in the menu: a network drive
may be missing only for now) until the user picks it, which removes it with a message, or clears
the list.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings

from ozgdesk.ui.einstellungen import ZULETZT

HOECHSTENS = 8


def _schluessel(pfad: str) -> str:
    """How two spellings of one file compare (case-insensitive where the file system is)."""
    return os.path.normcase(os.path.normpath(pfad))


def vorne(liste: Sequence[str], pfad: str, hoechstens: int = HOECHSTENS) -> tuple[str, ...]:
    """``liste`` with ``pfad`` first, without a second entry for it, cut to ``hoechstens``."""
    s = _schluessel(pfad)
    return (pfad, *(p for p in liste if _schluessel(p) != s))[:hoechstens]


def ohne(liste: Sequence[str], pfad: str) -> tuple[str, ...]:
    s = _schluessel(pfad)
    return tuple(p for p in liste if _schluessel(p) != s)


def liste(qs: QSettings) -> list[Path]:
    return [Path(p) for p in ZULETZT.lesen(qs) if p]


def merken(qs: QSettings, pfad: Path) -> None:
    """Note ``pfad`` as opened just now (nothing is written if it heads the list already: the
    usual start, the same database as last time)."""
    alt = ZULETZT.lesen(qs)
    neu = vorne(alt, str(Path(pfad).resolve()))
    if neu != alt:
        ZULETZT.schreiben(qs, neu)
        qs.sync()


def entfernen(qs: QSettings, pfad: Path) -> None:
    ZULETZT.schreiben(qs, ohne(ZULETZT.lesen(qs), str(pfad)))
    qs.sync()


def leeren(qs: QSettings) -> None:
    ZULETZT.schreiben(qs, ())
    qs.sync()
