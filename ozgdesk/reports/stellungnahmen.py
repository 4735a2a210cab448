"""Statements on findings: which finding may take one, the record it becomes, and how the
findings are written for scripts and the package (Qt-free; CLI and GUI share it).

A statement is refused for a gap or rule violation with the field that fixes it, because a
controller must not be able to „explain away“ a missing Projektleitung or programme money going
to a Behörde that may not receive it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Quartal
from ozgdesk.reports.pruefung import FEHLER, Befund, finden


def stellungnahme_werte(befunde: list[Befund], befund_id: str, text: str, q: Quartal) -> dict[str, Any]:
    """The values of a new ``stellungnahme`` record for finding ``befund_id`` of quarter ``q``.

    Raises a German :class:`Eingabefehler` if there is no such finding or it must be fixed instead."""
    b = finden(befunde, befund_id)
    if b is None:
        raise Eingabefehler(f"Einen Befund „{befund_id}“ gibt es für {q.kurz} nicht (mehr). Die aktuelle Liste zeigt "
                            f"„ozgdesk-cli befunde list --quartal {q}“.")
    if not b.stellungnahme_moeglich:
        wie = f"mit „ozgdesk-cli {'projekte' if b.projekt else 'leistungen'} setzen "\
              f"{b.projekt or b.ozg_id} {b.feld}=…“ oder in der Oberfläche" if b.feld else "in der Oberfläche"
        raise Eingabefehler(f"{b.datensatz}: „{b.text}“ ist eine Lücke oder ein Regelverstoß und muss behoben werden "
                            f"({wie}); eine Stellungnahme ist nur zu Sachverhalten möglich, die zutreffen "
                            "(z. B. Zahlungen über der Bewilligung, ein verspäteter Meilenstein).")
    return {"befund_id": b.id, "zeitraum": str(q), "regel": b.regel, "datensatz": b.datensatz, "befund_text": b.text,
            "text": text.strip()}


def befund_json(b: Befund) -> dict[str, Any]:
    """One finding as ``pruefen --json``, ``befunde list --json`` and the package's JSON give it."""
    st = b.stellungnahme
    return {
        "id": b.id, "schwere": b.schwere, "regel": b.regel,
        "datensatz": b.projekt or b.ozg_id or b.datensatz, "ort": b.datensatz,
        "projekt": b.projekt, "ozg_id": b.ozg_id, "feld": b.feld,
        "stellungnahme_moeglich": b.stellungnahme_moeglich, "offen": b.offen, "text": b.text,
        "stellungnahme": None if st is None else {
            "text": st.text, "von": st.erstellt_von, "am": st.erstellt_am.isoformat(), "zeitraum": st.zeitraum},
    }


@dataclass(frozen=True)
class Zaehlung:
    """What is left, counted the same way on every surface."""

    fehler: int
    hinweise: int
    mit_stellungnahme: int

    @property
    def offen(self) -> int:
        return self.fehler + self.hinweise


def zaehlen(befunde: list[Befund]) -> Zaehlung:
    offen = [b for b in befunde if b.offen]
    fehler = sum(1 for b in offen if b.schwere == FEHLER)
    return Zaehlung(fehler, len(offen) - fehler, len(befunde) - len(offen))
