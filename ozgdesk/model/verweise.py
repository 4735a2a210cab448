"""Which records still point at a record, so a delete is refused with a German reason instead of a
foreign-key error.

The foreign keys are plain (no cascade): deleting a Behörde that projects name would fail in
SQLite with „FOREIGN KEY constraint failed“. Users need to know *what* still refers to it, e.g.
„Die Behörde „DRV Bund“ kann nicht gelöscht werden: Sie ist noch eingetragen bei 3 Projekten
(BMAS-2024-04, BMAS-2024-05, BMAS-2024-06) und 12 OZG-Leistungen.“ The references are found from
the metadata, so a new table with a foreign key is covered without touching this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, datensatz_name, klasse_fuer
from ozgdesk.model.errors import Eingabefehler

#: how many referring records a message names before it says „…“
BEISPIELE = 3


@dataclass(frozen=True)
class Verweis:
    """``anzahl`` records of ``klasse`` refer to the record through ``spalte``; ``beispiele`` names a few."""

    klasse: type[Base]
    spalte: str
    anzahl: int
    beispiele: tuple[str, ...]

    @property
    def text(self) -> str:
        namen = f" ({', '.join(self.beispiele)}{', …' if self.anzahl > len(self.beispiele) else ''})" \
            if self.beispiele else ""
        return f"{self.anzahl} × {self.klasse.__label__}{namen}"


def _klassen_je_tabelle() -> dict[str, type[Base]]:
    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}


def _beispiel(s: Session, klasse: type[Base], obj: Base, ziel: str) -> str:
    """How the message names a referring record: by its own key (Kennung, Titel) or, for a link
    record without one (a Verantwortung), by the other record it links (the OZG-Leistung 10073)."""
    kenn = getattr(klasse, "__kennfelder__", ())
    if not kenn:
        for spalte in klasse.__table__.columns:
            fremd = next((fk for fk in spalte.foreign_keys if fk.column.table.name != ziel), None)
            wert = getattr(obj, spalte.key, None)
            if fremd is not None and wert:
                andere = _klassen_je_tabelle().get(fremd.column.table.name)
                ander = s.get(andere, wert) if andere is not None else None
                if ander is not None:
                    return _name(type(ander), ander)
    return _name(klasse, obj).removeprefix(f"{klasse.__label__} ").strip("„“")


def _name(klasse: type[Base], obj: Base) -> str:
    kenn = getattr(klasse, "__kennfelder__", ())
    return datensatz_name(klasse, {k: getattr(obj, k, None) for k in (*kenn, "id")})


def verweise(s: Session, tabelle: str | type[Base], id_: str, *, ausser: set[tuple[str, str]] | None = None) -> list[Verweis]:
    """Every table whose foreign key names record ``id_`` of ``tabelle``, with a count and examples.

    ``ausser`` lists (table, id) pairs that are about to be deleted in the same step (children
    first), so they do not count as references."""
    ziel = klasse_fuer(tabelle).__tablename__
    ausser = ausser or set()
    gefunden = []
    for name, klasse in sorted(_klassen_je_tabelle().items()):
        for spalte in klasse.__table__.columns:
            if not any(fk.column.table.name == ziel for fk in spalte.foreign_keys):
                continue
            bedingung = spalte == id_
            ausgenommen = [i for t, i in ausser if t == name]
            if ausgenommen:
                bedingung = bedingung & klasse.__table__.c.id.not_in(ausgenommen)
            anzahl = s.execute(select(func.count()).select_from(klasse).where(bedingung)).scalar_one()
            if anzahl:
                beispiele = tuple(_beispiel(s, klasse, o, ziel) for o in s.execute(
                    select(klasse).where(bedingung).limit(BEISPIELE)).scalars())
                gefunden.append(Verweis(klasse, spalte.key, anzahl, beispiele))
    return gefunden


def loeschen_pruefen(s: Session, obj: Base, *, ausser: set[tuple[str, str]] | None = None) -> None:
    """Raise a German :class:`Eingabefehler` if other records still refer to ``obj``."""
    liste = verweise(s, type(obj), obj.id, ausser=ausser)
    if liste:
        name = datensatz_name(type(obj), {k: getattr(obj, k, None) for k in (*getattr(obj, "__kennfelder__", ()), "id")})
        raise Eingabefehler(
            f"{name} kann nicht gelöscht werden, solange andere Datensätze darauf verweisen: "
            f"{'; '.join(v.text for v in liste)}. Bitte diese Zuordnungen zuerst ändern oder löschen.")
