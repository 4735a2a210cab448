"""Test helpers for the sync: a real WebDAV server (wsgidav + cheroot on 127.0.0.1, port 0, basic
auth) behind a WSGI middleware that injects the faults real servers produce, and small store
helpers. Imported by the tests/test_sync_*.py modules."""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

from ozgdesk.model import austausch
from ozgdesk.model.store import Store

BENUTZER = "jürgen.weiß"
PASSWORT = "Grüße-ß!Straße§1"
MOUNT = "/dav"


@dataclass
class Regel:
    methode: str
    pfad: str  # substring of the decoded path
    art: str
    anzahl: int = 1


@dataclass
class Stoerung:
    """WSGI middleware: injects faults by rule, and server quirks as modes."""

    app: Any
    regeln: list[Regel] = field(default_factory=list)
    iis: bool = False  # 200 + HTML page for a missing file
    nginx: bool = False  # 207 multistatus full of 404s for a missing collection
    datum_versatz_s: int = 0
    anfragen: list[tuple[str, str]] = field(default_factory=list)
    #: "langsam" requests hang until the test releases them (no sleeping in the test itself)
    freigabe: threading.Event = field(default_factory=threading.Event)

    def einplanen(self, methode: str, pfad: str, art: str, anzahl: int = 1) -> None:
        self.regeln.append(Regel(methode, pfad, art, anzahl))

    def _regel(self, methode: str, pfad: str) -> Regel | None:
        for r in self.regeln:
            if r.anzahl > 0 and r.methode == methode and r.pfad in pfad:
                r.anzahl -= 1
                return r
        return None

    def __call__(self, environ: dict, start_response: Any) -> Any:
        methode = environ["REQUEST_METHOD"]
        pfad = environ.get("PATH_INFO", "")
        try:
            pfad = pfad.encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass
        self.anfragen.append((methode, pfad))
        regel = self._regel(methode, pfad)
        if regel and regel.art in ("500", "507"):
            status = "500 Internal Server Error" if regel.art == "500" else "507 Insufficient Storage"
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "6")])
            return [b"Fehler"]
        if regel and regel.art == "langsam":
            self.freigabe.wait(30)
        if regel and regel.art == "abgeschnitten":
            # An aborted upload: the server keeps half the bytes and even says 201.
            laenge = int(environ.get("CONTENT_LENGTH") or 0)
            daten = environ["wsgi.input"].read(laenge)
            import io

            environ["wsgi.input"] = io.BytesIO(daten[: laenge // 2])
            environ["CONTENT_LENGTH"] = str(laenge // 2)
        if regel and regel.art == "abbruch":
            # The connection drops in the middle of the answer: promised bytes never come.
            environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", "100000")])
            return _abbrechen(b"abgebrochen")
        erfasst: dict[str, Any] = {}

        def sr(status: str, headers: list, exc_info: Any = None) -> Any:
            erfasst["status"], erfasst["headers"] = status, headers
            return lambda _b: None

        antwort = iter(self.app(environ, sr))
        erstes = next(antwort, b"")  # the app may call start_response only when iterated
        status, headers = erfasst["status"], list(erfasst["headers"])
        veraendert = (regel is not None or self.datum_versatz_s or (self.iis and methode == "GET")
                      or (self.nginx and methode == "PROPFIND"))
        if not veraendert or (status.startswith("200") and methode == "GET" and not regel and not self.datum_versatz_s):
            # nothing to change: stream the answer through (a planted 20 GB file must not be buffered here)
            start_response(status, headers)
            return itertools.chain([erstes], antwort)
        koerper = erstes + b"".join(antwort)
        if regel and regel.art == "abbruch_danach":
            # The server did the work, but the answer is lost with the connection.
            start_response("200 OK", [("Content-Length", "100000")])
            return _abbrechen(b"x")
        if self.iis and methode == "GET" and status.startswith("404"):
            status, koerper = "200 OK", b"<html><body>Die Seite wurde nicht gefunden.</body></html>"
            headers = [("Content-Type", "text/html")]
        if self.nginx and methode == "PROPFIND" and status.startswith("404"):
            href = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            koerper = (f'<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:"><d:response>'
                       f"<d:href>{href}</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>"
                       "</d:multistatus>").encode()
            status, headers = "207 Multi-Status", [("Content-Type", "application/xml")]
        if self.datum_versatz_s:
            from email.utils import formatdate
            import time

            headers = [(k, v) for k, v in headers if k.lower() != "date"]
            headers.append(("Date", formatdate(time.time() + self.datum_versatz_s, usegmt=True)))
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(koerper)))]
        start_response(status, headers)
        return [koerper]


