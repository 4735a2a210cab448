"""How the change log names records: „BMAS-2024-05 – Digitaler Antrag“, „Meilenstein „Pilotbetrieb“
(BMAS-2024-05)“, „Bundesagentur für Arbeit (BA)“ instead of UUIDs – also for records deleted since,
from their last values in the log – and where a record opens (Qt-free).

How a table's records are named is declared once in :data:`BENENNUNGEN`
(:mod:`ozgdesk.model.protokollbenennung`, read without SQLAlchemy too); the same declaration
drives the filter by a record's text (:func:`datensatz_treffer`). :class:`Namensaufloesung` reads
the names one page of the log needs in bulk: one query per referenced table and level of parents
(three levels at most: a plan position → its plan → its project), plus one query of the log for
the records deleted since.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, or_, select, union
from sqlalchemy.orm import Session

from ozgdesk.model.base import json_wert
from ozgdesk.model.protokoll import LOESCHEN, Aenderung
from ozgdesk.model.protokollbenennung import (  # noqa: F401 - the naming lives there (no SQLAlchemy); importable from here
    BENENNUNGEN,
    GELOESCHT,
    Benennung,
    Logzeile,
    Ziel,
    benennung,
    ziel,
)
from ozgdesk.model.protokollbenennung import Namensaufloesung as _Namensaufloesung
from ozgdesk.model.protokollwerte import klassen


class Namensaufloesung(_Namensaufloesung):
    """Names of the records one page mentions, read in bulk through the session ``s``
    (:class:`ozgdesk.model.protokollbenennung.Namensaufloesung` for how they are resolved)."""

    def __init__(self, s: Session) -> None:
        super().__init__()
        self.s = s

    def _datensaetze_lesen(self, tabelle: str, spalten: list[str], ids: list[str]) -> Iterable[tuple[Any, ...]]:
        tab = klassen()[tabelle].__table__
        for zeile in self.s.execute(select(tab.c.id, *(tab.c[s] for s in spalten)).where(tab.c.id.in_(ids))):
            yield (zeile[0], *(json_wert(v) for v in zeile[1:]))

    def _protokoll_lesen(self, ids: list[str]) -> Iterable[Logzeile]:
        q = (select(Aenderung.tabelle, Aenderung.datensatz_id, Aenderung.aktion, Aenderung.feld, Aenderung.alt,
                    Aenderung.neu)
             .where(Aenderung.datensatz_id.in_(ids))
             .order_by(Aenderung.zeitpunkt, Aenderung.seq))
        for r in self.s.execute(q):
            yield (r[0], r[1], r[2], r[3], r[4], r[5])


def datensatz_treffer(muster: str) -> CompoundSelect[Any]:
    """Ids of the records whose name matches ``muster`` (a LIKE pattern), from :data:`BENENNUNGEN`:
    own text columns, or a parent that matches (two levels: a position matches through its plan's
    project), or – for records deleted since – the fields their deletion logged."""
    alle = klassen()

    @functools.cache
    def treffer(tabelle: str, tiefe: int) -> Any:
        cls = alle.get(tabelle)
        b = BENENNUNGEN.get(tabelle)
        if cls is None or b is None:
            return None
        tab = cls.__table__
        teile: list[ColumnElement[bool]] = [tab.c[s].ilike(muster) for s in b.suche]
        if tiefe < 2:
            for spalte, eltern in b.eltern:
                unter = treffer(eltern, tiefe + 1)
                if unter is not None:
                    teile.append(tab.c[spalte].in_(unter))
        return select(tab.c.id).where(or_(*teile)) if teile else None

    abfragen = [q for q in (treffer(t, 0) for t in BENENNUNGEN) if q is not None]
    abfragen.append(select(Aenderung.datensatz_id).where(Aenderung.aktion == LOESCHEN, Aenderung.alt.ilike(muster)))
    return union(*abfragen)
