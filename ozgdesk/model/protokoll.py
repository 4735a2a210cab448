"""The change log: every write, who, on which device, when, which record and field, old and new.

It is written by a ``before_flush`` hook inside the same transaction as the change itself, so no
code path can write data without a log entry and a crash can never leave one without the other.

Shape (designed for the sync that replicates it):

* ``anlegen``  – one entry per new record; ``neu`` holds all its fields as JSON.
* ``aendern``  – one entry per changed field; ``alt`` is the base value, ``neu`` the new one, which
  is exactly what a three-way merge per field needs.
* ``loeschen`` – one entry per deleted record; ``alt`` holds all its fields.

``geraet`` + ``seq`` identify an entry across devices: ``seq`` counts up per originating device, so
a remote device's cursor "applied up to seq N of device D" is a version vector.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint, event, func, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ozgdesk.model.base import (
    Base,
    CodeTyp,
    DezimalText,
    Feldfehler,
    HaushaltsstelleTyp,
    QuartalTyp,
    UtcZeit,
    datensatz_name,
    feldname,
    json_wert,
    jetzt_utc,
    neue_id,
    spalte_pruefen,
    spalten_in_ordnung,
    spalten_pruefen,
)
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokolltext import AENDERN, ANLEGEN, LOESCHEN  # noqa: F401 - defined there: read without SQLAlchemy too
from ozgdesk.model.values import Haushaltsstelle, Quartal



class Meta(Base):
    """Key/value facts about this store (device id, Ressort settings). Not logged, not replicated."""

    __tablename__ = "meta"
    __label__ = "Einstellung"

    # ``id`` is the key here.
    wert: Mapped[str] = mapped_column(Text, default="")


class Aenderung(Base):
    __tablename__ = "aenderung"
    __label__ = "Änderung"
    # The Änderungsprotokoll page reads the log newest first, 200 at a time, with keyset paging on
    # (zeitpunkt, seq, id) and filters: with this index a page of a million-entry log costs ~1 ms
    # instead of a 130 ms scan and sort (300 ms deep down); entries arrive in time order, so it is
    # appended to, not reshuffled (bench/aenderungsprotokoll.py, docs/datenmodell.md).
    __table_args__ = (UniqueConstraint("geraet", "seq"), Index("ix_aenderung_zeitpunkt", "zeitpunkt", "seq"))

    # no index of its own: the unique (geraet, seq) index serves every lookup by device
    geraet: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    transaktion: Mapped[str] = mapped_column(String(36), index=True)
    zeitpunkt: Mapped[datetime] = mapped_column(UtcZeit)
    benutzer: Mapped[str] = mapped_column(String(120))
    quelle: Mapped[str] = mapped_column(String(20), default="lokal")
    tabelle: Mapped[str] = mapped_column(String(40), index=True)
    datensatz_id: Mapped[str] = mapped_column(String(36), index=True)
    aktion: Mapped[str] = mapped_column(String(10))
    feld: Mapped[str | None] = mapped_column(String(60), default=None)
    alt: Mapped[str | None] = mapped_column(Text, default=None)
    neu: Mapped[str | None] = mapped_column(Text, default=None)

    @property
    def alt_wert(self) -> Any:
        return None if self.alt is None else json.loads(self.alt)

    @property
    def neu_wert(self) -> Any:
        return None if self.neu is None else json.loads(self.neu)


#: Tables whose writes are not logged: the log itself and device-local bookkeeping.
NICHT_PROTOKOLLIERT = {"aenderung", "meta"}


def spalten(obj: Base) -> list[str]:
    return [c.key for c in inspect(type(obj)).column_attrs]


def datensatz_als_dict(obj: Base) -> dict[str, Any]:
    """All column values of a record in their JSON encoding (the export and the log share it)."""
    return {k: json_wert(getattr(obj, k)) for k in spalten(obj)}


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
# JSONEncoder.encode builds its C encoder anew for every value, and the bulk writers log 10,000 and
# more entries: the same encoder made once, without the cycle check (log values are plain JSON values).
_KODIERER = None if _C_ENCODER is None else _C_ENCODER(None, _ENCODER.default, json.encoder.encode_basestring, None,
                                                        ": ", ", ", True, False, True)


def _dump(wert: Any) -> str:
    """A JSON value as the log stores it: ``json.dumps(wert, ensure_ascii=False, sort_keys=True)``."""
    if _KODIERER is None:
        return _ENCODER.encode(wert)
    if isinstance(wert, str):
        return json.encoder.encode_basestring(wert)
    return "".join(_KODIERER(wert, 0))


def _alter_wert(session: Session, obj: Base, key: str) -> Any:
    """The committed value of a field whose old value the ORM did not keep (it was expired)."""
    mapper = inspect(type(obj))
    col = mapper.columns[key]
    with session.no_autoflush:
        return session.execute(select(col).where(mapper.columns["id"] == obj.id)).scalar_one_or_none()


def _naechste_seq(session: Session, geraet: str, anzahl: int = 1) -> int:
    """The device's next sequence number; ``anzahl`` numbers from it on are reserved for the caller."""
    zaehler = session.info.get("_seq")
    if zaehler is None:
        with session.no_autoflush:
            letzte = session.execute(
                select(func.max(Aenderung.seq)).where(Aenderung.geraet == geraet)
            ).scalar_one()
        zaehler = letzte or 0
    session.info["_seq"] = zaehler + anzahl
    return int(zaehler) + 1


