"""Painting the Zeitleiste: one painter for the screen and the picture (PNG).

:class:`Zeichner` draws rows, scale, legend and today's line of one timeline with one font and
one scale; the chart widget (``ozgdesk.ui.zeitleiste``) calls it for the rows in view, :func:`bild`
(the PNG export) for all of them. So the picture shows exactly what the user saw. The PDF is a
document like every other ozgdesk PDF (``ozgdesk.reports.zeitleiste``: common layout, PDF/A) and
draws the same rows with the same rules.

Colours come from the palette (text, grid, background, selection) or, for the meanings (plan,
forecast, actual, original plan, today, warning), from a light and a dark set that each keep
4.5:1 against the theme's background; where one would not (a high-contrast theme), the palette's
text colour stands in. Shapes and words carry every meaning as well: hollow dashed diamond =
original plan, filled = forecast, with a tick = reached, hatched bar = forecast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)

from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.values import format_datum
from ozgdesk.ui import farben as farbtabelle
from ozgdesk.ui.none_schutz import schuetzen

schuetzen()  # this module paints in Python: see ozgdesk.ui.none_schutz

#: Characters of the longest text beside a row's marks („Prognose … (Plan …, 180 Tage später) – 3-mal
#: verschoben – gefährdet“): the room kept after the last date when rows are too many to measure.
TEXT_HOECHSTENS = 90

# ---------------------------------------------------------------------------------------------- colours
def _leuchtdichte(c: QColor) -> float:
    def kanal(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    return 0.2126 * kanal(c.redF()) + 0.7152 * kanal(c.greenF()) + 0.0722 * kanal(c.blueF())


def kontrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_leuchtdichte(a), _leuchtdichte(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# the meaning colours (plan, prognose, ist, basis, heute, warnung) come from the design:
# ozgdesk/ui/farben.py, ``zeitleiste_*``, checked there for 4.5:1 on the rows in every design


@dataclass(frozen=True)
class Farben:
    """The chart's colours for one palette (light, dark or a high-contrast theme)."""

    grund: QColor
    wechsel: QColor
    text: QColor
    gitter: QColor
    auswahl: QColor
    auswahl_text: QColor
    plan: QColor
    prognose: QColor
    ist: QColor
    basis: QColor
    heute: QColor
    warnung: QColor


def farben(pal: QPalette) -> Farben:
    """Colours from the palette; the meaning colours are chosen for a light or dark base and fall
    back to the palette's text colour wherever they would not reach 4.5:1 (e.g. a high-contrast theme)."""
    grund, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    dunkel = _leuchtdichte(grund) < 0.2

    eigene = (farbtabelle.DUNKEL if dunkel else farbtabelle.HELL).eigene

    def farbe(schluessel: str) -> QColor:
        c = QColor(eigene[f"zeitleiste_{schluessel}"])
        return c if kontrast(c, grund) >= 4.5 else QColor(text)
    return Farben(grund, pal.color(QPalette.ColorRole.AlternateBase), text, pal.color(QPalette.ColorRole.Mid),
                  pal.color(QPalette.ColorRole.Highlight), pal.color(QPalette.ColorRole.HighlightedText),
                  farbe("plan"), farbe("prognose"), farbe("ist"), farbe("basis"), farbe("heute"), farbe("warnung"))


