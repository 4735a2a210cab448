"""The catalogue import as a service for the desktop client (Qt-free, called on the worker thread).

Implements the ``Katalogdienst`` protocol of ``ozgdesk/ui/dienste.py`` by duck typing. An export
is applied as a whole: it is one consistent state of the official catalogue, recorded as one
import with its file hash; applying half of it would create a catalogue that exists nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ozgdesk.model.einrichtung import ressort_von
from ozgdesk.model.katalogimport.anwenden import anwenden, bedenken
from ozgdesk.model.katalogimport.vergleich import Katalogdiff, vergleichen
from ozgdesk.model.katalogimport.zeilen import lesen
from ozgdesk.model.store import Store


@dataclass(frozen=True)
class Katalogaenderung:
    schluessel: str
    art: str  # "neu", "geaendert", "entfallen"
    text: str


def _zeilen(d: Katalogdiff) -> list[Katalogaenderung]:
    z = [Katalogaenderung(o, "neu", f"OZG-Leistung {o} kommt neu in den Katalog") for o in d.neu]
    z += [Katalogaenderung(o, "neu", f"OZG-Leistung {o} ist wieder im Katalog") for o in d.wieder_aufgenommen]
    markiert = set(d.markiert)
    z += [Katalogaenderung(o, "entfallen", f"OZG-Leistung {o} entfällt"
                           + (" – hat Ressortdaten und wird nur als „nicht mehr im Katalog“ markiert" if o in markiert else ""))
          for o in d.entfernt]
    z += [Katalogaenderung(u.ozg_id, "geaendert", f"OZG-Leistung {u.ozg_id} umbenannt: „{u.alt}“ → „{u.neu}“")
          for u in d.umbenannt]
    z += [Katalogaenderung(v.ozg_id, "geaendert", f"OZG-Leistung {v.ozg_id}, {v.feld}: {v.alt or '–'} → {v.neu or '–'}")
          for v in d.geaendert]
    leika = (len(d.leika_neu), len(d.leika_entfernt), len(d.leika_geaendert))
    if any(leika):
        z.append(Katalogaenderung("leika", "geaendert",
                                  f"LeiKa-Leistungen: {leika[0]} neu, {leika[1]} entfallen, {leika[2]} geändert"))
    if warnung := bedenken(d):
        z.insert(0, Katalogaenderung("warnung", "entfallen", warnung))
    return z


class Katalogdienst:
    def vergleichen(self, store: Store, datei: Path) -> list[Katalogaenderung]:
        stand = lesen(Path(datei))
        with store.lesen() as s:
            ressort_von(s)
            return _zeilen(vergleichen(s, stand))

    def anwenden(self, store: Store, datei: Path) -> int:
        """Apply the whole export; returns the number of changes listed by :meth:`vergleichen`."""
        stand = lesen(Path(datei))
        with store.session(quelle="katalogimport") as s:
            ressort_von(s)
            d, _eintrag = anwenden(s, stand)
        return len(_zeilen(d))
