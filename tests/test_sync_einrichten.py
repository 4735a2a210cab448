"""Setting up a target (issue 14): a missing target folder is reported and created only on request
(Qt-free, CLI, GUI); an address with credentials in it is refused and nothing of it stored."""

from __future__ import annotations

import base64
import io
import logging
from pathlib import Path
from urllib.parse import quote

import httpx
import keyring
import pytest

from ozgdesk import logbuch
from ozgdesk.cli import main
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.sync.abgleich import (
    ZIEL,
    adresse_ohne_zugangsdaten,
    einrichten,
    einrichten_und_pruefen,
    jetzt_abgleichen,
    zugangsdaten_in_adresse,
)
from ozgdesk.sync.backend import Ablagefehler, OrdnerBackend
from ozgdesk.sync.pruefung import ZIELORDNER, einrichtung_pruefen
from ozgdesk.sync.webdav import WebdavBackend
from tests.sync_server import BENUTZER, PASSWORT, Speicher


@pytest.fixture
def schluesselbund():  # noqa: ANN201
    vorher = keyring.get_keyring()
    kr = Speicher()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(vorher)


def _cli(home: Path, *argv: str, capsys, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:  # noqa: ANN001
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    rc = main(["--home", str(home), *argv])
    aus = capsys.readouterr()
    return rc, aus.out, aus.err


# ------------------------------------------------------------------------------ missing target folder
def test_fehlender_webdav_zielordner_wird_gemeldet_und_nur_auf_wunsch_angelegt(
        webdav_server, demo_store, schluesselbund) -> None:  # noqa: ANN001
    url = webdav_server.url + "neu/Grüße/"  # neither neu/ nor neu/Grüße/ exists
    punkte = einrichten_und_pruefen(demo_store, url, BENUTZER, PASSWORT)
    fehlt = [p for p in punkte if p.ziel_fehlt]
    assert len(fehlt) == 1 and fehlt[0].name == ZIELORDNER and fehlt[0].stufe == "fehler"
    assert "existiert nicht" in fehlt[0].meldung and "neu/Grüße/" in fehlt[0].meldung
    assert not any(".ozgdesk-tmp" in p.meldung or "konnte nicht angelegt" in p.meldung for p in punkte)
    assert punkte[-1].meldung.startswith("Das Ziel wurde nicht übernommen")
    assert not (webdav_server.wurzel / "neu").exists()  # nothing created without asking
    assert demo_store.meta(ZIEL) is None and schluesselbund.daten == {}

    punkte = einrichten_und_pruefen(demo_store, url, BENUTZER, PASSWORT, anlegen=True)
    assert all(p.ok for p in punkte), punkte
    angelegt = next(p for p in punkte if p.name == ZIELORDNER)
    assert "wurde angelegt (mit 1 übergeordneten Ordnern)" in angelegt.meldung
    assert (webdav_server.wurzel / "neu" / "Grüße").is_dir()
    assert not list((webdav_server.wurzel / "neu" / "Grüße").iterdir())  # the check cleaned up after itself
    assert demo_store.meta(ZIEL) == url and list(schluesselbund.daten.values()) == [PASSWORT]
    if webdav_server.art == "apache":  # parent by parent: 409 = parent missing, then back down
        mkcol = [z for z in webdav_server.zugriffe() if z.startswith("MKCOL")]
        assert mkcol[:3] == [r"MKCOL /dav/neu/Gr\xc3\xbc\xc3\x9fe/ 409", "MKCOL /dav/neu/ 201",
                             r"MKCOL /dav/neu/Gr\xc3\xbc\xc3\x9fe/ 201"]
    assert jetzt_abgleichen(demo_store).gesendet > 1000  # the new folder is a working share
    assert (webdav_server.wurzel / "neu" / "Grüße" / "ozgdesk-share.json").exists()


def test_geloeschter_zielordner_beim_abgleich_ist_eine_klare_meldung(webdav_server) -> None:  # noqa: ANN001
    """``ordner_anlegen`` (every publish) turns the 409 of a missing target into a German sentence."""
    backend = WebdavBackend(webdav_server.url + "weg/", BENUTZER, PASSWORT)
    with pytest.raises(Ablagefehler, match=r"Zielordner .*weg/ fehlt auf dem Server \(HTTP 409") as fehler:
        backend.veroeffentlichen("changes/geraet/datei.json", b"{}")
    assert "--anlegen" in str(fehler.value)
    backend.schliessen()


def test_409_tiefer_unten_nennt_den_fehlenden_uebergeordneten_ordner() -> None:
    def antwort(anfrage: httpx.Request) -> httpx.Response:
        if anfrage.method == "PROPFIND":
            return httpx.Response(404)
        if anfrage.url.path == "/ablage/changes":  # (the backend sends folder paths without the slash)
            return httpx.Response(405)  # exists
        return httpx.Response(409)  # changes/geraet/: its parent vanished meanwhile

    backend = WebdavBackend("https://dav.example/ablage/", "u", "p", transport=httpx.MockTransport(antwort))
    with pytest.raises(Ablagefehler, match=r"Ordner changes/geraet/ konnte nicht angelegt werden, weil der "
                                           r"übergeordnete Ordner changes/ fehlt oder eine Datei ist \(HTTP 409\)"):
        backend.ordner_anlegen("changes/geraet")


def test_ziel_anlegen_geht_nie_ueber_die_wurzel_des_servers() -> None:
    gefragt: list[str] = []

    def antwort(anfrage: httpx.Request) -> httpx.Response:
        gefragt.append(f"{anfrage.method} {anfrage.url.path}")
        return httpx.Response(409)

    backend = WebdavBackend("https://dav.example/a/b/", "u", "p", transport=httpx.MockTransport(antwort))
    with pytest.raises(Ablagefehler, match="keinen vorhandenen übergeordneten Ordner"):
        backend.ziel_anlegen()
    assert gefragt == ["MKCOL /a/b/", "MKCOL /a/"]


def test_fehlender_ordner_wird_nur_angelegt_wenn_sein_uebergeordneter_da_ist(demo_store, tmp_path) -> None:
    ziel = tmp_path / "Ablage neu"
    punkte = einrichtung_pruefen(OrdnerBackend(ziel))
    assert [p.ziel_fehlt for p in punkte] == [True] and "Netzlaufwerk" in punkte[0].meldung
    assert not ziel.exists()
    punkte = einrichten_und_pruefen(demo_store, str(ziel), anlegen=True)
    assert all(p.ok for p in punkte) and ziel.is_dir() and demo_store.meta(ZIEL) == str(ziel)
    assert punkte[0].meldung == f"Der Ordner {ziel} wurde angelegt."
    # an unmounted drive (the parent is missing too) is never created, not even when asked
    tief = tmp_path / "nicht eingehängt" / "ozg"
    punkte = einrichten_und_pruefen(demo_store, str(tief), anlegen=True)
    assert not any(p.ziel_fehlt for p in punkte) and "nicht erreichbar" in punkte[0].meldung
    assert not tief.parent.exists() and demo_store.meta(ZIEL) == str(ziel)


def test_cli_fehlender_zielordner_nennt_anlegen(apache_dav, demo_home, schluesselbund, monkeypatch, capsys) -> None:  # noqa: ANN001
    """The case of the issue: ``--ziel https://server/dav/neu/`` on Apache."""
    url = apache_dav.url + "neu/"
    rc, out, err = _cli(demo_home, "abgleich", "einrichten", "--ziel", url, "--benutzer", BENUTZER,
                        "--password-stdin", stdin=PASSWORT + "\n", monkeypatch=monkeypatch, capsys=capsys)
    assert rc == 1, err
    assert f"✗ Zielordner: Der Zielordner {url} existiert nicht." in out
    assert "mit --anlegen wiederholen" in out and "HTTP 409" not in out and ".ozgdesk-tmp" not in out
    assert not (apache_dav.wurzel / "neu").exists()
    rc, out, err = _cli(demo_home, "abgleich", "einrichten", "--ziel", url, "--benutzer", BENUTZER,
                        "--password-stdin", "--anlegen", stdin=PASSWORT + "\n", monkeypatch=monkeypatch, capsys=capsys)
    assert rc == 0, out + err
    assert f"✓ Zielordner: Der Zielordner {url} wurde angelegt." in out and "✗" not in out
    assert (apache_dav.wurzel / "neu").is_dir()


# ------------------------------------------------------------------------------ credentials in the URL
@pytest.mark.parametrize(("adresse", "erwartet"), [
    ("https://name:geheim@server.example/dav/", True),
    ("https://name@server.example/dav/", True),  # a bare user name
    ("https://name:@server.example/dav/", True),
    ("https://name%3Ageheim%40server.example/dav/", True),  # percent-encoded ':' and '@'
    ("https://k.brenner%40bund.de:ge%2Fheim@server.example:8443/dav/", True),
    ("HTTPS://Name:Geheim@Server.example/", True),
    ("https://server.example/dav/", False),
    ("https://server.example:8443/remote.php/dav/files/k.brenner@bund.de/", False),  # '@' in the path is fine
    ("https://[::1]:8443/dav/", False),
])
def test_zugangsdaten_in_der_adresse_werden_erkannt(adresse: str, erwartet: bool) -> None:
    assert zugangsdaten_in_adresse(adresse) is erwartet


def test_adresse_ohne_zugangsdaten_fuer_die_meldung() -> None:
    assert adresse_ohne_zugangsdaten("https://a:b@h.example:8443/x/?q=1") == "https://h.example:8443/x/"
    assert adresse_ohne_zugangsdaten("https://a%3Ab%40h.example/x/") == "https://h.example/x/"


def _geheimnisse(passwort: str) -> list[bytes]:
    return [passwort.encode(), quote(passwort, safe="").encode(), passwort.encode("utf-16-le"),
            base64.b64encode(f"{BENUTZER}:{passwort}".encode())]


def _nirgends(home: Path, passwort: str, *texte: str) -> None:
    """The password is in no file of the data folder (database, WAL, settings, log) and no text."""
    dateien = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name == "ozgdesk.sqlite" for p in dateien)
    for p in dateien:
        inhalt = p.read_bytes()
        assert not any(g in inhalt for g in _geheimnisse(passwort)), f"Passwort steht in {p}"
    for t in texte:
        assert passwort not in t and quote(passwort, safe="") not in t


