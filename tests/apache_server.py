"""A second real WebDAV server for the tests: Debian's Apache httpd with mod_dav and mod_dav_fs.

The fixture ``apache_dav`` starts the ``apache2`` binary as a throwaway instance on 127.0.0.1 with
a free port and its own configuration in a temp folder (basic auth from an ``htpasswd`` file the
fixture writes, a DAV lock database, error and access log), serves a temp folder under ``/dav/``
and stops the server at the end. No process of it runs as root: started by root (CI), the whole
instance runs as ``www-data`` (or ``nobody``), and the served tree belongs to that user.

Without ``apache2`` the tests that need it are skipped with the reason – except in CI (``CI`` set),
where a missing Apache fails them: CI installs it (``.ci/run``).

``webdav_server`` is parametrised over both real servers (wsgidav in a thread, Apache in a
process) for the tests that must pass on each; both offer ``url``, ``wurzel``, ``art`` and
``ordner(name)`` (a folder on the share the server may write into).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.sync_server import BENUTZER, MOUNT, PASSWORT, DavServer

MODULE = Path("/usr/lib/apache2/modules")
_MODULE = ("mpm_event", "authn_core", "authn_file", "auth_basic", "authz_core", "authz_user", "alias", "dav",
           "dav_fs")


def _programm(name: str) -> str | None:
    """``apache2`` lives in /usr/sbin, which is not on a normal user's PATH."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def _fehlt() -> str | None:
    """Why Apache cannot run here, or None."""
    if os.name != "posix":
        return "Apache-Tests laufen nur unter POSIX"
    if _programm("apache2") is None:
        return "apache2 ist nicht installiert (Debian: apt-get install apache2)"
    if _programm("htpasswd") is None:
        return "htpasswd fehlt (Debian: apache2-utils)"
    fehlend = [m for m in _MODULE if not (MODULE / f"mod_{m}.so").exists()]
    if fehlend:
        return f"Apache-Module fehlen in {MODULE}: {', '.join(fehlend)}"
    return None


def apache_pflicht() -> None:
    """Skip without Apache – but fail in CI, which must run these tests."""
    grund = _fehlt()
    if grund is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{grund}: in CI muss Apache installiert sein (.ci/run installiert apache2).")
    pytest.skip(grund)


def _tempordner() -> str | None:
    """Where the instance lives: the usual temp folder, unless the server user cannot reach it
    (root with TMPDIR below /root): then /tmp."""
    if os.geteuid() != 0:
        return None
    ordner = Path(tempfile.gettempdir()).resolve()
    if all(os.stat(p).st_mode & 0o001 for p in [ordner, *ordner.parents]):
        return None
    return "/tmp"


def _freier_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _laufbenutzer() -> pwd.struct_passwd:
    """The user the instance runs as: root hands it to an unprivileged system user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    for name in ("www-data", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("Weder www-data noch nobody gibt es auf diesem System.")


KONFIGURATION = """\
ServerRoot "{basis}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{basis}/run/httpd.pid"
DefaultRuntimeDir "{basis}/run"
Mutex file:{basis}/run default
ErrorLog "{basis}/logs/error.log"
LogLevel warn
LogFormat "%m %U %>s" kurz
CustomLog "{basis}/logs/access.log" kurz
{module}
StartServers 1
ServerLimit 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16
Timeout 30
KeepAlive On
DavLockDB "{basis}/run/davlock"
Alias {mount} "{wurzel}"
<Directory />
    Require all denied
    AllowOverride None
</Directory>
<Directory "{wurzel}">
    Dav On
    Options None
    AllowOverride None
    AuthType Basic
    AuthName "ozgdesk Test"
    AuthBasicProvider file
    AuthUserFile "{basis}/htpasswd"
    Require valid-user
