"""Open a catalogue export (XLSX or CSV) safely and hand out its raw rows with their position.

The format is decided by the content, not the file name: users rename files, and an "export.xlsx"
that is really a CSV should still work, while a PDF called ".csv" must be refused with a clear
message. Everything that can go wrong with a spreadsheet from outside raises
:class:`Katalogfehler` with the file (and sheet, row, column where known) – never a traceback.

XLSX is read with openpyxl in read-only mode. openpyxl parses through defusedxml when it is
installed (a dependency of ozgdesk), which refuses entity declarations and external entities, so
"billion laughs" and XXE files are rejected; :func:`_pruefe_xml_schutz` makes sure that stays true.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ozgdesk.dateien import eingabedatei_lesen
from ozgdesk.model import ooxml
from ozgdesk.model.errors import Eingabefehler, OzgFehler

#: Excel's own limit for the text of one cell; a longer cell was not written by a spreadsheet.
MAX_ZELLE = 32_767
#: Larger files are not a catalogue export (the real one is about 2 MB as CSV).
MAX_DATEI = 50 * 1024 * 1024
#: Sum of the uncompressed parts of an XLSX we are willing to parse (zip bomb guard).
MAX_ENTPACKT = 400 * 1024 * 1024
MAX_FEHLER = 30

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

csv.field_size_limit(MAX_DATEI)  # we check the length ourselves, with a message naming the cell


class Katalogfehler(OzgFehler):
    """The catalogue file was refused; nothing was changed. ``fehler`` lists every problem found."""

    def __init__(self, datei: str, fehler: list[str]) -> None:
        self.fehler = fehler
        if len(fehler) == 1:
            text = f"Katalogimport abgelehnt, nichts wurde geändert. {fehler[0]}"
        else:
            mehr = f"\n  … und {len(fehler) - MAX_FEHLER} weitere" if len(fehler) > MAX_FEHLER else ""
            liste = "\n".join(f"  {f}" for f in fehler[:MAX_FEHLER])
            text = f"Katalogimport von „{datei}“ abgelehnt, nichts wurde geändert. {len(fehler)} Fehler:\n{liste}{mehr}"
        super().__init__(text)


@dataclass
class Rohtabelle:
    """Raw rows of one sheet: ``(row number as the user sees it, values)``."""

    datei: str
    format: str  # "xlsx" or "csv"
    blatt: str | None
    sha256: str
    zeilen: Iterator[tuple[int, Sequence[Any]]]
    _schliessen: list[Any] = field(default_factory=list)
    _formelsuche: Callable[[], bool] | None = None
    _hat_formeln: bool | None = None

    def ist_formel(self, wert: Any) -> bool:
        """Whether a value read as ``=…`` is a formula (XLSX only).

        Values-only reading returns a formula as its text "=…", like a text that really starts with
        "=". On the first such value the sheet XML is searched once for formula elements; if the
        sheet has any, every "=…" value counts as a formula and the file is refused.
        """
        if self._formelsuche is None or wert.__class__ is not str or wert[:1] != "=":
            return False
        if self._hat_formeln is None:
            self._hat_formeln = self._formelsuche()
        return self._hat_formeln

    def ort(self, zeile: int | None = None, spalte: int | None = None, name: str | None = None) -> str:
        """Where something is, in the user's words: „Datei „x.xlsx“, Blatt „A“, Zeile 5, Spalte D (OZG-ID)“."""
        teile = [f"Datei „{self.datei}“"]
        if self.blatt:
            teile.append(f"Blatt „{self.blatt}“")
        if zeile is not None:
            teile.append(f"Zeile {zeile}")
        if spalte is not None:
            buchstabe = _spaltenbuchstabe(spalte) if self.format == "xlsx" else str(spalte + 1)
            teile.append(f"Spalte {buchstabe}" + (f" ({name})" if name else ""))
        return ", ".join(teile)

    def schliessen(self) -> None:
        for obj in self._schliessen:
            obj.close()


