"""The whole Ressort as one JSON document: backup, restore and machine exchange.

Format ``ozgdesk-ressort``, version 1 (described in ``docs/ressort-json.md``, JSON Schema in
``docs/ressort-export.schema.json``, both generated from the same table definitions as the
database). The document lists every record of every entity table, sorted by id, with the same
value encoding the change log uses; the change log itself and device-local settings are not part
of it. Export → import into an empty store → export gives a byte-identical document.

Import validates the whole document before it touches any file: types, required fields, code
lists, references between records and each entity's own rules. Every error names its JSON path,
e.g. ``$.tabellen.projekt[3].beginn``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, Integer, UniqueConstraint, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ozgdesk.model import ENTITAETEN
from ozgdesk.model.base import Base, CodeTyp, DezimalText, Feldfehler, HaushaltsstelleTyp, QuartalTyp, UtcZeit
from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.protokoll import datensatz_als_dict, datensatz_pruefen
from ozgdesk.model.values import Haushaltsstelle, Quartal

FORMAT = "ozgdesk-ressort"
VERSION = 1
MAX_FEHLER = 50


class Importfehler(OzgFehler):
    """The import document is invalid; ``fehler`` lists every problem found (path: message)."""

    def __init__(self, quelle: str, fehler: list[str]) -> None:
        self.fehler = fehler
        mehr = f"\n… und {len(fehler) - MAX_FEHLER} weitere Fehler" if len(fehler) > MAX_FEHLER else ""
        liste = "\n".join(f"  {f}" for f in fehler[:MAX_FEHLER])
        super().__init__(
            f"Import von {quelle} abgelehnt, nichts wurde geändert. {len(fehler)} Fehler:\n{liste}{mehr}"
        )


# ------------------------------------------------------------------------------------------- export
def exportieren(s: Session) -> dict[str, Any]:
    tabellen: dict[str, list[dict[str, Any]]] = {}
    for cls in ENTITAETEN:
        zeilen = s.execute(select(cls).order_by(cls.id)).scalars()
        tabellen[cls.__tablename__] = [datensatz_als_dict(obj) for obj in zeilen]
    return {"format": FORMAT, "version": VERSION, "tabellen": tabellen}


def als_text(dokument: dict[str, Any]) -> str:
    return json.dumps(dokument, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# ------------------------------------------------------------------------------------------- import
def _spaltenpruefer(spalte: Any) -> tuple[str, Any]:
    """(description for messages and the schema, decoder raising ValueError) of one column.

    Only the *encoding* is checked here – JSON type and the documented text form of dates,
    decimals and codes. Whether the value itself is allowed (length, characters, ranges, decimal
    places, the entity's rules) is decided by the one check every write passes,
    :func:`ozgdesk.model.protokoll.datensatz_pruefen`, which :func:`pruefen` calls per record and the
    sync calls per value; so the CLI, the GUI, this import and the sync accept the same values.
    """
    typ = spalte.type

    def text(v: Any) -> Any:
        if not isinstance(v, str):
            raise ValueError("erwartet Text")
        return v

    if isinstance(typ, CodeTyp):
        cls = typ.enum_cls

        def code(v: Any) -> Any:
            if not isinstance(v, str) or v not in {m.value for m in cls}:
                raise ValueError(f"erwartet einen dieser Werte: {', '.join(m.value for m in cls)}")
            return cls.parse(v)

        return "code", code
    if isinstance(typ, QuartalTyp):
        return "quartal", lambda v: Quartal.parse(text(v))
    if isinstance(typ, HaushaltsstelleTyp):
        return "haushaltsstelle", lambda v: Haushaltsstelle.parse(text(v))
    if isinstance(typ, DezimalText):

        def dezimal(v: Any) -> Any:
            # Any exact decimal text is decoded (we write "12.5"; "1E+2" is read as 100): whether
            # it is allowed – finite, digits, places – is the write check's verdict, word for word.
            try:
                return Decimal(text(v))
            except InvalidOperation:
                raise ValueError("erwartet eine Dezimalzahl als Text, z. B. \"12.5\"") from None

        return "dezimal", dezimal
    if isinstance(typ, UtcZeit):
        from datetime import datetime

        def zeit(v: Any) -> Any:
            try:
                return datetime.fromisoformat(text(v))
            except ValueError:
                raise ValueError("erwartet einen Zeitstempel nach ISO 8601") from None

        return "zeitstempel", zeit
    if isinstance(typ, Boolean):

        def boolean(v: Any) -> Any:
            if not isinstance(v, bool):
                raise ValueError("erwartet true oder false")
            return v

        return "boolean", boolean
    if isinstance(typ, (Integer, BigInteger)):

        def ganzzahl(v: Any) -> Any:
            if isinstance(v, bool) or not isinstance(v, int):
                raise ValueError("erwartet eine ganze Zahl")
            return v

        return "ganzzahl", ganzzahl
    if isinstance(typ, Date):

        def datum(v: Any) -> Any:
            try:
                return date.fromisoformat(text(v))
            except ValueError:
                raise ValueError("erwartet ein Datum JJJJ-MM-TT") from None

        return "datum", datum
    return "text", text


def _pflicht(spalte: Any) -> bool:
    return not spalte.nullable and spalte.default is None and not spalte.primary_key or spalte.primary_key


def pruefen(dokument: Any, quelle: str = "Dokument") -> dict[str, list[Base]]:
    """Validate a parsed document completely; return the records per table or raise Importfehler."""
    fehler: list[str] = []
    if not isinstance(dokument, dict):
        raise Importfehler(quelle, ["$: erwartet ein JSON-Objekt"])
    if dokument.get("format") != FORMAT:
        fehler.append(f"$.format: erwartet \"{FORMAT}\", gefunden {json.dumps(dokument.get('format'), ensure_ascii=False)}")
    version = dokument.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            fehler.append(f"$.version: Version {version} ist neuer als die unterstützte Version {VERSION}; bitte ozgdesk aktualisieren")
        else:
            fehler.append(f"$.version: erwartet {VERSION}")
    unbekannt = set(dokument) - {"format", "version", "tabellen"}
    fehler += [f"$.{k}: unbekannter Eintrag" for k in sorted(unbekannt)]
    tabellen = dokument.get("tabellen")
    if not isinstance(tabellen, dict):
        fehler.append("$.tabellen: erwartet ein Objekt mit einer Liste je Tabelle")
        raise Importfehler(quelle, fehler)
    bekannte = {cls.__tablename__: cls for cls in ENTITAETEN}
    fehler += [f"$.tabellen.{k}: unbekannte Tabelle" for k in sorted(set(tabellen) - set(bekannte))]

    ids: dict[str, set[str]] = {}
    objekte: dict[str, list[Base]] = {}
    verweise: list[tuple[str, str, str]] = []  # (path, target table, id)
    for cls in ENTITAETEN:
        name = cls.__tablename__
        zeilen = tabellen.get(name, [])
        if not isinstance(zeilen, list):
            fehler.append(f"$.tabellen.{name}: erwartet eine Liste")
            continue
        mapper = inspect(cls)
        spalten = {c.key: c for c in mapper.columns}
        pruefer = {k: _spaltenpruefer(c) for k, c in spalten.items()}
        ids[name] = set()
        objekte[name] = []
        for i, zeile in enumerate(zeilen):
            pfad = f"$.tabellen.{name}[{i}]"
            if not isinstance(zeile, dict):
                fehler.append(f"{pfad}: erwartet ein Objekt")
                continue
            werte: dict[str, Any] = {}
            ok = True
            for k in sorted(set(zeile) - set(spalten)):
                fehler.append(f"{pfad}.{k}: unbekanntes Feld")
                ok = False
            for k, spalte in spalten.items():
                if k not in zeile or zeile[k] is None:
                    if k in zeile and spalte.nullable:
                        werte[k] = None
                    elif _pflicht(spalte) or (k in zeile and not spalte.nullable):
                        fehler.append(f"{pfad}.{k}: Pflichtfeld fehlt")
                        ok = False
                    continue
                try:
                    werte[k] = pruefer[k][1](zeile[k])
                except (ValueError, Eingabefehler) as e:
                    gefunden = json.dumps(zeile[k], ensure_ascii=False, default=str)[:80]
                    fehler.append(f"{pfad}.{k}: {e} (gefunden: {gefunden})")
                    ok = False
                    continue
                for fk in spalte.foreign_keys:
                    verweise.append((f"{pfad}.{k}", fk.column.table.name, werte[k]))
            if not ok:
                continue
            if werte["id"] in ids[name]:
                fehler.append(f"{pfad}.id: Kennung {werte['id']} kommt doppelt vor")
                continue
            ids[name].add(werte["id"])
            obj = cls(**werte)
            try:
                datensatz_pruefen(obj)  # exactly what the flush hook will check again on writing
            except Feldfehler as e:
                fehler.append(f"{pfad}.{e.feld}: {e}")
                continue
            except Eingabefehler as e:
                fehler.append(f"{pfad}: {e}")
                continue
            objekte[name].append(obj)
        if len(fehler) > 10 * MAX_FEHLER:
            break
    for pfad, tabelle, ziel in verweise:
        if ziel not in ids.get(tabelle, set()):
            fehler.append(f"{pfad}: verweist auf {tabelle} {ziel}, das im Dokument fehlt")
    fehler += _eindeutigkeit(objekte)
    if fehler:
        raise Importfehler(quelle, fehler)
    return objekte


def _eindeutigkeit(objekte: dict[str, list[Base]]) -> list[str]:
    """Unique constraints of the schema, checked up front so the message can name the path."""
    fehler = []
    for cls in ENTITAETEN:
        tabelle = cls.__table__
        gruppen = {tuple(c.name for c in uc.columns) for uc in tabelle.constraints if isinstance(uc, UniqueConstraint)}
        gruppen |= {(c.name,) for c in tabelle.columns if c.unique}
        for gruppe in sorted(gruppen):
            gesehen: dict[tuple[Any, ...], int] = {}
            for i, obj in enumerate(objekte.get(tabelle.name, [])):
                schluessel = tuple(str(getattr(obj, k)) for k in gruppe)
                if schluessel in gesehen:
                    fehler.append(
                        f"$.tabellen.{tabelle.name}[{i}]: {', '.join(gruppe)} = {', '.join(schluessel)} "
                        f"kommt schon in Eintrag [{gesehen[schluessel]}] vor"
                    )
                else:
                    gesehen[schluessel] = i
    return fehler


#: largest import document accepted (checked before reading; a real Ressort's export is a few MB)
MAX_DATEI = 50 * 1024 * 1024
#: longest number accepted in a document (Python refuses ints over 4300 digits with a ValueError)
MAX_ZIFFERN = 40


class _ZahlZuLang(Exception):
    def __init__(self, text: str) -> None:
        self.text = text


def _zahl(text: str, art: type) -> Any:
    if len(text) > MAX_ZIFFERN:
        raise _ZahlZuLang(text)
    return art(text)


def _keine_konstante(text: str) -> Any:
    raise _ZahlZuLang(text)  # NaN, Infinity: no amount or count can be one


def _ersatzzeichen_finden(wert: Any, pfad: str = "$") -> str | None:
    """JSON path of the first text holding a lone surrogate (``"\\ud800"``), which no database can store."""
    if isinstance(wert, str):
        try:
            wert.encode("utf-8")
        except UnicodeEncodeError:
            return pfad
        return None
    if isinstance(wert, dict):
        for k, v in wert.items():
            gefunden = _ersatzzeichen_finden(k, f"{pfad} (Feldname)") or _ersatzzeichen_finden(v, f"{pfad}.{k}")
            if gefunden:
                return gefunden
    if isinstance(wert, list):
        for i, v in enumerate(wert):
            gefunden = _ersatzzeichen_finden(v, f"{pfad}[{i}]")
            if gefunden:
                return gefunden
    return None


def lesen(pfad: Path) -> dict[str, list[Base]]:
    """Read and validate a JSON file; German errors name the file, line or JSON path.

    Type and size are checked before a byte is read (:func:`ozgdesk.dateien.eingabedatei_lesen`),
    numbers longer than :data:`MAX_ZIFFERN` digits and lone surrogates are refused while parsing.
    """
    from ozgdesk.dateien import eingabedatei_lesen

    roh = eingabedatei_lesen(pfad, hoechstens=MAX_DATEI, art="ein Ressort-Export (JSON)")
    try:
        text = roh.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Importfehler(str(pfad), [f"Byte {e.start}: keine gültige UTF-8-Kodierung"]) from None
    try:
        dokument = json.loads(text, parse_float=lambda t: _zahl(t, Decimal), parse_int=lambda t: _zahl(t, int),
                              parse_constant=_keine_konstante)
    except json.JSONDecodeError as e:
        raise Importfehler(str(pfad), [f"Zeile {e.lineno}, Spalte {e.colno}: kein gültiges JSON ({_json_meldung(e.msg)})"]) from None
    except _ZahlZuLang as e:
        was = f"die Zahl mit {len(e.text)} Zeichen" if len(e.text) > MAX_ZIFFERN else f"„{e.text}“"
        raise Importfehler(str(pfad), [f"$: {was} ist keine zulässige Zahl (höchstens {MAX_ZIFFERN} Stellen, "
                                       "kein NaN oder Infinity)"]) from None
    except RecursionError:
        raise Importfehler(str(pfad), ["$: zu tief verschachtelt"]) from None
    ort = _ersatzzeichen_finden(dokument)
    if ort is not None:
        raise Importfehler(str(pfad), [f"{ort}: Text enthält ein einzelnes Ersatzzeichen (\\ud800–\\udfff), "
                                       "das kein gültiges Unicode-Zeichen ist"])
    return pruefen(dokument, str(pfad))


def _json_meldung(msg: str) -> str:
    return {
        "Expecting value": "Wert erwartet",
        "Expecting property name enclosed in double quotes": "Feldname in doppelten Anführungszeichen erwartet",
        "Expecting ',' delimiter": "Komma erwartet",
        "Expecting ':' delimiter": "Doppelpunkt erwartet",
        "Unterminated string starting at": "Text nicht abgeschlossen",
        "Extra data": "überzählige Daten nach dem Ende",
    }.get(msg, msg)


def einspielen(s: Session, objekte: dict[str, list[Base]]) -> dict[str, int]:
    """Write validated records in dependency order; the caller's transaction makes it all-or-nothing."""
    from ozgdesk.model.store import ereignis_vormerken
    from ozgdesk.model.katalog import Themenfeld
    from ozgdesk.model.organisation import Ressort

    if any(s.execute(select(c.id).limit(1)).first() is not None for c in (Ressort, Themenfeld)):
        raise Eingabefehler(
            "Die Datenbank enthält bereits ein Ressort; ein Import ist nur in eine leere Datenbank möglich "
            "(bitte mit --home einen neuen Ordner wählen). Es wurde nichts geändert."
        )
    zahlen: dict[str, int] = {}
    ereignis_vormerken(s, "json_import")
    try:
        for cls in ENTITAETEN:
            liste = objekte.get(cls.__tablename__, [])
            s.add_all(liste)
            s.flush()
            zahlen[cls.__tablename__] = len(liste)
    except IntegrityError as e:
        raise Eingabefehler(f"Import verletzt eine Regel der Datenbank ({e.orig}). Es wurde nichts geändert.") from None
    ereignis_vormerken(s, "json_import", datensaetze=sum(zahlen.values()))
    return zahlen


# ------------------------------------------------------------------------------------------- schema
_JSON_TYPEN = {
    "text": {"type": "string"},
    "code": {"type": "string"},
    "quartal": {"type": "string", "pattern": "^[0-9]{4}-Q[1-4]$"},
    "haushaltsstelle": {"type": "string", "pattern": "^[0-9]{4} [0-9]{3} [0-9]{2}$"},
    "dezimal": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
    "zeitstempel": {"type": "string", "format": "date-time"},
    "boolean": {"type": "boolean"},
    "ganzzahl": {"type": "integer"},
    "datum": {"type": "string", "format": "date"},
}


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of the export, generated from the table definitions."""
    tabellen = {}
    for cls in ENTITAETEN:
        props, pflicht = {}, []
        for spalte in inspect(cls).columns:
            art, _ = _spaltenpruefer(spalte)
            p: dict[str, Any] = dict(_JSON_TYPEN[art])
            if isinstance(spalte.type, CodeTyp):
                p["enum"] = [m.value for m in spalte.type.enum_cls]
            if spalte.nullable:
                p = {"anyOf": [p, {"type": "null"}]}
            if spalte.foreign_keys:
                p["description"] = "Kennung in " + ", ".join(fk.column.table.name for fk in spalte.foreign_keys)
            props[spalte.key] = p
            if _pflicht(spalte):
                pflicht.append(spalte.key)
        tabellen[cls.__tablename__] = {
            "type": "array",
            "description": cls.__label__,
            "items": {"type": "object", "additionalProperties": False, "properties": props, "required": pflicht},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ozgdesk – Ressort-Export",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "version", "tabellen"],
        "properties": {
            "format": {"const": FORMAT},
            "version": {"const": VERSION},
            "tabellen": {"type": "object", "additionalProperties": False, "properties": tabellen},
        },
    }
