"""The JSON Schema of the submission package: shipped, current, strict, and every package meets it.

The schema is read here from the shipped file through ``importlib.resources`` and checked with
``jsonschema`` directly (with format checking), not through ozgdesk's own helpers, so a receiver
who only has the file gets the same answer.
"""

from __future__ import annotations

import copy
import json
import re
from importlib.resources import files
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from ozgdesk.model import Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.values import Quartal
from ozgdesk.reports import einreichung_schema as es
from ozgdesk.reports.einreichung import einreichen, paket_pruefen
from tests.test_berichte_hilfen import demo_fehler_beheben

pytestmark = pytest.mark.beide_datenbanken

ROOT = Path(__file__).resolve().parent.parent
Q3 = Quartal(2026, 3)


def _schema(datei: str) -> dict:
    return json.loads((files("ozgdesk.daten") / "schema" / datei).read_text(encoding="utf-8"))


def _validator(datei: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(datei), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _eigenschaften(s: object, pfad: str = ""):  # noqa: ANN202
    """(path, property schema) of every property anywhere in a schema."""
    if isinstance(s, dict):
        for k, v in s.get("properties", {}).items():
            yield f"{pfad}.{k}", v
        for k, v in s.items():
            yield from _eigenschaften(v, f"{pfad}/{k}" if k != "properties" else pfad)
    elif isinstance(s, list):
        for v in s:
            yield from _eigenschaften(v, pfad)


def test_ausgelieferte_schemas_und_doku_sind_aus_der_quelle_erzeugt():
    """Regenerate with ``python scripts/json_schema.py`` after changing einreichung_schema.py."""
    assert (files("ozgdesk.daten") / "schema" / es.DATEI).read_bytes() == es.schemadatei(es.bericht_schema())
    assert (files("ozgdesk.daten") / "schema" / es.MANIFEST_DATEI).read_bytes() == es.schemadatei(es.manifest_schema())
    doku = (ROOT / "docs" / "einreichung-schema.md").read_text(encoding="utf-8")
    assert es.doku_tabellen() in doku


@pytest.mark.parametrize("datei", [es.DATEI, es.MANIFEST_DATEI])
def test_schema_ist_gueltig_streng_und_deutsch_beschriftet(datei):
    schema = _schema(datei)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] in (es.SCHEMA_ID, es.MANIFEST_SCHEMA_ID)
    for pfad, p in _eigenschaften(schema):
        # a label a person reads in the change list, and a meaning for the documentation
        assert p.get("title") and p.get("description"), pfad
    # every object with a fixed structure is closed and requires all its fields
    for knoten in re.findall(r'"type": "object", "additionalProperties": (\w+)', json.dumps(schema)):
        assert knoten == "false"
    cents = [p for pfad, p in _eigenschaften(schema) if pfad.endswith("_cent")]
    assert all(p.get("$ref") == "#/$defs/cent" for p in cents)
    assert schema.get("$defs", {}).get("cent", {"type": "integer"})["type"] == "integer"


def test_jedes_dokumentierte_feld_gibt_es_im_schema():
    """Every field name a table of docs/einreichung-schema.md lists is a property of a schema."""
    namen = {pfad.rsplit(".", 1)[1] for d in (es.DATEI, es.MANIFEST_DATEI) for pfad, _ in _eigenschaften(_schema(d))}
    doku = (ROOT / "docs" / "einreichung-schema.md").read_text(encoding="utf-8")
    dokumentiert = set()
    for tabelle in re.findall(r"^\| Feld \|.*?\n\n", doku, re.MULTILINE | re.DOTALL):  # the tables of fields
        dokumentiert |= set(re.findall(r"^\| `([^`]+)` \|", tabelle, re.MULTILINE))
    assert {"bewilligt_jahr_cent", "bewilligt_gesamt_cent", "aktenzeichen", "$schema", "signatur"} <= dokumentiert
    assert dokumentiert - namen == set()
    assert namen - dokumentiert == set()  # and nothing in the schema goes undocumented


@pytest.fixture
def pakete(demo_store, tmp_path):
    """Version 1 and 2 of the demo Ressort's Q3/2026 (v2 after an Ampel and a milestone changed)."""
    demo_fehler_beheben(demo_store)
    v1 = einreichen(demo_store, Q3, tmp_path, stand=STICHTAG, benutzer="Test", aktenzeichen="OZG 11-22/2026")
    with demo_store.session(benutzer="Test") as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == "BMAS-2024-03")).scalar_one()
        p.ampel_umfang, p.ampel_umfang_grund = "gelb", "Zusätzliche Antragsvariante für Saisonbetriebe."
    v2 = einreichen(demo_store, Q3, tmp_path, stand=STICHTAG, benutzer="Test")
    return [v1, v2]


def _json(paket) -> tuple[dict, dict]:  # noqa: ANN001
    bericht = next(n for n in paket.dateien if n.endswith(".json"))
    return (json.loads((paket.ordner / bericht).read_text(encoding="utf-8")),
            json.loads((paket.ordner / "manifest.json").read_text(encoding="utf-8")))


