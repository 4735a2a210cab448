"""Where ozgdesk keeps its files.

One home folder holds the database, backups, logs and exports. It defaults to the platform's user
data dir (platformdirs) and is overridden by ``OZGDESK_HOME`` or the ``--home`` option, so tests
and several Ressorts on one machine never share a database by accident.

The files ozgdesk ships (catalogue, fonts) are package data, read through :mod:`ozgdesk.daten`.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ozgdesk"
DB_NAME = "ozgdesk.sqlite"
DEMO_DB_NAME = "ozgdesk-demo.sqlite"


def home(override: str | os.PathLike[str] | None = None) -> Path:
    """The home folder, created owner-only if missing.

    A home that is a file, or that cannot be created, raises a German :class:`Speicherfehler`
    naming where the setting came from; a home that exists but is write-protected is returned
    (the store then opens read-only).
    """
    from ozgdesk.model.errors import Speicherfehler

    if override:
        pfad, quelle = Path(override), "--home"
    elif os.environ.get("OZGDESK_HOME"):
        pfad, quelle = Path(os.environ["OZGDESK_HOME"]), "OZGDESK_HOME"
    else:
        pfad, quelle = Path(user_data_dir(APP_NAME, appauthor=False)), None
    woher = f" (festgelegt mit {quelle})" if quelle else ""
    if pfad.exists() and not pfad.is_dir():
        raise Speicherfehler(f"Der Datenordner „{pfad}“{woher} ist eine Datei, kein Ordner. Bitte einen Ordner "
                             "angeben; die Datei wurde nicht verändert.")
    try:
        pfad.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as e:
        from ozgdesk.dateien import os_grund

        raise Speicherfehler(f"Der Datenordner „{pfad}“{woher} kann nicht angelegt werden: {os_grund(e)}.") from None
    return pfad


def datenbank(override: str | os.PathLike[str] | None = None, *, demo: bool = False) -> Path:
    return home(override) / (DEMO_DB_NAME if demo else DB_NAME)
