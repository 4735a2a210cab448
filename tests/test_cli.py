"""ozgdesk-cli as scripts use it: JSON output, German messages, validation, exit codes."""

import json
import subprocess
import sys

import pytest

from ozgdesk.cli import main

pytestmark = pytest.mark.beide_datenbanken


def _json(capsys, *args):
    capsys.readouterr()
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_init_demo_und_info(tmp_path, capsys):
    home = str(tmp_path / "T")
    _json(capsys, "--home", home, "init", "--demo", "--json")
    info = _json(capsys, "--home", home, "info", "--json")
    assert info["themenfelder"] == 14 and info["lagen"] == 55
    assert info["leistungen"] >= 557 and info["projekte"] >= 15
    assert info["ressort"] == "BMAS" and info["behoerden"] >= 5
    assert {"schema", "meilensteine"} <= set(info)


def test_init_ressort_leer_mit_katalog(tmp_path, capsys):
    home = str(tmp_path / "T")
    _json(capsys, "--home", home, "init", "--ressort", "bmf", "--json")
    info = _json(capsys, "--home", home, "info", "--json")
    assert (info["ressort"], info["leistungen"], info["projekte"]) == ("BMF", 557, 0)


def test_init_ueberschreibt_nie(demo_home, capsys):
    assert main(["--home", str(demo_home), "init", "--ressort", "BMI"]) == 1
    assert "enthält bereits ein Ressort" in capsys.readouterr().err


def test_projekte_filtern(demo_home, capsys):
    alle = _json(capsys, "--home", str(demo_home), "projekte", "list", "--json")
    rot = _json(capsys, "--home", str(demo_home), "projekte", "list", "--ampel", "rot", "--json")
    unterst = _json(capsys, "--home", str(demo_home), "projekte", "list", "--finanzierung", "unterstuetzung", "--json")
    assert len(alle) == 18
    assert rot and all(p["ampel"] == "rot" for p in rot) and len(rot) < len(alle)
    assert {p["finanzierung"] for p in unterst} == {"unterstuetzung"}


def test_leistungen_filtern(demo_home, capsys):
    ressort = _json(capsys, "--home", str(demo_home), "leistungen", "list", "--json")
    katalog = _json(capsys, "--home", str(demo_home), "leistungen", "list", "--alle", "--json")
    ba = _json(capsys, "--home", str(demo_home), "leistungen", "list", "--behoerde", "BA", "--json")
    assert len(katalog) == 557 and 20 <= len(ressort) < 557
    assert ba and {z["behoerde"] for z in ba} == {"BA"}


def test_setzen_schreibt_und_protokolliert(demo_home, capsys):
    home = str(demo_home)
    out = _json(capsys, "--home", home, "projekte", "setzen", "BMAS-2024-04", "ampel=rot",
                "ampel_grund=Pilotbehörde abgesprungen", "--json")
    felder = {a["feld"]: a["neu"] for a in out["aenderungen"]}
    assert felder == {"ampel_gesamt": "rot", "ampel_gesamt_grund": "Pilotbehörde abgesprungen"}
    liste = _json(capsys, "--home", home, "projekte", "list", "--ampel", "rot", "--json")
    assert "BMAS-2024-04" in {p["kennung"] for p in liste}
    protokoll = _json(capsys, "--home", home, "aenderungen", "list", "--tabelle", "projekt", "--anzahl", "2", "--json")
    assert {p["feld"] for p in protokoll} == {"ampel_gesamt", "ampel_gesamt_grund"}


def test_reifegrad_aus_skript(demo_home, capsys):
    home = str(demo_home)

    def zeile():
        return next(z for z in _json(capsys, "--home", home, "leistungen", "list", "--json") if z["ozg_id"] == "10076")

    _json(capsys, "--home", home, "leistungen", "setzen", "10076", "reifegrad=3", "reifegrad_datum=01.10.2026",
          "reifegrad_quelle=Statusermittlung", "--json")
    assert (zeile()["reifegrad"], zeile()["reifegrad_modell"], zeile()["online"]) == (3, "1.1", True)
    # A later 2.0 self-assessment is kept in the history but does not replace the 1.1 level,
    # which the Ziel-Reifegrad and the online count are measured in.
    _json(capsys, "--home", home, "leistungen", "setzen", "10076", "reifegrad=6", "reifegrad_modell=2.0",
          "reifegrad_datum=15.10.2026", "--json")
    assert (zeile()["reifegrad"], zeile()["reifegrad_modell"]) == (3, "1.1")


