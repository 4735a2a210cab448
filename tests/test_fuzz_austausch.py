"""Fuzzing the Ressort JSON import: every input is accepted or rejected in German, never a crash.

The seed document is one demo project with every record it references. Hypothesis mutates it
(values of other types, deleted keys, extra keys, broken structure, random JSON) and the import
must either validate or raise Importfehler; on rejection no file is created. The CI run uses a
few hundred examples; ``OZGDESK_FUZZ_BEISPIELE=10000`` (scripts/fuzz.sh) runs 10,000.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect

from ozgdesk.cli import main
from ozgdesk.model import ENTITAETEN, austausch

BEISPIELE = int(__import__("os").environ.get("OZGDESK_FUZZ_BEISPIELE", "200"))
EINSTELLUNGEN = settings(max_examples=BEISPIELE, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _kleines_dokument(voll: dict) -> dict:
    """One project and the closure of everything it references (and what references it)."""
    tabellen = voll["tabellen"]
    fks = {cls.__tablename__: [(c.key, next(iter(c.foreign_keys)).column.table.name)
                               for c in inspect(cls).columns if c.foreign_keys] for cls in ENTITAETEN}
    behalten: dict[str, set[str]] = {t: set() for t in tabellen}
    projekt = tabellen["projekt"][0]
    behalten["projekt"].add(projekt["id"])
    geaendert = True
    while geaendert:
        geaendert = False
        for t, zeilen in tabellen.items():
            for z in zeilen:
                drin = z["id"] in behalten[t]
                # children of kept records come along (one level per pass), at most one per table
                if not drin and any(z.get(k) in behalten[ziel] for k, ziel in fks[t]) and t not in ("leistung", "lage") \
                        and len(behalten[t]) < 2:
                    behalten[t].add(z["id"])
                    drin = geaendert = True
                if drin:
                    for k, ziel in fks[t]:
                        if z.get(k) and z[k] not in behalten[ziel]:
                            behalten[ziel].add(z[k])
                            geaendert = True
    return {**voll, "tabellen": {t: [z for z in zeilen if z["id"] in behalten[t]] for t, zeilen in tabellen.items()}}


@pytest.fixture(scope="module")
def saat(tmp_path_factory, _demo_vorlage) -> dict:
    import shutil

    home = tmp_path_factory.mktemp("fuzzsaat")
    shutil.copyfile(_demo_vorlage, home / "ozgdesk.sqlite")
    ziel = home / "export.json"
    assert main(["--home", str(home), "export", "--out", str(ziel)]) == 0
    klein = _kleines_dokument(json.loads(ziel.read_text(encoding="utf-8")))
    austausch.pruefen(klein)  # the seed itself is valid
    return klein


json_werte = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda kinder: st.lists(kinder, max_size=3) | st.dictionaries(st.text(max_size=8), kinder, max_size=3),
    max_leaves=8,
)


@st.composite
def mutationen(draw, saat):
    dok = json.loads(json.dumps(saat))
    for _ in range(draw(st.integers(1, 4))):
        tabelle = draw(st.sampled_from(sorted(dok["tabellen"])))
        zeilen = dok["tabellen"][tabelle]
        if not zeilen:
            continue
        zeile = zeilen[draw(st.integers(0, len(zeilen) - 1))]
        if not isinstance(zeile, dict) or not zeile:
            continue
        art = draw(st.sampled_from(["wert", "loeschen", "neu", "zeile_ersetzen", "id_doppelt"]))
        schluessel = draw(st.sampled_from(sorted(zeile)))
        if art == "wert":
            zeile[schluessel] = draw(json_werte)
        elif art == "loeschen":
            del zeile[schluessel]
        elif art == "neu":
            zeile[draw(st.text(max_size=10))] = draw(json_werte)
        elif art == "zeile_ersetzen":
            zeilen[0] = draw(json_werte)
        else:
            zeilen.append(dict(zeile))
    return dok


def _importieren(home: Path, text: str) -> int:
    datei = home.parent / "fuzz.json"
    datei.write_text(text, encoding="utf-8", errors="surrogatepass")
    return main(["--home", str(home), "import", str(datei)])


@EINSTELLUNGEN
@given(data=st.data())
def test_mutierte_dokumente(saat, tmp_path_factory, data):
    dok = data.draw(mutationen(saat))
    home = tmp_path_factory.mktemp("fuzz") / "home"
    code = _importieren(home, json.dumps(dok, ensure_ascii=False))
    assert code in (0, 1)
    if code == 1:
        assert not (home / "ozgdesk.sqlite").exists()


@EINSTELLUNGEN
@given(text=st.text(max_size=200) | json_werte.map(lambda v: json.dumps(v)))
def test_beliebiger_text(tmp_path_factory, text):
    home = tmp_path_factory.mktemp("fuzz") / "home"
    assert _importieren(home, text) == 1
    assert not (home / "ozgdesk.sqlite").exists()
