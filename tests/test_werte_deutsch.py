"""Numbers and dates typed the German way: no input may silently shift a value's magnitude.

The seen case: „12.500“ typed in the payment dialog was stored as 12,50 €. The rule now is the German
reader's: a dot separates thousands, the comma separates the cents, and anything whose meaning a
German reader could doubt („12.50“, „1,234.56“) is refused with a message showing the expected form.
The property tests state that rule for every string, not only the listed ones.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import (
    HOECHSTBETRAG_CENT,
    euro_zu_cent,
    format_datum,
    format_euro,
    format_zahl,
    parse_datum,
    parse_dezimal,
    parse_prozent,
)
from ozgdesk.reports.format import betrag, prozent, pt

BETRAEGE = st.integers(min_value=-(HOECHSTBETRAG_CENT - 1), max_value=HOECHSTBETRAG_CENT - 1)


@pytest.mark.parametrize(
    "eingabe, cent",
    [
        ("12.500", 1_250_000),
        ("12.500,00", 1_250_000),
        ("1.234.567", 123_456_700),
        ("1.234.567,89", 123_456_789),
        ("12.500,5", 1_250_050),
        ("-250,00", -25_000),
        ("250,00-", -25_000),  # trailing minus as HKR/SAP exports write it
        ("−250,00", -25_000),  # the typographic minus sign
        ("1 234 567,89", 123_456_789),
        ("1\u00a0234,56 €", 123_456),
        ("EUR 99,95", 9_995),
        ("12,5", 1_250),
        ("0,01", 1),
        ("500", 50_000),
    ],
)
def test_betrag_wie_ein_deutscher_leser(eingabe, cent):
    assert euro_zu_cent(eingabe) == cent


@pytest.mark.parametrize("eingabe, vorschlag", [("12.50", "12,50"), ("1,234.56", "1.234,56"), ("0.5", "0,5"),
                                                ("1234.5", "1.234,5")])
def test_mehrdeutiger_betrag_wird_mit_erwarteter_form_abgelehnt(eingabe, vorschlag):
    with pytest.raises(Eingabefehler) as e:
        euro_zu_cent(eingabe)
    text = str(e.value)
    assert "mehrdeutig" in text and f"„{vorschlag}“" in text and "1.234,56" in text


@pytest.mark.parametrize("eingabe", ["12.5000", "1.23.456", "0.500", "12.500.5", "1,2,3", ",", "-", "1 23,4", "1e3",
                                     "0x10", "١٢", "12,345", "9" * 5000, "1" * 61])
def test_unsinn_wird_abgelehnt(eingabe):
    with pytest.raises(Eingabefehler):
        euro_zu_cent(eingabe)


def test_absurd_hohe_betraege_werden_abgelehnt():
    with pytest.raises(Eingabefehler, match="unplausibel hoch"):
        euro_zu_cent("10.000.000.000.000,00")
    with pytest.raises(Eingabefehler, match="unplausibel hoch"):
        euro_zu_cent(Decimal("1E+40"))
    assert euro_zu_cent("9.999.999.999.999,99") == HOECHSTBETRAG_CENT - 1


@settings(max_examples=400, deadline=None)
@given(BETRAEGE)
def test_was_format_euro_druckt_liest_sich_zurueck(cent):
    text = format_euro(cent)
    assert euro_zu_cent(text) == cent
    assert euro_zu_cent(text.removesuffix(" €")) == cent
    assert euro_zu_cent(betrag(cent)) == cent
    assert euro_zu_cent(text.replace(".", "")) == cent  # the same amount typed without thousands dots


def _deutsche_lesart(text: str) -> Decimal:
    """What a German reader reads: dots and blanks are only separators, the comma is the decimal mark."""
    s = text.strip().removesuffix("€").strip()
    negativ = s.startswith("-") or s.endswith("-")
    s = s.strip("-").replace(".", "").replace(" ", "").replace(",", ".")
    d = Decimal(s)
    return -d if negativ else d


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789.,- ", min_size=1, max_size=16))
def test_keine_eingabe_verschiebt_die_groessenordnung(text):
    """Any string either is refused or means exactly what a German reader reads: never 100× or 1000× off."""
    try:
        cent = euro_zu_cent(text)
    except Eingabefehler:
        return
    assert Decimal(cent) / 100 == _deutsche_lesart(text)
    if "." in text:  # a dot that survived is a thousands separator: groups of exactly three digits
        assert re.fullmatch(r"\s*-?\s*[1-9]\d{0,2}(\.\d{3})+(,\d{1,2})?\s*-?\s*", text)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**10), st.integers(min_value=0, max_value=99))
def test_personentage_und_prozente_lesen_sich_zurueck(ganz, hundertstel):
    wert = Decimal(ganz) + Decimal(hundertstel) / 100  # PT are stored with two places (0,25 PT)
    assert parse_dezimal(pt(wert), feld="Personentage") == wert
    assert parse_dezimal(f"{format_zahl(ganz)},{hundertstel:02d}") == wert
    zehntel = wert.quantize(Decimal("0.1"))
    anteil = prozent(zehntel, 100)  # “x,y %” of 100 is x,y itself (percentages print one place)
    assert parse_prozent(anteil) == zehntel


@pytest.mark.parametrize("eingabe", ["1e999999", "1E5", "NaN", "12.5", "0,255", "9" * 13, "Infinity", "1_000"])
def test_personentage_ohne_exponent_und_mit_grenzen(eingabe):
    with pytest.raises(Eingabefehler):
        parse_dezimal(eingabe, feld="Personentage")


def test_personentage_deutsch():
    assert parse_dezimal("1.234,5 PT") == Decimal("1234.5")
    assert parse_dezimal("12.500") == Decimal(12500)
    assert parse_dezimal("0,25") == Decimal("0.25")


@pytest.mark.parametrize("eingabe, tag", [("1.10.26", date(2026, 10, 1)), ("01.10.2026", date(2026, 10, 1)),
                                          ("1.1.2027", date(2027, 1, 1)), ("2026-12-31", date(2026, 12, 31)),
                                          (" 31.12.99 ", date(2099, 12, 31))])
def test_datum_kurz_und_lang(eingabe, tag):
    assert parse_datum(eingabe) == tag


@pytest.mark.parametrize("eingabe", ["31.2.2026", "1.13.26", "1.1.1", "2026-1-1", "heute", "1.10.202", "1" * 500])
def test_datum_unsinn(eingabe):
    with pytest.raises(Eingabefehler, match="kein gültiges Datum"):
        parse_datum(eingabe)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_was_format_datum_druckt_liest_sich_zurueck(tag):
    assert parse_datum(format_datum(tag)) == tag
    assert parse_datum(tag.isoformat()) == tag
