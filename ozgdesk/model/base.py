"""Declarative base, column types for the value types, and the one JSON encoding of a column value.

Every record has a UUID text primary key: records are created offline on several devices and
replicated through the change log, so an autoincrement id would collide. Catalogue records use a
UUID derived from their natural key (e.g. the OZG-ID) so every device creates the same id.
"""

from __future__ import annotations

import uuid
from operator import methodcaller
from collections.abc import Mapping, Sequence
from datetime import date, datetime, UTC
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Table, Text, TypeDecorator, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.meldungsnamen import VERBOTEN_EINZEILIG, VERBOTEN_MEHRZEILIG, kennfelder_name, kurz, zahl
from ozgdesk.model.values import DeutschesEnum, Halbjahr, Haushaltsstelle, Quartal, dezimal_exponent, format_zahl

#: Namespace for ids derived from natural keys (catalogue entries).
OZGDESK_NS = uuid.UUID("6f1c2a52-6a0e-4a8e-9d1f-0b0c5e7a0d11")


def neue_id() -> str:
    return str(uuid.uuid4())


def abgeleitete_id(art: str, schluessel: object) -> str:
    """Stable id of a catalogue record: the same on every device that imports the same catalogue."""
    return str(uuid.uuid5(OZGDESK_NS, f"{art}:{schluessel}"))


def jetzt_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class QuartalTyp(TypeDecorator[Quartal]):
    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(Quartal.parse(value))

    def process_result_value(self, value: Any, dialect: Any) -> Quartal | None:
        return None if value is None else Quartal.parse(value)


class HaushaltsstelleTyp(TypeDecorator[Haushaltsstelle]):
    impl = String(11)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(Haushaltsstelle.parse(value))

    def process_result_value(self, value: Any, dialect: Any) -> Haushaltsstelle | None:
        return None if value is None else Haushaltsstelle.parse(value)


class CodeTyp(TypeDecorator[DeutschesEnum]):
    """Stores a :class:`DeutschesEnum` member as its stable code string."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[DeutschesEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum_cls.parse(value).value

    def process_result_value(self, value: Any, dialect: Any) -> DeutschesEnum | None:
        return None if value is None else self.enum_cls.parse(value)


class DezimalText(TypeDecorator[Decimal]):
    """Exact decimal stored as text; SQLite's NUMERIC would silently go through a float.

    ``vorkomma``/``nachkomma`` bound the digits the write check (:func:`spalten_pruefen`) lets
    through. The default fits person-days: up to 9.999.999,99 PT (a whole Ressort for centuries),
    at most two decimal places – quarter and half days are the finest unit PT are booked in, and
    a third place would be a fraction of an hour no report shows. ``1e999999`` is refused here,
    not turned into a 1-million-digit string in the database, the export and every change file.
    """

    impl = String(32)
    cache_ok = True

    def __init__(self, vorkomma: int = 7, nachkomma: int = 2) -> None:
        super().__init__()
        self.vorkomma = vorkomma
        self.nachkomma = nachkomma

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is not allowed for exact decimals")
        return str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcZeit(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamp stored as ISO text (SQLite has no timezone type)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    """Common base. ``__label__`` is the German name of the entity for messages and the change log."""

    __label__ = "Datensatz"

    if TYPE_CHECKING:
        # every ozgdesk entity is mapped to one Table (never to a join or a select), so its
        # name, constraints and columns are there; SQLAlchemy can only promise a FromClause
        __table__: ClassVar[Table]

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=neue_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


def klasse_fuer(tabelle: str | type[Base]) -> type[Base]:
    """The entity class of a table name (operations take table names, so callers need no ORM class)."""
    if isinstance(tabelle, type):
        return tabelle
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == tabelle:
            return mapper.class_
    raise KeyError(f"unknown table {tabelle!r}")


def json_wert(value: Any) -> Any:
    """One JSON encoding of a column value, shared by the change log, the export and the sync."""
    if value is None or isinstance(value, (bool, int, str)) and not isinstance(value, DeutschesEnum):
        return value
    if isinstance(value, DeutschesEnum):
        return value.value
    if isinstance(value, (Quartal, Halbjahr, Haushaltsstelle, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no JSON encoding for {type(value).__name__}")


# ------------------------------------------------------------------------------ the write check
#: Longest text a ``Text`` column takes (characters): about 15 pages, far beyond any Begründung or
#: Risiken field, small enough that an export, a change file and a PDF cell stay manageable. A
#: column may set its own limit with ``info={"max_zeichen": n}`` (the frozen report snapshot).
TEXT_MAX_ZEICHEN = 50_000

#: Integer columns hold at most this (SQLite and every SQL database take 32 bits for INTEGER).
INTEGER_BEREICH = (-(2**31) + 1, 2**31 - 1)
#: BigInteger columns are amounts in cents: at most 100 Mrd. € per record (the federal budget is
#: about 500 Mrd. €), so even a sum over 900.000 such amounts stays within SQLite's 64 bits,
#: where SUM() would otherwise fail with "integer overflow".
BIGINTEGER_BEREICH = (-(10**13), 10**13)
#: Dates of an OZG programme: the OZG is from 2017; a year 0001 or 9999 is a typing error (and
#: breaks spreadsheet programs that read the XLSX reports).
DATUM_BEREICH = (date(2000, 1, 1), date(2100, 12, 31))

_ZEICHENNAMEN = {"\x00": "NUL", "\t": "Tabulator", "\n": "Zeilenumbruch", "\r": "Wagenrücklauf (CR)",
                 "\x1b": "ESC", "\x7f": "DEL", "\u2028": "Zeilentrenner", "\u2029": "Absatztrenner",
                 "\ufeff": "Byte-Order-Mark"}


class Feldfehler(Eingabefehler):
    """A field value breaks the write check; ``feld`` is the column key (for JSON paths)."""

    def __init__(self, meldung: str, feld: str) -> None:
        super().__init__(meldung)
        self.feld = feld


def feldname(cls: type, key: str) -> str:
    """German label of a field for messages: the entity's ``__feldnamen__`` entry, else the key."""
    return getattr(cls, "__feldnamen__", {}).get(key, key)


