"""One table as the user sees it – filtered, sorted, visible columns in their order – as XLSX or CSV.

Users come from Excel; „Ansicht exportieren …“ on any table writes what the view shows, not the
database behind it. The GUI hands over the headings, the display kind of each column (the kinds of
:data:`ozgdesk.model.tabellen.ARTEN`) and the rows; this module is Qt-free and does not know where
they come from (a lazy table streams all rows the filter matches from the database, a short list
hands its rows over).

Values: amounts (integer cents), dates, times and numbers stay typed – real numbers and dates in
both formats; every other kind arrives as the text the view shows (``grün``, ``3 – Online-Leistung``).

* **XLSX**: amounts as exact numbers with the German currency format, dates as dates, the same
  ``[$-407]`` formats as the reports (:mod:`ozgdesk.reports.xlsx` explains why the language tag is
  needed), header row bold and frozen, autofilter over the data, widths from the content. Written
  streaming (openpyxl's write-only mode), so a million payment lines do not need a million cell
  objects in memory. Text can never become a formula (:func:`~ozgdesk.reports.xlsx.text_zelle`).
* **CSV** as German Excel opens it by double-click: UTF-8 with BOM (else Excel reads ANSI and
  breaks every umlaut), semicolon, decimal comma, no thousands separator and no „€“ in amounts (so
  every spreadsheet reads them as numbers), dates ``TT.MM.JJJJ``, line ends ``\\r\\n``. A text
  starting with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe, as OWASP advises against
  formula injection: a CSV cannot mark a cell as text otherwise.

**Totals** (decided for issue 16): a table with a totals row in the GUI (the Finanzen page) gets
one in the XLSX, below the data and outside the autofilter range, labelled „Summe“, in bold, as
``=SUBTOTAL(109; …)`` over the data rows – a formula, not a second data row, so sorting or
filtering in Excel never mixes it into the data, and it shows the sum of the rows the filter leaves
visible, as the GUI's totals row does. The CSV carries data rows only: it is the machine-readable
form, and a totals line would be read as one more payment by every program that imports it.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import cent_zu_euro, format_datum, format_euro

# openpyxl and the report module are imported where a workbook is written: the table pages import
# this module, and a page must not pay for them before anyone exports.

#: Display kinds written as typed values; every other kind arrives as display text.
TYPISIERT = frozenset({"euro", "datum", "zeit", "zahl"})
#: Excel's last row (1.048.576) less the header and the totals row.
XLSX_HOECHSTZEILEN = 1_048_576 - 2
ZEIT_FORMAT = "[$-407]DD.MM.YYYY HH:MM"
#: rows looked at for the column widths (the file is written streaming; widths come first)
_BREITENPROBE = 1000
_FORMELZEICHEN = ("=", "+", "-", "@", "\t", "\r")
_BLATTNAME_VERBOTEN = re.compile(r"[\[\]:*?/\\]")
_STEUERZEICHEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # XML cannot hold them; openpyxl refuses them


@dataclass(frozen=True)
class Exportspalte:
    """A column of the export: its heading and its display kind (``euro``, ``datum``, ``text`` …)."""

    titel: str
    art: str = "text"


@dataclass
class Exportauftrag:
    """What the view shows, ready to be written on a worker thread.

    ``zeilen()`` yields the rows in view order, each value already an export value
    (:func:`exportwert`); it may read the database, so it is called on the worker, once."""

    titel: str
    spalten: list[Exportspalte]
    zeilen: Callable[[], Iterable[Sequence[Any]]]
    #: a totals row (XLSX only) summing every amount column, as the view shows one
    summenzeile: bool = False
    #: what the view was filtered and sorted by, in words (file properties of the XLSX)
    beschreibung: str = ""
    #: rows the view reports (None: unknown); checked against Excel's limit before reading them
    anzahl: int | None = None
    #: the rows written, set by :func:`schreiben`
    geschrieben: int = field(default=0, init=False)


def exportwert(wert: Any, art: str, text: Callable[[Any, str], str]) -> Any:
    """The value written for a cell of display kind ``art``: amounts (cents), dates, times and
    numbers as they are; anything else as the view's text (``text(wert, art)``, the GUI's formatter)."""
    if art in TYPISIERT:
        if wert is None or isinstance(wert, bool):
            return None if wert is None else text(wert, art)
        if (art == "euro" and isinstance(wert, int)) or (art == "zahl" and isinstance(wert, (int, Decimal))) \
                or (art == "datum" and isinstance(wert, date)) or (art == "zeit" and isinstance(wert, datetime)):
            return wert
    return text(wert, art)


def _lokal(t: datetime) -> datetime:
    """A stored time (UTC) as the local wall-clock time the view shows; spreadsheets know no zones."""
    return (t.astimezone() if t.tzinfo is not None else t).replace(tzinfo=None)


def format_fuer_pfad(pfad: str | Path) -> str:
    """``xlsx`` or ``csv`` from the file name; anything else is refused in German."""
    endung = Path(pfad).suffix.lower()
    if endung in (".xlsx", ".csv"):
        return endung[1:]
    raise Eingabefehler(f"„{Path(pfad).name}“: Bitte als Excel-Arbeitsmappe (.xlsx) oder als CSV-Datei (.csv) speichern.")


# ------------------------------------------------------------------------------------------------ CSV
def _csv_zelle(wert: Any) -> str:
    if wert is None:
        return ""
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, int):
        return str(wert)
    if isinstance(wert, Decimal):
        return format(wert, "f").replace(".", ",")
    if isinstance(wert, datetime):
        return _lokal(wert).strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, date):
        return format_datum(wert)
    text = str(wert)
    return "'" + text if text.startswith(_FORMELZEICHEN) else text


def _csv_betrag(wert: Any) -> str:
    return format(cent_zu_euro(wert), "f").replace(".", ",") if isinstance(wert, int) else _csv_zelle(wert)


def csv_bytes(spalten: Sequence[Exportspalte], zeilen: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """The CSV file German Excel opens correctly, and how many data rows it holds."""
    puffer = io.StringIO()
    schreiber = csv.writer(puffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    schreiber.writerow([_csv_zelle(s.titel) for s in spalten])
    betraege = [s.art == "euro" for s in spalten]
    n = 0
    for zeile in zeilen:
        schreiber.writerow([_csv_betrag(w) if b else _csv_zelle(w) for w, b in zip(zeile, betraege, strict=True)])
        n += 1
    return ("\ufeff" + puffer.getvalue()).encode("utf-8"), n


# ----------------------------------------------------------------------------------------------- XLSX
def blattname(titel: str) -> str:
    """A sheet name Excel accepts: without ``[]:*?/\\``, at most 31 characters, never empty."""
    name = _BLATTNAME_VERBOTEN.sub(" ", titel).strip().strip("'")[:31].strip()
    return name or "Tabelle"


def _textlaenge(wert: Any, art: str) -> int:
    if wert is None:
        return 0
    if art == "euro" and isinstance(wert, int):
        return len(format_euro(wert))
    if isinstance(wert, datetime):
        return 16
    if isinstance(wert, date):
        return 10
    return max((len(t) for t in str(wert).split("\n")), default=0)


def _breiten(spalten: Sequence[Exportspalte], probe: Sequence[Sequence[Any]]) -> list[float]:
    """Column widths in characters from the heading's longest word and the sampled cells
    (a bold total adds one character to an amount column), between 8 and 60."""
    breiten = []
    for i, s in enumerate(spalten):
        kopf = max((len(w) for w in s.titel.split()), default=0) + 3  # room for the autofilter button
        inhalt = max((_textlaenge(z[i], s.art) for z in probe), default=0) + (2 if s.art == "euro" else 1)
        breiten.append(float(min(60, max(8, kopf, inhalt))))
    return breiten


def _stile() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

    from ozgdesk.reports.xlsx import DATUM_FORMAT, EURO_FORMAT, PT_FORMAT, ZAHL_FORMAT

    oben = Alignment(vertical="top")
    return {
        "kopf": NamedStyle(name="ozgdesk Tabellenkopf", font=Font(bold=True), fill=PatternFill("solid", fgColor="E3E3E3"),
                           alignment=Alignment(wrap_text=True, vertical="top")),
        "text": NamedStyle(name="ozgdesk Text", alignment=oben),
        "euro": NamedStyle(name="ozgdesk Betrag", number_format=EURO_FORMAT, alignment=oben),
        "datum": NamedStyle(name="ozgdesk Datum", number_format=DATUM_FORMAT, alignment=oben),
        "zeit": NamedStyle(name="ozgdesk Zeitpunkt", number_format=ZEIT_FORMAT, alignment=oben),
        "zahl": NamedStyle(name="ozgdesk Zahl", number_format=ZAHL_FORMAT, alignment=oben),
        "dezimal": NamedStyle(name="ozgdesk Dezimalzahl", number_format=PT_FORMAT, alignment=oben),
        "summe": NamedStyle(name="ozgdesk Summe", font=Font(bold=True)),
        "summe euro": NamedStyle(name="ozgdesk Summe Betrag", font=Font(bold=True), number_format=EURO_FORMAT),
    }


class _Zellen:
    """Cells with one of the named styles: each cell gets a copy of its style's array (what
    :class:`ozgdesk.reports.xlsx.Arbeitsmappe` does, for the same reason: per-cell fonts and
    formats made openpyxl look up style objects for every cell)."""

    def __init__(self, wb: Any) -> None:
        from openpyxl.cell import Cell

        from ozgdesk.reports.xlsx import text_zelle

        self._zelle, self._text = Cell, text_zelle
        self.stile: dict[str, Any] = {}
        for schluessel, stil in _stile().items():
            wb.add_named_style(stil)
            self.stile[schluessel] = stil.as_tuple()

    def neu(self, ws: Any, stil: str, wert: Any = None) -> Any:
        zelle = self._zelle(ws, row=1, column=1, style_array=self.stile[stil])  # append() sets its place
        if wert is not None:
            if stil in ("text", "kopf", "summe") and isinstance(wert, str):
                self._text(zelle, wert)
            else:
                zelle.value = wert
        return zelle


def _xlsx_zelle(zellen: _Zellen, ws: Any, wert: Any, art: str) -> Any:
    if wert is None or wert == "":
        return None
    if art == "euro" and isinstance(wert, int) and not isinstance(wert, bool):
        return zellen.neu(ws, "euro", cent_zu_euro(wert))  # exact Decimal, no float on the way
    if isinstance(wert, datetime):
        return zellen.neu(ws, "zeit", _lokal(wert))
    if isinstance(wert, date):
        return zellen.neu(ws, "datum", wert)
    if isinstance(wert, Decimal):
        return zellen.neu(ws, "dezimal", wert)
    if isinstance(wert, int) and not isinstance(wert, bool):
        return zellen.neu(ws, "zahl", wert)
    text = _STEUERZEICHEN.sub("", str(wert))
    # plain text goes in as it is (no cell object: a third of the time for a million rows); only text
    # a spreadsheet would evaluate is written as a string with a quote prefix
    return zellen.neu(ws, "text", text) if text.startswith(_FORMELZEICHEN) else text


def xlsx_bytes(auftrag: Exportauftrag, zeilen: Iterable[Sequence[Any]]) -> tuple[bytes, int]:
    """The workbook (one sheet named after the table) and how many data rows it holds."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    spalten = auftrag.spalten
    wb = Workbook(write_only=True)
    p = wb.properties
    p.title, p.subject, p.creator, p.language = auftrag.titel, auftrag.beschreibung or None, "ozgdesk", "de-DE"
    p.description = auftrag.beschreibung or None
    zellen = _Zellen(wb)
    ws = wb.create_sheet(blattname(auftrag.titel))
    strom: Iterator[Sequence[Any]] = iter(zeilen)
    probe = list(itertools.islice(strom, _BREITENPROBE))
    breiten = _breiten(spalten, probe)
    for i, b in enumerate(breiten, start=1):  # before the first row: write-only mode writes the columns first
        ws.column_dimensions[get_column_letter(i)].width = b
    ws.freeze_panes = "A2"
    ws.append([zellen.neu(ws, "kopf", s.titel) for s in spalten])
    arten = [s.art for s in spalten]
    n = 0
    for zeile in itertools.chain(probe, strom):
        n += 1
        if n > XLSX_HOECHSTZEILEN:
            raise Eingabefehler(_zu_viele(n))
        ws.append([_xlsx_zelle(zellen, ws, w, a) for w, a in zip(zeile, arten, strict=True)])
    letzte = n + 1
    letzte_spalte = get_column_letter(max(len(spalten), 1))
    ws.auto_filter.ref = f"A1:{letzte_spalte}{letzte}"
    if auftrag.summenzeile and any(a == "euro" for a in arten):
        summe: list[Any] = []
        beschriftet = False
        for i, a in enumerate(arten, start=1):
            x = get_column_letter(i)
            if a == "euro":
                summe.append(zellen.neu(ws, "summe euro", f"=SUBTOTAL(109,{x}2:{x}{letzte})" if n else 0))
            elif not beschriftet:
                summe.append(zellen.neu(ws, "summe", "Summe"))
                beschriftet = True
            else:
                summe.append(None)
        ws.append(summe)
    _drucken(ws, sum(breiten))
    puffer = io.BytesIO()
    wb.save(puffer)
    return puffer.getvalue(), n


