"""A small bar chart painted with QPainter (QtCharts is not part of PySide6-Essentials).

Bars are grouped per category (e.g. quarter) with one bar per series (Plan, Ist). The chart's
accessible description carries the same numbers as text, so screen-reader users get the figures,
and every bar shows its value, so the chart also reads in black-and-white print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from ozgdesk.ui import thema


def _farbe(angabe: str) -> QColor:
    """A series' colour, looked up when painting: after Ansicht › Design the bars take the new design's."""
    return QColor(angabe) if angabe.startswith("#") else thema.farbe(angabe)


class Balkendiagramm(QWidget):
    angeklickt = Signal(int)  # category index

    def __init__(self, titel: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.titel = titel
        self.kategorien: list[str] = []
        #: (name, colour: a key of the design's own colours such as ``diagramm_ist``, or ``#rrggbb``, values)
        self.reihen: list[tuple[str, str, list[float]]] = []
        self.beschriftung: Callable[[float], str] = lambda v: f"{v:g}"
        self._balken: list[tuple[QRectF, int]] = []
        self.setMinimumHeight(self.fontMetrics().height() * 14)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(titel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def setzen(self, kategorien: Sequence[str], reihen: Sequence[tuple[str, str, Sequence[float]]],
               beschriftung: Callable[[float], str]) -> None:
        self.kategorien = list(kategorien)
        self.reihen = [(n, f, list(w)) for n, f, w in reihen]
        self.beschriftung = beschriftung
        text = "; ".join(
            f"{k}: " + ", ".join(f"{n} {beschriftung(w[i])}" for n, _f, w in self.reihen)
            for i, k in enumerate(self.kategorien)
        )
        self.setAccessibleDescription(text)
        self.setToolTip(text.replace("; ", "\n"))
        self.update()

    def paintEvent(self, _e) -> None:  # noqa: ANN001
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        fm = self.fontMetrics()
        zh = fm.height()
        r = self.rect().adjusted(8, 4, -8, -4)
        fett = QFont(self.font())
        fett.setBold(True)
        p.setFont(fett)
        p.setPen(text)
        p.drawText(r.left(), r.top() + zh, self.titel)
        p.setFont(self.font())
        # legend
        x = r.left()
        y = r.top() + zh + 6
        for name, farbe, _w in self.reihen:
            p.fillRect(QRectF(x, y + 3, zh - 6, zh - 6), _farbe(farbe))
            p.setPen(text)
            p.drawText(int(x + zh), int(y + zh - fm.descent()), name)
            x += zh + fm.horizontalAdvance(name) + 16
        oben = y + zh + 2 * zh  # room for value labels above the highest bar
        unten = r.bottom() - zh - 6
        hoehe = max(10, unten - oben)
        maximum = max([max(w) if w else 0 for _n, _f, w in self.reihen] + [1])
        n = max(1, len(self.kategorien))
        breite = r.width() / n
        self._balken = []
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(r.left(), int(unten), r.right(), int(unten))
        anzahl = max(1, len(self.reihen))
        for i, kat in enumerate(self.kategorien):
            gx = r.left() + i * breite
            bb = min(60.0, (breite - 16) / anzahl)
            start = gx + (breite - bb * anzahl) / 2
            for j, (_name, farbe, werte) in enumerate(self.reihen):
                wert = werte[i] if i < len(werte) else 0
                h = hoehe * (wert / maximum) if maximum else 0
                rect = QRectF(start + j * bb + 1, unten - h, bb - 2, h)
                p.fillRect(rect, _farbe(farbe))
                self._balken.append((QRectF(gx, oben, breite, unten - oben), i))
                p.setPen(text)
                beschr = self.beschriftung(wert)
                kleiner = QFont(self.font())
                kleiner.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.8))
                p.setFont(kleiner)
                fm2 = p.fontMetrics()
                if fm2.horizontalAdvance(beschr) > bb and anzahl > 1:
                    # rotate long labels so neighbouring bars never overlap
                    p.save()
                    p.translate(rect.center().x() + fm2.ascent() / 2, rect.top() - 4)
                    p.rotate(-90)
                    p.drawText(0, 0, beschr)
                    p.restore()
                else:
                    p.drawText(QRectF(rect.left() - 20, rect.top() - zh - 2, rect.width() + 40, zh),
                               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, beschr)
                p.setFont(self.font())
            p.setPen(text)
            p.drawText(QRectF(gx, unten + 4, breite, zh), Qt.AlignmentFlag.AlignHCenter, kat)
        p.end()

    def mousePressEvent(self, e) -> None:  # noqa: ANN001
        for rect, i in self._balken:
            if rect.contains(e.position()):
                self.angeklickt.emit(i)
                return
        super().mousePressEvent(e)
