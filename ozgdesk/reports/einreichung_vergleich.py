"""„Änderungen gegenüber Fassung N-1“: what changed between two versions of a submission, as a
person reads it and as a machine reads it.

Each change has a machine-readable form for the JSON (``pfad``, ``alt``, ``neu`` as in the JSON:
cents, ISO dates, codes) and a readable one for PDF and XLSX: the project with Kennung and title,
the German label of the field and both values formatted („589.864,11 €“, „30.09.2026“, „grün“,
„ja“). The labels are the ``title`` of each property in the schema
(:mod:`ozgdesk.reports.einreichung_schema`), so a field added to the JSON gets its label where its
type is declared and the change list can never fall back to a raw path.

List entries are matched by their key (project Kennung, Ampel dimension, milestone title,
OZG-ID, Haushaltsstelle, finding id), not by position, so a new milestone shows as one new
milestone and not as every later one changed. A whole new or dropped entry is one row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ozgdesk.model.values import Ampel, Finanzierung
from ozgdesk.reports.einreichung_schema import bericht_schema
from ozgdesk.reports.format import datum, euro, ja_nein, pt, tage

#: Top-level fields that describe the file or the submission, not the report.
_NICHT_VERGLICHEN = frozenset({"$schema", "schema", "schema_version", "art", "einreichung"})


@dataclass(frozen=True)
class Aenderung:
    """One changed value: machine form (``pfad``, ``alt``, ``neu``) and readable form."""

    pfad: str
    alt: Any
    neu: Any
    #: Kennung of the project, None for the report or the Ressort
    projekt: str | None
    #: first column of the table: „BMAS-2024-05 Elterngeld digital“, „Ressort (Summen)“ …
    bereich: str
    #: German label: „Mittelabfluss – Ist im Quartal“, „Meilenstein „Pilot“ – Prognose“
    feld: str
    alt_text: str
    neu_text: str

    def json(self) -> dict[str, Any]:
        """The form in ``einreichung.aenderungen`` of the package JSON."""
        return {"pfad": self.pfad, "projekt": self.projekt, "feld": self.feld, "alt": self.alt, "neu": self.neu}


@functools.cache
def _schema() -> tuple[dict[str, Any], dict[str, Any]]:
    s = bericht_schema()
    return s, s["$defs"]


def _aufloesen(roh: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The schema behind ``anyOf: [x, null]`` and ``$ref``, and the name of the definition."""
    defs = _schema()[1]
    s = roh
    if "anyOf" in s:
        s = {**{k: v for k, v in s.items() if k != "anyOf"}, **next(x for x in s["anyOf"] if x.get("type") != "null")}
    name = None
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[-1]
        s = {**defs[name], **{k: v for k, v in s.items() if k != "$ref"}}
    return s, name


# -------------------------------------------------------------------------------------- formatting
def _datum_text(wert: Any) -> str:
    return datum(date.fromisoformat(wert))


def _zeitpunkt_text(wert: Any) -> str:
    return datum(datetime.fromisoformat(wert).astimezone().date())


_FORMAT: dict[str, Callable[[Any], str]] = {
    "cent": lambda w: euro(int(w)),
    "datum": _datum_text,
    "zeitpunkt": _zeitpunkt_text,
    "ampel": lambda w: Ampel.aus_code(w).label,
    "personentage": lambda w: pt(Decimal(w)),
}


def _stellungnahme_text(w: dict[str, Any]) -> str:
    wer = ", ".join(x for x in (w.get("von") or "", _zeitpunkt_text(w["am"]) if w.get("am") else "") if x)
    return f"{w.get('text', '')} ({wer})" if wer else str(w.get("text", ""))


#: Properties whose value is shown as one text, not field by field.
_ALS_TEXT: dict[str, Callable[[Any], str]] = {
    "finanzierung": lambda w: Finanzierung.aus_code(w).label,
    "verzug_tage": lambda w: tage(int(w)),
    "stellungnahme": _stellungnahme_text,
    "behoerde": lambda w: f"{w.get('name', '')} ({w.get('kurzname', '')})",
    "zahlungsplan_spaetere_fassungen": lambda w: "; ".join(
        f"Fassung {x.get('fassung')}" + (f" vom {_datum_text(x['stand'])}" if x.get("stand") else "") for x in w) or "keine",
}


def _text(wert: Any, prop: str, s: dict[str, Any], ref: str | None) -> str:
    """A JSON value as a person reads it; never a code, a cent amount or True/False."""
    if wert is None:
        return "–"
    try:
        if prop in _ALS_TEXT:
            return _ALS_TEXT[prop](wert)
        if isinstance(wert, bool):
            return ja_nein(wert)
        if ref in _FORMAT:
            return _FORMAT[ref](wert)
    except (ValueError, TypeError, KeyError, AttributeError, InvalidOperation):
        pass  # a value an older version wrote differently: shown as it is rather than not at all
    if isinstance(wert, list):
        return f"{len(wert)} Einträge" if len(wert) != 1 else "1 Eintrag"
    if isinstance(wert, dict):
        return "angegeben"
    if isinstance(wert, str):
        return wert or "–"
    return str(wert)