#: The columns of a change-log row, in the order :func:`protokollzeilen` builds them.
PROTOKOLLSPALTEN = ("id", "geraet", "seq", "transaktion", "zeitpunkt", "benutzer", "quelle", "tabelle",
                    "datensatz_id", "aktion", "feld", "alt", "neu")

#: One change to log: ``(tabelle, datensatz_id, aktion, feld, alt, neu)``, ``alt``/``neu`` as JSON
#: values (:func:`ozgdesk.model.base.json_wert`), None for none.
Eintrag = tuple[str, str, str, str | None, Any, Any]


def protokollzeilen(session: Session, eintraege: list[Eintrag], *, roh: bool = False) -> list[tuple[Any, ...]]:
    """The change-log rows (:data:`PROTOKOLLSPALTEN`) for ``eintraege``, in their order: the one writer.

    The flush hook turns them into :class:`Aenderung` records, the bulk paths (catalogue import and
    its take-back) insert them with ``executemany`` (``roh``: ``zeitpunkt`` as the stored text).
    Device, user, source, transaction and time come from the session; the device's next sequence
    numbers are reserved here. The records are noted as written (:func:`geschrieben_merken`); in a
    session without log (``ohne_protokoll``) that is all, and no rows come back.
    """
    if not eintraege:
        return []
    geschrieben_merken(session, ((e[0], e[1]) for e in eintraege))
    if session.info.get("ohne_protokoll"):
        return []
    geraet = session.info.get("geraet")
    if not geraet:
        raise RuntimeError("session without device id: open sessions through Store.session()")
    transaktion = session.info.setdefault("transaktion", neue_id())
    zeitpunkt: Any = session.info.get("zeitpunkt") or jetzt_utc()
    if roh:
        zeitpunkt = UtcZeit().process_bind_param(zeitpunkt, None)
    benutzer = session.info.get("benutzer") or "unbekannt"
    quelle = session.info.get("quelle", "lokal")
    # random ids, sorted: a caller handing entries in record order (the bulk paths) then gives both
    # the primary key and the index on datensatz_id ascending keys, which SQLite inserts far cheaper
    ids = sorted(neue_ids(len(eintraege)))
    erste = _naechste_seq(session, geraet, len(eintraege))
    return [(ids[i], geraet, erste + i, transaktion, zeitpunkt, benutzer, quelle, tabelle, rid, aktion, feld,
             None if alt is None else _dump(alt), None if neu is None else _dump(neu))
            for i, (tabelle, rid, aktion, feld, alt, neu) in enumerate(eintraege)]


