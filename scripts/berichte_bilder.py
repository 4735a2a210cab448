"""Render the first page of every document of the demo Ressort to docs/berichte/*.png.

PDF pages via pdftoppm, XLSX first sheets via LibreOffice (headless) and pdftoppm, so the README
shows what a reader of each submission sees. Needs poppler-utils and libreoffice-calc-nogui.

    .venv/bin/python scripts/berichte_bilder.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ozgdesk.cli import main as cli  # noqa: E402

ZIEL = ROOT / "docs" / "berichte"
STAND = ["--stand", "15.11.2026", "--entwurf"]
DOKUMENTE = {
    "quartalsbericht-ressort": ["bericht", "quartal", "--quartal", "2026-Q3"],
    "quartalsbericht-projekt": ["bericht", "quartal", "--quartal", "2026-Q3", "--projekt", "BMAS-2024-05"],
    "meilenstein-monitoring": ["bericht", "meilensteine", "--halbjahr", "2026-H2"],
    "statusermittlung": ["bericht", "statusermittlung"],
    "online-monitoring": ["bericht", "online-monitoring", "--halbjahr", "2026-H2"],
    "projektantrag-anlage-a": ["antrag", "--projekt", "BMAS-2024-05"],
    "projektsteckbrief": ["steckbrief", "--projekt", "BMAS-2024-05"],
}


def _png(pdf: Path, ziel: Path, seite: int = 1) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(seite), "-l", str(seite), "-singlefile", str(pdf),
                    str(ziel.with_suffix(""))], check=True)


def xlsx_bilder(xlsx: Path, name: str, out: Path) -> None:
    """The workbook printed by LibreOffice: its first table (page 2, after the sheet „Dokument“);
    for the Ressort summary also the sheet „Dokument“ itself."""
    subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"), str(xlsx)],
                   check=True, capture_output=True)
    pdf = next((out / "lo").glob("*.pdf"))
    _png(pdf, ZIEL / f"{name}-xlsx.png", seite=2)
    if name == "quartalsbericht-ressort":
        _png(pdf, ZIEL / "arbeitsmappe-dokument.png")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        assert cli(["--home", str(home), "init", "--demo"]) == 0
        for name, args in DOKUMENTE.items():
            out = Path(tmp) / name
            assert cli(["--home", str(home), *args, *STAND, "--out", str(out)]) == 0, name
            pdf = next(out.glob("*.pdf"))
            _png(pdf, ZIEL / f"{name}.png")
            xlsx = next(out.glob("*.xlsx"), None)
            if xlsx and shutil.which("libreoffice"):
                xlsx_bilder(xlsx, name, out)
            print(f"{name}: {pdf.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
