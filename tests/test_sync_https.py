"""HTTPS: the server certificate is checked against the operating system's trust store, never skipped.

Ministries run their own certificate authorities; ozgdesk must accept a server signed by one once
the IT has put it into the system store, and refuse it (with a German message saying what to do,
nothing sent) until then, and likewise refuse an expired certificate or one for another address.
OpenSSL reads the system store from SSL_CERT_FILE when that is set, which lets the test stand in
for the machine's store.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import trustme

from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import Ablagefehler
from ozgdesk.sync.webdav import WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT, dav_server_starten


def _server(tmp_path: Path, ca: trustme.CA, zertifikat: trustme.LeafCert):  # noqa: ANN202
    schluessel, kette = tmp_path / "server.key", tmp_path / "server.pem"
    zertifikat.private_key_pem.write_to_path(str(schluessel))
    zertifikat.private_key_and_cert_chain_pem.write_to_path(str(kette))
    wurzel = tmp_path / "dav-wurzel"
    wurzel.mkdir()
    return dav_server_starten(wurzel, tls=(str(kette), str(schluessel)))


@pytest.fixture
def ca(tmp_path: Path, monkeypatch):  # noqa: ANN001, ANN201
    """The Behörde's own certificate authority; by default not in the (stand-in) system store."""
    ca = trustme.CA(organization_name="Beispiel-Bundesamt Zertifizierungsstelle")
    leer = tmp_path / "leerer-speicher.pem"
    leer.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(leer))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "kein-ordner"))
    return ca


def _im_systemspeicher(ca: trustme.CA, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    datei = tmp_path / "behoerden-ca.pem"
    ca.cert_pem.write_to_path(str(datei))
    monkeypatch.setenv("SSL_CERT_FILE", str(datei))  # the IT has installed the Behörde's CA


@pytest.mark.parametrize("fall, ausstellen, im_speicher, erwartet", [
    ("fremde Zertifizierungsstelle", lambda ca: ca.issue_cert("127.0.0.1"), False,
     "Zertifizierungsstelle ausgestellt, der dieser Rechner nicht vertraut.*Zertifikatsspeicher des Betriebssystems"),
    ("abgelaufen", lambda ca: ca.issue_cert("127.0.0.1", not_before=dt.datetime(2020, 1, 1),
                                             not_after=dt.datetime(2021, 1, 1)), True, "ist abgelaufen"),
    ("andere Adresse", lambda ca: ca.issue_cert("dav.ressort.example"), True, "für eine andere Adresse ausgestellt"),
])
def test_nicht_anerkanntes_zertifikat_wird_abgelehnt(ca, demo_store, tmp_path, monkeypatch, fall, ausstellen,
                                                     im_speicher, erwartet):
    if im_speicher:
        _im_systemspeicher(ca, tmp_path, monkeypatch)
    server, info = _server(tmp_path, ca, ausstellen(ca))
    try:
        with pytest.raises(Ablagefehler, match="Zertifikat des Servers .* wird nicht anerkannt") as fehler:
            jetzt_abgleichen(demo_store, WebdavBackend(info.url, BENUTZER, PASSWORT))
    finally:
        server.stop()
    assert re.search(erwartet, str(fehler.value)), (fall, str(fehler.value))
    assert "nichts übertragen" in str(fehler.value)
    assert list(info.wurzel.iterdir()) == []  # nothing was sent


def test_zertifizierungsstelle_im_systemspeicher_wird_anerkannt(ca, demo_store, tmp_path, monkeypatch):
    _im_systemspeicher(ca, tmp_path, monkeypatch)
    server, info = _server(tmp_path, ca, ca.issue_cert("127.0.0.1"))
    try:
        jetzt_abgleichen(demo_store, WebdavBackend(info.url, BENUTZER, PASSWORT))
    finally:
        server.stop()
    assert (info.wurzel / "ozgdesk-share.json").is_file()
    assert list((info.wurzel / "changes" / demo_store.geraet_id).glob("*.json"))  # this device's changes, over HTTPS
