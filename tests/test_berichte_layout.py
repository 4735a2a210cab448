"""Line breaking in table cells: nothing lost, nothing wider than the column, German hyphenation (Qt-free)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth

from ozgdesk.reports.layout import KLEIN, SCHRIFT, SCHRIFT_FETT, _silben, umbrechen

WOERTER = st.lists(st.sampled_from(["OZG", "Antrag", "auf", "Leistungen", "Sozialversicherungsnummer-Service",
                                    "Bund/Länder", "–", "1.234.567,89", "äöüß", "Ämter", "i", "WWW",
                                    "Knappschaftsausgleichsleistung", "Arbeitnehmerüberlassungserlaubnis"]), max_size=30)


def _ohne_trennstriche(text: str) -> str:
    return text.replace(" ", "").replace("-", "")


@settings(max_examples=300, deadline=None)
@given(woerter=WOERTER, breite=st.floats(min_value=20, max_value=300), fett=st.booleans())
def test_umbruch_verliert_nichts_und_bleibt_in_der_spalte(woerter, breite, fett):
    schrift = SCHRIFT_FETT if fett else SCHRIFT
    text = " ".join(woerter)
    zeilen = umbrechen(text, schrift, KLEIN.fontSize, breite)
    if zeilen is None:  # only when a syllable (with its hyphen) is wider than the column
        assert any(stringWidth(silbe + "-", schrift, KLEIN.fontSize) > breite
                   for w in woerter for s in (w.replace("-", "- ").replace("/", "/ ").split()) for silbe in _silben(s))
        return
    assert _ohne_trennstriche("".join(zeilen)) == _ohne_trennstriche(text)  # every letter, in order
    # hyphens are only ever added at a line end
    assert "".join(zeilen).count("-") - text.count("-") <= sum(z.endswith("-") for z in zeilen[:-1])
    for i, z in enumerate(zeilen):
        assert stringWidth(z, schrift, KLEIN.fontSize) <= breite + 1e-6, z
        if i + 1 < len(zeilen) and zeilen[i + 1]:  # greedy: the next line's first piece did not fit here
            naechstes = zeilen[i + 1].split(" ")[0]
            passt = stringWidth(f"{z} {naechstes}", schrift, KLEIN.fontSize) <= breite
            teil = stringWidth(z + naechstes, schrift, KLEIN.fontSize) <= breite and z.endswith(("-", "/"))
            assert not (passt or teil), (z, naechstes)


def test_kurze_und_mehrzeilige_texte():
    assert umbrechen("", SCHRIFT, 7.5, 50) == [""]
    assert umbrechen("  BMAS-2024-01  ", SCHRIFT, 7.5, 100) == ["BMAS-2024-01"]
    assert umbrechen("Zeit: verschoben\nKosten: gestiegen", SCHRIFT, 7.5, 500) == ["Zeit: verschoben", "Kosten: gestiegen"]
    assert umbrechen("Sozialversicherungsnummer-Service", SCHRIFT, 7.5, 120) == ["Sozialversicherungsnummer-", "Service"]
    lang = umbrechen("Donaudampfschifffahrtsgesellschaftskapitänsmütze", SCHRIFT, 7.5, 60)
    assert lang is not None and len(lang) > 1 and all(z.endswith("-") for z in lang[:-1])
    assert "".join(z[:-1] for z in lang[:-1]) + lang[-1] == "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    assert all(stringWidth(z, SCHRIFT, 7.5) <= 60 for z in lang)
    # the case seen in the Ressort report: broken where a German reader expects it, with a hyphen
    assert umbrechen("Knappschaftsausgleichsleistung online", SCHRIFT, 7.5, 90) == ["Knappschaftsaus-", "gleichsleistung online"]
    assert umbrechen("Mmmmmmmmmmmmmmmmmmmm", SCHRIFT, 7.5, 20) is None  # no hyphenation point: the caller falls back


def test_silbentrennung_ohne_einzelbuchstaben():
    """pyphen's German patterns also cut off single letters ("So-zi-a-l-ver…", "Go-ver-n-ment");
    a reader expects them to stay with their syllable, and an acronym is never cut."""
    from ozgdesk.reports.layout import _silben

    assert "-".join(_silben("Sozialversicherungsnummer")) == "So-zial-ver-si-che-rungs-num-mer"
    assert "-".join(_silben("Government")) == "Go-vern-ment"
    assert "-".join(_silben("Datenschutzfolgenabschätzung")) == "Da-ten-schutz-fol-gen-ab-schät-zung"
    assert _silben("OZG") == ["OZG"]
    for wort in ("Sozialversicherungsnummer", "Mehrwertsteuererstattung", "„Arbeitnehmerüberlassung", "Abend"):
        assert all(len(teil) > 1 for teil in _silben(wort)), wort
    assert umbrechen("E-Government-Gesetz", SCHRIFT, 7.5, 32.7) == ["E-Go-", "vern-", "ment-", "Gesetz"]


def test_geschuetztes_leerzeichen_trennt_nicht():
    """An amount written with a no-break space ("1.234,56\u00a0€") stays whole: the euro sign never starts a
    line alone. format_euro writes a normal space; the layout makes it non-breaking (test below)."""
    zeilen = umbrechen("Summe 1.234,56\u00a0€", SCHRIFT, 7.5, 50)
    assert zeilen == ["Summe", "1.234,56\u00a0€"]


def test_werte_werden_nie_getrennt():
    """Amounts, dates, Kennungen, OZG-IDs, Haushaltsstellen and quarters stay whole: a line breaks
    before or after them, never inside – not at a hyphen, not by hyphenation, not before the „€“."""
    assert umbrechen("Abweichung -265.151.679,45 €", SCHRIFT, 7.5, 75) == ["Abweichung", "-265.151.679,45\u00a0€"]
    assert umbrechen("Haushaltsstelle 0602 532 01", SCHRIFT, 7.5, 60) == ["Haushaltsstelle", "0602\u00a0532\u00a001"]
    assert umbrechen("Bericht 3. Quartal 2026 fertig", SCHRIFT, 7.5, 70) == ["Bericht", "3.\u00a0Quartal\u00a02026", "fertig"]
    assert umbrechen("Anteil -88,6 % im Plan", SCHRIFT, 7.5, 40) == ["Anteil", "-88,6\u00a0%", "im Plan"]
    # wider than the column: not split at its hyphens (BMAS-/2024-05) but refused, the column must grow
    assert umbrechen("BMAS-2024-05", SCHRIFT, 7.5, 40) is None
    assert umbrechen("31.12.2026", SCHRIFT, 7.5, 30) is None
    assert umbrechen("Rentenversicherungsnummer2026", SCHRIFT, 7.5, 60) is None  # digits: no hyphenation
    # words without digits still break at hyphens and syllables
    assert umbrechen("Sozialversicherungsnummer-Service", SCHRIFT, 7.5, 120) == ["Sozialversicherungsnummer-", "Service"]


def test_kuerzen_mit_verweis_ohne_wert_zu_trennen():
    from ozgdesk.reports.layout import kuerzen

    text = "Mehrkosten von 1.234.567,89 € für die Übergangslösung sind beantragt; die Gegensteuerung läuft. " * 5
    kurz = kuerzen(text, SCHRIFT, 9, 200, 2, "(vollständig im Quartalsbericht)")
    assert kurz.endswith("… (vollständig im Quartalsbericht)")
    assert len(umbrechen(kurz, SCHRIFT, 9, 200)) <= 2
    assert text.startswith(kurz.removesuffix(" … (vollständig im Quartalsbericht)"))
    assert kuerzen("kurz", SCHRIFT, 9, 200, 1, "(siehe oben)") == "kurz"
