"""The catalogue ozgdesk ships: 14 Themenfelder, 55 Lagen and 557 OZG-Leistungen (public data).

Loaded into every new store so a Ressort can start offline. Ids are derived from the catalogue
numbers, so two devices that start from the shipped catalogue hold identical records and the sync
has nothing to reconcile. Monthly updates come through the catalogue import, not through here.
"""

from __future__ import annotations

import csv
from importlib.resources.abc import Traversable
from typing import TextIO

from sqlalchemy.orm import Session

from ozgdesk import daten
from ozgdesk.model.base import abgeleitete_id
from ozgdesk.model.katalog import Lage, Leistung, Themenfeld
from ozgdesk.model.values import Lagenart


def katalog_ordner() -> Traversable:
    """The shipped catalogue inside the package (``ozgdesk/daten/katalog``); open its files with
    ``.open()`` or :func:`katalog_oeffnen`, not with :func:`open` (see :mod:`ozgdesk.daten`)."""
    return daten.ordner(daten.KATALOG)


def katalog_oeffnen(name: str) -> TextIO:
    """One CSV file of the shipped catalogue, opened for :mod:`csv`."""
    return daten.text_oeffnen(daten.KATALOG, name)


def _lies(name: str) -> list[dict[str, str]]:
    with katalog_oeffnen(name) as f:
        return list(csv.DictReader(f))


def themenfeld_id(nummer: int) -> str:
    return abgeleitete_id("themenfeld", nummer)


def lage_id(name: str) -> str:
    return abgeleitete_id("lage", name.strip().casefold())


def leistung_id(ozg_id: str) -> str:
    return abgeleitete_id("leistung", ozg_id)


def katalog_laden(session: Session) -> dict[str, int]:
    """Add the shipped catalogue to an empty store; returns the counts added."""
    themenfelder = {}
    for z in _lies("themenfelder.csv"):
        tf = Themenfeld(id=themenfeld_id(int(z["themenfeld_id"])), nummer=int(z["themenfeld_id"]), name=z["themenfeld"])
        themenfelder[tf.name] = tf
        session.add(tf)
    session.flush()  # no ORM relationships: the unit of work orders inserts only per flush
    lagen = {}
    for z in _lies("lebens_geschaeftslagen.csv"):
        lage = Lage(
            id=lage_id(z["lage"]),
            nummer=int(z["lage_id"]),
            name=z["lage"],
            art=Lagenart.parse(z["art"]),
            themenfeld_id=themenfeld_id(int(z["themenfeld_id"])),
        )
        lagen[lage.name] = lage
        session.add(lage)
    session.flush()
    anzahl = 0
    for z in _lies("ozg_leistungen.csv"):
        session.add(
            Leistung(
                id=leistung_id(z["ozg_id"]),
                ozg_id=z["ozg_id"],
                bezeichnung=z["ozg_leistung"],
                themenfeld_id=themenfelder[z["themenfeld"]].id,
                lage_id=lagen[z["lage"]].id if z["lage"] in lagen else None,
            )
        )
        anzahl += 1
    return {"themenfelder": len(themenfelder), "lagen": len(lagen), "leistungen": anzahl}
