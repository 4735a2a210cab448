"""Charts where a reader would rather look than read a table.

Drawn with reportlab.graphics and readable in black-and-white print: plan and actual differ by line
style and marker, not only by colour; bars carry their value as a label. Amounts are converted to
float *only* for drawing (a line position), never for a printed figure.

Legends are built from the chart's own series (:func:`_legende`): each series carries its name, the
legend draws each swatch as that series draws itself (fill, outline, dash, marker) with the name to
its right. A hand-written list of (colour, name) pairs could drift from the series order, and
reportlab's default puts the swatch *after* its name, where a reader takes it for the next one.
All text is at least 7 pt (:data:`SCHRIFTGROESSE`), like the smallest text of the documents.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics import shapes
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.validators import Auto

from ozgdesk.reports.layout import SATZBREITE, SCHRIFT, SCHRIFT_FETT

# Drawings start from these defaults; Helvetica would end up as an unembedded font in the PDF.
shapes.STATE_DEFAULTS["fontName"] = SCHRIFT

# reportlab's chart geometry (x, y, width, height) takes any number (AttrMap isNumber); the typeshed
# stubs declare int, read off the defaults in __init__ – hence the ignores marked "stubs: int".

#: The smallest text in a chart (axis labels, values): no printed text of ozgdesk is below 7 pt.
SCHRIFTGROESSE = 7

DUNKEL = colors.HexColor("#263238")
MITTEL = colors.HexColor("#78909c")
HELL = colors.HexColor("#cfd8dc")


def _teuro(wert: float) -> str:
    return f"{format_decimal(round(wert / 1000), format='#,##0', locale='de_DE')} T€"


#: Space above a chart's heading (inside the drawing): it stands apart from a table above it.
OBEN = 8


def _ueberschrift(d: Drawing, text: str) -> None:
    d.add(String(0, d.height - OBEN - 10, text, fontName=SCHRIFT_FETT, fontSize=9))


def _legende(d: Drawing, ch: object, x: float, y: float) -> Legend:
    """The legend of ``ch`` taken from its series (names and styles), one entry after the other, each
    swatch to the left of its own name."""
    lg = Legend()
    lg.x, lg.y = x, y  # type: ignore[assignment]  # stubs: int
    lg.fontName, lg.fontSize = SCHRIFT, 7.5
    lg.alignment = "right"  # swatch, then its name (reportlab's "left" puts the name first)
    lg.columnMaximum = 1
    lg.dx, lg.dy, lg.dxTextSpace = 14, 8, 4
    lg.variColumn = 1  # each entry as wide as its name: no gap, no overlap
    lg.autoXPadding = 14
    lg.colorNamePairs = Auto(obj=ch)
    d.add(lg)
    return lg


def mittelabfluss(quartale: Sequence[str], plan_kum_cent: Sequence[int], ist_kum_cent: Sequence[int | None],
                  ueberschrift: str = "Mittelabfluss kumuliert: Plan und Ist") -> Drawing:
    """Cumulative plan (dashed, squares) against actual (solid, dots); actual stops at the quarter."""
    d = Drawing(SATZBREITE, 200 + OBEN)
    _ueberschrift(d, ueberschrift)
    ch = HorizontalLineChart()
    ch.x, ch.y, ch.width, ch.height = 55, 45, SATZBREITE - 70, 125  # type: ignore[assignment]  # stubs: int
    # chart geometry needs floats; the figures printed in tables and totals stay exact cents
    plan = [c / 100 for c in plan_kum_cent]
    ist = [None if c is None else c / 100 for c in ist_kum_cent]
    ch.data = [plan, ist]
    ch.categoryAxis.categoryNames = list(quartale)
    ch.categoryAxis.labels.fontName = SCHRIFT
    ch.categoryAxis.labels.fontSize = SCHRIFTGROESSE
    ch.categoryAxis.labels.angle = 45 if len(quartale) > 8 else 0
    ch.categoryAxis.labels.boxAnchor = "ne" if len(quartale) > 8 else "n"
    ch.valueAxis.valueMin = 0
    ch.valueAxis.labels.fontName = SCHRIFT
    ch.valueAxis.labels.fontSize = SCHRIFTGROESSE
    ch.valueAxis.labelTextFormat = _teuro
    ch.valueAxis.visibleGrid = True
    ch.valueAxis.gridStrokeColor = HELL
    ch.lines[0].strokeColor = MITTEL
    ch.lines[0].strokeDashArray = (4, 3)
    ch.lines[0].strokeWidth = 1.5
    ch.lines[0].symbol = makeMarker("Square", size=4)
    ch.lines[1].strokeColor = DUNKEL
    ch.lines[1].strokeWidth = 2
    ch.lines[1].symbol = makeMarker("FilledCircle", size=4)
    ch.lines[0].name = "Plan (Zahlungsplan, kumuliert)"
    ch.lines[1].name = "Ist (Mittelabfluss, kumuliert)"
    d.add(ch)
    _legende(d, ch, 60, d.height - OBEN - 22)
    return d


def balken(ueberschrift: str, beschriftungen: Sequence[str], werte: Sequence[int]) -> Drawing:
    """Horizontal bars with the count written next to each bar (milestone status)."""
    hoehe = 40 + 16 * len(werte)
    d = Drawing(SATZBREITE, hoehe + OBEN)
    _ueberschrift(d, ueberschrift)
    ch = HorizontalBarChart()
    ch.x, ch.y, ch.width, ch.height = 150, 10, SATZBREITE - 190, hoehe - 30  # type: ignore[assignment]  # stubs: int
    ch.data = [list(reversed(werte))]
    ch.categoryAxis.categoryNames = list(reversed(beschriftungen))
    ch.categoryAxis.labels.fontName = SCHRIFT
    ch.categoryAxis.labels.fontSize = 7.5
    ch.valueAxis.valueMin = 0
    ch.valueAxis.visible = False
    ch.bars[0].fillColor = MITTEL
    ch.bars[0].strokeColor = DUNKEL
    ch.barLabelFormat = "%d"
    ch.barLabels.fontName = SCHRIFT
    ch.barLabels.fontSize = 7.5
    ch.barLabels.boxAnchor = "w"
    ch.barLabels.dx = 3
    d.add(ch)
    return d


def reifegrade(stufen: Sequence[str], ist: Sequence[int], ziel: Sequence[int],
               ueberschrift: str = "Verteilung der Reifegrade (Modell 1.1): aktuell und Ziel") -> Drawing:
    """Two bar series (current dark, target light with outline) with value labels."""
    d = Drawing(SATZBREITE, 190 + OBEN)
    _ueberschrift(d, ueberschrift)
    ch = VerticalBarChart()
    ch.x, ch.y, ch.width, ch.height = 40, 40, SATZBREITE - 60, 110  # type: ignore[assignment]  # stubs: int
    ch.data = [list(ist), list(ziel)]
    ch.categoryAxis.categoryNames = list(stufen)
    ch.categoryAxis.labels.fontName = SCHRIFT
    ch.categoryAxis.labels.fontSize = SCHRIFTGROESSE
    ch.valueAxis.valueMin = 0
    ch.valueAxis.labels.fontName = SCHRIFT
    ch.valueAxis.labels.fontSize = SCHRIFTGROESSE
    ch.valueAxis.labelTextFormat = "%d"
    ch.bars[0].fillColor = DUNKEL
    ch.bars[0].strokeColor = DUNKEL
    ch.bars[0].name = "aktueller Reifegrad"
    ch.bars[1].fillColor = HELL
    ch.bars[1].strokeColor = DUNKEL
    ch.bars[1].name = "Ziel-Reifegrad"
    ch.barLabelFormat = "%d"
    ch.barLabels.fontName = SCHRIFT
    ch.barLabels.fontSize = SCHRIFTGROESSE
    ch.barLabels.nudge = 6
    d.add(ch)
    _legende(d, ch, 45, d.height - OBEN - 22)
    return d
