"""Who receives the Ressort's reports and submissions (the programme management).

The Digitalisierungsprogramm Bund was set up by the BMI; since the Organisationserlass of May 2025
OZG steering lies with the BMDS. Responsibilities move again, so the recipient is a setting of the
Ressort (``ressort.empfaenger``, replicated like every Ressort field so all devices of a Ressort
address the same body), not a constant: documents, CLI and GUI name it through this module.

Texts need a short form („BMDS“, the abbreviation in the trailing parentheses of the full name) and
the article that goes with it („an das BMDS“): German articles follow the head noun, so
:func:`mit_artikel` reads it from the full name; an unknown noun gets no article rather than a
wrong one.
"""

from __future__ import annotations

import re
from typing import Any

#: the recipient when the Ressort has set none
STANDARD = "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)"

_KLAMMER = re.compile(r"\(([^()]{1,30})\)\s*$")
#: endings of the head noun → article (nominative/accusative: „an das …“, „an die …“, „an den …“)
_ARTIKEL = (
    (("ministerium", "amt", "zentrum", "referat", "büro", "kanzleramt", "sekretariat", "team", "projekt"), "das"),
    (("ung", "stelle", "anstalt", "behörde", "agentur", "kanzlei", "kommission", "gruppe", "einheit"), "die"),
    (("stab", "ausschuss", "rat", "beauftragte", "dienst"), "den"),
)


def name(wert: str | None) -> str:
    """The full name to print: the Ressort's setting, else :data:`STANDARD`."""
    return (wert or "").strip() or STANDARD


def kurz(wert: str | None) -> str:
    """The short form: „BMDS“ from „Bundesministerium … (BMDS)“, else the full name."""
    voll = name(wert)
    m = _KLAMMER.search(voll)
    return m.group(1).strip() if m else voll


def artikel(wert: str | None) -> str:
    """„das“, „die“ or „den“ for the recipient, or "" if its head noun is not known."""
    voll = _KLAMMER.sub("", name(wert)).strip()
    kopf = voll.split()[0].lower() if voll.split() else ""
    for endungen, art in _ARTIKEL:
        if kopf.endswith(endungen):
            return art
    return ""


def mit_artikel(wert: str | None) -> str:
    """The short form with its article: „das BMDS“ (for „an das BMDS“, „Rückmeldungen des …“ is
    not built from this – use :func:`kurz` where the case differs)."""
    art = artikel(wert)
    return f"{art} {kurz(wert)}" if art else kurz(wert)


def des_ressorts(s: Any) -> str:
    """The recipient as set for the store's Ressort (a session; "" if none is set or no Ressort yet)."""
    from sqlalchemy import select

    from ozgdesk.model.organisation import Ressort

    return s.execute(select(Ressort.empfaenger).limit(1)).scalar_one_or_none() or ""
