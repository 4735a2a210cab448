"""The cells of a worksheet read from its XML text, exactly as openpyxl's read-only reader returns them.

Why: openpyxl's read-only reader spends some microseconds per cell in Python (an element per
cell and tag, a coordinate parsed, a dictionary built), about half a second for a full catalogue
export of 63,000 cells – as long as the whole import may take (issue 18: the import within 1.2 ×
openpyxl's mere reading, bench/katalog.py). A sheet as spreadsheet programs write it has a rigid
shape, which regular expressions read in C at a tenth of that time.

Only sheets of that shape take this way; anything else goes to openpyxl's reader, whole sheet,
from its first row, so no file is read differently than openpyxl reads it:

* the part is UTF-8 and well-formed (expat, which also refuses any DTD – the importer refused DTDs
  before already, :func:`ozgdesk.model.ooxml.dtd_teil`), at most :data:`MAX_BLATT` bytes, without
  formulas (whose text openpyxl hands out as ``=…``, :meth:`.datei.Rohtabelle.ist_formel`);
* the main namespace is only the root's default namespace, and no element redeclares it;
* between ``<sheetData>`` and ``</sheetData>`` stand only rows and cells of the plain shape
  (``<c r="A1" s="…" t="…">`` with ``<v>…</v>`` or ``<is><t>…</t></is>``), the reference first;
* everything else in the sheet (page setup, views, widths) is handed to openpyxl's own sheet
  parser with the rows left out: what it refuses or finds rows in goes the openpyxl way.

The values are converted by openpyxl's own functions (numbers, dates by the cell's number format,
ISO dates, shared strings, booleans); rows are numbered, padded to the sheet's dimension and cut
at its last row as openpyxl's ``iter_rows(values_only=True)`` does. A conversion that fails (a
shared string that does not exist, a date out of range) also sends the sheet to openpyxl, which
then reports the damage as before. ``tests/test_katalog_blattleser.py`` compares both readers on
real and damaged exports.

:func:`arbeitsmappe_laden` is ``openpyxl.load_workbook(read_only=True)`` whose table of shared
strings (LibreOffice and Excel store every text there) is read the same way, openpyxl's reader
being the fallback.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Sequence
from typing import IO, Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.reader.strings import read_string_table
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number  # type: ignore[attr-defined]
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

#: Larger sheets go to openpyxl's reader, which streams (the importer caps the whole file at 400 MB
#: unpacked; the official export is about 4 MB).
MAX_BLATT = 64 * 1024 * 1024

_HAUPT = SHEET_MAIN_NS.encode()
_FORMEL = re.compile(rb"<f[\s>/]")  # only the main namespace's formulas count (the only default one)
_DEKLARATION = re.compile(rb'<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)["\']')
_WURZEL = re.compile(rb'^(?:\s|<\?[^>]*\?>|<!--.*?-->)*<(?:worksheet|sst)\s+xmlns\s*=\s*"' + re.escape(_HAUPT) + rb'"',
                     re.S)
_DATEN_ANFANG = re.compile(r"<sheetData\s*>")
_DATEN_ENDE = re.compile(r"</sheetData\s*>")
_ATTRIBUTE = r'((?:\s+[^\s=/>"]+\s*=\s*"[^"<&]*")*)'
_ATTRIBUTE_GANZ = re.compile(_ATTRIBUTE + r"\s*")
#: One pass over ``<sheetData>``: a cell (column, row, further attributes, v text, inline string
#: present, its text), a row's start (attributes, "/" if empty), a row's end, or any other tag –
#: which sends the sheet to openpyxl. Text between the tags is ignored, as openpyxl ignores it.
_MARKE = re.compile(
    r'<(?:c\s+r="([A-Z]{1,3})(\d+)"([^>/]*+)(?:/>|>(?:<v>([^<]*+)</v>'
    r'|(<is>)<t(?: xml:space="preserve")?>([^<]*+)</t></is>)?</c>)'
    r'|row([^>/]*+)(/?)>'
    r'|(/row\s*>)'
    r'|([^>]*+>?))')
_ZEILEN_NR = re.compile(r'(?:^|\s)r\s*=\s*"([^"]*)"')
_ATTRIBUT = re.compile(r'\s+([^\s=]+)\s*=\s*"([^"]*)"')
_STI_ZEILE = re.compile(r'\s*<si>\s*<t(?:\s+xml:space="preserve")?>([^<]*)</t>\s*</si>|\s*<si>\s*<t\s*/>\s*</si>()'
                        r'|\s*<si\s*/>()')
_STI_ANFANG = re.compile(r'<sst(?:\s+[^\s=/>"]+\s*=\s*"[^"<]*")*\s*>')
_REFERENZ = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITAETEN = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _Anders(Exception):
    """The sheet is not of the plain shape: openpyxl's reader takes it."""


