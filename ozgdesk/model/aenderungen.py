"""What an operation wrote: tables and record ids, taken from the change log it wrote (Anki's OpChanges).

Every write session records, while it flushes, the ``(tabelle, datensatz_id)`` of each change-log
entry it adds – the local edits' entries written by the flush hook, the replicated entries a sync
applies, the rows of the catalogue import's bulk path – and, for device-local bookkeeping written
without a log (sync state, conflicts), the rows of the unit of work itself
(:func:`ozgdesk.model.protokoll.geschrieben_merken`). When the transaction commits, the store
hands them to every :func:`erfassen` block active in the writing context; a rolled-back
transaction reports nothing. So an operation's :class:`Aenderungen` are what was really
committed, never guessed from the kind of command, and views refresh exactly from them.

Qt-free and free of SQLAlchemy: the GUI receives these objects in its ``daten_geaendert`` signal.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Aenderungen:
    """Tables and record ids one operation wrote (committed). Empty: nothing was written."""

    datensaetze: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def aus(cls, paare: Iterable[tuple[str, str]]) -> Aenderungen:
        je_tabelle: dict[str, set[str]] = {}
        for tabelle, id_ in paare:
            je_tabelle.setdefault(tabelle, set()).add(id_)
        return cls(MappingProxyType({t: frozenset(ids) for t, ids in je_tabelle.items()}))

    @property
    def tabellen(self) -> frozenset[str]:
        return frozenset(self.datensaetze)

    def ids(self, tabelle: str) -> frozenset[str]:
        return self.datensaetze.get(tabelle, frozenset())

    def betrifft(self, tabellen: Iterable[str]) -> bool:
        """True if any of ``tabellen`` was written (``"*"`` stands for every table)."""
        gesucht = set(tabellen)
        return bool(self.datensaetze) and ("*" in gesucht or not gesucht.isdisjoint(self.datensaetze))

    def betrifft_datensatz(self, tabelle: str, id_: str) -> bool:
        return id_ in self.datensaetze.get(tabelle, ())

    def __bool__(self) -> bool:
        return bool(self.datensaetze)

    def __repr__(self) -> str:
        teile = ", ".join(f"{t}: {len(ids)}" for t, ids in sorted(self.datensaetze.items()))
        return f"Aenderungen({teile})"


KEINE = Aenderungen()


class Erfassung:
    """Collects what the transactions committed inside one :func:`erfassen` block wrote.

    Thread-safe: an operation may run its steps on several threads (a sync applies on the DB
    worker what its network thread downloaded); :func:`im_kontext` carries the block along."""

    def __init__(self) -> None:
        self._paare: set[tuple[str, str]] = set()
        self._sperre = threading.Lock()

    def hinzufuegen(self, paare: Iterable[tuple[str, str]]) -> None:
        with self._sperre:
            self._paare.update(paare)

    def ergebnis(self) -> Aenderungen:
        with self._sperre:
            return Aenderungen.aus(self._paare)


_aktiv: contextvars.ContextVar[tuple[Erfassung, ...]] = contextvars.ContextVar("ozgdesk_erfassung", default=())


@contextmanager
def erfassen() -> Iterator[Erfassung]:
    """Collect the changes committed inside the block (nested blocks each see their own and the
    outer ones see all)."""
    erfassung = Erfassung()
    token = _aktiv.set((*_aktiv.get(), erfassung))
    try:
        yield erfassung
    finally:
        _aktiv.reset(token)


def melden(paare: Iterable[tuple[str, str]]) -> None:
    """Called by the store after a commit: hand the written records to the active blocks."""
    erfassungen = _aktiv.get()
    if not erfassungen:
        return
    paare = list(paare)
    for e in erfassungen:
        e.hinzufuegen(paare)


def kontext() -> contextvars.Context:
    """The caller's context, to run a step on another thread inside the same :func:`erfassen` block
    (``kontext().run(fn)`` on that thread)."""
    return contextvars.copy_context()
