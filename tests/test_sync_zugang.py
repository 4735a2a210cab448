"""Credentials only through keyring; locked keychain ≠ wrong password; nothing secret anywhere; CLI."""

from __future__ import annotations

import base64
import io
import json
import logging
from pathlib import Path

import keyring
import keyring.errors
import pytest

from ozgdesk.cli import main
from ozgdesk.sync.abgleich import backend_oeffnen, einrichten
from ozgdesk.sync.backend import Anmeldefehler
from ozgdesk.sync.zugang import SchluesselbundFehler, passwort_holen
from tests.sync_server import BENUTZER, PASSWORT, Speicher


class Gesperrt(Speicher):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


class PlaintextKeyring(Speicher):
    """Named like keyrings.alt's plain-text file backend: must be refused."""


@pytest.fixture
def schluesselbund():  # noqa: ANN201
    vorher = keyring.get_keyring()
    kr = Speicher()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(vorher)


def _cli(home: Path, *argv: str, stdin: str | None = None, monkeypatch=None, capsys=None) -> tuple[int, str, str]:  # noqa: ANN001
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    rc = main(["--home", str(home), *argv])
    aus = capsys.readouterr()
    return rc, aus.out, aus.err


def test_gesperrter_schluesselbund_ist_etwas_anderes_als_ein_falsches_passwort(dav, demo_store, schluesselbund) -> None:
    url = dav.url + "ablage/"
    (dav.wurzel / "ablage").mkdir()
    einrichten(demo_store, url, BENUTZER, "falsches Passwort")
    with pytest.raises(Anmeldefehler, match="HTTP 401") as falsch:
        backend_oeffnen(demo_store).liste("")
    keyring.set_keyring(Gesperrt())
    with pytest.raises(SchluesselbundFehler, match="gesperrt") as gesperrt:
        backend_oeffnen(demo_store)
    assert "401" not in str(gesperrt.value) and "nicht falsch" in str(gesperrt.value)
    assert "Schlüsselbund" not in str(falsch.value)


def test_unsicherer_dateischluesselbund_wird_abgelehnt() -> None:
    vorher = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        with pytest.raises(SchluesselbundFehler, match="nicht in einer Datei"):
            passwort_holen("https://x/", "u")
    finally:
        keyring.set_keyring(vorher)