</Directory>
"""


@dataclass
class ApacheServer:
    """A running Apache instance; ``wurzel`` is the folder served as ``{url}``."""

    url: str
    wurzel: Path
    basis: Path
    prozess: subprocess.Popen[bytes]
    uid: int
    gid: int
    art: str = "apache"
    benutzer: str = BENUTZER
    passwort: str = PASSWORT
    gestartet: float = field(default_factory=time.monotonic)

    def ordner(self, name: str) -> Path:
        """A folder on the share (with its parents) that the server may write into."""
        pfad = self.wurzel
        for teil in Path(name).parts:
            pfad = pfad / teil
            pfad.mkdir(exist_ok=True)
            self._uebergeben(pfad)
        return pfad

    def _uebergeben(self, pfad: Path) -> None:
        if os.geteuid() == 0:
            os.chown(pfad, self.uid, self.gid)

    def fehlerprotokoll(self) -> str:
        try:
            return (self.basis / "logs" / "error.log").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def zugriffe(self, mindestens: int = 0) -> list[str]:
        """The access log's lines (method, path, status), for tests that look at what was asked.

        Apache writes a request's line in its log phase, after the client already has the answer:
        ``mindestens`` waits (up to 10 s) until that many lines are there instead of racing it."""
        frist = time.monotonic() + 10
        while True:
            try:
                zeilen = (self.basis / "logs" / "access.log").read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                zeilen = []
            if len(zeilen) >= mindestens or time.monotonic() > frist:
                return zeilen
            time.sleep(0.01)

    def stoppen(self) -> None:
        if self.prozess.poll() is None:
            self.prozess.send_signal(signal.SIGTERM)
            try:
                self.prozess.wait(15)
            except subprocess.TimeoutExpired:
                self.prozess.kill()
                self.prozess.wait(5)


def _htpasswd(datei: Path) -> None:
    """The password goes in on stdin (-i), never on a command line others could read (ps)."""
    subprocess.run([_programm("htpasswd") or "htpasswd", "-c", "-i", "-B", str(datei), BENUTZER],
                   input=PASSWORT.encode("utf-8"), check=True, capture_output=True)


def _bereit(port: int, prozess: subprocess.Popen[bytes], frist_s: float = 20.0) -> bool:
    ende = time.monotonic() + frist_s
    while time.monotonic() < ende:
        if prozess.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def apache_starten() -> ApacheServer:
    """Start a throwaway Apache (up to three tries: the free port may be taken in between)."""
    apache_pflicht()
    benutzer = _laufbenutzer()
    letzter = ""
    for _versuch in range(3):
        basis = Path(tempfile.mkdtemp(prefix="ozgdesk-apache-", dir=_tempordner()))
        os.chmod(basis, 0o755)  # the server user must reach its configuration and the served folder
        wurzel = basis / "dav-wurzel"
        for ordner in (wurzel, basis / "logs", basis / "run"):
            ordner.mkdir()
        _htpasswd(basis / "htpasswd")
        port = _freier_port()
        module = "\n".join(f'LoadModule {m}_module "{MODULE}/mod_{m}.so"' for m in _MODULE)
        (basis / "httpd.conf").write_text(KONFIGURATION.format(basis=basis, port=port, wurzel=wurzel, mount=MOUNT,
                                                               module=module), encoding="utf-8")
        if os.geteuid() == 0:
            for pfad in [basis, *basis.rglob("*")]:
                os.chown(pfad, benutzer.pw_uid, benutzer.pw_gid)
        befehl = [_programm("apache2") or "apache2", "-f", str(basis / "httpd.conf"), "-DFOREGROUND"]
        umgebung = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        if os.geteuid() == 0:
            prozess = subprocess.Popen(befehl, env=umgebung, user=benutzer.pw_uid, group=benutzer.pw_gid,
                                       extra_groups=[], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        else:
            prozess = subprocess.Popen(befehl, env=umgebung, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = ApacheServer(f"http://127.0.0.1:{port}{MOUNT}/", wurzel, basis, prozess, benutzer.pw_uid,
                              benutzer.pw_gid)
        if _bereit(port, prozess):
            return server
        server.stoppen()
        stderr = prozess.stderr.read().decode("utf-8", "replace") if prozess.stderr else ""
        letzter = (stderr + "\n" + server.fehlerprotokoll()).strip()
        shutil.rmtree(basis, ignore_errors=True)
    raise RuntimeError(f"Apache startete nicht:\n{letzter}")


@pytest.fixture
def apache_dav() -> Iterator[ApacheServer]:
    """A real Apache httpd with mod_dav on 127.0.0.1; stopped and removed after the test."""
    server = apache_starten()
    try:
        yield server
    finally:
        server.stoppen()
        if server.prozess.stderr is not None:
            server.prozess.stderr.close()
        shutil.rmtree(server.basis, ignore_errors=True)


@dataclass
class Wsgidav:
    """wsgidav (tests/sync_server.py) with the same small interface as :class:`ApacheServer`."""

    server: DavServer
    art: str = "wsgidav"

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def wurzel(self) -> Path:
        return self.server.wurzel

    def ordner(self, name: str) -> Path:
        pfad = self.server.wurzel / name
        pfad.mkdir(parents=True, exist_ok=True)
        return pfad


@pytest.fixture(params=["wsgidav", "apache"])
def webdav_server(request: pytest.FixtureRequest) -> Iterator[Wsgidav | ApacheServer]:
    """Each real WebDAV server in turn: wsgidav (in a thread) and Apache httpd with mod_dav."""
    if request.param == "wsgidav":
        yield Wsgidav(request.getfixturevalue("dav"))
    else:
        yield request.getfixturevalue("apache_dav")
