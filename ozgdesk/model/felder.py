"""Fields a user may set by name, with one parser each: shared by the CLI ``setzen`` and the GUI forms.

Scripts write ``FELD=WERT`` pairs (e.g. a Reifegrad update from a list); the GUI edits the same
fields. Both go through these parsers and then through the entity's ``pruefen()`` in the flush
hook, so a value is valid or refused with the same German message wherever it was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ozgdesk.model.base import Base, feldname
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.katalog import Leistung, LeistungVerantwortung, ReifegradBewertung
from ozgdesk.model.organisation import Behoerde, Person, Ressort
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.values import (
    Ampel,
    DeutschesEnum,
    Finanzierung,
    Komponente,
    Reifegradmodell,
    parse_datum,
    parse_dezimal,
    parse_typ,
)

Parser = Callable[[Session, str], Any]


def _text(_s: Session, wert: str) -> str:
    return wert.strip()


def _pflichttext(_s: Session, wert: str) -> str:
    if not wert.strip():
        raise Eingabefehler("darf nicht leer sein.")
    return wert.strip()


def _datum_oder_leer(_s: Session, wert: str) -> date | None:
    return parse_datum(wert) if wert.strip() else None


def _ja_nein(_s: Session, wert: str) -> bool:
    w = wert.strip().casefold()
    if w in ("ja", "j", "1", "true", "wahr", "x"):
        return True
    if w in ("nein", "n", "0", "false", "falsch", ""):
        return False
    raise Eingabefehler(f"„{wert}“ ist weder ja noch nein.")


def _ganzzahl_oder_leer(_s: Session, wert: str) -> int | None:
    if not wert.strip():
        return None
    try:
        return int(wert.strip())
    except ValueError:
        raise Eingabefehler(f"„{wert}“ ist keine ganze Zahl.") from None


def _pt_oder_leer(_s: Session, wert: str) -> Any:
    return parse_dezimal(wert, feld="Personentage") if wert.strip() else None


def _enum(cls: type[DeutschesEnum]) -> Parser:
    return lambda _s, wert: cls.parse(wert)


def _komponenten(_s: Session, wert: str) -> str:
    codes = [Komponente.parse(t).value for t in wert.replace(";", ",").split(",") if t.strip()]
    return ",".join(dict.fromkeys(codes))


def behoerde_finden(s: Session, wert: str) -> Behoerde:
    w = wert.strip()
    treffer = s.execute(
        select(Behoerde).where(
            or_(Behoerde.id == w, func.lower(Behoerde.kurzname) == w.lower(), func.lower(Behoerde.name) == w.lower())
        )
    ).scalars().all()
    if len(treffer) != 1:
        raise Eingabefehler(f"Behörde „{w}“ nicht gefunden (Kurzname, Name oder Kennung angeben).")
    return treffer[0]


def person_finden(s: Session, wert: str) -> Person:
    w = wert.strip()
    treffer = s.execute(
        select(Person).where(or_(Person.id == w, func.lower(Person.name) == w.lower(), func.lower(Person.email) == w.lower()))
    ).scalars().all()
    if len(treffer) != 1:
        raise Eingabefehler(f"Person „{w}“ nicht gefunden (Name, E-Mail oder Kennung angeben).")
    return treffer[0]


def _behoerde_id(s: Session, wert: str) -> str | None:
    return behoerde_finden(s, wert).id if wert.strip() else None


def _person_id(s: Session, wert: str) -> str | None:
    return person_finden(s, wert).id if wert.strip() else None


@dataclass(frozen=True)
class Feld:
    name: str
    attribut: str
    label: str
    parser: Parser


def _felder(cls: type[Base], *eintraege: tuple[str, str, Parser]) -> dict[str, Feld]:
    """Fields by CLI name; the label is the entity's (``__feldnamen__``), as in every message of the hook."""
    return {n: Feld(n, a, feldname(cls, a), p) for n, a, p in eintraege}


