"""Writing user files (exports, reports) so that a crash never leaves half a file and nobody else can read it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ozgdesk.model.errors import Eingabefehler


def atomar_schreiben(ziel: Path, daten: bytes) -> Path:
    """Temp file in the target folder, fsync, owner-only permissions, then rename over the target.

    A target that cannot be written (no permission, a file where a folder should be, disk full)
    raises :class:`Eingabefehler` naming the file, so every caller – CLI and GUI – shows a German
    message instead of a traceback.
    """
    ziel = Path(ziel)
    try:
        _schreiben(ziel, daten)
    except OSError as e:
        raise Eingabefehler(f"Datei „{ziel}“ kann nicht geschrieben werden: {e.strerror or e}.") from None
    return ziel


def _schreiben(ziel: Path, daten: bytes) -> None:
    ziel.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{ziel.name}.", suffix=".tmp", dir=ziel.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(daten)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, ziel)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
