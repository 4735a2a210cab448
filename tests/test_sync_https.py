"""HTTPS: the server certificate is checked against the operating system's trust store, never skipped.

Ministries run their own certificate authorities; ozgdesk must accept a server signed by one once
the IT has put it into the system store, and refuse it (with a German message, nothing sent)
until then. OpenSSL reads the system store from SSL_CERT_FILE when that is set, which lets the
test stand in for the machine's store.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import trustme

from ozgdesk.sync.abgleich import jetzt_abgleichen
from ozgdesk.sync.backend import Ablagefehler
from ozgdesk.sync.webdav import WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT, dav_server_starten


@pytest.fixture
def https_ablage(tmp_path: Path):  # noqa: ANN201
    ca = trustme.CA(organization_name="Beispiel-Bundesamt Zertifizierungsstelle")
    zertifikat = ca.issue_cert("127.0.0.1")
    schluessel, kette = tmp_path / "server.key", tmp_path / "server.pem"
    zertifikat.private_key_pem.write_to_path(str(schluessel))
    zertifikat.private_key_and_cert_chain_pem.write_to_path(str(kette))
    ca_datei = tmp_path / "behoerden-ca.pem"
    ca.cert_pem.write_to_path(str(ca_datei))
    wurzel = tmp_path / "dav-wurzel"
    wurzel.mkdir()
    server, info = dav_server_starten(wurzel, tls=(str(kette), str(schluessel)))
    try:
        yield info, ca_datei
    finally:
        server.stop()


def test_fremde_zertifizierungsstelle_wird_abgelehnt(https_ablage, demo_store, tmp_path, monkeypatch):
    info, _ca = https_ablage
    leer = tmp_path / "leerer-speicher.pem"
    leer.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(leer))  # a system store without the Behörde's CA
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "kein-ordner"))
    backend = WebdavBackend(info.url, BENUTZER, PASSWORT)
    with pytest.raises(Ablagefehler, match="Zertifikat des Servers .* wird nicht anerkannt") as fehler:
        jetzt_abgleichen(demo_store, backend)
    assert "Zertifikatsspeicher des Betriebssystems" in str(fehler.value)
    assert list(info.wurzel.iterdir()) == []  # nothing was sent


def test_zertifizierungsstelle_im_systemspeicher_wird_anerkannt(https_ablage, demo_store, monkeypatch):
    info, ca = https_ablage
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the IT has installed the Behörde's CA
    backend = WebdavBackend(info.url, BENUTZER, PASSWORT)
    jetzt_abgleichen(demo_store, backend)
    assert (info.wurzel / "ozgdesk-share.json").is_file()
    eigene = list((info.wurzel / "changes" / demo_store.geraet_id).glob("*.json"))
    assert eigene  # this device's changes arrived over HTTPS
