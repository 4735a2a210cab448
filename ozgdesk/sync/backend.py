"""Storage backends for the central file exchange: a folder (local or mounted share) and WebDAV.

A backend offers only what the sync needs from a dumb file store: list a folder, read a file,
publish a file *once* (atomically, never overwriting) and remove its own temp files. Change
detection never asks for mtimes or ETags; names and sequence numbers say everything.
"""

from __future__ import annotations

import errno
import os
import stat
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from ozgdesk.model.errors import OzgFehler
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256
from ozgdesk.sync.sicher_lesen import MAX_STEUERDATEI

#: Temp files of other devices are removed only when older than this (they may still be uploading).
FREMDE_TEMP_ALTER_S = 24 * 3600


class Ablagefehler(OzgFehler):
    """The share cannot be reached or answered wrongly; the sync stops and can be retried."""


class Schreibkonflikt(Ablagefehler):
    """A write-once file already exists with different content: it is never overwritten."""


class Anmeldefehler(Ablagefehler):
    """The server refused the user name or password (HTTP 401)."""


class Platzfehler(Ablagefehler):
    """The server is full (HTTP 507)."""


class Unzulaessig(Ablagefehler):
    """One file or folder on the share is refused before anything was read from or written through it.

    Unlike the other :class:`Ablagefehler` this is no network failure that a retry heals: the same
    file will be refused again. The caller puts exactly this file into quarantine and goes on with
    the others. ``code`` is short and stable for the technical log:

    * ``symlink`` – a symbolic link (or a Windows junction) on the way to or at the path,
    * ``sonderdatei`` – a FIFO, device, socket … where a regular file (or a folder) belongs,
    * ``zu_gross`` – larger than the cap the caller passed (checked before reading),
    * ``pfad`` – a path that could leave its folder (``..``, absolute, drive letter, NUL …) or a
      file where a folder belongs,
    * ``verweigert`` – the server refuses this one file (HTTP 403, 409 …, never 401, 404 or a 5xx):
      wsgidav, for one, answers a symlink with 403.

    ``pfad`` is the share path that was refused: the file itself or the folder on its way.
    """

    def __init__(self, meldung: str, code: str, pfad: str) -> None:
        super().__init__(meldung)
        self.code = code
        self.pfad = pfad


@dataclass(frozen=True)
class Eintrag:
    name: str
    ordner: bool
    groesse: int = 0
    geaendert: datetime | None = None
    #: "" for a regular file or folder; else the :class:`Unzulaessig` code (``symlink``,
    #: ``sonderdatei``) of an entry the backend refuses to read or enter. Listing never raises for it.
    unzulaessig: str = ""