# ---------------------------------------------------------------------------------------------- painter
class Zeichner:
    """Paints rows, scale, legend and today's line of one timeline with one font and one scale.

    Coordinates: the chart's x runs from 0 (first day shown) to :attr:`breite`; the label column
    is painted separately (:meth:`etikett`), :attr:`etikettbreite` wide."""

    def __init__(self, zeilen: Sequence[zl.Zeile], zeitraum: zl.Zeitraum, zoom: zl.Zoom, tagesbreite: float,
                 schrift: QFont, f: Farben, stichtag: date, etikettbreite: float) -> None:
        self.zeilen, self.zr, self.zoom, self.tb = zeilen, zeitraum, zoom, tagesbreite
        self.schrift, self.f, self.stichtag, self.etikettbreite = QFont(schrift), f, stichtag, etikettbreite
        self.fett = QFont(schrift)
        self.fett.setBold(True)
        self.fm = QFontMetricsF(self.schrift)
        self.fm_fett = QFontMetricsF(self.fett)
        h = self.fm.height()
        self.zh = math.ceil(h * 1.8)  # row height
        self.bandhoehe = math.ceil(h + 8)
        self.kopfhoehe = 2 * self.bandhoehe
        self.einzug = math.ceil(h)  # indentation per level in the label column
        self.linie = max(1.0, h / 14)  # line width that scales with the font (screen, 200 %, PDF)
        self.striche = zl.skala(zeitraum, zoom)
        #: per band: the long texts if all fit, else the short ones (one style per band, never mixed)
        self.lang = {e: all(self.fm.horizontalAdvance(s.text) <= self._platz(s) for s in self.striche
                            if s.ebene == e and s.bis > s.von + timedelta(days=20)) for e in (0, 1)}

    def _platz(self, s: zl.Strich) -> float:
        return self.x(s.bis + timedelta(days=1)) - self.x(s.von) - 6

    @property
    def breite(self) -> float:
        return self.zr.tage * self.tb

    def x(self, d: date) -> float:
        return self.zr.tag(d) * self.tb

    def mitte(self, d: date) -> float:
        return self.x(d) + self.tb / 2

    # -------------------------------------------------------------------------- header
    def kopf(self, p: QPainter, x0: float, x1: float) -> None:
        """The two scale bands for the chart's x from ``x0`` to ``x1`` (painter at the header's top left)."""
        p.fillRect(QRectF(x0, 0, x1 - x0, self.kopfhoehe), self.f.grund)
        p.setFont(self.schrift)
        for s in self.striche:
            links, rechts = self.x(s.von), self.x(s.bis + timedelta(days=1))
            if rechts < x0 or links > x1:
                continue
            y = s.ebene * self.bandhoehe
            p.setPen(QPen(self.f.gitter, self.linie))
            p.drawLine(QPointF(links, y), QPointF(links, y + self.bandhoehe))
            platz = self._platz(s)
            text = s.text if self.lang[s.ebene] else s.kurz
            if self.fm.horizontalAdvance(text) > platz:
                continue  # no room even for the short form: the tick alone (never overlapping text)
            # the upper band's label stays readable while its stretch scrolls half out of view
            lx = max(links + 3, min(x0 + 3, rechts - 3 - self.fm.horizontalAdvance(text))) if s.ebene == 0 else links + 3
            p.setPen(self.f.text)
            p.drawText(QRectF(lx, y, rechts - lx, self.bandhoehe), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        p.setPen(QPen(self.f.gitter, self.linie))
        p.drawLine(QPointF(x0, self.bandhoehe), QPointF(x1, self.bandhoehe))
        p.drawLine(QPointF(x0, self.kopfhoehe - self.linie / 2), QPointF(x1, self.kopfhoehe - self.linie / 2))
        # today: a marker at the bottom of the header (its date is in the legend: no text over the scale)
        hx = self.mitte(self.stichtag)
        r = self.bandhoehe * 0.3
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.f.heute)
        p.drawPolygon(QPolygonF([QPointF(hx - r, self.kopfhoehe - r * 1.6), QPointF(hx + r, self.kopfhoehe - r * 1.6),
                                 QPointF(hx, self.kopfhoehe)]))

    def gitter(self, p: QPainter, x0: float, x1: float, y0: float, y1: float) -> None:
        """Vertical lines at the lower band's boundaries (decorative, in the palette's mid tone)."""
        farbe = QColor(self.f.gitter)
        farbe.setAlphaF(0.45)
        p.setPen(QPen(farbe, self.linie * 0.8))
        for s in self.striche:
            if s.ebene == 1:
                x = self.x(s.von)
                if x0 <= x <= x1:
                    p.drawLine(QPointF(x, y0), QPointF(x, y1))

    def heute(self, p: QPainter, y0: float, y1: float) -> None:
        hx = self.mitte(self.stichtag)
        p.setPen(QPen(self.f.heute, self.linie * 2))
        p.drawLine(QPointF(hx, y0), QPointF(hx, y1))

    # -------------------------------------------------------------------------- rows
    def zeilengrund(self, p: QPainter, i: int, y: float, x0: float, x1: float) -> None:
        p.fillRect(QRectF(x0, y, x1 - x0, self.zh), self.f.wechsel if i % 2 else self.f.grund)

    def zeile(self, p: QPainter, z: zl.Zeile, y: float, x_max: float | None = None, i: int = 0,
              x_min: float = 0.0) -> None:
        """The chart part of one row at ``y`` (bars, arrows, diamonds, then the text beside them)."""
        mitte = y + self.zh / 2
        bh = self.zh * 0.36
        for b in z.balken:
            links, rechts = self.x(b.von), max(self.x(b.bis + timedelta(days=1)), self.x(b.von) + 2)
            if b.art == "laufzeit":
                self._laufzeit(p, links, rechts, mitte)
            elif b.art == "plan":
                p.fillRect(QRectF(links, mitte - bh / 2 - bh * 0.15, rechts - links, bh), self.f.plan)
            elif b.art == "prognose":
                rect = QRectF(links, mitte - bh / 2 - bh * 0.15, rechts - links, bh)
                p.setPen(QPen(self.f.prognose, self.linie))
                p.setBrush(QBrush(self.f.prognose, Qt.BrushStyle.BDiagPattern))
                p.drawRect(rect)
            elif b.art == "ist":  # a thin bar under the plan bar: how far the work got
                p.fillRect(QRectF(links, mitte + bh / 2 - bh * 0.15 + self.linie, rechts - links, bh * 0.32), self.f.ist)
        for pf in z.pfeile:
            self._pfeil(p, pf, mitte)
        klein = z.art == "projekt"
        for r in z.rauten:
            self._raute(p, r, mitte, self.zh * (0.2 if klein else 0.3))
        self.beschriftung(p, z, y, x_max if x_max is not None else self.breite, self.f.wechsel if i % 2 else self.f.grund,
                          x_min)

    def _laufzeit(self, p: QPainter, links: float, rechts: float, mitte: float) -> None:
        """A project's runtime: a summary bar with end marks pointing down (as in MS Project)."""
        h = self.zh * 0.16
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.f.text)
        p.drawRect(QRectF(links, mitte - h, rechts - links, h))
        s = h * 1.6
        p.drawPolygon(QPolygonF([QPointF(links, mitte - h), QPointF(links + s, mitte - h), QPointF(links, mitte + s)]))
        p.drawPolygon(QPolygonF([QPointF(rechts, mitte - h), QPointF(rechts - s, mitte - h), QPointF(rechts, mitte + s)]))

    def _raute(self, p: QPainter, r: zl.Raute, mitte: float, halb: float) -> None:
        self._raute_bei(p, r.art, self.mitte(r.datum), mitte, halb)

    def _raute_bei(self, p: QPainter, art: str, cx: float, mitte: float, halb: float | None = None) -> None:
        """A diamond of kind ``art`` centred at (``cx``, ``mitte``)."""
        halb = self.zh * 0.3 if halb is None else halb
        form = QPolygonF([QPointF(cx, mitte - halb), QPointF(cx + halb, mitte), QPointF(cx, mitte + halb),
                          QPointF(cx - halb, mitte)])
        if art == "basis":  # the original plan: hollow and dashed, it is no longer the date
            stift = QPen(self.f.basis, self.linie * 1.5, Qt.PenStyle.DashLine)
            p.setPen(stift)
            p.setBrush(self.f.grund)
            p.drawPolygon(form)
            return
        if art == "entfallen":
            p.setPen(QPen(self.f.basis, self.linie * 1.5))
            p.setBrush(self.f.grund)
            p.drawPolygon(form)
            k = halb * 0.45
            p.drawLine(QPointF(cx - k, mitte - k), QPointF(cx + k, mitte + k))
            p.drawLine(QPointF(cx - k, mitte + k), QPointF(cx + k, mitte - k))
            return
        farbe = self.f.ist if art == "ist" else self.f.prognose
        p.setPen(QPen(farbe, self.linie))
        p.setBrush(farbe)
        p.drawPolygon(form)
        if art == "ist" and halb >= 5:  # reached: a tick inside (shape, not only colour)
            p.setPen(QPen(self.f.grund, self.linie * 1.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                          Qt.PenJoinStyle.RoundJoin))
            k = halb * 0.42
            p.drawPolyline(QPolygonF([QPointF(cx - k, mitte), QPointF(cx - k * 0.25, mitte + k * 0.7),
                                      QPointF(cx + k, mitte - k * 0.7)]))

    def _pfeil(self, p: QPainter, pf: zl.Pfeil, mitte: float) -> None:
        """A postponement: a dashed line from the original plan to the date that counts now."""
        halb = self.zh * 0.3
        von, bis = self.mitte(pf.von), self.mitte(pf.bis)
        richtung = 1 if bis >= von else -1
        a, b = von + richtung * halb, bis - richtung * (halb + self.linie)
        if (b - a) * richtung < halb * 0.8:
            return  # the diamonds touch: no room for an arrow
        p.setPen(QPen(self.f.basis, self.linie * 1.4, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(a, mitte), QPointF(b, mitte))
        s = halb * 0.5
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self.f.basis)
        p.drawPolygon(QPolygonF([QPointF(b, mitte), QPointF(b - richtung * s, mitte - s * 0.7),
                                 QPointF(b - richtung * s, mitte + s * 0.7)]))

    def umfang(self, z: zl.Zeile) -> tuple[float, float] | None:
        """x from the leftmost to the rightmost mark of a row (None: it has none)."""
        halb = self.zh * 0.3
        xs: list[float] = []
        for b in z.balken:
            xs += [self.x(b.von), self.x(b.bis + timedelta(days=1))]
        for r in z.rauten:
            xs += [self.mitte(r.datum) - halb, self.mitte(r.datum) + halb]
        return (min(xs), max(xs)) if xs else None

    def textlage(self, z: zl.Zeile, x_max: float, x_min: float = 0.0) -> QRectF | None:
        """Where the row's text goes: right of its marks, else left of them, never over them
        (between ``x_min`` and ``x_max``: the visible part of the chart on screen)."""
        if not z.beschriftung:
            return None
        w = self.fm.horizontalAdvance(z.beschriftung) + 2
        u = self.umfang(z)
        links, rechts = u if u else (x_min, x_min)
        abstand = self.fm.averageCharWidth()
        if rechts + abstand + w <= x_max or u is None:
            x = rechts + abstand
        elif links - abstand - w >= x_min:
            x = links - abstand - w
        else:
            x = rechts + abstand
        return QRectF(x, 0, w, self.zh)

    def beschriftung(self, p: QPainter, z: zl.Zeile, y: float, x_max: float, grund: QColor | None = None,
                     x_min: float = 0.0) -> None:
        """The row's text; on the row's own background, so today's line and the grid never cross it."""
        lage = self.textlage(z, x_max, x_min)
        if lage is None:
            return
        text = self.fm.elidedText(z.beschriftung, Qt.TextElideMode.ElideRight, max(0.0, x_max - lage.x()))
        rect = lage.translated(0, y)
        if grund is not None:
            h = self.fm.height()
            p.fillRect(QRectF(rect.x() - 2, rect.center().y() - h / 2, self.fm.horizontalAdvance(text) + 4, h), grund)
        p.setFont(self.schrift)
        p.setPen(self.f.warnung if z.warnung and z.art == "meilenstein" else self.f.text)
        p.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    # -------------------------------------------------------------------------- label column
    def etikett(self, p: QPainter, z: zl.Zeile, y: float, gewaehlt: bool = False, i: int = 0) -> None:
        """The label cell of a row (x from 0 to :attr:`etikettbreite`)."""
        rect = QRectF(0, y, self.etikettbreite, self.zh)
        p.fillRect(rect, self.f.auswahl if gewaehlt else (self.f.wechsel if i % 2 else self.f.grund))
        farbe = self.f.auswahl_text if gewaehlt else self.f.text
        x = 4.0 + z.ebene * self.einzug
        mitte = y + self.zh / 2
        if z.zugeklappt is not None:  # a project: the fold triangle
            s = self.fm.height() * 0.3
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(farbe)
            cx = x + s
            if z.zugeklappt:
                form = [QPointF(cx - s * 0.6, mitte - s), QPointF(cx + s * 0.8, mitte), QPointF(cx - s * 0.6, mitte + s)]
            else:
                form = [QPointF(cx - s, mitte - s * 0.6), QPointF(cx + s, mitte - s * 0.6), QPointF(cx, mitte + s * 0.8)]
            p.drawPolygon(QPolygonF(form))
            x += self.einzug
        elif z.art == "meilenstein":
            s = self.fm.height() * 0.25
            p.setPen(QPen(farbe, self.linie))
            p.setBrush(Qt.BrushStyle.NoBrush)
            cx = x + s
            p.drawPolygon(QPolygonF([QPointF(cx, mitte - s), QPointF(cx + s, mitte), QPointF(cx, mitte + s),
                                     QPointF(cx - s, mitte)]))
            x += 2 * s + 6
        schrift, fm = (self.fett, self.fm_fett) if z.art == "projekt" else (self.schrift, self.fm)
        p.setFont(schrift)
        p.setPen(farbe)
        text = fm.elidedText(z.text, Qt.TextElideMode.ElideRight, self.etikettbreite - x - 6)
        p.drawText(QRectF(x, y, self.etikettbreite - x - 4, self.zh), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

    def ecke(self, p: QPainter) -> None:
        """The header above the label column."""
        p.fillRect(QRectF(0, 0, self.etikettbreite, self.kopfhoehe), self.f.grund)
        p.setFont(self.fett)
        p.setPen(self.f.text)
        p.drawText(QRectF(4, 0, self.etikettbreite - 8, self.kopfhoehe), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   self.fm_fett.elidedText("Projekt / Arbeitspaket / Meilenstein", Qt.TextElideMode.ElideRight,
                                           self.etikettbreite - 8))
        p.setPen(QPen(self.f.gitter, self.linie))
        p.drawLine(QPointF(0, self.kopfhoehe - self.linie / 2), QPointF(self.etikettbreite, self.kopfhoehe - self.linie / 2))

    # -------------------------------------------------------------------------- legend
    def legende(self, p: QPainter | None, x0: float, y0: float, breite: float) -> float:
        """Draw the legend (wrapping at ``breite``); returns its height. ``p`` None: measure only."""
        h = self.fm.height()
        zh = self.zh
        x, y = x0, y0
        symbol = h * 2.2
        for schluessel, text in zl.LEGENDE:
            if schluessel == "heute":
                text = f"heute ({format_datum(self.stichtag)})"
            w = symbol + 6 + self.fm.horizontalAdvance(text) + h * 1.2
            if x > x0 and x + w > x0 + breite:
                x, y = x0, y + zh
            if p is not None:
                self._legendensymbol(p, schluessel, QRectF(x, y, symbol, zh))
                p.setFont(self.schrift)
                p.setPen(self.f.text)
                p.drawText(QRectF(x + symbol + 6, y, w, zh), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
            x += w
        return y - y0 + zh

    def _legendensymbol(self, p: QPainter, schluessel: str, r: QRectF) -> None:
        mitte = r.center().y()
        bh = self.zh * 0.36
        if schluessel == "laufzeit":
            self._laufzeit(p, r.left(), r.right(), mitte)
        elif schluessel == "plan":
            p.fillRect(QRectF(r.left(), mitte - bh / 2, r.width(), bh), self.f.plan)
        elif schluessel == "prognose":
            p.setPen(QPen(self.f.prognose, self.linie))
            p.setBrush(QBrush(self.f.prognose, Qt.BrushStyle.BDiagPattern))
            p.drawRect(QRectF(r.left(), mitte - bh / 2, r.width() * 0.55, bh))
            self._raute_bei(p, "prognose", r.right() - self.zh * 0.3, mitte)
        elif schluessel == "ist":
            p.fillRect(QRectF(r.left(), mitte - bh * 0.16, r.width() * 0.55, bh * 0.32), self.f.ist)
            self._raute_bei(p, "ist", r.right() - self.zh * 0.3, mitte)
        elif schluessel == "verschoben":
            self._raute_bei(p, "basis", r.left() + self.zh * 0.3, mitte)
            p.setPen(QPen(self.f.basis, self.linie * 1.4, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(r.left() + self.zh * 0.6, mitte), QPointF(r.right() - self.zh * 0.1, mitte))
        elif schluessel == "heute":
            p.setPen(QPen(self.f.heute, self.linie * 2))
            p.drawLine(QPointF(r.center().x(), r.top() + 2), QPointF(r.center().x(), r.bottom() - 2))


def etikettbreite(schrift: QFont, zeilen: Sequence[zl.Zeile], hoechstens: float) -> float:
    fm = QFontMetricsF(schrift)
    laengste = (zeilen.laengster_text() if isinstance(zeilen, zl.Zeilen)
                else max((len(z.text) + 2 * z.ebene for z in zeilen), default=30))
    return min(hoechstens, max(fm.averageCharWidth() * 24, fm.averageCharWidth() * (min(laengste, 44) + 4)))


def rand_tage(schrift: QFont, zeilen: Sequence[zl.Zeile], tagesbreite: float) -> int:
    """Days to add after the last date so the text beside the last marks fits (measured for a
    few hundred rows; for more – rows are built only when painted – the longest a text gets)."""
    laengste = max((len(z.beschriftung) for z in zeilen), default=0) if len(zeilen) <= 400 else TEXT_HOECHSTENS
    return math.ceil(QFontMetricsF(schrift).averageCharWidth() * (laengste + 2) / max(tagesbreite, 0.01))


# ---------------------------------------------------------------------------------------------- exports
def bild(zeichner: Zeichner, titel: str, hintergrund: QColor | None = None) -> QImage:
    """The whole timeline (every row of ``zeichner``) as one picture: title, legend, scale, rows."""
    z = zeichner
    breite = z.etikettbreite + z.breite
    rand = z.fm.height()
    titelhoehe = z.fm_fett.height() * 1.6
    legende = z.legende(None, 0, 0, breite - 2 * rand)
    hoehe = rand + titelhoehe + legende + rand * 0.5 + z.kopfhoehe + len(z.zeilen) * z.zh + rand
    img = QImage(math.ceil(breite + 2 * rand), math.ceil(hoehe), QImage.Format.Format_RGB32)
    img.fill(hintergrund or z.f.grund)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(z.fett)
    p.setPen(z.f.text)
    p.drawText(QRectF(rand, rand, breite, titelhoehe), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, titel)
    y = rand + titelhoehe
    z.legende(p, rand, y, breite - 2 * rand)
    y += legende + rand * 0.5
    _tabelle_zeichnen(p, z, rand, y, z.zeilen, 0)
    p.end()
    return img


def _tabelle_zeichnen(p: QPainter, z: Zeichner, x: float, y: float, zeilen: Sequence[zl.Zeile], erste: int) -> None:
    """Scale and ``zeilen`` (rows from index ``erste``) with the label column, at (x, y)."""
    p.save()
    p.translate(x, y)
    z.ecke(p)
    hoehe = len(zeilen) * z.zh
    p.save()
    p.translate(z.etikettbreite, 0)
    p.setClipRect(QRectF(0, 0, z.breite, z.kopfhoehe + hoehe))
    z.kopf(p, 0, z.breite)
    p.translate(0, z.kopfhoehe)
    for i in range(len(zeilen)):
        z.zeilengrund(p, erste + i, i * z.zh, 0, z.breite)
    z.gitter(p, 0, z.breite, 0, hoehe)
    z.heute(p, 0, hoehe)
    for i, zeile in enumerate(zeilen):
        z.zeile(p, zeile, i * z.zh, i=erste + i)
    p.restore()
    p.translate(0, z.kopfhoehe)
    for i, zeile in enumerate(zeilen):
        z.etikett(p, zeile, i * z.zh, i=erste + i)
    p.setPen(QPen(z.f.gitter, z.linie))
    p.drawLine(QPointF(z.etikettbreite, -z.kopfhoehe), QPointF(z.etikettbreite, hoehe))
    p.drawLine(QPointF(0, hoehe), QPointF(z.etikettbreite + z.breite, hoehe))
    p.restore()
