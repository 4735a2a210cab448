"""The hook every database session passes before it opens (no imports: start-up reads it too).

The store (:meth:`ozgdesk.model.store.Store.session`, ``lesen``, ``roh_lesen`` …) and the fast
start-up store call :func:`bewachen` before they hand out a session or a raw connection. By default
nothing happens. The GUI's debug check (:mod:`ozgdesk.ui.wache`, on for the whole test suite and
with ``OZGDESK_SITZUNGSWACHE=1``) installs a check that fails a session opened by GUI code on the
GUI thread: there, every query freezes the window.
"""

from __future__ import annotations

from collections.abc import Callable

_pruefer: Callable[[], None] | None = None


def setzen(pruefer: Callable[[], None] | None) -> Callable[[], None] | None:
    """Install ``pruefer`` (None: switch off); returns the one installed before."""
    global _pruefer
    vorher, _pruefer = _pruefer, pruefer
    return vorher


def bewachen() -> None:
    pruefer = _pruefer
    if pruefer is not None:
        pruefer()
