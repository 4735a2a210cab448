"""What the Leistungen page and the Stammdaten dialogs read, by table name and id (Qt-free).

The GUI runs each function here as ``fn(session, …)`` on its DB worker
(:meth:`ozgdesk.ui.operationen.Operationen.lesen`) and receives plain values: list rows as tuples,
a form's current values as a dict, the choices of its drop-downs. Writes go through the builders of
:mod:`.projekt` and the commands of :mod:`.bearbeiten`.

A form's entry-time warnings (the same Behörde or Person entered twice, :func:`doppelte`) are
read on the worker too, when the user presses „OK“ (the form dialog hands them to its runner).

A Leistung's Projektleitung (its Verantwortliche, ``leistung_verantwortung``) is read for the
checklist dialog by :func:`verantwortliche` and written by the builder :func:`verantwortliche_setzen`,
which writes only what the user ticked or unticked, worked out inside the write transaction: one
undo step however many Personen changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model import details, hinweise
from ozgdesk.model.base import klasse_fuer
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt
from ozgdesk.model.organisation import Behoerde, Person

#: the tables the Stammdaten dialog lists
ARTEN = ("behoerde", "person")


def _art(art: str) -> str:
    if art not in ARTEN:
        raise ValueError(f"Stammdaten gibt es für {', '.join(ARTEN)}, nicht für {art!r}")
    return art


def bezeichnung(tabelle: str) -> str:
    """The German name of one record of ``tabelle`` („Behörde“, „OZG-Leistung“)."""
    return str(klasse_fuer(tabelle).__label__)


# ------------------------------------------------------------------------------------ Stammdaten
def liste(s: Session, art: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The rows of the Behörden list (Kurzname, Name, Art, Erstattungsanspruch) or the Personen list
    (Name, Funktion, Referat, E-Mail), each as ``(id, werte)``."""
    if _art(art) == "behoerde":
        return [(i, (k, n, a, e)) for i, k, n, a, e in s.execute(
            select(Behoerde.id, Behoerde.kurzname, Behoerde.name, Behoerde.art, Behoerde.erstattungsanspruch)
            .order_by(Behoerde.kurzname))]
    return [(i, (n, f, r, m)) for i, n, f, r, m in s.execute(
        select(Person.id, Person.name, Person.funktion, Person.referat, Person.email).order_by(Person.name))]


@dataclass(frozen=True)
class Formulardaten:
    """What a Stammdaten form starts from: the record's values (None: a new one) and the drop-down
    choices."""

    art: str
    id: str | None
    werte: dict[str, Any] | None
    auswahl: details.Auswahl


def formular(s: Session, art: str, id_: str | None = None) -> Formulardaten:
    """Read a Behörde/Person form's data in one session (German Eingabefehler if it was deleted)."""
    werte = projekt.werte(s, _art(art), id_) if id_ else None
    return Formulardaten(art, id_, werte, details.auswahl(s))


def ressort_formular(s: Session) -> Formulardaten:
    """The Ressort's form (Stammdaten › Ressort …): its one record and the Personen to choose the
    Ansprechpartner from (German Eingabefehler if no Ressort is set up yet)."""
    from ozgdesk.model.einrichtung import ressort_von

    r = ressort_von(s)
    return Formulardaten("ressort", r.id, projekt.werte(s, "ressort", r.id), details.auswahl(s))


def doppelte(s: Session, art: str, werte: dict[str, Any], ausser_id: str | None = None) -> list[hinweise.Hinweis]:
    """Same name as another Behörde/Person (often the same one entered twice): a warning, no refusal."""
    if _art(art) == "behoerde":
        return hinweise.behoerde(s, werte.get("name") or "", werte.get("kurzname") or "", ausser_id=ausser_id)
    return hinweise.person(s, werte.get("name") or "", ausser_id=ausser_id)


# ------------------------------------------------------------------------------------ Leistungen
def _leistung(s: Session, leistung_id: str) -> Leistung:
    leistung = s.get(Leistung, leistung_id)
    if leistung is None:
        raise Eingabefehler("Die OZG-Leistung ist nicht mehr im Katalog (inzwischen entfallen oder gelöscht).")
    return leistung


@dataclass(frozen=True)
class LeistungFormular:
    """The Leistung form: its values and assessments, and the choices (Behörden) of its drop-downs."""

    daten: details.LeistungDaten
    auswahl: details.Auswahl


def leistung_formular(s: Session, leistung_id: str) -> LeistungFormular:
    _leistung(s, leistung_id)
    d = details.leistung(s, leistung_id)
    assert d is not None  # checked just above, in the same session
    return LeistungFormular(d, details.auswahl(s))