def datensatz_name(cls: type[Base], werte: Mapping[str, Any]) -> str:
    """How a message names a record: „Projekt BMAS-2024-01“, else the label and a short id."""
    return kennfelder_name(cls.__label__, getattr(cls, "__kennfelder__", ()), werte, json_wert)


def _zeichen(text: str, mehrzeilig: bool) -> str | None:
    m = (VERBOTEN_MEHRZEILIG if mehrzeilig else VERBOTEN_EINZEILIG).search(text)
    if m is None:
        return None
    c = m.group()
    name = f"U+{ord(c):04X}" + (f" ({_ZEICHENNAMEN[c]})" if c in _ZEICHENNAMEN else "")
    if "\ud800" <= c <= "\udfff":
        return f"enthält an Stelle {m.start() + 1} ein ungültiges Zeichen ({name}, einzelnes Surrogat)."
    if c in "\n\t":
        return f"ist einzeilig; {_ZEICHENNAMEN[c]} an Stelle {m.start() + 1} ist nicht erlaubt."
    return f"enthält an Stelle {m.start() + 1} das nicht erlaubte Steuerzeichen {name}."


def spalte_pruefen(spalte: Any, wert: Any) -> str | None:
    """The generic check of one column value, derived from its type; the German problem or None.

    String(n) → at most n characters and one line; Text → at most :data:`TEXT_MAX_ZEICHEN`
    characters, \\n and \\t allowed; no control characters anywhere; Integer/BigInteger → an int
    (never a bool or float) within :data:`INTEGER_BEREICH`/:data:`BIGINTEGER_BEREICH` or the
    column's ``info["bereich"]``; DezimalText → a finite Decimal within its digit limits; Date →
    within :data:`DATUM_BEREICH`. Value types (codes, quarters, Haushaltsstellen) are checked by
    parsing them. Every write path (flush hook, JSON import, catalogue import, sync) calls this.
    """
    if wert is None:
        return None
    typ = spalte.type
    info = spalte.info
    if isinstance(typ, (CodeTyp, QuartalTyp, HaushaltsstelleTyp, UtcZeit)):
        return None  # parsed into their value type by the hook before; the type is the check
    if isinstance(typ, Boolean):
        return None if isinstance(wert, bool) else "erwartet ja oder nein."
    if isinstance(typ, (Integer, BigInteger)):
        if isinstance(wert, bool) or not isinstance(wert, int):
            return f"ganze Zahl erwartet, nicht {kurz(repr(wert))}."
        von, bis = info.get("bereich") or (BIGINTEGER_BEREICH if isinstance(typ, BigInteger) else INTEGER_BEREICH)
        if not von <= wert <= bis:
            if isinstance(typ, BigInteger) and "bereich" not in info:
                return f"Betrag von {zahl(wert)} Cent ist unplausibel (höchstens 100 Mrd. € je Buchung)."
            return f"{zahl(wert)} liegt außerhalb des erlaubten Bereichs {format_zahl(von)} bis {format_zahl(bis)}."
        return None
    if isinstance(typ, DezimalText):
        if isinstance(wert, float) or isinstance(wert, bool):
            return "Gleitkommazahlen sind nicht erlaubt."
        if not isinstance(wert, Decimal):
            return f"Dezimalzahl erwartet, nicht {kurz(repr(wert))}."
        if not wert.is_finite():
            return f"„{wert}“ ist keine endliche Zahl."
        ziffern, exponent = wert.as_tuple().digits, dezimal_exponent(wert)
        nachkomma = max(0, -exponent)
        vorkomma = max(0, len(ziffern) + exponent)
        if vorkomma > typ.vorkomma:
            return f"Zahl zu groß ({kurz(str(wert))}): höchstens {typ.vorkomma} Stellen vor dem Komma erlaubt."
        if nachkomma > typ.nachkomma and wert != wert.quantize(Decimal(1).scaleb(-typ.nachkomma)):
            return f"höchstens {typ.nachkomma} Nachkommastellen erlaubt ({kurz(str(wert))})."
        return None
    if isinstance(typ, Date):
        if isinstance(wert, datetime) or not isinstance(wert, date):
            return f"Datum erwartet, nicht {kurz(repr(wert))}."
        von, bis = info.get("bereich") or DATUM_BEREICH
        if not von <= wert <= bis:
            return f"Das Datum {wert.strftime('%d.%m.%Y')} liegt außerhalb von {von.strftime('%d.%m.%Y')} bis {bis.strftime('%d.%m.%Y')}."
        return None
    if isinstance(typ, (String, Text)):
        if not isinstance(wert, str):
            return f"Text erwartet, nicht {kurz(repr(wert))}."
        mehrzeilig = isinstance(typ, Text)
        laenge = info.get("max_zeichen") or (TEXT_MAX_ZEICHEN if mehrzeilig else typ.length)
        if laenge and len(wert) > laenge:
            return f"höchstens {format_zahl(laenge)} Zeichen erlaubt, eingegeben sind {format_zahl(len(wert))}."
        return _zeichen(wert, mehrzeilig)
    return None


