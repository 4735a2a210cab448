"""Workbooks a controller can keep working in, and that say what they are.

One sheet per section, frozen header row, autofilter, widths that fit, real dates, amounts as exact
numbers with the German currency format, totals as ``=SUM`` formulas over the data rows and totals
per Haushaltsstelle as ``=SUMIFS`` over the rows they add up (so the sheet stays right when a
controller edits a figure), and user text that can never become a formula: anything starting with
``=``, ``+``, ``-`` or ``@`` is stored as a string with a quote prefix.

A workbook travels alone – forwarded by mail, printed, filed – so it carries its identity itself:

* the first sheet „Dokument“ names Ressort, Koordinierungsreferat, document, period, Stand,
  version, Schutzvermerk, draft or final and the open findings, as label/value rows a person reads
  and a program finds by label;
* every sheet prints with the same identity in its header and footer (Schutzvermerk, „ENTWURF“,
  Ressort, title, period, Stand, „Seite X von Y“), one page wide, header row repeated.

Number formats carry the language tag ``[$-407]`` (German, Germany) in front. LibreOffice takes
thousands and decimal separators from the format's language, and only this leading tag sets it: a
currency tag alone (``#,##0.00 [$€-407]``) changes just the symbol, and an English LibreOffice
printed 840,000.00 € (LibreOffice 7.4, measured). Excel takes the separators from the Windows
regional settings whatever the format says; the tag keeps € behind the amount and dates as
TT.MM.JJJJ there.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.compat import safe_string
from openpyxl.packaging.core import DocumentProperties
from openpyxl.utils.datetime import to_excel
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.styles import Alignment, NamedStyle, PatternFill
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ozgdesk.model.values import Halbjahr, Quartal, cent_zu_euro, format_datum, format_euro
from ozgdesk.reports.pruefung import Befund
from ozgdesk.reports.snapshot import Bestand, ProjektDaten
from ozgdesk.reports.stellungnahmen import Zaehlung, zaehlen

EURO_FORMAT = '[$-407]#,##0.00 "€";[$-407]-#,##0.00 "€"'
PT_FORMAT = "[$-407]#,##0.0#"  # person-days are stored with up to two places (0,25 PT)
DATUM_FORMAT = "[$-407]DD.MM.YYYY"
ZAHL_FORMAT = "[$-407]0"  # no thousands separator: years and OZG-IDs stay 2026 and 10000
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMELZEICHEN = ("=", "+", "-", "@")

#: Name of the first sheet, the one that says what the workbook is.
DOKUMENTBLATT = "Dokument"
#: Column widths (characters) that A4 prints at 100 % with these margins, portrait and landscape
#: (measured: LibreOffice printed 230 characters of columns at 58.5 %). Wider sheets are scaled down
#: to one page width; the layout keeps every sheet within :data:`BREITE_MAX`, so that nothing prints
#: smaller than about 57 % – 6.3 pt for the 11 pt cells, near the PDF tables' 7.5 pt.
BREITE_HOCH = 90
BREITE_QUER = 134
BREITE_MAX = 235
#: The longest header or footer Excel writes, format codes and „&L“ included; other readers refuse
#: longer ones (ClosedXML: "Headers and Footers cannot be longer than 255 characters").
KOPF_MAX = 255
#: Page margins in inches: room for four header lines and three footer lines around the sheet.
_RAENDER = PageMargins(left=0.6, right=0.6, top=1.2, bottom=1.0, header=0.3, footer=0.3)


@dataclass(frozen=True)
class Formel:
    """A formula the workbook computes itself (totals per Haushaltsstelle), never user text.

    ``{zeile}`` stands for the row the cell ends up in, so a total refers to its own key cell."""

    text: str


#: What a cell of these workbooks holds: text, exact numbers, dates, formulas.
Zellwert = str | int | Decimal | date | Formel | None


@dataclass(frozen=True)
class Spalte:
    """Column: heading, kind (text, datum, euro, pt, zahl), width in characters, summed or not."""

    titel: str
    art: str = "text"
    breite: float = 14
    summe: bool = False


@dataclass(frozen=True)
class Dokumentangaben:
    """What a workbook is: its first sheet and the header and footer of every sheet say it.

    Built by :func:`angaben` from the snapshot, so the values are those of the PDF of the same
    document; the Schutzvermerk comes from the caller (the document's ``kennzeichnung``)."""

    titel: str
    ressort: str
    ressort_kurz: str
    referat: str
    stand: date
    #: reporting period as readers write it („3. Quartal 2026“); "" for documents of a Stichtag
    zeitraum: str = ""
    #: first and last day of the period
    zeitraum_tage: tuple[date, date] | None = None
    kennzeichnung: str = ""
    #: public document (Online-Monitoring): no Schutzvermerk by design, no findings on the final
    oeffentlich: bool = False
    entwurf: bool = False
    #: version of a submission („Version 2 (ersetzt Version 1)“); "" where the document has none
    fassung: str = ""
    #: the project(s) of a project document („BMAS-2024-05: Online-Rentenantrag“)
    projekt: str = ""
    aktenzeichen: str = ""
    #: open findings, counted like everywhere else (:func:`reports.stellungnahmen.zaehlen`)
    befunde: Zaehlung | None = None
    #: the quarter the check measured („3. Quartal 2026“)
    pruefung: str = ""
    #: further label/value rows of this document (e.g. the Zahlungsplan's Fassung)
    weitere: tuple[tuple[str, Zellwert], ...] = ()

    @property
    def status(self) -> str:
        return "ENTWURF – keine Endfassung" if self.entwurf else "Endfassung"


def angaben(b: Bestand, titel: str, *, zeitraum: Quartal | Halbjahr | None = None, kennzeichnung: str = "",
            entwurf: bool = False, befunde: Sequence[Befund] | None = None, pruefung: Quartal | None = None,
            projekte: Sequence[ProjektDaten] | None = None, aktenzeichen: str = "", fassung: str = "",
            oeffentlich: bool = False, weitere: Sequence[tuple[str, Zellwert]] = ()) -> Dokumentangaben:
    """The identity of a document of Ressort ``b``; ``projekte`` None = the whole Ressort.

    ``befunde`` are the findings the caller decided draft or final by (None: not shown)."""
    if projekte is None:
        projekt = ""
    elif len(projekte) == 1:
        projekt = f"{projekte[0].kennung}: {projekte[0].titel}"
    else:
        projekt = f"{len(projekte)} Projekte: " + ", ".join(p.kennung for p in projekte)
    r = b.ressort
    return Dokumentangaben(
        titel=titel, ressort=r.name, ressort_kurz=r.kurzname, referat=r.referat, stand=b.stand,
        zeitraum=zeitraum.lang if zeitraum else "", zeitraum_tage=(zeitraum.beginn, zeitraum.ende) if zeitraum else None,
        kennzeichnung="" if oeffentlich else kennzeichnung, oeffentlich=oeffentlich, entwurf=entwurf, fassung=fassung,
        projekt=projekt, aktenzeichen=aktenzeichen, befunde=None if befunde is None else zaehlen(list(befunde)),
        pruefung=pruefung.lang if pruefung else "", weitere=tuple(weitere))


def befunde_des_dokuments(b: Bestand, befunde: Sequence[Befund] | None, projekte: Sequence[ProjektDaten] | None = None,
                          q: Quartal | None = None) -> list[Befund]:
    """The findings a document counts: those its caller decided draft or final by, else the check of
    ``q`` (default: the last finished quarter, as for every document without a quarter of its own)
    for the document's projects and the Ressort-wide records."""
    if befunde is not None:
        return list(befunde)
    from ozgdesk.reports.pruefung import pruefen

    kennungen = None if projekte is None else {p.kennung for p in projekte}
    return [x for x in pruefen(b, q or b.letztes_quartal)
            if kennungen is None or x.projekt is None or x.projekt in kennungen]


def text_zelle(zelle, wert: str) -> None:  # noqa: ANN001
    """Write user text so that Excel and LibreOffice never evaluate it."""
    wert = _ILLEGAL.sub("", wert)
    zelle.value = wert
    if wert.startswith(_FORMELZEICHEN):
        zelle.data_type = "s"
        zelle.quotePrefix = True


def _zeilen(text: str, breite: float) -> int:
    """Rough number of lines a wrapped text needs in a column ``breite`` characters wide."""
    zeichen = max(1, int(breite) - 2)
    if "\n" not in text:  # most texts: one paragraph
        return max(1, -(-len(text) // zeichen))
    return sum(max(1, -(-len(absatz) // zeichen)) for absatz in text.split("\n"))


def _kopfbreite(titel: str) -> int:
    """Width a heading needs: its longest word and a little room (the bold face is wider).

    Headings wrap between words; only a word broken in the middle („terminger-echt“) reads badly."""
    return min(max((len(w) for w in titel.split()), default=0) + 2, 40)


def _betragsbreite(s: Spalte, i: int, zeilen: Sequence[Sequence[object]]) -> float:
    """Width the largest amount of a euro column needs, its bold total included: a column too
    narrow shows „###“ instead of the figure, in Excel as in LibreOffice."""
    if s.art != "euro":
        return 0
    werte: list[int] = [w for z in zeilen if len(z) > i and isinstance(w := z[i], int)]  # blatt() refuses short rows
    if not werte:
        return 0
    # measured in LibreOffice (Carlito, metric twin of Calibri): „19.253.000,00 €“ (15 characters)
    # needs 14 in regular and 15 in bold; one more for Excel's pixel rounding. The longest text is
    # that of the largest or of the most negative amount (the text grows with the absolute value).
    laengste = max(len(format_euro(max(werte))), len(format_euro(min(werte))))
    return max(laengste, len(format_euro(sum(werte))) + 1) if s.summe else laengste


# ------------------------------------------------------------------------------------ header, footer
_KOPF_STEUER = re.compile(r"[\x00-\x1f\x7f]+")


def _kopftext(text: str) -> str:
    """User text in a header or footer: one line, and every „&“ doubled so that a Ressort named
    „Arbeit&Pflege“ prints as written instead of turning „&P“ into the page number."""
    return _KOPF_STEUER.sub(" ", text).replace("&", "&&")


@dataclass
class _Zeile:
    """One line of a header section: font size, bold, and its pieces (text, is user text).

    User text is escaped when the line is written and may be shortened to fit :data:`KOPF_MAX`."""

    groesse: int
    fett: bool = False
    teile: list[tuple[str, bool]] | None = None

    def code(self) -> str:
        text = "".join(_kopftext(t) if benutzer else t for t, benutzer in self.teile or ())
        if self.fett and text:
            return f"&{self.groesse}&B{text}&B"
        # „&8“ followed by „2026 …“ would be font size 82026: a blank ends the number
        return f"&{self.groesse}" + (" " if text[:1].isdigit() else "") + text


def _benutzer(text: str, hoechstens: int) -> tuple[str, bool]:
    """User text for a header line, cut to ``hoechstens`` characters: the three sections of a
    header do not wrap, so a long left part would print over the centre (A4 portrait holds about
    120 characters of the 8 pt header text)."""
    text = " ".join(text.split())
    return (text if len(text) <= hoechstens else text[:hoechstens - 1].rstrip() + "…"), True


class _Kopfzeile(HeaderFooterItem):
    """A header or footer written as composed here.

    openpyxl escapes a line break as „_x000a_“, which LibreOffice prints literally; Excel and
    LibreOffice both read a plain line break in the XML as a new line. The sections hold finished
    header code (user text already escaped by :func:`_kopftext`)."""

    def __str__(self) -> str:
        return "".join(f"&{k}{teil.text}" for k, teil in zip("LCR", (self.left, self.center, self.right), strict=True)
                       if teil.text)


def _kopfzeile(links: list[_Zeile], mitte: list[_Zeile], rechts: list[_Zeile]) -> _Kopfzeile:
    """Header or footer within :data:`KOPF_MAX`: the longest user texts are shortened with „…“
    (a 300-character project title, a long Ressort name) – the Schutzvermerk, „ENTWURF“ and the
    page numbers never are, unless the marking alone were that long.

    The three sections are laid out independently of each other. All three get the same number of
    lines with the same font sizes, so the centre's lines (Schutzvermerk, „ENTWURF“) stay lines of
    their own however a program aligns the sections vertically (top or bottom)."""
    n = max(len(links), len(mitte), len(rechts))
    abschnitte = [x + [_Zeile(8)] * (n - len(x)) for x in (links, mitte, rechts)]
    for i in range(n):  # the same height for line i in every section
        groesse = max(x[i].groesse for x in abschnitte)
        for x in abschnitte:
            x[i] = _Zeile(groesse, x[i].fett, list(x[i].teile or ()))
    while True:
        code = ["\n".join(z.code() for z in x) if any(z.teile for z in x) else "" for x in abschnitte]
        laenge = sum(2 + len(c) for c in code if c)
        if laenge <= KOPF_MAX:
            break
        kandidaten = [(len(t), a, i, j) for a, x in enumerate(abschnitte) for i, z in enumerate(x)
                      for j, (t, benutzer) in enumerate(z.teile or ()) if benutzer and len(t) > 12]
        if not kandidaten:
            raise ValueError(f"Kopf- oder Fußzeile zu lang ({laenge} Zeichen)")
        _n, a, i, j = max(kandidaten)
        teile = abschnitte[a][i].teile or []
        text = teile[j][0]
        teile[j] = (text[:max(10, len(text) - (laenge - KOPF_MAX) - 1)].rstrip() + "…", True)
    item = _Kopfzeile()
    item.left.text, item.center.text, item.right.text = (c or None for c in code)
    return item


def _kopf_und_fuss(a: Dokumentangaben) -> tuple[_Kopfzeile, _Kopfzeile]:
    """The identity printed on every page, arranged like the PDF's header and footer: the
    Schutzvermerk centred above everything (and „ENTWURF“ below it), then Ressort and Referat on
    the left, Stand, version and Aktenzeichen on the right; in the footer title, period and sheet
    on the left, „Seite X von Y“ on the right and the Schutzvermerk centred at the very bottom."""
    oben: list[_Zeile] = []
    if a.kennzeichnung:
        oben.append(_Zeile(9, True, [_benutzer(a.kennzeichnung, 80)]))
    if a.entwurf:
        oben.append(_Zeile(12, True, [("ENTWURF", False)]))
    links = [_Zeile(8, True, [_benutzer(a.ressort, 80)])]
    if a.referat:
        links.append(_Zeile(8, False, [_benutzer(a.referat, 80)]))
    rechts = [_Zeile(8, False, [("Stand: " + format_datum(a.stand), False)])]
    if a.fassung:
        rechts.append(_Zeile(8, False, [_benutzer(a.fassung, 40)]))
    if a.aktenzeichen:
        rechts.append(_Zeile(8, False, [("Az.: ", False), _benutzer(a.aktenzeichen, 35)]))
    leer = [_Zeile(z.groesse) for z in oben]
    kopf = _kopfzeile(leer + links, oben, leer + rechts)
    titel = " – ".join(x for x in (a.titel, a.zeitraum, a.projekt) if x)
    fuss_links = [_Zeile(8, False, [_benutzer(titel, 95)]), _Zeile(8, False, [("Blatt &A", False)])]
    fuss_rechts = [_Zeile(8, False, [("Seite &P von &N", False)])]
    unten = [_Zeile(9, True, [_benutzer(a.kennzeichnung, 80)])] if a.kennzeichnung else []
    fuss = _kopfzeile(fuss_links + [_Zeile(9)] * len(unten), [_Zeile(8), _Zeile(8)] + unten,
                      fuss_rechts + [_Zeile(8)] + [_Zeile(9)] * len(unten))
    return kopf, fuss


# ------------------------------------------------------------------------------------------- styles
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
    links_oben = Alignment(horizontal="left", vertical="top", wrap_text=True)
    # A named style carries its own font; without one LibreOffice falls back to a serif font.
    normal, fett, titel, vermerk = copy(DEFAULT_FONT), copy(DEFAULT_FONT), copy(DEFAULT_FONT), copy(DEFAULT_FONT)
    fett.b = titel.b = vermerk.b = True
    titel.sz, vermerk.sz = 14, 12
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
        # the sheet „Dokument“: label column, values left-aligned whatever their kind
        "dok titel": _stil("Dokumenttitel", font=titel, alignment=Alignment(vertical="top")),
        "dok vermerk": _stil("Dokumentvermerk", font=vermerk, alignment=Alignment(vertical="top")),
        "angabe": _stil("Angabe", font=fett, alignment=links_oben),
        "wert": _stil("Angabe Text", font=normal, alignment=links_oben),
        "wert datum": _stil("Angabe Datum", font=normal, number_format=DATUM_FORMAT, alignment=links_oben),
        "wert zahl": _stil("Angabe Zahl", font=normal, number_format=ZAHL_FORMAT, alignment=links_oben),
    }


#: Characters lxml refuses in XML text (openpyxl raised "All strings must be XML compatible" for them).
_NICHT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: openpyxl writes at most this many characters per cell (Excel's limit) and cuts the rest.
_ZELLE_MAX = 32_767
_DATUMSARTEN = (date, time, timedelta)  # datetime is a date


def _xml_text(text: str) -> str:
    """``text`` escaped for an XML element, as lxml writes it (a carriage return as a reference,
    so that it survives the line-end normalisation of every XML reader)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


@dataclass
class _Blattinhalt:
    """The rows of a sheet made by :meth:`Arbeitsmappe.blatt`, kept as what to write.

    ``xml`` is the finished ``<sheetData>`` content, which :meth:`Arbeitsmappe.bytes` puts into the
    sheet openpyxl wrote without cells; ``spalten``, ``zeilen``, ``breiten`` and ``summenzeile``
    rebuild the same rows as openpyxl cells when a caller edits the sheet through :attr:`Arbeitsmappe.wb`.
    """

    xml: str
    dimension: str
    spalten: Sequence[Spalte]
    zeilen: Sequence[Sequence[object]]
    breiten: list[float]
    summenzeile: int | None


class Arbeitsmappe:
    """Thin builder over openpyxl; :meth:`bytes` adds the sheet „Dokument“ and returns the file.

    Why the data sheets are not openpyxl cells: openpyxl spends some microseconds per cell on
    building, style lookup and serialising (its write-only mode no less), which made the workbook of
    a 200-project Ressort report cost as much as its PDF (bench/berichte.py). :meth:`blatt` therefore
    writes each sheet's rows as XML text at once – the same elements openpyxl writes (inline strings,
    the style indices of the shared named styles, dates as serial numbers, formulas) – and openpyxl
    writes everything else (styles, widths, print setup, header and footer, defined names), with an
    empty ``<sheetData>`` into which :meth:`bytes` puts the rows. ``tests/test_xlsx_schnell.py``
    compares the result with the workbook built from openpyxl cells. Who edits cells after
    :meth:`blatt` reads :attr:`wb`, which turns the sheets into openpyxl cells first.
    """

    def __init__(self, dokument: Dokumentangaben, autor: str = "") -> None:
        self.dokument = dokument
        self._wb = Workbook()
        for leer in list(self._wb.worksheets):  # the default sheet; every sheet comes from blatt()
            self._wb.remove(leer)
        a = dokument
        p = self._wb.properties
        # the identity also in the file properties, where document management systems look
        p.title = " ".join(x for x in (a.titel, a.ressort_kurz, a.zeitraum or a.projekt.split(":")[0]) if x)
        p.subject = " – ".join(x for x in (a.titel, a.zeitraum, a.projekt) if x)
        p.creator = autor or a.referat or a.ressort
        p.keywords = a.kennzeichnung or None
        p.contentStatus = "Entwurf" if a.entwurf else "Endfassung"
        # the version number itself (a package sets it, e.g. "2"); the sentence is on the sheet „Dokument“
        p.version = p.version or None
        p.language = "de-DE"
        p.created = p.modified = datetime.combine(a.stand, time(12, 0))
        #: sheet name -> (first data row, last data row, total row or None), for tests and readers.
        self.bereiche: dict[str, tuple[int, int, int | None]] = {}
        self._titel: dict[str, list[str]] = {}
        self._stile = {}
        self._stilnamen: dict[str, str] = {}
        self._fertig: bytes | None = None
        #: sheets whose rows are still XML text (see the class docstring), by sheet name
        self._inhalte: dict[str, _Blattinhalt] = {}
        #: (style, quote prefix, type of a date value) -> the ``s="…"`` attribute of a cell, or ""
        self._xf: dict[tuple[str, bool, type | None], str] = {}
        for schluessel, stil in _stile().items():
            self._wb.add_named_style(stil)
            self._stile[schluessel] = stil.as_tuple()
            self._stilnamen[schluessel] = stil.name

    @property
    def wb(self) -> Workbook:
        """The openpyxl workbook with every sheet as cells, for callers that edit cells themselves."""
        for name in list(self._inhalte):
            self._zellen_anlegen(name)
        return self._wb

    @property
    def eigenschaften(self) -> DocumentProperties:
        """The file properties (title, version, …), without turning the sheets into cells."""
        return self._wb.properties

    def _stilname(self, schluessel: str) -> str:
        return self._stilnamen[schluessel]

    def _neu(self, ws: Worksheet, stil: str, wert: str | int | Decimal | date | None = None) -> Cell:
        # row and column stay unset until ws.append() places the cell – openpyxl's Cell takes None
        # for both, the stubs declare them required to discourage cells outside a sheet
        zelle = Cell(ws, style_array=self._stile[stil])  # type: ignore[call-arg]
        if wert is not None:
            zelle.value = wert
        return zelle

    def blatt(self, name: str, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]],
              *, summenzeile: bool = True) -> None:
        ws = self._wb.create_sheet(name[:31])
        breiten = [max(s.breite, _kopfbreite(s.titel), _betragsbreite(s, i, zeilen)) for i, s in enumerate(spalten)]
        for i, b in enumerate(breiten, start=1):
            ws.column_dimensions[get_column_letter(i)].width = b
        letzte = len(zeilen) + 1
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(spalten))}{max(letzte, 1)}"
        summe_zeile = letzte + 1 if summenzeile and any(s.summe for s in spalten) else None
        xml = self._blatt_xml(ws, spalten, zeilen, breiten, summe_zeile)
        ende = summe_zeile or letzte
        self._inhalte[ws.title] = _Blattinhalt(
            xml, f"A1:{get_column_letter(max(len(spalten), 1))}{ende}" if spalten else "A1:A1",
            spalten, zeilen, breiten, summe_zeile)
        self._drucken(ws, sum(breiten), ende, titelzeile=True, spalten=max(len(spalten), 1))
        self.bereiche[ws.title] = (2, letzte, summe_zeile)
        self._titel[ws.title] = [s.titel for s in spalten]

    def _zellangabe(self, wert: object, s: Spalte, zeile: int) -> tuple[str, object, bool] | None:
        """What a data cell holds: (style, value, quote prefix), or None for no cell.

        The one decision for both ways of writing a sheet (XML text and openpyxl cells)."""
        if wert is None or wert == "":
            return None
        if wert.__class__ is str and s.art == "text":  # most cells: plain text (see the end)
            text: str = wert
            if not text.isprintable():  # only then can it hold a control character
                text = _ILLEGAL.sub("", text)
            return ("umbruch" if len(text) > s.breite or "\n" in text else "text"), text, text.startswith(_FORMELZEICHEN)
        if isinstance(wert, Formel):
            return (s.art if s.art in ("euro", "pt", "zahl") else "text"), wert.text.format(zeile=zeile), False
        if s.art == "euro":
            if not isinstance(wert, int):  # amounts travel as integer cents (model.values)
                raise TypeError(f"Spalte {s.titel!r}: Cent-Betrag (int) erwartet, nicht {wert!r}")
            return "euro", cent_zu_euro(wert), False  # exact Decimal, no float on the way
        if s.art == "pt":
            if not isinstance(wert, (Decimal, int)):  # person-days are exact decimals, never floats
                raise TypeError(f"Spalte {s.titel!r}: Personentage (Decimal) erwartet, nicht {wert!r}")
            return "pt", Decimal(wert), False
        if s.art in ("datum", "zahl"):
            if not isinstance(wert, (date, int, Decimal)):
                raise TypeError(f"Spalte {s.titel!r}: Datum oder Zahl erwartet, nicht {wert!r}")
            return s.art, wert, False
        text = _ILLEGAL.sub("", str(wert))  # user text, never a formula (see text_zelle)
        return ("umbruch" if len(text) > s.breite or "\n" in text else "text"), text, text.startswith(_FORMELZEICHEN)

    def _zeilenfolge(self, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]], breiten: list[float],
                     summe_zeile: int | None) -> list[tuple[int, float | None, list[tuple[str, object, bool] | None]]]:
        """Every row of a sheet as (row number, height or None, cells): header, data, total."""
        kopf_hoehe = max(_zeilen(s.titel, b) for s, b in zip(spalten, breiten, strict=True)) if spalten else 1
        folge: list[tuple[int, float | None, list[tuple[str, object, bool] | None]]] = [
            # wrapped headings: LibreOffice keeps the stored height, one line
            (1, 15 * kopf_hoehe if kopf_hoehe > 1 else None, [("kopf", s.titel, False) for s in spalten])]
        angabe = self._zellangabe
        spalten_ = [(s, b, s.art == "text") for s, b in zip(spalten, breiten, strict=True)]
        for r, zeile in enumerate(zeilen, start=2):
            zeilen_hoehe = 1
            zellen = []
            for wert, (s, b, text_spalte) in zip(zeile, spalten_, strict=True):
                zellen.append(angabe(wert, s, r))
                if text_spalte and wert:
                    text = str(wert)
                    if len(text) > b - 2 or "\n" in text:  # else one line (see _zeilen)
                        zeilen_hoehe = max(zeilen_hoehe, _zeilen(text, b))
            # LibreOffice does not grow wrapped rows by itself on opening
            folge.append((r, 15 * min(zeilen_hoehe, 12) if zeilen_hoehe > 1 else None, zellen))
        if summe_zeile is not None:
            letzte = summe_zeile - 1
            summen: list[tuple[str, object, bool] | None] = [("summe", "Summe", False)]
            for c, s in enumerate(spalten[1:], start=2):
                x = get_column_letter(c)
                summen.append((f"summe {s.art if s.art in ('euro', 'pt') else 'zahl'}",
                               f"=SUM({x}2:{x}{letzte})" if letzte >= 2 else 0, False) if s.summe else None)
            folge.append((summe_zeile, None, summen))
        return folge

    # ---------------------------------------------------------------------- rows as XML text
    def _stil_attribut(self, ws: Worksheet, stil: str, quote: bool, datumsart: type | None, wert: object) -> str:
        """`` s="7"`` for a cell of this style (as openpyxl numbers it in this workbook), "" if unstyled.

        Asked of a throwaway openpyxl cell, so the index is openpyxl's own: the quote prefix and a
        date value in a column without a date format (openpyxl then sets one) are styles of their own."""
        schluessel = (stil, quote, datumsart)
        attribut = self._xf.get(schluessel)
        if attribut is None:
            zelle = self._neu(ws, stil)
            if datumsart is not None:
                zelle.value = wert  # type: ignore[assignment]  # a date, see _zell_xml
            if quote:
                zelle.quotePrefix = True
            attribut = self._xf[schluessel] = f' s="{zelle.style_id}"' if zelle.has_style else ""
        return attribut

    def _zell_xml(self, ws: Worksheet, angabe: tuple[str, object, bool]) -> str:
        """One ``<c>`` element exactly as openpyxl (with lxml) writes the cell of this value, without
        its opening ``<c r="A1"`` (the same value in the same style repeats: „ja“, „–“, 0, a date)."""
        stil, wert, quote = angabe
        art = type(wert)
        if art is str:
            text: str = wert  # type: ignore[assignment]
            if len(text) > _ZELLE_MAX:
                text = text[:_ZELLE_MAX]
            if _ILLEGAL.search(text):  # openpyxl refuses control characters (user text is cleaned before)
                from openpyxl.utils.exceptions import IllegalCharacterError

                raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
            s = self._stil_attribut(ws, stil, quote, None, None)
            if not quote and len(text) > 1 and text[0] == "=":
                return f'{s}><f>{_xml_text(text[1:])}</f><v></v></c>'
            if not quote and text in ERROR_CODES:
                return f'{s} t="e"><v>{_xml_text(text)}</v></c>'
            if not text:
                return f'{s} t="inlineStr"></c>'
            if _NICHT_XML.search(text):
                raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control "
                                 "characters")
            raum = ' xml:space="preserve"' if text != text.strip() else ""
            return f'{s} t="inlineStr"><is><t{raum}>{_xml_text(text)}</t></is></c>'
        if art is bool:
            return f'{self._stil_attribut(ws, stil, quote, None, None)} t="b"><v>{safe_string(wert)}</v></c>'
        if isinstance(wert, _DATUMSARTEN):
            if getattr(wert, "tzinfo", None) is not None:
                raise TypeError("Excel does not support timezones in datetimes. The tzinfo in the datetime/time "
                                "object must be set to None.")
            s = self._stil_attribut(ws, stil, quote, art, wert)
            return f'{s} t="n"><v>{safe_string(to_excel(wert, self._wb.epoch))}</v></c>'
        if isinstance(wert, (int, float, Decimal)):
            return f'{self._stil_attribut(ws, stil, quote, None, None)} t="n"><v>{safe_string(wert)}</v></c>'
        raise ValueError(f"Cannot convert {wert!r} to Excel")

    def _blatt_xml(self, ws: Worksheet, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]],
                   breiten: list[float], summe_zeile: int | None) -> str:
        buchstaben = [f'<c r="{get_column_letter(i)}' for i in range(1, len(spalten) + 1)]
        # (style, quote, type, value) -> the cell's XML after its reference; the type keeps 1, 1.0
        # and True apart, which are equal as keys
        fertig: dict[tuple[str, bool, type, object], str] = {}
        teile: list[str] = []

        def zeilen_xml(folge: Sequence[tuple[int, float | None, list[tuple[str, object, bool] | None]]]) -> None:
            for r, hoehe, zellen in folge:
                teile.append(f'<row r="{r}" ht="{safe_string(float(hoehe))}" customHeight="1">' if hoehe is not None
                             else f'<row r="{r}">')
                nr = f'{r}"'
                for anfang, angabe in zip(buchstaben, zellen, strict=True):
                    if angabe is None:
                        continue
                    schluessel = (angabe[0], angabe[2], type(angabe[1]), angabe[1])
                    rest = fertig.get(schluessel)
                    if rest is None:
                        rest = fertig[schluessel] = self._zell_xml(ws, angabe)
                    teile.extend((anfang, nr, rest))
                teile.append("</row>")

        kopf, summe = self._zeilenfolge(spalten, [], breiten, None)[0], None
        if summe_zeile is not None:
            summe = self._zeilenfolge(spalten, [], breiten, summe_zeile)[-1]
        zeilen_xml([kopf])
        self._daten_xml(ws, spalten, zeilen, breiten, buchstaben, fertig, teile)
        if summe is not None:
            zeilen_xml([summe])
        return "".join(teile)

    def _daten_xml(self, ws: Worksheet, spalten: Sequence[Spalte], zeilen: Sequence[Sequence[object]],
                   breiten: list[float], buchstaben: list[str], fertig: dict[tuple[str, bool, type, object], str],
                   teile: list[str]) -> None:
        """The data rows as :meth:`_zeilenfolge` and :meth:`_zell_xml` make them, with the two
        commonest cells – text in a text column, cents in an amount column – decided here directly
        (the same decision as :meth:`_zellangabe`, tests/test_xlsx_schnell.py compares)."""
        angabe_von, zell_xml = self._zellangabe, self._zell_xml
        info = [(s, b, s.art, anfang, s.breite) for s, b, anfang in zip(spalten, breiten, buchstaben, strict=True)]
        anhaengen = teile.append
        for r, zeile in enumerate(zeilen, start=2):
            zeilen_hoehe = 1
            zellen: list[str] = []
            nr = f'{r}"'
            for wert, (s, b, art, anfang, textbreite) in zip(zeile, info, strict=True):
                if wert is None or wert == "":
                    continue
                if art == "text" and wert.__class__ is str:
                    text: str = wert
                    if len(text) > b - 2 or "\n" in text:  # else one line (see _zeilen)
                        zeilen_hoehe = max(zeilen_hoehe, _zeilen(text, b))
                    if not text.isprintable():
                        text = _ILLEGAL.sub("", text)
                    schluessel: tuple[str, bool, type, object] = (
                        "umbruch" if len(text) > textbreite or "\n" in text else "text", text.startswith(_FORMELZEICHEN),
                        str, text)
                    rest = fertig.get(schluessel)
                    if rest is None:
                        rest = fertig[schluessel] = zell_xml(ws, (schluessel[0], text, schluessel[1]))
                elif art == "euro" and wert.__class__ is int:
                    schluessel = ("euro", False, int, wert)  # cents: the Decimal of _zellangabe, once per amount
                    rest = fertig.get(schluessel)
                    if rest is None:
                        rest = fertig[schluessel] = zell_xml(ws, angabe_von(wert, s, r))  # type: ignore[arg-type]
                else:
                    angabe = angabe_von(wert, s, r)
                    if angabe is None:
                        continue
                    if art == "text" and wert:
                        textwert = str(wert)
                        if len(textwert) > b - 2 or "\n" in textwert:
                            zeilen_hoehe = max(zeilen_hoehe, _zeilen(textwert, b))
                    schluessel = (angabe[0], angabe[2], type(angabe[1]), angabe[1])
                    rest = fertig.get(schluessel)
                    if rest is None:
                        rest = fertig[schluessel] = zell_xml(ws, angabe)
                zellen += (anfang, nr, rest)
            # LibreOffice does not grow wrapped rows by itself on opening
            anhaengen(f'<row r="{r}" ht="{safe_string(float(15 * min(zeilen_hoehe, 12)))}" customHeight="1">'
                      if zeilen_hoehe > 1 else f'<row r="{r}">')
            anhaengen("".join(zellen))
            anhaengen("</row>")

    # ---------------------------------------------------------------------- rows as openpyxl cells
    def _zellen_anlegen(self, name: str) -> None:
        """Turn a sheet's rows into openpyxl cells (what :meth:`blatt` wrote before it wrote XML)."""
        inhalt = self._inhalte.pop(name)
        ws = self._wb[name]
        for r, hoehe, angaben in self._zeilenfolge(inhalt.spalten, inhalt.zeilen, inhalt.breiten, inhalt.summenzeile):
            zellen: list[Cell | None] = []
            for angabe in angaben:
                if angabe is None:
                    zellen.append(None)
                    continue
                stil, wert, quote = angabe
                zelle = self._neu(ws, stil)
                zelle.value = wert  # type: ignore[assignment]  # what _zellangabe allows
                if quote:  # user text (cleaned already) that would read as a formula, as text_zelle does
                    zelle.data_type = "s"
                    zelle.quotePrefix = True
                zellen.append(zelle)
            ws.append(zellen)
            if hoehe is not None:
                ws.row_dimensions[r].height = hoehe

    @staticmethod
    def _drucken(ws: Worksheet, breite: float, letzte: int, *, titelzeile: bool, spalten: int) -> None:
        """Printed: A4, one page wide (as many pages tall as needed), landscape when the columns
        do not fit portrait, the heading row on every page, nothing outside the table."""
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait" if breite <= BREITE_HOCH else "landscape"
        if ws.sheet_properties.pageSetUpPr is None:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties()
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.page_margins = copy(_RAENDER)
        if titelzeile:
            ws.print_title_rows = "1:1"
        ws.print_area = f"A1:{get_column_letter(spalten)}{max(letzte, 1)}"

    # ------------------------------------------------------------------------------- formulas
    def bezug(self, blatt: str, spalte: str) -> str:
        """Absolute reference to the data rows of the column headed ``spalte`` on sheet ``blatt``
        (``'Haushaltsstellen'!$C$2:$C$40``); the sheet must exist already."""
        erste, letzte, _summe = self.bereiche[blatt]
        b = get_column_letter(self._titel[blatt].index(spalte) + 1)
        return f"{quote_sheetname(blatt)}!${b}${erste}:${b}${max(letzte, erste)}"

    def summewenns(self, blatt: str, summe: str, bedingungen: Sequence[tuple[str, str]]) -> Formel:
        """``=SUMIFS`` of column ``summe`` of ``blatt`` over the rows whose columns match
        (column heading, criterion as formula text, e.g. ``"$A{zeile}"`` or ``"2026"``)."""
        teile = [self.bezug(blatt, summe)]
        for spalte, kriterium in bedingungen:
            teile += [self.bezug(blatt, spalte), kriterium]
        return Formel(f"=SUMIFS({','.join(teile)})")

    # -------------------------------------------------------------------------- sheet „Dokument“
    def _dokumentblatt(self) -> None:
        """The first sheet: what this workbook is, label beside value, printable on one page.

        Rows 1 to 3 are always there (Schutzvermerk, title, „ENTWURF“ – empty where there is
        none), so the labels start in row 5 in every workbook."""
        a = self.dokument
        ws = self._wb.create_sheet(DOKUMENTBLATT, 0)
        breiten = (28, 60)
        ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = breiten
        for r, (stil, text) in enumerate((("dok vermerk", a.kennzeichnung), ("dok titel", a.titel),
                                          ("dok titel", "ENTWURF" if a.entwurf else "")), start=1):
            if text:
                zelle = ws.cell(r, 1)
                zelle.style = self._stilname(stil)
                text_zelle(zelle, text)
        ws.row_dimensions[2].height = 21
        ws.row_dimensions[3].height = 21
        zeilen: list[tuple[str, Zellwert]] = [("Dokument", a.titel), ("Status", a.status)]
        if a.fassung:
            zeilen.append(("Fassung", a.fassung))
        zeilen.append(("Schutzvermerk", a.kennzeichnung or ("keiner (öffentliches Dokument)" if a.oeffentlich
                                                            else "keiner")))
        zeilen += [("Ressort", a.ressort), ("Kurzname", a.ressort_kurz), ("Koordinierungsreferat", a.referat or "–")]
        if a.zeitraum and a.zeitraum_tage:
            von, bis = a.zeitraum_tage
            zeilen.append(("Zeitraum", f"{a.zeitraum} ({format_datum(von)} bis {format_datum(bis)})"))
        else:
            zeilen.append(("Zeitraum", "– (Stand zum Stichtag)"))
        zeilen.append(("Stand", a.stand))
        if a.projekt:
            zeilen.append(("Projekt", a.projekt))
        if a.aktenzeichen:
            zeilen.append(("Aktenzeichen", a.aktenzeichen))
        zeilen += list(a.weitere)
        if a.befunde is not None and not (a.oeffentlich and not a.entwurf):
            if a.pruefung:
                zeilen.append(("Prüfung für", a.pruefung))
            zeilen += [("Offene Befunde", a.befunde.offen), ("davon Fehler", a.befunde.fehler),
                       ("davon Hinweise", a.befunde.hinweise), ("Befunde mit Stellungnahme", a.befunde.mit_stellungnahme)]
        zeilen.append(("Blätter", ", ".join(ws_.title for ws_ in self._wb.worksheets[1:]) or "–"))
        for r, (angabe, wert) in enumerate(zeilen, start=5):
            links = ws.cell(r, 1)
            links.style = self._stilname("angabe")
            text_zelle(links, angabe)
            rechts = ws.cell(r, 2)
            if isinstance(wert, (int, Decimal)):
                rechts.style, rechts.value = self._stilname("wert zahl"), wert
            elif isinstance(wert, date):
                rechts.style, rechts.value = self._stilname("wert datum"), wert
            else:
                rechts.style = self._stilname("wert")
                text_zelle(rechts, str(wert or ""))
            hoehe = max(_zeilen(str(wert or ""), breiten[1]), _zeilen(angabe, breiten[0]))
            if hoehe > 1:
                ws.row_dimensions[r].height = 15 * min(hoehe, 12)
        self._drucken(ws, sum(breiten), 4 + len(zeilen), titelzeile=False, spalten=max(ws.max_column, 1))

    def _abschliessen(self) -> None:
        """Sheet „Dokument“ first and selected; the identity in every sheet's header and footer."""
        self._dokumentblatt()
        for ws in self._wb.worksheets:
            kopf, fuss = _kopf_und_fuss(self.dokument)
            ws.HeaderFooter.oddHeader, ws.HeaderFooter.oddFooter = kopf, fuss
            ws.sheet_view.tabSelected = ws.title == DOKUMENTBLATT  # two selected tabs = grouped sheets in Excel
        self._wb.active = 0

    def bytes(self) -> bytes:
        if self._fertig is None:
            self._abschliessen()
            self._fertig = _speichern(self._wb, self._inhalte)
        return self._fertig


_LEERE_DATEN = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')


class _Schreiber(ExcelWriter):
    """openpyxl's writer, except that each sheet is written in memory (openpyxl writes and deletes
    a temporary file per sheet, a few milliseconds each on a slow disk) and the rows of a sheet made
    by :meth:`Arbeitsmappe.blatt` go into its empty ``<sheetData>``, with ``<dimension>`` set as
    openpyxl sets it from the cells. The steps are openpyxl's own ``write_worksheet`` (3.1)."""

    def __init__(self, workbook: Workbook, archive: zipfile.ZipFile, inhalte: dict[str, _Blattinhalt]) -> None:
        super().__init__(workbook, archive)
        self._inhalte = inhalte

    def write_worksheet(self, ws: Worksheet) -> None:
        ws._drawing = SpreadsheetDrawing()  # type: ignore[attr-defined]
        ws._drawing.charts = ws._charts  # type: ignore[attr-defined]
        ws._drawing.images = ws._images  # type: ignore[attr-defined]
        puffer = io.BytesIO()
        writer = WorksheetWriter(ws, out=puffer)
        writer.write()
        ws._rels = writer._rels  # type: ignore[attr-defined]
        daten = puffer.getvalue()
        inhalt = self._inhalte.get(ws.title)
        if inhalt is not None:
            daten, n = _LEERE_DATEN.subn(lambda _m: b"<sheetData>" + inhalt.xml.encode("utf-8") + b"</sheetData>",
                                         daten, count=1)
            daten, d = _DIMENSION.subn(f'<dimension ref="{inhalt.dimension}"/>'.encode(), daten, count=1)
            if n != 1 or d != 1:  # an openpyxl that writes sheets differently than this code knows
                raise RuntimeError(f"{ws.path}: leeres sheetData oder dimension nicht gefunden")
        # the data sheets (most of the file) with deflate level 3 instead of zlib's 6: twice as fast,
        # 15 % larger (146 instead of 127 KiB for a 200-project Ressort report)
        self._archive.writestr(ws.path[1:], daten,  # type: ignore[attr-defined]  # openpyxl's, untyped
                               compresslevel=3 if inhalt is not None else None)
        self.manifest.append(ws)


def _speichern(wb: Workbook, inhalte: dict[str, _Blattinhalt]) -> bytes:
    """The workbook as bytes: openpyxl's ``save_workbook`` with :class:`_Schreiber`."""
    puffer = io.BytesIO()
    archiv = zipfile.ZipFile(puffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.now(tz=UTC).replace(tzinfo=None)
    _Schreiber(wb, archiv, inhalte).save()
    return puffer.getvalue()
