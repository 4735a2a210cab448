"""How the change log's codes read: German labels of tables, fields, actions and sources, and
logged values in German form (Qt-free).

The log (:mod:`ozgdesk.model.protokoll`) stores what the sync needs – table and column names and
values in their JSON encoding: ``betrag_cent`` ``1250``, ``"gruen"``, ``"2026-12-31"``. Here they
become „Betrag“ „12,50 €“, „Ampel gesamt“ „grün“, „31.12.2026“. Labels have one source: an
entity's ``__label__`` and ``__feldnamen__``, the same the write check's messages and the CLI's
``setzen`` use; a test asserts that every column that can appear in the log has one.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, Boolean, ColumnElement, Date, Integer

from ozgdesk.model.base import Base, CodeTyp, DezimalText, HaushaltsstelleTyp, QuartalTyp, UtcZeit
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokoll import AENDERN, ANLEGEN, LOESCHEN, NICHT_PROTOKOLLIERT, Aenderung
from ozgdesk.model.values import Haushaltsstelle, Komponente, Quartal, format_datum, format_euro, format_zahl

#: no cell carries more text than this (an Einreichung's snapshot is megabytes of JSON)
WERT_LANG = 2_000
#: how an empty value reads
LEER = "–"

AKTIONEN = {ANLEGEN: "angelegt", AENDERN: "geändert", LOESCHEN: "gelöscht"}

# ------------------------------------------------------------------------------------------ sources
#: Source code (``Aenderung.quelle``, set by the session of each write path) → label and filter group.
#: Entries another device made arrive through the sync and are stored as ``abgleich`` here.
QUELLEN: dict[str, tuple[str, str]] = {
    "gui": ("Oberfläche", "gui"),
    "cli": ("Kommandozeile", "cli"),
    "abgleich": ("Abgleich", "abgleich"),
    "konfliktloesung": ("Konfliktlösung", "abgleich"),
    "geraete": ("Geräteverwaltung", "abgleich"),
    "import": ("JSON-Import", "import"),
    "katalogimport": ("Katalogimport", "import"),
    "katalogruecknahme": ("Katalog-Rücknahme", "import"),
    "zahlungsimport": ("HKR-Import", "import"),
    "einreichung": ("Einreichung", "einreichung"),
    "einrichtung": ("Einrichtung", "einrichtung"),
    "demo": ("Demo-Daten", "einrichtung"),
}
#: the filter's groups; ``ohne``: entries written before every write path named its source
#: (the store's default ``lokal``) – shown as „nicht erfasst“, never guessed
QUELLGRUPPEN: dict[str, str] = {
    "gui": "Oberfläche", "cli": "Kommandozeile", "abgleich": "Abgleich", "import": "Import",
    "einreichung": "Einreichung", "einrichtung": "Einrichtung", "ohne": "nicht erfasst (ältere Einträge)",
}
QUELLE_NICHT_ERFASST = "nicht erfasst"


def quelle_label(code: str | None) -> str:
    eintrag = QUELLEN.get(code or "")
    return eintrag[0] if eintrag else QUELLE_NICHT_ERFASST


def quelle_bedingung(gruppe: str) -> ColumnElement[bool]:
    if gruppe == "ohne":
        return Aenderung.quelle.not_in(list(QUELLEN))
    return Aenderung.quelle.in_([c for c, (_l, g) in QUELLEN.items() if g == gruppe])


# ------------------------------------------------------------------------------------------- labels
@functools.cache
def klassen() -> dict[str, type[Base]]:
    """Every logged table → its entity class. The sync's device-local tables are never logged:
    importing their module adds them to ``NICHT_PROTOKOLLIERT`` as it registers them."""
    import ozgdesk.model.entitaeten  # noqa: F401 - registers every entity

    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers
            if m.class_.__tablename__ not in NICHT_PROTOKOLLIERT}


def protokollierte_klassen() -> list[type[Base]]:
    """The entity classes whose writes the change log records."""
    return list(klassen().values())


def tabellen_label(tabelle: str) -> str:
    cls = klassen().get(tabelle)
    return cls.__label__ if cls is not None else tabelle


def feld_label(tabelle: str, feld: str) -> str:
    """A column's German label from its entity's ``__feldnamen__`` (the key itself if it has none –
    which the label test forbids for every logged column)."""
    cls = klassen().get(tabelle)
    return getattr(cls, "__feldnamen__", {}).get(feld, feld) if cls is not None else feld


def spalte(tabelle: str, feld: str) -> Any:
    cls = klassen().get(tabelle)
    return None if cls is None else cls.__table__.columns.get(feld)


@functools.cache
def verweis_tabelle(tabelle: str, feld: str) -> str | None:
    """The table a foreign-key column refers to (``projekt.behoerde_id`` → ``behoerde``)."""
    for fk in getattr(spalte(tabelle, feld), "foreign_keys", ()):
        return str(fk.column.table.name)
    return None


# ------------------------------------------------------------------------------------------- values
def einzeilig(text: str, laenge: int = 200) -> str:
    """A text for one table cell: lines joined with „; “, cut at ``laenge`` characters with „…“."""
    zeilen = [z.strip() for z in text.splitlines() if z.strip()]
    eine = "; ".join(zeilen)
    return eine if len(eine) <= laenge else eine[:laenge - 1].rstrip() + "…"


def _dezimal(d: Decimal) -> str:
    text = format(d, "f")
    negativ = text.startswith("-")
    ganz, _, rest = text.lstrip("-").partition(".")
    return ("-" if negativ else "") + format_zahl(int(ganz or "0")) + ("," + rest if rest else "")


def zeit_text(t: datetime) -> str:
    """A log time in the reader's time zone: ``07.12.2026 14:05``."""
    lokal = (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone()
    return f"{format_datum(lokal.date())} {lokal:%H:%M}"


def _komponenten(wert: Any) -> str:
    labels = []
    for code in str(wert).split(","):
        if code.strip():
            try:
                labels.append(Komponente.parse(code).label)
            except Eingabefehler:
                labels.append(code.strip())
    return ", ".join(labels) or LEER


#: columns whose plain type does not say how they read
_BESONDERE: dict[tuple[str, str], Callable[[Any], str]] = {("projekt", "komponenten"): _komponenten}

Namen = Callable[[str, str], str]


def wert_text(tabelle: str, feld: str, wert: Any, namen: Namen | None = None) -> str:
    """A logged value (its JSON encoding) as the GUI shows values: ``12,50 €``, ``grün``,
    ``31.12.2026``, ``ja``, ``Q3/2026``, the referenced record's name (``namen(tabelle, id)``).

    A value the column's type cannot read (a newer version's code, a damaged entry) is shown as it
    is stored rather than hidden."""
    if wert is None or wert == "":
        return LEER
    sp = spalte(tabelle, feld)
    if sp is None:
        return roh(wert)
    ziel = verweis_tabelle(tabelle, feld)
    if ziel is not None:
        return namen(ziel, str(wert)) if namen is not None else str(wert)
    besonders = _BESONDERE.get((tabelle, feld))
    if besonders is not None:
        return besonders(wert)
    typ = sp.type
    try:
        if isinstance(typ, Boolean):
            return "ja" if wert else "nein"
        if isinstance(typ, CodeTyp):
            return typ.enum_cls.parse(wert).label
        if isinstance(typ, BigInteger):  # every BigInteger column is an amount in cents
            return format_euro(_ganz(wert))
        if isinstance(typ, Integer):
            n = _ganz(wert)
            return format_zahl(n) if abs(n) >= 10_000 else str(n)  # years, versions, levels: no dot
        if isinstance(typ, DezimalText):
            return _dezimal(Decimal(str(wert)))
        if isinstance(typ, UtcZeit):
            return zeit_text(datetime.fromisoformat(str(wert)))
        if isinstance(typ, Date):
            return format_datum(date.fromisoformat(str(wert)))
        if isinstance(typ, QuartalTyp):
            return Quartal.parse(wert).kurz
        if isinstance(typ, HaushaltsstelleTyp):
            return str(Haushaltsstelle.parse(wert))
    except (ValueError, TypeError, InvalidOperation, Eingabefehler):
        return roh(wert)
    return str(wert)[:WERT_LANG]


def _ganz(wert: Any) -> int:
    if isinstance(wert, bool) or not isinstance(wert, (int, str)):
        raise TypeError("keine ganze Zahl")
    return int(wert)


def roh(wert: Any) -> str:
    if isinstance(wert, str):
        return wert[:WERT_LANG]
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    return json.dumps(wert, ensure_ascii=False)[:WERT_LANG]
