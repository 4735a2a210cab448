"""Writing user files (exports, reports) so that a crash never leaves half a file and nobody else can read it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomar_schreiben(ziel: Path, daten: bytes) -> Path:
    """Temp file in the target folder, fsync, owner-only permissions, then rename over the target."""
    ziel = Path(ziel)
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
    return ziel