def spalten_pruefen(cls: type[Base], werte: Mapping[str, Any]) -> None:
    """Check every column value of a record of ``cls``; raise :class:`Feldfehler` for the first
    bad one, naming the record and the field's German label."""
    for spalte in inspect(cls).columns:
        problem = spalte_pruefen(spalte, werte.get(spalte.key))
        if problem is not None:
            raise Feldfehler(f"{datensatz_name(cls, werte)}, Feld „{feldname(cls, spalte.key)}“: {problem}", spalte.key)


def spalten_in_ordnung(cls: type[Base], zeilen: Sequence[Mapping[str, Any]]) -> bool:
    """True if :func:`spalten_pruefen` finds nothing wrong in any of ``zeilen``; False if some value
    needs the exact check (which then names record and field).

    For bulk writers of thousands of records (the catalogue import): each column is checked at once
    with built-in functions – the set of value types, the longest text, one search for forbidden
    characters over all texts – instead of a dozen type tests per value. Only what is certainly
    within the limits passes here; anything else (an unusual type, a range to compare value by
    value) answers False and is left to :func:`spalten_pruefen`.
    """
    for spalte in inspect(cls).columns:
        werte = [w for w in map(methodcaller("get", spalte.key), zeilen) if w is not None]
        if not werte:
            continue
        typ = spalte.type
        if isinstance(typ, (CodeTyp, QuartalTyp, HaushaltsstelleTyp, UtcZeit)):
            continue  # spalte_pruefen leaves them to their value type
        arten = set(map(type, werte))
        if isinstance(typ, Boolean):
            if arten != {bool}:
                return False
        elif isinstance(typ, (Integer, BigInteger)):
            von, bis = spalte.info.get("bereich") or (BIGINTEGER_BEREICH if isinstance(typ, BigInteger)
                                                        else INTEGER_BEREICH)
            if arten != {int} or min(werte) < von or max(werte) > bis:
                return False
        elif isinstance(typ, DezimalText):
            return False
        elif isinstance(typ, Date):
            von, bis = spalte.info.get("bereich") or DATUM_BEREICH
            if arten != {date} or min(werte) < von or max(werte) > bis:  # a datetime is refused exactly
                return False
        elif isinstance(typ, (String, Text)):
            mehrzeilig = isinstance(typ, Text)
            laenge = spalte.info.get("max_zeichen") or (TEXT_MAX_ZEICHEN if mehrzeilig else typ.length)
            if arten != {str} or laenge and max(map(len, werte)) > laenge:
                return False
            # a forbidden character is one code point: found in the joined texts iff in one of them
            if (VERBOTEN_MEHRZEILIG if mehrzeilig else VERBOTEN_EINZEILIG).search("".join(werte)):
                return False
    return True


# Re-exported for the entity modules.
__all__ = [
    "Base",
    "CodeTyp",
    "DezimalText",
    "Feldfehler",
    "HaushaltsstelleTyp",
    "QuartalTyp",
    "Text",
    "UtcZeit",
    "abgeleitete_id",
    "json_wert",
    "spalte_pruefen",
    "spalten_in_ordnung",
    "spalten_pruefen",
    "jetzt_utc",
    "neue_id",
]
