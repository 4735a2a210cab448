"""Payments (Mittelabflüsse) from the budget system's export: read, check, preview, apply.

Ministries book their payments in the HKR system and export them as CSV or XLSX. Typing them again
into ozgdesk is where amounts get distorted, so this module reads such an export directly:

* :func:`lesen` opens the file (size and type checked before reading, CSV or XLSX by content,
  UTF-8 with or without BOM or Windows-1252, ``;``/``,``/tab found from the header row) and finds
  the columns by their header, tolerant of case, blanks, umlauts and the usual synonyms.
* :func:`vorschau` resolves each row against the database (project by Kennung or Aktenzeichen,
  German amounts and dates, Haushaltsstelle, Kostenart) and sorts it into *neu*, *schon vorhanden*
  or *Fehler*; nothing is written.
* :func:`uebernehmen` does the same inside one write transaction and adds the new payments there,
  so the change log records them (``quelle="zahlungsimport"``) and a second import of the same file
  adds nothing.

The whole file is refused when any row is bad: a budget export is one booking list, and importing
it half would leave the project's figures silently short. Every bad row is listed with file, row,
column and value, so the user can fix them all in one go.

A payment counts as *already there* when the same project already has a payment with the same
Belegnummer (compared without surrounding blanks and case); the Belegnummer is the one key the HKR
system itself keeps unique per booking. That is why the Belegnummer is required.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from operator import itemgetter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.dateien import eingabedatei_lesen
from ozgdesk.model import ooxml
from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.katalogimport.datei import ohne_zyklensammler
from ozgdesk.model import hinweise as eingabehinweise
from ozgdesk.model import sammelschreiber
from ozgdesk.model.finanzen import Bewilligung, Mittelabfluss, Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.values import (
    HOECHSTBETRAG_CENT,
    Haushaltsstelle,
    Kostenart,
    euro_zu_cent,
    format_datum,
    format_euro,
    parse_datum,
)
from ozgdesk.model.store import ereignis_vormerken

#: Larger files are not a payment export: a year of a large Ressort's bookings is a few MB as CSV.
MAX_DATEI = 50 * 1024 * 1024
#: Sum of the uncompressed parts of an XLSX we are willing to parse (zip bomb guard).
MAX_ENTPACKT = 400 * 1024 * 1024
#: Bad rows named one by one in a message; the rest are counted.
MAX_FEHLER = 50
#: Rows searched for the header (exports often put a title and the period above it).
KOPF_SUCHE = 20
#: The change log's ``quelle`` for payments written by this import.
QUELLE = "zahlungsimport"

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFERENZ_MAX = 100  # Mittelabfluss.referenz is String(100)
_STEUERZEICHEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

csv.field_size_limit(MAX_DATEI)


class Zahlungsimportfehler(OzgFehler):
    """The export was refused as a whole; nothing was written. ``fehler`` lists every problem."""

    def __init__(self, datei: str, fehler: Sequence[str]) -> None:
        self.datei = datei
        self.fehler = list(fehler)
        if len(self.fehler) == 1:
            text = f"Zahlungsimport von „{datei}“ abgelehnt, nichts wurde gespeichert. {self.fehler[0]}"
        else:
            mehr = (f"\n  … und {len(self.fehler) - MAX_FEHLER} weitere" if len(self.fehler) > MAX_FEHLER else "")
            liste = "\n".join(f"  {f}" for f in self.fehler[:MAX_FEHLER])
            text = (f"Zahlungsimport von „{datei}“ abgelehnt, nichts wurde gespeichert. "
                    f"{len(self.fehler)} Fehler:\n{liste}{mehr}")
        super().__init__(text)


# --------------------------------------------------------------------------------------------- columns
def _norm(text: object) -> str:
    """A header as a key: lower case, umlauts spelt out, € as „eur“, only letters and digits."""
    s = unicodedata.normalize("NFC", str(text or "")).casefold().replace("€", "eur")
    for alt, neu in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(alt, neu)
    return re.sub(r"[^a-z0-9]", "", s)


#: field → (German label, accepted headers in order of preference). The first header found wins.
SPALTEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "datum": ("Datum", ("Zahlungsdatum", "Buchungsdatum", "Datum", "Zahltag")),
    "betrag": ("Betrag", ("Betrag", "Betrag in EUR", "Betrag EUR", "Betrag (EUR)", "Betrag in €", "Ist",
                          "Ist-Betrag", "Zahlbetrag")),
    "haushaltsstelle": ("Haushaltsstelle", ("Haushaltsstelle", "Haushaltstelle", "HHSt", "HH-Stelle")),
    "kapitel": ("Kapitel", ("Kapitel", "Kap")),
    "titel": ("Titel", ("Titel", "Tit")),
    "projekt": ("Projekt", ("Projekt-Kennung", "Projektkennung", "Projekt", "Kennung")),
    "aktenzeichen": ("Aktenzeichen", ("Aktenzeichen", "Az")),
    "referenz": ("Belegnummer", ("Belegnummer", "Beleg-Nr.", "Belegnr", "Beleg", "Referenz")),
    "text": ("Text", ("Buchungstext", "Verwendungszweck", "Text")),
    "kostenart": ("Kostenart", ("Kostenart",)),
}
_KENNT = {_norm(k): feld for feld, (_l, kopf) in SPALTEN.items() for k in kopf}


@dataclass
class Rohdatei:
    """The rows of an export with the position of every column, before any value is interpreted."""

    datei: str
    format: str  # "csv" or "xlsx"
    blatt: str | None
    kodierung: str | None
    trenner: str | None
    kopfzeile: int
    spalten: dict[str, int]  # field → column index
    kopf: list[str]  # the header texts as in the file
    zeilen: list[tuple[int, list[Any]]]  # (row number as the user sees it, values)
    hinweise: list[str] = field(default_factory=list)

    def spaltenname(self, index: int) -> str:
        """„C (Betrag)“ in XLSX, „3 (Betrag)“ in CSV: what the user finds in their program."""
        if self.format == "xlsx":
            from openpyxl.utils import get_column_letter

            nr = get_column_letter(index + 1)
        else:
            nr = str(index + 1)
        name = self.kopf[index] if index < len(self.kopf) else ""
        return f"{nr} ({name})" if name else nr

    def ort(self, zeile: int, feld: str | None = None, index: int | None = None) -> str:
        teile = [f"Datei „{self.datei}“"]
        if self.blatt:
            teile.append(f"Blatt „{self.blatt}“")
        teile.append(f"Zeile {zeile}")
        if index is None and feld is not None:
            index = self.spalten.get(feld)
        if index is not None:
            teile.append(f"Spalte {self.spaltenname(index)}")
        return ", ".join(teile)


# ------------------------------------------------------------------------------------------ the file
def datei_lesen(pfad: Path, *, hoechstens: int = MAX_DATEI) -> bytes:
    """The bytes of an input file, refused before reading unless it is a regular file of sane size.

    The shared check of :func:`ozgdesk.dateien.eingabedatei_lesen`: a FIFO, a device like ``/dev/zero``
    or a folder is refused without reading (a FIFO would block, ``/dev/zero`` never ends), and so is
    a file above ``hoechstens`` bytes (50 MB: far above any year's export) or one growing meanwhile.
    """
    try:
        return eingabedatei_lesen(pfad, hoechstens=hoechstens, art="ein Zahlungsexport (CSV oder XLSX)")
    except Eingabefehler as e:
        raise Zahlungsimportfehler(pfad.name or str(pfad), [str(e)]) from None


def lesen(pfad: str | Path) -> Rohdatei:
    """Open an HKR export by its content (not its name) and find the header. Structural problems
    (not a table, wrong encoding, no header, required columns missing) raise
    :class:`Zahlungsimportfehler`; values are not interpreted yet."""
    pfad = Path(pfad)
    name = pfad.name
    daten = datei_lesen(pfad)
    if not daten.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise Zahlungsimportfehler(name, ["Die Datei ist leer."])
    if daten.startswith(_OLE):
        raise Zahlungsimportfehler(name, ["Die Datei ist im alten Excel-Format (.xls) oder verschlüsselt. Bitte in "
                                          "Excel als „Excel-Arbeitsmappe (.xlsx)“ oder als CSV speichern."])
    if daten.startswith(_ZIP):
        return _xlsx(name, daten)
    return _csv(name, daten)


def _kopf_finden(zeilen: Sequence[tuple[int, Sequence[Any]]]) -> tuple[int, int] | None:
    """(position in ``zeilen``, number of known headers) of the row that names the most columns."""
    bestes: tuple[int, int] | None = None
    for pos, (_nr, werte) in enumerate(zeilen[:KOPF_SUCHE]):
        treffer = len({_KENNT[n] for w in werte if (n := _norm(w)) in _KENNT})
        if treffer >= 2 and (bestes is None or treffer > bestes[1]):
            bestes = (pos, treffer)
    return bestes


def _spalten_zuordnen(name: str, kopf: list[str]) -> tuple[dict[str, int], list[str]]:
    """field → column index, by the order of preference in :data:`SPALTEN`; refuses missing columns."""
    normiert = [_norm(k) for k in kopf]
    spalten: dict[str, int] = {}
    hinweise: list[str] = []
    for feld, (label, synonyme) in SPALTEN.items():
        gefunden = [i for s in synonyme for i, n in enumerate(normiert) if n == _norm(s)]
        if gefunden:
            spalten[feld] = gefunden[0]
            for i in gefunden[1:]:
                if i != gefunden[0]:
                    hinweise.append(f"Spalte „{kopf[i]}“ wird nicht verwendet ({label} steht schon in "
                                    f"„{kopf[gefunden[0]]}“).")
    fehlend = []
    if "datum" not in spalten:
        fehlend.append("Datum (oder Buchungsdatum, Zahlungsdatum)")
    if "betrag" not in spalten:
        fehlend.append("Betrag (oder Betrag in EUR, Ist)")
    if "haushaltsstelle" not in spalten and not ("kapitel" in spalten and "titel" in spalten):
        fehlend.append("Haushaltsstelle (oder HHSt, oder Kapitel und Titel)")
    if "projekt" not in spalten and "aktenzeichen" not in spalten:
        fehlend.append("Projekt-Kennung (oder Projekt, Kennung) oder Aktenzeichen")
    if "referenz" not in spalten:
        fehlend.append("Belegnummer (oder Referenz, Beleg)")
    if fehlend:
        vorhanden = ", ".join(f"„{k}“" for k in kopf if str(k).strip()) or "keine"
        raise Zahlungsimportfehler(name, [f"Es fehlen Spalten: {'; '.join(fehlend)}. Gefundene Spalten: {vorhanden}."])
    return spalten, hinweise


def _ohne_kopf(name: str) -> Zahlungsimportfehler:
    return Zahlungsimportfehler(name, [
        f"In den ersten {KOPF_SUCHE} Zeilen steht keine Kopfzeile mit den erwarteten Spalten (Datum, Betrag, "
        "Haushaltsstelle, Projekt-Kennung oder Aktenzeichen, Belegnummer). Siehe docs/zahlungsimport.md."])


def _roh(name: str, fmt: str, blatt: str | None, kodierung: str | None, trenner: str | None,
         zeilen: list[tuple[int, list[Any]]]) -> Rohdatei:
    kopf_pos = _kopf_finden(zeilen)
    if kopf_pos is None:
        raise _ohne_kopf(name)
    nr, kopf_werte = zeilen[kopf_pos[0]]
    kopf = ["" if w is None else str(w).strip() for w in kopf_werte]
    spalten, hinweise = _spalten_zuordnen(name, kopf)
    return Rohdatei(datei=name, format=fmt, blatt=blatt, kodierung=kodierung, trenner=trenner, kopfzeile=nr,
                    spalten=spalten, kopf=kopf, zeilen=zeilen[kopf_pos[0] + 1:], hinweise=hinweise)


def _csv(name: str, daten: bytes) -> Rohdatei:
    if daten.startswith((b"\xff\xfe", b"\xfe\xff")) or daten[:4096].count(b"\x00") > 0:
        raise Zahlungsimportfehler(name, ["Die Datei ist keine CSV-Tabelle in UTF-8 oder Windows-1252 (sie enthält "
                                          "Nullbytes, z. B. UTF-16 „Unicode-Text“ oder Binärdaten). Bitte als "
                                          "„CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."])
    if daten.startswith(b"%PDF"):
        raise Zahlungsimportfehler(name, ["Die Datei ist ein PDF-Dokument, keine Tabelle (CSV oder XLSX)."])
    if daten.startswith(b"\xef\xbb\xbf"):  # a BOM promises UTF-8: no fallback
        kodierung = "UTF-8 mit BOM"
        try:
            text = daten[3:].decode("utf-8")
        except UnicodeDecodeError as e:
            raise _kodierungsfehler(name, daten, e.start + 3, "UTF-8") from None
    else:
        try:
            kodierung, text = "UTF-8", daten.decode("utf-8")
        except UnicodeDecodeError:
            try:
                kodierung, text = "Windows-1252", daten.decode("cp1252")
            except UnicodeDecodeError as e:
                raise _kodierungsfehler(name, daten, e.start, "weder UTF-8 noch Windows-1252") from None
    # the delimiter is the one under which the header row names the most known columns
    beste: tuple[int, str, list[tuple[int, list[Any]]]] | None = None
    for trenner in (";", ",", "\t"):
        try:
            kopfzeilen = list(_csv_zeilen(name, text, trenner, bis=KOPF_SUCHE))
        except Zahlungsimportfehler:
            continue
        k = _kopf_finden(kopfzeilen)
        if k and (beste is None or k[1] > beste[0]):
            beste = (k[1], trenner, kopfzeilen)
    if beste is None:
        raise _ohne_kopf(name)
    trenner = beste[1]
    return _roh(name, "csv", None, kodierung, trenner, _csv_alle_zeilen(name, text, trenner))


def _kodierungsfehler(name: str, daten: bytes, start: int, erwartet: str) -> Zahlungsimportfehler:
    zeile = daten.count(b"\n", 0, start) + 1
    return Zahlungsimportfehler(name, [
        f"Zeile {zeile}: Das Byte 0x{daten[start]:02X} ist {'kein ' + erwartet if erwartet == 'UTF-8' else erwartet}. "
        "Bitte die Datei als „CSV UTF-8 (durch Trennzeichen getrennt)“ speichern."])


def _csv_alle_zeilen(name: str, text: str, trenner: str) -> list[tuple[int, list[Any]]]:
    """All rows with their line numbers. Without a quote in the file every row is one line, so the
    csv module reads them in one go (what :func:`_csv_zeilen` yields, without a step per row)."""
    if '"' not in text:
        try:
            return list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=trenner, strict=True), start=1))
        except csv.Error:
            pass  # _csv_zeilen names the row
    return list(_csv_zeilen(name, text, trenner))


def _csv_zeilen(name: str, text: str, trenner: str, bis: int | None = None) -> Iterator[tuple[int, list[Any]]]:
    leser = csv.reader(io.StringIO(text, newline=""), delimiter=trenner, strict=True)
    beginn = 1
    try:
        for werte in leser:
            yield beginn, werte
            if bis is not None and leser.line_num >= bis:
                return
            beginn = leser.line_num + 1
    except csv.Error as e:
        raise Zahlungsimportfehler(name, [f"Zeile {beginn}: Die CSV-Zeile ist fehlerhaft ({e})."]) from None


def _xlsx(name: str, daten: bytes) -> Rohdatei:
    import openpyxl
    from openpyxl import load_workbook

    if not openpyxl.DEFUSEDXML:  # openpyxl falls back to the unsafe parser without defusedxml
        raise OzgFehler("Der Schutz vor XML-Angriffen (defusedxml) ist nicht aktiv; XLSX-Dateien werden deshalb "
                        "nicht geöffnet. Bitte ozgdesk neu installieren.")
    try:
        with zipfile.ZipFile(io.BytesIO(daten)) as zf:
            entpackt = sum(i.file_size for i in zf.infolist())
            arbeitsmappe = "xl/workbook.xml" in zf.namelist()
            dtd = ooxml.dtd_teil(zf) if entpackt <= MAX_ENTPACKT else None
    except ooxml.ZIP_FEHLER:
        raise Zahlungsimportfehler(name, ["Die Datei ist beschädigt oder unvollständig (kein lesbares XLSX)."]) from None
    if not arbeitsmappe:
        raise Zahlungsimportfehler(name, ["Die Datei ist ein ZIP-Archiv, aber keine Excel-Arbeitsmappe (XLSX)."])
    if entpackt > MAX_ENTPACKT:
        raise Zahlungsimportfehler(name, [f"Die Datei würde entpackt {entpackt // (1024 * 1024)} MB belegen; das ist "
                                          "kein Zahlungsexport."])
    if dtd is not None:
        raise Zahlungsimportfehler(name, [f"Die Datei enthält XML-Entitätsdefinitionen oder Verweise auf externe "
                                          f"Dateien (Teil „{dtd[:80]}“). Aus Sicherheitsgründen wird sie nicht geöffnet "
                                          "(Schutz vor XML-Angriffen)."])
    try:
        wb = load_workbook(io.BytesIO(daten), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many types for damaged parts (and wraps defusedxml's)
        raise Zahlungsimportfehler(name, [f"Die Datei ist keine lesbare Excel-Arbeitsmappe ({_kurz(e)})."]) from None
    try:
        gewaehlt: tuple[Any, list[tuple[int, list[Any]]]] | None = None
        for ws in wb.worksheets:
            zeilen = [(nr, list(w)) for nr, w in enumerate(ws.iter_rows(values_only=True), start=1)]
            if _kopf_finden(zeilen) is not None:
                gewaehlt = (ws, zeilen)
                break
    except Exception as e:
        raise Zahlungsimportfehler(name, [f"Die Arbeitsmappe ist beschädigt und kann nicht gelesen werden "
                                          f"({_kurz(e)})."]) from None
    finally:
        wb.close()
    if gewaehlt is None:
        raise _ohne_kopf(name)
    ws, zeilen = gewaehlt
    return _roh(name, "xlsx", ws.title, None, None, zeilen)


def _kurz(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text if len(text) <= 120 else text[:119] + "…"


# ------------------------------------------------------------------------------------------ the rows
class Zahlung(NamedTuple):
    """One row of the export, read and resolved: what would become a :class:`Mittelabfluss`.

    A named tuple, not a frozen dataclass: as immutable, and built in a third of the time – an
    export has 100,000 of them (bench/zahlungsimport.py)."""

    zeile: int
    projekt_id: str
    projekt: str  # Kennung
    datum: date
    betrag_cent: int
    haushaltsstelle: Haushaltsstelle
    kostenart: Kostenart
    referenz: str
    text: str


@dataclass(frozen=True)
class Zeilenfehler:
    """A bad value: where it is (row, column) and why, as one German sentence in :attr:`meldung`."""

    zeile: int
    spalte: str
    wert: str
    meldung: str


@dataclass
class Vorschau:
    """What an import would do (or did): the rows to add, those already there, the bad rows."""

    datei: str
    format: str
    blatt: str | None
    kodierung: str | None
    trenner: str | None
    spalten: dict[str, str]  # field → header text in the file
    zeilen: int = 0
    neu: list[Zahlung] = field(default_factory=list)
    vorhanden: list[Zahlung] = field(default_factory=list)
    fehler: list[Zeilenfehler] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)
    uebernommen: bool = False

    @property
    def summe_neu_cent(self) -> int:
        return sum(z.betrag_cent for z in self.neu)

    def als_json(self) -> dict[str, Any]:
        def zahlung(z: Zahlung) -> dict[str, Any]:
            return {"zeile": z.zeile, "projekt": z.projekt, "datum": z.datum.isoformat(), "betrag_cent": z.betrag_cent,
                    "haushaltsstelle": str(z.haushaltsstelle), "kostenart": z.kostenart.value,
                    "referenz": z.referenz, "text": z.text}

        return {
            "datei": self.datei, "format": self.format, "blatt": self.blatt, "kodierung": self.kodierung,
            "trenner": self.trenner, "spalten": self.spalten, "zeilen": self.zeilen,
            "added": [zahlung(z) for z in self.neu], "existing": [zahlung(z) for z in self.vorhanden],
            "errors": [{"zeile": f.zeile, "spalte": f.spalte, "wert": f.wert, "meldung": f.meldung}
                       for f in self.fehler],
            "warnings": list(self.hinweise), "summe_neu_cent": self.summe_neu_cent, "applied": self.uebernommen,
        }


def _leer(w: Any) -> bool:
    return w is None or (isinstance(w, str) and not w.strip())


def _text(w: Any) -> str:
    """A cell as text; a whole-number float from Excel (4711.0) as „4711“."""
    if w is None:
        return ""
    if isinstance(w, float) and w.is_integer():
        return str(int(w))
    if isinstance(w, datetime):
        return format_datum(w.date())
    return str(w).strip()


def betrag_lesen(w: Any) -> int:
    """An amount cell as cents. Text is read the German way (:func:`euro_zu_cent`). A number from
    XLSX is exact if it has at most two decimal places in its shortest form (``repr``); anything
    finer (``0.1 + 0.2``) was computed, not booked, and is refused rather than rounded."""
    if isinstance(w, bool):
        raise Eingabefehler("Betrag: „Wahr/Falsch“ ist kein Betrag.")
    if isinstance(w, int):
        return euro_zu_cent(Decimal(w))
    if isinstance(w, float):
        d = Decimal(repr(w))  # the shortest text that reads back as this float: what Excel shows
        if not d.is_finite():
            raise Eingabefehler(f"Betrag: „{w}“ ist keine Zahl.")
        return euro_zu_cent(d)  # refuses more than two decimal places (0.1 + 0.2) instead of rounding
    if isinstance(w, (date, datetime)):
        raise Eingabefehler("Betrag: Die Zelle enthält ein Datum, keinen Betrag.")
    return euro_zu_cent(str(w))


_TRENNER_HHST = re.compile(r"[\s./\-]")
_NEUN_ZIFFERN = re.compile(r"\d{9}", re.ASCII)


def haushaltsstelle_lesen(w: Any, *, ziffern: int = 9) -> Haushaltsstelle:
    """``0602 532 01`` in any common spelling (``0602/532 01``, ``060253201``). A number cell from
    XLSX has lost its leading zero (602 53201 → 60253201), so it is padded to nine digits."""
    if isinstance(w, float) and w.is_integer():
        w = int(w)
    if isinstance(w, int) and not isinstance(w, bool):
        return Haushaltsstelle.parse(str(w).zfill(ziffern))
    s = str(w).strip()
    kompakt = _TRENNER_HHST.sub("", s)
    if _NEUN_ZIFFERN.fullmatch(kompakt):
        return Haushaltsstelle.parse(kompakt)
    return Haushaltsstelle.parse(s)


def _kapitel_titel(kapitel: Any, titel: Any) -> Haushaltsstelle:
    if isinstance(kapitel, float) and kapitel.is_integer():
        kapitel = int(kapitel)
    if isinstance(titel, float) and titel.is_integer():
        titel = int(titel)
    k = str(kapitel).zfill(4) if isinstance(kapitel, int) else re.sub(r"\s", "", str(kapitel))
    t = str(titel).zfill(5) if isinstance(titel, int) else re.sub(r"[\s./\-]", "", str(titel))
    if not re.fullmatch(r"\d{4}", k, re.ASCII):
        raise Eingabefehler(f"„{_text(kapitel)}“ ist kein Kapitel (erwartet vier Ziffern, z. B. 0602).")
    if not re.fullmatch(r"\d{5}", t, re.ASCII):
        raise Eingabefehler(f"„{_text(titel)}“ ist kein Titel (erwartet Gruppe und Nummer, z. B. 532 01).")
    return Haushaltsstelle.parse(k + t)


def kostenart_lesen(w: Any) -> Kostenart:
    """Code (``software``), full label or its first word („Software“, „Hardware“, „Betrieb“)."""
    s = _text(w)
    for k in Kostenart:
        namen = {k.value, k.label, k.label.split()[0]}
        if s.casefold() in {n.casefold() for n in namen}:
            return k
    erlaubt = ", ".join(k.label for k in Kostenart)
    raise Eingabefehler(f"„{s}“ ist keine Kostenart (erlaubt: {erlaubt}).")


_STRICHE = re.compile(r"[\u2010-\u2015\u2212]")
_LEERRAUM = re.compile(r"\s+")


def _aktenzeichen_norm(s: str) -> str:
    """Aktenzeichen compare without case, blank runs and dash variants (HKR exports write „-“ for „–“)."""
    s = _STRICHE.sub("-", s.casefold())
    return _LEERRAUM.sub(" ", s).strip()


def _referenz_norm(s: str) -> str:
    if s.isalnum():  # letters and digits only (most Belegnummern): no blank to fold
        return s.casefold()
    return _LEERRAUM.sub(" ", s).strip().casefold()


@dataclass
class _Projekte:
    """What the rows are checked against, loaded once per import."""

    nach_kennung: dict[str, Projekt]
    nach_aktenzeichen: dict[str, set[str]]  # normalised Aktenzeichen → project ids
    nach_id: dict[str, Projekt]

    @classmethod
    def laden(cls, s: Session) -> _Projekte:
        projekte = list(s.scalars(select(Projekt)))
        az: dict[str, set[str]] = {}
        for p in projekte:
            if p.aktenzeichen.strip():
                az.setdefault(_aktenzeichen_norm(p.aktenzeichen), set()).add(p.id)
        for pid, zeichen in s.execute(select(Bewilligung.projekt_id, Bewilligung.aktenzeichen)):
            if zeichen and zeichen.strip():
                az.setdefault(_aktenzeichen_norm(zeichen), set()).add(pid)
        return cls({p.kennung.upper(): p for p in projekte}, az, {p.id: p for p in projekte})


def vorschau(s: Session, roh: Rohdatei, *, heute: date | None = None) -> Vorschau:
    """Sort every row of ``roh`` into new / already there / bad, against the database in ``s``.

    Nothing is written. ``heute`` (for tests) decides which dates lie in the future.
    """
    heute = heute or date.today()
    v = Vorschau(datei=roh.datei, format=roh.format, blatt=roh.blatt, kodierung=roh.kodierung, trenner=roh.trenner,
                 spalten={f: roh.kopf[i] for f, i in roh.spalten.items()}, hinweise=list(roh.hinweise))
    projekte = _Projekte.laden(s)
    gelesen: list[Zahlung] = []
    breite = len(roh.kopf)
    leser = _Zeilenleser(roh, projekte)
    i_datum = roh.spalten.get("datum")
    for (nr, werte), glatt in zip(roh.zeilen, leser.glatte_zeilen(roh.zeilen, breite), strict=True):
        if glatt is not None:  # a plain row: filled, dated (no total row), no cell beyond the header
            v.zeilen += 1
            gelesen.append(glatt)
            continue
        if _zeile_leer(werte):
            continue
        datum_zelle = werte[i_datum] if i_datum is not None and i_datum < len(werte) else None
        if _leer(datum_zelle):
            erstes = next((_text(w) for w in werte if not _leer(w)), "")
            if _norm(erstes).startswith(("summe", "gesamt")):
                v.hinweise.append(f"{roh.ort(nr)}: Summenzeile „{erstes}“ übersprungen.")
                continue
        v.zeilen += 1
        ueberzaehlig = [w for w in werte[breite:] if not _leer(w)]
        if ueberzaehlig:
            hinweis = (" Steht ein Betrag mit Komma in einer durch Kommas getrennten Datei, muss er in "
                       "Anführungszeichen stehen." if roh.trenner == "," else "")
            v.fehler.append(Zeilenfehler(nr, "", _text(ueberzaehlig[0]),
                                         f"{roh.ort(nr)}: Die Zeile hat {len([w for w in werte if not _leer(w)])} "
                                         f"Werte, aber nur {breite} Spalten.{hinweis}"))
            continue
        z = leser.zeile(nr, werte, v.fehler)
        if z is not None:
            gelesen.append(z)
    _doppelte_in_datei(roh, gelesen, v)
    _abgleichen(s, roh, gelesen, projekte, v, heute)
    return v


def _zeile_leer(werte: Sequence[Any]) -> bool:
    """Every cell empty (:func:`_leer`); a CSV row (only texts) is checked in one step."""
    try:
        return not "".join(werte).strip()
    except TypeError:  # not only texts (XLSX): cell by cell
        return all(_leer(w) for w in werte)


def _zelle(roh: Rohdatei, werte: list[Any], feld: str) -> Any:
    i = roh.spalten.get(feld)
    return werte[i] if i is not None and i < len(werte) else None


class _Gemerkt:
    """A cell parser that reads each distinct value once: a file of 100,000 payments has a few
    hundred dates and a handful of Haushaltsstellen and Kostenarten. The parsers are pure; a refusal
    is kept as its exception and raised again."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self._werte: dict[tuple[type, Any], Any] = {}

    def __call__(self, w: Any) -> Any:
        schluessel = (w.__class__, w)
        try:
            ergebnis = self._werte[schluessel]
        except KeyError:
            try:
                ergebnis = self.parser(w)
            except Eingabefehler as e:
                ergebnis = e
            except TypeError:  # unhashable never arrives from a file; read it uncached
                return self.parser(w)
            if len(self._werte) < 100_000:
                self._werte[schluessel] = ergebnis
        if isinstance(ergebnis, Eingabefehler):
            raise ergebnis.with_traceback(None)  # the same refusal, without piling up tracebacks
        return ergebnis


#: ``12.500,00``, ``-1.234.567,89``, ``0,50``: the form HKR exports write; read without Decimal
_BETRAG_UEBLICH = re.compile(r"(-?)((?:[1-9]\d{0,2}(?:\.\d{3})*)|0),(\d\d)", re.ASCII)


def _betrag_schnell(w: Any) -> int:
    """:func:`betrag_lesen`, with the usual text form computed directly (the same cents)."""
    if w.__class__ is str and len(w) <= 24:
        m = _BETRAG_UEBLICH.fullmatch(w)
        if m is not None:
            cent = int(m.group(2).replace(".", "")) * 100 + int(m.group(3))
            if cent < HOECHSTBETRAG_CENT:  # else betrag_lesen refuses it as implausible
                return -cent if m.group(1) else cent
    return betrag_lesen(w)


class _Zeilenleser:
    """Reads and resolves the rows of one file (:meth:`zeile`); the column positions and the parsers
    of repeating values are set up once per file instead of once per row."""

    def __init__(self, roh: Rohdatei, projekte: _Projekte) -> None:
        self.roh, self.projekte = roh, projekte
        self.datum = _Gemerkt(parse_datum)
        self.hhst = _Gemerkt(haushaltsstelle_lesen)
        self.kostenart = _Gemerkt(kostenart_lesen)
        #: text -> value of the cells read without complaint so far (the common case, one lookup)
        self._daten: dict[str, date] = {}
        self._stellen: dict[str, Haushaltsstelle] = {}
        sp = roh.spalten
        # the plain case (:meth:`_glatt`): Haushaltsstelle in one column, the project by its Kennung
        # (Datum, Betrag and Belegnummer are required columns, see _spalten_zuordnen)
        self._glatt_moeglich = all(f in sp for f in ("datum", "betrag", "haushaltsstelle", "referenz", "projekt"))
        self._pflicht = tuple(sp.get(f, 0) for f in ("datum", "betrag", "haushaltsstelle", "referenz", "projekt"))
        self._kann = (sp.get("kostenart"), sp.get("text"), sp.get("aktenzeichen"))
        self._breite = 1 + max(i for i in (*self._pflicht, *self._kann) if i is not None)

    def glatte_zeilen(self, zeilen: list[tuple[int, list[Any]]], breite: int) -> list[Zahlung | None]:
        """For each row the payment :meth:`_glatt` reads from it, None where it is not plain – worked
        out a column at a time (each step over all rows in one call of a built-in function), for the
        rows of a CSV file that all have between the needed and ``breite`` cells; anything else row
        by row. Only rows every column step accepts are taken here; each other row goes to
        :meth:`_glatt` itself (another amount notation, a new Kostenart text …)."""
        n = len(zeilen)
        reihen = list(map(itemgetter(1), zeilen))
        if not self._glatt_moeglich or not n or min(map(len, reihen)) < self._breite or max(map(len, reihen)) > breite:
            return [None] * n
        try:
            steuer = list(map(_STEUERZEICHEN.search, map("".join, reihen)))
        except TypeError:  # not only texts (XLSX): row by row
            return [None] * n
        i_datum, i_betrag, i_hhst, i_referenz, i_projekt = self._pflicht
        i_kostenart, i_text, i_az = self._kann

        def spalte(i: int) -> list[str]:
            return list(map(itemgetter(i), reihen))

        def gelesen(texte: list[str], bekannt: dict[str, Any], parser: _Gemerkt) -> list[Any]:
            werte = list(map(bekannt.get, texte))
            for text in {t for t, w in zip(texte, werte, strict=True) if w is None}:
                try:
                    bekannt[text] = parser(text)
                except Eingabefehler:
                    pass
            return list(map(bekannt.get, texte))

        daten = gelesen(spalte(i_datum), self._daten, self.datum)
        stellen = gelesen(spalte(i_hhst), self._stellen, self.hhst)
        betraege = spalte(i_betrag)
        treffer = [_BETRAG_UEBLICH.fullmatch(b) if len(b) <= 24 else None for b in betraege]
        referenzen = list(map(str.strip, spalte(i_referenz)))
        projekte = list(map(self.projekte.nach_kennung.get, map(str.upper, map(str.strip, spalte(i_projekt)))))
        leer = [""] * n
        aktenzeichen = list(map(str.strip, spalte(i_az))) if i_az is not None else leer
        texte = list(map(str.strip, spalte(i_text))) if i_text is not None else leer
        kostenarten: list[Any] = [None] * n
        if i_kostenart is not None:
            bekannt: dict[str, Any] = {"": None}
            kostenarten = gelesen(list(map(str.strip, spalte(i_kostenart))), bekannt, self.kostenart)
            roh_ka = spalte(i_kostenart)
            # a text the parser refused reads as None here, like an empty one: such rows go row by row
            ungelesen = {i for i, (k, r) in enumerate(zip(kostenarten, roh_ka, strict=True)) if k is None and r.strip()}
        else:
            ungelesen = set()
        dienstleistung = Kostenart.DIENSTLEISTUNG
        neu = tuple.__new__
        ergebnis: list[Zahlung | None] = []
        for i, (nr, werte) in enumerate(zeilen):
            p, datum, hhst, m, referenz = projekte[i], daten[i], stellen[i], treffer[i], referenzen[i]
            if steuer[i] is not None or p is None or datum is None or hhst is None or aktenzeichen[i] or not referenz \
                    or len(referenz) > _REFERENZ_MAX or i in ungelesen:
                ergebnis.append(None)  # not plain: the caller reads it the exact way
                continue
            if m is None:  # another notation of the amount: the row on its own
                ergebnis.append(self._glatt(nr, werte))
                continue
            cent = int(betraege[i].replace(".", "").replace(",", ""))  # "-1.234,56" -> -123456 (as _betrag_schnell)
            if cent == 0 or abs(cent) >= HOECHSTBETRAG_CENT:
                ergebnis.append(None)
                continue
            # tuple.__new__: the named tuple without its Python-level constructor (fields in order)
            ergebnis.append(neu(Zahlung, (nr, p.id, p.kennung, datum, cent, hhst, kostenarten[i] or dienstleistung,
                                          referenz, texte[i])))
        return ergebnis

    def zeile(self, nr: int, werte: list[Any], fehler: list[Zeilenfehler]) -> Zahlung | None:
        """One row read and resolved, or None with every bad cell of the row added to ``fehler``."""
        if self._glatt_moeglich:
            z = self._glatt(nr, werte)
            if z is not None:
                return z
        return self._genau(nr, werte, fehler)

    def _glatt(self, nr: int, werte: list[Any]) -> Zahlung | None:
        """The row as :meth:`_genau` reads it, if it is a plain one: every required cell filled and
        readable, no control character in the row, the project named by its Kennung (no
        Aktenzeichen). None otherwise – then :meth:`_genau` reads it and names every problem.

        Most rows of an export are plain; this reads them without the per-cell bookkeeping that
        exact messages need (bench/zahlungsimport.py)."""
        if len(werte) < self._breite:
            return None
        i_datum, i_betrag, i_hhst, i_referenz, i_projekt = self._pflicht
        i_kostenart, i_text, i_az = self._kann
        try:
            if _STEUERZEICHEN.search("".join(werte)):
                return None
        except TypeError:  # not only texts (XLSX): the exact way
            return None
        if i_az is not None and werte[i_az].strip():
            return None
        kennung = werte[i_projekt].strip()
        p = self.projekte.nach_kennung.get(kennung.upper()) if kennung else None
        if p is None:
            return None
        d, b, h = werte[i_datum], werte[i_betrag], werte[i_hhst]
        referenz = werte[i_referenz].strip()
        if not d.strip() or not b.strip() or not h.strip() or not referenz or len(referenz) > _REFERENZ_MAX:
            return None
        try:
            datum = self._daten.get(d)
            if datum is None:
                datum = self._daten[d] = self.datum(d)
            hhst = self._stellen.get(h)
            if hhst is None:
                hhst = self._stellen[h] = self.hhst(h)
            m = _BETRAG_UEBLICH.fullmatch(b) if len(b) <= 24 else None
            if m is not None and (cent := int(m.group(2).replace(".", "")) * 100 + int(m.group(3))) < HOECHSTBETRAG_CENT:
                betrag = -cent if m.group(1) else cent  # as _betrag_schnell
            else:
                betrag = _betrag_schnell(b)
            kostenart = self.kostenart(werte[i_kostenart]) if i_kostenart is not None and werte[i_kostenart].strip() \
                else None
        except Eingabefehler:
            return None
        if betrag == 0:
            return None
        return Zahlung(zeile=nr, projekt_id=p.id, projekt=p.kennung, datum=datum, betrag_cent=betrag,
                       haushaltsstelle=hhst, kostenart=kostenart or Kostenart.DIENSTLEISTUNG, referenz=referenz,
                       text=werte[i_text].strip() if i_text is not None else "")

    def _genau(self, nr: int, werte: list[Any], fehler: list[Zeilenfehler]) -> Zahlung | None:
        """Every cell read on its own, every problem reported with row, column and value."""
        roh = self.roh
        anzahl = len(fehler)
        spalten = roh.spalten
        n = len(werte)

        def zelle(feld: str) -> Any:
            i = spalten.get(feld)
            return werte[i] if i is not None and i < n else None

        def melden(feld: str, wert: Any, text: str) -> None:
            i = spalten.get(feld)
            gezeigt = _text(wert)
            gezeigt = gezeigt if len(gezeigt) <= 60 else gezeigt[:59] + "…"
            wo = f" („{gezeigt}“)" if gezeigt and f"„{gezeigt}“" not in text else ""
            fehler.append(Zeilenfehler(nr, roh.spaltenname(i) if i is not None else "", gezeigt,
                                       f"{roh.ort(nr, feld)}{wo}: {text}"))

        def lesen_mit(feld: str, pflicht: str | None, parser: Any) -> Any:
            w = zelle(feld)
            if _leer(w):
                if pflicht:
                    melden(feld, w, pflicht)
                return None
            if isinstance(w, str) and _STEUERZEICHEN.search(w):
                melden(feld, w, "Der Wert enthält Steuerzeichen.")
                return None
            try:
                return parser(w)
            except Eingabefehler as e:
                melden(feld, w, str(e))
                return None

        datum = lesen_mit("datum", "Datum fehlt.", self.datum)
        betrag = lesen_mit("betrag", "Betrag fehlt.", _betrag_schnell)
        if betrag == 0:
            melden("betrag", zelle("betrag"), "Ein Mittelabfluss von 0,00 € ist keine Zahlung.")
            betrag = None
        if "haushaltsstelle" in spalten and not _leer(zelle("haushaltsstelle")):
            hhst = lesen_mit("haushaltsstelle", None, self.hhst)
        elif "kapitel" in spalten and "titel" in spalten:
            k, t = zelle("kapitel"), zelle("titel")
            if _leer(k) or _leer(t):
                melden("kapitel" if _leer(k) else "titel", None, "Haushaltsstelle fehlt (Kapitel und Titel angeben).")
                hhst = None
            else:
                try:
                    hhst = _kapitel_titel(k, t)
                except Eingabefehler as e:
                    melden("kapitel", f"{_text(k)} {_text(t)}", str(e))
                    hhst = None
        else:
            hhst = None
            melden("haushaltsstelle", None, "Haushaltsstelle fehlt.")
        kostenart = lesen_mit("kostenart", None, self.kostenart) if "kostenart" in spalten else None
        referenz = lesen_mit("referenz", "Belegnummer fehlt (sie erkennt eine schon übernommene Zahlung wieder).",
                             _text)
        if referenz and len(referenz) > _REFERENZ_MAX:
            melden("referenz", referenz, f"Die Belegnummer ist länger als {_REFERENZ_MAX} Zeichen.")
            referenz = None
        text = lesen_mit("text", None, _text) or ""
        projekt = _projekt(roh, nr, zelle, self.projekte, melden)  # None only with a reported error
        if projekt is None or len(fehler) > anzahl:
            return None
        return Zahlung(zeile=nr, projekt_id=projekt.id, projekt=projekt.kennung, datum=datum, betrag_cent=betrag,
                       haushaltsstelle=hhst, kostenart=kostenart or Kostenart.DIENSTLEISTUNG, referenz=referenz,
                       text=text)


def _projekt(roh: Rohdatei, nr: int, zelle: Any, projekte: _Projekte, melden: Any) -> Projekt | None:
    """The project by Kennung, else by the project's or an approval's Aktenzeichen; both must agree."""
    kennung, zeichen = _text(zelle("projekt")), _text(zelle("aktenzeichen"))
    p_kennung = p_zeichen = None
    if kennung:
        p_kennung = projekte.nach_kennung.get(kennung.upper())
        if p_kennung is None:
            melden("projekt", kennung, f"Ein Projekt mit der Kennung „{kennung}“ gibt es nicht.")
            return None
    if zeichen:
        ids = projekte.nach_aktenzeichen.get(_aktenzeichen_norm(zeichen), set())
        if len(ids) > 1:
            namen = ", ".join(sorted(projekte.nach_id[i].kennung for i in ids))
            if p_kennung is None:
                melden("aktenzeichen", zeichen, f"Das Aktenzeichen gehört zu mehreren Projekten ({namen}); bitte die "
                                                "Projekt-Kennung angeben.")
                return None
        elif ids:
            p_zeichen = projekte.nach_id[next(iter(ids))]
        elif p_kennung is None:
            melden("aktenzeichen", zeichen, "Kein Projekt und keine Bewilligung hat dieses Aktenzeichen.")
            return None
        if p_kennung is not None and p_zeichen is not None and p_zeichen.id != p_kennung.id:
            melden("aktenzeichen", zeichen, f"Das Aktenzeichen gehört zu Projekt {p_zeichen.kennung}, die Zeile nennt "
                                            f"aber Projekt {p_kennung.kennung}.")
            return None
    if p_kennung is None and p_zeichen is None:
        feld = "projekt" if "projekt" in roh.spalten else "aktenzeichen"
        melden(feld, None, "Projekt fehlt (Projekt-Kennung oder Aktenzeichen angeben).")
        return None
    return p_kennung or p_zeichen


def _doppelte_in_datei(roh: Rohdatei, gelesen: list[Zahlung], v: Vorschau) -> None:
    """The same Belegnummer twice for one project in the file is an error: which one is right?"""
    erste: dict[tuple[str, str], int] = {}
    bleiben: list[Zahlung] = []
    for z in gelesen:
        schluessel = (z.projekt_id, _referenz_norm(z.referenz))
        if schluessel in erste:
            i = roh.spalten["referenz"]
            v.fehler.append(Zeilenfehler(z.zeile, roh.spaltenname(i), z.referenz,
                                         f"{roh.ort(z.zeile, 'referenz')}: Belegnummer „{z.referenz}“ steht für "
                                         f"Projekt {z.projekt} schon in Zeile {erste[schluessel]}. Jede Buchung "
                                         "braucht eine eigene Belegnummer (z. B. „4711/1“, „4711/2“)."))
        else:
            erste[schluessel] = z.zeile
            bleiben.append(z)
    gelesen[:] = bleiben  # in place, without list.remove: a file of 10.000 copies stays linear
    v.fehler.sort(key=lambda f: f.zeile)


def _abgleichen(s: Session, roh: Rohdatei, gelesen: list[Zahlung], projekte: _Projekte, v: Vorschau,
                heute: date) -> None:
    """Split the good rows into new and already there, and add the warnings a reader should see."""
    ids = sorted({z.projekt_id for z in gelesen})
    bekannt: dict[tuple[str, str], Any] = {}
    plan: dict[str, tuple[int, set[Haushaltsstelle]]] = {}
    for teil in range(0, len(ids), 500):
        stueck = ids[teil:teil + 500]
        # plain rows, not ORM objects: a second import of a big file finds 100,000 of them
        for m in s.execute(select(Mittelabfluss.projekt_id, Mittelabfluss.referenz, Mittelabfluss.betrag_cent,
                                  Mittelabfluss.datum, Mittelabfluss.haushaltsstelle)
                           .where(Mittelabfluss.projekt_id.in_(stueck))):
            bekannt.setdefault((m.projekt_id, _referenz_norm(m.referenz)), m)
        aktuell: dict[str, Zahlungsplan] = {}
        for zp in s.scalars(select(Zahlungsplan).where(Zahlungsplan.projekt_id.in_(stueck))):
            if zp.projekt_id not in aktuell or zp.version > aktuell[zp.projekt_id].version:
                aktuell[zp.projekt_id] = zp
        if aktuell:
            plan_zu_projekt = {zp.id: pid for pid, zp in aktuell.items()}
            plan.update({pid: (zp.version, set()) for pid, zp in aktuell.items()})
            for zid, hhst in s.execute(select(ZahlungsplanPosition.zahlungsplan_id, ZahlungsplanPosition.haushaltsstelle)
                                       .where(ZahlungsplanPosition.zahlungsplan_id.in_(list(plan_zu_projekt)))):
                plan[plan_zu_projekt[zid]][1].add(hhst)
    laufzeiten = {pid: eingabehinweise.Laufzeit(p.kennung, p.beginn, p.ende) for pid, p in projekte.nach_id.items()}
    # the rules of eingabehinweise.zahlung_gegen are pure: a payment's hints depend on its project,
    # date and Haushaltsstelle, and for a negative amount on the amount and its texts
    regeln: dict[tuple[Any, ...], list[eingabehinweise.Hinweis]] = {}
    for z in gelesen:
        alt = bekannt.get((z.projekt_id, _referenz_norm(z.referenz)))
        if alt is not None:
            v.vorhanden.append(z)
            if (alt.betrag_cent, alt.datum, alt.haushaltsstelle) != (z.betrag_cent, z.datum, z.haushaltsstelle):
                v.hinweise.append(f"{roh.ort(z.zeile)}: Beleg „{z.referenz}“ ist für {z.projekt} schon erfasst, aber "
                                  f"mit {format_euro(alt.betrag_cent)} am {format_datum(alt.datum)} auf "
                                  f"{alt.haushaltsstelle} (Datei: {format_euro(z.betrag_cent)} am "
                                  f"{format_datum(z.datum)} auf {z.haushaltsstelle}); nicht geändert.")
            continue
        v.neu.append(z)
        negativ = z.betrag_cent < 0
        # the Haushaltsstelle by identity: the rows share the objects read from equal texts, and all
        # of them live as long as this loop (an equal one read differently only misses the memo)
        schluessel = (z.projekt_id, z.datum, id(z.haushaltsstelle),
                      *((z.betrag_cent, z.referenz, z.text) if negativ else ()))
        hinweise = regeln.get(schluessel)
        if hinweise is None:
            hinweise = eingabehinweise.zahlung_gegen(laufzeiten[z.projekt_id], plan.get(z.projekt_id), z.datum,
                                                     z.betrag_cent, z.haushaltsstelle, heute=heute,
                                                     referenz=z.referenz, bemerkung=z.text)
            if not negativ:
                regeln[schluessel] = hinweise
        if hinweise:
            wo = roh.ort(z.zeile)
            for h in hinweise:
                v.hinweise.append(f"{wo}: {h.text}")


# ------------------------------------------------------------------------------------------ entry points
def pruefen(store: Any, pfad: str | Path, *, heute: date | None = None) -> Vorschau:
    """Read ``pfad`` and compare it with the database; nothing is written. Structural problems raise
    :class:`Zahlungsimportfehler`; bad rows are listed in :attr:`Vorschau.fehler`."""
    with ohne_zyklensammler():  # see uebernehmen
        roh = lesen(pfad)  # before the database is touched
        with store.lesen() as s:
            return vorschau(s, roh, heute=heute)


def uebernehmen(store: Any, pfad: str | Path, *, heute: date | None = None, benutzer: str | None = None) -> Vorschau:
    """Read, check and add the new payments in one transaction (recorded in the change log).

    Any bad row refuses the whole file with :class:`Zahlungsimportfehler` and nothing is written.
    The check runs again inside the write transaction, so rows another device added meanwhile are
    recognised as already there.
    """
    # an export of 100,000 payments creates some million short-lived objects and no reference
    # cycle: the cyclic collector would walk them again and again (the catalogue import does the same)
    with ohne_zyklensammler():
        return _uebernehmen(store, pfad, heute, benutzer)


def _uebernehmen(store: Any, pfad: str | Path, heute: date | None, benutzer: str | None) -> Vorschau:
    roh = lesen(pfad)
    with store.session(quelle=QUELLE, benutzer=benutzer) as s:
        ereignis_vormerken(s, "zahlungsimport", datei=Path(str(pfad)).name)
        v = vorschau(s, roh, heute=heute)
        ereignis_vormerken(s, "zahlungsimport", neu=len(v.neu), fehlerhaft=len(v.fehler))
        if v.fehler:
            raise Zahlungsimportfehler(roh.datei, [f.meldung for f in v.fehler])
        # in one go with their log entries (sammelschreiber): the same checks and entries as the
        # flush hook writes, a few microseconds per payment instead of a few hundred
        if v.neu:
            spalten = list(zip(*v.neu, strict=True))  # Zahlung fields, a column each
            namen = ("projekt_id", "datum", "betrag_cent", "haushaltsstelle", "kostenart", "referenz", "bemerkung")
            felder = [spalten[Zahlung._fields.index(f)] for f in
                      ("projekt_id", "datum", "betrag_cent", "haushaltsstelle", "kostenart", "referenz", "text")]
            sammelschreiber.einfuegen(s, Mittelabfluss, [dict(zip(namen, werte, strict=True))
                                                         for werte in zip(*felder, strict=True)])
        v.uebernommen = True
    return v


@dataclass(frozen=True)
class Zahlungszeile:
    """A stored payment for listings (CLI, scripts): exact cents, never a float."""

    id: str
    projekt: str
    datum: date
    betrag_cent: int
    haushaltsstelle: str
    kostenart: str
    referenz: str
    text: str


def zahlungen(s: Session, projekt: str | None = None) -> list[Zahlungszeile]:
    """All payments (of one project, by Kennung) ordered by project, date and Belegnummer."""
    q = (select(Mittelabfluss, Projekt.kennung).join(Projekt, Projekt.id == Mittelabfluss.projekt_id)
         .order_by(Projekt.kennung, Mittelabfluss.datum, Mittelabfluss.referenz, Mittelabfluss.id))
    if projekt is not None:
        from ozgdesk.model.felder import projekt_finden

        q = q.where(Mittelabfluss.projekt_id == projekt_finden(s, projekt).id)
    return [Zahlungszeile(m.id, kennung, m.datum, m.betrag_cent, str(m.haushaltsstelle), m.kostenart.value,
                          m.referenz, m.bemerkung) for m, kennung in s.execute(q)]
