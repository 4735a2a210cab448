"""The Apache httpd fixture itself: unprivileged, UTF-8 basic auth, skipped locally without Apache
but never in CI. The sync tests that run on Apache and wsgidav alike use ``webdav_server``."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests import apache_server
from tests.sync_server import BENUTZER, PASSWORT


def test_ohne_apache_lokal_uebersprungen_in_ci_gescheitert(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(apache_server, "_fehlt", lambda: "apache2 ist nicht installiert")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apache2 ist nicht installiert"):
        apache_server.apache_pflicht()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI muss Apache installiert sein"):
        apache_server.apache_pflicht()


def test_apache_laeuft_ohne_root_und_nimmt_utf8_zugangsdaten(apache_dav) -> None:  # noqa: ANN001
    status = open(f"/proc/{apache_dav.prozess.pid}/status", encoding="ascii").read()  # noqa: SIM115
    uid = int(next(z for z in status.splitlines() if z.startswith("Uid:")).split()[1])
    assert uid != 0 and uid == apache_dav.uid
    with httpx.Client(auth=httpx.BasicAuth(BENUTZER.encode(), PASSWORT.encode())) as c:
        r = c.request("OPTIONS", apache_dav.url)
        assert r.status_code == 200 and "1" in r.headers["dav"]
        assert c.request("MKCOL", apache_dav.url + "Grüße/").status_code == 201
    assert (apache_dav.wurzel / "Grüße").is_dir()
    with httpx.Client(auth=httpx.BasicAuth(BENUTZER.encode("latin-1"), PASSWORT.encode("latin-1"))) as c:
        assert c.request("OPTIONS", apache_dav.url).status_code == 401  # the bytes count: UTF-8, not Latin-1
    # the access log shows what was asked (Apache escapes the path's UTF-8 bytes)
    assert apache_dav.zugriffe(mindestens=3) == ["OPTIONS /dav/ 200", r"MKCOL /dav/Gr\xc3\xbc\xc3\x9fe/ 201", "OPTIONS /dav/ 401"]


def test_apache_wird_am_ende_beendet() -> None:
    server = apache_server.apache_starten()
    try:
        assert server.prozess.poll() is None
    finally:
        server.stoppen()
    assert server.prozess.returncode is not None
    shutil.rmtree(server.basis, ignore_errors=True)