def anlegen_zeilen(session: Session, tabelle: str, datensatz_ids: list[str], neu_texte: list[str], *,
                   roh: bool = False) -> Iterator[tuple[Any, ...]]:
    """The change-log rows of ``anlegen`` entries for new records of ``tabelle``, whose values
    (all fields) the caller has already encoded as :func:`_dump` does – what :func:`protokollzeilen`
    makes of ``(tabelle, id, ANLEGEN, None, None, werte)`` entries, but built a column at a time
    for a bulk writer of 100,000 records (:mod:`ozgdesk.model.sammelschreiber`). Empty in a session
    without log; the records are noted as written either way."""
    if not datensatz_ids:
        return iter(())
    geschrieben_merken(session, zip(repeat(tabelle), datensatz_ids))
    if session.info.get("ohne_protokoll"):
        return iter(())
    geraet = session.info.get("geraet")
    if not geraet:
        raise RuntimeError("session without device id: open sessions through Store.session()")
    transaktion = session.info.setdefault("transaktion", neue_id())
    zeitpunkt: Any = session.info.get("zeitpunkt") or jetzt_utc()
    if roh:
        zeitpunkt = UtcZeit().process_bind_param(zeitpunkt, None)
    benutzer = session.info.get("benutzer") or "unbekannt"
    quelle = session.info.get("quelle", "lokal")
    n = len(datensatz_ids)
    ids = sorted(neue_ids(n))  # ascending, like the records' ids: see protokollzeilen
    erste = _naechste_seq(session, geraet, n)
    return zip(ids, repeat(geraet), range(erste, erste + n), repeat(transaktion), repeat(zeitpunkt), repeat(benutzer),
               repeat(quelle), repeat(tabelle), datensatz_ids, repeat(ANLEGEN), repeat(None), repeat(None), neu_texte,
               strict=False)  # the repeats are endless; ids, datensatz_ids and neu_texte have n each


_EINFUEGEN = (f"INSERT INTO aenderung ({', '.join(PROTOKOLLSPALTEN)}) "
              f"VALUES ({', '.join('?' for _ in PROTOKOLLSPALTEN)})")


def protokollieren_roh(session: Session, cursor: Any, eintraege: list[Eintrag]) -> None:
    """Write the log entries of a bulk change with ``executemany`` on the session's DB-API ``cursor``
    (same transaction): the rows :func:`protokollzeilen` builds for the flush hook too."""
    zeilen = protokollzeilen(session, eintraege, roh=True)
    if zeilen:
        cursor.executemany(_EINFUEGEN, zeilen)


#: hex digit of a random byte's high nibble -> that nibble as the UUID variant (10xx): 8, 9, a or b
_VARIANTE = {f"{n:x}": f"{(n & 0x3) | 0x8:x}" for n in range(16)}


def anlegen_roh(session: Session, cursor: Any, tabelle: str, datensatz_ids: list[str], neu_texte: list[str]) -> None:
    """Write the ``anlegen`` entries of :func:`anlegen_zeilen` with ``executemany`` on the session's
    DB-API ``cursor`` (same transaction), as :func:`protokollieren_roh` writes the entries it builds."""
    cursor.executemany(_EINFUEGEN, anlegen_zeilen(session, tabelle, datensatz_ids, neu_texte, roh=True))


def neue_ids(anzahl: int) -> list[str]:
    """``anzahl`` random UUIDs (version 4) as text, like :func:`neue_id` but from one ``os.urandom``
    call and without building UUID objects (10,000 log ids per first import, 100,000 payments of an
    HKR export): the hex text of the random bytes with the version digit set to 4 and the variant
    digit to 8–b, as ``uuid.uuid4`` sets those bits."""
    roh = os.urandom(16 * anzahl).hex()
    v = _VARIANTE
    return [f"{roh[i:i + 8]}-{roh[i + 8:i + 12]}-4{roh[i + 13:i + 16]}-{v[roh[i + 16]]}{roh[i + 17:i + 20]}-"
            f"{roh[i + 20:i + 32]}" for i in range(0, 32 * anzahl, 32)]