def _referenz(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _ENTITAETEN[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


def _text(roh: str) -> str:
    """Character data as an XML parser hands it out: line ends normalised, references resolved."""
    if "\r" in roh:
        roh = roh.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in roh:
        roh = _REFERENZ.sub(_referenz, roh)
    return roh


def _als_text(roh: bytes) -> str:
    """The part as text if it is well-formed UTF-8 XML without a DTD, else :class:`_Anders`."""
    kopf = roh[:200]
    deklaration = _DEKLARATION.match(kopf.lstrip(b"\xef\xbb\xbf"))
    if deklaration is not None and deklaration.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _Anders
    parser = expat.ParserCreate(namespace_separator="}")  # as ElementTree: an unbound prefix is an error

    def keine_dtd(*_a: object) -> None:
        raise _Anders

    parser.StartDoctypeDeclHandler = keine_dtd
    parser.EntityDeclHandler = keine_dtd
    try:
        parser.Parse(roh, True)
        return roh.decode("utf-8-sig")
    except (expat.ExpatError, UnicodeDecodeError, ValueError):
        raise _Anders from None


def _namensraum_pruefen(roh: bytes) -> None:
    """The main namespace only as the root's default namespace, and no other default namespace in
    the part (every ``xmlns`` but one is a prefix declaration ``xmlns:``)."""
    if roh.count(_HAUPT) != 1 or roh.count(b"xmlns") - roh.count(b"xmlns:") != 1 or _WURZEL.match(roh) is None:
        raise _Anders


# ------------------------------------------------------------------------------------------- sheets
def zeilen(ws: Any) -> list[Sequence[Any]] | None:
    """The rows of the read-only worksheet ``ws`` as ``ws.iter_rows(values_only=True)`` yields them,
    or None when the sheet is not of the plain shape (then openpyxl's reader must read it)."""
    try:
        archiv: zipfile.ZipFile = ws.parent._archive
        pfad: str = ws._worksheet_path
        if archiv.getinfo(pfad).file_size > MAX_BLATT:
            return None
        roh = archiv.read(pfad)
        if _FORMEL.search(roh):
            return None
        _namensraum_pruefen(roh)
        text = _als_text(roh)
        return _zeilen(ws, roh, text)
    except _Anders:
        return None
    except Exception:  # a value openpyxl converts differently or refuses: it shall decide and report
        return None


def _datenbereich(text: str) -> tuple[int, int]:
    """Start and end of the content of ``<sheetData>`` (equal for an empty or missing one)."""
    n = text.count("<sheetData")
    if n == 0:
        return 0, 0
    a = _DATEN_ANFANG.search(text)
    if n != 1 or a is None:  # two, or <sheetData/> (no rows)
        if n == 1 and text.count("</sheetData") == 0:
            return 0, 0
        raise _Anders
    b = _DATEN_ENDE.search(text, a.end())
    if b is None or text.count("</sheetData") != 1:
        raise _Anders
    return a.end(), b.start()


def _rest_pruefen(ws: Any, roh: bytes, text: str, a: int, b: int) -> None:
    """Hand everything but the rows to openpyxl's sheet parser, as its reader would: what it
    refuses (or where it finds rows outside ``<sheetData>``) is openpyxl's to read."""
    ohne = (text[:a] + text[b:]).encode("utf-8") if b > a else roh
    wb = ws.parent
    parser = WorkSheetParser(io.BytesIO(ohne), [], data_only=wb.data_only, epoch=wb.epoch,
                             date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; nothing to say here
        for _ in parser.parse():
            raise _Anders


def _zeilen(ws: Any, roh: bytes, text: str) -> list[Sequence[Any]]:
    a, b = _datenbereich(text)
    _rest_pruefen(ws, roh, text, a, b)
    wb = ws.parent
    texte: list[str] = ws._shared_strings
    datumsformate, dauerformate, epoche = wb._date_formats, wb._timedelta_formats, wb.epoch
    spalten: dict[str, int] = {}
    arten: dict[str, tuple[int, str]] = {}  # further cell attributes -> (style, type)

    def art(attribute: str) -> tuple[int, str]:
        if _ATTRIBUTE_GANZ.fullmatch(attribute) is None:
            raise _Anders
        paare = _ATTRIBUT.findall(attribute)
        werte = dict(paare)
        if len(werte) != len(paare) or "r" in werte:
            raise _Anders
        s = werte.get("s")
        if s is not None and not (s.isascii() and s.isdigit()):
            raise _Anders
        return int(s) if s else 0, werte.get("t", "n")

    # ---- the rows as openpyxl's parser sees them: (row number, [(column, value), …])
    roh_zeilen: list[tuple[int, list[tuple[int, Any]]]] = []
    zellen: list[tuple[int, Any]] = []
    zaehler = 0
    in_zeile = False
    spalte_von, art_von, anfuegen = spalten.get, arten.get, zellen.append
    for buchstaben, zeile, attribute, v, is_, t, zeilen_attribute, leer, zeilen_ende, fremd in _MARKE.findall(text, a, b):
        if buchstaben:  # a cell
            if not in_zeile or zeile[0] == "0" and not zeile.strip("0"):  # row 0: openpyxl refuses it
                raise _Anders
            spalte = spalte_von(buchstaben)
            if spalte is None:
                spalte = spalten[buchstaben] = column_index_from_string(buchstaben)
            stil_typ = art_von(attribute)
            if stil_typ is None:
                stil_typ = arten[attribute] = art(attribute)
            stil, typ = stil_typ
            wert: Any
            if is_:
                if typ != "inlineStr":
                    raise _Anders  # an inline string openpyxl would not read: its case
                wert = _text(t) if "&" in t or "\r" in t else t
            elif not v:
                wert = None
            elif typ == "inlineStr":
                raise _Anders  # a value beside the inline string: rare, openpyxl's case
            else:
                if "&" in v or "\r" in v:
                    v = _text(v)
                if typ == "s":
                    wert = texte[int(v)]
                elif typ == "n":
                    wert = _cast_number(v)
                    if stil in datumsformate:
                        wert = from_excel(wert, epoche, timedelta=stil in dauerformate)  # out of range: openpyxl
                elif typ == "b":
                    wert = bool(int(v))
                elif typ == "d":
                    wert = from_ISO8601(v)
                else:
                    wert = v
            anfuegen((spalte, wert))
        elif zeilen_ende:
            if not in_zeile:
                raise _Anders
            in_zeile = False
        elif fremd:
            raise _Anders
        else:  # a row starts
            if in_zeile:
                raise _Anders
            r = _ZEILEN_NR.search(zeilen_attribute)
            zaehler = int(r.group(1)) if r is not None else zaehler + 1
            zellen = []
            anfuegen = zellen.append
            roh_zeilen.append((zaehler, zellen))
            in_zeile = not leer
    if in_zeile:
        raise _Anders
    return _wie_iter_rows(ws, roh_zeilen)


def _wie_iter_rows(ws: Any, roh_zeilen: list[tuple[int, list[tuple[int, Any]]]]) -> list[Sequence[Any]]:
    """openpyxl's ``ReadOnlyWorksheet._cells_by_row`` and ``_get_row`` (values only, from column 1)."""
    max_spalte, max_zeile = ws.max_column, ws.max_row
    leer: Sequence[Any] = (None,) * max_spalte if max_spalte is not None else []
    ergebnis: list[Sequence[Any]] = []
    zaehler = 1
    idx = 1
    for idx, zellen in roh_zeilen:
        if max_zeile is not None and idx > max_zeile:
            break
        for _ in range(zaehler, idx):  # rows the file leaves out
            zaehler += 1
            ergebnis.append(leer)
        if zaehler <= idx:
            zaehler += 1
            if not zellen and not max_spalte:
                ergebnis.append(())
                continue
            breite = max_spalte or zellen[-1][0]
            neu: list[Any] = [None] * breite
            for spalte, wert in zellen:
                if 1 <= spalte <= breite:
                    neu[spalte - 1] = wert
            ergebnis.append(tuple(neu))
    if max_zeile is not None and max_zeile < idx:
        for _ in range(zaehler, max_zeile + 1):
            ergebnis.append(leer)
    return ergebnis


# --------------------------------------------------------------------------------- shared strings
def gemeinsame_texte(roh: bytes) -> list[str] | None:
    """The shared strings as openpyxl's ``read_string_table`` reads them, or None when the table
    holds more than plain texts (rich text, phonetic runs …): then openpyxl's reader shall read it."""
    try:
        _namensraum_pruefen(roh)
        text = _als_text(roh)
    except _Anders:
        return None
    anfang = _STI_ANFANG.search(text)
    ende = text.rfind("</sst")
    if anfang is None or ende < anfang.end() or text.count("<sst") != 1:
        return None
    ergebnis: list[str] = []
    pos = anfang.end()
    for m in _STI_ZEILE.finditer(text, pos, ende):
        if m.start() != pos:
            return None
        pos = m.end()
        ergebnis.append(_text(m.group(1)).replace("x005F_", "") if m.group(1) else "")
    if text[pos:ende].strip():
        return None
    return ergebnis


class _Leser(ExcelReader):
    """openpyxl's reader with the shared strings read by :func:`gemeinsame_texte` where it can."""

    def read_strings(self) -> None:
        teil = self.package.find(SHARED_STRINGS)
        if teil is not None and not self.rich_text:
            texte = gemeinsame_texte(self.archive.read(teil.PartName[1:]))
            if texte is not None:
                self.shared_strings = texte
                return
        super().read_strings()


def arbeitsmappe_laden(quelle: IO[bytes]) -> Any:
    """``openpyxl.load_workbook(quelle, read_only=True, data_only=False)``, the shared strings read fast."""
    leser = _Leser(quelle, read_only=True, data_only=False)
    leser.read()
    return leser.wb


__all__ = ["MAX_BLATT", "arbeitsmappe_laden", "gemeinsame_texte", "read_string_table", "zeilen"]
