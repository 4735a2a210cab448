"""Charts read as a reader reads them: each legend swatch stands left of the name of the series it is
drawn like, and no text is below 7 pt (Qt-free; the drawing's objects, not pixels)."""

from __future__ import annotations

from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.graphics.widgetbase import Widget

from ozgdesk.reports import diagramme

STUFEN = ["0 Offline", "1 Information", "2 Formular-Assistent", "3 Online-Leistung", "4 Online-Transaktion"]


def _flach(g: object, aus: list) -> list:
    """The shapes of ``g``; groups and widgets (axes, labels) expanded into what they draw."""
    for x in getattr(g, "contents", []):
        if isinstance(x, Group):
            _flach(x, aus)
        elif isinstance(x, Widget):
            _flach(x.draw(), aus)
        else:
            aus.append(x)
    return aus


def _teile(d: Drawing) -> tuple[object, Legend, list]:
    """The chart, its legend and everything the legend draws (after the chart: it counts its series then)."""
    ch = next(x for x in d.contents if hasattr(x, "data"))
    lg = next(x for x in d.contents if isinstance(x, Legend))
    ch.draw()
    return ch, lg, _flach(lg.draw(), [])


def _gelesen(teile: list) -> list[tuple[object, object, str]]:
    """Per swatch (fill or line colour, dash, name): the name a reader pairs it with – the nearest
    one to its right on the same line."""
    namen = [x for x in teile if isinstance(x, String)]
    paare = []
    for sw in teile:
        if isinstance(sw, Rect):
            rechts, mitte, farbe, strich = sw.x + sw.width, sw.y + sw.height / 2, sw.fillColor, None
        elif isinstance(sw, Line):
            rechts, mitte, farbe, strich = max(sw.x1, sw.x2), sw.y1, sw.strokeColor, sw.strokeDashArray
        else:
            continue
        rechts_davon = [n for n in namen if n.x >= rechts - 0.1 and abs(n.y - mitte) < 8]
        assert rechts_davon, f"kein Name rechts neben dem Feld bei x={rechts:.0f}"
        paare.append((farbe, strich, min(rechts_davon, key=lambda n: n.x - rechts).text))
    return paare


def test_reifegrad_legende_benennt_ihre_reihen():
    ist, ziel = [0, 2, 3, 11, 5], [0, 0, 0, 16, 5]
    ch, _lg, teile = _teile(diagramme.reifegrade(STUFEN, ist, ziel))
    assert ch.data == [ist, ziel]  # series 0 is the current level, series 1 the target
    # what a reader must read off the legend: the colour of series 0's bars next to "aktueller Reifegrad"
    erwartet = [(ch.bars[0].fillColor, None, "aktueller Reifegrad"), (ch.bars[1].fillColor, None, "Ziel-Reifegrad")]
    assert _gelesen(teile) == erwartet
    assert [ch.getSeriesName(i) for i in range(2)] == ["aktueller Reifegrad", "Ziel-Reifegrad"]
    # the light target bars and their swatch have an outline: visible in black-and-white print
    assert ch.bars[1].strokeColor is not None
    assert all(x.strokeColor is not None for x in teile if isinstance(x, Rect))


def test_mittelabfluss_legende_zeigt_linie_und_strich_der_reihe():
    ch, _lg, teile = _teile(diagramme.mittelabfluss(["Q1/2026", "Q2/2026", "Q3/2026"], [100, 300, 600], [80, 250, None]))
    # plan: series 0, dashed; actual: series 1, solid – and the legend shows each line as drawn
    erwartet = [(ch.lines[0].strokeColor, (4, 3), "Plan (Zahlungsplan, kumuliert)"),
                (ch.lines[1].strokeColor, None, "Ist (Mittelabfluss, kumuliert)")]
    assert [getattr(ch.lines[i], "strokeDashArray", None) for i in range(2)] == [(4, 3), None]
    assert _gelesen(teile) == erwartet


def test_diagrammtexte_mindestens_7_pt():
    quartale = [f"Q{q}/{j}" for j in (2024, 2025, 2026, 2027) for q in (1, 2, 3, 4)]
    for d in (diagramme.reifegrade(STUFEN, [1, 2, 3, 4, 5], [0, 1, 2, 3, 9]),
              diagramme.mittelabfluss(quartale, list(range(0, 160_000_000_000, 10_000_000_000)), [None] * 16),
              diagramme.balken("Status", ["erreicht", "offen"], [3, 4])):
        ch = next(x for x in d.contents if hasattr(x, "data"))
        texte = [x for x in _flach(d, []) + _flach(ch.draw(), []) if isinstance(x, String)]
        assert texte and min(x.fontSize for x in texte) >= 7, sorted({x.fontSize for x in texte})