def _drucken(ws: Any, breite: float) -> None:
    """Printed: A4, one page wide, landscape when the columns do not fit portrait (the reports'
    rule, :data:`ozgdesk.reports.xlsx.BREITE_HOCH`), the header row on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    from ozgdesk.reports.xlsx import BREITE_HOCH

    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "portrait" if breite <= BREITE_HOCH else "landscape"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"


def _zu_viele(n: int) -> str:
    return (f"Die Ansicht hat {format(n, ',').replace(',', '.')} Zeilen; eine Excel-Arbeitsmappe fasst höchstens "
            f"{format(XLSX_HOECHSTZEILEN, ',').replace(',', '.')}. Bitte die Ansicht filtern oder als CSV exportieren.")


def erzeugen(auftrag: Exportauftrag, art: str) -> bytes:
    """The file's bytes (``art``: ``xlsx`` or ``csv``); reads the rows once. On the worker thread."""
    if art == "xlsx" and auftrag.anzahl is not None and auftrag.anzahl > XLSX_HOECHSTZEILEN:
        raise Eingabefehler(_zu_viele(auftrag.anzahl))
    zeilen = auftrag.zeilen()
    daten, n = xlsx_bytes(auftrag, zeilen) if art == "xlsx" else csv_bytes(auftrag.spalten, zeilen)
    auftrag.geschrieben = n
    return daten


def schreiben(auftrag: Exportauftrag, pfad: str | Path) -> int:
    """Write the view to ``pfad`` (format from its ending), atomically; returns the rows written.
    Every failure is an :class:`Eingabefehler` in German naming the file."""
    from ozgdesk.dateien import atomar_schreiben

    art = format_fuer_pfad(pfad)
    atomar_schreiben(Path(pfad), erzeugen(auftrag, art))
    return auftrag.geschrieben
