"""Causal order of change-log entries: version vectors instead of clocks.

Every entry is identified by (device, seq). A device's own entries are ordered by ``seq``; what it
had applied of the other devices when it wrote an entry is its *context*, a version vector stored
in ``sync_kontext`` (for remote devices it arrives in their change files, for this device it is
recorded each time a sync moves a cursor). ``a`` happened before ``b`` iff ``b``'s device is
``a``'s device with a higher seq, or ``b``'s context covers ``a``. Two entries neither of which
happened before the other are concurrent – the only case where a conflict can exist.
Wall-clock time plays no part.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.protokoll import ANLEGEN, AENDERN, Aenderung
from ozgdesk.sync.zustand import SyncKontext


@dataclass(frozen=True)
class Eintrag:
    """A change-log entry as the merge sees it (values stay JSON text, compared parsed)."""

    geraet: str
    seq: int
    aktion: str
    feld: str | None
    alt: str | None
    neu: str | None
    benutzer: str
    zeitpunkt: str

    @property
    def schluessel(self) -> tuple[str, int]:
        """The deterministic tie-break among concurrent entries: (device id, seq) – never time."""
        return (self.geraet, self.seq)

    def schreibt(self, feld: str) -> bool:
        return self.aktion == ANLEGEN or (self.aktion == AENDERN and self.feld == feld)

    def wert(self, feld: str) -> Any:
        if self.aktion == ANLEGEN:
            return json.loads(self.neu or "{}").get(feld)
        return None if self.neu is None else json.loads(self.neu)


def verlauf(s: Session, tabelle: str, datensatz_id: str, bis: tuple[str, int] | None = None) -> list[Eintrag]:
    """All log entries of a record; with ``bis=(device, seq)`` none of that device after ``seq``
    (a file's entries are logged together up front, but applied one after the other)."""
    zeilen = s.execute(
        select(Aenderung.geraet, Aenderung.seq, Aenderung.aktion, Aenderung.feld, Aenderung.alt, Aenderung.neu,
               Aenderung.benutzer, Aenderung.zeitpunkt)
        .where(Aenderung.datensatz_id == datensatz_id, Aenderung.tabelle == tabelle)
    ).all()
    return [Eintrag(g, q, a, f, alt, neu, b, z.isoformat() if z else "") for g, q, a, f, alt, neu, b, z in zeilen
            if bis is None or g != bis[0] or q <= bis[1]]


class Kausalitaet:
    """Context lookup for all devices, loaded once per sync transaction."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self._ab: dict[str, list[int]] = {}
        self._vektor: dict[str, list[dict[str, int]]] = {}
        for geraet, ab, gesehen in s.execute(
            select(SyncKontext.geraet, SyncKontext.ab_seq, SyncKontext.gesehen).order_by(SyncKontext.geraet, SyncKontext.ab_seq)
        ):
            self._ab.setdefault(geraet, []).append(ab)
            self._vektor.setdefault(geraet, []).append(json.loads(gesehen))

    def kontext(self, geraet: str, seq: int) -> dict[str, int]:
        abs_ = self._ab.get(geraet)
        if not abs_:
            return {}
        i = bisect.bisect_right(abs_, seq) - 1
        return self._vektor[geraet][i] if i >= 0 else {}

    def setzen(self, geraet: str, ab_seq: int, gesehen: dict[str, int]) -> None:
        """Record that ``geraet``'s entries from ``ab_seq`` on were written having seen ``gesehen``."""
        gesehen = {k: v for k, v in gesehen.items() if v > 0 and k != geraet}
        if self.kontext(geraet, ab_seq) == gesehen:
            return
        abs_ = self._ab.setdefault(geraet, [])
        vekt = self._vektor.setdefault(geraet, [])
        i = bisect.bisect_left(abs_, ab_seq)
        if i < len(abs_) and abs_[i] == ab_seq:
            vekt[i] = gesehen
            zeile = self.s.execute(
                select(SyncKontext).where(SyncKontext.geraet == geraet, SyncKontext.ab_seq == ab_seq)
            ).scalar_one()
            zeile.gesehen = json.dumps(gesehen, sort_keys=True)
        else:
            abs_.insert(i, ab_seq)
            vekt.insert(i, gesehen)
            self.s.add(SyncKontext(geraet=geraet, ab_seq=ab_seq, gesehen=json.dumps(gesehen, sort_keys=True)))
        self.s.flush()

    def vor(self, a: Eintrag, b: Eintrag) -> bool:
        """True if ``a`` happened before ``b`` (``b``'s author knew ``a``)."""
        if a.geraet == b.geraet:
            return a.seq < b.seq
        return self.kontext(b.geraet, b.seq).get(a.geraet, 0) >= a.seq

    def front(self, eintraege: Iterable[Eintrag]) -> list[Eintrag]:
        """The entries no other entry knew about: the current candidates (one unless concurrent)."""
        liste = list(eintraege)
        return [e for e in liste if not any(o is not e and self.vor(e, o) for o in liste)]