def test_cli_mit_password_stdin_und_nirgends_ein_geheimnis(dav, demo_home, tmp_path, schluesselbund, monkeypatch,
                                                         capsys, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    (dav.wurzel / "Ablage Grüße").mkdir()
    url = dav.url + "Ablage Grüße/"
    rc, out, err = _cli(demo_home, "abgleich", "einrichten", "--ziel", url, "--benutzer", BENUTZER, "--password-stdin",
                        stdin=PASSWORT + "\n", monkeypatch=monkeypatch, capsys=capsys)
    assert rc == 0, err
    assert "✓ WebDAV" in out and "✗" not in out
    assert list(schluesselbund.daten.values()) == [PASSWORT]
    rc, out, err = _cli(demo_home, "abgleich", "jetzt", "--json", capsys=capsys)
    assert rc == 0, err
    ergebnis = json.loads(out)
    assert ergebnis["gesendet"] > 1000 and ergebnis["empfangen"] == 0 and ergebnis["konflikte"] == 0
    rc, out, _ = _cli(demo_home, "abgleich", "status", "--json", capsys=capsys)
    assert json.loads(out)["ausstehende_aenderungen"] == 0 and json.loads(out)["ziel"] == url
    export = tmp_path / "export.json"
    rc, out2, _ = _cli(demo_home, "export", "--out", str(export), capsys=capsys)
    assert rc == 0
    geheim = [PASSWORT.encode("utf-8"), PASSWORT.encode("latin-1", "replace"),
              base64.b64encode(f"{BENUTZER}:{PASSWORT}".encode()), PASSWORT.encode("utf-16-le")]
    dateien = [p for p in demo_home.rglob("*") if p.is_file()] + [export]
    assert any(p.suffix == ".sqlite" for p in dateien)
    for p in dateien:
        inhalt = p.read_bytes()
        assert not any(g in inhalt for g in geheim), f"Passwort steht in {p}"
    texte = out + out2 + caplog.text
    assert PASSWORT not in texte and "Grüße-ß" not in texte


def test_cli_falsches_passwort_meldet_401_auf_deutsch(dav, demo_home, schluesselbund, monkeypatch, capsys) -> None:
    (dav.wurzel / "a").mkdir()
    rc, out, err = _cli(demo_home, "abgleich", "einrichten", "--ziel", dav.url + "a/", "--benutzer", BENUTZER,
                        "--password-stdin", stdin="falsch\n", monkeypatch=monkeypatch, capsys=capsys)
    assert rc == 1 and "Benutzername oder Passwort falsch" in out and "nicht übernommen" in out
    assert schluesselbund.daten == {}  # a refused password is not kept
    rc, out, err = _cli(demo_home, "abgleich", "jetzt", capsys=capsys)  # and no target was taken over
    assert rc == 1 and err.startswith("Fehler: ") and "noch kein Abgleichziel eingerichtet" in err


def test_cli_ordner_abgleich_und_konflikte(demo_home, tmp_path, monkeypatch, capsys) -> None:
    import shutil

    ablage = tmp_path / "Ablage Grüße"
    ablage.mkdir()
    b_home = tmp_path / "b"
    b_home.mkdir()
    assert _cli(demo_home, "abgleich", "einrichten", "--ziel", str(ablage), capsys=capsys)[0] == 0
    assert _cli(demo_home, "abgleich", "jetzt", capsys=capsys)[0] == 0
    assert _cli(b_home, "abgleich", "einrichten", "--ziel", str(ablage), capsys=capsys)[0] == 0
    rc, out, _ = _cli(b_home, "abgleich", "jetzt", capsys=capsys)
    assert rc == 0 and "Empfangen: 1.834 Änderungen" in out  # the demo's entries and the share's founding
    rc, out, _ = _cli(b_home, "abgleich", "status", "--json", capsys=capsys)
    b_status = json.loads(out)
    assert not b_status["freigegeben"] and b_status["fingerabdruck"]
    # the coordinator (the founding device) sees B waiting, compares the fingerprint and approves it
    assert _cli(demo_home, "abgleich", "jetzt", capsys=capsys)[0] == 0
    rc, out, _ = _cli(demo_home, "abgleich", "geraete", "list", capsys=capsys)
    assert b_status["fingerabdruck"] in out and "wartet auf Freigabe" in out
    rc, out, _ = _cli(demo_home, "abgleich", "geraete", "freigeben", b_status["fingerabdruck"][:14], capsys=capsys)
    assert rc == 0 and "freigegeben" in out
    assert _cli(demo_home, "abgleich", "jetzt", capsys=capsys)[0] == 0
    rc, out, _ = _cli(demo_home, "projekte", "list", "--json", capsys=capsys)
    kennung = json.loads(out)[0]["kennung"]
    _cli(demo_home, "projekte", "setzen", kennung, "titel=Titel von A", capsys=capsys)
    _cli(b_home, "projekte", "setzen", kennung, "titel=Titel von B", capsys=capsys)
    for home in (demo_home, b_home, demo_home):
        assert _cli(home, "abgleich", "jetzt", "--json", capsys=capsys)[0] == 0
    rc, out, _ = _cli(b_home, "konflikte", "list", "--json", capsys=capsys)
    liste = json.loads(out)
    assert len(liste) == 1 and {w["wert"] for w in liste[0]["werte"]} == {"Titel von A", "Titel von B"}
    rc, out, _ = _cli(b_home, "konflikte", "list", capsys=capsys)
    assert "Titel von A" in out and "dieses Gerät" in out
    rc, out, _ = _cli(b_home, "konflikte", "loesen", liste[0]["id"][:8], "--wert", "Gemeinsamer Titel", capsys=capsys)
    assert rc == 0 and "gelöst" in out
    rc, out, err = _cli(b_home, "konflikte", "loesen", liste[0]["id"][:8], "--wert", "mein", capsys=capsys)
    assert rc == 1 and "bereits gelöst" in err
    _cli(b_home, "abgleich", "jetzt", capsys=capsys)
    _cli(demo_home, "abgleich", "jetzt", capsys=capsys)
    rc, out, _ = _cli(demo_home, "konflikte", "list", "--json", capsys=capsys)
    assert json.loads(out) == []
    rc, out, _ = _cli(demo_home, "projekte", "list", "--json", capsys=capsys)
    assert json.loads(out)[0]["titel"] == "Gemeinsamer Titel"
    shutil.rmtree(ablage / "changes")
    shutil.rmtree(ablage / "heads")
    rc, out, err = _cli(demo_home, "abgleich", "jetzt", capsys=capsys)
    assert rc == 1 and "zum Schutz der Daten wurde nichts abgeglichen" in err


def test_kette_mit_klartextdatei_schreibt_nur_in_den_sicheren_schluesselbund(monkeypatch) -> None:  # noqa: ANN001
    """keyring's ChainerBackend falls back to the next backend: the plain-text file must never be one."""
    from keyring.backends.chainer import ChainerBackend

    from ozgdesk.sync.zugang import passwort_speichern

    vorher = keyring.get_keyring()
    datei, sicher = PlaintextKeyring(), Speicher()
    kette: list = [datei, sicher]  # even first in the chain, the file is skipped
    monkeypatch.setattr(ChainerBackend, "backends", property(lambda _self: kette))
    try:
        keyring.set_keyring(ChainerBackend())
        passwort_speichern("https://dav.example/ozg/", "k.brenner", "geheim")
        assert datei.daten == {} and list(sicher.daten.values()) == ["geheim"]
        assert passwort_holen("https://dav.example/ozg/", "k.brenner") == "geheim"
        kette[:] = [PlaintextKeyring()]
        with pytest.raises(SchluesselbundFehler, match="nicht in einer Datei"):
            passwort_speichern("https://dav.example/ozg/", "k.brenner", "geheim")
    finally:
        keyring.set_keyring(vorher)


def test_zugangsdaten_in_der_adresse_werden_abgelehnt_nicht_getrennt(dav, demo_store, demo_home, schluesselbund) -> None:
    """Earlier they were split off into the keychain; now refused (issue 14): user and password are
    given separately. More in tests/test_sync_einrichten.py."""
    from urllib.parse import quote

    from ozgdesk.model.errors import Eingabefehler
    from ozgdesk.sync.abgleich import ZIEL, einrichten_und_pruefen

    (dav.wurzel / "ablage").mkdir()
    sauber = dav.url + "ablage/"
    mit = sauber.replace("://", f"://{quote(BENUTZER)}:{quote(PASSWORT, safe='')}@", 1)
    with pytest.raises(Eingabefehler, match="Zugangsdaten werden in der Adresse nicht angenommen"):
        einrichten_und_pruefen(demo_store, mit)
    assert demo_store.meta(ZIEL) is None and schluesselbund.daten == {}
    assert PASSWORT.encode() not in (demo_home / "ozgdesk.sqlite").read_bytes()
    punkte = einrichten_und_pruefen(demo_store, sauber, BENUTZER, PASSWORT)  # given separately: fine
    assert all(p.ok for p in punkte), punkte
    assert demo_store.meta(ZIEL) == sauber and list(schluesselbund.daten.values()) == [PASSWORT]
    assert backend_oeffnen(demo_store).liste("") is not None


def test_gescheiterte_einrichtung_laesst_das_funktionierende_ziel_stehen(demo_store, tmp_path, schluesselbund) -> None:
    from ozgdesk.sync.abgleich import ZIEL, einrichten_und_pruefen

    gut = tmp_path / "ablage"
    gut.mkdir()
    assert all(p.ok for p in einrichten_und_pruefen(demo_store, str(gut)))
    punkte = einrichten_und_pruefen(demo_store, str(tmp_path / "gibt-es-nicht" / "ablage"))
    assert not all(p.ok for p in punkte)
    assert punkte[-1].meldung.startswith("Das Ziel wurde nicht übernommen") and str(gut) in punkte[-1].meldung
    assert demo_store.meta(ZIEL) == str(gut)
