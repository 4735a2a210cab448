"""The Zeitleiste as a document: A4 or A3 landscape, through the common layout (so PDF/A-2b).

The rows, dates and texts come from :mod:`ozgdesk.model.zeitleiste`, exactly as the screen shows
them; this module only draws them with reportlab: a legend, the two-band scale and the rows with
the label column on every page, the time axis fitted to the page width. The header and footer are
those of every ozgdesk document (Ressort, Referat, title, „Stand“, „Seite X von Y“).

Colours are the light set of the screen (paper is white) and never the only cue: a hollow dashed
diamond is the original plan, a filled one the forecast, one with a tick a reached milestone, a
hatched bar a forecast; every row says its dates and shift in words beside its marks. Room for
the longest such text is kept after the last date, so no text is cut short.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.values import format_datum
from ozgdesk.reports.layout import (
    RAND_LINKS,
    RAND_OBEN,
    RAND_RECHTS,
    RAND_UNTEN,
    SCHRIFT,
    SCHRIFT_FETT,
    Kopf,
    abstand,
    pdf_erzeugen,
)

FORMATE = {"A4": landscape(A4), "A3": landscape(A3)}
#: the screen's light colours (ozgdesk.ui.zeitleistenbild): each ≥ 4.5:1 on white
FARBE = {k: colors.HexColor(v) for k, v in {
    "plan": "#1f5fa8", "prognose": "#9c4a00", "ist": "#1b6e2a", "basis": "#666666", "heute": "#c62828",
    "warnung": "#b71c1c", "text": "#000000", "gitter": "#b0b0b0", "wechsel": "#f3f3f3", "grund": "#ffffff"}.items()}


@dataclass(frozen=True)
class _Mass:
    """The geometry of one document: font size, row height, label column, time axis."""

    groesse: float
    zh: float
    band: float
    etikett: float
    achse: float
    zr: zl.Zeitraum
    striche: tuple[zl.Strich, ...]
    stichtag: date

    @property
    def tb(self) -> float:
        return self.achse / self.zr.tage

    def x(self, d: date) -> float:
        return self.etikett + self.zr.tag(d) * self.tb

    def mitte(self, d: date) -> float:
        return self.x(d) + self.tb / 2


def _kuerzen(text: str, schrift: str, groesse: float, breite: float) -> str:
    """``text`` shortened with „…“ to ``breite`` (only the label column needs it)."""
    if stringWidth(text, schrift, groesse) <= breite:
        return text
    while text and stringWidth(text + "…", schrift, groesse) > breite:
        text = text[:-1]
    return text.rstrip() + "…"


def _raute(c: Canvas, art: str, cx: float, cy: float, halb: float, m: _Mass) -> None:
    pfad = c.beginPath()
    pfad.moveTo(cx, cy + halb)
    pfad.lineTo(cx + halb, cy)
    pfad.lineTo(cx, cy - halb)
    pfad.lineTo(cx - halb, cy)
    pfad.close()
    c.saveState()
    if art in ("basis", "entfallen"):
        c.setStrokeColor(FARBE["basis"])
        c.setFillColor(FARBE["grund"])
        c.setLineWidth(0.8)
        if art == "basis":
            c.setDash(1.5, 1)
        c.drawPath(pfad, stroke=1, fill=1)
        if art == "entfallen":
            k = halb * 0.45
            c.line(cx - k, cy - k, cx + k, cy + k)
            c.line(cx - k, cy + k, cx + k, cy - k)
    else:
        farbe = FARBE["ist" if art == "ist" else "prognose"]
        c.setStrokeColor(farbe)
        c.setFillColor(farbe)
        c.drawPath(pfad, stroke=1, fill=1)
        if art == "ist":  # reached: a tick inside
            k = halb * 0.42
            c.setStrokeColor(FARBE["grund"])
            c.setLineWidth(max(0.6, halb * 0.22))
            c.setLineCap(1)
            c.setLineJoin(1)
            haken = c.beginPath()
            haken.moveTo(cx - k, cy)
            haken.lineTo(cx - k * 0.25, cy - k * 0.7)
            haken.lineTo(cx + k, cy + k * 0.7)
            c.drawPath(haken, stroke=1, fill=0)
    c.restoreState()


def _schraffur(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    """A hatched bar (forecast): outline and diagonal lines inside."""
    c.saveState()
    c.setStrokeColor(FARBE["prognose"])
    c.setLineWidth(0.5)
    c.rect(x, y, w, h, stroke=1, fill=0)
    rahmen = c.beginPath()
    rahmen.rect(x, y, w, h)
    c.clipPath(rahmen, stroke=0, fill=0)
    schritt = h * 0.8
    i = x - h
    while i < x + w:
        c.line(i, y, i + h, y + h)
        i += schritt
    c.restoreState()


def _laufzeit(c: Canvas, links: float, rechts: float, cy: float, m: _Mass) -> None:
    h = m.zh * 0.16
    c.saveState()
    c.setFillColor(FARBE["text"])
    c.rect(links, cy, rechts - links, h, stroke=0, fill=1)
    s = h * 1.6
    for x, r in ((links, 1), (rechts, -1)):
        p = c.beginPath()
        p.moveTo(x, cy + h)
        p.lineTo(x + r * s, cy + h)
        p.lineTo(x, cy - s)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
    c.restoreState()


class _Legende(Flowable):
    def __init__(self, m: _Mass) -> None:
        super().__init__()
        self.m = m

    def _eintraege(self) -> list[tuple[str, str, float]]:
        m = self.m
        return [(k, f"heute ({format_datum(m.stichtag)})" if k == "heute" else t,
                 m.zh * 2.2 + 4 + stringWidth(t if k != "heute" else f"heute ({format_datum(m.stichtag)})", SCHRIFT,
                                              m.groesse) + m.zh) for k, t in zl.LEGENDE]

    def wrap(self, breite: float, _hoehe: float) -> tuple[float, float]:
        zeilen, x = 1, 0.0
        for _k, _t, w in self._eintraege():
            if x and x + w > breite:
                zeilen, x = zeilen + 1, 0.0
            x += w
        self.breite, self.hoehe = breite, zeilen * self.m.zh
        return breite, self.hoehe

    def draw(self) -> None:
        c, m = self.canv, self.m
        x, y = 0.0, self.hoehe - m.zh
        for schluessel, text, w in self._eintraege():
            if x and x + w > self.breite:
                x, y = 0.0, y - m.zh
            mitte = y + m.zh / 2
            s = m.zh * 2.2
            bh = m.zh * 0.36
            c.saveState()
            if schluessel == "laufzeit":
                _laufzeit(c, x, x + s, mitte, m)
            elif schluessel == "plan":
                c.setFillColor(FARBE["plan"])
                c.rect(x, mitte - bh / 2, s, bh, stroke=0, fill=1)
            elif schluessel == "prognose":
                _schraffur(c, x, mitte - bh / 2, s * 0.55, bh)
                _raute(c, "prognose", x + s - m.zh * 0.3, mitte, m.zh * 0.3, m)
            elif schluessel == "ist":
                c.setFillColor(FARBE["ist"])
                c.rect(x, mitte - bh * 0.16, s * 0.55, bh * 0.32, stroke=0, fill=1)
                _raute(c, "ist", x + s - m.zh * 0.3, mitte, m.zh * 0.3, m)
            elif schluessel == "verschoben":
                _raute(c, "basis", x + m.zh * 0.3, mitte, m.zh * 0.3, m)
                c.setStrokeColor(FARBE["basis"])
                c.setDash(2, 1.5)
                c.line(x + m.zh * 0.6, mitte, x + s - m.zh * 0.1, mitte)
            else:
                c.setStrokeColor(FARBE["heute"])
                c.setLineWidth(1.2)
                c.line(x + s / 2, y + 1, x + s / 2, y + m.zh - 1)
            c.restoreState()
            c.setFont(SCHRIFT, m.groesse)
            c.setFillColor(FARBE["text"])
            c.drawString(x + s + 4, mitte - m.groesse * 0.35, text)
            x += w


class _Block(Flowable):
    """The scale and a run of rows with the label column: one page's chart."""

    def __init__(self, zeilen: Sequence[zl.Zeile], erste: int, m: _Mass) -> None:
        super().__init__()
        self.zeilen, self.erste, self.m = zeilen, erste, m

    def wrap(self, breite: float, _hoehe: float) -> tuple[float, float]:
        self.breite = breite
        self.hoehe = 2 * self.m.band + len(self.zeilen) * self.m.zh
        return breite, self.hoehe

    def _oben(self, v: float) -> float:
        """reportlab counts from the bottom; the chart from the top."""
        return self.hoehe - v

    def draw(self) -> None:
        c, m = self.canv, self.m
        rechts = m.etikett + m.achse
        kopf = 2 * m.band
        # rows' background
        for i in range(len(self.zeilen)):
            if (self.erste + i) % 2:
                c.setFillColor(FARBE["wechsel"])
                c.rect(0, self._oben(kopf + (i + 1) * m.zh), rechts, m.zh, stroke=0, fill=1)
        # scale and grid
        c.setStrokeColor(FARBE["gitter"])
        c.setLineWidth(0.4)
        lang = {e: all(stringWidth(s.text, SCHRIFT, m.groesse) <= m.x(s.bis + timedelta(days=1)) - m.x(s.von) - 4
                       for s in m.striche if s.ebene == e and s.bis > s.von + timedelta(days=20)) for e in (0, 1)}
        for s in m.striche:
            links, ende = m.x(s.von), m.x(s.bis + timedelta(days=1))
            oben = s.ebene * m.band
            c.setStrokeColor(FARBE["gitter"])
            c.line(links, self._oben(oben), links, self._oben(kopf + len(self.zeilen) * m.zh if s.ebene else kopf))
            text = s.text if lang[s.ebene] else s.kurz
            if stringWidth(text, SCHRIFT, m.groesse) <= ende - links - 4:
                c.setFont(SCHRIFT, m.groesse)
                c.setFillColor(FARBE["text"])
                c.drawString(links + 2, self._oben(oben + m.band / 2) - m.groesse * 0.35, text)
        c.line(m.etikett, self._oben(m.band), rechts, self._oben(m.band))
        c.setStrokeColor(FARBE["text"])
        c.line(0, self._oben(kopf), rechts, self._oben(kopf))
        c.line(m.etikett, self._oben(0), m.etikett, 0)
        c.setFont(SCHRIFT_FETT, m.groesse)
        c.setFillColor(FARBE["text"])
        c.drawString(2, self._oben(kopf / 2) - m.groesse * 0.35, "Projekt / Arbeitspaket / Meilenstein")
        # today
        c.saveState()
        c.setStrokeColor(FARBE["heute"])
        c.setLineWidth(1.2)
        hx = m.mitte(m.stichtag)
        c.line(hx, self._oben(kopf - m.band * 0.3), hx, 0)
        c.restoreState()
        for i, z in enumerate(self.zeilen):
            self._zeile(c, z, kopf + i * m.zh, (self.erste + i) % 2 == 1)
        c.setStrokeColor(FARBE["text"])
        c.setLineWidth(0.4)
        c.line(0, 0, rechts, 0)

    def _zeile(self, c: Canvas, z: zl.Zeile, oben: float, wechsel: bool) -> None:
        m = self.m
        mitte = self._oben(oben + m.zh / 2)
        # label column
        x = 2 + z.ebene * m.zh * 0.8
        schrift = SCHRIFT_FETT if z.art == "projekt" else SCHRIFT
        text = ("◇ " if z.art == "meilenstein" else "") + z.text
        c.setFont(schrift, m.groesse)
        c.setFillColor(FARBE["text"])
        c.drawString(x, mitte - m.groesse * 0.35, _kuerzen(text, schrift, m.groesse, m.etikett - x - 3))
        # bars
        bh = m.zh * 0.36
        for b in z.balken:
            links, rechts = m.x(b.von), max(m.x(b.bis + timedelta(days=1)), m.x(b.von) + 1)
            if b.art == "laufzeit":
                _laufzeit(c, links, rechts, mitte, m)
            elif b.art == "plan":
                c.setFillColor(FARBE["plan"])
                c.rect(links, mitte - bh / 2 + bh * 0.15, rechts - links, bh, stroke=0, fill=1)
            elif b.art == "prognose":
                _schraffur(c, links, mitte - bh / 2 + bh * 0.15, rechts - links, bh)
            elif b.art == "ist":
                c.setFillColor(FARBE["ist"])
                c.rect(links, mitte - bh / 2 + bh * 0.15 - bh * 0.32 - 0.5, rechts - links, bh * 0.32, stroke=0, fill=1)
        halb = m.zh * (0.2 if z.art == "projekt" else 0.3)
        for pf in z.pfeile:  # a postponement: dashed from the original plan to the date that counts now
            von, bis = m.mitte(pf.von), m.mitte(pf.bis)
            richtung = 1 if bis >= von else -1
            von, bis = von + richtung * halb, bis - richtung * (halb + 0.5)
            if (bis - von) * richtung >= halb * 0.8:
                c.saveState()
                c.setStrokeColor(FARBE["basis"])
                c.setFillColor(FARBE["basis"])
                c.setDash(2, 1.5)
                c.line(von, mitte, bis, mitte)
                c.setDash()
                s = halb * 0.5
                spitze = c.beginPath()
                spitze.moveTo(bis, mitte)
                spitze.lineTo(bis - richtung * s, mitte + s * 0.7)
                spitze.lineTo(bis - richtung * s, mitte - s * 0.7)
                spitze.close()
                c.drawPath(spitze, stroke=0, fill=1)
                c.restoreState()
        for r in z.rauten:
            _raute(c, r.art, m.mitte(r.datum), mitte, halb, m)
        # the text beside the marks, on the row's background (today's line never crosses it)
        if z.beschriftung:
            xs = [m.x(b.von) for b in z.balken] + [m.x(b.bis + timedelta(days=1)) for b in z.balken]
            xs += [m.mitte(r.datum) + s * halb for r in z.rauten for s in (-1, 1)]
            w = stringWidth(z.beschriftung, SCHRIFT, m.groesse)
            abstand = m.groesse * 0.5
            rechts = max(xs) + abstand if xs else m.etikett + abstand
            if rechts + w > m.etikett + m.achse and xs and min(xs) - abstand - w >= m.etikett:
                rechts = min(xs) - abstand - w
            c.setFillColor(FARBE["wechsel" if wechsel else "grund"])
            c.rect(rechts - 1, mitte - m.groesse * 0.55, w + 2, m.groesse * 1.1, stroke=0, fill=1)
            c.setFillColor(FARBE["warnung"] if z.warnung and z.art == "meilenstein" else FARBE["text"])
            c.setFont(SCHRIFT, m.groesse)
            c.drawString(rechts, mitte - m.groesse * 0.35, z.beschriftung)


