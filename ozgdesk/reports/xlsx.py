"""Workbooks a controller can keep working in.

One sheet per section, frozen header row, autofilter, widths that fit, real dates, amounts as exact
numbers with the German currency format, totals as ``=SUM`` formulas over the data rows (so the
sheet stays right when a controller edits a figure) and user text that can never become a formula:
anything starting with ``=``, ``+``, ``-`` or ``@`` is stored as a string with a quote prefix.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ozgdesk.model.values import cent_zu_euro

EURO_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
PT_FORMAT = "#,##0.0"
DATUM_FORMAT = "DD.MM.YYYY"
ZAHL_FORMAT = "0"
_KOPF_FUELLUNG = PatternFill("solid", fgColor="E3E3E3")
_FETT = Font(bold=True)
_OBEN = Alignment(vertical="top")
_UMBRUCH = Alignment(wrap_text=True, vertical="top")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMELZEICHEN = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Spalte:
    """Column: heading, kind (text, datum, euro, pt, zahl), width in characters, summed or not."""

    titel: str
    art: str = "text"
    breite: int = 14
    summe: bool = False


class Euro(int):
    """Marks integer cents for a currency cell (written as an exact decimal euro value)."""


def text_zelle(zelle, wert: str) -> None:  # noqa: ANN001
    """Write user text so that Excel and LibreOffice never evaluate it."""
    wert = _ILLEGAL.sub("", wert)
    zelle.value = wert
    if wert.startswith(_FORMELZEICHEN):
        zelle.data_type = "s"
        zelle.quotePrefix = True


def _zeilen(text: str, breite: int) -> int:
    """Rough number of lines a wrapped text needs in a column ``breite`` characters wide."""
    return sum(max(1, -(-len(absatz) // max(1, breite - 2))) for absatz in text.split("\n"))


class Arbeitsmappe:
    """Thin builder over openpyxl; :meth:`bytes` returns the finished file."""

    def __init__(self, titel: str, autor: str, stand: date) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        p = self.wb.properties
        p.title = titel
        p.creator = autor
        p.language = "de-DE"
        p.created = p.modified = datetime.combine(stand, time(12, 0))
        #: sheet name -> (first data row, last data row, total row or None), for tests and readers.
        self.bereiche: dict[str, tuple[int, int, int | None]] = {}

    def blatt(self, name: str, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]],
              *, summenzeile: bool = True) -> None:
        ws = self.wb.create_sheet(name[:31])
        for i, s in enumerate(spalten, start=1):
            z = ws.cell(row=1, column=i, value=s.titel)
            z.font = _FETT
            z.fill = _KOPF_FUELLUNG
            z.alignment = Alignment(wrap_text=True, vertical="top")
            # never narrower than the heading: a wrapped heading like "terminger-echt" reads badly
            ws.column_dimensions[get_column_letter(i)].width = max(s.breite, min(len(s.titel) + 3, 40))
        for r, zeile in enumerate(zeilen, start=2):
            zeilen_hoehe = 1
            zellen = []
            for c, (wert, s) in enumerate(zip(zeile, spalten), start=1):
                zelle = ws.cell(row=r, column=c)
                zellen.append(zelle)
                self._zelle(zelle, wert, s)
                if s.art == "text" and wert:
                    zeilen_hoehe = max(zeilen_hoehe, _zeilen(str(wert), s.breite))
            if zeilen_hoehe > 1:  # LibreOffice does not grow wrapped rows by itself on opening
                ws.row_dimensions[r].height = 15 * min(zeilen_hoehe, 12)
                for zelle in zellen:  # figures next to a wrapped text belong to its first line (ws[r] is O(n))
                    if not zelle.alignment.wrap_text:
                        zelle.alignment = _OBEN
        letzte = len(zeilen) + 1
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"  # printed: header on every page, landscape, all columns on one page width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        if sum(s.breite for s in spalten) <= 200:  # wider sheets would print unreadably small
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
        ws.auto_filter.ref = f"A1:{get_column_letter(len(spalten))}{max(letzte, 1)}"
        summe_zeile = None
        if summenzeile and any(s.summe for s in spalten):
            summe_zeile = letzte + 1
            ws.cell(row=summe_zeile, column=1, value="Summe").font = _FETT
            for c, s in enumerate(spalten, start=1):
                if s.summe:
                    b = get_column_letter(c)
                    z = ws.cell(row=summe_zeile, column=c,
                                value=f"=SUM({b}2:{b}{letzte})" if letzte >= 2 else 0)
                    z.font = _FETT
                    z.number_format = EURO_FORMAT if s.art == "euro" else PT_FORMAT if s.art == "pt" else ZAHL_FORMAT
        self.bereiche[ws.title] = (2, letzte, summe_zeile)

    @staticmethod
    def _zelle(zelle, wert: object, s: Spalte) -> None:  # noqa: ANN001
        if wert is None or wert == "":
            return
        if s.art == "euro":
            zelle.value = cent_zu_euro(int(wert))  # exact Decimal, no float on the way
            zelle.number_format = EURO_FORMAT
        elif s.art == "pt":
            zelle.value = Decimal(wert)
            zelle.number_format = PT_FORMAT
        elif s.art == "datum":
            zelle.value = wert
            zelle.number_format = DATUM_FORMAT
        elif s.art == "zahl":
            zelle.value = wert
            zelle.number_format = ZAHL_FORMAT
        else:
            text_zelle(zelle, str(wert))
            if len(str(wert)) > s.breite or "\n" in str(wert):
                zelle.alignment = _UMBRUCH

    def bytes(self) -> bytes:
        puffer = io.BytesIO()
        self.wb.save(puffer)
        return puffer.getvalue()
