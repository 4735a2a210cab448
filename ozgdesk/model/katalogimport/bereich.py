"""The Ressort's scope: which OZG-Leistungen it is responsible for, with Behörde and Projektleiter.

The scope (``Leistung.im_ressort``) is the basis of the Statusermittlung: only these Leistungen are
reported. A coordinator picks them the way the catalogue is organised – all Typ-1 Leistungen of a
Themenfeld, a text search, or a list of OZG-IDs – and the criteria combine (all must match), so
"Typ 1 in Arbeit & Ruhestand" is one command. Every change goes through the ORM and the change log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.felder import behoerde_finden, person_finden
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung, Themenfeld

MODI = ("hinzufuegen", "entfernen", "ersetzen")


@dataclass(frozen=True)
class Bereichsergebnis:
    """What a scope command selected and changed (OZG-IDs, sorted)."""

    ausgewaehlt: list[str]
    aufgenommen: list[str]
    entfernt: list[str]
    behoerde_gesetzt: list[str]
    projektleiter_ergaenzt: list[str]
    nicht_im_katalog: list[str]


def auswaehlen(
    s: Session,
    *,
    typ: str | None = None,
    themenfeld: str | None = None,
    suche: str | None = None,
    ozg_ids: Sequence[str] = (),
) -> list[Leistung]:
    """The Leistungen matching every given criterion. Explicit OZG-IDs must exist."""
    if not any((typ, themenfeld, suche, ozg_ids)):
        raise Eingabefehler("Bitte mindestens eine Auswahl angeben: --typ, --themenfeld, --suche oder --ozg-id.")
    q = select(Leistung).join(Themenfeld, Leistung.themenfeld_id == Themenfeld.id).order_by(Leistung.ozg_id)
    if typ:
        q = q.where(Leistung.typ == typ.strip())
    if themenfeld:
        t = themenfeld.strip()
        bed: list[ColumnElement[bool]] = [Themenfeld.name.ilike(f"%{t}%")]
        if t.isdigit():
            bed.append(Themenfeld.nummer == int(t))
        treffer = s.execute(select(Themenfeld.name).where(or_(*bed))).scalars().all()
        if not treffer:
            raise Eingabefehler(f"Themenfeld „{t}“ nicht gefunden (Name, Teil des Namens oder Nummer angeben).")
        q = q.where(or_(*bed))
    if suche:
        q = q.where(or_(Leistung.bezeichnung.ilike(f"%{suche.strip()}%"), Leistung.ozg_id == suche.strip()))
    if ozg_ids:
        ids = [o.strip() for o in ozg_ids if o.strip()]
        vorhanden = set(s.execute(select(Leistung.ozg_id).where(Leistung.ozg_id.in_(ids))).scalars())
        fehlend = [o for o in ids if o not in vorhanden]
        if fehlend:
            raise Eingabefehler(f"OZG-ID {', '.join(fehlend)} gibt es im Katalog nicht.")
        q = q.where(Leistung.ozg_id.in_(ids))
    else:
        # by criteria only Leistungen still in the catalogue; explicit OZG-IDs may name flagged ones
        q = q.where(Leistung.im_katalog.is_(True))
    return list(s.execute(q).scalars())


def scope_setzen(
    s: Session,
    *,
    typ: str | None = None,
    themenfeld: str | None = None,
    suche: str | None = None,
    ozg_ids: Sequence[str] = (),
    behoerde: str | None = None,
    projektleiter: str | None = None,
    modus: str = "hinzufuegen",
) -> Bereichsergebnis:
    """Add the selection to the scope, remove it, or make it the whole scope (``ersetzen``).

    ``behoerde`` and ``projektleiter`` are assigned to every selected Leistung (not when removing).
    """
    if modus not in MODI:
        raise Eingabefehler(f"Modus „{modus}“ ist unbekannt (erlaubt: {', '.join(MODI)}).")
    if modus == "entfernen" and (behoerde or projektleiter):
        raise Eingabefehler("Beim Entfernen aus dem Zuständigkeitsbereich können keine Behörde und kein "
                            "Projektleiter zugewiesen werden.")
    auswahl = auswaehlen(s, typ=typ, themenfeld=themenfeld, suche=suche, ozg_ids=ozg_ids)
    if not auswahl:
        raise Eingabefehler("Die Auswahl trifft keine OZG-Leistung; nichts wurde geändert.")
    beh = behoerde_finden(s, behoerde) if behoerde else None
    person = person_finden(s, projektleiter) if projektleiter else None
    aufgenommen: list[str] = []
    entfernt: list[str] = []
    beh_gesetzt: list[str] = []
    pl_ergaenzt: list[str] = []
    ids = {l.id for l in auswahl}
    for l in auswahl:
        soll = modus != "entfernen"
        if l.im_ressort != soll:
            l.im_ressort = soll
            (aufgenommen if soll else entfernt).append(l.ozg_id)
        if beh is not None and l.behoerde_id != beh.id:
            l.behoerde_id = beh.id
            beh_gesetzt.append(l.ozg_id)
        if person is not None:
            vorhanden = s.execute(select(LeistungVerantwortung.id).where(
                LeistungVerantwortung.leistung_id == l.id, LeistungVerantwortung.person_id == person.id)).first()
            if not vorhanden:
                s.add(LeistungVerantwortung(leistung_id=l.id, person_id=person.id))
                pl_ergaenzt.append(l.ozg_id)
    if modus == "ersetzen":
        for l in s.execute(select(Leistung).where(Leistung.im_ressort.is_(True))).scalars():
            if l.id not in ids:
                l.im_ressort = False
                entfernt.append(l.ozg_id)
    s.flush()
    return Bereichsergebnis(
        ausgewaehlt=[l.ozg_id for l in auswahl], aufgenommen=sorted(aufgenommen), entfernt=sorted(entfernt),
        behoerde_gesetzt=sorted(beh_gesetzt), projektleiter_ergaenzt=sorted(pl_ergaenzt),
        nicht_im_katalog=[l.ozg_id for l in auswahl if not l.im_katalog],
    )
