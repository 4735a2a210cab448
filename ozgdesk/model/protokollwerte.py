"""How the change log's codes read: German labels of tables, fields, actions and sources, and
logged values in German form (Qt-free).

The log (:mod:`ozgdesk.model.protokoll`) stores what the sync needs – table and column names and
values in their JSON encoding: ``betrag_cent`` ``1250``, ``"gruen"``, ``"2026-12-31"``. Here they
become „Betrag“ „12,50 €“, „Ampel gesamt“ „grün“, „31.12.2026“. Labels have one source: an
entity's ``__label__`` and ``__feldnamen__``, the same the write check's messages and the CLI's
``setzen`` use; a test asserts that every column that can appear in the log has one.

The formatting itself lives in :mod:`ozgdesk.model.protokolltext` (no SQLAlchemy: the page may
show its first rows before SQLAlchemy is loaded), over :mod:`ozgdesk.model.protokollkatalog`, which
:func:`katalog_text` generates from the entity classes here (``python -m ozgdesk.model.protokollwerte``
writes it; ``tests/test_protokollvorab.py`` fails if it is out of date).
"""

from __future__ import annotations

import functools
import pprint
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Boolean, ColumnElement, Date, Integer

from ozgdesk.model.base import Base, CodeTyp, DezimalText, HaushaltsstelleTyp, QuartalTyp, UtcZeit
from ozgdesk.model.protokoll import NICHT_PROTOKOLLIERT, Aenderung
from ozgdesk.model.protokolltext import (  # noqa: F401 - importable from here as before
    AKTIONEN,
    LEER,
    QUELLE_NICHT_ERFASST,
    QUELLEN,
    QUELLGRUPPEN,
    WERT_LANG,
    Namen,
    einzeilig,
    feld_label,
    quelle_label,
    roh,
    tabellen_label,
    verweis_tabelle,
    wert_text,
    zeit_text,
)


def quelle_bedingung(gruppe: str) -> ColumnElement[bool]:
    if gruppe == "ohne":
        return Aenderung.quelle.not_in(list(QUELLEN))
    return Aenderung.quelle.in_([c for c, (_l, g) in QUELLEN.items() if g == gruppe])


# ------------------------------------------------------------------------------------------- classes
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


def spalte(tabelle: str, feld: str) -> Any:
    cls = klassen().get(tabelle)
    return None if cls is None else cls.__table__.columns.get(feld)


# ------------------------------------------------------------------------------------------- catalogue
def _art(typ: Any) -> tuple[str, tuple[tuple[str, str], ...]]:
    """How a column type's values read in the log (the order of the checks is the old ``wert_text``'s)."""
    if isinstance(typ, Boolean):
        return "bool", ()
    if isinstance(typ, CodeTyp):
        return "code", tuple((m.value, m.label) for m in typ.enum_cls)
    if isinstance(typ, BigInteger):  # every BigInteger column is an amount in cents
        return "euro", ()
    if isinstance(typ, Integer):
        return "ganz", ()
    if isinstance(typ, DezimalText):
        return "dezimal", ()
    if isinstance(typ, UtcZeit):
        return "zeit", ()
    if isinstance(typ, Date):
        return "datum", ()
    if isinstance(typ, QuartalTyp):
        return "quartal", ()
    if isinstance(typ, HaushaltsstelleTyp):
        return "haushaltsstelle", ()
    return "text", ()


def katalog() -> tuple[dict[str, Any], dict[str, str]]:
    """What :mod:`ozgdesk.model.protokolltext` needs of the entity classes: per logged table its
    label, ``__kennfelder__``, ``__feldnamen__`` and columns in order (kind, referenced table, codes
    with labels); and the Leistung's field names of ``leistungen setzen`` by attribute."""
    from ozgdesk.model.felder import LEISTUNG_FELDER

    tabellen: dict[str, Any] = {}
    for name in sorted(klassen()):
        cls = klassen()[name]
        spalten: dict[str, Any] = {}
        for c in cls.__table__.columns:
            art, codes = _art(c.type)
            ziel = next((str(fk.column.table.name) for fk in c.foreign_keys), None)
            spalten[c.key] = (art, ziel, codes)
        tabellen[name] = {"label": cls.__label__, "kennfelder": tuple(getattr(cls, "__kennfelder__", ())),
                          "feldnamen": dict(getattr(cls, "__feldnamen__", {})), "spalten": spalten}
    return tabellen, {f.attribut: name for name, f in LEISTUNG_FELDER.items()}


def katalog_text() -> str:
    """The source of :mod:`ozgdesk.model.protokollkatalog`."""
    tabellen, leistung = katalog()
    return ('"""What the change log\'s texts need of the mapped entities, for reading it without SQLAlchemy.\n\n'
            "Generated by ``python -m ozgdesk.model.protokollwerte`` from the entity classes – do not edit;\n"
            "``tests/test_protokollvorab.py`` regenerates it and fails if it differs.\n"
            '"""\n\nfrom typing import Any\n\n'
            "#: table → label, __kennfelder__, __feldnamen__, columns in order: (kind, referenced table, codes)\n"
            f"TABELLEN: dict[str, Any] = {pprint.pformat(tabellen, width=120, sort_dicts=False)}\n\n"
            "#: Leistung attribute → its field name of ``leistungen setzen`` (where a log row opens)\n"
            f"LEISTUNG_FELDNAMEN: dict[str, str] = {pprint.pformat(leistung, width=120)}\n")


KATALOGDATEI = Path(__file__).with_name("protokollkatalog.py")


if __name__ == "__main__":  # pragma: no cover - the generator
    import ozgdesk.sync.zustand  # noqa: F401 - its tables register, and are known as not logged

    KATALOGDATEI.write_text(katalog_text(), encoding="utf-8")
    print(f"geschrieben: {KATALOGDATEI}")
