"""Many new records in one go, with the change-log entries the flush hook would write for them.

Why: the unit of work plus the ``before_flush`` hook cost some hundred microseconds per record
(an ORM object, its checks, a log entry object, both through the unit of work). An HKR export of
100,000 payments took a quarter of a minute that way; the goal is twice the time of reading the
CSV and a plain bulk insert of the same rows (issue 18, bench/zahlungsimport.py).

Nothing the hook guarantees is skipped (``tests/test_zahlungen_schnell.py`` compares both ways):

* every record passes the checks of the hook: the column limits and the entity's ``pruefen()``
  (:func:`ozgdesk.model.protokoll.werte_pruefen_alle`), with the same first error;
* every record gets a random id as the hook gives one and exactly one ``anlegen`` entry with all its
  fields in their JSON encoding (:func:`ozgdesk.model.protokoll.datensatz_als_dict`), in the same
  transaction, with the session's device, user, source, transaction id and the device's next
  sequence numbers (:func:`ozgdesk.model.protokoll.protokollzeilen`);
* the values are stored as SQLAlchemy stores them: each column type's bind processing for this
  database; the records are noted as written for the change notifications.

On SQLite the rows go through the DB-API ``executemany`` of the session's own connection; on any
other database through SQLAlchemy Core's ``executemany`` (the generic path). Entities whose new
records take something from the session (``beim_anlegen``) or have an id derived from their key
(:mod:`ozgdesk.model.schluesselregeln`) go through the ORM, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

from sqlalchemy import TypeDecorator, inspect, insert
from sqlalchemy.orm import Session

from ozgdesk.model.base import (
    Base,
    CodeTyp,
    DezimalText,
    HaushaltsstelleTyp,
    QuartalTyp,
    UtcZeit,
    json_wert,
)
from ozgdesk.model.protokoll import (
    PROTOKOLLSPALTEN,
    Aenderung,
    _dump,
    anlegen_roh,
    anlegen_zeilen,
    neue_ids,
    skalarer_vorgabewert,
    werte_pruefen_alle,
)
from ozgdesk.model.values import Haushaltsstelle, Quartal


def einfuegen(s: Session, cls: type[Base], datensaetze: list[dict[str, Any]]) -> list[str]:
    """Insert ``datensaetze`` (column values without ``id``, typed as the entity's attributes are)
    as new records of ``cls`` in the session's transaction; returns their ids in the same order."""
    if not datensaetze:
        return []
    from ozgdesk.model.schluesselregeln import REGELN

    regel = REGELN.get(cls.__tablename__)
    spalten = list(inspect(cls).columns)
    spalte_von = {c.key: c for c in spalten}
    if getattr(cls, "beim_anlegen", None) is not None or regel is not None and regel.id_art is not None \
            or any(isinstance(c.type, DezimalText) for c in spalten):  # the hook normalises decimals first
        return _ueber_das_orm(s, cls, datensaetze)
    namen = sorted(spalte_von)
    zeilen = _vervollstaendigt(cls, spalten, datensaetze)
    werte_pruefen_alle(cls, zeilen)  # the hook's check (before the id is given), before anything is written
    ids = sorted(neue_ids(len(zeilen)))  # ascending keys: cheaper B-tree inserts, log in record order
    s.flush()  # what the session holds goes first, as the unit of work would order it
    dialekt = s.get_bind().dialect
    tabelle = cls.__table__
    spaltenwerte = {n: (ids if n == "id" else list(map(itemgetter(n), zeilen))) for n in namen}
    texte = json_texte(namen, [_gewandelt(spaltenwerte[n], _json(spalte_von[n])) for n in namen])
    if _sqlite(dialekt):
        cursor = _roh_cursor(s)
        try:
            cursor.executemany(
                f"INSERT INTO {tabelle.name} ({', '.join(namen)}) VALUES ({', '.join('?' for _ in namen)})",
                zip(*(_gewandelt(spaltenwerte[n], _umwandler(spalte_von[n], dialekt)) for n in namen), strict=True))
            anlegen_roh(s, cursor, cls.__tablename__, ids, texte)
        finally:
            cursor.close()
    else:  # the generic path: SQLAlchemy binds every value itself
        s.execute(insert(tabelle), [dict(zip(namen, werte, strict=True))
                                    for werte in zip(*spaltenwerte.values(), strict=True)])
        log = [dict(zip(PROTOKOLLSPALTEN, z, strict=True)) for z in anlegen_zeilen(s, cls.__tablename__, ids, texte)]
        if log:
            s.execute(insert(Aenderung.__table__), log)
    return ids


def _ueber_das_orm(s: Session, cls: type[Base], datensaetze: list[dict[str, Any]]) -> list[str]:
    objekte = [cls(**d) for d in datensaetze]
    s.add_all(objekte)
    s.flush()
    return [o.id for o in objekte]


_WERTTYPEN: tuple[tuple[type, type], ...] = (
    (CodeTyp, object), (QuartalTyp, Quartal), (HaushaltsstelleTyp, Haushaltsstelle), (UtcZeit, datetime))


def _vervollstaendigt(cls: type[Base], spalten: list[Any], datensaetze: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records with the plain column defaults filled in where a value is missing or None (as the
    hook fills them, so the entry shows what is stored; only such records are copied). Refuses
    values the hook would first have to turn into their value type – a bulk writer passes typed values."""
    vorgaben = {c.key: skalarer_vorgabewert(c) for c in spalten if c.key != "id"}
    schluessel = vorgaben.keys()
    mit_vorgabe = [k for k, v in vorgaben.items() if v is not None]
    vollstaendig = all(map(schluessel.__eq__, map(dict.keys, datensaetze))) and not any(
        None in list(map(itemgetter(k), datensaetze)) for k in mit_vorgabe)
    zeilen = datensaetze
    if not vollstaendig:  # some record leaves a column to its default (or names an unknown one)
        zeilen = []
        for d in datensaetze:
            if not d.keys() <= schluessel:
                raise ValueError(f"{cls.__tablename__}: unbekannte Spalten {sorted(d.keys() - schluessel)}")
            z = dict(vorgaben)
            z.update((k, w) for k, w in d.items() if w is not None or vorgaben[k] is None)
            zeilen.append(z)
    for spalte in spalten:
        typ = spalte.type
        for typklasse, werttyp in _WERTTYPEN:
            if isinstance(typ, typklasse):
                erwartet = typ.enum_cls if isinstance(typ, CodeTyp) else werttyp
                verschieden = {id(w): w for w in map(itemgetter(spalte.key), zeilen)}.values()  # by identity: cheap
                if not all(w is None or isinstance(w, erwartet) for w in verschieden):
                    raise TypeError(f"{cls.__tablename__}.{spalte.key}: Werte als {erwartet} erwartet")
    return zeilen


def _umwandler(spalte: Any, dialekt: Any) -> Callable[[Any], Any] | None:
    """The column type's bind processing for this database; None where values are bound as they are."""
    return spalte.type.dialect_impl(dialekt).bind_processor(dialekt)


def _gewandelt(werte: list[Any], wandeln: Callable[[Any], Any] | None) -> list[Any]:
    """``werte`` converted by ``wandeln``, each distinct object once (dates, Haushaltsstellen and
    codes repeat over thousands of records; equal values read from one text are one object); None
    stays None, as SQLAlchemy binds it. By identity, so that no value has to be hashable."""
    if wandeln is None:
        return werte
    schluessel = list(map(id, werte))
    verschieden = dict(zip(schluessel, werte, strict=True))
    fertig = {i: (None if w is None else wandeln(w)) for i, w in verschieden.items()}
    return list(map(fertig.__getitem__, schluessel))


def _json(spalte: Any) -> Callable[[Any], Any] | None:
    """:func:`json_wert` for a column whose values need it (value types); None where the values are
    plain texts, numbers and booleans, which it leaves as they are (the check made sure of their type)."""
    from sqlalchemy import Boolean, Integer, String

    return None if isinstance(spalte.type, (String, Integer, Boolean)) and not isinstance(spalte.type, TypeDecorator) \
        else json_wert


def json_texte(namen: list[str], spalten_json: list[list[Any]]) -> list[str]:
    """Each record's JSON object as the log writes it (``json.dumps(…, ensure_ascii=False,
    sort_keys=True)`` of its JSON values): every column encoded at once, then each record's text
    put together from its columns' texts, the keys in sorted order as ``sort_keys`` writes them."""
    vorlage = "{" + ", ".join(f"{encode_basestring(n)}: %s" for n in sorted(namen)) + "}"
    reihenfolge = sorted(range(len(namen)), key=namen.__getitem__)
    return [vorlage % werte for werte in zip(*(_werttexte(spalten_json[i]) for i in reihenfolge), strict=True)]


def _werttexte(werte: list[Any]) -> list[str]:
    """The JSON text of each value (JSON values: texts, whole numbers, booleans, None)."""
    arten = set(map(type, werte))
    if arten == {str}:
        return list(map(encode_basestring, werte))
    if arten == {int}:
        return list(map(int.__repr__, werte))
    if arten <= {bool, type(None)}:
        return list(map(_WAHRHEIT.__getitem__, werte))
    if arten <= {str, type(None)}:
        return ["null" if w is None else encode_basestring(w) for w in werte]
    return [_dump(w) for w in werte]


_WAHRHEIT = {True: "true", False: "false", None: "null"}


def _sqlite(dialekt: Any) -> bool:
    """Whether the DB-API path applies (SQLite's ``?`` parameters, its own ``executemany``)."""
    return bool(dialekt.name == "sqlite")


def _roh_cursor(s: Session) -> Any:
    """A DB-API cursor on the session's own connection (inside its transaction)."""
    roh = s.connection().connection.dbapi_connection
    if roh is None:
        raise RuntimeError("Die Datenbankverbindung ist geschlossen.")
    return roh.cursor()


__all__ = ["einfuegen", "json_texte"]
