"""Undoable edit commands on the store (Qt-free).

Every edit the GUI makes is a :class:`Befehl`: it knows how to apply itself and how to take itself
back, each inside one ``store.session`` transaction, so both directions go through the validation
and the change log (an undo is itself a logged change — the log never loses history). The GUI
wraps them in ``QUndoCommand`` for Ctrl+Z / Ctrl+Y; tests use them directly.

Commands hold ids and plain values, never ORM objects, so they stay valid across sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from ozgdesk.model import basisplan, gleichzeitig, schluesselregeln
from ozgdesk.model.base import Base, klasse_fuer, neue_id
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.finanzen import Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.projekte import Meilenstein, MeilensteinVerschiebung, ProjektLeistung
from ozgdesk.model.store import Store
from ozgdesk.model.values import Haushaltsstelle, Kostenart, Quartal


class Befehl(Protocol):
    text: str

    def anwenden(self, s: Session) -> None: ...

    def zuruecknehmen(self, s: Session) -> None: ...


def ausfuehren(store: Store, befehl: Befehl, *, benutzer: str | None = None) -> None:
    """Apply ``befehl`` in one transaction; on any error nothing is written."""
    with store.session(benutzer=benutzer, quelle="gui") as s:
        befehl.anwenden(s)


def zuruecknehmen(store: Store, befehl: Befehl, *, benutzer: str | None = None) -> None:
    with store.session(benutzer=benutzer, quelle="gui") as s:
        befehl.zuruecknehmen(s)


def spaltenwerte(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in inspect(type(obj)).column_attrs}


_B = TypeVar("_B", bound=Base)


def _holen(s: Session, klasse: type[_B], id_: str) -> _B:
    obj = s.get(klasse, id_)
    if obj is None:
        raise Eingabefehler(f"{klasse.__label__} wurde inzwischen gelöscht (id {id_}); die Änderung ist nicht möglich.")
    return obj


@dataclass
class FelderSetzen:
    """Set some fields of one record. The old values are taken when first applied.

    ``erwartet``: the values the user saw (a form's base). Then every application – the save, the
    undo, the redo – first checks that the fields still hold what this command expects (the base,
    or on undo its own new values) and refuses with a German
    :class:`~ozgdesk.model.gleichzeitig.Veraltet` naming the other person's value otherwise, so a
    stale save never overwrites another person's change. None: no check (the CLI and scripts read
    and write in one transaction)."""

    klasse: type[Base]  # or the table name, e.g. "projekt"
    id: str
    neu: dict[str, Any]
    text: str = "Änderung"
    alt: dict[str, Any] | None = None
    erwartet: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.klasse = klasse_fuer(self.klasse)

    def anwenden(self, s: Session) -> None:
        obj = _holen(s, self.klasse, self.id)
        if self.erwartet is not None:
            gleichzeitig.pruefen(s, obj, self.alt if self.alt is not None else self.erwartet, self.neu)
        if self.alt is None:
            self.alt = {k: getattr(obj, k) for k in self.neu}
        for k, v in self.neu.items():
            setattr(obj, k, v)
        s.flush()

    def zuruecknehmen(self, s: Session) -> None:
        obj = _holen(s, self.klasse, self.id)
        alt = self.alt or {}
        if self.erwartet is not None:  # undo only what is still this command's value
            gleichzeitig.pruefen(s, obj, self.neu, alt)
        if self.klasse is Meilenstein and "plan_datum" in alt and alt["plan_datum"] is None:
            # taking back the first planning of a milestone (the only Plandatum edit basisplan allows)
            s.info[basisplan.KORREKTUR] = True
        for k, v in alt.items():
            setattr(obj, k, v)
        s.flush()


@dataclass
class Anlegen:
    """Create records (in order; parents first). Undo deletes them in reverse order."""

    datensaetze: list[tuple[type[Base], dict[str, Any]]]
    text: str = "Anlegen"

    def __post_init__(self) -> None:
        self.datensaetze = [(klasse_fuer(k), w) for k, w in self.datensaetze]
        for k, werte in self.datensaetze:
            # a record whose key is its identity (an assignment, the Bewilligung of a year) gets the id
            # derived from the key: the same record wherever it is created (see model.schluesselregeln)
            werte.setdefault("id", schluesselregeln.natuerliche_id(k.__tablename__, werte) or neue_id())

    @property
    def ids(self) -> list[str]:
        return [w["id"] for _k, w in self.datensaetze]

    def anwenden(self, s: Session) -> None:
        for klasse, werte in self.datensaetze:
            if werte["id"] == schluesselregeln.natuerliche_id(klasse.__tablename__, werte) \
                    and not schluesselregeln.frei(s, klasse, werte["id"]):
                werte["id"] = neue_id()  # a record whose key was edited since carries that id
            s.add(klasse(**werte))
            s.flush()  # no ORM relationships: flush so children find their parent

    def zuruecknehmen(self, s: Session) -> None:
        # a plan version created by this command goes as a whole: basisplan lets its positions go
        s.info.setdefault(basisplan.GANZ_ENTFERNT, set()).update(
            w["id"] for k, w in self.datensaetze if k is Zahlungsplan)
        for klasse, werte in reversed(self.datensaetze):
            obj = s.get(klasse, werte["id"])
            if obj is not None:
                s.delete(obj)
                s.flush()


@dataclass
class Loeschen:
    """Delete records (children first). Undo recreates them with their old values and ids."""

    ziele: list[tuple[type[Base], str]]  # (class or table name, id)
    text: str = "Löschen"
    _werte: list[tuple[type[Base], dict[str, Any]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ziele = [(klasse_fuer(k), i) for k, i in self.ziele]

    def anwenden(self, s: Session) -> None:
        from ozgdesk.model.verweise import loeschen_pruefen

        self._werte = []
        alle = {(klasse.__tablename__, id_) for klasse, id_ in self.ziele}
        for klasse, id_ in self.ziele:
            obj = _holen(s, klasse, id_)
            loeschen_pruefen(s, obj, ausser=alle)  # a German reason instead of a foreign-key error
            self._werte.append((klasse, spaltenwerte(obj)))
            s.delete(obj)
            s.flush()

    def zuruecknehmen(self, s: Session) -> None:
        for klasse, werte in reversed(self._werte):
            s.add(klasse(**werte))
            s.flush()


@dataclass
class Folge:
    """Several commands as one undo step in one transaction."""

    befehle: list[Any]
    text: str = "Änderung"

    def anwenden(self, s: Session) -> None:
        for b in self.befehle:
            b.anwenden(s)

    def zuruecknehmen(self, s: Session) -> None:
        for b in reversed(self.befehle):
            b.zuruecknehmen(s)


@dataclass
class MeilensteinVerschieben:
    """Move a milestone's forecast and record the postponement; the plan date never changes."""

    meilenstein_id: str
    auf_datum: date
    grund: str
    erfasst_am: date
    text: str = "Meilenstein verschieben"
    _verschiebung_id: str = field(default_factory=neue_id)
    _alte_prognose: date | None = None

    def anwenden(self, s: Session) -> None:
        ms = _holen(s, Meilenstein, self.meilenstein_id)
        if not (self.grund or "").strip():
            raise Eingabefehler("Verschiebung: Bitte einen Grund angeben.")
        von = ms.prognose_datum or ms.plan_datum
        if von is None:
            raise Eingabefehler(f"Meilenstein „{ms.titel}“ hat weder Plan- noch Prognosedatum; bitte zuerst ein Plandatum eintragen.")
        if self.auf_datum == von:
            raise Eingabefehler(f"Verschiebung: Das neue Datum ist dasselbe wie die bisherige Prognose ({von:%d.%m.%Y}).")
        nummer = s.execute(
            select(func.count(MeilensteinVerschiebung.id)).where(MeilensteinVerschiebung.meilenstein_id == ms.id)
        ).scalar_one() + 1
        self._alte_prognose = ms.prognose_datum
        s.add(MeilensteinVerschiebung(id=self._verschiebung_id, meilenstein_id=ms.id, erfasst_am=self.erfasst_am,
                                      von_datum=von, auf_datum=self.auf_datum, grund=self.grund.strip(), nummer=nummer))
        ms.prognose_datum = self.auf_datum
        s.flush()

    def zuruecknehmen(self, s: Session) -> None:
        v = s.get(MeilensteinVerschiebung, self._verschiebung_id)
        if v is not None:
            s.delete(v)
        ms = _holen(s, Meilenstein, self.meilenstein_id)
        ms.prognose_datum = self._alte_prognose
        s.flush()


