"""Apply a catalogue export to the store in one transaction, keeping every Ressort-owned fact.

Only catalogue fields are written (names, Themenfeld, Lage, Typ, LeiKa). A removed OZG-Leistung
that still carries Ressort data (projects, assessments, responsibilities, requests, its own fields)
is flagged ``im_katalog = False`` and kept; only untouched ones are deleted. An export that changes
nothing writes nothing – no record, no log entry, no import record – so re-importing the same
monthly file is harmless and leaves no trace.

Every change goes into the change log in the same transaction. Most records go through the ORM
and its ``before_flush`` hook. The thousands of new LeiKa rows of a first import are the exception,
see :func:`protokolliert_einfuegen`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, TypeDecorator, inspect, select
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, json_wert, jetzt_utc
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.katalog import Lage, LeikaLeistung, LeikaZuordnung, Leistung, Themenfeld
from ozgdesk.model.katalogimport.datei import ohne_zyklensammler
from ozgdesk.model.katalogimport.datensaetze import Katalogimport
from ozgdesk.model.katalogimport.vergleich import Katalogdiff, vergleichen
from ozgdesk.model.katalogimport.zeilen import Katalogstand
from ozgdesk.model.roh import fuer_dbapi
from ozgdesk.model.protokoll import (
    AENDERN,
    Eintrag,
    anlegen_roh,
    protokollieren_roh,
    werte_pruefen,
    werte_pruefen_alle,
)
from ozgdesk.model.sammelschreiber import json_texte
from ozgdesk.model.values import format_zahl

_BLOCK = 500  # ids per IN (...) query; SQLite's default limit on bound parameters is far higher


#: Share of the catalogue's OZG-Leistungen an import may remove without ``erzwingen``. A monthly
#: update removes a handful; a file that removes a quarter is almost surely a partial export
#: (one Themenfeld, a filtered sheet) – the mass-deletion accident the sync guards against too.
MAX_ANTEIL_ENTFERNT = 0.25
#: Share of the rows that may carry a bad value before the file looks damaged rather than carrying
#: a few junk rows (a column shifted, keys in exponent notation, a sheet from another source). Bad
#: rows are skipped one by one; when this many are bad, skipping would quietly gut the catalogue.
MAX_ANTEIL_FEHLERHAFT = 0.25
MIN_FEHLERHAFT = 10  # below this many bad rows the share is not looked at (small test exports)

#: ``fortschritt(schritt, von, text)`` – called on the thread that applies, between the steps
Fortschritt = Callable[[int, int, str], None]


def anwenden(s: Session, stand: Katalogstand, *, erzwingen: bool = False,
             fortschritt: Fortschritt | None = None) -> tuple[Katalogdiff, Katalogimport | None]:
    """Compute the diff inside this write session and apply it. Returns the diff and the import record,
    or ``None`` when the export changes nothing (then nothing at all was written).

    Refuses (:class:`Eingabefehler`, nothing written) an export that would remove more than
    :data:`MAX_ANTEIL_ENTFERNT` of the catalogue or has bad values in more than
    :data:`MAX_ANTEIL_FEHLERHAFT` of its rows, unless ``erzwingen``.
    """
    from ozgdesk.model.store import ereignis_vormerken

    ereignis_vormerken(s, "katalogimport")
    with ohne_zyklensammler():
        d, eintrag = _anwenden(s, stand, erzwingen, fortschritt or (lambda *_a: None))
    ereignis_vormerken(s, "katalogimport", neu=len(d.neu) + len(d.wieder_aufgenommen), entfernt=len(d.entfernt),
                       umbenannt=len(d.umbenannt), geaendert=len(d.geaendert), warnungen=len(d.warnungen),
                       unveraendert=eintrag is None)
    return d, eintrag


def zu_viele_fehler(d: Katalogdiff) -> str | None:
    """The warning for an export whose rows are bad in bulk (damaged, not junk), else None."""
    st = d.stand
    if st.fehlerhafte_zeilen >= MIN_FEHLERHAFT and st.fehlerhafte_zeilen > MAX_ANTEIL_FEHLERHAFT * st.zeilen:
        return (f"{st.fehlerhafte_zeilen} von {st.zeilen} Zeilen ({round(100 * st.fehlerhafte_zeilen / st.zeilen)} %) "
                "enthalten ungültige Werte. Das sieht nach einer beschädigten oder falsch gespeicherten Datei aus, "
                "nicht nach einzelnen fehlerhaften Zeilen (siehe Hinweise).")
    return None


def bedenken(d: Katalogdiff) -> str | None:
    """Why this export should only be applied on explicit request (mass removal, mass errors), or None."""
    gruende = [w for w in (massenentfernung(d), zu_viele_fehler(d)) if w]
    return " ".join(gruende) or None


def massenentfernung(d: Katalogdiff) -> str | None:
    """The warning for an export that would remove a large share of the catalogue, else None."""
    bisher = len(d.entfernt) + d.zahlen_nachher["ozg_leistungen"] - len(d.neu)
    if bisher and len(d.entfernt) > MAX_ANTEIL_ENTFERNT * bisher:
        return (f"Der Export würde {len(d.entfernt)} von {bisher} OZG-Leistungen "
                f"({round(100 * len(d.entfernt) / bisher)} %) aus dem Katalog entfernen. Das sieht nach einem "
                "unvollständigen Export aus (nur ein Themenfeld, gefilterte Tabelle?).")
    return None


def _anwenden(s: Session, stand: Katalogstand, erzwingen: bool,
              fortschritt: Fortschritt) -> tuple[Katalogdiff, Katalogimport | None]:
    schritte = 7
    fortschritt(0, schritte, "Vergleiche mit dem Katalog in der Datenbank …")
    d = vergleichen(s, stand)
    if d.leer:
        return d, None
    warnung = bedenken(d)
    if warnung and not erzwingen:
        raise Eingabefehler(f"{warnung} Nichts wurde geändert. Wenn der Export vollständig ist: mit --erzwingen "
                            "übernehmen.")
    fortschritt(1, schritte, "Themenfelder und Lagen …")
    for w in d.plan_themenfelder:
        s.add(Themenfeld(**w))
    s.flush()  # no ORM relationships: the unit of work orders inserts only per flush
    for w in d.plan_lagen_neu:
        s.add(Lage(**w))
    for lage in _laden(s, Lage, d.plan_lagen_themenfeld):
        lage.themenfeld_id = d.plan_lagen_themenfeld[lage.id]
    s.flush()
    fortschritt(2, schritte, "OZG-Leistungen …")
    for w in d.plan_leistungen_neu:
        s.add(Leistung(**w))
    s.flush()
    aenderungen = {lid: dict(felder) for lid, felder in d.plan_leistungen_aendern.items()}
    for lid in d.plan_leistungen_markieren:
        aenderungen.setdefault(lid, {})["im_katalog"] = False
    protokolliert_aendern(s, Leistung, aenderungen)
    fortschritt(3, schritte, "Entfallene LeiKa-Zuordnungen …")
    for z in _laden(s, LeikaZuordnung, d.plan_zuordnungen_loeschen):
        s.delete(z)
    s.flush()
    for leika in _laden(s, LeikaLeistung, d.plan_leika_loeschen):
        s.delete(leika)
    for leika in _laden(s, LeikaLeistung, d.plan_leika_aendern):
        for feld, wert in d.plan_leika_aendern[leika.id].items():
            setattr(leika, feld, wert)
    s.flush()
    fortschritt(4, schritte, f"{format_zahl(len(d.plan_leika_neu))} neue LeiKa-Leistungen …")
    protokolliert_einfuegen(s, LeikaLeistung, d.plan_leika_neu)
    fortschritt(5, schritte, f"{format_zahl(len(d.plan_zuordnungen_neu))} neue LeiKa-Zuordnungen …")
    protokolliert_einfuegen(s, LeikaZuordnung, d.plan_zuordnungen_neu)
    fortschritt(6, schritte, "Entfallene Einträge aufräumen …")
    for leistung in _laden(s, Leistung, d.plan_leistungen_loeschen):
        s.delete(leistung)
    s.flush()
    for lage in _laden(s, Lage, d.plan_lagen_loeschen):
        s.delete(lage)
    s.flush()
    for tf in _laden(s, Themenfeld, d.plan_themenfelder_loeschen):
        s.delete(tf)
    s.flush()
    z = d.zahlen_nachher
    eintrag = Katalogimport(
        datei=stand.datei, sha256=stand.sha256, format=stand.format, zeitpunkt=jetzt_utc(),
        benutzer=s.info.get("benutzer") or "", zeilen=stand.zeilen,
        themenfelder=z["themenfelder"], lagen=z["lagen"], ozg_leistungen=z["ozg_leistungen"],
        leika_leistungen=z["leika_leistungen"],
        neu=len(d.neu), entfernt=len(d.entfernt), markiert=len(d.markiert),
        umbenannt=len({u.ozg_id for u in d.umbenannt}), geaendert=len({v.ozg_id for v in d.geaendert}),
        leika_neu=len(d.leika_neu), leika_entfernt=len(d.leika_entfernt), leika_geaendert=len(d.leika_geaendert),
        warnungen=len(d.warnungen),
    )
    s.add(eintrag)
    s.flush()
    fortschritt(schritte, schritte, "Speichern …")
    return d, eintrag


def _laden(s: Session, cls: type[Base], ids: Iterable[str]) -> list[Any]:
    ids = list(ids)
    ergebnis: list[Any] = []
    for i in range(0, len(ids), _BLOCK):
        ergebnis.extend(s.execute(select(cls).where(cls.id.in_(ids[i:i + _BLOCK]))).scalars())
    return ergebnis


def protokolliert_einfuegen(s: Session, cls: type[Base], zeilen: list[dict[str, Any]]) -> None:
    """Insert many new records with one ``executemany`` and write their ``anlegen`` log entries alike.

    Why not the ORM: a first import adds about 10,000 LeiKa records and assignments and changes
    the type of most OZG-Leistungen; the unit of work plus the per-object ``before_flush`` hook
    made that several times slower than reading the file (see ``bench/katalog.py``). Nothing the
    hook guarantees is skipped:

    * every record is checked with its entity's own ``pruefen()`` first;
    * for every record one ``anlegen`` entry with all its fields is written in the same
      transaction, with the session's device, user, source, transaction id and the device's next
      sequence numbers – the entry the hook would write (a test compares both);
    * every row must carry every column of the table, so the entry shows what is really stored.
    """
    if not zeilen:
        return
    spalten = sorted(c.key for c in inspect(cls).column_attrs)
    soll = set(spalten)
    falsch = next((i for i, z in enumerate(zeilen) if z.keys() != soll), len(zeilen))
    werte_pruefen_alle(cls, zeilen[:falsch])  # the flush hook's check, a column at a time
    if falsch < len(zeilen):
        raise ValueError(f"bulk insert into {cls.__tablename__}: columns {sorted(zeilen[falsch])} != {spalten}")
    _einfache_spalten(cls.__table__, spalten)
    s.flush()
    zeilen = sorted(zeilen, key=lambda z: z["id"])  # B-tree inserts in key order are cheaper
    cursor = _roh_cursor(s)
    try:
        _roh_einfuegen(cursor, cls.__table__, spalten, zeilen)
        # the columns are plain text, numbers and booleans (checked above), for which json_wert is
        # the identity: the row itself is the entry's value, encoded a column at a time
        texte = json_texte(spalten, [list(map(operator.itemgetter(k), zeilen)) for k in spalten])
        anlegen_roh(s, cursor, cls.__tablename__, [z["id"] for z in zeilen], texte)
    finally:
        cursor.close()


def protokolliert_aendern(s: Session, cls: type[Base], aenderungen: dict[str, dict[str, Any]]) -> None:
    """Set fields of many records with ``executemany`` and log one ``aendern`` entry per changed field.

    The same guarantees as :func:`protokolliert_einfuegen`: the changed record passes its
    entity's ``pruefen()``, ``alt`` is the stored value read in this transaction, and instances
    of the records held by the session are expired so nobody reads a stale value afterwards.
    """
    if not aenderungen:
        return
    s.flush()
    tabelle = cls.__table__
    spalten = [c.key for c in inspect(cls).column_attrs]
    ids = sorted(aenderungen)
    alt: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _BLOCK):
        for zeile in s.execute(select(*(tabelle.c[k] for k in spalten)).where(tabelle.c.id.in_(ids[i:i + _BLOCK]))).mappings():
            alt[zeile["id"]] = dict(zeile)
    eintraege: list[Eintrag] = []
    gruppen: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    geaendert = {rid: neu for rid in ids
                 if (neu := {f: w for f, w in aenderungen[rid].items() if json_wert(alt[rid][f]) != json_wert(w)})}
    werte_pruefen_alle(cls, [{**alt[rid], **neu} for rid, neu in geaendert.items()])  # in record order, as one by one
    for rid, neu in geaendert.items():
        felder = tuple(sorted(neu))
        gruppen.setdefault(felder, []).append((*(neu[f] for f in felder), rid))
        for f in felder:
            eintraege.append((cls.__tablename__, rid, AENDERN, f, json_wert(alt[rid][f]), json_wert(neu[f])))
    cursor = _roh_cursor(s)
    try:
        for felder, werte in gruppen.items():
            _einfache_spalten(tabelle, felder)
            cursor.executemany(f"UPDATE {tabelle.name} SET {', '.join(f'{f} = ?' for f in felder)} WHERE id = ?",
                               werte)
        protokollieren_roh(s, cursor, eintraege)  # ids are sorted: entries in record order
    finally:
        cursor.close()
    for obj in list(s.identity_map.values()):
        if isinstance(obj, cls) and obj.id in aenderungen:
            s.expire(obj)


def _pruefen(cls: type[Base], werte: dict[str, Any]) -> None:
    werte_pruefen(cls, werte)  # the flush hook's check: column limits and the entity's rules


def _einfache_spalten(tabelle: Any, spalten: Iterable[str]) -> None:
    """Refuse columns whose values need SQLAlchemy's type processing (we bind values as they are)."""
    for name in spalten:
        typ = tabelle.c[name].type
        if isinstance(typ, TypeDecorator) or not isinstance(typ, (String, Text, Boolean, Integer)):
            raise TypeError(f"column {tabelle.name}.{name} needs SQLAlchemy's type processing")


def _roh_einfuegen(cursor: Any, tabelle: Any, spalten: list[str], zeilen: list[dict[str, Any]]) -> None:
    """``executemany`` on the DB-API cursor of the session's connection (same transaction).

    SQLAlchemy's per-row parameter processing costs more than SQLite's insert itself here; the
    values are plain text, numbers and booleans (checked), which sqlite3 binds as they are.
    """
    _einfache_spalten(tabelle, spalten)
    sql = f"INSERT INTO {tabelle.name} ({', '.join(spalten)}) VALUES ({', '.join('?' for _ in spalten)})"
    cursor.executemany(sql, map(operator.itemgetter(*spalten), zeilen))


def _roh_cursor(s: Session) -> Any:
    """A DB-API cursor on the session's own connection (inside its transaction), for executemany."""
    roh = s.connection().connection.dbapi_connection
    if roh is None:  # only after the pooled connection was invalidated; the session would have failed before
        raise RuntimeError("Die Datenbankverbindung ist geschlossen.")
    return fuer_dbapi(roh).cursor()  # psycopg behind sqlite3's placeholders (ozgdesk.model.roh)
