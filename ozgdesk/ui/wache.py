"""Debug check: no database session is opened by GUI code on the GUI thread.

Every query on the GUI thread freezes the window for its duration – on a network drive, behind a
sync holding the write lock, or on a big table that is seconds. The GUI therefore reads and writes
only through its DB worker (:mod:`ozgdesk.ui.operationen`). This check makes a slip visible: with
it on (:func:`einschalten`; the test suite does so for every test, ``OZGDESK_SITZUNGSWACHE=1`` for
a manual session), the store raises :class:`SitzungImGuiThread` as soon as a session or raw
connection is requested on the main thread from code under ``ozgdesk/ui``. Test code that inspects
the database directly is not GUI code and is not affected.
"""

from __future__ import annotations

import os
import sys
from types import FrameType
import threading
from pathlib import Path

from ozgdesk.model import wache

_UI = str(Path(__file__).resolve().parent) + os.sep


class SitzungImGuiThread(AssertionError):
    """A DB session was opened by GUI code on the GUI thread."""


def _pruefen() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        datei = frame.f_code.co_filename
        if datei.startswith(_UI) and not datei.endswith(("wache.py", "app.py")):
            raise SitzungImGuiThread(
                f"Datenbanksitzung im GUI-Thread geöffnet ({Path(datei).name}:{frame.f_lineno}, "
                f"{frame.f_code.co_name}): bitte über den DB-Worker (ozgdesk.ui.operationen) lesen und schreiben.")
        frame = frame.f_back


def einschalten() -> None:
    wache.setzen(_pruefen)


def ausschalten() -> None:
    wache.setzen(None)


def aus_umgebung() -> None:
    """On if ``OZGDESK_SITZUNGSWACHE=1`` (manual checks with the real GUI)."""
    if os.environ.get("OZGDESK_SITZUNGSWACHE") == "1":
        einschalten()
