"""German formats for documents: one place so PDF, XLSX and CSV agree on every figure.

Money comes from :func:`ozgdesk.model.values.format_euro` (integer cents, no float); person-days and
percentages through Babel with the ``de_DE`` locale, as the architecture notes recommend.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel import Locale
from babel.numbers import parse_pattern

from ozgdesk.model.values import anzahl, format_datum, format_euro

__all__ = ["betrag", "datum", "euro", "ja_nein", "prozent", "pt", "tage"]

LOCALE = "de_DE"
# Locale and patterns parsed once: format_decimal() parses both on every call, which showed up
# with thousands of figures in a Ressort report. NumberPattern.apply is what it calls.
_DE = Locale.parse(LOCALE)
_PT = parse_pattern("#,##0.##")  # two places: quarter days (0,25 PT) are stored and must not print as 0,2
_PROZENT = parse_pattern("#,##0.0")

def euro(cent: int | None) -> str:
    return "–" if cent is None else format_euro(cent)


def betrag(cent: int) -> str:
    """Amount without the currency sign, for table cells whose heading says "(€)"."""
    return format_euro(cent).removesuffix(" €")


def pt(wert: Decimal | None) -> str:
    """Person-days with up to two decimals, as stored, German separators (``1.234,5 PT``, ``0,25 PT``)."""
    if wert is None:
        return "–"
    return f"{_PT.apply(wert, _DE)} PT"


def prozent(teil: int | Decimal, ganzes: int | Decimal) -> str:
    """Share as ``87,5 %``; ``–`` when there is nothing to compare with."""
    if not ganzes:
        return "–"
    wert = (Decimal(teil) * 100 / Decimal(ganzes)).quantize(Decimal("0.1"))
    return f"{_PROZENT.apply(wert, _DE)} %"


def datum(tag: date | None) -> str:
    return format_datum(tag) if tag else "–"


def ja_nein(wert: bool | None) -> str:
    return "–" if wert is None else ("ja" if wert else "nein")


def tage(n: int) -> str:
    return anzahl(n, "Tag", "Tage")
