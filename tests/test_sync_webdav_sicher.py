"""WebDAV backend against a hostile share or server (issue 14, point 4): every body is read within its
cap – whatever the server says about the length, however it frames the body – and refused with
:class:`Unzulaessig` (``zu_gross``); paths that could leave the share are never requested.

A real wsgidav server serves the share (the fault middleware of tests/sync_server.py collects each
body in memory, so these tests hand the requests to wsgidav directly or to small WSGI apps that
stream); a raw socket server sends what no well-behaved HTTP server would."""

from __future__ import annotations

import gzip
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ozgdesk.sync.backend import Ablagefehler, Unzulaessig
from ozgdesk.sync.sicher_lesen import MAX_AENDERUNGSDATEI
from ozgdesk.sync.webdav import MAX_ANTWORT, WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT, dav_server_starten

MIB = 1024 * 1024
#: Bytes a sender may get rid of after the client stopped reading (socket buffers on loopback).
PUFFER = 32 * MIB


@dataclass
class Strom:
    """WSGI front of the real wsgidav app: requests whose path contains a key go to that app instead;
    bodies stream (no collecting in memory)."""

    app: Any
    umleitungen: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        pfad = environ.get("PATH_INFO", "")
        for teil, app in self.umleitungen.items():
            if teil in pfad:
                return app(environ, start_response)
        return self.app(environ, start_response)


@dataclass
class Quelle:
    """An endless body; counts what it produced (the client must stop it near its cap)."""

    erzeugt: int = 0
    grenze: int = 2 * 1024 * MIB  # a safety net: a client that never stops fails the size assertion

    def stuecke(self, stueck: bytes = b"\0" * (64 * 1024)) -> Iterator[bytes]:
        while self.erzeugt < self.grenze:
            self.erzeugt += len(stueck)
            yield stueck


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Strom, Path, str]]:
    wurzel = tmp_path / "dav-wurzel"
    wurzel.mkdir()
    srv, info = dav_server_starten(wurzel)
    strom = Strom(info.stoerung.app)
    srv.wsgi_app = strom
    try:
        yield strom, wurzel, info.url
    finally:
        srv.stop()


def _backend(url: str) -> WebdavBackend:
    return WebdavBackend(url, BENUTZER, PASSWORT, timeout=10)


def _dauer(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    try:
        ergebnis: Any = fn()
    except Exception as e:  # noqa: BLE001 - handed to the test
        ergebnis = e
    return ergebnis, time.monotonic() - start


# ------------------------------------------------------------------------------ the real server
def test_20_gb_sparse_datei_wird_am_content_length_abgelehnt(server: tuple[Strom, Path, str]) -> None:
    _, wurzel, url = server
    datei = wurzel / "000000000001.json"
    datei.touch()
    os.truncate(datei, 20 * 1024**3)
    b = _backend(url)
    [eintrag] = b.liste("") or []
    assert eintrag.groesse == 20 * 1024**3  # the listing shows it before any GET
    fehler, dauer = _dauer(lambda: b.lesen("000000000001.json", hoechstens=MAX_AENDERUNGSDATEI))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and fehler.pfad == "000000000001.json"
    assert "20480,0 MB" in str(fehler) and dauer < 5
    b.schliessen()


def test_symlinks_der_ablage_gibt_wsgidav_nicht_heraus(server: tuple[Strom, Path, str],
                                                                 tmp_path: Path) -> None:
    """wsgidav neither lists nor serves links (403) – the client cannot see a link over WebDAV; a
    server that follows links is bounded by the caps (tests below). Nothing is written outside."""
    _, wurzel, url = server
    aussen = tmp_path / "aussen"
    aussen.mkdir()
    (aussen / "passwd").write_text("geheim")
    (wurzel / "zero.json").symlink_to("/dev/zero")
    (wurzel / "passwd.json").symlink_to(aussen / "passwd")
    (wurzel / "outbox").symlink_to(aussen, target_is_directory=True)
    b = _backend(url)
    assert b.liste("") == []
    for pfad in ("zero.json", "passwd.json"):
        fehler, dauer = _dauer(lambda p=pfad: b.lesen(p, hoechstens=MAX_AENDERUNGSDATEI))
        assert isinstance(fehler, Ablagefehler) and "403" in str(fehler) and dauer < 5
    fehler, _ = _dauer(lambda: b.veroeffentlichen("outbox/BMAS/v1/paket.json", b"VS-NfD"))
    assert isinstance(fehler, Ablagefehler)
    assert [p.name for p in aussen.iterdir()] == ["passwd"]
    b.schliessen()


def test_endloser_chunked_koerper_wird_an_der_grenze_abgebrochen(server: tuple[Strom, Path, str]) -> None:
    strom, _, url = server
    quelle = Quelle()

    def endlos(environ: dict, start_response: Any) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])  # no length: chunked
        return quelle.stuecke()

    strom.umleitungen["endlos"] = endlos
    b = _backend(url)
    fehler, dauer = _dauer(lambda: b.lesen("changes/endlos.json", hoechstens=4 * MIB))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and fehler.pfad == "changes/endlos.json"
    assert "größer als 4,0 MB" in str(fehler) and dauer < 10
    assert quelle.erzeugt < 4 * MIB + PUFFER
    b.schliessen()


