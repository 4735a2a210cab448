"""The change log's rows as the Änderungsprotokoll page shows them: from raw log rows to
:class:`Protokollzeile` s with German labels, values and record names (Qt-free, no SQLAlchemy).

Both ways of reading the log end here: the full path (:func:`ozgdesk.model.protokollansicht.laden`)
and the start-up path with plain SQL (:mod:`ozgdesk.model.protokollvorab`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ozgdesk.model.protokollbenennung import Namensaufloesung, Ziel, benennung, ziel
from ozgdesk.model.protokollkatalog import TABELLEN
from ozgdesk.model.protokolltext import (
    AENDERN,
    AKTIONEN,
    QUELLGRUPPEN,
    einzeilig,
    feld_label,
    quelle_label,
    roh,
    spalten_von,
    tabellen_label,
    verweis_tabelle,
    wert_text,
    zeit_text,
)

#: entries per page (the table fetches the next page as the user scrolls)
SEITENGROESSE = 200
#: the count stops here; above it the page says „mehr als 10.000 Einträge“
ZAEHLGRENZE = 10_000
#: a value in a record's summary (created, deleted) is cut here; the full text is in the tooltip
WERT_KURZ = 120


# ------------------------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Protokollzeile:
    """One log entry as the page shows it. ``alt``/``neu``: full texts (a created or deleted
    record's fields one per line); the table shows them on one line (:func:`einzeilig`)."""

    id: str
    zeitpunkt: datetime
    seq: int
    benutzer: str
    quelle: str
    art: str
    aktion: str
    datensatz: str
    feld: str
    alt: str
    neu: str
    ziel: Ziel | None
    tabelle: str = ""
    datensatz_id: str = ""

    @property
    def zeit(self) -> str:
        return zeit_text(self.zeitpunkt)


@dataclass(frozen=True)
class Protokollfilter:
    """What the reader narrowed the log to; empty fields filter nothing.

    ``datensatz``: text in a record's name (Kennung, title, OZG-ID, name …; a child matches through
    its project or Leistung, a deleted record through its last values); ``person``: the name the
    entry was recorded under; ``von``/``bis``: days in the reader's time zone, both included;
    ``quelle``: a key of :data:`QUELLGRUPPEN`; ``tabelle``, ``aktion``: codes."""

    datensatz: str = ""
    person: str = ""
    von: date | None = None
    bis: date | None = None
    quelle: str = ""
    tabelle: str = ""
    aktion: str = ""
    aelteste_zuerst: bool = False


@dataclass(frozen=True)
class Protokollseite:
    zeilen: list[Protokollzeile]
    #: entries the filter matches, counted up to :data:`ZAEHLGRENZE` (None: not counted, a next page)
    anzahl: int | None = None
    #: True: there are more than ``anzahl``
    mindestens: bool = False


@dataclass(frozen=True)
class Filteroptionen:
    personen: list[str]
    quellen: list[tuple[str, str]] = field(default_factory=lambda: list(QUELLGRUPPEN.items()))
    arten: list[tuple[str, str]] = field(default_factory=list)
    aktionen: list[tuple[str, str]] = field(default_factory=lambda: list(AKTIONEN.items()))


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # shown as stored


def zeilen_lesbar(n: Namensaufloesung, roh: Iterable[Any]) -> list[Protokollzeile]:
    """Raw log rows (id, zeitpunkt, seq, benutzer, quelle, tabelle, datensatz_id, aktion, feld,
    alt, neu; ``zeitpunkt`` a datetime) → readable rows; every record and reference they mention is
    named in one bulk pass of ``n``."""
    eintraege = [(r, _json(r[9]), _json(r[10])) for r in roh]
    for r, alt, neu in eintraege:
        tabelle, rid, feld = r[5], r[6], r[8]
        n.anfordern(tabelle, rid)
        if feld:
            ziel = verweis_tabelle(tabelle, feld) if tabelle in TABELLEN else None
            if ziel:
                n.anfordern(ziel, alt)
                n.anfordern(ziel, neu)
        else:
            for werte in (alt, neu):
                if isinstance(werte, dict) and tabelle in TABELLEN:
                    for k, v in werte.items():
                        ziel = verweis_tabelle(tabelle, k)
                        if ziel:
                            n.anfordern(ziel, v)
    n.aufloesen()
    return [_zeile(r, alt, neu, n) for r, alt, neu in eintraege]


def _zusammenfassung(tabelle: str, werte: Any, n: Namensaufloesung) -> str:
    """A created or deleted record's fields, one per line, in the entity's column order; empty
    fields and the parents the record column names already are left out."""
    if not isinstance(werte, dict):
        return roh(werte) if werte is not None else ""
    reihenfolge = list(spalten_von(tabelle)) if tabelle in TABELLEN else sorted(werte)
    auslassen = {"id", *(s for s, _t in benennung(tabelle).eltern)}
    zeilen = []
    for k in reihenfolge:
        v = werte.get(k)
        if k in auslassen or v is None or v == "":
            continue
        zeilen.append(f"{feld_label(tabelle, k)}: {einzeilig(wert_text(tabelle, k, v, n.wert), WERT_KURZ)}")
    return "\n".join(zeilen)


def _zeile(r: Any, alt: Any, neu: Any, n: Namensaufloesung) -> Protokollzeile:
    id_, zeitpunkt, seq, benutzer, quelle, tabelle, rid, aktion, feld = r[:9]
    if feld:
        alt_text = wert_text(tabelle, feld, alt, n.wert) if aktion == AENDERN else ""
        neu_text = wert_text(tabelle, feld, neu, n.wert)
    else:
        alt_text, neu_text = _zusammenfassung(tabelle, alt, n), _zusammenfassung(tabelle, neu, n)
    return Protokollzeile(
        id=id_, zeitpunkt=zeitpunkt, seq=seq, benutzer=benutzer, quelle=quelle_label(quelle),
        art=tabellen_label(tabelle), aktion=AKTIONEN.get(aktion, aktion), datensatz=n.name(tabelle, rid),
        feld=feld_label(tabelle, feld) if feld else "", alt=alt_text, neu=neu_text,
        ziel=ziel(tabelle, rid, feld, n), tabelle=tabelle, datensatz_id=rid)
