"""Shared helpers for the document tests (no fixtures in conftest: that file belongs to everyone).

Also holds the tests of the helpers' subject itself: the layering rule for ozgdesk.reports.
"""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
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


def formel_wert(zelle) -> Decimal:  # noqa: ANN001
    """Evaluate a cell the way a spreadsheet would, over the values stored in its workbook: a plain
    value, or one of the formulas ozgdesk writes – a deviation ``=D5-C5``, ``=SUM(C2:C9)`` and
    ``=SUMIFS('Blatt'!$C$2:$C$9,'Blatt'!$B$2:$B$9,$A5,…)`` (criteria compared as text, ignoring case,
    as Excel and LibreOffice compare a criterion without operator)."""
    wert = zelle.value
    if not (isinstance(wert, str) and wert.startswith("=")):
        return Decimal(str(wert or 0))
    ws = zelle.parent
    differenz = re.fullmatch(r"=([A-Z]+\d+)-([A-Z]+\d+)", wert)
    if differenz:
        return formel_wert(ws[differenz.group(1)]) - formel_wert(ws[differenz.group(2)])
    m = re.fullmatch(r"=(SUM|SUMIFS)\((.*)\)", wert)
    assert m, f"unbekannte Formel {wert}"

    def bereich(bezug: str) -> list:
        blatt = ws
        if "!" in bezug:
            name, bezug = bezug.rsplit("!", 1)
            blatt = ws.parent[name.strip("'").replace("''", "'")]
        bezug = bezug.replace("$", "")
        return [c for reihe in blatt[bezug] for c in reihe] if ":" in bezug else [blatt[bezug]]

    teile = m.group(2).split(",")
    if m.group(1) == "SUM":
        return sum((formel_wert(c) for t in teile for c in bereich(t)), Decimal(0))
    summen = bereich(teile[0])
    treffer = [True] * len(summen)
    for spalte, kriterium in zip(teile[1::2], teile[2::2], strict=True):
        soll = bereich(kriterium)[0].value if re.fullmatch(r"\$?[A-Z]+\$?\d+", kriterium) else kriterium
        for i, c in enumerate(bereich(spalte)):
            treffer[i] = treffer[i] and str(c.value).casefold() == str(soll).casefold()
    return sum((formel_wert(c) for c, t in zip(summen, treffer, strict=True) if t), Decimal(0))


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
    """A dump of the database content, to prove a failed command changed nothing (on PostgreSQL,
    where ``OZGDESK_DB`` names the test's database, that database's content)."""
    import os
    import sqlite3

    if os.environ.get("OZGDESK_DB"):
        from tests.datenbanken import datenbankinhalt

        return datenbankinhalt(pfad.parent).encode()
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
