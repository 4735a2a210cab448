"""The Qt-free core: entities, value types, the store and the operations on it.

Importing this package must never load Qt (a test checks it): the CLI, the documents and the sync
run headless. It does not load SQLAlchemy either: the names below are resolved on first use
(PEP 562), so the desktop client can read the value types and show its first page with plain
``sqlite3`` while SQLAlchemy (a third of a second to import) loads after the window is shown.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ozgdesk.model.errors import Eingabefehler, OzgFehler, Speicherfehler

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from ozgdesk.model.entitaeten import *  # noqa: F403
    from ozgdesk.model.store import Store


def __getattr__(name: str) -> Any:
    if name == "Store":
        return importlib.import_module("ozgdesk.model.store").Store
    if name in _ENTITAETSNAMEN:
        return getattr(importlib.import_module("ozgdesk.model.entitaeten"), name)
    raise AttributeError(f"module 'ozgdesk.model' has no attribute {name!r}")


_ENTITAETSNAMEN = frozenset({
           "ENTITAETEN", "Aenderung", "Aenderungsanforderung", "Arbeitspaket", "Aufwand", "Base", "Behoerde", "Bewilligung",
           "Einreichung", "Katalogimport", "Lage", "LeikaLeistung", "LeikaZuordnung", "Leistung",
           "LeistungVerantwortung", "Meilenstein", "MeilensteinVerschiebung", "Meta", "Mittelabfluss", "Person",
           "Projekt", "ProjektLeistung", "ReifegradBewertung", "Ressort", "Themenfeld", "Zahlungsplan",
           "ZahlungsplanPosition"})

__all__ = ["Eingabefehler", "OzgFehler", "Speicherfehler", "Store", *sorted(_ENTITAETSNAMEN)]  # noqa: PLE0604
