"""The project editor's and the Projekte/Leistungen/Stammdaten pages' actions (Qt-free builders).

Each function here is a *builder* ``(session, …) -> command | None`` for
:func:`ozgdesk.model.operationen.bearbeiten.anwenden`: it reads what the action depends on inside
the write transaction (the current values, the existing Leistungen, the current plan version) and
returns the undoable command – or None when nothing changes. The rules that used to live in the
editor's widgets (Kennung upper-case and unique, the forecast of a first planned milestone, the
word „Korrektur“ of a correction booking) live here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model import gleichzeitig, hinweise
from ozgdesk.model.bearbeiten import spaltenwerte
from ozgdesk.model.base import klasse_fuer
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.finanzen import Aufwand, Bewilligung
from ozgdesk.model.katalog import Leistung
from ozgdesk.model.projekte import Meilenstein, Projekt, ProjektLeistung
from ozgdesk.model.values import Ampel, Haushaltsstelle


def _holen(s: Session, tabelle: str, id_: str) -> Any:
    klasse = klasse_fuer(tabelle)
    obj = s.get(klasse, id_)
    if obj is None:
        raise Eingabefehler(f"{klasse.__label__} wurde inzwischen gelöscht (id {id_}); die Änderung ist nicht möglich.")
    return obj


def _gegen_basis(s: Session, obj: Any, werte: dict[str, Any], basis: dict[str, Any] | None) -> dict[str, Any]:
    """The fields the user changed against the form's ``basis``; refused (``Veraltet``) if another
    person changed one of them meanwhile. Without a basis: all of ``werte``."""
    if basis is None:
        return werte
    gewollt = {k: v for k, v in werte.items() if k not in basis or not gleichzeitig.gleich(basis[k], v)}
    gleichzeitig.pruefen(s, obj, basis, gewollt)
    return gewollt


def aendern(tabelle: str, id_: str, werte: dict[str, Any], text: str,  # noqa: ANN201 - a builder
            basis: dict[str, Any] | None = None):
    """Set the fields of ``werte`` that differ from the stored ones (None if none differs).

    ``basis``: the values the form showed. Only the fields the user changed against it are written,
    and the save is refused with a German message if someone else changed one of them meanwhile
    (:mod:`ozgdesk.model.gleichzeitig`) – never silently overwritten."""
    def bauen(s: Session) -> befehle.FelderSetzen | None:
        obj = _holen(s, tabelle, id_)
        gewollt = _gegen_basis(s, obj, werte, basis)
        alt = spaltenwerte(obj)
        neu = {k: v for k, v in gewollt.items() if alt.get(k) != v}
        if tabelle == "meilenstein" and "plan_datum" in neu and alt.get("prognose_datum") is None:
            neu["prognose_datum"] = neu["plan_datum"]  # first planning: forecast = plan, as for a new milestone
        if not neu:
            return None
        erwartet = {k: alt.get(k) for k in neu} if basis is not None else None
        return befehle.FelderSetzen(tabelle, id_, neu, text, erwartet=erwartet)  # type: ignore[arg-type]
    return bauen


def werte(s: Session, tabelle: str, id_: str) -> dict[str, Any]:
    """All stored values of one record (for a form to start from)."""
    return spaltenwerte(_holen(s, tabelle, id_))


def kennung_normal(kennung: str | None) -> str:
    """A project's Kennung as stored: blanks trimmed, upper-case (as the CLI writes it)."""
    return (kennung or "").strip().upper()


def projekt_anlegen(werte: dict[str, Any]):  # noqa: ANN201 - a builder
    """Create a project; its Kennung must be unique (a German message names the existing one)."""
    daten = {**werte, "kennung": kennung_normal(werte.get("kennung"))}
    daten.setdefault("ampel_gesamt", Ampel.GRUEN)

    def bauen(s: Session) -> befehle.Anlegen:
        if s.execute(select(Projekt.id).where(Projekt.kennung == daten["kennung"])).first():
            raise Eingabefehler(f"Ein Projekt mit der Kennung {daten['kennung']} gibt es schon.")
        return befehle.Anlegen([(Projekt, daten)], f"Projekt {daten['kennung']} anlegen")
    return bauen


