"""Warnings at entry time: values that are allowed but often a typing slip (Qt-free).

A payment dated next year, a work package that ends after the project, a Behörde entered twice:
each is legitimate sometimes (a final invoice after the project end, a planned booking), so none is
an error that blocks the save. But the person typing should see it *now*, not when the quarterly
report comes out wrong. The GUI shows these texts before saving and saves on „Trotzdem
speichern“; an import (CLI or GUI) can print them beside what it added. Every function takes a
read session and plain values and returns :class:`Hinweis` objects; nothing here writes.

**What „als Korrektur gekennzeichnet“ means.** A negative Mittelabfluss is a Rückzahlung, Storno or
Korrekturbuchung. It counts as marked when its Referenz or Bemerkung contains one of the words in
:data:`KORREKTURWOERTER` (any case, also as the start of a longer word: „Stornobuchung“,
„Rückzahlung Abschlag 2“). HKR exports already carry such words in their booking text, so an
imported refund is recognised without extra work, and no schema change was needed. The GUI's
checkbox „Korrekturbuchung“ writes „Korrektur“ into the Bemerkung when none of the words is there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.finanzen import Zahlungsplan, ZahlungsplanPosition
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.values import Haushaltsstelle, format_datum, format_euro


@dataclass(frozen=True)
class Hinweis:
    """One warning: the form field it is about (None: the whole record) and a German sentence."""

    feld: str | None
    text: str

    def __str__(self) -> str:
        return self.text


#: Words that mark a negative payment as a correction (see the module docstring).
KORREKTURWOERTER = ("Korrektur", "Rückzahlung", "Rueckzahlung", "Rückbuchung", "Rueckbuchung", "Storno",
                    "Gutschrift", "Erstattung")
_KORREKTUR_RE = re.compile(r"\b(" + "|".join(w.casefold() for w in KORREKTURWOERTER) + ")", re.IGNORECASE)


def ist_korrektur(*texte: str | None) -> bool:
    """True if any of the texts (Referenz, Bemerkung) marks the booking as a correction."""
    return any(t and _KORREKTUR_RE.search(t.casefold()) for t in texte)


def _laufzeit(s: Session, projekt_id: str) -> tuple[str, date | None, date | None]:
    p = s.get(Projekt, projekt_id)
    return (p.kennung, p.beginn, p.ende) if p is not None else ("", None, None)


def arbeitspaket(s: Session, projekt_id: str, beginn: date | None, ende: date | None) -> list[Hinweis]:
    """A work package that starts before or ends after its project."""
    kennung, p_beginn, p_ende = _laufzeit(s, projekt_id)
    hinweise = []
    for feld, tag in (("beginn", beginn), ("ende", ende)):
        if tag is None:
            continue
        if p_beginn and tag < p_beginn:
            hinweise.append(Hinweis(feld, f"{'Beginn' if feld == 'beginn' else 'Ende'} des Arbeitspakets "
                                          f"({format_datum(tag)}) liegt vor dem Projektbeginn ({format_datum(p_beginn)})."))
        elif p_ende and tag > p_ende:
            hinweise.append(Hinweis(feld, f"{'Beginn' if feld == 'beginn' else 'Ende'} des Arbeitspakets "
                                          f"({format_datum(tag)}) liegt nach dem Projektende ({format_datum(p_ende)})."))
    return hinweise


def haushaltsstellen_im_plan(s: Session, projekt_id: str) -> tuple[int, set[Haushaltsstelle]] | None:
    """(version, Haushaltsstellen) of the project's current Zahlungsplan; None if it has none."""
    version = s.execute(select(func.max(Zahlungsplan.version)).where(Zahlungsplan.projekt_id == projekt_id)).scalar_one()
    if version is None:
        return None
    stellen = set(s.execute(
        select(ZahlungsplanPosition.haushaltsstelle).join(Zahlungsplan, ZahlungsplanPosition.zahlungsplan_id == Zahlungsplan.id)
        .where(Zahlungsplan.projekt_id == projekt_id, Zahlungsplan.version == version)).scalars())
    return version, stellen


def zahlung(s: Session, projekt_id: str, datum: date | None, betrag_cent: int | None,
            haushaltsstelle: Haushaltsstelle | None, *, heute: date, referenz: str = "",
            bemerkung: str = "") -> list[Hinweis]:
    """A payment in the future, outside the project period, on a Haushaltsstelle the current plan does
    not know, or negative without being marked as a correction."""
    kennung, p_beginn, p_ende = _laufzeit(s, projekt_id)
    return zahlung_gegen(Laufzeit(kennung, p_beginn, p_ende), haushaltsstellen_im_plan(s, projekt_id), datum,
                         betrag_cent, haushaltsstelle, heute=heute, referenz=referenz, bemerkung=bemerkung)


