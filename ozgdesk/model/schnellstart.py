"""Open the store in two steps, so the desktop client shows its first page before SQLAlchemy loads.

Importing SQLAlchemy and the mapped entities costs about a third of a second, more than a bare Qt
window takes to appear. The start page (the Übersicht) needs none of it: its figures are plain SQL
aggregates. So the client

1. checks the file with plain ``sqlite3`` (:func:`schnell_oeffnen`): ours, readable, at the current
   schema, holding a Ressort; refused files are refused exactly as :meth:`Store.oeffnen` refuses them,
2. shows the Übersicht from :meth:`VerzoegerterStore.roh_lesen`,
3. opens the full :class:`~ozgdesk.model.store.Store` in the background right after the window is
   shown; any page or edit that needs it before then simply waits for it (:meth:`geoeffnet`).

Everything else (first start, a schema to migrate, an empty file) takes the normal path: the caller
gets None and opens the Store at once, with its backup and migration.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ozgdesk.model import datei, wache
from ozgdesk.model.errors import Speicherfehler
from ozgdesk.model.verbindung import SQLITE, Datenbankort

if TYPE_CHECKING:  # pragma: no cover
    import sqlite3

    from ozgdesk.model.store import Store


class VerzoegerterStore:
    """Stands in for a :class:`Store` whose file was checked; opens the Store on first use.

    ``pfad`` and :meth:`roh_lesen` work at once; any other attribute (``lesen``, ``session``,
    ``geraet_id`` …) opens the Store, thread-safely, and is taken from it.
    """

    def __init__(self, pfad: Path) -> None:
        self.pfad = pfad
        #: the fast path is the file's: a server store is opened in full at once
        self.ort = Datenbankort(SQLITE, pfad=pfad)
        self.dialekt = SQLITE
        self.ist_server = False
        self._store: Store | None = None
        self._fehler: Speicherfehler | None = None
        self._sperre = threading.Lock()

    @contextmanager
    def roh_lesen(self) -> Iterator[sqlite3.Connection]:
        wache.bewachen()
        with datei.roh_lesen(self.pfad) as con:
            yield con

    def geoeffnet(self) -> Store:
        """The full Store, opened now if no one has opened it yet.

        A failure is kept and raised again on every later use (not retried from whichever thread
        asks next). The file must still be there: Store.oeffnen would create an empty database in
        its place, and the window already shows this Ressort.
        """
        with self._sperre:
            if self._fehler is not None:
                raise self._fehler
            if self._store is None:
                from ozgdesk.model.store import Store

                try:
                    if not self.pfad.exists():
                        raise Speicherfehler(
                            f"Die Datenbank {self.pfad} ist nicht mehr vorhanden (verschoben, umbenannt oder "
                            "gelöscht, seit ozgdesk sie geöffnet hat). Es wurde keine neue angelegt; bitte die "
                            "Datei zurücklegen und ozgdesk neu starten."
                        )
                    self._store = Store.oeffnen(self.pfad, vollpruefung=False)
                except Speicherfehler as e:
                    self._fehler = e
                    raise
            return self._store

    @property
    def ist_geoeffnet(self) -> bool:
        return self._store is not None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.geoeffnet(), name)

    def schliessen(self) -> None:
        with self._sperre:
            if self._store is not None:
                self._store.schliessen()

    def __enter__(self) -> VerzoegerterStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.schliessen()


def schnell_oeffnen(pfad: str | Path) -> VerzoegerterStore | None:
    """A checked stand-in for the store at ``pfad``, or None where the full Store must open now.

    Raises the same :class:`~ozgdesk.model.errors.Speicherfehler` as ``Store.oeffnen`` for a file
    that is not an ozgdesk database, is damaged or was written by a newer ozgdesk.
    """
    pfad = Path(pfad).resolve()
    if not pfad.exists():
        return None
    revision = datei.revision_lesen(pfad, vollpruefung=False)
    if revision != datei.schema_kopf():
        return None  # empty file, or a schema to migrate (newer ones are refused by Store.oeffnen)
    with datei.roh_lesen(pfad) as con:
        if con.execute("SELECT 1 FROM ressort LIMIT 1").fetchone() is None:
            return None  # set up, but no Ressort yet: the first-start wizard
    return VerzoegerterStore(pfad)
