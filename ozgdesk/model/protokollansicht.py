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

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from ozgdesk.model.base import UtcZeit
from ozgdesk.model.protokoll import AENDERN, Aenderung
from ozgdesk.model.protokollnamen import Namensaufloesung, Ziel, benennung, datensatz_treffer, ziel
from ozgdesk.model.protokollwerte import (
    AKTIONEN,
    QUELLGRUPPEN,
    einzeilig,
    feld_label,
    klassen,
    protokollierte_klassen,
    quelle_bedingung,
    quelle_label,
    roh,
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


def _json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text  # shown as stored


def zeilen_aufbereiten(s: Session, roh: Iterable[Any]) -> list[Protokollzeile]:
    """Raw log rows (id, zeitpunkt, seq, benutzer, quelle, tabelle, datensatz_id, aktion, feld,
    alt, neu) → readable rows; every record and reference they mention is named in one bulk pass."""
    eintraege = [(r, _json(r[9]), _json(r[10])) for r in roh]
    n = Namensaufloesung(s)
    for r, alt, neu in eintraege:
        tabelle, rid, feld = r[5], r[6], r[8]
        n.anfordern(tabelle, rid)
        if feld:
            ziel = verweis_tabelle(tabelle, feld) if tabelle in klassen() else None
            if ziel:
                n.anfordern(ziel, alt)
                n.anfordern(ziel, neu)
        else:
            for werte in (alt, neu):
                if isinstance(werte, dict) and tabelle in klassen():
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
    cls = klassen().get(tabelle)
    reihenfolge = [c.key for c in cls.__table__.columns] if cls is not None else sorted(werte)
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