@pytest.mark.parametrize(
    "args, meldung",
    [
        (["projekte", "setzen", "BMAS-2024-01", "farbe=rot"], "Das Feld „farbe“ gibt es nicht"),
        (["projekte", "setzen", "BMAS-2024-01", "ampel=lila"], "Feld „ampel“ (Ampel gesamt): „lila“ ist nicht erlaubt"),
        (["projekte", "setzen", "BMAS-2024-01", "ende=01.01.2020"], "Ende liegt vor dem Beginn"),
        (["projekte", "setzen", "BMAS-2024-01", "behoerde=XYZ"], "Behörde „XYZ“ nicht gefunden"),
        (["projekte", "setzen", "BMAS-2099-01", "titel=x"], "Projekt „BMAS-2099-01“ nicht gefunden"),
        (["projekte", "setzen", "BMAS-2024-01", "titel"], "erwartet FELD=WERT"),
        (["leistungen", "setzen", "10073", "reifegrad=9"], "Reifegrad 9 ist im Modell 1.1 nicht möglich"),
        (["leistungen", "setzen", "10073", "prioritaet=7"], "Priorität muss 1, 2 oder 3 sein"),
        (["leistungen", "setzen", "10073", "typ=9b"], "„9b“ ist kein Leistungstyp"),
        (["leistungen", "setzen", "99999", "typ=1"], "OZG-Leistung „99999“ nicht gefunden"),
    ],
)
def test_ungueltige_werte_werden_abgelehnt_und_nichts_geaendert(demo_home, capsys, args, meldung):
    vorher = _json(capsys, "--home", str(demo_home), "export", "--out", str(demo_home / "vorher.json"), "--json")
    assert main(["--home", str(demo_home), *args]) == 1
    assert meldung in capsys.readouterr().err
    _json(capsys, "--home", str(demo_home), "export", "--out", str(demo_home / "nachher.json"), "--json")
    assert (demo_home / "vorher.json").read_bytes() == (demo_home / "nachher.json").read_bytes()
    assert vorher["bytes"] > 0


def test_hilfe_ist_deutsch():
    out = subprocess.run([sys.executable, "-m", "ozgdesk.cli", "projekte", "setzen", "-h"],
                         capture_output=True, text=True, check=True).stdout
    assert "Aufruf:" in out and "diese Hilfe anzeigen" in out and "Optionen" in out
    assert "usage" not in out and "show this help" not in out
    fehler = subprocess.run([sys.executable, "-m", "ozgdesk.cli", "projekte", "setzen"], capture_output=True, text=True)
    assert fehler.returncode == 2 and "Fehler: diese Angaben fehlen" in fehler.stderr


def test_kaputte_datenbank_deutsche_meldung_und_unveraendert(tmp_path, capsys):
    home = tmp_path / "T"
    home.mkdir()
    db = home / "ozgdesk.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    vorher = db.read_bytes()
    assert main(["--home", str(home), "info", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Die Datenbank") and "nicht verändert" in err
    assert db.read_bytes() == vorher and sorted(p.name for p in home.iterdir() if p.is_file()) == ["ozgdesk.sqlite"]


@pytest.mark.parametrize("befehl", [["export", "--out"], ["bericht", "statusermittlung", "--entwurf", "--out"]])
def test_unbeschreibbares_ziel_deutsche_meldung_statt_absturz(demo_home, capsys, befehl):
    hindernis = demo_home / "keinordner"
    hindernis.write_text("eine Datei, wo ein Ordner sein müsste")
    ziel = hindernis / ("x.json" if befehl[0] == "export" else "berichte")
    assert main(["--home", str(demo_home), *befehl, str(ziel)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Datei „") and "kann nicht geschrieben werden" in err and "Traceback" not in err
    assert hindernis.read_text() == "eine Datei, wo ein Ordner sein müsste"