def test_adresse_mit_zugangsdaten_wird_abgelehnt_und_nichts_gespeichert(
        dav, demo_store, demo_home, schluesselbund, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    (dav.wurzel / "ablage").mkdir()
    passwort = "Geh31m-Straße"
    mit = dav.url.replace("://", f"://{quote(BENUTZER)}:{quote(passwort, safe='')}@", 1) + "ablage/"
    for versuch in (lambda: einrichten_und_pruefen(demo_store, mit), lambda: einrichten(demo_store, mit, BENUTZER),
                    lambda: einrichten_und_pruefen(demo_store, mit, BENUTZER, passwort, anlegen=True)):
        with pytest.raises(Eingabefehler, match="Zugangsdaten werden in der Adresse nicht angenommen") as e:
            versuch()
        assert dav.url + "ablage/" in str(e.value) and "--benutzer" in str(e.value) and "--password-stdin" in str(e.value)
        assert "Geh31m" not in str(e.value) and quote(BENUTZER) not in str(e.value)
    assert demo_store.meta(ZIEL) is None and schluesselbund.daten == {}
    assert not dav.stoerung.anfragen  # refused before a single request
    _nirgends(demo_home, passwort, caplog.text)


def test_cli_lehnt_zugangsdaten_in_der_adresse_ab(dav, demo_home, schluesselbund, monkeypatch, capsys, caplog) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("getpass.getpass", lambda *_a: pytest.fail("nach dem Passwort gefragt"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    (dav.wurzel / "ablage").mkdir()
    passwort = "Geh31m-Straße"
    for mit in (dav.url.replace("://", f"://k.brenner:{quote(passwort, safe='')}@", 1) + "ablage/",
                dav.url.replace("://", "://k.brenner@", 1) + "ablage/"):
        rc, out, err = _cli(demo_home, "abgleich", "einrichten", "--ziel", mit, capsys=capsys)
        assert rc == 1 and err.startswith("Fehler: Die Adresse enthält Benutzername oder Passwort")
        assert "--benutzer" in err and "Passwortabfrage oder --password-stdin" in err
    rc, out, err = _cli(demo_home, "abgleich", "status", "--json", capsys=capsys)
    assert '"ziel": null' in out and schluesselbund.daten == {}
    datei = logbuch.aktuelle_logdatei()
    assert datei is not None and datei.is_relative_to(demo_home) and "Befehl abgelehnt" in datei.read_text()
    _nirgends(demo_home, passwort, out, err, caplog.text)