class Backend:
    """Common interface and request/byte counters (the benchmark reads them)."""

    beschreibung = ""
    #: kind of target for the technical log (``ordner``/``webdav``): never the address itself
    art = ""

    def __init__(self) -> None:
        self.anfragen = 0
        #: bytes of file contents uploaded (requests' XML bodies not counted)
        self.gesendet = 0
        #: bytes downloaded: response bodies (listings included); for a folder, file contents and names listed
        self.geladen = 0
        self.temp_id = uuid.uuid4().hex[:12]
        #: called once per folder before the first upload into it (the sync notes the folder, so a
        #: run killed mid-upload has its temp files removed by the next one)
        self.beim_schreiben: Callable[[str], None] | None = None
        self._ordner_gemeldet: set[str] = set()

    # --- to implement
    def liste(self, ordner: str) -> list[Eintrag] | None:
        """Entries of a folder, or None if the folder does not exist."""
        raise NotImplementedError

    def lesen(self, pfad: str, *, hoechstens: int = MAX_STEUERDATEI) -> bytes | None:
        """The content of the file ``pfad``, or None if it does not exist.

        ``hoechstens`` caps the size *before* reading (default: 64 KiB, for small control files;
        callers pass the cap of the kind of file they read, e.g. ``MAX_AENDERUNGSDATEI``). A larger
        file, a symlink or a special file raises :class:`Unzulaessig`; at most ``hoechstens + 1``
        bytes are ever read or received.
        """
        raise NotImplementedError

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        raise NotImplementedError

    def _verschieben_ohne_ueberschreiben(self, temp: str, ziel: str) -> bool:
        """Move temp → ziel; False if ziel exists (nothing overwritten)."""
        raise NotImplementedError

    def loeschen(self, pfad: str) -> None:
        raise NotImplementedError

    def ordner_anlegen(self, ordner: str) -> None:
        raise NotImplementedError

    def serverzeit(self) -> datetime | None:
        return None

    def existiert(self, pfad: str) -> bool:
        """Whether a file is really there – asked only when a read returned something unusable
        (IIS answers a missing file with 200 and an HTML page)."""
        ordner, _, name = pfad.rpartition("/")
        return any(e.name == name and not e.ordner for e in self.liste(ordner) or [])

    def schliessen(self) -> None:
        """Release connections; a folder holds none."""

    # --- shared logic
    def temp_name(self, ordner: str) -> str:
        return f"{ordner}/{TEMP_PRAEFIX}{self.temp_id}-{uuid.uuid4().hex[:8]}" if ordner else f"{TEMP_PRAEFIX}{self.temp_id}-{uuid.uuid4().hex[:8]}"

    def veroeffentlichen(self, pfad: str, daten: bytes) -> bool:
        """Publish write-once: temp upload, read back + SHA-256, move without overwrite.

        Returns True if written now, False if the same content was already there (a resend after
        an interrupted sync). Different content under the name raises :class:`Schreibkonflikt`.
        """
        ordner = pfad.rsplit("/", 1)[0] if "/" in pfad else ""
        if self.beim_schreiben is not None and ordner not in self._ordner_gemeldet:
            self.beim_schreiben(ordner)
            self._ordner_gemeldet.add(ordner)
        self.ordner_anlegen(ordner)
        temp = self.temp_name(ordner)
        soll = sha256(daten)
        try:
            self._hochladen_temp(ordner, temp, daten)
            try:
                zurueck = self.lesen(temp, hoechstens=len(daten))
            except Unzulaessig:  # our own temp file, grown or replaced meanwhile: retry next time
                zurueck = None
            if zurueck is None or sha256(zurueck) != soll:
                raise Ablagefehler(
                    f"Die hochgeladene Datei {pfad} kam beim Zurücklesen anders an (abgeschnitten?). "
                    "Der Abgleich wird beim nächsten Mal wiederholt."
                )
            if self._verschieben_ohne_ueberschreiben(temp, pfad):
                temp = ""
                return True
        finally:
            if temp:
                try:
                    self.loeschen(temp)
                except Ablagefehler:
                    pass
        try:
            vorhanden = self.lesen(pfad, hoechstens=len(daten))
        except Unzulaessig as e:
            if e.code != "zu_gross":
                raise  # a symlink or special file took the name: refuse, never write through it
            vorhanden = None  # larger, so certainly different
        if vorhanden is not None and sha256(vorhanden) == soll:
            return False
        raise Schreibkonflikt(
            f"Auf der Ablage liegt unter {pfad} bereits eine andere Datei. Sie wird nie überschrieben."
        )

    def temp_aufraeumen(self, ordner: str, eintraege: list[Eintrag] | None = None) -> int:
        """Remove own temp files (any age) and others' only when old. Returns how many went."""
        eintraege = eintraege if eintraege is not None else self.liste(ordner) or []
        jetzt = datetime.now(UTC)
        weg = 0
        for e in eintraege:
            if e.ordner or e.unzulaessig or not e.name.startswith(TEMP_PRAEFIX):
                continue
            eigen = e.name.startswith(f"{TEMP_PRAEFIX}{self.temp_id}-")
            alt = e.geaendert is not None and (jetzt - e.geaendert).total_seconds() > FREMDE_TEMP_ALTER_S
            if eigen or alt:
                self.loeschen(f"{ordner}/{e.name}" if ordner else e.name)
                weg += 1
        return weg



# ---------------------------------------------------------------------------------- folder backend
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO opened by mistake must not block
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_ORDNER_FLAGS = os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC
_LESE_FLAGS = os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY
_SCHREIB_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY
#: Windows reparse tags with this bit point to another name (symbolic links, junctions); cloud
#: placeholders and deduplicated files do not and stay readable.
_NAMENSVERWEIS = 0x20000000

#: Where every path component can be opened relative to its folder without following a link
#: (POSIX ``openat`` & co.). Elsewhere (Windows) each component is checked with ``lstat`` first –
#: a check-then-use gap that a local attacker racing the sync could still use.
MIT_DIR_FD = bool(_O_NOFOLLOW and _O_DIRECTORY) and all(
    f in os.supports_dir_fd for f in (os.open, os.stat, os.mkdir, os.unlink, os.rmdir, os.rename, os.link)
) and os.scandir in os.supports_fd and os.link in os.supports_follow_symlinks


