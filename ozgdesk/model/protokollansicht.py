"""The change log as a person reads it: one page of :class:`Protokollzeile` s, filtered (Qt-free).

The Änderungsprotokoll page (:mod:`ozgdesk.ui.protokollseite`) shows what this module returns:
who changed what, when, from which source, with German labels and values
(:mod:`ozgdesk.model.protokollwerte`), records named instead of their UUIDs and where each opens
(:mod:`ozgdesk.model.protokollnamen`).

Cost, for a log of a million entries (``bench/aenderungsprotokoll.py``): a page holds
:data:`SEITENGROESSE` entries, fetched newest first by keyset on (zeitpunkt, seq, id) through the
index ``ix_aenderung_zeitpunkt`` – as fast deep down as at the top, about a millisecond plus the
names. Names are resolved in bulk per page. The count stops at :data:`ZAEHLGRENZE`
(„mehr als 10.000 Einträge“): counting a million filtered rows exactly would cost a scan per
keystroke and tell the reader nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from ozgdesk.model.base import UtcZeit
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.protokollnamen import Namensaufloesung, datensatz_treffer
from ozgdesk.model.protokollbenennung import Ziel  # noqa: F401 - importable from here as before
from ozgdesk.model.protokollzeilen import (  # noqa: F401 - the rows and their texts live there (no SQLAlchemy)
    SEITENGROESSE,
    WERT_KURZ,
    ZAEHLGRENZE,
    Filteroptionen,
    Protokollfilter,
    Protokollseite,
    Protokollzeile,
    zeilen_lesbar,
)
from ozgdesk.model.protokollwerte import protokollierte_klassen, quelle_bedingung


def filteroptionen(s: Session) -> Filteroptionen:
    """The choices of the drop-downs: every person the log names (read through the index on
    ``benutzer``), every kind of record, the source groups, the actions."""
    personen = list(s.execute(select(Aenderung.benutzer).distinct().order_by(Aenderung.benutzer)).scalars())
    arten = sorted(((k.__tablename__, k.__label__) for k in protokollierte_klassen()), key=lambda kv: kv[1].casefold())
    return Filteroptionen(personen=personen, arten=arten)


def _lokaler_tagesbeginn(tag: date) -> datetime:
    return datetime.combine(tag, time.min).astimezone()


def _bedingungen(f: Protokollfilter) -> list[ColumnElement[bool]]:
    bed: list[ColumnElement[bool]] = []
    if f.person:
        bed.append(Aenderung.benutzer == f.person)
    if f.von is not None:
        bed.append(Aenderung.zeitpunkt >= _lokaler_tagesbeginn(f.von))
    if f.bis is not None:
        bed.append(Aenderung.zeitpunkt < _lokaler_tagesbeginn(f.bis + timedelta(days=1)))
    if f.quelle:
        bed.append(quelle_bedingung(f.quelle))
    if f.tabelle:
        # not through ix_aenderung_tabelle: for a common kind (a quarter million milestone entries)
        # reading them all and sorting costs 0.4–0.9 s; along the time index the first 200 come at once
        bed.append(Aenderung.tabelle.concat("") == f.tabelle)
    if f.aktion:
        bed.append(Aenderung.aktion == f.aktion)
    text = f.datensatz.strip()
    if text:
        muster = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        bed.append(or_(Aenderung.datensatz_id == text, Aenderung.datensatz_id.in_(datensatz_treffer(muster))))
    return bed


def _reihenfolge(f: Protokollfilter) -> tuple[Any, ...]:
    spalten = (Aenderung.zeitpunkt, Aenderung.seq, Aenderung.id)
    return tuple(s.asc() if f.aelteste_zuerst else s.desc() for s in spalten)


def anzahl(s: Session, f: Protokollfilter, grenze: int = ZAEHLGRENZE) -> tuple[int, bool]:
    """How many entries the filter matches, counted up to ``grenze``; True if there are more."""
    innen = select(Aenderung.id).where(*_bedingungen(f)).limit(grenze + 1).subquery()
    n = int(s.execute(select(func.count()).select_from(innen)).scalar_one())
    return min(n, grenze), n > grenze


def laden(s: Session, f: Protokollfilter, *, nach: Protokollzeile | None = None, limit: int = SEITENGROESSE,
          zaehlen: bool | None = None) -> Protokollseite:
    """One page of the log as the reader sees it: the ``limit`` entries after ``nach`` (None: the
    first page, which is also counted unless ``zaehlen`` is False), names resolved in bulk."""
    q = select(Aenderung.id, Aenderung.zeitpunkt, Aenderung.seq, Aenderung.benutzer, Aenderung.quelle,
               Aenderung.tabelle, Aenderung.datensatz_id, Aenderung.aktion, Aenderung.feld, Aenderung.alt,
               Aenderung.neu).where(*_bedingungen(f))
    if nach is not None:
        schluessel = tuple_(Aenderung.zeitpunkt, Aenderung.seq, Aenderung.id)
        wert = tuple_(literal(nach.zeitpunkt, UtcZeit()), literal(nach.seq, Integer()), literal(nach.id, Aenderung.id.type))
        q = q.where(schluessel > wert if f.aelteste_zuerst else schluessel < wert)
    roh = s.execute(q.order_by(*_reihenfolge(f)).limit(limit)).all()
    zeilen = zeilen_aufbereiten(s, roh)
    if zaehlen is None:
        zaehlen = nach is None
    if not zaehlen:
        return Protokollseite(zeilen)
    if nach is None and len(zeilen) < limit:
        return Protokollseite(zeilen, len(zeilen))  # the page holds them all: no second pass to count
    n, mehr = anzahl(s, f)
    return Protokollseite(zeilen, n, mehr)


def zeilen_aufbereiten(s: Session, roh: Iterable[Any]) -> list[Protokollzeile]:
    """Raw log rows (id, zeitpunkt, seq, benutzer, quelle, tabelle, datensatz_id, aktion, feld,
    alt, neu) → readable rows; every record and reference they mention is named in one bulk pass."""
    return zeilen_lesbar(Namensaufloesung(s), roh)
