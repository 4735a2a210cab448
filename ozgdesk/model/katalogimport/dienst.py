"""The catalogue import as a service for the desktop client (Qt-free, called on the worker thread).

Implements the ``Katalogdienst`` protocol of ``ozgdesk/ui/dienste.py`` by duck typing, plus what the
import dialog needs beyond it: the Hinweise beside the diff (:meth:`vorschau`), progress while
applying, and taking the last import back (:meth:`zuruecknehmen`). An export is applied as a whole:
it is one consistent state of the official catalogue, recorded as one import with its file hash;
applying half of it would create a catalogue that exists nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ozgdesk.model.einrichtung import ressort_von
from ozgdesk.model.katalogimport import ruecknahme
from ozgdesk.model.katalogimport.anwenden import anwenden, bedenken
from ozgdesk.model.katalogimport.vergleich import Katalogdiff, vergleichen
from ozgdesk.model.katalogimport.zeilen import lesen
from ozgdesk.model.store import Store


@dataclass(frozen=True)
class Katalogaenderung:
    schluessel: str
    art: str  # "neu", "geaendert", "entfallen"
    text: str


@dataclass(frozen=True)
class Katalogvorschau:
    """What the dialog shows before „Übernehmen“: the changes, and the Hinweise about the file."""

    aenderungen: list[Katalogaenderung]
    hinweise: list[str]
    uebersprungen: int = 0  # rows with a bad value (skipped as far as needed)


def _name(d: Katalogdiff, ozg_id: str) -> str:
    name = d.namen.get(ozg_id)
    return f"{ozg_id} „{name}“" if name else ozg_id


def _zeilen(d: Katalogdiff) -> list[Katalogaenderung]:
    wieder = set(d.wieder_aufgenommen)
    z = [Katalogaenderung(o, "neu", f"OZG-Leistung {_name(d, o)} kommt neu in den Katalog")
         for o in d.neu if o not in wieder]
    z += [Katalogaenderung(o, "neu", f"OZG-Leistung {_name(d, o)} ist wieder im Katalog") for o in d.wieder_aufgenommen]
    markiert = set(d.markiert)
    z += [Katalogaenderung(o, "entfallen", f"OZG-Leistung {_name(d, o)} entfällt"
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


def _hinweise(d: Katalogdiff) -> list[str]:
    """Rows with bad values first (what must be reported to the BMI), then the other notes. The file
    name is left out: the dialog shows it once above."""
    hinweise = sorted(d.warnungen, key=lambda h: (h.art not in ("zeile", "leika", "feld"), h.zeile or 0))
    return [h.text.replace(f"Datei „{h.datei}“, ", "", 1) if h.datei else h.text for h in hinweise]


class Katalogdienst:
    def vergleichen(self, store: Store, datei: Path) -> list[Katalogaenderung]:
        return self.vorschau(store, datei).aenderungen

    def vorschau(self, store: Store, datei: Path) -> Katalogvorschau:
        stand = lesen(Path(datei))
        with store.lesen() as s:
            ressort_von(s)
            d = vergleichen(s, stand)
        return Katalogvorschau(_zeilen(d), _hinweise(d), stand.fehlerhafte_zeilen)

    def anwenden(self, store: Store, datei: Path,
                 fortschritt: Callable[[int, int, str], None] | None = None) -> int:
        """Apply the whole export; returns the number of changes listed by :meth:`vergleichen`."""
        stand = lesen(Path(datei))
        with store.session(quelle="katalogimport") as s:
            ressort_von(s)
            d, _eintrag = anwenden(s, stand, fortschritt=fortschritt)
        return len(_zeilen(d))

    def letzter_import(self, store: Store) -> str | None:
        """„datei vom TT.MM.JJJJ HH:MM“ of the import „Import zurücknehmen“ would take back, or None."""
        with store.lesen() as s:
            e = ruecknahme.letzter_import(s)
            return f"„{e.datei}“ vom {e.zeitpunkt.astimezone().strftime('%d.%m.%Y %H:%M')}" if e else None

    def zuruecknehmen(self, store: Store, fortschritt: Callable[[int, int, str], None] | None = None) -> str:
        """Take the last import back; returns the German summary (raises Eingabefehler if it cannot)."""
        with store.session(quelle="katalogruecknahme") as s:
            ressort_von(s)
            r = ruecknahme.zuruecknehmen(s, fortschritt=fortschritt)
        return " ".join([r.zusammenfassung, *r.hinweise])
