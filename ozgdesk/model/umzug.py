"""Move a store to another database (a SQLite file to a PostgreSQL server, or back), losslessly.

``ozgdesk-cli umzug --nach URL`` reuses the JSON exchange (:mod:`ozgdesk.model.austausch`): the
source's export is checked record by record as an import is and written into the empty target.
Two things the export leaves out move with it, verbatim, because they are evidence:

* the **change log** (``aenderung``): who changed what when stays readable on the target; the
  import itself writes no entries of its own (it would claim that one person created every record
  on the day of the move);
* the **frozen submissions** (``einreichung``): what was sent to the BMDS, byte for byte.

Device-local bookkeeping (settings in ``meta``, the sync's tables) stays behind: it describes the
source device, and the target – a server – has its own.

Verified before the target commits: per table the row count, and a content hash computed the same
way on both sides (:func:`inhalt`): every row as canonical JSON (the value encoding of the export
and the change log, keys sorted), the rows of a table sorted, tables in name order. A mismatch rolls
the target back – nothing is left half-moved – and says which table differs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from ozgdesk.model import austausch
from ozgdesk.model.base import json_wert
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.entitaeten import ENTITAETEN
from ozgdesk.model.errors import Eingabefehler, Speicherfehler
from ozgdesk.model.protokoll import Aenderung
from ozgdesk.model.store import Store, ereignis_vormerken

#: rows per INSERT batch of the verbatim tables
BLOCK = 2000


def umzugstabellen() -> list[Table]:
    """What moves: every table of the export, the submissions and the change log."""
    return [c.__table__ for c in ENTITAETEN] + [Einreichung.__table__, Aenderung.__table__]


def _kanonisch(wert: Any) -> Any:
    try:
        return json_wert(wert)
    except TypeError:  # a plain driver value outside the model's types (none today): its text
        return str(wert)


@dataclass
class Inhalt:
    """Row counts per table and one SHA-256 over all of them (see the module docstring)."""

    zahlen: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.hashes):
            h.update(f"{name}\t{self.zahlen[name]}\t{self.hashes[name]}\n".encode())
        return h.hexdigest()


def inhalt(s: Session, tabellen: Iterable[Table] | None = None) -> Inhalt:
    """The content of ``tabellen`` (default: :func:`umzugstabellen`) in a form independent of the
    database: the same data gives the same counts and hashes on SQLite and PostgreSQL."""
    ergebnis = Inhalt()
    for tabelle in sorted(tabellen if tabellen is not None else umzugstabellen(), key=lambda t: t.name):
        spalten = [c.key for c in tabelle.columns]
        zeilen = sorted(json.dumps({k: _kanonisch(v) for k, v in zip(spalten, z, strict=True)}, ensure_ascii=False,
                                   sort_keys=True, separators=(",", ":"))
                        for z in s.execute(select(tabelle)))
        h = hashlib.sha256()
        for z in zeilen:
            h.update(z.encode("utf-8"))
            h.update(b"\n")
        ergebnis.zahlen[tabelle.name] = len(zeilen)
        ergebnis.hashes[tabelle.name] = h.hexdigest()
    return ergebnis


@dataclass(frozen=True)
class Umzugsbericht:
    von: str
    nach: str
    zahlen: dict[str, int]
    hash: str

    @property
    def datensaetze(self) -> int:
        return sum(self.zahlen.values())


def _leer_pruefen(s: Session, ziel: Store) -> None:
    belegt = [t.name for t in umzugstabellen() if s.execute(select(func.count()).select_from(t)).scalar_one()]
    if belegt:
        raise Eingabefehler(
            f"Die Zieldatenbank {ziel.ort.anzeige} ist nicht leer (Tabellen {', '.join(belegt[:5])}"
            f"{' …' if len(belegt) > 5 else ''}). Ein Umzug geht nur in eine leere Datenbank; es wurde nichts geändert.")


def umziehen(quelle: Store, ziel: Store, melden: Callable[[str], None] | None = None) -> Umzugsbericht:
    """Move everything of ``quelle`` into the empty ``ziel`` in one target transaction; verified by
    counts and content hash before it commits. German errors; on any error the target is unchanged."""
    melden = melden or (lambda _t: None)
    if quelle.ort == ziel.ort:
        raise Eingabefehler("Quelle und Ziel des Umzugs sind dieselbe Datenbank.")
    melden(f"Lese {quelle.ort.anzeige} …")
    with quelle.lesen() as s:
        dokument = austausch.exportieren(s)
        woertlich = {t.name: [dict(z._mapping) for z in s.execute(select(t))] for t in
                     (Einreichung.__table__, Aenderung.__table__)}
        vorher = inhalt(s)
    objekte = austausch.pruefen(json.loads(austausch.als_text(dokument)), f"Umzug aus {quelle.ort.anzeige}")
    melden(f"Schreibe {vorher.zahlen and sum(vorher.zahlen.values())} Datensätze nach {ziel.ort.anzeige} …")
    with ziel.session(quelle="umzug") as t:
        _leer_pruefen(t, ziel)
        ereignis_vormerken(t, "umzug")
        t.info["ohne_protokoll"] = True  # the source's own change log moves instead (see above)
        austausch.einspielen(t, objekte)
        for tabelle in (Einreichung.__table__, Aenderung.__table__):
            zeilen = woertlich[tabelle.name]
            for i in range(0, len(zeilen), BLOCK):
                t.execute(insert(tabelle), zeilen[i:i + BLOCK])
        t.flush()
        nachher = inhalt(t)
        abweichend = [n for n in sorted(vorher.zahlen) if (vorher.zahlen[n], vorher.hashes[n]) !=
                      (nachher.zahlen.get(n), nachher.hashes.get(n))]
        if abweichend:
            raise Speicherfehler(
                f"Der Umzug nach {ziel.ort.anzeige} wurde nicht übernommen: Der Inhalt weicht nach dem Schreiben ab "
                f"(Tabellen {', '.join(abweichend)}). Es wurde nichts geändert; bitte die IT fragen.")
        ereignis_vormerken(t, "umzug", datensaetze=sum(nachher.zahlen.values()))
    return Umzugsbericht(quelle.ort.anzeige, ziel.ort.anzeige, dict(vorher.zahlen), vorher.hash)
