"""A throwaway PostgreSQL server for the tests: Debian's server binaries, a cluster in a temp folder.

``pg_server`` (session-scoped) runs ``initdb`` into a temp folder and starts ``postgres`` with its
Unix socket in that folder and TCP only on 127.0.0.1 at a free port; durability is switched off
(``fsync``, ``synchronous_commit``, ``full_page_writes``), which makes it fast and is harmless for
data that lives one test session. Started by root (CI), the cluster runs as the ``postgres`` system
user (Debian's package creates it), since PostgreSQL refuses to run as root.

Connections over the socket are trusted (the fixtures connect as the superuser); TCP on 127.0.0.1
asks for a password (``scram-sha-256``), so the password path through the keychain is tested
against a real server (:data:`PASSWORT_ROLLE`).

The cluster is created with ``--locale=C`` and UTF-8, the setting docs/datenbanken.md asks IT for:
text sorts and case-folds exactly as in SQLite.

Without the server binaries the tests that need it are skipped with the reason – except in CI
(``CI`` set), where a missing server fails them: CI installs it (``.ci/run``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

#: a role that logs in with a password over TCP (the keychain tests)
PASSWORT_ROLLE = "ozg_kennwort"
PASSWORT = "Ge-heim 7!"


def binaerordner() -> Path | None:
    """Where ``initdb``, ``pg_ctl`` and ``postgres`` are: ``OZGDESK_PG_BIN``, Debian's
    ``/usr/lib/postgresql/<Version>/bin`` (the newest), or the PATH."""
    if os.environ.get("OZGDESK_PG_BIN"):
        return Path(os.environ["OZGDESK_PG_BIN"])
    kandidaten = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0)
    for ordner in reversed(kandidaten):
        if (Path(ordner) / "initdb").exists():
            return Path(ordner)
    gefunden = shutil.which("initdb")
    return Path(gefunden).parent if gefunden else None


def fehlt() -> str | None:
    """Why no PostgreSQL server can run here, or None."""
    if os.name != "posix":
        return "PostgreSQL-Tests laufen nur unter POSIX"
    ordner = binaerordner()
    if ordner is None:
        return ("Kein PostgreSQL-Server installiert (initdb nicht gefunden; Debian: apt-get install postgresql, "
                "oder OZGDESK_PG_BIN auf den bin-Ordner setzen)")
    fehlend = [p for p in ("initdb", "pg_ctl", "postgres") if not (ordner / p).exists()]
    if fehlend:
        return f"In {ordner} fehlen {', '.join(fehlend)}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "Als root braucht der Testserver den Systembenutzer „postgres“ (Debian-Paket postgresql)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg ist nicht installiert"
    return None


def pg_pflicht() -> None:
    """Skip without a server – but fail in CI, which must run these tests."""
    grund = fehlt()
    if grund is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{grund}: in CI muss PostgreSQL installiert sein (.ci/run installiert postgresql).")
    pytest.skip(grund)


def _freier_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway cluster. :meth:`url` names a database over the Unix socket."""

    basis: Path
    port: int
    bin: Path
    prozess: subprocess.Popen[bytes]
    als: pwd.struct_passwd | None
    datenbanken: list[str] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.basis / "socket"

    def url(self, datenbank: str, benutzer: str = "postgres") -> str:
        return f"postgresql+psycopg://{benutzer}@/{datenbank}?host={self.socket}&port={self.port}"

    def tcp_url(self, datenbank: str, benutzer: str = PASSWORT_ROLLE) -> str:
        return f"postgresql+psycopg://{benutzer}@127.0.0.1:{self.port}/{datenbank}"

    def verbinden(self, datenbank: str = "postgres"):  # noqa: ANN201 - psycopg.Connection
        import psycopg

        return psycopg.connect(host=str(self.socket), port=self.port, user="postgres", dbname=datenbank,
                               autocommit=True)

    def sql(self, *befehle: str, datenbank: str = "postgres") -> None:
        with self.verbinden(datenbank) as con:
            for b in befehle:
                con.execute(b)  # type: ignore[arg-type]

    def neue_datenbank(self, vorlage: str | None = None, name: str | None = None) -> str:
        """A new empty database (or a copy of ``vorlage``, which must have no connections)."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        quelle = f" TEMPLATE {vorlage} STRATEGY FILE_COPY" if vorlage else " TEMPLATE template0"
        self.sql(f"CREATE DATABASE {name}{quelle}")
        self.datenbanken.append(name)
        return name

    def loeschen(self, name: str) -> None:
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if name in self.datenbanken:
            self.datenbanken.remove(name)

    def stoppen(self) -> None:
        if self.prozess.poll() is None:
            self.prozess.send_signal(signal.SIGINT)  # "fast" shutdown: disconnects clients, no recovery needed
            try:
                self.prozess.wait(30)
            except subprocess.TimeoutExpired:
                self.prozess.kill()
                self.prozess.wait(5)


def _als_benutzer(als: pwd.struct_passwd | None) -> dict[str, object]:
    if als is None:
        return {}
    return {"user": als.pw_uid, "group": als.pw_gid, "extra_groups": []}


def _bereit(server: PgServer, frist_s: float = 30.0) -> bool:
    import psycopg

    ende = time.monotonic() + frist_s
    while time.monotonic() < ende:
        if server.prozess.poll() is not None:
            return False
        try:
            with server.verbinden():
                return True
        except psycopg.OperationalError:
            time.sleep(0.05)
    return False


def pg_starten() -> PgServer:
    """initdb + postgres in a fresh temp folder (up to three tries: the free port may be taken)."""
    pg_pflicht()
    ordner = binaerordner()
    assert ordner is not None
    als = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
    letzter = ""
    for _versuch in range(3):
        basis = Path(tempfile.mkdtemp(prefix="ozgdesk-pg-", dir="/tmp" if als else None))
        daten, sock = basis / "daten", basis / "socket"
        sock.mkdir()
        if als is not None:
            os.chmod(basis, 0o755)
            for p in (basis, sock):
                os.chown(p, als.pw_uid, als.pw_gid)
        umgebung = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        init = subprocess.run([str(ordner / "initdb"), "-D", str(daten), "-U", "postgres", "-A", "trust",
                               "--locale=C", "-E", "UTF8", "--no-sync"], env=umgebung, capture_output=True,
                              **_als_benutzer(als))  # type: ignore[call-overload]
        if init.returncode != 0:
            raise RuntimeError(f"initdb scheiterte:\n{init.stderr.decode('utf-8', 'replace')}")
        # local socket: trusted; TCP on 127.0.0.1: password (scram-sha-256), as IT would configure it
        (daten / "pg_hba.conf").write_text(
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8")
        port = _freier_port()
        befehl = [str(ordner / "postgres"), "-D", str(daten), "-p", str(port), "-k", str(sock),
                  "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                  "-c", "full_page_writes=off", "-c", "max_connections=250", "-c", "shared_buffers=64MB",
                  "-c", "log_min_messages=fatal", "-c", "logging_collector=off"]
        prozess = subprocess.Popen(befehl, env=umgebung, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   **_als_benutzer(als))  # type: ignore[call-overload]
        server = PgServer(basis, port, ordner, prozess, als)
        if _bereit(server):
            server.sql(f"CREATE ROLE {PASSWORT_ROLLE} LOGIN PASSWORD '{PASSWORT}'")
            return server
        server.stoppen()
        letzter = prozess.stderr.read().decode("utf-8", "replace") if prozess.stderr else ""
        shutil.rmtree(basis, ignore_errors=True)
    raise RuntimeError(f"PostgreSQL startete nicht:\n{letzter}")


def pg_beenden(server: PgServer) -> None:
    server.stoppen()
    if server.prozess.stderr is not None:
        server.prozess.stderr.close()
    shutil.rmtree(server.basis, ignore_errors=True)
