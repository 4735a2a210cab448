"""Workbooks a controller can keep working in.

One sheet per section, frozen header row, autofilter, widths that fit, real dates, amounts as exact
numbers with the German currency format, totals as ``=SUM`` formulas over the data rows (so the
sheet stays right when a controller edits a figure) and user text that can never become a formula:
anything starting with ``=``, ``+``, ``-`` or ``@`` is stored as a string with a quote prefix.
"""

from __future__ import annotations

import io
from copy import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, NamedStyle, PatternFill
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ozgdesk.model.values import cent_zu_euro

EURO_FORMAT = '#,##0.00 "€";-#,##0.00 "€"'
PT_FORMAT = "#,##0.0#"  # person-days are stored with up to two places (0,25 PT)
DATUM_FORMAT = "DD.MM.YYYY"
ZAHL_FORMAT = "0"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMELZEICHEN = ("=", "+", "-", "@")

#: What a cell of these workbooks holds: text (also ``=SUM`` formulas), exact numbers, dates.
Zellwert = str | int | Decimal | date | None


@dataclass(frozen=True)
class Spalte:
    """Column: heading, kind (text, datum, euro, pt, zahl), width in characters, summed or not."""

    titel: str
    art: str = "text"
    breite: int = 14
    summe: bool = False


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


def _stil(name: str, **art: object) -> NamedStyle:
    return NamedStyle(name=f"ozgdesk {name}", **art)  # type: ignore[arg-type]


def _stile() -> dict[str, NamedStyle]:
    """The few cell formats of every workbook, as named styles (Excel: Start → Zellenformatvorlagen).

    A named style is registered once per workbook and each cell only receives a copy of its style
    array; setting font, fill and format per cell made openpyxl hash and look up style objects
    for each of the ~20 000 cells of a Ressort report. Data cells align to the top so that figures
    sit on the first line of a wrapped text next to them.
    """
    oben = Alignment(vertical="top")
    # A named style carries its own font; without one LibreOffice falls back to a serif font.
    normal, fett = copy(DEFAULT_FONT), copy(DEFAULT_FONT)
    fett.b = True
    return {
        "kopf": _stil("Kopfzeile", font=fett, fill=PatternFill("solid", fgColor="E3E3E3"),
                      alignment=Alignment(wrap_text=True, vertical="top")),
        "text": _stil("Text", font=normal, alignment=oben),
        "umbruch": _stil("Text umbrochen", font=normal, alignment=Alignment(wrap_text=True, vertical="top")),
        "euro": _stil("Betrag", font=normal, number_format=EURO_FORMAT, alignment=oben),
        "pt": _stil("Personentage", font=normal, number_format=PT_FORMAT, alignment=oben),
        "datum": _stil("Datum", font=normal, number_format=DATUM_FORMAT, alignment=oben),
        "zahl": _stil("Zahl", font=normal, number_format=ZAHL_FORMAT, alignment=oben),
        "summe": _stil("Summe", font=fett),
        "summe euro": _stil("Summe Betrag", font=fett, number_format=EURO_FORMAT),
        "summe pt": _stil("Summe Personentage", font=fett, number_format=PT_FORMAT),
        "summe zahl": _stil("Summe Zahl", font=fett, number_format=ZAHL_FORMAT),
    }


class Arbeitsmappe:
    """Thin builder over openpyxl; :meth:`bytes` returns the finished file."""

    def __init__(self, titel: str, autor: str, stand: date) -> None:
        self.wb = Workbook()
        for leer in list(self.wb.worksheets):  # the default sheet; every sheet comes from blatt()
            self.wb.remove(leer)
        p = self.wb.properties
        p.title = titel
        p.creator = autor
        p.language = "de-DE"
        p.created = p.modified = datetime.combine(stand, time(12, 0))
        #: sheet name -> (first data row, last data row, total row or None), for tests and readers.
        self.bereiche: dict[str, tuple[int, int, int | None]] = {}
        self._stile = {}
        for schluessel, stil in _stile().items():
            self.wb.add_named_style(stil)
            self._stile[schluessel] = stil.as_tuple()

    def _neu(self, ws: Worksheet, stil: str, wert: Zellwert = None) -> Cell:
        # row and column stay unset until ws.append() places the cell – openpyxl's Cell takes None
        # for both, the stubs declare them required to discourage cells outside a sheet
        zelle = Cell(ws, style_array=self._stile[stil])  # type: ignore[call-arg]
        if wert is not None:
            zelle.value = wert
        return zelle

    def blatt(self, name: str, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]],
              *, summenzeile: bool = True) -> None:
        ws = self.wb.create_sheet(name[:31])
        ws.append([self._neu(ws, "kopf", s.titel) for s in spalten])
        for i, s in enumerate(spalten, start=1):
            # never narrower than the heading: a wrapped heading like "terminger-echt" reads badly
            ws.column_dimensions[get_column_letter(i)].width = max(s.breite, min(len(s.titel) + 3, 40))
        for r, zeile in enumerate(zeilen, start=2):
            zeilen_hoehe = 1
            zellen: list[Cell | None] = []
            for wert, s in zip(zeile, spalten, strict=True):
                zellen.append(self._zelle(ws, wert, s))
                if s.art == "text" and wert:
                    zeilen_hoehe = max(zeilen_hoehe, _zeilen(str(wert), s.breite))
            ws.append(zellen)
            if zeilen_hoehe > 1:  # LibreOffice does not grow wrapped rows by itself on opening
                ws.row_dimensions[r].height = 15 * min(zeilen_hoehe, 12)
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
            summen: list[Cell | None] = [self._neu(ws, "summe", "Summe")]
            for c, s in enumerate(spalten[1:], start=2):
                b = get_column_letter(c)
                summen.append(self._neu(ws, f"summe {s.art if s.art in ('euro', 'pt') else 'zahl'}",
                                        f"=SUM({b}2:{b}{letzte})" if letzte >= 2 else 0) if s.summe else None)
            ws.append(summen)
        self.bereiche[ws.title] = (2, letzte, summe_zeile)

    def _zelle(self, ws: Worksheet, wert: object, s: Spalte) -> Cell | None:
        if wert is None or wert == "":
            return None
        if s.art == "euro":
            if not isinstance(wert, int):  # amounts travel as integer cents (model.values)
                raise TypeError(f"Spalte {s.titel!r}: Cent-Betrag (int) erwartet, nicht {wert!r}")
            return self._neu(ws, "euro", cent_zu_euro(wert))  # exact Decimal, no float on the way
        if s.art == "pt":
            if not isinstance(wert, (Decimal, int)):  # person-days are exact decimals, never floats
                raise TypeError(f"Spalte {s.titel!r}: Personentage (Decimal) erwartet, nicht {wert!r}")
            return self._neu(ws, "pt", Decimal(wert))
        if s.art in ("datum", "zahl"):
            if not isinstance(wert, (date, int, Decimal)):
                raise TypeError(f"Spalte {s.titel!r}: Datum oder Zahl erwartet, nicht {wert!r}")
            return self._neu(ws, s.art, wert)
        text = str(wert)
        zelle = self._neu(ws, "umbruch" if len(text) > s.breite or "\n" in text else "text")
        text_zelle(zelle, text)
        return zelle

    def bytes(self) -> bytes:
        puffer = io.BytesIO()
        self.wb.save(puffer)
        return puffer.getvalue()
