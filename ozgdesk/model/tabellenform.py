"""The shape of a table query without its SQL: columns, rows, the user's request (Qt-free, no SQLAlchemy).

:mod:`ozgdesk.model.tabellen` builds its queries from these; the table widgets
(:mod:`ozgdesk.ui.tabellenseite`, :mod:`ozgdesk.ui.tabellenmodell`) only need these, so a table page
can be built and show its first rows before SQLAlchemy is loaded (:mod:`ozgdesk.model.schnelltabellen`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Display kinds the GUI knows how to format (German dates, euro, traffic lights, change-log cells, …).
ARTEN = ("text", "datum", "zeit", "euro", "ampel", "reifegrad", "zahl", "status", "enum", "ja_nein")


@dataclass(frozen=True)
class Spalte:
    schluessel: str
    titel: str
    #: the SQL expression (SQLAlchemy); None in a table's description without SQL
    ausdruck: Any
    art: str = "text"
    sortierbar: bool = True


@dataclass(frozen=True)
class Zeile:
    id: str
    werte: tuple[Any, ...]


@dataclass(frozen=True)
class Anfrage:
    """What the user asked for: search text, chosen filters, sort column and direction."""

    suche: str = ""
    filter: dict[str, str] = field(default_factory=dict)
    sortierung: str | None = None
    absteigend: bool = False

    def __hash__(self) -> int:  # filters are a dict; hash a frozen view so requests can be cache keys
        return hash((self.suche, tuple(sorted(self.filter.items())), self.sortierung, self.absteigend))
