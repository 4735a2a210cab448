"""The catalogue and the fonts are package data: an installed ozgdesk finds them without a checkout.

The full check – build the wheel, install it in a fresh venv, ``init --demo`` and a PDF from
outside the checkout – is ``scripts/rad_pruefen.py``, which ``.ci/run`` runs before the tests. It
is not repeated here as a pytest test: it needs PyPI and about a minute, and CI would run it twice.
These tests are the fast, offline part: what the wheel will contain, and that the code reads the
files through ``importlib.resources`` (proved by importing ozgdesk from a zip file, where no
path next to the package exists).
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import ozgdesk
from ozgdesk import daten
from ozgdesk.model.einrichtung import katalog_quelle

PAKET = Path(ozgdesk.__file__).resolve().parent
ROOT = PAKET.parent


def _paketdaten_muster() -> list[str]:
    konfig = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return konfig["tool"]["setuptools"]["package-data"]["ozgdesk.daten"]


def test_jede_datei_in_daten_kommt_ins_rad():
    """A data file added to ozgdesk/daten but not to package-data would be missing from the wheel."""
    muster = _paketdaten_muster()
    dateien = [p.relative_to(PAKET / "daten").as_posix() for p in (PAKET / "daten").rglob("*")
               if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    assert {"katalog/ozg_leistungen.csv", "schriften/DejaVuSans.ttf", "schriften/LICENSE-DejaVu.txt",
            "katalog/LICENSE-OZG-Datenbank-NRW.txt"} <= set(dateien)
    fehlend = [d for d in dateien if not any(fnmatch.fnmatch(d, m) for m in muster)]
    assert fehlend == [], f"in pyproject.toml [tool.setuptools.package-data] nachtragen: {fehlend}"


def test_kein_ordner_neben_dem_paket():
    """No module looks for files beside the package (they exist only in a checkout)."""
    for datei in PAKET.rglob("*.py"):
        text = datei.read_text(encoding="utf-8")
        for verdaechtig in ("_MEIPASS", '"resources"', "parent.parent", "parents[1]"):
            assert verdaechtig not in text, f"{datei}: {verdaechtig}"


def test_katalog_und_schriften_lesbar():
    assert "14 Themenfelder, 55 Lebens- und Geschäftslagen und 557 OZG-Leistungen" in katalog_quelle()
    with daten.datei_pfad(daten.SCHRIFTEN, "DejaVuSans.ttf") as pfad:
        assert pfad.read_bytes()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_aus_zipdatei_importiert_findet_katalog_und_schriften(tmp_path):
    """Imported from a zip there is no file system path beside the package: the catalogue and the
    fonts must come through importlib.resources (the fonts as temporary copies for reportlab)."""
    archiv = tmp_path / "ozgdesk.zip"
    with zipfile.ZipFile(archiv, "w") as z:
        for p in PAKET.rglob("*"):
            if p.is_file() and "__pycache__" not in p.parts:
                z.write(p, p.relative_to(ROOT).as_posix())
    code = (
        "import ozgdesk, io\n"
        "from ozgdesk.model.einrichtung import katalog_quelle\n"
        "from ozgdesk.model.grunddaten import _lies\n"
        "from ozgdesk.reports.layout import Kopf, TEXT, pdf_erzeugen\n"
        "from reportlab.platypus import Paragraph\n"
        "import datetime\n"
        "print(ozgdesk.__file__)\n"
        "print(len(_lies('ozg_leistungen.csv')))\n"
        "kopf = Kopf(ressort='BMI', referat='DV 1', titel='Probe', zeitraum='Q3/2026', stand=datetime.date(2026, 11, 15))\n"
        "pdf = pdf_erzeugen(kopf, [Paragraph('Größe: 1.234,56 € „Zitat“', TEXT)])\n"
        "print(pdf[:4].decode(), b'DejaVuSans' in pdf)\n"
    )
    umgebung = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    umgebung.update(PYTHONPATH=str(archiv), PYTHONSAFEPATH="1")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=umgebung, capture_output=True, text=True,
                       timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    herkunft, leistungen, pdf = r.stdout.splitlines()
    assert herkunft.startswith(str(archiv))
    assert leistungen == "557"
    assert pdf == "%PDF True"