def _normalisieren(obj: Base) -> None:
    """Turn codes and period strings assigned by callers into their value types before validating.

    ``m.status = "erreicht"`` must validate exactly like ``m.status = MeilensteinStatus.ERREICHT``.
    A Decimal written with an exponent (``1E+2``) or with zeros beyond the allowed places
    (``0.0000000``, whose text is ``0E-7``) becomes its plain form (``100``, ``0.00``), so the stored
    text always matches the documented export encoding; the value is the same.
    """
    for spalte in inspect(type(obj)).columns:
        wert = getattr(obj, spalte.key, None)
        typ = spalte.type
        if wert is None or isinstance(wert, (bool, int)):
            continue
        name = lambda spalte=spalte: f"{datensatz_name(type(obj), _werte(obj))}, Feld „{feldname(type(obj), spalte.key)}“"  # noqa: E731
        try:
            if isinstance(typ, CodeTyp) and not isinstance(wert, typ.enum_cls):
                setattr(obj, spalte.key, typ.enum_cls.parse(wert))
            elif isinstance(typ, QuartalTyp) and not isinstance(wert, Quartal):
                setattr(obj, spalte.key, Quartal.parse(wert))
            elif isinstance(typ, HaushaltsstelleTyp) and not isinstance(wert, Haushaltsstelle):
                setattr(obj, spalte.key, Haushaltsstelle.parse(wert))
        except Eingabefehler as e:
            raise Feldfehler(f"{name()}: {e}", spalte.key) from None
        if isinstance(typ, DezimalText) and isinstance(wert, Decimal) and wert.is_finite() \
                and spalte_pruefen(spalte, wert) is None:
            exponent = wert.as_tuple().exponent
            if not isinstance(exponent, int):  # only NaN/Infinity have a letter here; is_finite() excluded them
                return
            if exponent > 0:
                setattr(obj, spalte.key, wert.quantize(Decimal(1)))
            elif exponent < -typ.nachkomma:  # only trailing zeros beyond the places, else refused
                setattr(obj, spalte.key, wert.quantize(Decimal(1).scaleb(-typ.nachkomma)))


def _werte(obj: Base) -> dict[str, Any]:
    return {k: getattr(obj, k, None) for k in spalten(obj)}


def werte_pruefen(cls: type[Base], werte: dict[str, Any]) -> None:
    """The one check of a record given as column values: generic limits, then the entity's rules.

    Bulk writers that bypass the unit of work (the catalogue import's ``executemany``) call this
    so they accept exactly what the flush hook accepts.
    """
    if cls.__tablename__ not in NICHT_PROTOKOLLIERT:
        spalten_pruefen(cls, werte)
    pruefen = getattr(cls, "pruefen", None)
    if pruefen is not None:
        pruefen(SimpleNamespace(**werte))


def werte_pruefen_alle(cls: type[Base], zeilen: Sequence[dict[str, Any]]) -> None:
    """:func:`werte_pruefen` for many records, in their order, raising the same first error.

    The column limits are checked a column at a time (:func:`ozgdesk.model.base.spalten_in_ordnung`);
    only if some value needs a closer look is every record checked one by one, as before."""
    if cls.__tablename__ in NICHT_PROTOKOLLIERT or not spalten_in_ordnung(cls, zeilen):
        for werte in zeilen:
            werte_pruefen(cls, werte)
        return
    pruefen = getattr(cls, "pruefen", None)
    if pruefen is not None:
        ns = SimpleNamespace()  # one record view, refilled: the rules only read it
        for werte in zeilen:
            ns.__dict__.clear()
            ns.__dict__.update(werte)
            pruefen(ns)


def datensatz_pruefen(obj: Base) -> None:
    """The one check every write passes (the flush hook), also called by the JSON import up front.

    Order: value types parsed (codes, quarters, Haushaltsstellen), then the limits derived from
    the column types (length, characters, ranges, decimal digits – see
    :func:`ozgdesk.model.base.spalte_pruefen`), then the entity's own ``pruefen()`` rules.
    Device-local tables (the log, settings, sync bookkeeping) get only their own rules.
    """
    if type(obj).__tablename__ not in NICHT_PROTOKOLLIERT:
        _normalisieren(obj)
        spalten_pruefen(type(obj), _werte(obj))
    pruefen = getattr(obj, "pruefen", None)
    if pruefen is not None:
        pruefen()


_pruefen = datensatz_pruefen


