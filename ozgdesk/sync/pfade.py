"""Names that come from the share are untrusted: they must never leave the folder they belong to.

A hostile or broken server can list ``../../.bashrc``, an absolute path, a Windows drive letter or
a name with a NUL byte. Every path from the share goes through :func:`relative_teile` before it is
joined to a local folder or to the share root. A refused path raises :class:`Unzulaessig` with
code ``pfad`` (an :class:`Ablagefehler`), so the caller can quarantine exactly that file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ozgdesk.sync.backend import Unzulaessig

_LAUFWERK = re.compile(r"^[A-Za-z]:")
_VERBOTEN = re.compile(r"[\x00-\x1f\\]")


def _ungueltig(pfad: object) -> Unzulaessig:
    return Unzulaessig(f"Ungültiger Pfad auf der Ablage: {pfad!r}", "pfad", str(pfad))


def relative_teile(pfad: str) -> list[str]:
    """The parts of a relative share path, or :class:`Unzulaessig` (``pfad``) if it could escape its folder."""
    if not isinstance(pfad, str) or not pfad or pfad.startswith("/") or _LAUFWERK.match(pfad) or _VERBOTEN.search(pfad):
        raise _ungueltig(pfad)
    teile = [t for t in pfad.split("/") if t]
    if not teile or any(t in (".", "..") or _LAUFWERK.match(t) for t in teile):
        raise _ungueltig(pfad)
    return teile


def lokal_unter(ordner: Path, pfad: str) -> Path:
    """``ordner / pfad`` for a share path, guaranteed to stay inside ``ordner``."""
    ziel = ordner.joinpath(*relative_teile(pfad))
    if not ziel.resolve().is_relative_to(ordner.resolve()):
        raise _ungueltig(pfad)
    return ziel