PROJEKT_FELDER = _felder(
    Projekt,
    ("titel", "titel", _pflichttext),
    ("zweck", "zweck", _text),
    ("ziele", "ziele", _text),
    ("ergebnisse", "ergebnisse", _text),
    ("behoerde", "behoerde_id", _behoerde_id),
    ("projektleiter", "projektleiter_id", _person_id),
    ("finanzierung", "finanzierung", _enum(Finanzierung)),
    ("beratung_fachlich", "beratung_fachlich", _ja_nein),
    ("beratung_architektur", "beratung_architektur", _ja_nein),
    ("umsetzung", "umsetzung", _ja_nein),
    ("komponenten", "komponenten", _komponenten),
    ("abweichungsbegruendung", "abweichungsbegruendung", _text),
    ("beginn", "beginn", _datum_oder_leer),
    ("ende", "ende", _datum_oder_leer),
    ("eigenpersonal_pt", "eigenpersonal_pt", _pt_oder_leer),
    ("aktenzeichen", "aktenzeichen", _text),
    ("ampel", "ampel_gesamt", _enum(Ampel)),
    ("ampel_grund", "ampel_gesamt_grund", _text),
    ("ampel_zeit", "ampel_zeit", _enum(Ampel)),
    ("ampel_zeit_grund", "ampel_zeit_grund", _text),
    ("ampel_kosten", "ampel_kosten", _enum(Ampel)),
    ("ampel_kosten_grund", "ampel_kosten_grund", _text),
    ("ampel_umfang", "ampel_umfang", _enum(Ampel)),
    ("ampel_umfang_grund", "ampel_umfang_grund", _text),
    ("risiken", "risiken", _text),
    ("naechste_schritte", "naechste_schritte", _text),
    ("interne_bemerkung", "interne_bemerkung", _text),
)

LEISTUNG_FELDER = _felder(
    Leistung,
    ("typ", "typ", lambda s, w: parse_typ(w) if w.strip() else None),
    ("im_ressort", "im_ressort", _ja_nein),
    ("behoerde", "behoerde_id", _behoerde_id),
    ("prioritaet", "prioritaet", _ganzzahl_oder_leer),
    ("geplant_online", "geplant_online", _datum_oder_leer),
    ("ziel_reifegrad", "ziel_reifegrad", _ganzzahl_oder_leer),
    ("bemerkung", "bemerkung", _text),
)

#: The Ressort's fields a coordinator may change. The Kurzname is not among them: it names the
#: submission packages and their folders on the share, a change would orphan them.
RESSORT_FELDER = _felder(
    Ressort,
    ("name", "name", _pflichttext),
    ("referat", "koordinierungsreferat", _text),
    ("ansprechpartner", "ansprechpartner_id", _person_id),
    ("anschrift", "anschrift", _text),
    ("postfach", "postfach", _text),
    ("empfaenger", "empfaenger", _text),
)

#: Pseudo-fields of a Leistung that add records instead of setting a column.
LEISTUNG_ZUSATZ = {
    "reifegrad": "neue Reifegrad-Bewertung (Stufe), mit reifegrad_modell, reifegrad_datum, reifegrad_quelle",
    "reifegrad_modell": "Modell der neuen Bewertung: 1.1 (Standard) oder 2.0",
    "reifegrad_datum": "Datum der neuen Bewertung (Standard: heute)",
    "reifegrad_quelle": "Quelle der neuen Bewertung",
    "projektleiter": "Projektleiter hinzufügen (Name oder E-Mail)",
}


def zuweisungen_lesen(paare: list[str]) -> list[tuple[str, str]]:
    ergebnis = []
    for paar in paare:
        if "=" not in paar:
            raise Eingabefehler(f"„{paar}“: erwartet FELD=WERT.")
        feld, wert = paar.split("=", 1)
        ergebnis.append((feld.strip().lower(), wert))
    return ergebnis


def _setzen(s: Session, obj: Base, felder: dict[str, Feld], feld: str, wert: str, bezeichnung: str) -> None:
    if feld not in felder:
        raise Eingabefehler(
            f"{bezeichnung}: Das Feld „{feld}“ gibt es nicht. Erlaubt: {', '.join(sorted(felder))}."
        )
    f = felder[feld]
    try:
        setattr(obj, f.attribut, f.parser(s, wert))
    except Eingabefehler as e:
        raise Eingabefehler(f"{bezeichnung}, Feld „{feld}“ ({f.label}): {e}") from None