def projekt_entwurf(werte: dict[str, Any]) -> dict[str, Any]:
    """The values a project form is checked with: the Kennung as it will be stored (a new project's
    form may still be empty there: then a placeholder that passes the Kennung rule)."""
    return {**werte, "kennung": kennung_normal(werte.get("kennung")) or "PRUEFUNG"}


def stammdaten_speichern(projekt_id: str, werte: dict[str, Any], leistung_ids: list[str],  # noqa: ANN201
                         basis: dict[str, Any] | None = None, basis_leistungen: Sequence[str] | None = None):
    """The editor's Stammdaten and the project's Leistungen as one undo step (None if unchanged);
    ``basis`` as in :func:`aendern` (a field someone else changed meanwhile refuses the save).

    ``basis_leistungen``: the Leistungen the form showed. Then only the user's own ticks and unticks
    are applied to the current list, so a Leistung another person added or removed meanwhile stays
    as they left it (the list is a set: both changes fit together, nothing to refuse)."""
    def bauen(s: Session) -> befehle.Folge | None:
        soll = list(leistung_ids)
        if basis_leistungen is not None:
            aktuell = set(s.execute(select(ProjektLeistung.leistung_id)
                                    .where(ProjektLeistung.projekt_id == projekt_id)).scalars())
            soll = sorted((aktuell | (set(leistung_ids) - set(basis_leistungen)))
                          - (set(basis_leistungen) - set(leistung_ids)))
        p = _holen(s, "projekt", projekt_id)
        gewollt = _gegen_basis(s, p, werte, basis)
        alt = spaltenwerte(p)
        neu = {k: v for k, v in gewollt.items() if k in alt and alt[k] != v}
        liste: list[Any] = []
        if neu:
            erwartet = {k: alt[k] for k in neu} if basis is not None else None
            liste.append(befehle.FelderSetzen(Projekt, projekt_id, neu, f"Projekt {p.kennung} ändern", erwartet=erwartet))
        lb = befehle.projekt_leistungen_setzen(s, projekt_id, soll)
        if lb:
            liste.append(lb)
        return befehle.Folge(liste, f"Projekt {p.kennung} ändern") if liste else None
    return bauen


def zahlungsplan_speichern(projekt_id: str, betraege: dict[Any, int], *, stand: date,
                           basis_version: int | None):  # noqa: ANN201 - a builder
    """A new version of the Zahlungsplan on top of ``basis_version`` (refused if that is not current)."""
    def bauen(s: Session) -> befehle.Anlegen:
        return befehle.zahlungsplan_fortschreiben(s, projekt_id, betraege, stand=stand, basis_version=basis_version)
    return bauen


def meilenstein_anlegen(projekt_id: str, werte: dict[str, Any]) -> befehle.Anlegen:
    """A new milestone; its forecast starts at its plan date."""
    daten = {"projekt_id": projekt_id, **werte}
    daten.setdefault("prognose_datum", daten.get("plan_datum"))
    return befehle.Anlegen([(Meilenstein, daten)], f"Meilenstein „{werte.get('titel', '')}“ anlegen")


def zahlung_werte(werte: dict[str, Any]) -> dict[str, Any]:
    """A payment form's values as a Mittelabfluss: the Haushaltsstelle parsed, and the checkbox
    „Korrekturbuchung“ (key ``korrektur``) recorded as the word „Korrektur“ in the Bemerkung."""
    d = {k: v for k, v in werte.items() if k != "korrektur"}
    if d.get("haushaltsstelle") is not None and not isinstance(d["haushaltsstelle"], Haushaltsstelle):
        d["haushaltsstelle"] = Haushaltsstelle.parse(d["haushaltsstelle"])
    if werte.get("korrektur") and not hinweise.ist_korrektur(d.get("referenz"), d.get("bemerkung")):
        d["bemerkung"] = "Korrektur" + (f": {d['bemerkung']}" if d.get("bemerkung") else "")
    return d


def zustaendigkeit_setzen(leistung_ids: list[str], im_ressort: bool):  # noqa: ANN201 - a builder
    """Take Leistungen into the Ressort (or out of it): only those not yet so, as one undo step."""
    def bauen(s: Session) -> befehle.Folge | None:
        zu_aendern = list(s.execute(select(Leistung.id).where(
            Leistung.id.in_(leistung_ids), Leistung.im_ressort.is_not(im_ressort))).scalars())
        if not zu_aendern:
            return None
        text = (f"{len(zu_aendern)} OZG-Leistungen " + ("ins Ressort aufnehmen" if im_ressort else "aus dem Ressort nehmen"))
        return befehle.Folge([befehle.FelderSetzen(Leistung, lid, {"im_ressort": im_ressort}) for lid in zu_aendern], text)
    return bauen


