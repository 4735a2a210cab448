"""Property tests: whatever bytes arrive, the reader answers with a catalogue or a German refusal, and
text survives the trip through a spreadsheet unchanged (apart from blanks at the edges)."""

from __future__ import annotations

import os

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.katalog_export import als_csv_bytes, als_xlsx, export_zeilen

from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.katalogimport.zeilen import lesen

_ERSTE_ZEILE = export_zeilen()[0]
_EINSTELLUNGEN = settings(max_examples=int(os.environ.get("OZGDESK_FUZZ_BEISPIELE", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def vorlagen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    zeilen = export_zeilen()[:15]
    ordner = tmp_path_factory.mktemp("robust")
    return {"xlsx": als_xlsx(zeilen, ordner / "v.xlsx").read_bytes(), "csv": als_csv_bytes(zeilen)}


def _lesen_oder_ablehnen(pfad: Path, daten: bytes) -> None:
    pfad.write_bytes(daten)
    try:
        lesen(pfad)
    except OzgFehler as e:
        assert str(e).startswith("Katalogimport") and "nichts wurde geändert" in str(e)


@_EINSTELLUNGEN
@given(daten=st.binary(max_size=2_000))
def test_beliebige_bytes_werden_gelesen_oder_abgelehnt(tmp_path, daten):
    _lesen_oder_ablehnen(tmp_path / "zufall.csv", daten)


@_EINSTELLUNGEN
@given(format=st.sampled_from(["xlsx", "csv"]), stelle=st.floats(0, 1), laenge=st.integers(1, 64),
       ersatz=st.binary(min_size=0, max_size=64))
def test_beschaedigte_dateien_werden_gelesen_oder_abgelehnt(tmp_path, vorlagen, format, stelle, laenge, ersatz):
    """A valid file with a stretch of bytes replaced: damaged zips, broken XML, garbled CSV."""
    daten = vorlagen[format]
    i = int(stelle * (len(daten) - 1))
    _lesen_oder_ablehnen(tmp_path / f"kaputt.{format}", daten[:i] + ersatz + daten[i + laenge:])


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029\x85"),
                min_size=1, max_size=200).filter(lambda t: t.strip() and t.strip()[:1] != "=")


@_EINSTELLUNGEN
@given(text=_TEXT, trenner=st.sampled_from([";", ","]))
def test_text_uebersteht_csv(tmp_path, text, trenner):
    zeile = {**_ERSTE_ZEILE, "Rechtsgrundlage(n)": text, "Gesetz(e)": text}
    pfad = tmp_path / "t.csv"
    pfad.write_bytes(als_csv_bytes([zeile], trenner=trenner))
    eintrag = next(iter(lesen(pfad).leika.values()))
    assert eintrag.rechtsgrundlage == eintrag.gesetze == text.strip()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT.filter(lambda t: all(c.isprintable() or c == " " for c in t)))
def test_text_uebersteht_xlsx(tmp_path, text):
    zeile = {**_ERSTE_ZEILE, "Rechtsgrundlage(n)": text}
    eintrag = next(iter(lesen(als_xlsx([zeile], tmp_path / "t.xlsx")).leika.values()))
    assert eintrag.rechtsgrundlage == text.strip()


def _zip_mit_verzeichniseintrag(daten: bytes, feld_versatz: int, wert: int) -> bytes:
    """``daten`` with one 2-byte field of the first central-directory entry set to ``wert``."""
    i = daten.index(b"PK\x01\x02")
    return daten[:i + feld_versatz] + wert.to_bytes(2, "little") + daten[i + feld_versatz + 2:]


@pytest.mark.parametrize(("feld", "wert", "was"), [
    (6, 64, "verlangt ZIP-Version 6.4"),      # zipfile: NotImplementedError("zip file version 6.4")
    (10, 99, "unbekannte Kompression"),       # zipfile: NotImplementedError on open
    (8, 1, "verschlüsselter Eintrag"),        # zipfile: RuntimeError ("… is encrypted")
])
def test_zip_das_python_nicht_lesen_kann_wird_von_beiden_importen_deutsch_abgelehnt(tmp_path, vorlagen, feld, wert, was):
    """Archive features Python's zipfile refuses with other exception types than BadZipFile
    (found by the test above as "zip file version 6.4") are a damaged file for both importers."""
    from ozgdesk.model import zahlungsimport

    daten = _zip_mit_verzeichniseintrag(vorlagen["xlsx"], feld, wert)
    for pfad, lesen_ in ((tmp_path / "katalog.xlsx", lesen), (tmp_path / "zahlungen.xlsx", zahlungsimport.lesen)):
        pfad.write_bytes(daten)
        with pytest.raises(OzgFehler) as e:
            lesen_(pfad)
        assert "beschädigt" in str(e.value) or "keine lesbare Excel-Arbeitsmappe" in str(e.value), (was, str(e.value))