def _art(st: os.stat_result) -> str:
    """``ordner``, ``datei``, ``symlink`` or ``sonderdatei`` for a stat result taken without following links."""
    if stat.S_ISLNK(st.st_mode) or getattr(st, "st_reparse_tag", 0) & _NAMENSVERWEIS:
        return "symlink"
    if stat.S_ISDIR(st.st_mode):
        return "ordner"
    if stat.S_ISREG(st.st_mode):
        return "datei"
    return "sonderdatei"


def _sonderart(st: os.stat_result) -> str:
    return ("eine Pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else
            "ein Gerät" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
            "ein Socket" if stat.S_ISSOCK(st.st_mode) else "keine gewöhnliche Datei")


def _groesse(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n // 1024} KB" if n >= 1024 else f"{n} Bytes"
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def _verweigern(st: os.stat_result, pfad: str) -> None:
    """Raise :class:`Unzulaessig` for a symlink or special file; regular files and folders pass."""
    art = _art(st)
    if art == "symlink":
        raise Unzulaessig(
            f"„{pfad}“ auf der Ablage ist eine symbolische Verknüpfung. ozgdesk folgt auf der Ablage keinen "
            "Verknüpfungen: Es wurde nichts darüber gelesen oder geschrieben.", "symlink", pfad)
    if art == "sonderdatei":
        raise Unzulaessig(f"„{pfad}“ auf der Ablage ist {_sonderart(st)}, keine gewöhnliche Datei. "
                          "Es wurde nichts daraus gelesen.", "sonderdatei", pfad)


def zu_gross(pfad: str, groesse: int | None, hoechstens: int) -> Unzulaessig:
    """The refusal of a file over its cap (``groesse`` None: it grew while it was read)."""
    wie = f"ist {_groesse(groesse)} groß" if groesse is not None else f"ist größer als {_groesse(hoechstens)}"
    return Unzulaessig(f"„{pfad}“ auf der Ablage {wie}; erlaubt sind höchstens {_groesse(hoechstens)}. "
                       "Die Datei wurde nicht übernommen.", "zu_gross", pfad)


class _Ordner:
    """One folder of the share, opened: every operation names an entry *in* it and never follows a
    link in that name.

    With ``fd`` (POSIX) the folder is an open descriptor and every call is relative to it
    (``openat``, ``fstatat``, ``mkdirat``, ``linkat``, ``renameat``, ``unlinkat``), so a component
    swapped for a symlink after it was checked is never followed. Without (Windows) the same
    operations go by path after an ``lstat`` of the entry.
    """

    def __init__(self, pfad: Path, anzeige: str, fd: int | None) -> None:
        self.pfad = pfad  # local path: messages and the fallback
        self.anzeige = anzeige  # share path ("" = root)
        self.fd = fd

    @classmethod
    def wurzel(cls, pfad: Path, mit_dir_fd: bool) -> _Ordner:
        # The root itself may be a symlink or mount point: that is the user's choice, not the share's.
        fd = os.open(pfad, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC) if mit_dir_fd else None
        return cls(pfad, "", fd)

    def __enter__(self) -> _Ordner:
        return self

    def __exit__(self, *_: object) -> None:
        self.schliessen()

    def schliessen(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def kind(self, name: str) -> str:
        return f"{self.anzeige}/{name}" if self.anzeige else name

    # --- plain operations on one entry
    def lstat(self, name: str) -> os.stat_result | None:
        try:
            if self.fd is not None:
                return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
            return os.lstat(self.pfad / name)
        except FileNotFoundError:
            return None

    def oeffnen(self, name: str, flags: int, modus: int = 0o644) -> int:
        if self.fd is not None:
            return os.open(name, flags, modus, dir_fd=self.fd)
        return os.open(self.pfad / name, flags, modus)

    def mkdir(self, name: str) -> None:
        if self.fd is not None:
            os.mkdir(name, dir_fd=self.fd)
        else:
            os.mkdir(self.pfad / name)

    def unlink(self, name: str) -> None:
        """Remove the entry ``name`` (never what a link points to)."""
        if self.fd is not None:
            os.unlink(name, dir_fd=self.fd)
        else:
            os.unlink(self.pfad / name)

    def rmdir(self, name: str) -> None:
        if self.fd is not None:
            os.rmdir(name, dir_fd=self.fd)
        else:
            os.rmdir(self.pfad / name)

    def link(self, name: str, ziel: _Ordner, zielname: str) -> None:
        """Hard link without following ``name`` if it is a link; fails if ``zielname`` exists."""
        if self.fd is not None and ziel.fd is not None:
            os.link(name, zielname, src_dir_fd=self.fd, dst_dir_fd=ziel.fd, follow_symlinks=False)
        elif os.link in os.supports_follow_symlinks:
            os.link(self.pfad / name, ziel.pfad / zielname, follow_symlinks=False)
        else:
            os.link(self.pfad / name, ziel.pfad / zielname)

    def umbenennen(self, name: str, ziel: _Ordner, zielname: str) -> None:
        if self.fd is not None and ziel.fd is not None:
            os.rename(name, zielname, src_dir_fd=self.fd, dst_dir_fd=ziel.fd)
        else:
            os.replace(self.pfad / name, ziel.pfad / zielname)

    def eintraege(self) -> Iterator[tuple[str, os.stat_result]]:
        """Names and stat results (not following links) of the entries."""
        with (os.scandir(self.fd) if self.fd is not None else os.scandir(self.pfad)) as es:
            for e in es:
                try:
                    yield e.name, e.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue  # removed meanwhile

    def fsync(self) -> None:
        if self.fd is not None:
            try:
                os.fsync(self.fd)
            except OSError:
                pass
        else:
            _fsync_ordner(self.pfad)

    # --- checked operations
    def unterordner(self, name: str, *, anlegen: bool) -> _Ordner | None:
        """The subfolder ``name``, opened without following a link; None if missing (or a file) and
        not ``anlegen``. A symlink or special file raises :class:`Unzulaessig`; with ``anlegen`` a
        regular file in the way does too (``pfad``)."""
        anzeige = self.kind(name)
        for _ in range(3):
            st = self.lstat(name)
            if st is None:
                if not anlegen:
                    return None
                try:
                    self.mkdir(name)
                except FileExistsError:
                    pass  # created meanwhile (or a link appeared): look again
                continue
            _verweigern(st, anzeige)
            if _art(st) == "datei":
                if anlegen:
                    raise Unzulaessig(f"„{anzeige}“ auf der Ablage ist eine Datei, wo ein Ordner hingehört. "
                                      "Es wurde nichts geschrieben.", "pfad", anzeige)
                return None
            if self.fd is None:
                return _Ordner(self.pfad / name, anzeige, None)
            try:
                return _Ordner(self.pfad / name, anzeige, self.oeffnen(name, _ORDNER_FLAGS))
            except FileNotFoundError:
                continue
            except OSError as e:
                if e.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                continue  # swapped between lstat and open: look again, the lstat above refuses it
        raise Ablagefehler(f"Der Ordner „{anzeige}“ auf der Ablage ändert sich ständig. "
                           "Der Abgleich wird beim nächsten Mal wiederholt.")

    def datei_lesen(self, name: str, hoechstens: int) -> bytes | None:
        """Content of the regular file ``name``, or None if missing (or a folder). Type and size are
        checked before opening and again on the open descriptor; at most ``hoechstens + 1`` bytes
        are read."""
        anzeige = self.kind(name)
        st = self.lstat(name)
        if st is None or _art(st) == "ordner":
            return None
        _verweigern(st, anzeige)
        if st.st_size > hoechstens:
            raise zu_gross(anzeige, st.st_size, hoechstens)
        try:
            fd = self.oeffnen(name, _LESE_FLAGS)
        except FileNotFoundError:
            return None
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO):  # swapped for a link or socket
                jetzt = self.lstat(name)
                if jetzt is not None:
                    _verweigern(jetzt, anzeige)
            raise
        try:
            offen = os.fstat(fd)
            if _art(offen) == "ordner":
                return None
            _verweigern(offen, anzeige)
            if self.fd is None and offen.st_ino and st.st_ino and (offen.st_ino, offen.st_dev) != (st.st_ino, st.st_dev):
                raise Unzulaessig(f"„{anzeige}“ auf der Ablage wurde beim Öffnen ausgetauscht (Verknüpfung?). "
                                  "Es wurde nichts daraus gelesen.", "symlink", anzeige)
            if offen.st_size > hoechstens:
                raise zu_gross(anzeige, offen.st_size, hoechstens)
            return _begrenzt_lesen(fd, anzeige, hoechstens)
        finally:
            os.close(fd)


def _begrenzt_lesen(fd: int, anzeige: str, hoechstens: int) -> bytes:
    """Read to the end, but never more than ``hoechstens + 1`` bytes (a file that grows is refused)."""
    teile, gelesen = [], 0
    while gelesen <= hoechstens:
        teil = os.read(fd, min(1024 * 1024, hoechstens + 1 - gelesen))
        if not teil:
            break
        teile.append(teil)
        gelesen += len(teil)
    if gelesen > hoechstens:
        raise zu_gross(anzeige, None, hoechstens)
    return b"".join(teile)


def _alles_schreiben(fd: int, daten: bytes) -> None:
    rest = memoryview(daten)
    while rest:
        rest = rest[os.write(fd, rest):]


class OrdnerBackend(Backend):
    """A local or mounted folder. Write-once by ``os.link`` (fails if the target exists).

    Nothing below the root is followed if it is a symbolic link: every path is walked component by
    component from the root (see :class:`_Ordner`), a symlink at any depth raises
    :class:`Unzulaessig` for reads and writes alike, and only regular files are read, after a size
    check. The root itself may be a link (a mount point the user chose).
    """

    VERSUCHE = 5
    art = "ordner"

    def __init__(self, wurzel: str | os.PathLike[str], *, mit_dir_fd: bool | None = None) -> None:
        """``mit_dir_fd``: None = where the platform supports it; False forces the ``lstat`` walk
        (Windows) – tests use it to run the fallback on POSIX too."""
        super().__init__()
        self.wurzel = Path(wurzel)
        self.beschreibung = str(self.wurzel)
        self.mit_dir_fd = MIT_DIR_FD if mit_dir_fd is None else mit_dir_fd and MIT_DIR_FD

    def _p(self, pfad: str) -> Path:
        """Local path of a share path, for messages; raises :class:`Unzulaessig` (``pfad``) for a bad one."""
        return self.wurzel.joinpath(*self._teile(pfad))

    @staticmethod
    def _teile(pfad: str) -> list[str]:
        from ozgdesk.sync.pfade import relative_teile

        if not pfad.strip("/"):
            return []
        return relative_teile(pfad.lstrip("/"))

    def _ordner(self, teile: list[str], *, anlegen: bool = False) -> _Ordner | None:
        """The folder ``teile`` below the root, walked and opened component by component."""
        aktuell = _Ordner.wurzel(self.wurzel, self.mit_dir_fd)
        try:
            for teil in teile:
                naechster = aktuell.unterordner(teil, anlegen=anlegen)
                aktuell.schliessen()
                if naechster is None:
                    return None
                aktuell = naechster
        except BaseException:
            aktuell.schliessen()
            raise
        return aktuell

    def _eltern(self, pfad: str, *, anlegen: bool = False) -> tuple[_Ordner | None, str]:
        """The opened folder that holds ``pfad`` and the last component's name."""
        teile = self._teile(pfad)
        if not teile:
            raise Unzulaessig(f"Ungültiger Pfad auf der Ablage: {pfad!r}", "pfad", pfad)
        return self._ordner(teile[:-1], anlegen=anlegen), teile[-1]

    def _wiederholt(self, aktion, beschreibung: str):  # noqa: ANN001, ANN202
        """Retry sharing violations (Windows, SMB) with bounded backoff; other errors at once."""
        for versuch in range(self.VERSUCHE):
            self.anfragen += 1
            try:
                return aktion()
            except PermissionError as e:
                if versuch == self.VERSUCHE - 1:
                    raise Ablagefehler(f"{beschreibung}: Zugriff verweigert ({e.strerror}).") from None
                time.sleep(0.05 * 2**versuch)
            except OSError as e:
                if e.errno in (errno.EEXIST,):
                    raise
                raise Ablagefehler(f"{beschreibung}: {e.strerror or e}.") from None
        raise AssertionError("unreachable")

    def pruefen_erreichbar(self) -> None:
        if not self.wurzel.is_dir():
            raise Ablagefehler(
                f"Der Ordner {self.wurzel} ist nicht erreichbar (Netzlaufwerk nicht verbunden?). "
                "Es wurde nichts abgeglichen."
            )

    def liste(self, ordner: str) -> list[Eintrag] | None:
        """Entries of ``ordner``; symlinks and special files are listed, marked in
        :attr:`Eintrag.unzulaessig` and never followed. A symlink on the way to ``ordner`` itself
        raises :class:`Unzulaessig`."""
        self.pruefen_erreichbar()
        teile = self._teile(ordner)

        def lesen() -> list[Eintrag] | None:
            o = self._ordner(teile)
            if o is None:
                return None
            with o:
                aus = sorted((_eintrag(name, st) for name, st in o.eintraege()), key=lambda e: e.name)
            self.geladen += sum(len(e.name.encode("utf-8")) for e in aus)
            return aus

        return self._wiederholt(lesen, f"Ordner {self._p(ordner)} lesen")

    def lesen(self, pfad: str, *, hoechstens: int = MAX_STEUERDATEI) -> bytes | None:
        self.pruefen_erreichbar()
        teile = self._teile(pfad)
        if not teile:
            return None

        def lesen() -> bytes | None:
            o = self._ordner(teile[:-1])
            if o is None:
                return None
            with o:
                daten = o.datei_lesen(teile[-1], hoechstens)
            self.geladen += len(daten or b"")
            return daten

        return self._wiederholt(lesen, f"Datei {self._p(pfad)} lesen")

    def ordner_anlegen(self, ordner: str) -> None:
        self.pruefen_erreichbar()
        teile = self._teile(ordner)
        if teile:
            def anlegen() -> None:
                o = self._ordner(teile, anlegen=True)
                if o is not None:
                    o.schliessen()

            self._wiederholt(anlegen, f"Ordner {ordner} anlegen")

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        def schreiben() -> None:
            o, name = self._eltern(temp)
            if o is None:
                raise Ablagefehler(f"Der Ordner „{ordner}“ auf der Ablage ist verschwunden. "
                                   "Der Abgleich wird beim nächsten Mal wiederholt.")
            with o:
                fd = o.oeffnen(name, _SCHREIB_FLAGS)  # O_EXCL: never through an existing name or link
                try:
                    _alles_schreiben(fd, daten)
                    os.fsync(fd)
                finally:
                    os.close(fd)

        self._wiederholt(schreiben, f"Datei {self._p(temp)} schreiben")
        self.gesendet += len(daten)

    def _verschieben_ohne_ueberschreiben(self, temp: str, ziel: str) -> bool:
        z = self._p(ziel)

        def verschieben() -> bool:
            q_ordner, q_name = self._eltern(temp)
            z_ordner, z_name = self._eltern(ziel)
            try:
                if q_ordner is None or z_ordner is None:
                    raise Ablagefehler(f"Der Ordner von „{ziel}“ auf der Ablage ist verschwunden. "
                                       "Der Abgleich wird beim nächsten Mal wiederholt.")
                return _verschieben(q_ordner, q_name, z_ordner, z_name)
            finally:
                for o in (q_ordner, z_ordner):
                    if o is not None:
                        o.schliessen()

        try:
            return self._wiederholt(verschieben, f"Datei {z} veröffentlichen")
        except FileExistsError:
            return False

    def loeschen(self, pfad: str) -> None:
        ordner = pfad.endswith("/")

        def weg() -> None:
            o, name = self._eltern(pfad)
            if o is None:
                return
            with o:
                if ordner:
                    st = o.lstat(name)
                    if st is not None:
                        _verweigern(st, o.kind(name))
                        if _art(st) == "ordner":
                            o.rmdir(name)
                    return
                try:
                    o.unlink(name)  # removes a link itself, never its target
                except FileNotFoundError:
                    pass

        self._wiederholt(weg, f"{'Ordner' if ordner else 'Datei'} {self._p(pfad)} löschen")


def _eintrag(name: str, st: os.stat_result) -> Eintrag:
    art = _art(st)
    geaendert = datetime.fromtimestamp(st.st_mtime, UTC)
    if art in ("symlink", "sonderdatei"):
        return Eintrag(name, False, 0, geaendert, unzulaessig=art)
    return Eintrag(name, art == "ordner", st.st_size, geaendert)


def _verschieben(q: _Ordner, q_name: str, z: _Ordner, z_name: str) -> bool:
    """Hard-link temp → target (atomic, fails if the target exists, does not follow a link), then
    drop the temp name. File systems without hard links (some SMB mounts): check, then rename."""
    try:
        q.link(q_name, z, z_name)
    except FileExistsError:
        return False
    except OSError as e:  # noqa: B014
        if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if z.lstat(z_name) is not None:
            return False
        q.umbenennen(q_name, z, z_name)
        z.fsync()
        return True
    try:
        q.unlink(q_name)
    except FileNotFoundError:
        pass
    z.fsync()
    return True


def _fsync_ordner(ordner: Path) -> None:
    try:
        fd = os.open(ordner, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