class Verbindungsabbruch(Exception):
    """Raised inside the response body: cheroot then drops the connection mid-answer."""


def _abbrechen(anfang: bytes):  # noqa: ANN202
    yield anfang
    raise Verbindungsabbruch("Verbindung abgebrochen (Test)")


@dataclass
class DavServer:
    url: str
    wurzel: Path
    stoerung: Stoerung


def dav_server_starten(wurzel: Path, *, tls: tuple[str, str] | None = None) -> tuple[wsgi.Server, DavServer]:
    """A real WebDAV server on 127.0.0.1; with ``tls`` = (certificate file, key file) over HTTPS."""
    cfg = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {MOUNT: str(wurzel)},
        "http_authenticator": {"domain_controller": None, "accept_basic": True, "accept_digest": False,
                               "default_to_digest": False},
        "simple_dc": {"user_mapping": {"*": {BENUTZER: {"password": PASSWORT, "roles": []}}}},
        "verbose": 0,
        "logging": {"enable_loggers": []},
        "property_manager": True,
        "lock_storage": True,
    }
    stoerung = Stoerung(WsgiDAVApp(cfg))
    server = wsgi.Server(("127.0.0.1", 0), stoerung, numthreads=4)
    if tls is not None:
        from cheroot.ssl.builtin import BuiltinSSLAdapter

        server.ssl_adapter = BuiltinSSLAdapter(*tls)
    server.prepare()
    threading.Thread(target=server.serve, daemon=True).start()
    schema = "https" if tls else "http"
    return server, DavServer(f"{schema}://127.0.0.1:{server.bind_addr[1]}{MOUNT}/", wurzel, stoerung)


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[DavServer]:
    wurzel = tmp_path / "dav-wurzel"
    wurzel.mkdir()
    server, info = dav_server_starten(wurzel)
    try:
        yield info
    finally:
        server.stop()


def geraet(pfad: Path, vorlage: Path | None = None) -> Store:
    """A device: a store from a template copy (or a fresh, empty one that receives everything)."""
    pfad.parent.mkdir(parents=True, exist_ok=True)
    if vorlage is not None:
        shutil.copyfile(vorlage, pfad)
        store = Store.oeffnen(pfad)
        # A copied template must not share the device id with its siblings.
        from ozgdesk.model.base import neue_id

        store.meta_setzen("geraet_id", neue_id())
        store.schliessen()
    return Store.oeffnen(pfad)


def daten(store: Store) -> str:
    """Everything a user sees, as one canonical text (the Ressort export)."""
    with store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s))