def mass(zeilen: Sequence[zl.Zeile], stichtag: date, breite: float, groesse: float) -> _Mass:
    """The geometry for ``zeilen`` on a text area ``breite`` wide: a label column for the titles
    (at most 30 %), the time axis with room after the last date for the longest text."""
    zh = groesse * 1.9
    etikett = min(breite * 0.3, max((stringWidth(z.text, SCHRIFT_FETT, groesse) + 2 + z.ebene * zh * 0.8 + groesse * 1.5
                                     for z in zeilen), default=breite * 0.2))
    achse = breite - etikett
    text = max((stringWidth(z.beschriftung, SCHRIFT, groesse) for z in zeilen), default=0.0) + groesse
    reserve = min(text, achse * 0.5)
    tb = (achse - reserve) / zl.zeitraum(zeilen, stichtag, zl.Zoom.MONAT).tage
    zoom = zl.Zoom.MONAT if tb >= 2.4 else zl.Zoom.QUARTAL if tb >= 0.7 else zl.Zoom.JAHR
    zr = zl.zeitraum(zeilen, stichtag, zoom, math.ceil(reserve / tb))
    return _Mass(groesse, zh, groesse * 2, etikett, achse, zr, zl.skala(zr, zoom), stichtag)


def pdf(zeilen: Sequence[zl.Zeile], *, stichtag: date, titel: str, ressort: str, referat: str = "",
        format_: str = "A4", kennzeichnung: str = "") -> bytes:
    """The rows as a landscape PDF (``format_`` A4 or A3); as many pages as the rows need."""
    seite = FORMATE[format_]
    breite = seite[0] - RAND_LINKS - RAND_RECHTS
    hoehe = seite[1] - RAND_OBEN - RAND_UNTEN
    m = mass(zeilen, stichtag, breite, 6.5 if format_ == "A4" else 7.5)
    legende = _Legende(m)
    frei = hoehe - legende.wrap(breite, hoehe)[1] - 3 * mm - 2 * m.band - 2
    je_seite = max(1, int(frei // m.zh))
    inhalt: list[Flowable] = []
    for erste in range(0, max(1, len(zeilen)), je_seite):
        if erste:
            inhalt.append(PageBreak())
        inhalt += [_Legende(m), abstand(3), _Block(zeilen[erste:erste + je_seite], erste, m)]
    kopf = Kopf(ressort=ressort, referat=referat, titel=titel, zeitraum="", stand=stichtag, kennzeichnung=kennzeichnung)
    return pdf_erzeugen(kopf, inhalt, seite)