def _protokollieren(session: Session, flush_context: Any, instances: Any) -> None:
    """before_flush hook: validate every new/changed record and append its log entries."""
    if session.info.get("ohne_protokoll"):
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, Base):
                _pruefen(obj)
        # device-local bookkeeping and replicated writes: no entry of ours, the unit of work itself
        geschrieben_merken(session, ((o.__tablename__, o.id) for o in (*session.new, *session.dirty, *session.deleted)
                                     if isinstance(o, Base) and o.__tablename__ not in NICHT_PROTOKOLLIERT))
        return
    eintraege: list[Eintrag] = []

    def eintrag(obj: Base, aktion: str, feld: str | None, alt: Any, neu: Any) -> None:
        eintraege.append((obj.__tablename__, obj.id, aktion, feld, alt, neu))

    for obj in list(session.new):
        if not isinstance(obj, Base) or obj.__tablename__ in NICHT_PROTOKOLLIERT:
            continue
        beim_anlegen = getattr(obj, "beim_anlegen", None)
        if beim_anlegen is not None:  # values an entity takes from the session (its author, the time)
            beim_anlegen(session.info)
        _fill_defaults(obj)
        _pruefen(obj)
        if obj.id is None:
            # after the check, which normalised the key values: a record whose key is its identity
            # gets the id derived from it, so two devices creating it create the same record
            from ozgdesk.model.schluesselregeln import id_fuer

            obj.id = id_fuer(session, obj)
        eintrag(obj, ANLEGEN, None, None, datensatz_als_dict(obj))

    for obj in list(session.dirty):
        if not isinstance(obj, Base) or obj.__tablename__ in NICHT_PROTOKOLLIERT:
            continue
        if not session.is_modified(obj, include_collections=False):
            continue
        _pruefen(obj)
        state = inspect(obj)
        for key in spalten(obj):
            hist = state.attrs[key].history
            if not hist.added:
                continue
            neu = json_wert(hist.added[0])
            alt = json_wert(hist.deleted[0]) if hist.deleted else json_wert(_alter_wert(session, obj, key))
            if key == "id" and alt != neu:
                raise Eingabefehler("Die Kennung (id) eines Datensatzes kann nicht geändert werden.")
            if alt != neu:
                eintrag(obj, AENDERN, key, alt, neu)

    for obj in list(session.deleted):
        if not isinstance(obj, Base) or obj.__tablename__ in NICHT_PROTOKOLLIERT:
            continue
        eintrag(obj, LOESCHEN, None, datensatz_als_dict(obj), None)

    for zeile in protokollzeilen(session, eintraege):
        session.add(Aenderung(**dict(zip(PROTOKOLLSPALTEN, zeile, strict=True))))


#: ``session.info`` key: the ``(tabelle, datensatz_id)`` written in this transaction so far
GESCHRIEBEN = "_geschrieben"


def geschrieben_merken(session: Session, paare: Any) -> None:
    """Note records written in this transaction; reported to :mod:`ozgdesk.model.aenderungen` on
    commit. Every writer calls this – the flush hook for its entries, the bulk paths for theirs."""
    session.info.setdefault(GESCHRIEBEN, set()).update(paare)


def _nach_flush(session: Session, _kontext: Any) -> None:
    """Replicated change-log entries (a sync adds the other devices' entries as they are) count too."""
    neu = [(o.tabelle, o.datensatz_id) for o in session.new if isinstance(o, Aenderung)]
    if neu:
        geschrieben_merken(session, neu)


def _nach_commit(session: Session) -> None:
    from ozgdesk.model import aenderungen

    paare = session.info.pop(GESCHRIEBEN, None)
    if paare:
        aenderungen.melden(paare)


def _nach_rollback(session: Session) -> None:
    session.info.pop(GESCHRIEBEN, None)


def skalarer_vorgabewert(spalte: Any) -> Any:
    """The column's plain default (``default=0``), which an INSERT without the column stores; else None.

    Callable and SQL defaults are left to the INSERT itself; the checks only need the plain ones.
    """
    vorgabe = spalte.default
    return getattr(vorgabe, "arg", None) if vorgabe is not None and vorgabe.is_scalar else None


def _fill_defaults(obj: Base) -> None:
    """Apply scalar column defaults now, so the ``anlegen`` entry shows the values really stored."""
    for col in inspect(type(obj)).columns:
        key = col.key
        vorgabe = skalarer_vorgabewert(col)
        if getattr(obj, key, None) is None and vorgabe is not None:
            setattr(obj, key, vorgabe)


def protokoll_aktivieren(session_cls: Any) -> None:
    event.listen(session_cls, "before_flush", _protokollieren)
    event.listen(session_cls, "after_flush", _nach_flush)
    event.listen(session_cls, "after_commit", _nach_commit)
    event.listen(session_cls, "after_rollback", _nach_rollback)