@pytest.fixture(scope="session")
def _leere_vorlage_sync(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the schema and nothing else: a new device that receives everything by sync."""
    pfad = tmp_path_factory.mktemp("sync-leer") / "leer.sqlite"
    with Store.oeffnen(pfad) as store, store.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return pfad


@pytest.fixture
def neues_geraet(tmp_path: Path, _leere_vorlage_sync: Path):  # noqa: ANN201
    """Factory: ``neues_geraet("b")`` gives an empty device with its own id."""
    offen: list[Store] = []

    def machen(name: str) -> Store:
        store = geraet(tmp_path / "geraete" / name / "ozgdesk.sqlite", _leere_vorlage_sync)
        offen.append(store)
        return store

    yield machen
    for store in offen:
        store.schliessen()


def freigeben(koordination: Store, *geraete: Store, rolle: str = "mitarbeit") -> None:
    """The coordinator approves devices directly (what „Geräte › Freigeben“ does after the device
    announced itself): a statement signed with the coordinator's key; the next sync sends it."""
    from ozgdesk.sync import identitaet
    from ozgdesk.sync.ablauf import vertrauen_laden
    from ozgdesk.model.vertrauen import FREIGABE

    eigener = identitaet.schluessel_holen(identitaet.eigenes_lesen(koordination))
    assert eigener is not None
    for g in geraete:
        k = identitaet.schluessel_holen(identitaet.eigenes_lesen(g))
        assert k is not None
        identitaet.freigeben(koordination, eigener, vertrauen_laden(koordination), g.geraet_id, k.oeffentlich,
                             identitaet.personenname(g), rolle, FREIGABE)


def datei_neu_signieren(datei: Path, aendern: Any) -> None:
    """Rewrite a change file as its own device would have written it with the content ``aendern``
    makes of its ``nutzlast`` (chain recomputed, signed with the device's key from the keychain):
    hostile content from a device with a valid key, the case signatures cannot catch."""
    import json

    from ozgdesk.sync import schluessel as sk
    from ozgdesk.sync.format import ZWECK_AENDERUNG, _kanonisch, kette_ueber

    doc = json.loads(datei.read_bytes())
    nutzlast = doc["nutzlast"]
    aendern(nutzlast)
    nutzlast["kette_nach"] = kette_ueber(nutzlast["kette_vor"], nutzlast["transaktionen"])
    schluessel = sk.laden(nutzlast["geraet"])
    assert schluessel is not None
    doc["signatur"] = sk.b64(schluessel.signieren(ZWECK_AENDERUNG, _kanonisch(nutzlast)))
    datei.write_bytes(_kanonisch(doc))


@pytest.fixture(scope="session")
def _paar_vorlage(tmp_path_factory: pytest.TempPathFactory, _demo_vorlage: Path, _leere_vorlage_sync: Path) -> Path:
    """Demo device A and empty device B, synced once through a folder share (built once, copied per test)."""
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    ordner = tmp_path_factory.mktemp("paar")
    (ordner / "ablage").mkdir()
    shutil.copyfile(_demo_vorlage, ordner / "a.sqlite")  # keeps the device id its demo entries carry
    a = Store.oeffnen(ordner / "a.sqlite")
    b = geraet(ordner / "b.sqlite", _leere_vorlage_sync)
    a.person_setzen("Anna")  # the people bound to the two device keys
    b.person_setzen("Bernd")
    jetzt_abgleichen(a, OrdnerBackend(ordner / "ablage"))  # founds the share: A is its coordinator
    freigeben(a, b)
    for g in (a, b):
        jetzt_abgleichen(g, OrdnerBackend(ordner / "ablage"))
    a.schliessen()
    b.schliessen()
    return ordner


@pytest.fixture
def synchrones_paar(tmp_path: Path, _paar_vorlage: Path):  # noqa: ANN201
    """(a, b): two devices that have synced the demo Ressort through ``tmp_path / "ablage"``."""
    ablage = tmp_path / "ablage"
    shutil.copytree(_paar_vorlage / "ablage", ablage, dirs_exist_ok=True)
    stores = []
    for name in ("a", "b"):
        ziel = tmp_path / "geraete" / name / "ozgdesk.sqlite"
        ziel.parent.mkdir(parents=True)
        shutil.copyfile(_paar_vorlage / f"{name}.sqlite", ziel)
        stores.append(Store.oeffnen(ziel))
    yield tuple(stores)
    for s in stores:
        s.schliessen()


class Speicher(KeyringBackend):
    """In-memory keychain for tests (the OS keychain is not available in CI)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.daten: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.daten.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.daten[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.daten.pop((service, username), None)
