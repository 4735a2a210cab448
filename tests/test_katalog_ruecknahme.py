"""„Import zurücknehmen“ (Qt-free): the last import is taken back from its change-log transaction,
the Ressort's data stays, and a later change to what the import wrote blocks the undo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.katalog_export import als_csv, export_zeilen

from ozgdesk.cli import main
from ozgdesk.model import Aenderung, Leistung, austausch
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.grunddaten import leistung_id
from ozgdesk.model.katalog import LeikaLeistung
from ozgdesk.model.katalogimport.anwenden import anwenden
from ozgdesk.model.katalogimport.ruecknahme import planen, zuruecknehmen
from ozgdesk.model.katalogimport.zeilen import lesen

pytestmark = pytest.mark.beide_datenbanken


@pytest.fixture(scope="module")
def dateien(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ordner = tmp_path_factory.mktemp("ruecknahme")
    zeilen = export_zeilen()
    geaendert = []
    for z in zeilen:
        if z["OZG-ID"] in ("10003", "10075"):  # 10003 untouched → deleted; 10075 has a demo project → flagged
            continue
        z = dict(z)
        if z["OZG-ID"] == "10000":
            z["OZG-Leistungen"] = "Elterngeld (Basiselterngeld und ElterngeldPlus)"
        geaendert.append(z)
    geaendert.append({**zeilen[0], "OZG-ID": "10999", "OZG-Leistungen": "Digitale Familienkasse",
                      "LeiKa-Schlüssel": "99999000000001", "LeiKa-Bezeichnung": "Familienkasse online"})
    return {"voll": als_csv(zeilen, ordner / "voll.csv"), "geaendert": als_csv(geaendert, ordner / "geaendert.csv")}


def _import(store, datei: Path):  # noqa: ANN001, ANN202
    with store.session(quelle="katalogimport") as s:
        return anwenden(s, lesen(datei), erzwingen=True)[1].id


def _export(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return austausch.als_text(austausch.exportieren(s))


def _zuruecknehmen(store, import_id=None):  # noqa: ANN001, ANN202
    with store.session(quelle="katalogruecknahme") as s:
        return zuruecknehmen(s, import_id)


def test_zuruecknehmen_stellt_den_stand_vor_dem_import_wieder_her(demo_store, dateien):
    _import(demo_store, dateien["voll"])
    vorher = _export(demo_store)
    _import(demo_store, dateien["geaendert"])  # rename, delete, flag, add – and thousands of LeiKa links
    assert _export(demo_store) != vorher
    r = _zuruecknehmen(demo_store)
    assert r.angewendet and r.wiederhergestellt.get("leistung") == 1  # 10003 was deleted, is back
    assert _export(demo_store) == vorher  # every record, every field, the import record gone too
    # the undo itself is logged, so it replicates: one transaction, source katalogruecknahme
    with demo_store.lesen() as s:
        transaktionen = s.execute(select(func.count(func.distinct(Aenderung.transaktion)))
                                  .where(Aenderung.quelle == "katalogruecknahme")).scalar_one()
    assert transaktionen == 1
    # and the import before it is now the last one – it can be taken back too, to the shipped catalogue
    _zuruecknehmen(demo_store)
    with demo_store.lesen() as s:
        assert s.execute(select(func.count(LeikaLeistung.id))).scalar_one() == 0
    with pytest.raises(Eingabefehler, match="keinen Katalogimport"):
        _zuruecknehmen(demo_store)


def test_ressortdaten_an_neu_aufgenommener_leistung_bleiben(demo_store, dateien):
    _import(demo_store, dateien["voll"])
    _import(demo_store, dateien["geaendert"])
    with demo_store.session() as s:  # the coordinator takes the new Leistung into the Ressort …
        neu = s.get(Leistung, leistung_id("10999"))
        neu.im_ressort, neu.bemerkung = True, "ab 2027 im Ressort"
        s.get(Leistung, leistung_id("10001")).ziel_reifegrad = 3  # … and sets a target elsewhere
    with demo_store.lesen() as s:
        assert planen(s).markiert == ["10999"]
    r = _zuruecknehmen(demo_store)
    assert r.markiert == ["10999"] and "nicht mehr im Katalog" in r.hinweise[0]
    with demo_store.lesen() as s:
        neu = s.get(Leistung, leistung_id("10999"))
        assert (neu.im_katalog, neu.im_ressort, neu.bemerkung) == (False, True, "ab 2027 im Ressort")
        assert s.get(Leistung, leistung_id("10001")).ziel_reifegrad == 3
        assert s.get(Leistung, leistung_id("10000")).bezeichnung == "Elterngeld"  # rename taken back
        assert s.get(Leistung, leistung_id("10003")) is not None


def test_spaetere_aenderung_am_katalogfeld_verhindert_die_ruecknahme(demo_store, dateien):
    _import(demo_store, dateien["voll"])
    _import(demo_store, dateien["geaendert"])
    with demo_store.session() as s:
        s.get(Leistung, leistung_id("10000")).bezeichnung = "Elterngeld – von Hand korrigiert"
    vorher = _export(demo_store)
    with pytest.raises(Eingabefehler, match="„bezeichnung“ wurde nach dem Import geändert") as e:
        _zuruecknehmen(demo_store)
    assert "Nichts wurde geändert" in str(e.value)
    assert _export(demo_store) == vorher


def test_nur_der_letzte_import(demo_store, dateien):
    erster = _import(demo_store, dateien["voll"])
    _import(demo_store, dateien["geaendert"])
    with pytest.raises(Eingabefehler, match="Nur der letzte Import"):
        _zuruecknehmen(demo_store, erster)


def test_cli_zuruecknehmen_probelauf_und_echt(demo_home, dateien, capsys):
    home = str(demo_home)
    assert main(["--home", home, "katalog", "import", str(dateien["voll"])]) == 0
    capsys.readouterr()
    assert main(["--home", home, "katalog", "zuruecknehmen", "--dry-run", "--json"]) == 0
    probe = json.loads(capsys.readouterr().out)
    assert probe["applied"] is False and probe["removed"]["leika_leistung"] > 4_000
    assert main(["--home", home, "katalog", "zuruecknehmen"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Zurückgenommen: Import „voll.csv“") and "Daten des Ressorts sind unverändert" in out
    assert main(["--home", home, "katalog", "zuruecknehmen"]) != 0
    assert "keinen Katalogimport" in capsys.readouterr().err
