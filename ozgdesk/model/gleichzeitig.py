"""Stale saves: a form saved on top of values someone else changed meanwhile is refused, never merged silently.

With a server store many people edit the same records. A form shows the values it read; when it is
saved, the operation (:class:`ozgdesk.model.bearbeiten.FelderSetzen` with ``erwartet``) compares,
inside the write transaction, each field the user changed with what the form had read. A field
that someone else changed in between – to a value other than the one typed – refuses the whole
save with :class:`Veraltet`: the German message names the field, the other person's current value,
who set it and when (from the change log), and what was typed. Fields the user did not touch are
not written at all, so another person's change to them stays.

Why compare values and not a version number per record: the change log already is the record's
history (who, when, old and new value per field), the sync merges per field as well, and two
people editing different fields of one project must not refuse each other. A version column would
add a field to every table, every export and every change file for less precision. The compare and
the write are atomic because every write transaction holds the store's write lock (SQLite's
``BEGIN IMMEDIATE``, the server's advisory lock – :mod:`ozgdesk.model.server`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, datensatz_name, feldname, json_wert
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokoll import AENDERN, ANLEGEN, Aenderung, spalten
from ozgdesk.model.values import DeutschesEnum, format_datum, format_euro, format_zahl


def gleich(a: Any, b: Any) -> bool:
    """Two field values are the same value (an enum and its code, ``Decimal('1.0')`` and ``'1.00'``)."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        try:
            return Decimal(str(a)) == Decimal(str(b))
        except InvalidOperation:
            return False
    try:
        return bool(json_wert(a) == json_wert(b))
    except TypeError:
        return bool(a == b)


def anzeigen(spalte: str, wert: Any) -> str:
    """A value as the message shows it: German numbers, dates and labels, „(leer)“ for nothing."""
    if wert is None or wert == "":
        return "(leer)"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, DeutschesEnum):
        return wert.label
    if isinstance(wert, datetime):
        return wert.astimezone().strftime("%d.%m.%Y %H:%M")
    if isinstance(wert, date):
        return format_datum(wert)
    if isinstance(wert, int):
        return format_euro(wert) if spalte.endswith("_cent") else format_zahl(wert)
    if isinstance(wert, Decimal):
        return str(wert).replace(".", ",")
    text = " ".join(str(wert).split())  # a multi-line text on one line: the message stays one sentence
    return text if len(text) <= 60 else text[:59] + "…"


@dataclass(frozen=True)
class Abweichung:
    """One field someone else changed since the form read it."""

    feld: str
    label: str
    gesehen: Any
    aktuell: Any
    eingegeben: Any
    von: str | None
    am: datetime | None


class Veraltet(Eingabefehler):
    """A save refused because another person changed the same field meanwhile (German message with
    their value and name); ``abweichungen`` lists the fields."""

    def __init__(self, meldung: str, abweichungen: list[Abweichung]) -> None:
        super().__init__(meldung)
        self.abweichungen = abweichungen


def _letzte_aenderung(s: Session, tabelle: str, datensatz_id: str, feld: str) -> tuple[str, datetime] | None:
    """Who last set ``feld`` of the record, and when (its ``aendern`` entry, else the ``anlegen``)."""
    with s.no_autoflush:
        zeile = s.execute(
            select(Aenderung.benutzer, Aenderung.zeitpunkt)
            .where(Aenderung.tabelle == tabelle, Aenderung.datensatz_id == datensatz_id,
                   ((Aenderung.aktion == AENDERN) & (Aenderung.feld == feld)) | (Aenderung.aktion == ANLEGEN))
            .order_by(Aenderung.zeitpunkt.desc(), (Aenderung.aktion == AENDERN).desc(), Aenderung.seq.desc())
            .limit(1)).first()
    return (zeile[0], zeile[1]) if zeile else None


def pruefen(s: Session, obj: Base, gesehen: dict[str, Any], neu: dict[str, Any]) -> None:
    """Refuse with :class:`Veraltet` if a field of ``neu`` now holds neither the value the user saw
    (``gesehen``) nor the one typed (``neu``): someone else changed it in between."""
    klasse = type(obj)
    bekannt = set(spalten(obj))
    abweichungen = []
    for feld, eingegeben in neu.items():
        if feld not in bekannt or feld not in gesehen:
            continue
        aktuell = getattr(obj, feld)
        if gleich(aktuell, gesehen[feld]) or gleich(aktuell, eingegeben):
            continue
        wer = _letzte_aenderung(s, klasse.__tablename__, obj.id, feld)
        abweichungen.append(Abweichung(feld, feldname(klasse, feld), gesehen[feld], aktuell, eingegeben,
                                       wer[0] if wer else None, wer[1] if wer else None))
    if abweichungen:
        raise Veraltet(_meldung(klasse, obj, abweichungen), abweichungen)


def _meldung(klasse: type[Base], obj: Base, abweichungen: list[Abweichung]) -> str:
    name = datensatz_name(klasse, {k: getattr(obj, k, None) for k in spalten(obj)})

    def aenderung(a: Abweichung) -> str:
        wer = a.von or "jemand anderes"
        wann = f" am {a.am.astimezone().strftime('%d.%m.%Y um %H:%M')} Uhr" if a.am else ""
        return (f"„{a.label}“ hat {wer}{wann} auf „{anzeigen(a.feld, a.aktuell)}“ geändert "
                f"(Ihre Eingabe: „{anzeigen(a.feld, a.eingegeben)}“)")

    return (f"Nicht gespeichert – {name} wurde inzwischen geändert: " + "; ".join(map(aenderung, abweichungen))
            + ". Damit nichts überschrieben wird, wurde nichts gespeichert; bitte neu laden und die Eingabe bei "
            "Bedarf wiederholen.")