def _spaltenbuchstabe(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@contextmanager
def ohne_zyklensammler() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one import.

    Reading a full export creates some hundred thousand short-lived objects (openpyxl's cells, our
    rows); each generation-0 collection then walks all of them. None of them form reference
    cycles, so pausing the collector for the duration loses nothing and saves about a tenth of the
    import time (bench/katalog.py). It is restored even on errors, and nested use is harmless.
    """
    war_an = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if war_an:
            gc.enable()


def oeffnen(pfad: str | Path) -> Rohtabelle:
    """Open ``pfad`` as XLSX or CSV by its content. Raises :class:`Katalogfehler`."""
    pfad = Path(pfad)
    name = pfad.name
    try:  # regular files only, size checked before reading: /dev/zero or a FIFO would never end
        daten = eingabedatei_lesen(pfad, hoechstens=MAX_DATEI, art="ein Katalogexport (XLSX oder CSV)")
    except Eingabefehler as e:
        raise Katalogfehler(name, [str(e)]) from None
    sha = hashlib.sha256(daten).hexdigest()
    if not daten.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise Katalogfehler(name, [f"Datei „{name}“ ist leer."])
    if daten.startswith(_OLE):
        if "EncryptionInfo".encode("utf-16-le") in daten:
            grund = ("ist kennwortgeschützt (verschlüsselt). Bitte in Excel den Kennwortschutz entfernen "
                     "(Datei → Informationen → Arbeitsmappe schützen) und erneut speichern.")
        else:
            grund = "ist im alten Excel-Format (.xls). Bitte in Excel als „Excel-Arbeitsmappe (.xlsx)“ speichern."
        raise Katalogfehler(name, [f"Datei „{name}“ {grund}"])
    if daten.startswith((_ZIP, b"PK\x05\x06")):
        return _xlsx(pfad, name, daten, sha)
    return _csv(name, daten, sha)


# ------------------------------------------------------------------------------------------------ XLSX
def _xlsx(pfad: Path, name: str, daten: bytes, sha: str) -> Rohtabelle:
    from ozgdesk.model.katalogimport import blattleser

    _pruefe_xml_schutz()
    try:
        with zipfile.ZipFile(io.BytesIO(daten)) as zf:
            namen = set(zf.namelist())
            entpackt = sum(i.file_size for i in zf.infolist())
            dtd = ooxml.dtd_teil(zf) if entpackt <= MAX_ENTPACKT else None
    except ooxml.ZIP_FEHLER:
        raise Katalogfehler(name, [f"Datei „{name}“ ist beschädigt oder unvollständig (kein lesbares ZIP/XLSX). "
                                   "Bitte die Datei erneut herunterladen."]) from None
    if "xl/workbook.xml" not in namen:
        raise Katalogfehler(name, [f"Datei „{name}“ ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (XLSX)."])
    if entpackt > MAX_ENTPACKT:
        raise Katalogfehler(name, [f"Datei „{name}“ würde entpackt {entpackt // (1024 * 1024)} MB belegen; "
                                   "das ist kein Katalogexport (möglicherweise eine ZIP-Bombe)."])
    if dtd is not None:
        raise Katalogfehler(name, [_xml_angriff(name)])
    try:
        # load_workbook(read_only=True), the shared strings read fast where they are plain
        wb = blattleser.arbeitsmappe_laden(io.BytesIO(daten))
    except Exception as e:  # openpyxl raises many types for damaged parts, and wraps defusedxml's
        if _ist_xml_angriff(e):
            raise Katalogfehler(name, [_xml_angriff(name)]) from None
        raise Katalogfehler(name, [f"Datei „{name}“ ist keine lesbare Excel-Arbeitsmappe ({_kurz(e)})."]) from None
    try:
        blaetter = list(wb.worksheets)
    except Exception as e:
        wb.close()
        raise Katalogfehler(name, [f"Datei „{name}“ ist keine lesbare Excel-Arbeitsmappe ({_kurz(e)})."]) from None
    if not blaetter:
        wb.close()
        raise Katalogfehler(name, [f"Datei „{name}“ enthält kein Tabellenblatt."])
    ws = blaetter[0]
    if len(blaetter) > 1:
        ws = _blatt_mit_kopf(blaetter) or ws
    tabelle = Rohtabelle(datei=name, format="xlsx", blatt=ws.title, sha256=sha, zeilen=iter(()), _schliessen=[wb])
    tabelle.zeilen = _xlsx_zeilen(ws, tabelle)
    tabelle._formelsuche = lambda: _hat_formeln(ws, daten)
    return tabelle


def _blatt_mit_kopf(blaetter: list[Any]) -> Any:
    """The first sheet whose first rows contain the header „OZG-ID“ (exports may add an info sheet)."""
    for ws in blaetter:
        try:
            for zeile in ws.iter_rows(max_row=20, values_only=True):
                if any(isinstance(w, str) and w.strip().casefold() == "ozg-id" for w in zeile):
                    return ws
        except Exception:
            continue
    return None


_FORMEL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _hat_formeln(ws: Any, daten: bytes) -> bool:
    """Whether the sheet's XML contains any formula element (``<f>``); True when unsure."""
    pfad = getattr(ws, "_worksheet_path", None)
    if not pfad:
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(daten)) as zf:
            return _FORMEL.search(zf.read(pfad)) is not None
    except Exception:
        return True


def _xlsx_zeilen(ws: Any, tabelle: Rohtabelle) -> Iterator[tuple[int, Sequence[Any]]]:
    """Rows as values: read from the sheet's XML where it has the plain shape spreadsheet programs
    write (:mod:`.blattleser`, ten times faster), else by openpyxl's read-only reader (values only).

    With ``data_only=False`` a formula cell comes back as its text ``=…``; :meth:`Rohtabelle.ist_formel`
    tells it apart from a text that really starts with "=".
    """
    from ozgdesk.model.katalogimport import blattleser

    nr = 0
    try:
        schnell = blattleser.zeilen(ws)
        for werte in schnell if schnell is not None else ws.iter_rows(values_only=True):
            nr += 1
            yield nr, werte
    except Katalogfehler:
        raise
    except Exception as e:
        if _ist_xml_angriff(e):
            raise Katalogfehler(tabelle.datei, [_xml_angriff(tabelle.datei)]) from None
        raise Katalogfehler(tabelle.datei, [
            f"{tabelle.ort(nr + 1)}: Das Tabellenblatt ist beschädigt und kann nicht gelesen werden ({_kurz(e)})."
        ]) from None


