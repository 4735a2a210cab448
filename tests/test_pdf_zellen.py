"""Faster tables, the same PDF (issue 18, point 3).

``layout._Tabelle._drawCell`` writes the PDF operators of a plain text cell itself, each distinct
text encoded once per document (bench/berichte.py). The PDFs are reproducible (``invariant``), so
the fast way and reportlab's own ``drawString`` per line must give the same bytes. ``umbrechen``
takes a shortcut for words that fit a line; it must break every text as before.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Table

from ozgdesk.model.values import Ampel, Quartal
from ozgdesk.reports import layout, quartalsbericht
from ozgdesk.reports.layout import Kopf, Sp, ampel_zelle, h1, pdf_erzeugen, tabelle
from tests.test_berichte_hilfen import bestand


def _beide(monkeypatch: pytest.MonkeyPatch, machen) -> tuple[bytes, bytes]:  # noqa: ANN001
    schnell = machen()
    with monkeypatch.context() as m:
        m.setattr(layout._Tabelle, "_drawCell", Table._drawCell)  # reportlab's own, line by line
        standard = machen()
    return schnell, standard


def test_ressortbericht_gleicht_byte_fuer_byte(demo_store, monkeypatch):
    b = bestand(demo_store)
    for entwurf in (False, True):
        schnell, standard = _beide(monkeypatch, lambda e=entwurf: quartalsbericht.pdf_ressort(
            b, Quartal(2026, 3), kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH", entwurf=e))
        assert schnell == standard


def _schwierige_tabellen() -> bytes:
    # more distinct glyphs than one font subset holds (256), so texts switch subsets mid-line
    zeichen = "".join(chr(c) for c in [*range(0x100, 0x17F), *range(0x391, 0x3CA), *range(0x410, 0x450)])
    zeilen = []
    for i in range(0, len(zeichen), 37):
        stueck = zeichen[i:i + 37]
        zeilen.append([f"K-{i}", stueck, f"{i},00 €", "(Klammer) \\ Rückstrich", "", f"Zeile 1\n{stueck[::-1]}"])
    zeilen.append(["gleich", "1.234,56 €", "1.234,56 €", "–", "–", "Ende"])  # a text first left, then right
    spalten = [Sp("Kennung", 1), Sp("Text", 3), Sp("Betrag", 1, True), Sp("Sonderzeichen", 2), Sp("leer", 0.5),
               Sp("Mehrzeilig", 2), Sp("Begründung", 0, eigene_zeile=True)]
    inhalt = [h1("Tabellen")]
    inhalt.append(tabelle(spalten, [[*z, "Eine Begründung über die ganze Breite (kursiv)"] for z in zeilen],
                          summe=["Summe", "", "9.999,99 €", "", "", "", ""], fortsetzung="BMAS-2024-01: Projekt"))
    inhalt.append(tabelle([Sp("Ampel", 1), Sp("Wert", 1, True)], [[ampel_zelle(a), a.label] for a in Ampel]))
    return pdf_erzeugen(Kopf("Ressort", "Referat", "Test", "3. Quartal 2026", date(2026, 9, 30),
                             kennzeichnung="VS-NUR FÜR DEN DIENSTGEBRAUCH"), inhalt)


def test_schwierige_zellen_gleichen_byte_fuer_byte(monkeypatch):
    schnell, standard = _beide(monkeypatch, _schwierige_tabellen)
    assert schnell == standard


def _umbrechen_wie_vorher(text: str, schrift: str, groesse: float, breite: float) -> list[str] | None:
    """``layout.umbrechen`` as it was before its shortcut for words that fit a line (the reference)."""
    w = layout._messer(schrift, groesse)
    hoechstens = breite / (0.25 * groesse)
    leer, bindestrich = w.leer, w.bindestrich
    zeilen: list[str] = []
    for absatz_ in layout.schuetzen(text).split("\n"):
        woerter_ = layout.woerter(absatz_)
        ganz = " ".join(woerter_)
        if len(ganz) <= hoechstens and sum(map(w, woerter_)) + leer * max(0, len(woerter_) - 1) <= breite:
            zeilen.append(ganz)
            continue
        zeile, zeile_breite = "", 0.0
        offen = False
        for wort in woerter_:
            wort_breite = w(wort)
            if wort_breite <= breite:
                stuecke = [(wort, wort_breite)]
            elif layout.unteilbar(wort):
                return None
            else:
                stuecke = [(x, w(x)) for x in layout._TRENNSTELLEN.findall(wort)]
            for i, (stueck, stueck_breite) in enumerate(stuecke):
                silben = [(stueck, stueck_breite, False)]
                if stueck_breite > breite:
                    teile = layout._silben(stueck)
                    silben = [(x, w(x), j + 1 < len(teile)) for j, x in enumerate(teile)]
                    if any(b + (bindestrich if weiter else 0.0) > breite for _x, b, weiter in silben):
                        return None
                for j, (silbe, silben_breite, weiter) in enumerate(silben):
                    trennen = i == 0 and j == 0 and bool(zeile)
                    kandidat = zeile_breite + (leer if trennen else 0.0) + silben_breite
                    if not zeile or kandidat + (bindestrich if weiter else 0.0) <= breite:
                        zeile += (" " if trennen else "") + silbe
                        zeile_breite = kandidat
                    else:
                        zeilen.append(zeile + ("-" if offen else ""))
                        zeile, zeile_breite = silbe, silben_breite
                    offen = weiter
        zeilen.append(zeile)
    return zeilen


_WOERTER = ["Online-Rentenantrag", "Sozialversicherungsnummer-Service", "BMAS-2024-05", "1.234,56 €", "und",
            "Digitalisierungsprogramm", "a", "Nachweisabruf/Once-Only", "–", "0602 532 01", "Kontenklärung", "OZG"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WOERTER), st.text(alphabet="abcdefgÄöü -/", min_size=1, max_size=30)),
                min_size=1, max_size=25),
       st.sampled_from(["\n", " ", "  "]), st.floats(min_value=15, max_value=400),
       st.sampled_from([layout.SCHRIFT, layout.SCHRIFT_FETT, layout.SCHRIFT_KURSIV]))
def test_umbruch_wie_vorher(woerter, trenner, breite, schrift):
    text = " ".join(woerter).replace("  ", trenner)
    assert layout.umbrechen(text, schrift, 7.5, breite) == _umbrechen_wie_vorher(text, schrift, 7.5, breite)
