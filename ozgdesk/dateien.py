"""User files: reading what a user hands in (imports) and writing what ozgdesk hands out (exports,
reports).

Reading: :func:`eingabedatei_lesen` checks type and size *before* it reads a byte, so ``/dev/zero``,
a FIFO or a 110 MB file named by mistake cannot hang ozgdesk or exhaust its memory. Writing:
:func:`atomar_schreiben`, so a crash never leaves half a file and nobody else can read it (folders it
creates are owner-only too, :func:`privater_ordner`). Both
turn every ``OSError`` into a German :class:`Eingabefehler` that names the file (:func:`os_grund`
gives the reason in German; the English ``strerror`` never reaches a user).
"""

from __future__ import annotations

import errno
import logging
import os
import stat
import tempfile
from pathlib import Path

from ozgdesk.model.errors import Eingabefehler

log = logging.getLogger(__name__)


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
        log.warning("Datei %s nicht schreibbar: %r", ziel, e)
        raise Eingabefehler(f"Datei „{ziel}“ kann nicht geschrieben werden: {os_grund(e)}.") from None
    return ziel


def privater_ordner(pfad: Path) -> Path:
    """Create ``pfad`` and its missing parents owner-only (0700, like the data folder); folders that
    exist already are left as they are (a user's Documents folder is not ours to change)."""
    fehlend = []
    p = Path(pfad)
    while not p.exists() and p != p.parent:
        fehlend.append(p)
        p = p.parent
    for ordner in reversed(fehlend):
        try:
            ordner.mkdir(mode=0o700)
        except FileExistsError:
            if not ordner.is_dir():
                raise
    return Path(pfad)


def privat_schreiben(ziel: Path, daten: bytes) -> None:
    """Write a new file owner-only (0600) – for files in a folder of our own that is renamed into
    place as a whole; fails if the file exists. :func:`atomar_schreiben` for anything else."""
    fd = os.open(ziel, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(daten)


def _schreiben(ziel: Path, daten: bytes) -> None:
    privater_ordner(ziel.parent)
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


_GRUENDE = {
    errno.ENOENT: "die Datei oder der Ordner ist nicht vorhanden",
    errno.EACCES: "keine Berechtigung",
    errno.EPERM: "keine Berechtigung",
    errno.ENOSPC: "kein Speicherplatz mehr auf dem Datenträger",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft",
    errno.EROFS: "das Dateisystem ist schreibgeschützt",
    errno.EISDIR: "das ist ein Ordner, keine Datei",
    errno.ENOTDIR: "ein Teil des Pfades ist eine Datei, kein Ordner",
    errno.EEXIST: "dort liegt schon eine Datei",
    errno.ENAMETOOLONG: "der Name ist zu lang",
    errno.ELOOP: "zu viele symbolische Verknüpfungen",
    errno.EIO: "Ein-/Ausgabefehler des Datenträgers",
    errno.EFBIG: "die Datei wird zu groß",
    errno.EBUSY: "die Datei ist von einem anderen Programm belegt",
}


def os_grund(e: OSError) -> str:
    """The reason of an ``OSError`` in German (``strerror`` is English on most systems)."""
    return _GRUENDE.get(e.errno or 0, f"Systemfehler {errno.errorcode.get(e.errno or 0, e.errno)}")


def _groesse(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n // 1024} KB" if n >= 1024 else f"{n} Bytes"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def eingabedatei_lesen(pfad: str | os.PathLike[str], *, hoechstens: int, art: str) -> bytes:
    """The content of the regular file ``pfad``, refused with a German :class:`Eingabefehler`
    before anything is read if it is not a regular file (a folder, a device like ``/dev/zero``, a
    FIFO, a socket) or larger than ``hoechstens`` bytes.

    ``art`` names what the file should be, for the message, e.g. ``"Ressort-Export (JSON)"``.
    The file is opened non-blocking (opening a FIFO would otherwise wait for a writer forever) and
    checked on the open descriptor (no race between check and read); a file that grows while it is
    read is refused too. Every refusal is logged with the technical reason.
    """
    pfad = Path(pfad)
    try:
        fd = os.open(pfad, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise Eingabefehler(f"Die Datei „{pfad}“ gibt es nicht.") from None
    except OSError as e:
        log.warning("Eingabedatei %s nicht lesbar: %r", pfad, e)
        raise Eingabefehler(f"Die Datei „{pfad}“ kann nicht gelesen werden: {os_grund(e)}.") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            was = ("ein Ordner" if stat.S_ISDIR(info.st_mode) else
                   "eine Pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else
                   "ein Gerät" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                   "ein Socket" if stat.S_ISSOCK(info.st_mode) else "keine gewöhnliche Datei")
            log.warning("Eingabedatei %s abgelehnt: Modus %o", pfad, info.st_mode)
            raise Eingabefehler(f"„{pfad}“ ist {was}, keine gewöhnliche Datei; erwartet wird {art}. "
                                "Es wurde nichts gelesen.")
        if info.st_size > hoechstens:
            log.warning("Eingabedatei %s abgelehnt: %d Bytes > %d", pfad, info.st_size, hoechstens)
            raise Eingabefehler(f"Die Datei „{pfad}“ ist {_groesse(info.st_size)} groß; {art} darf höchstens "
                                f"{_groesse(hoechstens)} groß sein. Es wurde nichts gelesen.")
        teile, gelesen = [], 0
        while gelesen <= hoechstens:
            teil = os.read(fd, min(1024 * 1024, hoechstens + 1 - gelesen))
            if not teil:
                break
            teile.append(teil)
            gelesen += len(teil)
        if gelesen > hoechstens:
            log.warning("Eingabedatei %s wuchs beim Lesen über %d Bytes", pfad, hoechstens)
            raise Eingabefehler(f"Die Datei „{pfad}“ wurde beim Lesen größer als {_groesse(hoechstens)}; "
                                f"{art} darf höchstens so groß sein. Es wurde nichts übernommen.")
        return b"".join(teile)
    except OSError as e:
        log.warning("Eingabedatei %s nicht lesbar: %r", pfad, e)
        raise Eingabefehler(f"Die Datei „{pfad}“ kann nicht gelesen werden: {os_grund(e)}.") from None
    finally:
        os.close(fd)