def projekt_leistungen_setzen(s: Session, projekt_id: str, leistung_ids: Sequence[str]) -> Folge | None:
    """The command that makes a project's OZG-Leistungen exactly ``leistung_ids`` (None if no change)."""
    vorhanden = {lid: pid for pid, lid in s.execute(
        select(ProjektLeistung.id, ProjektLeistung.leistung_id).where(ProjektLeistung.projekt_id == projekt_id))}
    soll = set(leistung_ids)
    neu: list[tuple[type[Base], dict[str, Any]]] = [(ProjektLeistung, {"projekt_id": projekt_id, "leistung_id": lid}) for lid in sorted(soll - set(vorhanden))]
    weg: list[tuple[type[Base], str]] = [(ProjektLeistung, vorhanden[lid]) for lid in sorted(set(vorhanden) - soll)]
    befehle: list[Any] = []
    if neu:
        befehle.append(Anlegen(neu))
    if weg:
        befehle.append(Loeschen(weg))
    return Folge(befehle, "OZG-Leistungen des Projekts ändern") if befehle else None


Planschluessel = tuple[Quartal, Haushaltsstelle, Kostenart]


def zahlungsplan_fortschreiben(
    s: Session, projekt_id: str, betraege: dict[Planschluessel, int], *, stand: date, bemerkung: str = "",
    basis_version: int | None = None,
) -> Anlegen:
    """A new plan version with the given amounts (zero cells are left out). Never edits old versions.

    ``basis_version`` is the version the amounts were edited from (None: there was no plan yet). A new
    version is only ever written on top of the current one: amounts edited from an older version (or
    from a version another device has meanwhile continued) would silently undo the newer plan, so
    they are refused."""
    if any(b < 0 for b in betraege.values()):
        raise Eingabefehler("Zahlungsplan: Planbeträge dürfen nicht negativ sein.")
    letzte = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == projekt_id)).scalar_one()
    if basis_version != letzte:
        if basis_version is None:
            raise Eingabefehler(f"Zahlungsplan: Inzwischen gibt es Version {letzte}. Bitte neu laden und die "
                                "Beträge dort eintragen.")
        raise Eingabefehler(
            f"Zahlungsplan: Version {basis_version} ist nicht die aktuelle (aktuell: Version {letzte}). Ältere "
            "Versionen sind nur lesbar; bitte die aktuelle Version wählen und dort fortschreiben.")
    version = (letzte or 0) + 1
    plan_id = neue_id()
    datensaetze: list[tuple[type[Base], dict[str, Any]]] = [
        (Zahlungsplan, {"id": plan_id, "projekt_id": projekt_id, "version": version, "stand": stand,
                        "bemerkung": bemerkung or ("Erstplanung" if version == 1 else f"Fortschreibung {version - 1}")})
    ]
    for (q, hhst, art), cent in sorted(betraege.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2].value)):
        if cent:
            datensaetze.append((ZahlungsplanPosition, {"zahlungsplan_id": plan_id, "quartal": q, "haushaltsstelle": hhst,
                                                       "kostenart": art, "betrag_cent": cent}))
    return Anlegen(datensaetze, f"Zahlungsplan Version {version}")