def ozg_id(s: Session, leistung_id: str) -> str:
    """The OZG-ID a dialog about one Leistung names it by."""
    return str(_leistung(s, leistung_id).ozg_id)


def geaenderte(alt: dict[str, Any], neu: dict[str, Any]) -> dict[str, Any]:
    """The fields a form changed against the values it showed: only these are written, so a field
    someone else changed meanwhile and the user left alone is not overwritten with the old value."""
    return {k: v for k, v in neu.items() if alt.get(k) != v}



# ------------------------------------------------------------------ Projektleitung einer Leistung
@dataclass(frozen=True)
class PersonWahl:
    """One line of the Projektleitung checklist: a Person and whether she is a Verantwortliche now."""

    id: str
    name: str
    funktion: str
    behoerde: str  # Kurzname (else name) of her Behörde; „Ministerium“ without one
    verantwortlich: bool

    @property
    def text(self) -> str:
        return " – ".join(t for t in (self.name, self.funktion, self.behoerde) if t)


@dataclass(frozen=True)
class Verantwortliche:
    """What the Projektleitung dialog of one Leistung shows: every Person, the current ones ticked."""

    leistung_id: str
    ozg_id: str
    bezeichnung: str
    personen: tuple[PersonWahl, ...]

    @property
    def gewaehlt(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.personen if p.verantwortlich)


def verantwortliche(s: Session, leistung_id: str) -> Verantwortliche:
    """All Personen (by name) with the Leistung's current Verantwortliche marked (German
    Eingabefehler if the Leistung left the catalogue meanwhile)."""
    leistung = _leistung(s, leistung_id)
    aktuell = set(s.execute(select(LeistungVerantwortung.person_id)
                            .where(LeistungVerantwortung.leistung_id == leistung_id)).scalars())
    zeilen = s.execute(select(Person.id, Person.name, Person.funktion, Behoerde.kurzname, Behoerde.name)
                       .outerjoin(Behoerde, Person.behoerde_id == Behoerde.id).order_by(Person.name, Person.id))
    personen = tuple(PersonWahl(i, n, f or "", k or bn or "Ministerium", i in aktuell)
                     for i, n, f, k, bn in zeilen)
    return Verantwortliche(leistung.id, str(leistung.ozg_id), str(leistung.bezeichnung), personen)


def verantwortliche_setzen(leistung_id: str, gewaehlt: Sequence[str],
                           angezeigt: Sequence[str] | None = None) -> Callable[[Session], Any]:
    """A builder: the Leistung's Verantwortliche become ``gewaehlt``.

    With ``angezeigt`` (what the dialog showed ticked) only the user's own changes are written –
    ticked Personen added, unticked ones removed – so a Person someone else added meanwhile (a
    sync, a second program) stays, as :func:`geaenderte` does for forms. Without it, exactly
    ``gewaehlt`` remain. The difference to the stored state is taken *in the write transaction*
    and becomes one :class:`~ozgdesk.model.bearbeiten.Folge` of a delete and a create (one undo
    step); None if nothing changes. A Person deleted meanwhile is refused with a German message."""
    gewuenscht = list(dict.fromkeys(gewaehlt))
    vorher = None if angezeigt is None else set(angezeigt)

    def bauen(s: Session) -> Any:
        leistung = _leistung(s, leistung_id)
        vorhanden = dict(s.execute(select(LeistungVerantwortung.person_id, LeistungVerantwortung.id)
                                   .where(LeistungVerantwortung.leistung_id == leistung_id)).tuples().all())
        abgewaehlt = (set(vorhanden) if vorher is None else vorher) - set(gewuenscht)
        neu = [p for p in gewuenscht if p not in vorhanden and (vorher is None or p not in vorher)]
        weg = [vid for p, vid in vorhanden.items() if p in abgewaehlt]
        if not neu and not weg:
            return None
        for p in neu:
            if s.get(Person, p) is None:
                raise Eingabefehler("Eine der gewählten Personen ist nicht mehr vorhanden (inzwischen gelöscht). "
                                    "Bitte den Dialog neu öffnen.")
        text = f"Projektleitung für OZG-Leistung {leistung.ozg_id} festlegen"
        schritte: list[Any] = []
        if weg:
            schritte.append(operation.loeschen([("leistung_verantwortung", v) for v in weg], text))
        if neu:
            schritte.append(operation.anlegen([("leistung_verantwortung", {"leistung_id": leistung_id, "person_id": p})
                                               for p in neu], text))
        return operation.folge(schritte, text)

    return bauen