def test_jedes_paket_entspricht_dem_schema(pakete, leerer_store, tmp_path):
    leer = einreichen(leerer_store, Q3, tmp_path / "leer", stand=STICHTAG, benutzer="Test")
    bericht_v, manifest_v = _validator(es.DATEI), _validator(es.MANIFEST_DATEI)
    for paket in [*pakete, leer]:
        bericht, manifest = _json(paket)
        assert list(bericht_v.iter_errors(bericht)) == [], paket.ordner.name
        assert list(manifest_v.iter_errors(manifest)) == [], paket.ordner.name
        assert bericht["$schema"] == es.SCHEMA_ID and manifest["$schema"] == es.MANIFEST_SCHEMA_ID
    v1, v2 = (_json(p)[0] for p in pakete)
    assert v1["einreichung"]["aenderungen"] == [] and v2["einreichung"]["aenderungen"]
    assert v1["einreichung"]["aktenzeichen"] == "OZG 11-22/2026" and v2["einreichung"]["aktenzeichen"] is None
    leer_json = _json(leer)[0]
    assert leer_json["projekte"] == [] and leer_json["summen"]["bewilligt_jahr_cent"] == 0


@pytest.mark.parametrize(("aendern", "meldung"), [
    (lambda d: d["summen"].__setitem__("ist_quartal_cent", "2100372,23"),
     "summen.ist_quartal_cent: erwartet eine ganze Zahl"),
    (lambda d: d["summen"].__setitem__("ist_quartal_cent", 2100372.23), "summen.ist_quartal_cent: erwartet eine ganze Zahl"),
    (lambda d: d["summen"].pop("bewilligt_jahr_cent"), "summen: Pflichtfeld „bewilligt_jahr_cent“ fehlt"),
    (lambda d: d["projekte"][2].pop("finanzen"), "projekte[2]: Pflichtfeld „finanzen“ fehlt"),
    (lambda d: d.__setitem__("stand", "15.11.2026"), "stand: \"15.11.2026\" hat nicht die verlangte Form"),
    (lambda d: d.__setitem__("stand", "2026-02-30"), "stand: \"2026-02-30\" hat nicht die verlangte Form"),
    (lambda d: d["projekte"][0]["ampeln"][0].__setitem__("ampel", "green"), "projekte[0].ampeln[0].ampel: Wert \"green\""),
    (lambda d: d["projekte"][0].__setitem__("interne_bemerkung", "nur intern"),
     "projekte[0]: unbekanntes Feld „interne_bemerkung“"),
])
def test_falscher_typ_oder_fehlendes_feld_wird_abgelehnt(pakete, aendern, meldung):
    bericht, _ = _json(pakete[0])
    falsch = copy.deepcopy(bericht)
    aendern(falsch)
    assert not _validator(es.DATEI).is_valid(falsch)
    meldungen = es.fehler(es.bericht_validator(), falsch)
    assert any(m.startswith(meldung) for m in meldungen), meldungen


def test_paket_pruefen_nennt_datei_und_feld_eines_schemaverstosses(pakete):
    """A JSON with a wrong type and a re-computed manifest passes the hashes, not the schema."""
    import hashlib

    paket = pakete[0]
    name = next(n for n in paket.dateien if n.endswith(".json"))
    bericht, manifest = _json(paket)
    bericht["summen"]["ist_quartal_cent"] = "viel"
    inhalt = json.dumps(bericht).encode()
    (paket.ordner / name).write_bytes(inhalt)
    manifest["dateien"][name] = hashlib.sha256(inhalt).hexdigest()
    (paket.ordner / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert paket_pruefen(paket.ordner) == [
        f"{paket.ordner / name}: entspricht nicht seinem Schema: summen.ist_quartal_cent: erwartet eine ganze Zahl, "
        "gefunden \"viel\"."]


def test_einreichen_schreibt_nichts_was_dem_schema_widerspricht(demo_store, tmp_path, monkeypatch):
    """The check runs before anything is written: a program error leaves neither files nor a record."""
    from sqlalchemy import func

    from ozgdesk.model.einreichung import Einreichung
    from ozgdesk.reports import einreichung as modul

    demo_fehler_beheben(demo_store)
    echt = modul.quartalsbericht_daten

    def kaputt(*a, **k):  # noqa: ANN002, ANN003, ANN202
        d = echt(*a, **k)
        d["summen"]["ist_quartal_cent"] = str(d["summen"]["ist_quartal_cent"])
        return d

    monkeypatch.setattr(modul, "quartalsbericht_daten", kaputt)
    with pytest.raises(RuntimeError, match="summen.ist_quartal_cent"):
        einreichen(demo_store, Q3, tmp_path / "p", stand=STICHTAG, benutzer="Test")
    with demo_store.lesen() as s:
        assert s.execute(select(func.count(Einreichung.id))).scalar_one() == 0
    assert list((tmp_path / "p").iterdir()) == []
