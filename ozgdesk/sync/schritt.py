"""The seam between network and database work in a sync run.

A sync spends most of its time waiting for the share (HTTP round trips, a slow SMB folder) and
only a little in SQLite. The GUI runs every database operation on one DB worker thread; had the
whole sync run there, each slow request would also hold up the table views that query on that
worker. So every sync function that talks to the share takes ``db``: a callable that runs one
database step and returns its result. The network work runs in the caller's thread; each
``db(fn)`` call is one coarse step (read the configuration and cursors, check and apply one
downloaded change file, collect the entries to send, record a sent file, …).

Rules the sync code keeps (``tests/test_sync_schritte.py`` proves them with a flag and proxies):

* every access to the store – ``store.meta``/``meta_setzen``, ``store.session``/``lesen``, any
  session on ``store.engine``/``schreib_engine`` – happens inside a ``db(...)`` step;
* no backend call (``liste``, ``lesen``, ``veroeffentlichen``, ``serverzeit`` …) and no keychain
  lookup happens inside one: a step never waits for the network;
* a step writes only through the store's write sessions, so
  :func:`ozgdesk.model.aenderungen.erfassen` sees what the sync wrote, on whatever thread the step
  runs (the GUI wraps each step with ``aenderungen.kontext().run``).

``db=None`` (CLI, tests) runs each step directly in the calling thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class DbSchritt(Protocol):
    """Runs one database step and returns its result (or raises its exception)."""

    def __call__(self, fn: Callable[[], T], /) -> T: ...


def direkt(fn: Callable[[], T]) -> T:
    """The step runner for callers without a DB worker: call it right here."""
    return fn()


def schritte(db: DbSchritt | None) -> DbSchritt:
    return direkt if db is None else db
