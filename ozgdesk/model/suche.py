"""The global search (Strg+K): one text, found in projects, milestones, OZG-Leistungen, Behörden
and Personen.

Every word of the text must occur in one of a record's searched fields (in any order, anywhere in
the field, upper or lower case). Umlauts are tolerated both ways: „Fuhrerschein“ and
„Fuehrerschein“ find „Führerschein“, „fuhrer“ finds „Führer“, „strasse“ finds „Straße“. SQLite's
``LIKE`` folds case only for ASCII letters, so a vowel that might be an umlaut (a, o, u, ä, ö, ü and
the spellings ae, oe, ue) becomes the one-character wildcard ``_`` in an extra pattern; a few more
hits („Fahrer“ for „Fuhrer“) are the price, and they are ranked after exact ones.

Fast on a large store (10,000 projects, 40,000 milestones): each kind is one query with ``LIKE``
and a ``LIMIT``, no row is loaded into Python to be compared here. Qt-free; the GUI runs
:func:`suchen` on its DB worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.katalog import Leistung, Themenfeld
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Meilenstein, Projekt
from ozgdesk.model.values import format_datum

#: kinds in the order the results are listed, with their German names
ARTEN: dict[str, str] = {"projekt": "Projekt", "meilenstein": "Meilenstein", "leistung": "OZG-Leistung",
                         "behoerde": "Behörde", "person": "Person"}
#: results per kind (the list shows the best; more words narrow it down)
JE_ART = 8
#: shorter texts find too much to be useful
MINDESTLAENGE = 2
_HOECHSTENS_WOERTER = 6


@dataclass(frozen=True)
class Treffer:
    art: str
    id: str
    titel: str
    #: where the record belongs (the project of a milestone, the Themenfeld of a Leistung …)
    kontext: str
    projekt_id: str = ""

    @property
    def art_name(self) -> str:
        return ARTEN[self.art]


def woerter(text: str) -> list[str]:
    """The words of ``text`` (at most six), lower case."""
    return [w for w in re.split(r"\s+", text.strip().casefold()) if w][:_HOECHSTENS_WOERTER]


def _maskieren(wort: str) -> str:
    return wort.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_UMLAUTSTELLE = re.compile(r"ae|oe|ue|[aouäöü]")


def muster(wort: str) -> list[str]:
    """The ``LIKE`` patterns (escape ``\\``) one word is looked for with: as typed, with every
    possible umlaut as a wildcard (words of four letters or more), and with ß for ss and back."""
    roh = _maskieren(wort)
    ergebnis = [f"%{roh}%"]
    if len(wort) >= 4:
        teile = _UMLAUTSTELLE.split(wort)
        vokale = "_".join(_maskieren(t) for t in teile)
        if vokale != roh:
            ergebnis.append(f"%{vokale}%")
    if "ss" in wort:
        ergebnis.append(f"%{_maskieren(wort.replace('ss', 'ß'))}%")
    if "ß" in wort:
        ergebnis.append(f"%{_maskieren(wort.replace('ß', 'ss'))}%")
    return ergebnis


def _bedingung(felder: tuple[Any, ...], text: str) -> ColumnElement[bool]:
    """Every word in one of ``felder``."""
    ws = woerter(text)
    if not ws:
        return false()
    return and_(*(or_(*(f.like(m, escape="\\") for f in felder for m in muster(w))) for w in ws))


def _genau(felder: tuple[Any, ...], text: str) -> ColumnElement[Any]:
    """1 if the text occurs as typed (not only through an umlaut wildcard): ranked first."""
    ganz = f"%{_maskieren(text.strip())}%"
    return case((or_(*(f.like(ganz, escape="\\") for f in felder)), 0), else_=1)


def suchen(s: Session, text: str, je_art: int = JE_ART) -> list[Treffer]:
    """The records matching ``text``, at most ``je_art`` per kind, kinds in the order of :data:`ARTEN`."""
    if len(text.strip()) < MINDESTLAENGE:
        return []
    treffer: list[Treffer] = []

    felder: tuple[Any, ...] = (Projekt.kennung, Projekt.titel, Projekt.aktenzeichen)
    q: Any = (select(Projekt.id, Projekt.kennung, Projekt.titel, Behoerde.kurzname, Behoerde.name)
         .outerjoin(Behoerde, Behoerde.id == Projekt.behoerde_id).where(_bedingung(felder, text))
         .order_by(_genau(felder, text), Projekt.kennung).limit(je_art))
    for pid, kennung, titel, kurz, name in s.execute(q):
        treffer.append(Treffer("projekt", pid, f"{kennung} – {titel}", kurz or name or "ohne Behörde", pid))

    felder = (Meilenstein.titel, Projekt.kennung)  # „Go-Live 2024-03“: the milestone of that project
    q = (select(Meilenstein.id, Meilenstein.titel, Meilenstein.plan_datum, Meilenstein.prognose_datum, Projekt.id,
                Projekt.kennung, Projekt.titel)
         .join(Projekt, Projekt.id == Meilenstein.projekt_id).where(_bedingung(felder, text))
         .order_by(_genau(felder[:1], text), Projekt.kennung, Meilenstein.plan_datum).limit(je_art))
    for mid, titel, plan, prognose, pid, kennung, ptitel in s.execute(q):
        termin = prognose or plan
        treffer.append(Treffer("meilenstein", mid, titel, f"{kennung}" + (f" · {format_datum(termin)}" if termin else "")
                               + f" · {ptitel}", pid))

    felder = (Leistung.ozg_id, Leistung.bezeichnung)
    q = (select(Leistung.id, Leistung.ozg_id, Leistung.bezeichnung, Leistung.im_ressort, Themenfeld.name)
         .outerjoin(Themenfeld, Themenfeld.id == Leistung.themenfeld_id).where(_bedingung(felder, text))
         .order_by(Leistung.im_ressort.desc(), _genau(felder, text), Leistung.ozg_id).limit(je_art))
    for lid, ozg_id, bezeichnung, im_ressort, themenfeld in s.execute(q):
        treffer.append(Treffer("leistung", lid, f"{ozg_id} {bezeichnung}",
                               ("im Ressort" if im_ressort else "Katalog") + (f" · {themenfeld}" if themenfeld else "")))

    felder = (Behoerde.kurzname, Behoerde.name)
    q = (select(Behoerde.id, Behoerde.kurzname, Behoerde.name, Behoerde.art).where(_bedingung(felder, text))
         .order_by(_genau(felder, text), Behoerde.kurzname).limit(je_art))
    for bid, kurz, name, art in s.execute(q):
        treffer.append(Treffer("behoerde", bid, f"{kurz} – {name}" if kurz else name, art.label if art else ""))

    felder = (Person.name, Person.funktion, Person.referat, Person.email)
    q = (select(Person.id, Person.name, Person.funktion, Person.referat, Behoerde.kurzname)
         .outerjoin(Behoerde, Behoerde.id == Person.behoerde_id).where(_bedingung(felder, text))
         .order_by(_genau(felder, text), Person.name).limit(je_art))
    for pid, name, funktion, referat, behoerde in s.execute(q):
        teile = [t for t in (funktion, referat, behoerde or "Ministerium") if t]
        treffer.append(Treffer("person", pid, name, ", ".join(teile)))
    return treffer
