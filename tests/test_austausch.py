"""JSON export/import: exact round trip, and a malformed document changes nothing and names the path."""

import copy
import hashlib
import json
from pathlib import Path

import pytest

from ozgdesk.cli import main
from ozgdesk.model import austausch

pytestmark = pytest.mark.beide_datenbanken

ROOT = Path(__file__).resolve().parent.parent


def _export(home: Path, ziel: Path) -> bytes:
    assert main(["--home", str(home), "export", "--out", str(ziel)]) == 0
    return ziel.read_bytes()


def _dateien(ordner: Path) -> dict[str, str]:
    if not ordner.exists():
        return {}
    return {str(p.relative_to(ordner)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in ordner.rglob("*") if p.is_file() and p.parent.name != "logs"}


def _export_in(home: Path, ziel: Path, db: list[str]) -> bytes:
    assert main(["--home", str(home), *db, "export", "--out", str(ziel)]) == 0
    return ziel.read_bytes()


def test_export_import_export_ist_identisch(demo_home, tmp_path, neue_db):
    erster = _export(demo_home, tmp_path / "a.json")
    neu, db = tmp_path / "neu", neue_db()
    assert main(["--home", str(neu), *db, "import", str(tmp_path / "a.json")]) == 0
    zweiter = _export_in(neu, tmp_path / "b.json", db)
    assert erster == zweiter
    dok = json.loads(erster)
    assert dok["format"] == "ozgdesk-ressort" and dok["version"] == 1
    assert len(dok["tabellen"]["projekt"]) == 18 and len(dok["tabellen"]["leistung"]) == 557


def test_import_protokolliert_jeden_datensatz(demo_home, tmp_path, capsys, neue_db):
    _export(demo_home, tmp_path / "a.json")
    neu, db = tmp_path / "neu", neue_db()
    main(["--home", str(neu), *db, "import", str(tmp_path / "a.json")])
    capsys.readouterr()
    main(["--home", str(neu), *db, "aenderungen", "list", "--tabelle", "projekt", "--anzahl", "100", "--json"])
    eintraege = json.loads(capsys.readouterr().out)
    assert len(eintraege) == 18 and {e["quelle"] for e in eintraege} == {"import"}


def test_import_in_belegte_datenbank_wird_abgelehnt(demo_home, tmp_path, capsys):
    _export(demo_home, tmp_path / "a.json")
    vorher = _dateien(demo_home)
    assert main(["--home", str(demo_home), "import", str(tmp_path / "a.json")]) == 1
    assert "bereits ein Ressort" in capsys.readouterr().err
    assert _dateien(demo_home) == vorher


def _kaputt(dok, pfad_teile, wert):
    dok = copy.deepcopy(dok)
    ziel = dok
    for t in pfad_teile[:-1]:
        ziel = ziel[t]
    if wert is _LOESCHEN:
        del ziel[pfad_teile[-1]]
    else:
        ziel[pfad_teile[-1]] = wert
    return dok


_LOESCHEN = object()

FAELLE = [
    (("tabellen", "projekt", 3, "beginn"), "2024-13-01", "$.tabellen.projekt[3].beginn: erwartet ein Datum"),
    (("tabellen", "projekt", 0, "finanzierung"), "teilweise", "$.tabellen.projekt[0].finanzierung: erwartet einen dieser Werte"),
    (("tabellen", "projekt", 2, "titel"), _LOESCHEN, "$.tabellen.projekt[2].titel: Pflichtfeld fehlt"),
    (("tabellen", "projekt", 2, "farbe"), "rot", "$.tabellen.projekt[2].farbe: unbekanntes Feld"),
    (("tabellen", "mittelabfluss", 5, "betrag_cent"), 12.5, "$.tabellen.mittelabfluss[5].betrag_cent: erwartet eine ganze Zahl"),
    (("tabellen", "mittelabfluss", 1, "haushaltsstelle"), "0602-53", "$.tabellen.mittelabfluss[1].haushaltsstelle"),
    (("tabellen", "zahlungsplan_position", 0, "quartal"), "2026-Q7", "$.tabellen.zahlungsplan_position[0].quartal"),
    (("tabellen", "meilenstein", 4, "projekt_id"), "gibt-es-nicht", "$.tabellen.meilenstein[4].projekt_id: verweist auf projekt"),
    (("tabellen", "reifegrad_bewertung", 0, "stufe"), 9, "$.tabellen.reifegrad_bewertung[0]: Reifegrad 9 ist im Modell"),
    (("tabellen", "leistung", 7, "ozg_id"), "1234", "$.tabellen.leistung[7]: OZG-ID „1234“ ist ungültig"),
    (("tabellen", "behoerde", 0, "erstattungsanspruch"), "ja", "$.tabellen.behoerde[0].erstattungsanspruch: erwartet true oder false"),
    (("tabellen", "unbekannt"), [], "$.tabellen.unbekannt: unbekannte Tabelle"),
    (("version",), 2, "$.version: Version 2 ist neuer"),
    (("format",), "excel", "$.format: erwartet \"ozgdesk-ressort\""),
    (("tabellen", "projekt"), {"a": 1}, "$.tabellen.projekt: erwartet eine Liste"),
]


@pytest.mark.parametrize("pfad_teile, wert, meldung", FAELLE, ids=[f[2][:40] for f in FAELLE])
def test_fehlerhaftes_dokument_nennt_den_pfad_und_aendert_nichts(demo_home, tmp_path, capsys, pfad_teile, wert, meldung):
    gut = json.loads(_export(demo_home, tmp_path / "gut.json"))
    datei = tmp_path / "kaputt.json"
    datei.write_text(json.dumps(_kaputt(gut, pfad_teile, wert), ensure_ascii=False), encoding="utf-8")
    ziel = tmp_path / "ziel"
    capsys.readouterr()
    assert main(["--home", str(ziel), "import", str(datei)]) == 1
    err = capsys.readouterr().err
    assert meldung in err
    assert "nichts wurde geändert" in err
    assert _dateien(ziel) == {}  # not even a database file was created (only the technical log)


def test_doppelte_projektkennung_wird_erkannt(demo_home, tmp_path, capsys):
    gut = json.loads(_export(demo_home, tmp_path / "gut.json"))
    kennung = gut["tabellen"]["projekt"][0]["kennung"]
    gut["tabellen"]["projekt"][1]["kennung"] = kennung
    datei = tmp_path / "doppelt.json"
    datei.write_text(json.dumps(gut), encoding="utf-8")
    assert main(["--home", str(tmp_path / "z"), "import", str(datei)]) == 1
    err = capsys.readouterr().err
    assert f"$.tabellen.projekt[1]: kennung = {kennung} kommt schon in Eintrag [0] vor" in err
    assert err.count("kommt schon") == 1


@pytest.mark.parametrize(
    "inhalt, meldung",
    [
        (b'{"format": "ozgdesk-ressort", "version": 1, "tabellen": {', "Zeile 1, Spalte 58: kein gültiges JSON"),
        (b"\xff\xfe\x00kaputt", "keine gültige UTF-8-Kodierung"),
        (b"[1, 2, 3]", "$: erwartet ein JSON-Objekt"),
        (b"", "kein gültiges JSON"),
    ],
)
def test_kein_json(tmp_path, capsys, inhalt, meldung):
    datei = tmp_path / "x.json"
    datei.write_bytes(inhalt)
    assert main(["--home", str(tmp_path / "z"), "import", str(datei)]) == 1
    err = capsys.readouterr().err
    assert meldung in err and str(datei) in err
    assert not (tmp_path / "z" / "ozgdesk.sqlite").exists()


def test_schema_in_docs_ist_aktuell():
    """docs/ressort-export.schema.json is generated from the tables; regenerate with scripts/json_schema.py."""
    gespeichert = json.loads((ROOT / "docs" / "ressort-export.schema.json").read_text(encoding="utf-8"))
    assert gespeichert == austausch.json_schema()


def test_export_ist_nur_fuer_den_besitzer_lesbar(demo_home, tmp_path):
    import os
    import stat

    _export(demo_home, tmp_path / "a.json")
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == 0o600
    assert not list(tmp_path.glob(".a.json.*"))  # no temp file left behind