# -------------------------------------------------------------------------------------- list entries
@dataclass(frozen=True)
class _Liste:
    """How the entries of one list are matched and named."""

    schluessel: str
    #: the entry's name in the change list
    name: Callable[[dict[str, Any]], str]
    #: the field whose change is the entry's change itself („Ampel Zeit“ rather than „Ampel Zeit – Ampel“)
    hauptfeld: str | None = None
    #: one line describing a whole entry that is new or gone
    kurz: Callable[[dict[str, Any]], str] = lambda _x: ""
    #: fields that identify the entry or follow from another field: not listed as changes
    ohne: frozenset[str] = frozenset()
    #: what the new column says of an entry that is gone
    weg: str = "entfernt"


def _dim(x: dict[str, Any]) -> str:
    return str(x.get("dimension", "")).capitalize()


def _befund(x: dict[str, Any]) -> str:
    """„Befund (Quartal Q3/2026, Haushaltsstelle 0602 532 01)“: where, without the project the
    first column names already."""
    ort, projekt = str(x.get("ort") or ""), x.get("projekt")
    if projekt and ort.startswith(f"Projekt {projekt}"):
        ort = ort[len(f"Projekt {projekt}"):].lstrip(", ")
    return f"Befund ({ort})" if ort else "Befund"


_LISTEN: dict[str, _Liste] = {
    "ampeln": _Liste("dimension", lambda x: f"Ampel {_dim(x)}", "ampel",
                     lambda x: _text(x.get("ampel"), "ampel", {}, "ampel"), frozenset({"dimension"})),
    "meilensteine": _Liste("titel", lambda x: f"Meilenstein „{x.get('titel', '')}“", None,
                           lambda x: f"Plan {_text(x.get('plan'), 'plan', {}, 'datum')}, {x.get('status', '')}",
                           frozenset({"titel"})),
    "leistungen": _Liste("ozg_id", lambda x: f"OZG-Leistung {x.get('ozg_id', '')} {x.get('bezeichnung', '')}".strip(),
                         None, lambda x: f"Reifegrad {_text(x.get('reifegrad'), 'reifegrad', {}, None)}",
                         frozenset({"ozg_id"})),
    "haushaltsstellen": _Liste("haushaltsstelle", lambda x: f"Haushaltsstelle {x.get('haushaltsstelle', '')}", None,
                               lambda x: f"Plan im Quartal {_text(x.get('plan_quartal_cent'), '', {}, 'cent')}, "
                                         f"Ist im Quartal {_text(x.get('ist_quartal_cent'), '', {}, 'cent')}",
                               frozenset({"haushaltsstelle"})),
    "pruefung": _Liste("id", _befund, "text", lambda x: f"{x.get('schwere', '')}: {x.get('text', '')}",
                       frozenset({"id", "regel", "datensatz", "ort", "projekt", "ozg_id", "feld", "offen",
                                  "stellungnahme_moeglich"}), "entfallen"),
}


def _verschluesseln(eintraege: Any, art: _Liste) -> dict[str, dict[str, Any]]:
    """Entries by key; a key that occurs twice (two milestones of the same title) gets „(2)“."""
    aus: dict[str, dict[str, Any]] = {}
    for x in eintraege if isinstance(eintraege, list) else []:
        if not isinstance(x, dict):
            continue
        basis = str(x.get(art.schluessel, ""))
        k, n = basis, 1
        while k in aus:
            n += 1
            k = f"{basis} ({n})"
        aus[k] = x
    return aus


