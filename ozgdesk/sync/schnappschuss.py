"""Snapshots: the whole replicated state of a store as one signed stream a new device starts from.

A new device used to replay every change file of the share (tens of seconds for a large Ressort,
growing with history). A snapshot is what such a replay ends with, written by a device that is in
step with the share: every replicated table, the whole change log, the causal contexts, the
conflicts and the cursors (how far the snapshot covers each device's files). Loading it into an
empty store gives that state in one transaction; the next ordinary sync then applies only the
files published after the cursors.

Format (``ozgdesk-schnappschuss``, version 1): a gzip stream of UTF-8 JSON lines, ``\\n`` after each.

1. header – an object: ``format``, ``version``, ``erstellt``, ``autor`` (device id), ``schema``
   (Alembic revision), ``cursors`` ({device: {bis_seq, letzter_hash, dateien}}) and whatever the
   caller put into ``kopf`` (share id, key fingerprint …);
2. per table a section line ``{"tabelle": name, "spalten": [column, …], "zeilen": n}`` followed by
   exactly ``n`` row lines, each a JSON array of the values in ``spalten`` order, encoded like the
   change log encodes values (:func:`ozgdesk.model.base.json_wert`); the replicated tables parents
   first, then ``aenderung`` (per device in seq order, without its device-local ``id``),
   ``sync_kontext`` and ``sync_konflikt``;
3. the trailer ``{"sha256": <hex of every decompressed byte before it>, "signatur": <base64>}``.

Why these choices: columns are listed per section, taken from the table metadata, so a column added
later travels without a format change; rows are arrays, not objects, so a key is not repeated 100 000
times; the digest covers the header, hence the cursors the signature vouches for.

Loading is hostile-input-safe in the same way the merge is: caps on compressed and decompressed
bytes and on each line, a JSON parser that refuses floats, NaN, overlong numbers and deep nesting,
every value decoded and checked against its column exactly like a remote value in the merge
(:func:`ozgdesk.sync.zusammenfuehren.python_wert`), the log held to the rules of change files, the
cursors held to the log (of each device exactly the entries 1…cursor). Any failure rolls the one
write transaction back; the store stays as empty as it was. Rules spanning fields (an entity's
``pruefen()``) are not applied: two valid edits can merge into a record that breaks one, which the
merge flags as a ``regel`` conflict instead of refusing – that conflict travels in the snapshot.

Not carried: ``meta`` (device id, share settings), quarantine, outbox and inbox – bookkeeping of the
author's device. The loading device gets the author's cursors as ordinary remote cursors (never an
own one) and its own causal context "has seen everything up to the cursors", as a replay records it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import BigInteger, Boolean, Column, Date, Integer, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from ozgdesk.model.meldungsnamen import VERBOTEN_EINZEILIG, VERBOTEN_MEHRZEILIG
from ozgdesk.model.base import (
    BIGINTEGER_BEREICH,
    DATUM_BEREICH,
    INTEGER_BEREICH,
    TEXT_MAX_ZEICHEN,
    Base,
    CodeTyp,
    UtcZeit,
    jetzt_utc,
    json_wert,
    klasse_fuer,
    neue_id,
)
from ozgdesk.model.datei import sqlite_meldung
from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.schluesselregeln import REGELN
from ozgdesk.model.protokoll import (
    ANLEGEN,
    AENDERN,
    LOESCHEN,
    geschrieben_merken,
    neue_ids,
    skalarer_vorgabewert,
)
from ozgdesk.model.store import Store, ereignis_vormerken
from ozgdesk.sync.format import ist_geraet
from ozgdesk.sync.eindeutig import ART as ART_EINDEUTIG
from ozgdesk.sync.eindeutig import BEHAELT, DOPPELT, ERSATZ, ZURUECKGEHALTEN
from ozgdesk.sync.konflikte import ARTEN
from ozgdesk.sync.zusammenfuehren import python_wert, tabellen

FORMAT = "ozgdesk-schnappschuss"
VERSION = 1
#: Header keys this module writes; the caller's ``kopf`` must not use them.
RESERVIERT = frozenset({"format", "version", "erstellt", "autor", "schema", "cursors"})
#: Longest line accepted while loading (a row holding a 50 000-character text is far below).
MAX_ZEILE = 64 * 2**20
#: Longest integer literal accepted (cents fit in 14 digits); a 5000-digit number is refused while parsing.
MAX_ZIFFERN = 40
#: Rows per ``executemany`` and per output block: big enough to amortise, small enough to bound memory.
ZEILEN_JE_BLOCK = 2000
#: Compressed bytes read and decompressed bytes produced per step while loading.
LESEBLOCK = 256 * 1024
#: The device-local tables a snapshot carries besides the replicated ones (``sync_geraet`` goes into
#: the header as cursors; quarantine, outbox and inbox stay on their device). ``sync_eindeutig``
#: travels with the conflicts: it tells which values in the tables are provisional and which
#: duplicates are held back (rebuilding it from the log would cost a pass over every record).
PROTOKOLL_TABELLEN = ("aenderung", "sync_kontext", "sync_konflikt", "sync_eindeutig")
#: Distinct values per column whose verdict is memoised while loading (codes, quarters, dates, times).
MEMO_GRENZE = 4096
#: Columns a snapshot leaves out and the loader generates: a log row's id is local to its device
#: (change files do not carry it, a replay gives every entry a new one); 112 000 random UUIDs
#: would be an eighth of a large snapshot's compressed size, and fresh ones can be sorted.
ERZEUGT = frozenset({("aenderung", "id")})
#: SQLite page cache while loading (KiB).
CACHE_KIB = 16 * 1024

_HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_AKTIONEN = frozenset({ANLEGEN, AENDERN, LOESCHEN})
#: columns of the log the loader's checks read
_PROTOKOLL_PFLICHT = {"geraet", "seq", "aktion", "feld", "alt", "neu"}


class Schnappschussfehler(OzgFehler):
    """A snapshot cannot be loaded (damaged, forged, hostile, or the store is not empty)."""


@dataclass(frozen=True)
class Info:
    """What a snapshot holds; :func:`schreiben` and :func:`laden` both return it.

    ``cursors``: up to which seq the snapshot covers each device's change files (the author's own
    included); ``abdeckung`` is their sum, a quick measure of how much of the share it holds (one
    snapshot contains another if each of its cursors is at least as high)."""

    autor: str
    cursors: dict[str, int]
    abdeckung: int
    zeilen: dict[str, int]
    bytes_entpackt: int
    bytes_komprimiert: int
    kopf: dict[str, Any] = field(default_factory=dict)


def tabellenfolge() -> list[Table]:
    """The tables of a snapshot: the replicated ones parents first (SQLAlchemy's dependency order,
    so every foreign key points backwards), then the log and the sync state."""
    repliziert = tabellen()
    folge = [t for t in Base.metadata.sorted_tables if t.name in repliziert]
    return folge + [Base.metadata.tables[name] for name in PROTOKOLL_TABELLEN]


def _sortierung(t: Table) -> str:
    """Row order: the log per device in seq order (the loader checks 1…cursor as it streams),
    contexts likewise, everything else by primary key (the loader's index inserts then append)."""
    if t.name == "aenderung":
        return "geraet, seq"
    if t.name == "sync_kontext":
        return "geraet, ab_seq"
    return "id"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ============================================================================================ write
class _Ausgabe:
    """Lines → one gzip member on ``ziel``, hashing the decompressed bytes; buffered in blocks."""

    def __init__(self, ziel: BinaryIO) -> None:
        self.ziel = ziel
        self.hash = hashlib.sha256()
        self.packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: gzip header, mtime 0
        self.puffer: list[str] = []
        self.gepuffert = 0
        self.entpackt = 0
        self.komprimiert = 0

    def zeile(self, text: str) -> None:
        self.puffer.append(text)
        self.gepuffert += len(text)
        if self.gepuffert > 1 << 20:
            self.leeren()

    def leeren(self) -> None:
        if not self.puffer:
            return
        daten = ("\n".join(self.puffer) + "\n").encode("utf-8")
        self.puffer, self.gepuffert = [], 0
        self.hash.update(daten)
        self._roh(daten)

    def _roh(self, daten: bytes) -> None:
        self.entpackt += len(daten)
        self._schreiben(self.packer.compress(daten))

    def _schreiben(self, gepackt: bytes) -> None:
        if gepackt:
            self.ziel.write(gepackt)
            self.komprimiert += len(gepackt)

    def abschliessen(self, signieren: Callable[[bytes], bytes]) -> None:
        self.leeren()
        digest = self.hash.digest()
        trailer = {"sha256": digest.hex(), "signatur": base64.b64encode(signieren(digest)).decode("ascii")}
        self._roh((json.dumps(trailer) + "\n").encode("utf-8"))
        self._schreiben(self.packer.flush())


def _leser_fuer(spalte: Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """Stored value → the log's JSON encoding; None where the stored value already is it (texts, ints)."""
    typ = spalte.type
    if isinstance(typ, (String, Text, Integer, BigInteger)) and not hasattr(typ, "impl"):
        return None
    verarbeiten = typ.dialect_impl(dialect).result_processor(dialect, None)
    if verarbeiten is None:
        return json_wert
    return lambda roh: json_wert(verarbeiten(roh))


def schreiben(store: Store, ziel: BinaryIO, *, signieren: Callable[[bytes], bytes], kopf: dict[str, Any]) -> Info | None:
    """Write the store's replicated state as a snapshot to ``ziel``; None if it must not be written.

    Everything is read inside one read transaction, i.e. one consistent WAL snapshot, while other
    connections go on writing. None (nothing written) while this device has log entries of its own
    that are not on the share yet: the snapshot must be exactly the state of the share's files
    up to its cursors, or a device loading it would hold changes no change file carries.
    ``signieren`` gets the SHA-256 digest (32 bytes) of everything before the trailer; ``kopf`` goes
    into the header (JSON values, no floats: the loader refuses them). After an exception ``ziel``
    holds an incomplete stream: write to a temporary file and publish only a complete one.
    """
    doppelt = RESERVIERT & set(kopf)
    if doppelt:
        raise ValueError(f"kopf must not set {sorted(doppelt)}")
    dialect = store.engine.dialect
    verbindung = store.engine.raw_connection()
    try:
        db: sqlite3.Connection = verbindung.driver_connection  # type: ignore[assignment]
        db.execute("BEGIN")  # deferred: the first read below fixes the snapshot for all others
        try:
            return _schreiben(store, db, dialect, ziel, signieren, kopf)
        finally:
            db.rollback()
    except sqlite3.Error as e:
        meldung = sqlite_meldung(e, store.pfad, store.warten)
        if meldung is None:
            raise
        raise OzgFehler(f"Der Schnappschuss konnte nicht geschrieben werden: {meldung}") from None
    finally:
        verbindung.close()


def _schreiben(store: Store, db: sqlite3.Connection, dialect: Dialect, ziel: BinaryIO,
               signieren: Callable[[bytes], bytes], kopf: dict[str, Any]) -> Info | None:
    eigen = store.geraet_id
    staende = {g: (bis or 0, h or "", d or 0, bool(e))
               for g, bis, h, d, e in db.execute("SELECT id, bis_seq, letzter_hash, dateien, eigen FROM sync_geraet")}
    im_protokoll = {g: (n, m) for g, n, m in db.execute("SELECT geraet, count(*), max(seq) FROM aenderung GROUP BY geraet")}
    eigene_bis = staende[eigen][0] if eigen in staende and staende[eigen][3] else 0
    if im_protokoll.get(eigen, (0, 0))[1] > eigene_bis:
        return None  # own changes not on the share yet: the next sync sends them, then write
    cursors: dict[str, dict[str, Any]] = {}
    for g, (bis, letzter, dateien, ist_eigen) in sorted(staende.items()):
        if ist_eigen and g != eigen:
            raise OzgFehler(f"Der Abgleich-Stand nennt ein zweites eigenes Gerät ({g[:8]}); kein Schnappschuss geschrieben.")
        if bis > 0:
            cursors[g] = {"bis_seq": bis, "letzter_hash": letzter, "dateien": dateien}
    for g, (n, _) in im_protokoll.items():
        if g not in cursors:
            raise OzgFehler(f"Das Protokoll enthält {n} Einträge von Gerät {g[:8]}, für das kein Abgleich-Stand "
                            "besteht; kein Schnappschuss geschrieben.")
    for g, c in cursors.items():
        if im_protokoll.get(g, (0, 0)) != (c["bis_seq"], c["bis_seq"]):
            n = im_protokoll.get(g, (0, 0))[0]
            raise OzgFehler(f"Gerät {g[:8]}: {n} Einträge im Protokoll, erwartet {c['bis_seq']} – der Stand ist "
                            "nicht stimmig; kein Schnappschuss geschrieben.")
    schema = db.execute("SELECT version_num FROM alembic_version").fetchone()
    kopfzeile = {**kopf, "format": FORMAT, "version": VERSION, "erstellt": jetzt_utc().isoformat(), "autor": eigen,
                 "schema": schema[0] if schema else "", "cursors": cursors}
    aus = _Ausgabe(ziel)
    kodieren = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False, allow_nan=False).encode
    aus.zeile(json.dumps(kopfzeile, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    zeilen: dict[str, int] = {}
    for t in tabellenfolge():
        spalten = [c for c in t.columns if (t.name, c.name) not in ERZEUGT]
        namen = [c.name for c in spalten]
        anzahl = db.execute(f"SELECT count(*) FROM {_q(t.name)}").fetchone()[0]
        zeilen[t.name] = anzahl
        aus.zeile(kodieren({"tabelle": t.name, "spalten": namen, "zeilen": anzahl}))
        leser = [_leser_fuer(c, dialect) for c in spalten]
        umwandeln = [(i, f) for i, f in enumerate(leser) if f is not None]
        cur = db.execute(f"SELECT {', '.join(_q(n) for n in namen)} FROM {_q(t.name)} ORDER BY {_sortierung(t)}")
        gelesen = 0
        while block := cur.fetchmany(ZEILEN_JE_BLOCK):
            gelesen += len(block)
            if umwandeln:
                for roh in block:
                    werte = list(roh)
                    for i, f in umwandeln:
                        if werte[i] is not None:
                            werte[i] = f(werte[i])
                    aus.zeile(kodieren(werte))
            else:
                for roh in block:
                    aus.zeile(kodieren(roh))
        assert gelesen == anzahl, "one read transaction: count and rows agree"
    aus.abschliessen(signieren)
    flach = {g: c["bis_seq"] for g, c in cursors.items()}
    return Info(eigen, flach, sum(flach.values()), zeilen, aus.entpackt, aus.komprimiert, kopfzeile)


# ============================================================================================= read
class _Ungueltig(Exception):
    """A value or line the loader refuses; the message is German, the caller adds where."""


def _ganzzahl(text: str) -> int:
    ziffern = len(text) - text.startswith("-")
    if ziffern > MAX_ZIFFERN:
        raise _Ungueltig(f"Zahl mit {ziffern} Stellen (höchstens {MAX_ZIFFERN} erlaubt)")
    return int(text)


def _keine_gleitkommazahl(text: str) -> Any:
    raise _Ungueltig(f"Gleitkommazahl oder Konstante „{text[:20]}“ (nicht erlaubt)")


_DECODER = json.JSONDecoder(parse_float=_keine_gleitkommazahl, parse_int=_ganzzahl,
                            parse_constant=_keine_gleitkommazahl)
#: the C scanner ``JSONDecoder.__init__`` builds (typeshed does not declare the attribute)
_SCAN: Callable[[str, int], tuple[Any, int]] = getattr(_DECODER, "scan_once")  # noqa: B009


def json_sicher(text: str) -> Any:
    """Parse untrusted JSON: no floats, NaN or Infinity, no number over :data:`MAX_ZIFFERN` digits,
    nesting bounded by the interpreter's recursion limit. Raises :class:`_Ungueltig` (German).

    The one place to swap in the project's shared safe-JSON helper once it exists. Calls the C
    scanner directly for a document without surrounding whitespace (every line of a snapshot, every
    value of the log): the same parse as ``decode`` without its Python-level wrapper, which costs as
    much as the parse of a short row; anything else takes the full path and its messages."""
    try:
        wert, ende = _SCAN(text, 0)
        if ende == len(text):
            return wert
    except (StopIteration, ValueError, RecursionError, _Ungueltig):
        pass
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise _Ungueltig(f"kein gültiges JSON ({e.msg}, Spalte {e.colno})") from None
    except RecursionError:
        raise _Ungueltig("zu tief verschachteltes JSON") from None
    except ValueError as e:  # e.g. Python's own limit on integer digits
        raise _Ungueltig(f"kein gültiges JSON ({e})") from None


def _zeile_lesen(zeile: bytes) -> Any:
    try:
        text = zeile.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _Ungueltig(f"Byte {e.start + 1}: keine gültige UTF-8-Kodierung") from None
    return json_sicher(text)


class _Strom:
    """Decompress a gzip stream with running caps, split it into lines, count them.

    Caps are checked as the bytes come, so a zip bomb stops at ``max_entpackt`` bytes, not after;
    a line longer than :data:`MAX_ZEILE` is refused before it is joined."""

    def __init__(self, quelle: BinaryIO, max_komprimiert: int, max_entpackt: int) -> None:
        self.quelle = quelle
        self.max_komprimiert = max_komprimiert
        self.max_entpackt = max_entpackt
        self.komprimiert = 0
        self.entpackt = 0
        self.nummer = 0

    def _entpackt(self) -> Iterator[bytes]:
        entpacker = zlib.decompressobj(31)  # gzip only, one member
        while True:
            try:
                block = self.quelle.read(LESEBLOCK)
            except OSError as e:
                raise Schnappschussfehler(f"Der Schnappschuss ließ sich nicht lesen ({e.strerror or e}). "
                                          "Es wurde nichts übernommen.") from None
            if not block:
                break
            self.komprimiert += len(block)
            if self.komprimiert > self.max_komprimiert:
                raise Schnappschussfehler(
                    f"Der Schnappschuss ist größer als erlaubt (mehr als {_mib(self.max_komprimiert)} komprimiert). "
                    "Es wurde nichts übernommen.")
            if entpacker.eof:
                raise Schnappschussfehler("Nach dem Ende des gzip-Stroms folgen weitere Daten. Es wurde nichts übernommen.")
            daten = block
            while True:
                try:
                    stueck = entpacker.decompress(daten, LESEBLOCK)
                except zlib.error:
                    raise Schnappschussfehler("Der Schnappschuss ist kein gültiger gzip-Strom (beschädigt). "
                                              "Es wurde nichts übernommen.") from None
                daten = entpacker.unconsumed_tail
                if entpacker.unused_data:
                    raise Schnappschussfehler("Nach dem Ende des gzip-Stroms folgen weitere Daten. "
                                              "Es wurde nichts übernommen.")
                if stueck:
                    self.entpackt += len(stueck)
                    if self.entpackt > self.max_entpackt:
                        raise Schnappschussfehler(
                            f"Der Schnappschuss entpackt sich auf mehr als {_mib(self.max_entpackt)} – abgelehnt "
                            "(Schutz vor einer „Zip-Bombe“). Es wurde nichts übernommen.")
                    yield stueck
                # a full output block may leave output pending inside zlib even when all input is taken
                if not daten and len(stueck) < LESEBLOCK:
                    break
        if not entpacker.eof:
            raise Schnappschussfehler("Der Schnappschuss ist abgeschnitten (der gzip-Strom endet vorzeitig). "
                                      "Es wurde nichts übernommen.")

    def zeilen(self) -> Iterator[bytes]:
        """Complete lines without their ``\\n``; ``nummer`` is the current line's number (from 1)."""
        offen: list[bytes] = []
        offen_laenge = 0
        for stueck in self._entpackt():
            teile = stueck.split(b"\n")
            if len(teile) == 1:
                offen.append(stueck)
                offen_laenge += len(stueck)
                if offen_laenge > MAX_ZEILE:
                    raise Schnappschussfehler(
                        f"Schnappschuss, Zeile {self.nummer + 1}: länger als {_mib(MAX_ZEILE)} – abgelehnt. "
                        "Es wurde nichts übernommen.")
                continue
            if offen:
                offen.append(teile[0])
                teile[0] = b"".join(offen)
                offen, offen_laenge = [], 0
            letzte = teile.pop()
            for zeile in teile:
                self.nummer += 1
                if len(zeile) > MAX_ZEILE:
                    raise Schnappschussfehler(f"Schnappschuss, Zeile {self.nummer}: länger als {_mib(MAX_ZEILE)} – "
                                              "abgelehnt. Es wurde nichts übernommen.")
                yield zeile
            if letzte:
                offen.append(letzte)
                offen_laenge = len(letzte)
        if offen:
            raise Schnappschussfehler(f"Schnappschuss, Zeile {self.nummer + 1}: Die letzte Zeile ist nicht abgeschlossen "
                                      "(abgeschnitten). Es wurde nichts übernommen.")


def _mib(n: int) -> str:
    return f"{n / 2**20:,.0f} MiB".replace(",", ".")


# ---------------------------------------------------------------------------------- value checks
@dataclass(frozen=True)
class _Pruefung:
    """The check of one column, compiled once: ``pruefen`` maps a JSON value to the stored value or
    raises; ``art`` and its limits describe the fast path :func:`_zeilenfunktion` inlines."""

    pruefen: Callable[[Any], Any]
    art: str = "sonst"  # text, wahrheit, ganz, gemerkt, sonst
    laenge: int = 0
    suchen: Callable[[str], Any] | None = None
    von: int = 0
    bis: int = 0
    merken: dict[str, Any] | None = None


def _pruefung_spalte(cls: type[Base], spalte: Column[Any], dialect: Dialect,
                     zusatz: Callable[[Any], None] | None = None) -> _Pruefung:
    """JSON value → stored value of one column, checked exactly like the merge checks a remote value
    (:func:`ozgdesk.sync.zusammenfuehren.python_wert`: decode, then the write check of the column),
    then encoded as SQLAlchemy binds it; ``zusatz`` may refuse the decoded value as well."""
    binden = spalte.type.dialect_impl(dialect).bind_processor(dialect)
    schluessel = spalte.key

    def voll(v: Any) -> Any:
        wert = python_wert(cls, schluessel, v)  # raises ValueError or Eingabefehler with the reason
        if zusatz is not None:
            zusatz(wert)
        return binden(wert) if binden is not None and wert is not None else wert

    return _schnell(spalte, voll)


def _schnell(spalte: Column[Any], voll: Callable[[Any], Any]) -> _Pruefung:
    """The full check ``voll`` with a fast path for the column's type and its NULL rule.

    The fast paths accept only what the full check accepts – the same length limits and character
    classes of :func:`ozgdesk.model.base.spalte_pruefen`, the same ranges – and hand everything
    else to it, so its verdict and its message decide. Values of value types (codes, quarters,
    Haushaltsstellen, decimals, times) are memoised per column: a few hundred distinct values make
    up a hundred thousand rows.
    """
    typ = spalte.type
    nullbar = bool(spalte.nullable)
    name = spalte.name
    schlicht = not hasattr(typ, "impl")  # not a TypeDecorator

    def null() -> Any:
        if nullbar:
            return None
        raise _Ungueltig(f"Pflichtfeld „{name}“ ohne Wert")

    if isinstance(typ, (String, Text)) and schlicht:
        mehrzeilig = isinstance(typ, Text)
        laenge = spalte.info.get("max_zeichen") or (TEXT_MAX_ZEICHEN if mehrzeilig else typ.length) or 2**62
        suchen = (VERBOTEN_MEHRZEILIG if mehrzeilig else VERBOTEN_EINZEILIG).search

        def text(v: Any) -> Any:
            if type(v) is str and len(v) <= laenge and suchen(v) is None:
                return v
            return null() if v is None else voll(v)

        return _Pruefung(text, "text", laenge=laenge, suchen=suchen)
    if isinstance(typ, Boolean):

        def wahrheit(v: Any) -> Any:
            if v is True or v is False:
                return v
            return null() if v is None else voll(v)

        return _Pruefung(wahrheit, "wahrheit")
    if isinstance(typ, (Integer, BigInteger)) and schlicht:
        von, bis = spalte.info.get("bereich") or (BIGINTEGER_BEREICH if isinstance(typ, BigInteger) else INTEGER_BEREICH)

        def ganz(v: Any) -> Any:
            if type(v) is int and von <= v <= bis:
                return v
            return null() if v is None else voll(v)

        return _Pruefung(ganz, "ganz", von=von, bis=bis)
    if isinstance(typ, Date) and schlicht:
        anfang, ende = spalte.info.get("bereich") or DATUM_BEREICH
        iso = date.fromisoformat

        def datum(v: Any) -> Any:
            # The canonical "YYYY-MM-DD" of a day within the range, which is also exactly how
            # SQLAlchemy's SQLite DATE type stores it.
            if type(v) is str and len(v) == 10 and v.isascii():
                try:
                    d = iso(v)
                except ValueError:
                    d = None
                if d is not None and anfang <= d <= ende and d.isoformat() == v:
                    return v
            return voll(v)

        return _gemerkt(datum, null)
    return _gemerkt(voll, null, typ.enum_cls if isinstance(typ, CodeTyp) else None)


def _gemerkt(voll: Callable[[Any], Any], null: Callable[[], Any], codes: Any = None) -> _Pruefung:
    """Memoise the verdict on text values (bounded by :data:`MEMO_GRENZE` entries per column)."""
    merken: dict[str, Any] = {m.value: voll(m.value) for m in codes} if codes is not None else {}

    def gemerkt(v: Any) -> Any:
        if type(v) is str:
            r = merken.get(v)
            if r is None:
                r = voll(v)
                if len(merken) < MEMO_GRENZE:
                    merken[v] = r
            return r
        return null() if v is None else voll(v)

    return _Pruefung(gemerkt, "gemerkt", merken=merken)


def _zeilenfunktion(pruefungen: list[_Pruefung]) -> Callable[[list[Any]], list[Any]]:
    """One function per section that checks a whole row, its fast paths written out inline.

    A call per value costs about as much as the check itself, and a large snapshot has millions of
    values; so the common case of every column is generated as one expression (as ``dataclasses`` and ``namedtuple`` generate their methods) and only a value the
    fast path does not take calls the column's full check. The source contains nothing from the
    snapshot: only limits from the table metadata and names bound to the compiled checks."""
    namen: dict[str, Any] = {}
    code = ["def zeile(w):"]
    werte = [f"v{i}" for i in range(len(pruefungen))]
    code.append(f"    {', '.join(werte)}, = w")
    for i, p in enumerate(pruefungen):
        v, f = f"v{i}", f"f{i}"
        namen[f] = p.pruefen
        if p.art == "text":
            namen[f"s{i}"] = p.suchen
            code.append(f"    if not (type({v}) is str and len({v}) <= {p.laenge!r} and s{i}({v}) is None): {v} = {f}({v})")
        elif p.art == "wahrheit":
            code.append(f"    if not ({v} is True or {v} is False): {v} = {f}({v})")
        elif p.art == "ganz":
            code.append(f"    if not (type({v}) is int and {p.von!r} <= {v} <= {p.bis!r}): {v} = {f}({v})")
        elif p.art == "gemerkt":
            namen[f"m{i}"] = p.merken
            code.append(f"    t = m{i}.get({v}) if type({v}) is str else None")
            code.append(f"    {v} = {f}({v}) if t is None else t")
        else:
            code.append(f"    {v} = {f}({v})")
    code.append(f"    return [{', '.join(werte)}]")
    exec("\n".join(code), namen)  # noqa: S102 - generated from table metadata, see above
    zeile: Callable[[list[Any]], list[Any]] = namen["zeile"]
    return zeile


def _json_text(form: Callable[[Any], bool] | None, beschreibung: str) -> _Pruefung:
    """A column holding JSON text (the log's ``alt``/``neu``, a context, a conflict's values): any
    JSON value the safe parser accepts, of the given form. No length limit of its own: a record's
    whole content in ``neu`` may exceed the 50 000 characters of a Text field; the line cap bounds it."""

    def pruefen(v: Any) -> Any:
        if v is None:
            return None
        if type(v) is not str:
            raise _Ungueltig(f"JSON-Text erwartet ({beschreibung})")
        wert = json_sicher(v)
        if form is not None and not form(wert):
            raise _Ungueltig(f"erwartet {beschreibung}")
        return v

    return _Pruefung(pruefen)


def _leer_oder_json() -> _Pruefung:
    """A provisional key value: "" for none, else its JSON text."""
    json_pruefung = _json_text(None, "einen vorläufigen Wert")
    return _Pruefung(lambda v: v if v == "" else json_pruefung.pruefen(v))


def _kontext_gueltig(g: Any) -> bool:
    return isinstance(g, dict) and all(
        isinstance(k, str) and ist_geraet(k) and type(v) is int and v >= 0 for k, v in g.items())


def _konfliktwerte_gueltig(w: Any) -> bool:
    """The shape :func:`ozgdesk.sync.zusammenfuehren.konflikt_werte` writes and the conflict view reads."""
    return isinstance(w, list) and all(
        isinstance(x, dict) and "wert" in x and isinstance(x.get("geraet"), str) and type(x.get("seq")) is int
        and all(isinstance(x.get(k), str) for k in ("benutzer", "zeitpunkt", "aktion")) for x in w)


def _gewinner_gueltig(g: Any) -> bool:
    """{} (none yet), the winning write of a field conflict, or the record that shows a doubly
    assigned key (``ozgdesk.sync.eindeutig``)."""
    return g == {} or (isinstance(g, dict) and set(g) == {"geraet", "seq"} and isinstance(g["geraet"], str)
                       and type(g["seq"]) is int) or (isinstance(g, dict) and set(g) == {"datensatz_id"}
                                                      and isinstance(g["datensatz_id"], str))


def _aus_menge(menge: frozenset[str], was: str) -> _Pruefung:
    def pruefen(v: Any) -> Any:
        if type(v) is str and v in menge:
            return v
        raise _Ungueltig(f"unbekannte {was} {json.dumps(v, ensure_ascii=False)[:30]}")

    return _Pruefung(pruefen)


def _zeitzone(wert: Any) -> None:
    if wert.tzinfo is None:
        raise _Ungueltig("Zeitstempel ohne Zeitzone")


def _pruefung_sync(cls: type[Base], spalte: Column[Any], dialect: Dialect) -> _Pruefung:
    """The checks for the log and the sync state: the rules of change files where those tables take
    their content from them (``format.aenderungsdatei_pruefen``: JSON texts, known actions, times
    with a zone), the column's write check for the rest."""
    sonder = {
        ("aenderung", "alt"): lambda: _json_text(None, "einen JSON-Wert"),
        ("aenderung", "neu"): lambda: _json_text(None, "einen JSON-Wert"),
        ("aenderung", "aktion"): lambda: _aus_menge(_AKTIONEN, "Aktion"),
        ("sync_kontext", "gesehen"): lambda: _json_text(_kontext_gueltig, "einen Versionsvektor {Gerät: Nummer}"),
        ("sync_konflikt", "werte"): lambda: _json_text(_konfliktwerte_gueltig, "eine Liste von Werten mit Gerät, "
                                                                                  "Nummer, Benutzer, Zeit und Aktion"),
        ("sync_konflikt", "gewinner"): lambda: _json_text(_gewinner_gueltig, "{}, {Gerät, Nummer} oder {Datensatz}"),
        ("sync_konflikt", "art"): lambda: _aus_menge(frozenset(ARTEN), "Konfliktart"),
        ("sync_eindeutig", "tabelle"): lambda: _aus_menge(frozenset(REGELN), "Tabelle mit eindeutigem Schlüssel"),
        ("sync_eindeutig", "rolle"): lambda: _aus_menge(frozenset({BEHAELT, ZURUECKGEHALTEN, ERSATZ, DOPPELT}),
                                                         "Rolle in einer Schlüsselgruppe"),
        ("sync_eindeutig", "schluessel"): lambda: _json_text(lambda w: isinstance(w, list), "eine Liste von Schlüsselwerten"),
        ("sync_eindeutig", "ersatz"): _leer_oder_json,
    }
    tabelle = cls.__tablename__
    if (tabelle, spalte.name) in sonder:
        return sonder[(tabelle, spalte.name)]()
    einfach = _pruefung_spalte(cls, spalte, dialect, _zeitzone if isinstance(spalte.type, UtcZeit) else None)
    if (tabelle, spalte.name) == ("aenderung", "quelle"):
        # checked like any text, stored as a replay stores every remote entry
        return _Pruefung(lambda v: "abgleich" if einfach.pruefen(v) is not None else None)
    return einfach


#: What a value check may raise for a bad value (the decoders raise ValueError or Eingabefehler).
_FEHLER = (_Ungueltig, ValueError, TypeError, Eingabefehler)


# ------------------------------------------------------------------------------------- the loader
@dataclass
class _Abschnitt:
    """One table's section while it streams in: checks per row, inserts per block."""

    name: str
    spalten: list[str]
    erwartet: int
    pruefungen: list[_Pruefung]
    umwandeln: Callable[[list[Any]], list[Any]]
    vorgaben: list[Any]
    sql: str
    #: the loader generates the ids (see :data:`ERZEUGT`)
    ids_erzeugen: bool
    #: line number of the block's first row (for messages about a whole block)
    block_ab: int
    zeilen: list[list[Any]] = field(default_factory=list)
    gelesen: int = 0

    def __post_init__(self) -> None:
        #: column name → position in a row
        self.index = {c: i for i, c in enumerate(self.spalten)}


class _Laden:
    def __init__(self, store: Store, s: Session, db: sqlite3.Connection, indizes: list[tuple[str, str]]) -> None:
        #: (name, CREATE statement) of the indexes dropped for the load, rebuilt by :meth:`abschliessen`
        self.indizes = indizes
        self.s = s
        self.db = db
        self.dialect = store.engine.dialect
        self.eigen = store.geraet_id
        self.kopf: dict[str, Any] = {}
        self.cursors: dict[str, dict[str, Any]] = {}
        self.abschnitt: _Abschnitt | None = None
        self.gesehen: set[str] = set()
        self.zeilen: dict[str, int] = {}
        self.tabellen = {t.name: t for t in tabellenfolge()}
        self.replikat = tabellen()
        # the log, streamed in (geraet, seq) order: the device being read and its last seq
        self.protokoll_geraet: str | None = None
        self.protokoll_seq = 0
        self.protokoll_fertig: set[str] = set()

    def fehler(self, nummer: int, text: str) -> Schnappschussfehler:
        return Schnappschussfehler(f"Schnappschuss, Zeile {nummer}: {text}. Es wurde nichts übernommen.")

    # ---------------------------------------------------------------------------- header
    def kopf_lesen(self, nummer: int, kopf: Any) -> None:
        if not isinstance(kopf, dict) or kopf.get("format") != FORMAT:
            raise self.fehler(nummer, f"kein ozgdesk-Schnappschuss (Format „{FORMAT}“ erwartet)")
        version = kopf.get("version")
        if type(version) is not int:
            raise self.fehler(nummer, "Formatversion fehlt")
        if version > VERSION:
            raise Schnappschussfehler(f"Der Schnappschuss hat das Format {version}; diese ozgdesk-Version kennt nur "
                                      f"Format {VERSION}. Bitte ozgdesk aktualisieren. Es wurde nichts übernommen.")
        autor = kopf.get("autor")
        if not isinstance(autor, str) or not ist_geraet(autor):
            raise self.fehler(nummer, "Kopf ohne gültiges Autorgerät")
        cursors = kopf.get("cursors")
        if not isinstance(cursors, dict):
            raise self.fehler(nummer, "Kopf ohne Abgleich-Stände (cursors)")
        for g, c in cursors.items():
            if not ist_geraet(g) or not isinstance(c, dict) or set(c) != {"bis_seq", "letzter_hash", "dateien"} \
                    or type(c["bis_seq"]) is not int or not 0 < c["bis_seq"] <= INTEGER_BEREICH[1] \
                    or type(c["dateien"]) is not int or not 0 <= c["dateien"] <= INTEGER_BEREICH[1] \
                    or not isinstance(c["letzter_hash"], str) or not _HASH_RE.match(c["letzter_hash"]):
                raise self.fehler(nummer, f"ungültiger Abgleich-Stand für Gerät {g[:8]!r}")
        if self.eigen in cursors:
            raise Schnappschussfehler(
                "Der Schnappschuss enthält Änderungen dieses Geräts selbst (gleiche Gerätekennung, etwa eine kopierte "
                "Datenbank). Er wird hier nicht geladen; es wurde nichts übernommen.")
        self.kopf, self.cursors = kopf, cursors

    # ---------------------------------------------------------------------------- sections
    def abschnitt_beginnen(self, nummer: int, kopf: Any) -> None:
        self.abschnitt_beenden(nummer)
        if not isinstance(kopf, dict) or set(kopf) != {"tabelle", "spalten", "zeilen"}:
            raise self.fehler(nummer, "erwartet einen Tabellenabschnitt oder den Abschluss")
        name, spalten, erwartet = kopf["tabelle"], kopf["spalten"], kopf["zeilen"]
        if not isinstance(name, str) or name not in self.tabellen:
            raise self.fehler(nummer, f"unbekannte Tabelle {json.dumps(name, ensure_ascii=False)[:60]}")
        if name in self.gesehen:
            raise self.fehler(nummer, f"Tabelle „{name}“ kommt zweimal vor")
        if type(erwartet) is not int or erwartet < 0:
            raise self.fehler(nummer, f"Tabelle „{name}“: ungültige Zeilenzahl")
        t = self.tabellen[name]
        if not isinstance(spalten, list) or not all(isinstance(c, str) for c in spalten) \
                or len(set(spalten)) != len(spalten):
            raise self.fehler(nummer, f"Tabelle „{name}“: ungültige Spaltenliste")
        unbekannt = [c for c in spalten if c not in t.columns]
        if unbekannt:
            raise self.fehler(nummer, f"Tabelle „{name}“: unbekannte Spalte „{unbekannt[0][:60]}“ (diese ozgdesk-Version "
                                      "kennt sie nicht)")
        erzeugen = "id" not in spalten and (name, "id") in ERZEUGT
        pflicht = (set() if erzeugen else {"id"}) | (_PROTOKOLL_PFLICHT if name == "aenderung" else set())
        fehlt = sorted(pflicht - set(spalten))
        if fehlt:
            raise self.fehler(nummer, f"Tabelle „{name}“: Spalte „{fehlt[0]}“ fehlt")
        cls = klasse_fuer(name)
        pruefungen = [_pruefung_spalte(cls, t.columns[c], self.dialect) if name in self.replikat
                      else _pruefung_sync(cls, t.columns[c], self.dialect) for c in spalten]
        # A column this version has and the snapshot lacks (written by an older version) gets the
        # column's plain default, as an INSERT through SQLAlchemy would give it.
        fehlend, vorgaben = [], []
        for c in t.columns:
            if c.name in spalten or (erzeugen and c.name == "id"):
                continue
            vorgabe = skalarer_vorgabewert(c)
            if vorgabe is None and not c.nullable:
                raise self.fehler(nummer, f"Tabelle „{name}“: Pflichtspalte „{c.name}“ fehlt")
            binden = c.type.dialect_impl(self.dialect).bind_processor(self.dialect)
            fehlend.append(c.name)
            vorgaben.append(binden(vorgabe) if binden is not None and vorgabe is not None else vorgabe)
        alle = spalten + fehlend + (["id"] if erzeugen else [])
        sql = f"INSERT INTO {_q(name)} ({', '.join(_q(c) for c in alle)}) VALUES ({', '.join('?' for _ in alle)})"
        self.gesehen.add(name)
        self.abschnitt = _Abschnitt(name, spalten, erwartet, pruefungen, _zeilenfunktion(pruefungen), vorgaben, sql,
                                    erzeugen, nummer + 1)

    def zeile(self, nummer: int, werte: Any) -> None:
        a = self.abschnitt
        if a is None:
            raise self.fehler(nummer, "Datenzeile ohne Tabellenabschnitt")
        if a.gelesen >= a.erwartet:
            raise self.fehler(nummer, f"Tabelle „{a.name}“ hat mehr Zeilen als angekündigt ({a.erwartet})")
        if type(werte) is not list or len(werte) != len(a.pruefungen):
            raise self.fehler(nummer, f"Tabelle „{a.name}“: erwartet eine Liste mit {len(a.pruefungen)} Werten")
        try:
            zeile = a.umwandeln(werte)
        except _FEHLER:
            raise self._wertfehler(nummer, a, werte) from None
        if a.name == "aenderung":
            self._protokoll(nummer, a, zeile)
        elif a.name == "sync_kontext" and zeile[a.index["geraet"]] == self.eigen:
            raise self.fehler(nummer, "Kontext dieses Geräts selbst im Schnappschuss")
        elif a.name == "sync_konflikt":
            self._konflikt(nummer, a, zeile)
        if a.vorgaben:
            zeile += a.vorgaben
        a.zeilen.append(zeile)
        a.gelesen += 1
        if len(a.zeilen) >= ZEILEN_JE_BLOCK:
            self.einfuegen(nummer)

    def _wertfehler(self, nummer: int, a: _Abschnitt, werte: list[Any]) -> Schnappschussfehler:
        for spalte, p, v in zip(a.spalten, a.pruefungen, werte, strict=True):
            try:
                p.pruefen(v)
            except _FEHLER as e:
                return self.fehler(nummer, f"Tabelle „{a.name}“, Spalte „{spalte}“: {e}")
        return self.fehler(nummer, f"Tabelle „{a.name}“: ungültige Werte")  # pragma: no cover - found above

    def _protokoll(self, nummer: int, a: _Abschnitt, zeile: list[Any]) -> None:
        """The log streams per device in seq order: of each device exactly 1…cursor, in one run."""
        idx = a.index
        geraet, seq = zeile[idx["geraet"]], zeile[idx["seq"]]
        if geraet != self.protokoll_geraet:
            self._protokoll_geraet_beenden(nummer)
            if geraet not in self.cursors or geraet in self.protokoll_fertig:
                raise self.fehler(nummer, f"Protokolleintrag von Gerät {str(geraet)[:8]}, das keinen Abgleich-Stand hat "
                                          "oder dessen Einträge nicht zusammenhängen")
            self.protokoll_geraet, self.protokoll_seq = geraet, 0
        if seq != self.protokoll_seq + 1:
            raise self.fehler(nummer, f"Protokoll von Gerät {geraet[:8]}: Nummer {seq}, erwartet {self.protokoll_seq + 1}")
        if seq > self.cursors[geraet]["bis_seq"]:
            raise self.fehler(nummer, f"Protokoll von Gerät {geraet[:8]} reicht über seinen Abgleich-Stand "
                                      f"{self.cursors[geraet]['bis_seq']} hinaus")
        self.protokoll_seq = seq
        aktion = zeile[idx["aktion"]]
        if aktion == AENDERN:
            ok = bool(zeile[idx["feld"]])
        else:
            inhalt = zeile[idx["neu" if aktion == ANLEGEN else "alt"]]
            ok = inhalt is not None and inhalt.lstrip()[:1] == "{"  # valid JSON (checked) starting with { is an object
        if not ok:
            raise self.fehler(nummer, f"Protokolleintrag {geraet[:8]}/{seq} passt nicht zu seiner Aktion „{aktion}“")

    def _konflikt(self, nummer: int, a: _Abschnitt, zeile: list[Any]) -> None:
        """A conflict names a replicated table and, if any, one of its fields (the merge makes no
        other; the conflict view reads the field of the record)."""
        tabelle = zeile[a.index["tabelle"]] if "tabelle" in a.index else None
        feld = zeile[a.index["feld"]] if "feld" in a.index else None
        cls = self.replikat.get(tabelle) if isinstance(tabelle, str) else None
        if cls is None:
            raise self.fehler(nummer, f"Konflikt zu unbekannter Tabelle {json.dumps(tabelle, ensure_ascii=False)[:60]}")
        if "art" in a.index and zeile[a.index["art"]] == ART_EINDEUTIG:
            # a doubly assigned key names the key's columns, e.g. ``projekt_id,jahr``
            regel = REGELN.get(str(tabelle))
            if regel is None or feld != regel.feld:
                raise self.fehler(nummer, f"Konflikt „doppelt vergeben“ zu unbekanntem Schlüssel „{str(feld)[:60]}“ "
                                          f"der Tabelle „{tabelle}“")
            return
        if feld is not None and (feld == "id" or feld not in cls.__mapper__.columns):
            raise self.fehler(nummer, f"Konflikt zu unbekanntem Feld „{str(feld)[:60]}“ der Tabelle „{tabelle}“")

    def _protokoll_geraet_beenden(self, nummer: int) -> None:
        g = self.protokoll_geraet
        if g is None:
            return
        if self.protokoll_seq != self.cursors[g]["bis_seq"]:
            raise self.fehler(nummer, f"Protokoll von Gerät {g[:8]} endet bei Nummer {self.protokoll_seq}, der "
                                      f"Abgleich-Stand nennt {self.cursors[g]['bis_seq']}")
        self.protokoll_fertig.add(g)
        self.protokoll_geraet = None

    def einfuegen(self, nummer: int) -> None:
        a = self.abschnitt
        if a is None or not a.zeilen:
            return
        if a.ids_erzeugen:
            # sorted, so the primary key index takes each block as one ascending run
            for z, neu in zip(a.zeilen, sorted(neue_ids(len(a.zeilen))), strict=True):
                z.append(neu)
        try:
            self.db.executemany(a.sql, a.zeilen)
        except sqlite3.IntegrityError as e:
            raise Schnappschussfehler(
                f"Schnappschuss, Zeilen {a.block_ab}–{nummer}: Tabelle „{a.name}“ verletzt eine Regel der Datenbank "
                f"({e}). Es wurde nichts übernommen.") from None
        except UnicodeEncodeError:
            raise Schnappschussfehler(
                f"Schnappschuss, Zeilen {a.block_ab}–{nummer}: Tabelle „{a.name}“ enthält ein ungültiges Zeichen "
                "(einzelnes Surrogat). Es wurde nichts übernommen.") from None
        if a.name in self.replikat:
            i = a.index["id"]
            geschrieben_merken(self.s, ((a.name, z[i]) for z in a.zeilen))
        a.zeilen = []
        a.block_ab = nummer + 1

    def abschnitt_beenden(self, nummer: int) -> None:
        a = self.abschnitt
        if a is None:
            return
        if a.gelesen != a.erwartet:
            raise self.fehler(nummer, f"Tabelle „{a.name}“ hat {a.gelesen} statt {a.erwartet} Zeilen")
        self.einfuegen(nummer - 1)
        if a.name == "aenderung":
            self._protokoll_geraet_beenden(nummer)
        self.zeilen[a.name] = a.gelesen
        self.abschnitt = None

    # ---------------------------------------------------------------------------- end
    def abschliessen(self, nummer: int) -> None:
        """All sections read: the log covers every cursor, references resolve, cursors and this
        device's context are set."""
        self.abschnitt_beenden(nummer)
        for _, sql in self.indizes:
            self.db.execute(sql)
        fehlend = [g for g in self.cursors if g not in self.protokoll_fertig]
        if fehlend:
            g = fehlend[0]
            raise Schnappschussfehler(f"Schnappschuss: Das Protokoll enthält keine Einträge von Gerät {g[:8]}, der "
                                      f"Abgleich-Stand nennt {self.cursors[g]['bis_seq']}. Es wurde nichts übernommen.")
        verstoss = self.db.execute("PRAGMA foreign_key_check").fetchone()
        if verstoss is not None:
            tabelle, rowid, eltern, _ = verstoss
            did = self.db.execute(f"SELECT id FROM {_q(tabelle)} WHERE rowid = ?", (rowid,)).fetchone()
            raise Schnappschussfehler(
                f"Schnappschuss: Tabelle „{tabelle}“, Datensatz {did[0] if did else rowid} verweist auf einen Datensatz "
                f"in „{eltern}“, den es im Schnappschuss nicht gibt. Es wurde nichts übernommen.")
        self.db.executemany(
            "INSERT INTO sync_geraet (id, bis_seq, letzter_hash, dateien, eigen) VALUES (?, ?, ?, ?, 0)",
            [(g, c["bis_seq"], c["letzter_hash"], c["dateien"]) for g, c in sorted(self.cursors.items())])
        # From its first entry on, this device has seen everything the snapshot covers (what
        # ``replikation`` records after each applied file).
        gesehen = {g: c["bis_seq"] for g, c in self.cursors.items()}
        if gesehen:
            self.db.execute("INSERT INTO sync_kontext (id, geraet, ab_seq, gesehen) VALUES (?, ?, 1, ?)",
                            (neue_id(), self.eigen, json.dumps(gesehen, sort_keys=True)))

    def info(self, strom: _Strom) -> Info:
        flach = {g: c["bis_seq"] for g, c in self.cursors.items()}
        return Info(self.kopf["autor"], flach, sum(flach.values()), dict(self.zeilen), strom.entpackt,
                    strom.komprimiert, self.kopf)


def _nebenindizes(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every non-unique index created by ``CREATE INDEX`` on a table a
    snapshot fills (not the ones behind a primary key or UNIQUE constraint, and no unique index)."""
    indizes = []
    for t in tabellenfolge():
        for _, name, eindeutig, herkunft, *_ in db.execute(f"PRAGMA index_list({_q(t.name)})").fetchall():
            if herkunft == "c" and not eindeutig:
                sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
                if sql and sql[0]:
                    indizes.append((name, sql[0]))
    return indizes


def _leer_pruefen(store: Store, db: sqlite3.Connection) -> None:
    for t in tabellenfolge():
        if db.execute(f"SELECT 1 FROM {_q(t.name)} LIMIT 1").fetchone() is not None:
            raise Schnappschussfehler(
                f"Ein Schnappschuss lässt sich nur in eine leere Datenbank laden; {store.pfad} enthält bereits Daten "
                f"(Tabelle „{t.name}“). Es wurde nichts geändert.")
    if db.execute("SELECT 1 FROM sync_geraet WHERE id != ? OR bis_seq != 0 OR eigen = 0 LIMIT 1",
                  (store.geraet_id,)).fetchone() is not None:
        raise Schnappschussfehler(
            f"Ein Schnappschuss lässt sich nur in eine Datenbank laden, die noch nie abgeglichen hat; {store.pfad} hat "
            "schon einen Abgleich-Stand. Es wurde nichts geändert.")


def _einlesen(lader: _Laden, strom: _Strom) -> tuple[bytes, bytes]:
    """Stream every line into ``lader``; return the digest and the signature of the trailer."""
    hasher = hashlib.sha256()
    trailer: Any = None
    for zeile in strom.zeilen():
        nummer = strom.nummer
        if trailer is not None:
            raise lader.fehler(nummer, "Daten nach dem Abschluss (Prüfsumme und Signatur)")
        try:
            if nummer == 1:
                lader.kopf_lesen(nummer, _zeile_lesen(zeile))
            elif zeile[:1] == b"[":
                lader.zeile(nummer, _zeile_lesen(zeile))
            else:
                obj = _zeile_lesen(zeile)
                if isinstance(obj, dict) and "sha256" in obj:
                    trailer = obj
                    lader.abschliessen(nummer)
                    continue  # the trailer is not part of the digest
                lader.abschnitt_beginnen(nummer, obj)
        except _Ungueltig as e:
            raise lader.fehler(nummer, str(e)) from None
        hasher.update(zeile)
        hasher.update(b"\n")
    if strom.nummer == 0:
        raise Schnappschussfehler("Der Schnappschuss ist leer. Es wurde nichts übernommen.")
    if trailer is None:
        raise Schnappschussfehler("Der Schnappschuss hat keinen Abschluss (Prüfsumme und Signatur fehlen): Er ist "
                                  "abgeschnitten oder unvollständig. Es wurde nichts übernommen.")
    digest = hasher.digest()
    if set(trailer) != {"sha256", "signatur"} or not isinstance(trailer["signatur"], str) \
            or trailer["sha256"] != digest.hex():
        raise Schnappschussfehler("Die Prüfsumme des Schnappschusses stimmt nicht: Er wurde verändert oder ist "
                                  "beschädigt. Es wurde nichts übernommen.")
    try:
        return digest, base64.b64decode(trailer["signatur"], validate=True)
    except ValueError:
        raise Schnappschussfehler("Die Signatur des Schnappschusses ist nicht lesbar (kein Base64). "
                                  "Es wurde nichts übernommen.") from None


def laden(store: Store, quelle: BinaryIO, *, pruefen: Callable[[Session, dict[str, Any], bytes, bytes], None],
          max_komprimiert: int, max_entpackt: int) -> Info:
    """Load a snapshot into an empty store in one write transaction; all or nothing.

    "Empty": no replicated record, no log entry, no context or conflict, no cursor but this
    device's own unused one. ``quelle`` is read in blocks (a downloaded file: no request belongs
    inside a DB step); ``max_komprimiert``/``max_entpackt`` cap the bytes read and unpacked.
    ``pruefen(session, kopf, digest, signatur)`` runs last, before the commit, with everything
    loaded but uncommitted in ``session`` (the trust list of the snapshot included); it raises to
    refuse. Since the signature comes last, every check here holds for unsigned input as well.
    Any failure rolls back and raises a German :class:`OzgFehler` naming the line, table and
    column; the store then is exactly as before.
    """
    try:
        return _laden(store, quelle, pruefen, max_komprimiert, max_entpackt)
    except sqlite3.Error as e:
        # the loader writes through the raw connection, past the store's own translation
        meldung = sqlite_meldung(e, store.pfad, store.warten) or f"Die Datenbank meldet einen Fehler ({e})."
        raise Schnappschussfehler(f"Der Schnappschuss konnte nicht geladen werden: {meldung} "
                                  "Es wurde nichts übernommen.") from None


def _laden(store: Store, quelle: BinaryIO, pruefen: Callable[[Session, dict[str, Any], bytes, bytes], None],
           max_komprimiert: int, max_entpackt: int) -> Info:
    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        ereignis_vormerken(s, "schnappschuss_laden")
        db: sqlite3.Connection = s.connection().connection.driver_connection  # type: ignore[assignment]
        _leer_pruefen(store, db)
        # Parents and children arrive in any order within the transaction; checked once before commit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        # SQLite's default page cache (2 MiB) makes index inserts spill to the WAL again and again;
        # 16 MiB halves the insert time of a large snapshot. A fixed bound, restored afterwards.
        cache = db.execute("PRAGMA cache_size").fetchone()[0]
        db.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
        try:
            # Secondary indexes are built once at the end from sorted data instead of being updated
            # row by row at random places: a third less CPU and far fewer page writes. Transactional
            # DDL: a failure restores them with everything else. Unique ones stay (precise errors).
            indizes = _nebenindizes(db)
            for name, _ in indizes:
                db.execute(f"DROP INDEX {_q(name)}")
            lader = _Laden(store, s, db, indizes)
            strom = _Strom(quelle, max_komprimiert, max_entpackt)
            digest, signatur = _einlesen(lader, strom)
            info = lader.info(strom)
            try:
                pruefen(s, lader.kopf, digest, signatur)
            except OzgFehler:
                raise
            except Exception as e:
                raise Schnappschussfehler(f"Der Schnappschuss wurde bei der Prüfung von Signatur und Vertrauen "
                                          f"abgelehnt ({type(e).__name__}: {e}). Es wurde nichts übernommen.") from e
        finally:
            db.execute(f"PRAGMA cache_size = {int(cache)}")
        ereignis_vormerken(s, "schnappschuss_laden", datensaetze=sum(v for k, v in info.zeilen.items()
                                                                     if k not in PROTOKOLL_TABELLEN),
                           eintraege=info.zeilen.get("aenderung", 0), abdeckung=info.abdeckung)
    return info


__all__ = ["FORMAT", "VERSION", "Info", "Schnappschussfehler", "json_sicher", "laden", "schreiben", "tabellenfolge"]
