"""Value types: the periods, budget lines and amounts every report depends on."""

from datetime import date
from decimal import Decimal

import pytest

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import (
    Halbjahr,
    Haushaltsstelle,
    Quartal,
    euro_zu_cent,
    format_euro,
    ist_email,
    parse_datum,
)


@pytest.mark.parametrize("text", ["2026-Q3", "2026Q3", "2026-q3", " Q3/2026 "])
def test_quartal_liest_alle_schreibweisen(text):
    assert Quartal.parse(text) == Quartal(2026, 3)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "Q3-2026", "2026", "", "3. Quartal"])
def test_quartal_lehnt_unsinn_ab(text):
    with pytest.raises(Eingabefehler, match="Quartal"):
        Quartal.parse(text)


def test_quartal_grenzen_und_folge():
    q = Quartal(2026, 4)
    assert (q.beginn, q.ende) == (date(2026, 10, 1), date(2026, 12, 31))
    assert q.folgendes() == Quartal(2027, 1)
    assert Quartal(2027, 1).vorheriges() == q
    assert Quartal(2024, 1).ende == date(2024, 3, 31)
    assert str(q) == "2026-Q4" and q.kurz == "Q4/2026" and q.lang == "4. Quartal 2026"
    assert Quartal.von_datum(date(2026, 7, 1)) == Quartal(2026, 3)
    assert sorted([Quartal(2027, 1), Quartal(2026, 4)]) == [Quartal(2026, 4), Quartal(2027, 1)]


def test_halbjahr():
    h = Halbjahr.parse("2026-H2")
    assert h.quartale == (Quartal(2026, 3), Quartal(2026, 4))
    assert h.enthaelt(date(2026, 12, 31)) and not h.enthaelt(date(2026, 6, 30))
    with pytest.raises(Eingabefehler):
        Halbjahr.parse("2026-H3")


@pytest.mark.parametrize("text", ["0602 532 01", "060253201", "0602  532 01", "0602 53201"])
def test_haushaltsstelle_kanonisch(text):
    h = Haushaltsstelle.parse(text)
    assert str(h) == "0602 532 01"
    assert h.einzelplan == "06"


@pytest.mark.parametrize("text", ["0602 532", "602 532 01", "0602-532-01x", "06A2 532 01", ""])
def test_haushaltsstelle_ungueltig(text):
    with pytest.raises(Eingabefehler, match="Haushaltsstelle"):
        Haushaltsstelle.parse(text)


@pytest.mark.parametrize(
    "eingabe, cent",
    [("1.234,56", 123456), ("1234,56", 123456), ("0,01", 1), (Decimal("12.3"), 1230),
     (7, 700), ("1.234.567,89 €", 123456789), ("-5,00", -500)],
)
def test_betraege_exakt(eingabe, cent):
    assert euro_zu_cent(eingabe) == cent


@pytest.mark.parametrize("eingabe", [0.1, "1,234", "abc", "1,2,3", "NaN", "1234.56", "1e5", "Infinity"])
def test_betraege_ungueltig(eingabe):
    with pytest.raises(Eingabefehler):
        euro_zu_cent(eingabe)


def test_summen_bleiben_exakt():
    # 0.1 + 0.2 in float is 0.30000000000000004; in cents it is exact.
    assert sum(euro_zu_cent("0,10") for _ in range(3)) == euro_zu_cent("0,30")
    assert sum(euro_zu_cent("333.333,33") for _ in range(3)) == 99999999


def test_format_euro_deutsch():
    assert format_euro(123456789) == "1.234.567,89 €"
    assert format_euro(5) == "0,05 €"
    assert format_euro(-150000) == "-1.500,00 €"


def test_datum_deutsch_und_iso():
    assert parse_datum("31.12.2026") == parse_datum("2026-12-31") == date(2026, 12, 31)
    with pytest.raises(Eingabefehler, match="Datum"):
        parse_datum("31.02.2026")


@pytest.mark.parametrize("text", ["a@b.de", "ref-z4@bmas.bund.de", "vorname.name+ozg@bmi.example"])
def test_email_gueltig(text):
    assert ist_email(text)


@pytest.mark.parametrize("text", ["", None, "a@b", "a b@c.de", "a@@b.de", "@b.de", "kein-at.example"])
def test_email_ungueltig(text):
    assert not ist_email(text)


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1.000"), (1234567, "1.234.567"), (-5300, "-5.300")])
def test_format_zahl_mit_tausenderpunkten(n, text):
    from ozgdesk.model.values import format_zahl

    assert format_zahl(n) == text


def test_anzahl_mit_passendem_wort():
    from ozgdesk.model.values import anzahl

    assert anzahl(1, "offener Konflikt", "offene Konflikte") == "1 offener Konflikt"
    assert anzahl(0, "Hinweis", "Hinweise") == "0 Hinweise"
    assert anzahl(12345, "Änderung", "Änderungen") == "12.345 Änderungen"
    assert anzahl(-1, "Tag", "Tage") == "-1 Tag"
