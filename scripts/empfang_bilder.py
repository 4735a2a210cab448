"""Render the receiver's programme overview to docs/berichte/programmuebersicht*.png.

Synthetic packages of 17 Ressorts (``tests/empfang_pakete.py``; one Ressort missing, one package
with a changed byte) are read with ``ozgdesk-cli empfang einlesen``; then the first PDF page and the
workbook's first table (printed by LibreOffice) become the pictures, as scripts/berichte_bilder.py
does for the Ressorts' documents. Needs poppler-utils and libreoffice-calc-nogui.

    .venv/bin/python scripts/empfang_bilder.py
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
from ozgdesk.model.values import Quartal  # noqa: E402
from tests import empfang_pakete as ep  # noqa: E402

ZIEL = ROOT / "docs" / "berichte"


def _png(pdf: Path, ziel: Path, seite: int = 1) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(seite), "-l", str(seite), "-singlefile", str(pdf),
                    str(ziel.with_suffix(""))], check=True)


def main() -> int:
    q = Quartal(2026, 3)
    with tempfile.TemporaryDirectory() as tmp:
        ablage = Path(tmp) / "ablage"
        for i, r in enumerate(ep.RESSORTS[:-1]):  # the last one (BKAmt) sends nothing
            for quartal in ep.quartale(2):
                for fassung in (1, 2):
                    ep.paket_schreiben(ablage, ep.bericht(r, quartal, fassung, 60, ep.erstellt(quartal, i, fassung)))
        kaputt = ep.paket_schreiben(ablage, ep.bericht("BMI", q, 3, 5, ep.erstellt(q, 9, 3)))
        (kaputt / "Quartalsbericht_BMI_2026-Q3_v3.xlsx").write_bytes(b"\x00")
        db = ["--db", f"sqlite:///{Path(tmp) / 'empfang.sqlite'}"]
        assert cli(["empfang", "einstellen", *db, "--ressorts", ",".join(ep.RESSORTS)]) == 0
        cli(["empfang", "einlesen", str(ablage), *db])  # 1: the changed package is rejected, as intended
        out = Path(tmp) / "out"
        assert cli(["empfang", "uebersicht", "--quartal", str(q), "--out", str(out), "--stand", "07.12.2026", *db]) == 0
        _png(out / f"Programmuebersicht_{q}.pdf", ZIEL / "programmuebersicht.png")
        if shutil.which("libreoffice"):
            subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"),
                            str(out / f"Programmuebersicht_{q}.xlsx")], check=True, capture_output=True)
            _png(next((out / "lo").glob("*.pdf")), ZIEL / "programmuebersicht-xlsx.png", seite=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
