"""What the window's start page reads first, with plain SQL, while the window is still being built.

The window opens on the page used last. Building it (imports, widgets) takes about as long as a
first read of the large store (10,000 projects: the Zeitleiste's preview scans projects, work
packages and milestones; the Berichte page lists every project). :mod:`sqlite3` releases the
interpreter lock while it reads, so ``ozgdesk.ui.app`` starts the start page's read on the worker
(``Runner.im_voraus``) *before* it builds the window, and the page, once built, takes the result
instead of asking for it – both overlap (``bench/start.py``, every page). Qt-free and without
SQLAlchemy: the full store is not open yet.

The Übersicht (:func:`ozgdesk.model.uebersicht.fuer_store`) and the table pages
(:func:`ozgdesk.model.schnelltabellen.startseite_lesen`) had this first; this module names the
reads of the other pages that show data of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any


def projekte_roh(con: Any) -> list[tuple[str, str, str]]:
    """:func:`ozgdesk.model.operationen.projekt.projekte_auswahl` in plain SQL (the Berichte page's
    project list before SQLAlchemy is loaded): (id, Kennung, Titel) by Kennung."""
    return [(i, k, t) for i, k, t in con.execute("SELECT id, kennung, titel FROM projekt ORDER BY kennung")]


def berichte_lesen(store: Any) -> list[tuple[str, str, str]]:
    with store.roh_lesen() as con:
        return projekte_roh(con)


def zeitleiste_lesen(store: Any, stichtag: date) -> Any:
    """The Ressort-wide timeline's preview (:func:`ozgdesk.model.zeitleiste.vorschau_roh`)."""
    from ozgdesk.model import zeitleiste

    with store.roh_lesen() as con:
        return zeitleiste.vorschau_roh(con, stichtag)


def leser(seite: str, store: Any, stichtag: date) -> Callable[[], Any] | None:
    """The read page ``seite`` starts with on a store not yet opened, or None (a page without one)."""
    if seite == "zeitleiste":
        return lambda: zeitleiste_lesen(store, stichtag)
    if seite == "berichte":
        return lambda: berichte_lesen(store)
    return None
