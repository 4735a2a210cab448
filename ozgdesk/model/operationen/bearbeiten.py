"""Edits as operations: apply an undoable command, take it back, apply it again – each one transaction.

The command classes are :mod:`ozgdesk.model.bearbeiten`'s (ids and plain values, table names
instead of ORM classes). A command that needs the current data to be built (the Leistungen a
project should have, the next plan version) is given as a *builder* ``bauen(session) -> Befehl``
and built inside the same write transaction it is applied in, so no other writer can slip in
between reading and writing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model.aenderungen import Aenderungen, erfassen
from ozgdesk.model.base import klasse_fuer
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokoll import _fill_defaults, datensatz_pruefen
from ozgdesk.model.store import Store

T = TypeVar("T")

Bauplan = Callable[[Session], Any]


@dataclass(frozen=True)
class Angewandt(Generic[T]):
    """The applied command (None: nothing to do), what it wrote, and what ``nachher`` read."""

    befehl: Any
    aenderungen: Aenderungen
    nachher: T | None = None


def _ist_befehl(x: Any) -> bool:
    return hasattr(x, "anwenden") and hasattr(x, "zuruecknehmen")


def anwenden(store: Store, befehl: Any, *, nachher: Callable[[Session], T] | None = None,
             benutzer: str | None = None) -> Angewandt[T]:
    """Apply ``befehl`` (a command, or a builder ``session -> command | None``) in one transaction.

    ``nachher(session)`` runs in the same transaction after the command (e.g. the editor's fresh
    data), so the caller needs no second session to show the result. On any error nothing is written.
    """
    with erfassen() as erfasst:
        with store.session(benutzer=benutzer, quelle="gui") as s:
            b = befehl if _ist_befehl(befehl) else befehl(s)
            if b is not None:
                b.anwenden(s)
            wert = nachher(s) if nachher is not None else None
    return Angewandt(b, erfasst.ergebnis(), wert)


def zuruecknehmen(store: Store, befehl: Any, *, benutzer: str | None = None) -> Aenderungen:
    """Undo: take ``befehl`` back in one transaction (itself a logged change)."""
    with erfassen() as erfasst:
        befehle.zuruecknehmen(store, befehl, benutzer=benutzer)
    return erfasst.ergebnis()


def wiederholen(store: Store, befehl: Any, *, benutzer: str | None = None) -> Aenderungen:
    """Redo: apply ``befehl`` again (with the same ids it had)."""
    with erfassen() as erfasst:
        befehle.ausfuehren(store, befehl, benutzer=benutzer)
    return erfasst.ergebnis()


def entwurf_pruefen(tabelle: str, werte: dict[str, Any], basis: dict[str, Any] | None = None) -> None:
    """Check a form's values exactly as saving them would (column limits, then the entity's rules),
    without a database: ``basis`` holds the record's other current values. Raises Eingabefehler.

    This is the one place forms validate; widgets never build entities themselves."""
    klasse = klasse_fuer(tabelle)
    spalten = set(klasse.__table__.columns.keys())
    daten = {k: v for k, v in {**(basis or {}), **werte}.items() if k in spalten}
    obj = klasse(**daten)
    _fill_defaults(obj)
    try:
        datensatz_pruefen(obj)
    except (TypeError, ValueError) as e:  # a value of the wrong kind from a form: a German message
        raise Eingabefehler(f"{klasse.__label__}: ungültige Eingabe ({e}).") from None


def felder_setzen(tabelle: str, id_: str, neu: dict[str, Any], text: str) -> befehle.FelderSetzen:
    return befehle.FelderSetzen(tabelle, id_, neu, text)  # type: ignore[arg-type]


def anlegen(datensaetze: list[tuple[str, dict[str, Any]]], text: str) -> befehle.Anlegen:
    return befehle.Anlegen(datensaetze, text)  # type: ignore[arg-type]


def loeschen(ziele: list[tuple[str, str]], text: str) -> befehle.Loeschen:
    return befehle.Loeschen(ziele, text)  # type: ignore[arg-type]


def folge(liste: list[Any], text: str) -> befehle.Folge:
    return befehle.Folge(liste, text)


def lesen(store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(session, *args)`` in one read session (the GUI's worker calls this for every read)."""
    with store.lesen() as s:
        return fn(s, *args, **kwargs)
