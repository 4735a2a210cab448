"""Bulk edits: one field set to one value on many selected records, as one undo step (Qt-free).

The tables let the user select many rows; what a coordinator sets for many at once is the traffic
light of projects, the responsible Behörde of projects and Leistungen, and the status of milestones
(:data:`SAMMELFELDER`). The GUI first reads the selected records' current values
(:func:`vorschau`) to say before anything is written how many records the choice changes; the
builder :func:`setzen` decides again inside the write transaction – only records whose value
differs are written, one :class:`~ozgdesk.model.bearbeiten.FelderSetzen` each in one
:class:`~ozgdesk.model.bearbeiten.Folge` – so the step is exact even if another device changed some
of them meanwhile. Every record is checked by its entity's rules as in a single edit; one refusal
(a milestone marked „erreicht“ without an Ist-Datum) stops the whole step, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model import details
from ozgdesk.model.base import klasse_fuer
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Ampel, MeilensteinStatus, anzahl

#: SQLite's limit of bound parameters is 32,766 (999 before 3.32); chunks stay far below either
_BLOCK = 900


@dataclass(frozen=True)
class Sammelfeld:
    """A field that can be set for many records: its table, column, German name and the nouns."""

    tabelle: str
    feld: str
    titel: str
    einzahl: str
    mehrzahl: str
    #: a sentence for the dialog about values that cannot be set in bulk ("" if there are none)
    hinweis: str = ""


SAMMELFELDER: dict[tuple[str, str], Sammelfeld] = {
    ("projekt", "ampel_gesamt"): Sammelfeld("projekt", "ampel_gesamt", "Ampel gesamt", "Projekt", "Projekte",
                                            "Die Begründung der Ampel bleibt unverändert; bitte im Projekt ergänzen."),
    ("projekt", "behoerde_id"): Sammelfeld("projekt", "behoerde_id", "Behörde", "Projekt", "Projekte"),
    ("leistung", "behoerde_id"): Sammelfeld("leistung", "behoerde_id", "Zuständige Behörde", "OZG-Leistung",
                                            "OZG-Leistungen"),
    ("meilenstein", "status"): Sammelfeld("meilenstein", "status", "Status", "Meilenstein", "Meilensteine",
                                          "„erreicht“ braucht je Meilenstein ein Ist-Datum und wird im Projekt gesetzt."),
}


def sammelfeld(tabelle: str, feld: str) -> Sammelfeld:
    try:
        return SAMMELFELDER[(tabelle, feld)]
    except KeyError:
        raise ValueError(f"{tabelle}.{feld} lässt sich nicht gesammelt ändern") from None


@dataclass(frozen=True)
class Vorschau:
    """The choices for the field and the selected records' current values (id → value); ids of
    records deleted meanwhile are missing."""

    feld: Sammelfeld
    optionen: tuple[tuple[Any, str], ...]
    werte: dict[str, Any]

    def aenderungen(self, wert: Any) -> int:
        """How many of the selected records ``wert`` would change."""
        return sum(1 for v in self.werte.values() if v != wert)

    def text(self, wert: Any) -> str:
        """The confirmation in words: how many change, how many have the value already."""
        f, n, alle = self.feld, self.aenderungen(wert), len(self.werte)
        if n == 0:
            return f"Alle {anzahl(alle, f.einzahl, f.mehrzahl)} haben diesen Wert schon; es ändert sich nichts."
        rest = alle - n
        schon = f" {anzahl(rest, 'weiterer hat', 'weitere haben')} diesen Wert schon." if rest else ""
        return f"Ändert {anzahl(n, f.einzahl, f.mehrzahl)}.{schon}"


def _optionen(s: Session, f: Sammelfeld) -> tuple[tuple[Any, str], ...]:
    if f.feld == "ampel_gesamt":
        return tuple((a, a.label) for a in Ampel)
    if f.feld == "status":
        return tuple((m, m.label) for m in MeilensteinStatus if m is not MeilensteinStatus.ERREICHT)
    return ((None, "– keine –"),) + details.auswahl(s).behoerden


def aktuelle_werte(s: Session, tabelle: str, feld: str, ids: Sequence[str]) -> dict[str, Any]:
    """id → current value of ``feld`` for the records of ``ids`` that still exist."""
    klasse = klasse_fuer(tabelle)
    spalte, ident = getattr(klasse, feld), klasse.id
    werte: dict[str, Any] = {}
    liste = list(dict.fromkeys(ids))
    for i in range(0, len(liste), _BLOCK):
        werte.update((k, v) for k, v in s.execute(select(ident, spalte).where(ident.in_(liste[i:i + _BLOCK]))))
    return werte


def vorschau(s: Session, tabelle: str, feld: str, ids: Sequence[str]) -> Vorschau:
    """Read on the worker before the dialog opens: choices and the selection's current values."""
    f = sammelfeld(tabelle, feld)
    return Vorschau(f, _optionen(s, f), aktuelle_werte(s, tabelle, feld, ids))


def setzen(tabelle: str, feld: str, ids: Sequence[str], wert: Any,
           beschriftung: str = "") -> Callable[[Session], befehle.Folge | None]:
    """Builder: set ``feld`` to ``wert`` on every record of ``ids`` that has another value – one
    undo step, one transaction; None (nothing to do) if all have it already. ``beschriftung`` is the
    value's German label for the undo text („Ampel gesamt für 5 Projekte: rot“)."""
    f = sammelfeld(tabelle, feld)
    ids = list(dict.fromkeys(ids))

    def bauen(s: Session) -> befehle.Folge | None:
        werte = aktuelle_werte(s, tabelle, feld, ids)
        if not werte:
            raise Eingabefehler(f"Die ausgewählten {f.mehrzahl} gibt es nicht mehr (inzwischen gelöscht).")
        zu_aendern = [i for i in ids if i in werte and werte[i] != wert]
        if not zu_aendern:
            return None
        text = f"{f.titel} für {anzahl(len(zu_aendern), f.einzahl, f.mehrzahl)}" + (f": {beschriftung}" if beschriftung else "")
        klasse = klasse_fuer(tabelle)
        return befehle.Folge([befehle.FelderSetzen(klasse, i, {feld: wert}, text) for i in zu_aendern], text)
    return bauen