def test_gzip_bombe_wird_in_begrenzten_schritten_entpackt(server: tuple[Strom, Path, str]) -> None:
    strom, _, url = server
    bombe = gzip.compress(b"\0" * (256 * MIB), compresslevel=9)  # about 250 KB on the wire

    def gepackt(environ: dict, start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Encoding", "gzip"), ("Content-Length", str(len(bombe)))])
        return [bombe]

    strom.umleitungen["bombe"] = gepackt
    b = _backend(url)
    fehler, dauer = _dauer(lambda: b.lesen("bombe.json", hoechstens=MIB))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and dauer < 10
    klein = gzip.compress(b'{"a": 1}')
    strom.umleitungen["klein"] = lambda e, sr: (sr("200 OK", [("Content-Encoding", "gzip")]), [klein])[1]
    assert b.lesen("klein.json") == b'{"a": 1}'
    b.schliessen()


def test_riesige_verzeichnisliste_wird_abgelehnt(server: tuple[Strom, Path, str]) -> None:
    strom, _, url = server
    quelle = Quelle()

    def liste(environ: dict, start_response: Any) -> Iterator[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("207 Multi-Status", [("Content-Type", "application/xml")])
        yield b'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">'
        yield from quelle.stuecke(b"<d:response><d:href>/x</d:href></d:response>" * 1000)

    strom.umleitungen["changes"] = liste
    b = _backend(url)
    b.max_verzeichnisliste = 2 * MIB
    fehler, dauer = _dauer(lambda: b.liste("changes"))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and fehler.pfad == "changes"
    assert dauer < 10 and quelle.erzeugt < 2 * MIB + PUFFER
    b.schliessen()


def test_namen_aus_der_liste_die_den_ordner_verlassen_werden_markiert(server: tuple[Strom, Path, str]) -> None:
    strom, _, url = server
    basis = "/dav/changes"

    def liste(environ: dict, start_response: Any) -> list[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        antworten = "".join(
            f"<d:response><d:href>{href}</d:href><d:propstat><d:prop><d:resourcetype/></d:prop>"
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            for href in (f"{basis}/", f"{basis}/gut.json", f"{basis}/..", f"{basis}/a%5Cb.json", f"{basis}/%0A.json"))
        start_response("207 Multi-Status", [("Content-Type", "application/xml")])
        return [f'<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">{antworten}</d:multistatus>'.encode()]

    strom.umleitungen["changes"] = liste
    b = _backend(url)
    assert {e.name: e.unzulaessig for e in b.liste("changes") or []} == {
        "gut.json": "", "..": "pfad", "a\\b.json": "pfad", "\n.json": "pfad"}
    for pfad in ("changes/..", "../ausserhalb", "changes/a\\b.json"):
        fehler, _ = _dauer(lambda p=pfad: b.lesen(p))
        assert isinstance(fehler, Unzulaessig) and fehler.code == "pfad"
    b.schliessen()


def test_obergrenze_standard_und_genau(server: tuple[Strom, Path, str]) -> None:
    _, wurzel, url = server
    (wurzel / "klein.json").write_bytes(b"x" * (64 * 1024))
    (wurzel / "gross.json").write_bytes(b"x" * (64 * 1024 + 1))
    b = _backend(url)
    assert b.lesen("klein.json") == b"x" * (64 * 1024)
    fehler, _ = _dauer(lambda: b.lesen("gross.json"))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross"
    assert b.lesen("gross.json", hoechstens=64 * 1024 + 1) == b"x" * (64 * 1024 + 1)
    assert b.veroeffentlichen("a/b.bin", b"y" * (3 * MIB)) is True  # read back within its own size
    assert b.lesen("a/b.bin", hoechstens=3 * MIB) == b"y" * (3 * MIB)
    b.schliessen()


# ------------------------------------------------------------------------------ a raw socket server
@dataclass
class Roh:
    """Answers every request with ``kopf`` and then ``koerper_bytes`` zero bytes (or until the
    client closes); ``gesendet`` counts the body bytes the socket accepted."""

    kopf: bytes
    koerper_bytes: int
    gesendet: int = 0
    sock: socket.socket = field(default_factory=lambda: socket.create_server(("127.0.0.1", 0)))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/dav/"

    def starten(self) -> None:
        threading.Thread(target=self._laufen, daemon=True).start()

    def _laufen(self) -> None:
        while True:
            try:
                verbindung, _ = self.sock.accept()
            except OSError:
                return
            with verbindung:
                anfrage = b""
                while b"\r\n\r\n" not in anfrage:
                    teil = verbindung.recv(65536)
                    if not teil:
                        break
                    anfrage += teil
                try:
                    verbindung.sendall(self.kopf)
                    stueck = b"\0" * 65536
                    while self.gesendet < self.koerper_bytes:
                        self.gesendet += verbindung.send(stueck[: self.koerper_bytes - self.gesendet])
                except OSError:
                    pass


@pytest.fixture
def roh() -> Iterator[Callable[[bytes, int], Roh]]:
    offen: list[Roh] = []

    def machen(kopf: bytes, koerper_bytes: int) -> Roh:
        r = Roh(kopf, koerper_bytes)
        r.starten()
        offen.append(r)
        return r

    yield machen
    for r in offen:
        r.sock.close()


def test_server_schickt_mehr_als_content_length(roh: Callable[[bytes, int], Roh]) -> None:
    """The body is what Content-Length says, not what the server pushes after it."""
    r = roh(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", 512 * MIB)
    b = WebdavBackend(r.url, BENUTZER, PASSWORT, timeout=10)
    daten, dauer = _dauer(lambda: b.lesen("x.json", hoechstens=MIB))
    assert daten == b"\0" * 100 and dauer < 10
    b.schliessen()
    assert r.gesendet < 100 + PUFFER


def test_server_ohne_laenge_bis_zum_verbindungsende(roh: Callable[[bytes, int], Roh]) -> None:
    """No Content-Length, no chunking: the body runs until the server closes – or the cap."""
    r = roh(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", 512 * MIB)
    b = WebdavBackend(r.url, BENUTZER, PASSWORT, timeout=10)
    fehler, dauer = _dauer(lambda: b.lesen("x.json", hoechstens=MIB))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and dauer < 10
    b.schliessen()
    assert r.gesendet < MIB + PUFFER


def test_content_length_ueber_der_grenze_wird_nicht_gelesen(roh: Callable[[bytes, int], Roh]) -> None:
    r = roh(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n", 512 * MIB)
    b = WebdavBackend(r.url, BENUTZER, PASSWORT, timeout=10)
    fehler, dauer = _dauer(lambda: b.lesen("x.json", hoechstens=MAX_AENDERUNGSDATEI))
    assert isinstance(fehler, Unzulaessig) and fehler.code == "zu_gross" and dauer < 10
    b.schliessen()
    assert r.gesendet < PUFFER


def test_riesige_antwort_auf_put_wird_nur_angelesen(roh: Callable[[bytes, int], Roh]) -> None:
    """Bodies that carry no file (answers to PUT, MOVE …) are read up to 1 MiB and cut there."""
    r = roh(b"HTTP/1.1 201 Created\r\nConnection: close\r\n\r\n", 512 * MIB)
    b = WebdavBackend(r.url, BENUTZER, PASSWORT, timeout=10)
    ergebnis, dauer = _dauer(lambda: b._hochladen_temp("", "t.json", b"x"))
    assert ergebnis is None and dauer < 10
    b.schliessen()
    assert r.gesendet < MAX_ANTWORT + PUFFER
