"""Table cells written directly are the bytes reportlab writes (issue 18, point 3).

``layout._Tabelle._drawCell`` writes the PDF operators of a plain text cell itself, each distinct
text encoded once per document (bench/berichte.py). The PDFs are reproducible (``invariant``), so
the fast way and reportlab's own ``drawString`` per line must give the same bytes.
"""

from __future__ import annotations

from datetime import date

import pytest
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
