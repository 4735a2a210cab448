"""Storage backends for the central file exchange: a folder (local or mounted share) and WebDAV.

A backend offers only what the sync needs from a dumb file store: list a folder, read a file,
publish a file *once* (atomically, never overwriting) and remove its own temp files. Change
detection never asks for mtimes or ETags; names and sequence numbers say everything.
"""

from __future__ import annotations

import errno
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, UTC
from pathlib import Path

from ozgdesk.model.errors import OzgFehler
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256

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


@dataclass(frozen=True)
class Eintrag:
    name: str
    ordner: bool
    groesse: int = 0
    geaendert: datetime | None = None


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

    def lesen(self, pfad: str) -> bytes | None:
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
            zurueck = self.lesen(temp)
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
        vorhanden = self.lesen(pfad)
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
            if e.ordner or not e.name.startswith(TEMP_PRAEFIX):
                continue
            eigen = e.name.startswith(f"{TEMP_PRAEFIX}{self.temp_id}-")
            alt = e.geaendert is not None and (jetzt - e.geaendert).total_seconds() > FREMDE_TEMP_ALTER_S
            if eigen or alt:
                self.loeschen(f"{ordner}/{e.name}" if ordner else e.name)
                weg += 1
        return weg


class OrdnerBackend(Backend):
    """A local or mounted folder. Write-once by ``os.link`` (fails if the target exists)."""

    VERSUCHE = 5
    art = "ordner"

    def __init__(self, wurzel: str | os.PathLike[str]) -> None:
        super().__init__()
        self.wurzel = Path(wurzel)
        self.beschreibung = str(self.wurzel)

    def _p(self, pfad: str) -> Path:
        from ozgdesk.sync.pfade import relative_teile

        if not pfad.strip("/"):
            return self.wurzel
        return self.wurzel.joinpath(*relative_teile(pfad.lstrip("/")))

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
        self.pruefen_erreichbar()
        p = self._p(ordner)

        def lesen() -> list[Eintrag] | None:
            if not p.is_dir():
                return None
            aus = []
            for kind in p.iterdir():
                st = kind.stat()
                aus.append(Eintrag(kind.name, kind.is_dir(), st.st_size,
                                   datetime.fromtimestamp(st.st_mtime, UTC)))
                self.geladen += len(kind.name.encode("utf-8"))
            return sorted(aus, key=lambda e: e.name)

        return self._wiederholt(lesen, f"Ordner {p} lesen")

    def lesen(self, pfad: str) -> bytes | None:
        self.pruefen_erreichbar()
        p = self._p(pfad)

        def lesen() -> bytes | None:
            try:
                daten = p.read_bytes()
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                return None
            self.geladen += len(daten)
            return daten

        return self._wiederholt(lesen, f"Datei {p} lesen")

    def ordner_anlegen(self, ordner: str) -> None:
        self.pruefen_erreichbar()
        if ordner:
            self._wiederholt(lambda: self._p(ordner).mkdir(parents=True, exist_ok=True), f"Ordner {ordner} anlegen")

    def _hochladen_temp(self, ordner: str, temp: str, daten: bytes) -> None:
        p = self._p(temp)

        def schreiben() -> None:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                os.write(fd, daten)
                os.fsync(fd)
            finally:
                os.close(fd)

        self._wiederholt(schreiben, f"Datei {p} schreiben")
        self.gesendet += len(daten)

    def _verschieben_ohne_ueberschreiben(self, temp: str, ziel: str) -> bool:
        q, z = self._p(temp), self._p(ziel)

        def verschieben() -> bool:
            try:
                os.link(q, z)  # atomic and fails if z exists: no overwrite, ever
            except FileExistsError:
                return False
            except OSError as e:  # noqa: B014
                if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                # File systems without hard links (some SMB mounts): exclusive create + copy.
                if z.exists():
                    return False
                os.replace(q, z)
                return True
            q.unlink(missing_ok=True)
            _fsync_ordner(z.parent)
            return True

        try:
            return self._wiederholt(verschieben, f"Datei {z} veröffentlichen")
        except FileExistsError:
            return False

    def loeschen(self, pfad: str) -> None:
        p = self._p(pfad)
        if pfad.endswith("/"):
            self._wiederholt(lambda: p.rmdir() if p.is_dir() else None, f"Ordner {p} löschen")
        else:
            self._wiederholt(lambda: p.unlink(missing_ok=True), f"Datei {p} löschen")


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