@dataclass(frozen=True)
class Laufzeit:
    """What the payment rules need to know of a project."""

    kennung: str
    beginn: date | None
    ende: date | None


def zahlung_gegen(projekt: Laufzeit, plan: tuple[int, set[Haushaltsstelle]] | None, datum: date | None,
                  betrag_cent: int | None, haushaltsstelle: Haushaltsstelle | None, *, heute: date,
                  referenz: str = "", bemerkung: str = "") -> list[Hinweis]:
    """The payment rules against facts already loaded: the one rule set for the payment dialog and the
    HKR import, which loads the periods and plans of thousands of rows in a few queries."""
    kennung, p_beginn, p_ende = projekt.kennung, projekt.beginn, projekt.ende
    hinweise = []
    if datum is not None:
        if datum > heute:
            hinweise.append(Hinweis("datum", f"Das Datum {format_datum(datum)} liegt in der Zukunft (heute ist der "
                                             f"{format_datum(heute)}); ein Mittelabfluss ist eine geleistete Zahlung."))
        if p_beginn and datum < p_beginn:
            hinweise.append(Hinweis("datum", f"Das Datum {format_datum(datum)} liegt vor dem Projektbeginn "
                                             f"({format_datum(p_beginn)})."))
        elif p_ende and datum > p_ende:
            hinweise.append(Hinweis("datum", f"Das Datum {format_datum(datum)} liegt nach dem Projektende "
                                             f"({format_datum(p_ende)})."))
    if haushaltsstelle is not None:
        if plan is None:
            hinweise.append(Hinweis("haushaltsstelle", f"Projekt {kennung} hat noch keinen Zahlungsplan; die "
                                                       f"Haushaltsstelle {haushaltsstelle} steht daher in keinem Plan."))
        elif haushaltsstelle not in plan[1]:
            bekannt = ", ".join(sorted(str(h) for h in plan[1])) or "keine"
            hinweise.append(Hinweis("haushaltsstelle", f"Die Haushaltsstelle {haushaltsstelle} steht nicht im aktuellen "
                                                       f"Zahlungsplan (Version {plan[0]}: {bekannt})."))
    if betrag_cent is not None and betrag_cent < 0 and not ist_korrektur(referenz, bemerkung):
        hinweise.append(Hinweis("betrag_cent", f"Negativer Betrag ({format_euro(betrag_cent)}) ohne Kennzeichnung als "
                                               "Korrektur: Rückzahlungen und Stornos bitte als Korrekturbuchung "
                                               "kennzeichnen."))
    return hinweise


def _schluessel(text: str | None) -> str:
    """Name as compared: case and blanks ignored (SQLite's lower() knows no umlauts, so in Python)."""
    return " ".join((text or "").split()).casefold()


def behoerde(s: Session, name: str, kurzname: str = "", *, ausser_id: str | None = None) -> list[Hinweis]:
    """Another Behörde with the same name or Kurzname (ignoring case and blanks). Behörden are a few
    dozen per Ressort, so they are compared in Python."""
    n, k = _schluessel(name), _schluessel(kurzname)
    hinweise = []
    for id_, b_name, b_kurz in s.execute(select(Behoerde.id, Behoerde.name, Behoerde.kurzname).order_by(Behoerde.name)):
        if id_ != ausser_id and ((n and _schluessel(b_name) == n) or (k and _schluessel(b_kurz) == k)):
            hinweise.append(Hinweis("name", f"Eine Behörde „{b_name}“{f' ({b_kurz})' if b_kurz else ''} gibt es schon; "
                                            "bitte prüfen, ob dieselbe gemeint ist."))
    return hinweise


def person(s: Session, name: str, *, ausser_id: str | None = None) -> list[Hinweis]:
    """Another Person with the same name (ignoring case and blanks)."""
    n = _schluessel(name)
    if not n:
        return []
    hinweise = []
    for id_, p_name, funktion, referat in s.execute(
            select(Person.id, Person.name, Person.funktion, Person.referat).order_by(Person.name)):
        if id_ != ausser_id and _schluessel(p_name) == n:
            wo = ", ".join(x for x in (funktion, f"Referat {referat}" if referat else "") if x)
            hinweise.append(Hinweis("name", f"Eine Person „{p_name}“{f' ({wo})' if wo else ''} gibt es schon; "
                                            "bitte prüfen, ob dieselbe gemeint ist."))
    return hinweise
