"""Shared helpers for the document tests (no fixtures in conftest: that file belongs to everyone).

Also holds the tests of the helpers' subject itself: the layering rule for ozgdesk.reports.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from ozgdesk.model import Behoerde, Bewilligung, Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.reports.snapshot import Bestand, bestand_laden

VS = "VS-NUR FÜR DEN DIENSTGEBRAUCH"


def bestand(store) -> Bestand:  # noqa: ANN001
    return bestand_laden(store, STICHTAG)


def pdf_text(daten: bytes) -> list[str]:
    return [seite.extract_text() or "" for seite in PdfReader(io.BytesIO(daten)).pages]


def mappe(daten: bytes):  # noqa: ANN201
    return load_workbook(io.BytesIO(daten))


def xlsx_texte(daten: bytes) -> str:
    """Every cell value of every sheet, one per line (for searching)."""
    wb = mappe(daten)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def demo_fehler_beheben(store) -> None:  # noqa: ANN001
    """Fix the inconsistencies the demo store contains on purpose, so a final report is possible."""
    with store.session(benutzer="Test") as s:
        s.execute(select(Behoerde).where(Behoerde.kurzname == "UVB")).scalar_one().erstattungsanspruch = True
        for kennung in ("BMAS-2024-04", "BMAS-2025-04"):
            p = s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one()
            for b in s.execute(select(Bewilligung).where(Bewilligung.projekt_id == p.id)).scalars():
                b.betrag_cent = b.betrag_cent * 12 // 10
        # every project off its plan in Q3/2026 (in total or on one Haushaltsstelle) gives its reason
        for kennung in ("BMAS-2024-03", "BMAS-2024-05", "BMAS-2025-04", "BMAS-2025-08", "BMAS-2026-01"):
            s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one().ampel_kosten_grund = (
                "Schlussrechnung des Dienstleisters ist erst im Oktober eingegangen.")


def db_abbild(pfad: Path) -> bytes:
    """A dump of the database content, to prove a failed command changed nothing."""
    import sqlite3

    con = sqlite3.connect(pfad)
    try:
        return "\n".join(con.iterdump()).encode()
    finally:
        con.close()


def test_reports_laden_kein_qt():
    code = ("import sys, ozgdesk.reports.einreichung, ozgdesk.reports.online_monitoring, ozgdesk.reports.antrag, "
            "ozgdesk.reports.steckbrief, ozgdesk.reports.meilensteine, ozgdesk.reports.statusermittlung, ozgdesk.cli.berichte; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt geladen'")
    subprocess.run([sys.executable, "-c", code], check=True)
