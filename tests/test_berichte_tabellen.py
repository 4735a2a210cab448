"""Layout rules of the shared tables and headings, wherever a page break falls (Qt-free).

Each rule is checked over a range of fillers that move the page break through the table, so that
a case where the break lands on the worst row is always among them.
"""

from __future__ import annotations

from datetime import date

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer

from ozgdesk.reports.layout import (
    KLEIN,
    SATZBREITE,
    SCHRIFT,
    ZELL_RAND,
    Kopf,
    Sp,
    h2,
    pdf_erzeugen,
    spaltenbreiten,
    tabelle,
)
from tests.test_berichte_hilfen import pdf_text

KOPF = Kopf("Bundesministerium für Arbeit und Soziales", "Referat Z c 4", "Test", "", date(2026, 11, 15))
#: Fillers from 0 to 300 pt in steps of 7 pt: the page break passes every row of the tables below.
FUELLER = range(0, 300, 7)


def _seiten(inhalt: list) -> list[str]:
    return [" ".join(s.split()) for s in pdf_text(pdf_erzeugen(KOPF, inhalt))]


def test_spaltenbreiten_werte_bekommen_ihren_bedarf_text_den_rest():
    b = spaltenbreiten([4, 1, 1], [20, 60, 50], [400, 70, 55], 300, [False, True, True])
    assert sum(b) == pytest.approx(300)
    assert b[1] == pytest.approx(70) and b[2] == pytest.approx(55)  # amounts and dates: exactly their need
    assert b[0] == pytest.approx(175)  # the text column takes the rest
    # too little room: a column never goes below its unbreakable minimum; surplus is taken first
    b = spaltenbreiten([1, 1, 1], [100, 80, 20], [300, 90, 300], 250, [False, True, False])
    assert sum(b) == pytest.approx(250) and all(x >= m - 1e-9 for x, m in zip(b, [100, 80, 20], strict=True))
    # „verspätet erreicht“ 0,1 pt short of one line: it gets them from the title column, which wraps anyway
    b = spaltenbreiten([3.0, 1, 1.3], [55.7, 49.4, 33.9], [207.9, 49.4, 74.1], 290, [False, True, False])
    assert b[2] == pytest.approx(74.1) and sum(b) == pytest.approx(290)
    # everything fits on one line: the table still spans the width, shared by weight
    b = spaltenbreiten([2, 1], [20, 20], [50, 30], 200)
    assert sum(b) == pytest.approx(200) and b[0] > b[1]


def test_betragsspalte_so_breit_wie_ihr_breitester_betrag():
    betraege = ["-265.151.679,45", "1.234.567.890,12", "0,00"]
    tab = tabelle([Sp("Kennung", 5), Sp("Text", 20), Sp("Betrag (€)", 0.1, True)],
                  [["BMAS-2024-05", "ein langer Text " * 20, x] for x in betraege])
    tab.wrap(SATZBREITE, 10_000)
    breitester = max(stringWidth(x, SCHRIFT, KLEIN.fontSize) for x in betraege)
    assert tab._colWidths[2] >= breitester + ZELL_RAND[0] + ZELL_RAND[1]
    assert tab._colWidths[0] >= stringWidth("BMAS-2024-05", SCHRIFT, KLEIN.fontSize) + ZELL_RAND[0] + ZELL_RAND[1]
    assert sum(tab._colWidths) == pytest.approx(SATZBREITE)


def _tabelle(n: int, lang: bool = True, **kw: object):  # noqa: ANN202
    """n rows; the first with a long text (a row taller than 30 mm) if ``lang``, the others short."""
    zeilen = [[f"Zeile {i + 1}", ("Sehr lange Begründung mit vielen Wörtern. " * 40) if i == 0 and lang else "kurz", f"{i},00"]
              for i in range(n)]
    return tabelle([Sp("Zeile", 1), Sp("Text", 2), Sp("Betrag (€)", 1, True)], zeilen, **kw)


@pytest.mark.parametrize("fueller", range(0, 200, 7))
def test_ueberschrift_bleibt_bei_der_ersten_zeile(fueller):
    seiten = _seiten([Spacer(1, 470 + fueller), h2("Abschnitt mit Tabelle"), _tabelle(3)])
    seite = next(i for i, s in enumerate(seiten) if "Abschnitt mit Tabelle" in s)
    assert "Zeile 1" in seiten[seite], f"Überschrift allein auf Seite {seite + 1}"


@pytest.mark.parametrize("fueller", range(0, 210, 7))
def test_summe_steht_nie_allein(fueller):
    seiten = _seiten([Spacer(1, 400 + fueller), _tabelle(12, lang=False, summe=["Summe", "", "66,00"])])
    seite = next(s for s in seiten if "Summe 66,00" in s)
    assert "Zeile 12" in seite


@pytest.mark.parametrize("fueller", FUELLER)
def test_folgeseiten_nennen_das_projekt(fueller):
    seiten = _seiten([Spacer(1, fueller), h2("BMAS-2024-05: Meilensteine"),
                      _tabelle(90, fortsetzung="BMAS-2024-05: Online-Rentenantrag")])
    mit_zeilen = [s for s in seiten if "Zeile 90" in s or "kurz" in s]
    assert len(mit_zeilen) >= 2
    assert "(Fortsetzung)" not in mit_zeilen[0]
    for s in mit_zeilen[1:]:  # the caption, then the repeated header, then the rows
        assert s.startswith("BMAS-2024-05: Online-Rentenantrag (Fortsetzung) Zeile Text Betrag"), s[:200]


@pytest.mark.parametrize("fueller", FUELLER)
def test_eigene_zeile_bleibt_bei_ihrer_zeile(fueller):
    zeilen = [[f"P{i:02d}", "Projekt", f"Begründung {i:02d}: " + "es gab Verzug bei der Vergabe. " * 6] for i in range(30)]
    seiten = _seiten([Spacer(1, 200 + fueller),
                      tabelle([Sp("Kennung", 1), Sp("Projekt", 3), Sp("Begründung", 0, eigene_zeile=True)], zeilen)])
    for i in range(30):
        seite = next(s for s in seiten if f"P{i:02d} Projekt" in s)
        assert f"Begründung {i:02d}:" in seite
    assert all("Kennung Projekt Begründung" in s for s in seiten)  # header with the full-width row's name