# ------------------------------------------------------------------------------------------ walking
class _Vergleich:
    def __init__(self) -> None:
        self.aus: list[Aenderung] = []
        #: project titles by Kennung (old and new), for the first column
        self.titel: dict[Any, str] = {}

    def zeile(self, pfad: str, alt: Any, neu: Any, projekt: str | None, bereich: str, feld: str,
              alt_text: str, neu_text: str) -> None:
        self.aus.append(Aenderung(pfad, alt, neu, projekt, bereich, feld, alt_text, neu_text))

    def wert(self, alt: Any, neu: Any, pfad: str, prop: str, roh: dict[str, Any], projekt: str | None, bereich: str,
             feld: str) -> None:
        if alt == neu:
            return
        s, ref = _aufloesen(roh)
        if isinstance(alt, dict) and isinstance(neu, dict) and "properties" in s and prop not in _ALS_TEXT:
            self.objekt(alt, neu, pfad, s, projekt, bereich, feld)
        elif isinstance(alt, list) and isinstance(neu, list) and prop in _LISTEN:
            self.liste(alt, neu, pfad, _LISTEN[prop], s["items"], projekt, bereich)
        elif (alt is None or neu is None) and "properties" in s and prop not in _ALS_TEXT:
            # a whole block appears or goes (a project becomes fully funded): one row, not twenty
            self.zeile(pfad, alt, neu, projekt, bereich, feld, "–" if alt is None else "angegeben",
                       "–" if neu is None else "neu angegeben")
        else:
            self.zeile(pfad, alt, neu, projekt, bereich, feld, _text(alt, prop, s, ref), _text(neu, prop, s, ref))

    def objekt(self, alt: dict[str, Any], neu: dict[str, Any], pfad: str, s: dict[str, Any], projekt: str | None,
               bereich: str, vorsatz: str, ohne: frozenset[str] = frozenset(), hauptfeld: str | None = None) -> None:
        for k, roh in s.get("properties", {}).items():
            if k in ohne:
                continue
            titel = roh.get("title") or _aufloesen(roh)[0].get("title", k)
            feld = vorsatz if k == hauptfeld else (f"{vorsatz} – {titel}" if vorsatz else titel)
            self.wert(alt.get(k), neu.get(k), f"{pfad}.{k}" if pfad else k, k, roh, projekt, bereich, feld)

    def liste(self, alt: list[Any], neu: list[Any], pfad: str, art: _Liste, eintrag_roh: dict[str, Any],
              projekt: str | None, bereich: str) -> None:
        eintrag, _ref = _aufloesen(eintrag_roh)
        a, n = _verschluesseln(alt, art), _verschluesseln(neu, art)
        for k in list(n) + [k for k in a if k not in n]:
            x, y = a.get(k), n.get(k)
            name = art.name(y if y is not None else x)  # type: ignore[arg-type]
            wo = f"{pfad}[{k}]"
            eigener_bereich = self._befund_bereich(y or x) if art is _LISTEN["pruefung"] else bereich  # type: ignore[arg-type]
            if x is None:
                self.zeile(wo, None, y, projekt, eigener_bereich, name, "–", f"neu: {art.kurz(y)}".rstrip(": "))  # type: ignore[arg-type]
            elif y is None:
                self.zeile(wo, x, None, projekt, eigener_bereich, name, art.kurz(x) or "vorhanden", art.weg)
            elif x != y:
                self.objekt(x, y, wo, eintrag, projekt, eigener_bereich, name, art.ohne, art.hauptfeld)

    # ---------------------------------------------------------------------------------- the report
    def bericht(self, alt: dict[str, Any], neu: dict[str, Any]) -> None:
        schema, _defs = _schema()
        props = schema["properties"]
        self.titel = {p.get("kennung"): p.get("titel", "") for liste in (alt.get("projekte"), neu.get("projekte"))
                      if isinstance(liste, list) for p in liste if isinstance(p, dict)}
        for k, roh in props.items():
            if k in _NICHT_VERGLICHEN or k in ("projekte", "pruefung"):
                continue
            bereich = {"ressort": "Ressort", "summen": "Ressort (Summen)"}.get(k, "Bericht")
            s, _ref = _aufloesen(roh)
            if k in ("ressort", "summen") and isinstance(alt.get(k), dict) and isinstance(neu.get(k), dict):
                self.objekt(alt[k], neu[k], k, s, None, bereich, "")
            else:
                self.wert(alt.get(k), neu.get(k), k, k, roh, None, bereich, roh.get("title", k))
        self.projekte(alt.get("projekte"), neu.get("projekte"), _aufloesen(props["projekte"]["items"])[0])
        befunde = _aufloesen(props["pruefung"])[0]
        self.liste(alt.get("pruefung") or [], neu.get("pruefung") or [], "pruefung", _LISTEN["pruefung"],
                   befunde["items"], None, "Prüfung")

    def projekte(self, alt: Any, neu: Any, s: dict[str, Any]) -> None:
        a = {p.get("kennung"): p for p in (alt or []) if isinstance(p, dict)}
        n = {p.get("kennung"): p for p in (neu or []) if isinstance(p, dict)}
        for k in list(n) + [k for k in a if k not in n]:
            x, y = a.get(k), n.get(k)
            bereich = f"{k} {self.titel.get(k, '')}".strip()
            pfad = f"projekte[{k}]"
            if x is None:
                self.zeile(pfad, None, y, k, bereich, "Projekt", "–", "neu im Bericht")
            elif y is None:
                self.zeile(pfad, x, None, k, bereich, "Projekt", "im Bericht", "nicht mehr im Bericht")
            elif x != y:
                self.objekt(x, y, pfad, s, k, bereich, "", frozenset({"kennung"}))

    def _befund_bereich(self, b: dict[str, Any]) -> str:
        """The project (Kennung and title) or the record a finding is about."""
        if b.get("projekt"):
            return f"{b['projekt']} {self.titel.get(b['projekt'], '')}".strip()
        return str(b.get("ort") or b.get("datensatz") or "Ressort")


def vergleichen(alt: dict[str, Any], neu: dict[str, Any]) -> list[Aenderung]:
    """Every changed value between two report snapshots, in the order of the report."""
    v = _Vergleich()
    v.bericht(alt, neu)
    return v.aus


__all__ = ["Aenderung", "vergleichen"]