def meilenstein_projekt(s: Session, meilenstein_id: str) -> str | None:
    """The project a milestone belongs to (None if it was deleted meanwhile)."""
    m = s.get(Meilenstein, meilenstein_id)
    return m.projekt_id if m is not None else None


def projekte_auswahl(s: Session) -> list[tuple[str, str, str]]:
    """(id, Kennung, Titel) of every project, by Kennung – the Berichte page's choice of projects."""
    return [(i, k, t) for i, k, t in s.execute(select(Projekt.id, Projekt.kennung, Projekt.titel).order_by(Projekt.kennung))]


def bewilligung_speichern(projekt_id: str, werte: dict[str, Any], bewilligung_id: str | None = None,  # noqa: ANN201
                          basis: dict[str, Any] | None = None):
    """A new Bewilligung (``bewilligung_id`` None) or the changed fields of one; a year can be
    approved only once per project (a German message instead of the database's unique error);
    ``basis`` as in :func:`aendern`."""
    def bauen(s: Session) -> befehle.Anlegen | befehle.FelderSetzen | None:
        jahr = werte.get("jahr")
        doppelt = select(Bewilligung.id).where(Bewilligung.projekt_id == projekt_id, Bewilligung.jahr == jahr)
        if bewilligung_id is not None:
            doppelt = doppelt.where(Bewilligung.id != bewilligung_id)
        if jahr is not None and s.execute(doppelt).first():
            raise Eingabefehler(f"Für {jahr} gibt es schon eine Bewilligung; bitte diese bearbeiten.")
        if bewilligung_id is None:
            return befehle.Anlegen([(Bewilligung, {"projekt_id": projekt_id, **werte})], f"Bewilligung {jahr} anlegen")
        return aendern("bewilligung", bewilligung_id, werte, f"Bewilligung {jahr} ändern", basis)(s)
    return bauen


def _aufwand_eindeutig(s: Session, projekt_id: str, quartal: Any, art: str, aufwand_id: str | None) -> None:
    """Quarter and kind of service are unique per project: a German message instead of the database's."""
    frage = select(Aufwand.id).where(Aufwand.projekt_id == projekt_id, Aufwand.quartal == quartal,
                                     Aufwand.leistungsart == art)
    if aufwand_id is not None:
        frage = frage.where(Aufwand.id != aufwand_id)
    if s.execute(frage).first():
        raise Eingabefehler(f"Für {quartal.kurz} gibt es schon Aufwand der Leistungsart „{art}“; "
                            "bitte diesen Eintrag bearbeiten.")


def aufwand_anlegen(projekt_id: str, werte: dict[str, Any]):  # noqa: ANN201 - a builder
    """A new Aufwand entry (refused with a German message if its quarter and kind exist already)."""
    def bauen(s: Session) -> befehle.Anlegen:
        _aufwand_eindeutig(s, projekt_id, werte["quartal"], werte["leistungsart"], None)
        return befehle.Anlegen([(Aufwand, {"projekt_id": projekt_id, **werte})], f"Aufwand {werte['quartal'].kurz} erfassen")
    return bauen


def aufwand_aendern(aufwand_id: str, projekt_id: str, werte: dict[str, Any],  # noqa: ANN201 - a builder
                    basis: dict[str, Any] | None = None):
    """Change an Aufwand entry; quarter and kind of service stay unique per project (German message);
    ``basis`` as in :func:`aendern`."""
    def bauen(s: Session) -> befehle.FelderSetzen | None:
        alt = spaltenwerte(_holen(s, "aufwand", aufwand_id))
        quartal, art = werte.get("quartal", alt["quartal"]), werte.get("leistungsart", alt["leistungsart"])
        _aufwand_eindeutig(s, projekt_id, quartal, art, aufwand_id)
        return aendern("aufwand", aufwand_id, werte, f"Aufwand {quartal.kurz} ändern", basis)(s)
    return bauen
