"""Where ozgdesk keeps its files.

One home folder holds the database, backups, logs and exports. It defaults to the platform's user
data dir (platformdirs) and is overridden by ``OZGDESK_HOME`` or the ``--home`` option, so tests
and several Ressorts on one machine never share a database by accident.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "ozgdesk"
DB_NAME = "ozgdesk.sqlite"
DEMO_DB_NAME = "ozgdesk-demo.sqlite"


def home(override: str | os.PathLike[str] | None = None) -> Path:
    """The home folder, created owner-only if missing."""
    if override:
        pfad = Path(override)
    elif os.environ.get("OZGDESK_HOME"):
        pfad = Path(os.environ["OZGDESK_HOME"])
    else:
        pfad = Path(user_data_dir(APP_NAME, appauthor=False))
    pfad.mkdir(parents=True, exist_ok=True, mode=0o700)
    return pfad


def datenbank(override: str | os.PathLike[str] | None = None, *, demo: bool = False) -> Path:
    return home(override) / (DEMO_DB_NAME if demo else DB_NAME)


def resources() -> Path:
    """The shipped resources (catalogue, fonts, translations).

    Next to the package in a source checkout or editable install; inside the bundle in a frozen
    (PyInstaller) build.
    """
    import sys

    basis = getattr(sys, "_MEIPASS", None)
    if basis:
        return Path(basis) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"
