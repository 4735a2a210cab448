"""Adapter between the GUI and services built on other branches: reports and catalogue import.

The Berichte view and the catalogue-import dialog need ``ozgdesk.reports`` and
``ozgdesk.model.katalogimport``, which are developed separately. The GUI talks only to the two
small protocols below; after merging, the lead registers implementations with
:func:`berichte_registrieren` / :func:`katalog_registrieren` (e.g. in ``ozgdesk/ui/app.py``).
Until then :func:`berichtsdienst` / :func:`katalogdienst` return None and the views say
"noch nicht verfügbar" instead of pretending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.model.store import Store


@dataclass(frozen=True)
class Pruefhinweis:
    """What the page needs of a finding (the service's own class has the same fields)."""

    text: str
    schwere: str  # "fehler" blocks the report, "warnung" does not
    art: str  # entity kind (projekt, meilenstein, leistung)
    datensatz_id: str
    projekt_id: str | None = None
    befund_id: str = ""
    ziel: str | None = None  # the field the editor focuses
    stellungnahme_moeglich: bool = False
    stellungnahme: str | None = None  # the statement given; None while open
    stellungnahme_vorlage: dict[str, str] | None = None  # values of a new statement (facts only)
    stellungnahme_ids: tuple[str, ...] = ()

    @property
    def offen(self) -> bool:
        return self.stellungnahme is None


class Berichtsdienst(Protocol):
    def dokumente(self) -> Sequence[tuple[str, str]]:
        """(code, German name) of the documents that can be produced."""

    def pruefen(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str]) -> Sequence[Pruefhinweis]: ...

    def vorschau_png(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str]) -> bytes: ...

    def erzeugen(self, store: Store, dokument: str, zeitraum: str, projekt_ids: Sequence[str], ziel: Path,
                 fortschritt: Callable[[int, int], None], abgebrochen: Callable[[], bool],
                 aktenzeichen: str = "") -> Any: ...
    # returns the written path, or an object with ``pfad``, ``entwurf``, ``offene`` (open findings)
    # and, for a submission package, ``signatur`` (who signed it, or that it is unsigned)


@dataclass(frozen=True)
class Katalogaenderung:
    schluessel: str
    art: str  # "neu", "geaendert", "entfallen"
    text: str


Fortschritt = Callable[[int, int, str], None]


class Katalogdienst(Protocol):
    def vergleichen(self, store: Store, datei: Path) -> Sequence[Katalogaenderung]: ...

    def vorschau(self, store: Store, datei: Path) -> Any:
        """The changes (``aenderungen``) and the skipped rows and fields (``hinweise``) of an export."""

    def anwenden(self, store: Store, datei: Path, fortschritt: Fortschritt | None = None) -> int:
        """Apply the whole export (one consistent catalogue state, recorded as one import)."""

    def letzter_import(self, store: Store) -> str | None:
        """The import „Import zurücknehmen“ would take back, described for the user; None if none."""

    def zuruecknehmen(self, store: Store, fortschritt: Fortschritt | None = None) -> str:
        """Take the last import back; returns the German summary."""


_berichte: Berichtsdienst | None = None
_katalog: Katalogdienst | None = None


def berichte_registrieren(dienst: Berichtsdienst | None) -> None:
    global _berichte
    _berichte = dienst


def katalog_registrieren(dienst: Katalogdienst | None) -> None:
    global _katalog
    _katalog = dienst


def berichtsdienst() -> Berichtsdienst | None:
    return _berichte


def katalogdienst() -> Katalogdienst | None:
    return _katalog


NICHT_VERFUEGBAR = (
    "Diese Funktion ist in dieser Version noch nicht verfügbar: Der {was} wird gerade gebaut und "
    "nach der Zusammenführung hier angeschlossen."
)
