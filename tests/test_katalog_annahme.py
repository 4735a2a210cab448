"""Acceptance of issue 11, point 4: the official export imports as it comes.

A fresh home (``ozgdesk-cli init --ressort BMAS``) imports the full export carrying one junk row
(„Test 124“ with the 8-digit LeiKa key „25323525“) in the middle – as XLSX, as CSV in two dialects and
as LibreOffice saves it: 557 OZG-Leistungen, the junk row named in the warnings with file, row,
column and value, and a ``--dry-run`` of the same file afterwards reports no change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.katalog_export import als_csv, als_xlsx, export_zeilen, mit_testzeile, wie_libreoffice

from ozgdesk.cli import main


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    zeilen, nr = mit_testzeile(export_zeilen())
    return tmp_path_factory.mktemp("annahme"), nr, zeilen


def _datei(export, variante: str) -> Path:
    ordner, _nr, zeilen = export
    if variante == "xlsx":
        return als_xlsx(zeilen, ordner / "OZG-Katalog.xlsx")
    if variante == "csv":
        return als_csv(zeilen, ordner / "OZG-Katalog.csv")
    if variante == "csv-komma-cp1252":
        return als_csv(zeilen, ordner / "OZG-Katalog-1252.csv", trenner=",", kodierung="cp1252")
    return wie_libreoffice(zeilen, ordner / "OZG-Katalog-LibreOffice.xlsx")


def _json(capsys, *argv: str) -> dict:
    code = main([*argv, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


@pytest.mark.parametrize("variante", ["xlsx", "csv", "csv-komma-cp1252", "libreoffice"])
def test_frisches_home_importiert_export_mit_testzeile(tmp_path, export, variante, capsys):
    datei = _datei(export, variante)
    home = str(tmp_path / "home")
    assert main(["--home", home, "init", "--ressort", "BMAS"]) == 0
    capsys.readouterr()

    ergebnis = _json(capsys, "--home", home, "katalog", "import", str(datei))
    assert ergebnis["applied"] is True
    status = _json(capsys, "--home", home, "katalog", "status")
    assert status["ozg_leistungen"] == 557

    junk = [w for w in ergebnis["warnings"] if w["wert"] == "25323525"]
    assert len(junk) == 1, ergebnis["warnings"]
    [w] = junk
    assert (w["datei"], w["zeile"], w["spalte"], w["art"]) == (datei.name, export[1], "LeiKa-Schlüssel", "leika")
    assert w["position"] == ("F" if datei.suffix == ".xlsx" else "6")
    assert w["blatt"] == ("OZG-Umsetzungskatalog" if datei.suffix == ".xlsx" else None)
    assert "kein gültiger LeiKa-Schlüssel" in w["meldung"]
    assert ergebnis["file"]["rows_with_bad_values"] == 1  # the only row with a bad value

    # the human output names it too, in German
    assert main(["--home", home, "katalog", "import", str(datei), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert f"Zeile {export[1]}, Spalte {w['position']} (LeiKa-Schlüssel): „25323525“ ist kein gültiger " \
           "LeiKa-Schlüssel" in text
    assert "Keine Änderungen gegenüber dem Katalog in der Datenbank; nichts gespeichert." in text

    nochmal = _json(capsys, "--home", home, "katalog", "import", str(datei), "--dry-run")
    assert nochmal["unchanged"] is True and nochmal["applied"] is False
    assert (nochmal["added"], nochmal["removed"], nochmal["renamed"], nochmal["changed"]) == ([], [], [], [])
    assert nochmal["leika"] == {"added": 0, "removed": 0, "changed": 0}
