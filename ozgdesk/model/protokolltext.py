"""The change log's labels and values as a person reads them, without SQLAlchemy (Qt-free).

Why a module of its own: the Änderungsprotokoll page may be the page the window starts on, and its
first rows must show before SQLAlchemy and the mapped entities are imported (a third of a second;
:mod:`ozgdesk.model.schnellstart`). So everything that turns a raw log row into what the page shows
lives in three modules without SQLAlchemy, once, and both ways of reading the log use them –
this one (labels of tables, fields, actions, sources; values in German form),
:mod:`ozgdesk.model.protokollbenennung` (record names, where a record opens) and
:mod:`ozgdesk.model.protokollzeilen` (rows):

* the full path (:mod:`ozgdesk.model.protokollansicht`, :mod:`ozgdesk.model.protokollnamen`) reads
  through the Store's session,
* the start-up path (:mod:`ozgdesk.model.protokollvorab`) reads the first page with plain SQL.

What this needs from the mapped entities – table and field labels, column order, each column's
kind (amount, date, code …), foreign keys – comes from :mod:`ozgdesk.model.protokollkatalog`, a
checked-in module generated from the entity classes (:func:`ozgdesk.model.protokollwerte.katalog_text`);
a test regenerates it and compares, so it cannot drift from them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokollkatalog import TABELLEN
from ozgdesk.model.values import Haushaltsstelle, Komponente, Quartal, format_datum, format_euro, format_zahl

ANLEGEN = "anlegen"
AENDERN = "aendern"
LOESCHEN = "loeschen"

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


# ------------------------------------------------------------------------------------------- labels
def tabellen_label(tabelle: str) -> str:
    t = TABELLEN.get(tabelle)
    return t["label"] if t is not None else tabelle


def feld_label(tabelle: str, feld: str) -> str:
    """A column's German label from its entity's ``__feldnamen__`` (the key itself if it has none –
    which the label test forbids for every logged column)."""
    t = TABELLEN.get(tabelle)
    return t["feldnamen"].get(feld, feld) if t is not None else feld


def spalten_von(tabelle: str) -> tuple[str, ...]:
    """The table's columns in the entity's order; empty for a table the log does not know."""
    t = TABELLEN.get(tabelle)
    return tuple(t["spalten"]) if t is not None else ()


def verweis_tabelle(tabelle: str, feld: str) -> str | None:
    """The table a foreign-key column refers to (``projekt.behoerde_id`` → ``behoerde``)."""
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    return sp[1] if sp is not None else None


def spalten_art(tabelle: str, feld: str) -> str | None:
    """How a column's values read (``euro``, ``datum``, ``code`` …); None if there is no such column."""
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    return sp[0] if sp is not None else None


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


def _code_label(codes: tuple[tuple[str, str], ...], wert: Any) -> str:
    """``DeutschesEnum.parse(wert).label`` over the code list kept in the catalogue."""
    s = str(wert).strip()
    for code, label in codes:
        if s == code or s.casefold() == label.casefold():
            return label
    raise Eingabefehler(f"„{s}“ ist nicht erlaubt.")


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
    t = TABELLEN.get(tabelle)
    sp = t["spalten"].get(feld) if t is not None else None
    if sp is None:
        return roh(wert)
    art, ziel, codes = sp
    if ziel is not None:
        return namen(ziel, str(wert)) if namen is not None else str(wert)
    besonders = _BESONDERE.get((tabelle, feld))
    if besonders is not None:
        return besonders(wert)
    try:
        if art == "bool":
            return "ja" if wert else "nein"
        if art == "code":
            return _code_label(codes, wert)
        if art == "euro":  # every BigInteger column is an amount in cents
            return format_euro(_ganz(wert))
        if art == "ganz":
            n = _ganz(wert)
            return format_zahl(n) if abs(n) >= 10_000 else str(n)  # years, versions, levels: no dot
        if art == "dezimal":
            return _dezimal(Decimal(str(wert)))
        if art == "zeit":
            return zeit_text(datetime.fromisoformat(str(wert)))
        if art == "datum":
            return format_datum(date.fromisoformat(str(wert)))
        if art == "quartal":
            return Quartal.parse(wert).kurz
        if art == "haushaltsstelle":
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