def projekt_finden(s: Session, kennung: str) -> Projekt:
    p = s.execute(select(Projekt).where(or_(Projekt.kennung == kennung.strip().upper(), Projekt.id == kennung.strip()))).scalar_one_or_none()
    if p is None:
        raise Eingabefehler(f"Projekt „{kennung}“ nicht gefunden (Projektkennung wie BMAS-2024-01 angeben).")
    return p


def leistung_finden(s: Session, ozg_id: str) -> Leistung:
    l = s.execute(select(Leistung).where(or_(Leistung.ozg_id == ozg_id.strip(), Leistung.id == ozg_id.strip()))).scalar_one_or_none()
    if l is None:
        raise Eingabefehler(f"OZG-Leistung „{ozg_id}“ nicht gefunden (fünfstellige OZG-ID angeben).")
    return l


def projekt_setzen(s: Session, kennung: str, paare: list[tuple[str, str]]) -> Projekt:
    projekt = projekt_finden(s, kennung)
    for feld, wert in paare:
        _setzen(s, projekt, PROJEKT_FELDER, feld, wert, f"Projekt {projekt.kennung}")
    s.flush()
    return projekt


def ressort_setzen(s: Session, paare: list[tuple[str, str]]) -> Ressort:
    from ozgdesk.model.einrichtung import ressort_von

    ressort = ressort_von(s)
    for feld, wert in paare:
        _setzen(s, ressort, RESSORT_FELDER, feld, wert, f"Ressort {ressort.kurzname}")
    s.flush()
    return ressort


def leistung_setzen(s: Session, ozg_id: str, paare: list[tuple[str, str]]) -> Leistung:
    leistung = leistung_finden(s, ozg_id)
    bezeichnung = f"OZG-Leistung {leistung.ozg_id}"
    zusatz = {f: w for f, w in paare if f in LEISTUNG_ZUSATZ}
    for feld, wert in paare:
        if feld in LEISTUNG_ZUSATZ:
            continue
        if feld not in LEISTUNG_FELDER:
            erlaubt = sorted(list(LEISTUNG_FELDER) + list(LEISTUNG_ZUSATZ))
            raise Eingabefehler(f"{bezeichnung}: Das Feld „{feld}“ gibt es nicht. Erlaubt: {', '.join(erlaubt)}.")
        _setzen(s, leistung, LEISTUNG_FELDER, feld, wert, bezeichnung)
    if "reifegrad" in zusatz:
        try:
            modell = Reifegradmodell.parse(zusatz.get("reifegrad_modell", "1.1"))
            stufe = _ganzzahl_oder_leer(s, zusatz["reifegrad"])
            datum = parse_datum(zusatz["reifegrad_datum"]) if zusatz.get("reifegrad_datum") else date.today()
        except Eingabefehler as e:
            raise Eingabefehler(f"{bezeichnung}, Reifegrad: {e}") from None
        if stufe is None:
            raise Eingabefehler(f"{bezeichnung}, Feld „reifegrad“: Stufe fehlt.")
        bewertung = ReifegradBewertung(leistung_id=leistung.id, datum=datum, modell=modell, stufe=stufe,
                                       quelle=zusatz.get("reifegrad_quelle", "").strip())
        try:
            bewertung.pruefen()
        except Eingabefehler as e:
            raise Eingabefehler(f"{bezeichnung}, Feld „reifegrad“: {e}") from None
        s.add(bewertung)
    elif any(k.startswith("reifegrad_") for k in zusatz):
        raise Eingabefehler(f"{bezeichnung}: reifegrad_modell/_datum/_quelle nur zusammen mit reifegrad=STUFE.")
    if "projektleiter" in zusatz:
        try:
            person = person_finden(s, zusatz["projektleiter"])
        except Eingabefehler as e:
            raise Eingabefehler(f"{bezeichnung}, Feld „projektleiter“: {e}") from None
        vorhanden = s.execute(select(LeistungVerantwortung).where(
            LeistungVerantwortung.leistung_id == leistung.id, LeistungVerantwortung.person_id == person.id)).first()
        if not vorhanden:
            s.add(LeistungVerantwortung(leistung_id=leistung.id, person_id=person.id))
    s.flush()
    return leistung
