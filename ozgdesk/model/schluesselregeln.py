"""Natural keys: every unique key of the replicated tables and what two creations of one key mean.

Records are created offline on several devices, so a unique key can be filled on two of them
independently – the same OZG-Leistung assigned to a project on two laptops, a Bewilligung for the
same year, a new Zahlungsplan version, the same project Kennung. Such a collision must never block
a sync (see ``docs/sync-format.md``, „Eindeutige Schlüssel“). What it means is decided here, once
per key, and carried out by the sync (:mod:`ozgdesk.sync.eindeutig`):

* :data:`ZUSAMMENLEGEN` – the key *is* the record's identity (an assignment, the Bewilligung of a
  year, the Aufwand of a quarter and kind). Such a record gets an id derived from its key
  (:func:`natuerliche_id`) when it is created, so two devices that create "the same" record
  create the same id, and the ordinary merge makes it one record – with field conflicts where
  the values differ. A duplicate that still has another id (created before ids were derived, or a
  key edited into one that exists) is *held back*: one record per key stays in the table, the
  other waits outside it, with a visible conflict when its values differ.
* :data:`BEIDE` – the key is a name or number of a record with an identity of its own (the
  project Kennung, the Zahlungsplan version, catalogue numbers); others point to such records, so
  neither may disappear. Both stay; the one ranked second shows a provisional value in the key's
  last column (:attr:`Schluesselregel.ersatzspalte`) until a person decides.
* :data:`UNVERAENDERT` – frozen records (submissions to the BMI) are evidence and never change:
  both stay exactly as they are. The table has no unique constraint (migration 0010); the
  duplicate is shown to people.

Which of two records keeps the key is :func:`rang`: the one whose id is the id its key derives,
else the smaller id – a function of the records alone, so every device decides the same.

Qt-free and sync-free: the flush hook (:mod:`ozgdesk.model.protokoll`) and the command layer
(:mod:`ozgdesk.model.bearbeiten`) use :func:`natuerliche_id`; the sync uses the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import TypeDecorator, inspect
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, abgeleitete_id, klasse_fuer, neue_id
from ozgdesk.model.protokoll import skalarer_vorgabewert

ZUSAMMENLEGEN = "zusammenlegen"
BEIDE = "beide"
UNVERAENDERT = "unveraendert"

#: Suffix of a provisional Kennung: „BMAS-NEU-1-DOPPELT“, „BMAS-NEU-1-DOPPELT2“ …
DOPPELT = "-DOPPELT"


def _kennung_ersatz(basis: Any, n: int) -> str:
    """The n-th provisional Kennung for ``basis``: valid (upper case, at most 30 characters) and
    recognisable as provisional."""
    endung = DOPPELT + (str(n) if n > 1 else "")
    return f"{str(basis)[:30 - len(endung)]}{endung}"


def _ozg_id_ersatz(_basis: Any, n: int) -> str:
    """A provisional OZG-ID: five characters, never a real one (those are five digits)."""
    return f"X{n:04d}"


def _folgende_zahl(basis: Any, n: int) -> int:
    """The n-th number after ``basis`` (the next free one is taken)."""
    return int(basis) + n


@dataclass(frozen=True)
class Schluesselregel:
    """One unique key of a replicated table and what two records with the same key mean."""

    tabelle: str
    spalten: tuple[str, ...]
    art: str
    #: ZUSAMMENLEGEN: the ``art`` of the id derived from the key (:func:`natuerliche_id`)
    id_art: str | None = None
    #: BEIDE: the column that takes a provisional value, and the n-th candidate for it
    ersatzspalte: str | None = None
    ersatz: Callable[[Any, int], Any] | None = None
    #: the id a record with these values would have if created the canonical way (for :func:`rang`)
    bevorzugt: Callable[[Mapping[str, Any]], str | None] | None = None
    #: BEIDE: a person must type the new value when resolving (a provisional one is no answer)
    neuer_wert_noetig: bool = False
    #: BEIDE: the person chooses which record is the *current* one (gets the highest number)
    aktuelle_waehlen: bool = False
    #: further fields a conflict shows for each record (besides its title line and differing fields)
    anzeige: tuple[str, ...] = ()

    @property
    def klasse(self) -> type[Base]:
        return klasse_fuer(self.tabelle)

    @property
    def feld(self) -> str:
        """The key's columns as the conflict's ``feld``: ``kennung``, ``projekt_id,jahr``."""
        return ",".join(self.spalten)

    def bevorzugte_id(self, werte: Mapping[str, Any]) -> str | None:
        if self.bevorzugt is not None:
            return self.bevorzugt(werte)
        return natuerliche_id(self.tabelle, werte)


def _abgeleitet(art: str, spalte: str) -> Callable[[Mapping[str, Any]], str | None]:
    def bevorzugt(werte: Mapping[str, Any]) -> str | None:
        wert = werte.get(spalte)
        return None if wert is None else abgeleitete_id(art, wert)
    return bevorzugt


def _lage(werte: Mapping[str, Any]) -> str | None:
    name = werte.get("name")
    return None if name is None else abgeleitete_id("lage", str(name).strip().casefold())


#: Every unique key of the replicated tables (``tests/test_sync_eindeutig.py`` checks that none is
#: missing). The sync's own tables and the change log are device-local and have no rule.
REGELN: dict[str, Schluesselregel] = {r.tabelle: r for r in (
    Schluesselregel("projekt_leistung", ("projekt_id", "leistung_id"), ZUSAMMENLEGEN, id_art="projekt-leistung"),
    Schluesselregel("leistung_verantwortung", ("leistung_id", "person_id"), ZUSAMMENLEGEN,
                    id_art="leistung-verantwortung"),
    # the catalogue import derives the same ids (katalogimport.vergleich.zuordnung_id)
    Schluesselregel("leika_zuordnung", ("leika_id", "leistung_id"), ZUSAMMENLEGEN, id_art="leika-zuordnung"),
    Schluesselregel("bewilligung", ("projekt_id", "jahr"), ZUSAMMENLEGEN, id_art="bewilligung",
                    anzeige=("betrag_cent", "personentage", "aktenzeichen")),
    Schluesselregel("aufwand", ("projekt_id", "quartal", "leistungsart"), ZUSAMMENLEGEN, id_art="aufwand",
                    anzeige=("personentage", "leistungen")),
    Schluesselregel("zahlungsplan_position", ("zahlungsplan_id", "quartal", "haushaltsstelle", "kostenart"),
                    ZUSAMMENLEGEN, id_art="zahlungsplan-position", anzeige=("betrag_cent",)),
    Schluesselregel("projekt", ("kennung",), BEIDE, ersatzspalte="kennung", ersatz=_kennung_ersatz,
                    neuer_wert_noetig=True, anzeige=("behoerde_id",)),
    Schluesselregel("zahlungsplan", ("projekt_id", "version"), BEIDE, ersatzspalte="version",
                    ersatz=_folgende_zahl, aktuelle_waehlen=True, anzeige=("bemerkung",)),
    Schluesselregel("leistung", ("ozg_id",), BEIDE, ersatzspalte="ozg_id", ersatz=_ozg_id_ersatz,
                    bevorzugt=_abgeleitet("leistung", "ozg_id"), neuer_wert_noetig=True),
    Schluesselregel("themenfeld", ("nummer",), BEIDE, ersatzspalte="nummer", ersatz=_folgende_zahl,
                    bevorzugt=_abgeleitet("themenfeld", "nummer")),
    Schluesselregel("lage", ("nummer",), BEIDE, ersatzspalte="nummer", ersatz=_folgende_zahl, bevorzugt=_lage),
    Schluesselregel("einreichung", ("art", "zeitraum", "version"), UNVERAENDERT),
)}


def schluesseltext(tabelle: str, spalte: str, wert: Any) -> str:
    """A key value as text, the same however the caller wrote it (``Quartal(2026, 3)`` and
    ``"2026-Q3"`` alike): the form the column stores."""
    typ = inspect(klasse_fuer(tabelle)).columns[spalte].type
    if isinstance(typ, TypeDecorator):  # ozgdesk's value types ignore the dialect
        wert = typ.process_bind_param(wert, cast(Any, None))
    return str(wert)


def natuerliche_id(tabelle: str, werte: Mapping[str, Any]) -> str | None:
    """The id a record of a ZUSAMMENLEGEN table has because of its key (None: no such table, or a
    key column is empty). Two devices creating the same assignment create the same id."""
    regel = REGELN.get(tabelle)
    if regel is None or regel.id_art is None:
        return None
    spalten = inspect(klasse_fuer(tabelle)).columns
    teile = []
    for k in regel.spalten:
        wert = werte.get(k)
        if wert is None:  # a column the caller left to its default (Aufwand: „Umsetzungsunterstützung“)
            wert = skalarer_vorgabewert(spalten[k])
        if wert is None:
            return None
        teile.append(schluesseltext(tabelle, k, wert))
    return abgeleitete_id(regel.id_art, ":".join(teile))


def rang(regel: Schluesselregel, datensatz_id: str, werte: Mapping[str, Any]) -> tuple[bool, str]:
    """Order among records with the same key: the first keeps it. Canonical id first, then the
    smaller id – never a clock, never the order files arrive in."""
    return (regel.bevorzugte_id(werte) != datensatz_id, datensatz_id)


def id_fuer(s: Session, obj: Base) -> str:
    """The id of a new record: derived from its key where the key is its identity, unless a record
    with that id exists here (its key was edited since) – then a random one."""
    werte = {c.key: getattr(obj, c.key, None) for c in inspect(type(obj)).column_attrs}
    kid = natuerliche_id(type(obj).__tablename__, werte)
    return kid if kid is not None and frei(s, type(obj), kid) else neue_id()


def frei(s: Session, klasse: type[Base], datensatz_id: str) -> bool:
    """No record has this id, none is being deleted in this session (a delete and a create of one
    id in one flush would be logged in the wrong order)."""
    with s.no_autoflush:
        return s.get(klasse, datensatz_id) is None and not any(
            isinstance(o, klasse) and o.id == datensatz_id for o in (*s.deleted, *s.new))