def _ist_xml_angriff(e: BaseException | None) -> bool:
    """True if defusedxml refused the XML, also when openpyxl re-raised it as a ValueError."""
    from defusedxml import DefusedXmlException

    gesehen = 0
    while e is not None and gesehen < 10:
        if isinstance(e, DefusedXmlException):
            return True
        e = e.__cause__ or e.__context__
        gesehen += 1
    return False


def _xml_angriff(name: str) -> str:
    return (f"Datei „{name}“ enthält XML-Entitätsdefinitionen oder Verweise auf externe Dateien. Aus "
            "Sicherheitsgründen wird sie nicht geöffnet (Schutz vor XML-Angriffen). Bitte die Originaldatei "
            "des Katalogs verwenden.")


def _kurz(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _pruefe_xml_schutz() -> None:
    """Refuse to parse XLSX unless openpyxl really uses defusedxml (it silently falls back otherwise)."""
    import openpyxl
    from openpyxl.xml import functions

    if not openpyxl.DEFUSEDXML or not functions.iterparse.__module__.startswith("defusedxml"):
        raise OzgFehler("Der Schutz vor XML-Angriffen (defusedxml) ist nicht aktiv; XLSX-Dateien werden "
                        "deshalb nicht geöffnet. Bitte ozgdesk neu installieren.")


# ------------------------------------------------------------------------------------------------- CSV
def _csv(name: str, daten: bytes, sha: str) -> Rohtabelle:
    if daten.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in daten[:4096]:
        if daten.startswith((b"\xff\xfe", b"\xfe\xff")) or daten[:4096].count(b"\x00") > len(daten[:4096]) // 4:
            raise Katalogfehler(name, [f"Datei „{name}“ ist in UTF-16 („Unicode-Text“) kodiert. Erwartet wird "
                                       "CSV in UTF-8 oder Windows-1252; bitte in Excel als „CSV UTF-8 "
                                       "(durch Trennzeichen getrennt)“ speichern."])
        raise Katalogfehler(name, [f"Datei „{name}“ ist keine Tabelle (weder XLSX noch CSV, sondern Binärdaten)."])
    if daten.startswith(b"%PDF"):
        raise Katalogfehler(name, [f"Datei „{name}“ ist ein PDF-Dokument, keine Tabelle (XLSX oder CSV)."])
    # the separator that occurs most in the first lines (a title line above the header has none)
    kopf = b"\n".join(daten.split(b"\n", 20)[:20])
    trenner = max((";", ",", "\t"), key=lambda t: kopf.count(t.encode()))
    if trenner.encode() not in kopf:
        raise Katalogfehler(name, [f"Datei „{name}“: keine Spaltentrenner (; oder ,) in den ersten Zeilen – die "
                                   "Datei ist keine CSV-Tabelle des Katalogexports."])
    if daten.startswith(b"\xef\xbb\xbf"):
        kodierung = "utf-8-sig"
    else:
        kodierung = "utf-8"
    try:
        text = daten.decode(kodierung)
    except UnicodeDecodeError:
        kodierung = "cp1252"
        try:
            text = daten.decode(kodierung)
        except UnicodeDecodeError as e:
            zeile = daten.count(b"\n", 0, e.start) + 1
            zeilenanfang = daten.rfind(b"\n", 0, e.start) + 1
            spalte = daten[zeilenanfang:e.start].count(trenner.encode()) + 1
            raise Katalogfehler(name, [
                f"Datei „{name}“, Zeile {zeile}, Spalte {spalte}: Das Byte 0x{daten[e.start]:02X} ist weder UTF-8 "
                "noch Windows-1252. Die Datei hat eine unerwartete Zeichenkodierung; bitte in Excel als "
                "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."
            ]) from None
    tabelle = Rohtabelle(datei=name, format="csv", blatt=None, sha256=sha, zeilen=iter(()))
    tabelle.zeilen = _csv_zeilen(text, trenner, tabelle)
    return tabelle


def _csv_zeilen(text: str, trenner: str, tabelle: Rohtabelle) -> Iterator[tuple[int, list[Any]]]:
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=trenner, strict=False)
    beginn = 1
    try:
        for werte in leser:
            yield beginn, werte
            beginn = leser.line_num + 1
    except csv.Error as e:
        raise Katalogfehler(tabelle.datei, [f"{tabelle.ort(beginn)}: Die CSV-Zeile ist fehlerhaft ({e})."]) from None
