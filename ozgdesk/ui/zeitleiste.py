"""The Zeitleiste: a Gantt-style timeline of the Ressort or of one project, read-mostly.

What is drawn where is decided in :mod:`ozgdesk.model.zeitleiste` (Qt-free, tested there); this
module shows it. One painter (``ozgdesk.ui.zeitleistenbild.Zeichner``) serves the screen, the PNG
and the PDF, so an export shows exactly what the user saw.

The chart is a custom-painted :class:`QAbstractScrollArea`, not a QGraphicsScene: rows have one
height, so a paint event draws only the rows in view (a store of 10,000 projects costs the same
as one of 18), and the header (scale) and the label column stay in place while the chart scrolls.
Clicking a bar or diamond opens its record; a click elsewhere in a row selects it, Enter or a
double-click opens it, the arrow keys move, Left/Right fold a project. The selected row is also
written out as a sentence below the chart (and in the chart's accessible description), so screen
readers get what the picture shows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import startseiten
from ozgdesk.model import zeitleiste as zl
from ozgdesk.model.values import format_datum
from ozgdesk.ui import format as fmt
from ozgdesk.ui.operationen import Operationen, oder_eigene
from ozgdesk.ui.zeitleistenbild import Farben, Zeichner, bild, etikettbreite, farben, rand_tage

__all__ = ["Farben", "Legende", "Zeichner", "Zeitleiste", "ZeitleistenDialog", "Zeitleistenansicht", "farben",
           "projekt_zeitleiste"]

#: Tables whose change the timeline shows (the window reloads it when one was written).
ZEIGT = frozenset({"projekt", "arbeitspaket", "meilenstein", "meilenstein_verschiebung", "behoerde", "ressort"})
#: More projects than this start folded (one row each): the Ressort at a glance, details on demand.
AUFGEKLAPPT_BIS = 25
#: An exported picture holds at most this many rows; a PDF this many (about 170 pages A4).
BILD_ZEILEN = 2500
PDF_ZEILEN = 5000


# ---------------------------------------------------------------------------------------------- the view
class Zeitleistenansicht(QAbstractScrollArea):
    """The painted chart with a fixed scale on top and a fixed label column on the left."""

    #: a row's record should open (the row)
    geoeffnet = Signal(object)
    #: a project row should fold or unfold (project id)
    umschalten = Signal(str)
    #: the selected row changed (the row or None)
    gewaehlt = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zeitleistenansicht")
        self.setAccessibleName("Zeitleiste")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.zeichner: Zeichner | None = None
        self.aktuell = -1

    @property
    def zeilen(self) -> Sequence[zl.Zeile]:
        return self.zeichner.zeilen if self.zeichner else ()

    def setzen(self, zeichner: Zeichner, aktuell_id: str | None = None) -> None:
        self.zeichner = zeichner
        zeilen = zeichner.zeilen
        if not aktuell_id:
            self.aktuell = -1
        elif isinstance(zeilen, zl.Zeilen):
            self.aktuell = zeilen.index_von(aktuell_id)
        else:
            self.aktuell = next((i for i, z in enumerate(zeilen) if z.id == aktuell_id), -1)
        self._bereiche()
        self.viewport().update()
        self._gewaehlt_melden()

    def _bereiche(self) -> None:
        z = self.zeichner
        if z is None:
            return
        v = self.viewport()
        self.horizontalScrollBar().setRange(0, max(0, math.ceil(z.breite - (v.width() - z.etikettbreite))))
        self.horizontalScrollBar().setPageStep(max(1, v.width() - int(z.etikettbreite)))
        self.horizontalScrollBar().setSingleStep(max(1, int(z.fm.averageCharWidth() * 4)))
        self.verticalScrollBar().setRange(0, max(0, len(z.zeilen) * z.zh - (v.height() - z.kopfhoehe)))
        self.verticalScrollBar().setPageStep(max(1, v.height() - z.kopfhoehe))
        self.verticalScrollBar().setSingleStep(z.zh)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._bereiche()
        if self._ziel_datum is not None and self.zeichner is not None and self.isVisible():
            self.zum_datum(self._ziel_datum)

    _ziel_datum: date | None = None

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def sizeHint(self) -> QSize:
        return QSize(900, 480)

    def paintEvent(self, e: QPaintEvent) -> None:
        z = self.zeichner
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.viewport().rect(), pal.color(QPalette.ColorRole.Base))
        if z is None:
            p.setPen(pal.color(QPalette.ColorRole.Text))
            p.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, "Zeitleiste wird geladen …")
            p.end()
            return
        w, h = self.viewport().width(), self.viewport().height()
        hx, vy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        L, K = z.etikettbreite, z.kopfhoehe
        erste = max(0, vy // z.zh)
        letzte = min(len(z.zeilen), (vy + h - K) // z.zh + 1)
        # chart: rows in view only
        p.save()
        p.setClipRect(QRectF(L, K, w - L, h - K))
        p.translate(L - hx, K - vy)
        x0, x1 = float(hx), float(hx + w - L)
        for i in range(erste, letzte):
            z.zeilengrund(p, i, i * z.zh, x0, x1)
        z.gitter(p, x0, x1, erste * z.zh, letzte * z.zh)
        z.heute(p, erste * z.zh, max(letzte * z.zh, vy + h - K))
        for i in range(erste, letzte):
            z.zeile(p, z.zeilen[i], i * z.zh, x_max=x1, i=i, x_min=x0)
            if i == self.aktuell:
                p.setPen(QPen(z.f.auswahl, z.linie * 2))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(QRectF(x0 + z.linie, i * z.zh + z.linie, x1 - x0 - 2 * z.linie, z.zh - 2 * z.linie))
        p.restore()
        # label column
        p.save()
        p.setClipRect(QRectF(0, K, L, h - K))
        p.translate(0, K - vy)
        for i in range(erste, letzte):
            z.etikett(p, z.zeilen[i], i * z.zh, gewaehlt=i == self.aktuell, i=i)
        p.restore()
        p.setPen(QPen(z.f.gitter, z.linie))
        p.drawLine(QPointF(L, 0), QPointF(L, h))
        # scale
        p.save()
        p.setClipRect(QRectF(L, 0, w - L, K))
        p.translate(L - hx, 0)
        z.kopf(p, x0, x1)
        p.restore()
        z.ecke(p)
        if not z.zeilen:
            p.setPen(z.f.text)
            p.setFont(z.schrift)
            p.drawText(QRectF(L, K, w - L, h - K), Qt.AlignmentFlag.AlignCenter,
                       "Keine Projekte für diese Auswahl.")
        p.end()

    # -------------------------------------------------------------------------- hit test
    def zeile_bei(self, pos: QPointF) -> int:
        z = self.zeichner
        if z is None or pos.y() < z.kopfhoehe:
            return -1
        i = int((pos.y() - z.kopfhoehe + self.verticalScrollBar().value()) // z.zh)
        return i if 0 <= i < len(z.zeilen) else -1

    def trifft_marke(self, i: int, pos: QPointF) -> bool:
        """Does ``pos`` hit a bar, diamond or the text of row ``i`` (not just the empty row)?"""
        z = self.zeichner
        if z is None or pos.x() < z.etikettbreite:
            return False
        x = pos.x() - z.etikettbreite + self.horizontalScrollBar().value()
        zeile = z.zeilen[i]
        toleranz = z.zh * 0.35
        for b in zeile.balken:
            if z.x(b.von) - 2 <= x <= z.x(b.bis + timedelta(days=1)) + 2:
                return True
        if any(abs(z.mitte(r.datum) - x) <= toleranz for r in zeile.rauten):
            return True
        if any(min(z.mitte(pf.von), z.mitte(pf.bis)) <= x <= max(z.mitte(pf.von), z.mitte(pf.bis)) for pf in zeile.pfeile):
            return True
        hx = self.horizontalScrollBar().value()
        lage = z.textlage(zeile, hx + self.viewport().width() - z.etikettbreite, hx)
        return lage is not None and lage.left() <= x <= lage.right()

    def _faltet(self, i: int, pos: QPointF) -> bool:
        z = self.zeichner
        return z is not None and z.zeilen[i].zugeklappt is not None and pos.x() < 4 + z.einzug * 1.2

    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(e)
            return
        i = self.zeile_bei(e.position())
        if i < 0:
            return
        self.waehlen(i)
        if self._faltet(i, e.position()):
            self.umschalten.emit(self.zeilen[i].id)
        elif self.trifft_marke(i, e.position()):
            self.geoeffnet.emit(self.zeilen[i])

    def mouseDoubleClickEvent(self, e: QMouseEvent) -> None:
        i = self.zeile_bei(e.position())
        if i >= 0 and not self._faltet(i, e.position()) and not self.trifft_marke(i, e.position()):
            self.geoeffnet.emit(self.zeilen[i])  # a mark opened already on the first click

    def viewportEvent(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            i = self.zeile_bei(QPointF(e.pos()))
            if i >= 0:
                QToolTip.showText(e.globalPos(), self.zeilen[i].beschreibung, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(e)

    # -------------------------------------------------------------------------- keyboard
    def waehlen(self, i: int) -> None:
        if not self.zeilen:
            return
        i = max(0, min(i, len(self.zeilen) - 1))
        if i != self.aktuell:
            self.aktuell = i
            self._gewaehlt_melden()
        self.sichtbar_machen(i)
        self.viewport().update()

    def sichtbar_machen(self, i: int) -> None:
        z = self.zeichner
        if z is None:
            return
        sb = self.verticalScrollBar()
        hoehe = self.viewport().height() - z.kopfhoehe
        if i * z.zh < sb.value():
            sb.setValue(i * z.zh)
        elif (i + 1) * z.zh > sb.value() + hoehe:
            sb.setValue((i + 1) * z.zh - hoehe)

    def zum_datum(self, d: date, anteil: float = 0.6) -> None:
        """Scroll so that ``d`` stands at ``anteil`` of the visible chart (the recent past in view)."""
        z = self.zeichner
        if z is not None:
            sichtbar = self.viewport().width() - z.etikettbreite
            self.horizontalScrollBar().setValue(int(z.mitte(d) - sichtbar * anteil))
            # not laid out yet (the page is built before it is shown): again once it has its size
            self._ziel_datum = d if not self.isVisible() else None

    def _gewaehlt_melden(self) -> None:
        zeile = self.zeilen[self.aktuell] if 0 <= self.aktuell < len(self.zeilen) else None
        self.setAccessibleDescription(zeile.beschreibung if zeile else "Keine Zeile gewählt.")
        self.gewaehlt.emit(zeile)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        z = self.zeichner
        if z is None or not z.zeilen:
            super().keyPressEvent(e)
            return
        k = e.key()
        seite = max(1, (self.viewport().height() - z.kopfhoehe) // z.zh - 1)
        schritte = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: seite, Qt.Key.Key_PageUp: -seite}
        aktuell = self.aktuell
        if k in schritte:
            self.waehlen(max(0, aktuell) + schritte[Qt.Key(k)] if aktuell >= 0 else 0)
        elif k == Qt.Key.Key_Home:
            self.waehlen(0)
        elif k == Qt.Key.Key_End:
            self.waehlen(len(z.zeilen) - 1)
        elif k in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and aktuell >= 0:
            self.geoeffnet.emit(z.zeilen[aktuell])
        elif k in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Space) and aktuell >= 0:
            zeile = z.zeilen[aktuell]
            if zeile.zugeklappt is not None and (k == Qt.Key.Key_Space or zeile.zugeklappt == (k == Qt.Key.Key_Right)):
                self.umschalten.emit(zeile.id)
            elif zeile.zugeklappt is None and k == Qt.Key.Key_Left:  # to the row's project
                art = z.zeilen.art if isinstance(z.zeilen, zl.Zeilen) else (lambda i: z.zeilen[i].art)
                self.waehlen(next(i for i in range(aktuell, -1, -1) if art(i) == "projekt"))
        else:
            super().keyPressEvent(e)


class Legende(QWidget):
    """The legend above the chart, painted by the same :class:`Zeichner` as chart and exports."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zeichner: Zeichner | None = None
        self.setAccessibleName("Legende der Zeitleiste")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def setzen(self, zeichner: Zeichner) -> None:
        self.zeichner = zeichner
        texte = [t if k != "heute" else f"heute ({format_datum(zeichner.stichtag)})" for k, t in zl.LEGENDE]
        self.setAccessibleDescription("; ".join(texte))
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, w: int) -> int:
        return math.ceil(self.zeichner.legende(None, 0, 0, w)) if self.zeichner else 0

    def sizeHint(self) -> QSize:
        return QSize(600, self.heightForWidth(max(self.width(), 600)))

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        if self.zeichner is not None and self.height() != self.heightForWidth(self.width()):
            self.setFixedHeight(self.heightForWidth(self.width()))

    def paintEvent(self, e: QPaintEvent) -> None:
        if self.zeichner is None:
            return
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.zeichner.legende(p, 0, 0, self.width())
        p.end()


# ---------------------------------------------------------------------------------------------- the widget
class Zeitleiste(QWidget):
    """Controls (zoom, filter, export), legend, chart and a status line, for the Ressort or one project."""

    #: (art, record id, project id, ziel) – as :meth:`Hauptfenster.datensatz_oeffnen` takes it
    oeffnen = Signal(str, str, str, str)
    #: the data arrived and the chart shows it
    geladen = Signal()
    #: an export was written (its path)
    exportiert = Signal(object)
    #: the data could not be read (the German message)
    fehlgeschlagen = Signal(str)
    #: all projects start folded (many of them); a preview's folding carries over to the full timeline
    _alle_zu = False
    #: a preview is shown: the full timeline is read once the full store is open (the window calls neu_laden)
    wartet_auf_store = False

    def __init__(self, store: Any, runner: Any, stichtag: Callable[[], date], *, projekt_id: str | None = None,
                 ops: Operationen | None = None, parent: QWidget | None = None,
                 vorab: Future[Any] | None = None) -> None:
        """``vorab``: the preview, being read while the window was built (the window's start page:
        :mod:`ozgdesk.model.startseiten`); the first :meth:`neu_laden` takes it instead of reading."""
        super().__init__(parent)
        self._vorab = vorab
        self.setObjectName("zeitleiste")
        self.stichtag, self.projekt_id = stichtag, projekt_id
        self.ops = oder_eigene(ops, store, runner, self, lambda titel, text: self.meldung(titel, text))
        self.daten: zl.Zeitleistendaten | None = None
        self.zugeklappt: set[str] = set()
        self._erstmals = True
        self.zoom = zl.Zoom.QUARTAL
        #: how often the data was read (a test counts reloads)
        self.ladevorgaenge = 0

        # ---- controls
        self.suche = QLineEdit()
        self.suche.setPlaceholderText("Kennung, Titel, Arbeitspaket oder Meilenstein")
        self.suche.setClearButtonEnabled(True)
        self.suche.setAccessibleName("Suche in der Zeitleiste")
        self.suche.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        suche_label = QLabel("&Suche:")
        suche_label.setBuddy(self.suche)
        self.behoerde = QComboBox()
        self.behoerde.setAccessibleName("Filter Behörde")
        self.behoerde.addItem("Behörde: alle", None)
        self.behoerde.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.nur_abweichungen = QCheckBox("Nur Ab&weichungen")
        self.nur_abweichungen.setAccessibleDescription(
            "Nur Meilensteine, deren Termin vom Plan abweicht, die verschoben wurden oder überfällig sind.")
        self.arbeitspakete = QCheckBox("Arbeits&pakete zeigen")
        self.arbeitspakete.setChecked(True)
        self.zoom_knoepfe = QButtonGroup(self)
        zoom_label = QLabel("Maßstab:")
        zoomzeile = QHBoxLayout()
        zoomzeile.addWidget(zoom_label)
        for z, text in ((zl.Zoom.MONAT, "&Monat"), (zl.Zoom.QUARTAL, "&Quartal"), (zl.Zoom.JAHR, "&Jahr")):
            k = QRadioButton(text)
            k.setAccessibleName(f"Maßstab {z.label}")
            k.setChecked(z is self.zoom)
            k.toggled.connect(lambda an, z=z: self._zoom_gewaehlt(z, an))
            self.zoom_knoepfe.addButton(k)
            zoomzeile.addWidget(k)
        self.zoom_knopf = {z: b for z, b in zip(zl.Zoom, self.zoom_knoepfe.buttons(), strict=True)}
        self.falten = QPushButton("Alle auf&klappen")
        self.falten.setAccessibleDescription("Zeigt oder verbirgt Arbeitspakete und Meilensteine aller Projekte.")
        self.falten.clicked.connect(self.alle_umschalten)
        self.heute_knopf = QPushButton("He&ute")
        self.heute_knopf.setAccessibleDescription("Zeigt den heutigen Tag in der Zeitleiste.")
        self.heute_knopf.clicked.connect(self.zu_heute)
        self.export_knopf = QPushButton("E&xportieren")
        self.export_knopf.setAccessibleDescription("Speichert die Zeitleiste als Bild (PNG) oder als PDF.")
        menue = QMenu(self.export_knopf)
        for text, art in (("Als &Bild (PNG) …", "png"), ("Als PDF, A&4 quer …", "A4"), ("Als PDF, A&3 quer …", "A3")):
            menue.addAction(text).triggered.connect(lambda _an=False, art=art: self._exportieren(art))
        self.export_knopf.setMenu(menue)

        oben = QHBoxLayout()
        oben.addWidget(suche_label)
        oben.addWidget(self.suche, 2)
        oben.addWidget(self.behoerde, 1)
        oben.addWidget(self.nur_abweichungen)
        oben.addWidget(self.arbeitspakete)
        if projekt_id is not None:
            oben.addStretch(3)
        zweite = QHBoxLayout()
        zweite.addLayout(zoomzeile)
        zweite.addStretch()
        zweite.addWidget(self.falten)
        zweite.addWidget(self.heute_knopf)
        zweite.addWidget(self.export_knopf)

        self.legende = Legende()
        self.ansicht = Zeitleistenansicht()
        self.ansicht.geoeffnet.connect(self._oeffnen)
        self.ansicht.umschalten.connect(self.umschalten)
        self.ansicht.gewaehlt.connect(self._gewaehlt)
        self.anzahl = QLabel("wird geladen …")
        self.anzahl.setAccessibleName("Inhalt der Zeitleiste")
        self.auswahl = QLabel("")
        self.auswahl.setWordWrap(True)
        self.auswahl.setAccessibleName("Gewählte Zeile")
        self.auswahl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hinweis = QLabel("Klick auf einen Balken oder eine Raute öffnet den Datensatz (ebenso Enter oder Doppelklick); "
                         "Pfeiltasten wählen, ← und → klappen ein Projekt zu und auf.")
        hinweis.setWordWrap(True)
        hinweis.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addLayout(oben)
        layout.addLayout(zweite)
        layout.addWidget(self.legende)
        layout.addWidget(self.ansicht, 1)
        layout.addWidget(self.anzahl)
        layout.addWidget(self.auswahl)
        layout.addWidget(hinweis)
        if projekt_id is not None:  # one project: no Ressort-wide filters
            for w in (suche_label, self.suche, self.behoerde, self.falten):
                w.setVisible(False)
        #: one project opens with the zoom that shows all of it (set once the chart has its width)
        self._einpassen = projekt_id is not None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)  # filter as you type, not once per keystroke
        self._timer.timeout.connect(self.aufbauen)
        self.suche.textChanged.connect(lambda _t: self._timer.start())
        self.behoerde.currentIndexChanged.connect(lambda _i: self.aufbauen())
        self.nur_abweichungen.toggled.connect(lambda _a: self.aufbauen())
        self.arbeitspakete.toggled.connect(lambda _a: self.aufbauen())

    # -------------------------------------------------------------------------- data
    @property
    def zeigt(self) -> frozenset[str]:
        return ZEIGT

    def neu_laden(self) -> None:
        """Read the projects on the DB worker; the chart keeps folding, selection and scroll position.

        At start, while the full store is not open yet (the window's first page), a preview comes
        first: the first projects with the whole Ressort's count and span, read with plain sqlite3
        (:func:`ozgdesk.model.zeitleiste.vorschau_roh`); the full timeline follows on the same worker."""
        store = self.ops.store
        if self.daten is None and self.projekt_id is None and not getattr(store, "ist_geoeffnet", True):
            # the full timeline once the window has opened the full store (Hauptfenster._geoeffnet)
            self.wartet_auf_store = True
            tag = self.stichtag()
            vorab, self._vorab = self._vorab, None
            lesen = vorab.result if vorab is not None else (lambda: startseiten.zeitleiste_lesen(store, tag))
            self.ops.im_hintergrund(lesen, ok=self._geladen, fehler=self._nicht_geladen)
            return
        self.wartet_auf_store = False
        self.ops.lesen(zl.laden, self.projekt_id, ok=self._geladen, titel="Zeitleiste nicht lesbar",
                       fehler=self._nicht_geladen)

    def _nicht_geladen(self, e: BaseException) -> None:
        self.fehlgeschlagen.emit(str(e))
        self.ops.fehler_melden("Zeitleiste nicht lesbar", e)

    def _vorschau_zeigen(self, an: bool) -> None:
        """While the preview shows, filtering, folding and exporting wait for the full timeline
        (they would act on the first projects only)."""
        for w in (self.suche, self.behoerde, self.nur_abweichungen, self.arbeitspakete, self.falten, self.export_knopf):
            w.setEnabled(not an)

    def _geladen(self, daten: zl.Zeitleistendaten) -> None:
        if daten.ist_vorschau and self.daten is not None:
            return  # the full timeline was quicker
        self.ladevorgaenge += 1
        vorschau = self.daten is not None and self.daten.ist_vorschau
        if vorschau and self.daten is not None and self._alle_zu:  # folded as the preview showed them,
            aufgeklappt = {p.id for p in self.daten.projekte} - self.zugeklappt  # but for what was unfolded
            self.zugeklappt = {p.id for p in daten.projekte} - aufgeklappt
        self._vorschau_zeigen(daten.ist_vorschau)
        self.daten = daten
        vorher = self.behoerde.currentData()
        behoerden = sorted({(p.behoerde_id, p.behoerde) for p in daten.projekte if p.behoerde_id},
                           key=lambda b: b[1].casefold())
        self.behoerde.blockSignals(True)
        self.behoerde.clear()
        self.behoerde.addItem("Behörde: alle", None)
        for bid, name in behoerden:
            self.behoerde.addItem(name, bid)
        self.behoerde.setCurrentIndex(max(0, self.behoerde.findData(vorher)))
        self.behoerde.blockSignals(False)
        gesamt = daten.gesamt.projekte if daten.gesamt is not None else len(daten.projekte)
        if self._erstmals and gesamt > AUFGEKLAPPT_BIS:
            self.zugeklappt = {p.id for p in daten.projekte}
            self._alle_zu = True
        self.aufbauen()
        if self._erstmals:
            self._erstmals = False
            self.einpassen() if self._einpassen else self.zu_heute()
        self.geladen.emit()

    def einpassen(self) -> None:
        """The finest zoom at which every date fits the visible chart (Jahr if none does), from the start."""
        breite = self.ansicht.viewport().width() - (self.ansicht.zeichner.etikettbreite if self.ansicht.zeichner else 0)
        if not self.isVisible() or breite < 100:
            return  # not laid out yet: showEvent calls again
        self._einpassen = False
        zeilen = self.ansicht.zeilen
        passt = next((z for z in zl.Zoom if zl.zeitraum(zeilen, self.stichtag(), z).tage * self.tagesbreite(z) <= breite),
                     zl.Zoom.JAHR)
        self.zoom_setzen(passt)
        self.ansicht.horizontalScrollBar().setValue(0)

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        if self._einpassen:
            QTimer.singleShot(0, self._eingepasst)  # once the layout gave the chart its width

    def _eingepasst(self) -> None:
        if self._einpassen and self.daten is not None:
            self.einpassen()

    def tagesbreite(self, zoom: zl.Zoom, schrift: QFont | None = None) -> float:
        """Pixels per day: the zoom's width, grown with the font (200 %, large fonts)."""
        return zoom.tagesbreite * QFontMetricsF(schrift or self.font()).height() / 17

    def filter(self) -> zl.Filter:
        return zl.Filter(suche=self.suche.text(), behoerde_id=self.behoerde.currentData(),
                         nur_abweichungen=self.nur_abweichungen.isChecked(), arbeitspakete=self.arbeitspakete.isChecked())

    def zeilen(self, alle_aufgeklappt: bool = False) -> zl.Zeilen:
        """The rows the chart shows (or, for an export, with every project unfolded)."""
        if self.daten is None:
            return zl.Zeilen((), self.stichtag(), zl.Filter(), frozenset())
        return zl.zeilen(self.daten.projekte, self.stichtag(), self.filter(),
                         frozenset() if alle_aufgeklappt else frozenset(self.zugeklappt))

    def zeichner(self, zeilen: Sequence[zl.Zeile], schrift: QFont | None = None, etikett_max: float | None = None) -> Zeichner:
        schrift = schrift or self.font()
        tb = self.tagesbreite(self.zoom, schrift)
        stichtag = self.stichtag()
        umfang = self.daten.umfang if self.daten is not None else None  # a preview: the span of all projects
        zr = zl.zeitraum(zeilen, stichtag, self.zoom, rand_tage(schrift, zeilen, tb), umfang=umfang)
        etikett = etikettbreite(schrift, zeilen, etikett_max or QFontMetricsF(schrift).averageCharWidth() * 48)
        return Zeichner(zeilen, zr, self.zoom, tb, schrift, farben(self.palette()), stichtag, etikett)

    def aufbauen(self) -> None:
        """Rows, scale and legend from the data read last (the filter or zoom changed)."""
        if self.daten is None:
            return
        alt = self.ansicht.zeichner
        gewaehlt = self.ansicht.zeilen[self.ansicht.aktuell].id if alt and 0 <= self.ansicht.aktuell < len(alt.zeilen) else None
        datum_links = None
        if alt is not None:  # keep the day at the left edge when the zoom changes
            datum_links = alt.zr.beginn + timedelta(days=self.ansicht.horizontalScrollBar().value() / alt.tb)
        z = self.zeichner(self.zeilen())
        self.ansicht.setzen(z, gewaehlt)
        self.legende.setzen(z)
        self.legende.setFixedHeight(self.legende.heightForWidth(max(self.legende.width(), 600)))
        if datum_links is not None:
            self.ansicht.horizontalScrollBar().setValue(int(z.x(datum_links)))
        zaehlung = self.daten.gesamt or zl.zaehlen(self.daten.projekte, self.filter(), self.stichtag())
        self.anzahl.setText(zaehlung.text())
        self.ansicht.setAccessibleDescription(f"{zaehlung.text()}. Maßstab {self.zoom.label}.")
        alle_zu = bool(self.daten.projekte) and all(p.id in self.zugeklappt for p in self.daten.projekte)
        self.falten.setText("Alle auf&klappen" if alle_zu else "Alle zu&klappen")

    # -------------------------------------------------------------------------- actions
    def _zoom_gewaehlt(self, zoom: zl.Zoom, an: bool) -> None:
        if an:
            self.zoom_setzen(zoom)

    def _exportieren(self, art: str) -> None:
        self.exportieren(art)

    def zoom_setzen(self, zoom: zl.Zoom) -> None:
        if zoom is not self.zoom:
            self.zoom = zoom
            self.zoom_knopf[zoom].setChecked(True)
            self.aufbauen()

    def umschalten(self, projekt_id: str) -> None:
        self.zugeklappt.symmetric_difference_update({projekt_id})
        self.aufbauen()

    def alle_umschalten(self) -> None:
        if self.daten is None:
            return
        alle = {p.id for p in self.daten.projekte}
        self.zugeklappt = set() if alle <= self.zugeklappt else alle
        self._alle_zu = False
        self.aufbauen()

    def zu_heute(self) -> None:
        self.ansicht.zum_datum(self.stichtag())

    def _gewaehlt(self, zeile: zl.Zeile | None) -> None:
        self.auswahl.setText(zeile.beschreibung if zeile else "")

    def _oeffnen(self, zeile: zl.Zeile) -> None:
        if zeile.art == "meilenstein":
            self.oeffnen.emit("meilenstein", zeile.id, zeile.projekt_id, zeile.ziel)
        elif zeile.art == "arbeitspaket":
            self.oeffnen.emit("projekt", zeile.projekt_id, zeile.projekt_id, zeile.ziel)
        else:
            self.oeffnen.emit("projekt", zeile.id, zeile.id, "")

    # -------------------------------------------------------------------------- export
    def titel(self) -> str:
        if self.projekt_id is not None and self.daten and self.daten.projekte:
            p = self.daten.projekte[0]
            return f"Zeitleiste {p.kennung} – {p.titel}"
        ressort = self.daten.ressort if self.daten else ""
        return f"Zeitleiste der Projekte{' – ' + ressort if ressort else ''}"

    def dateiname_erfragen(self, titel: str, vorschlag: str, filter_: str) -> str:
        """Ask where to save (tests replace this)."""
        pfad, _f = QFileDialog.getSaveFileName(self, titel, vorschlag, filter_)
        return pfad

    def meldung(self, titel: str, text: str) -> None:
        """Tell the user (tests replace this)."""
        QMessageBox.warning(self, titel, text)

    def exportieren(self, art: str) -> None:
        """Save the timeline as a picture (``png``) or a PDF (``A4``/``A3``, landscape); :attr:`exportiert`
        reports the file. Exports show every project of the filter unfolded: a document should not
        hide what the screen folded. The PDF is written on the worker (a long one takes seconds)."""
        if self.daten is None:
            return
        zeilen = self.zeilen(alle_aufgeklappt=True)
        grenze = BILD_ZEILEN if art == "png" else PDF_ZEILEN
        if not zeilen:
            self.meldung("Nichts zu exportieren", "Die Zeitleiste zeigt für diese Auswahl keine Projekte.")
            return
        if len(zeilen) > grenze:
            was = "ein Bild" if art == "png" else "ein PDF"
            self.meldung("Zu viele Zeilen", f"Die Zeitleiste hat {fmt.zahl(len(zeilen))} Zeilen; {was} fasst höchstens "
                         f"{fmt.zahl(grenze)}. Bitte die Auswahl eingrenzen (Suche, Behörde, nur Abweichungen).")
            return
        daten = self.daten
        kennung = daten.projekte[0].kennung if self.projekt_id and daten.projekte else (daten.ressort or "Ressort")
        stamm = f"Zeitleiste_{kennung}_{self.stichtag():%Y-%m-%d}".replace("/", "-").replace(" ", "_")
        if art == "png":
            pfad = self.dateiname_erfragen("Zeitleiste als Bild speichern", f"{stamm}.png", "PNG-Bilder (*.png)")
        else:
            pfad = self.dateiname_erfragen(f"Zeitleiste als PDF ({art} quer) speichern", f"{stamm}.pdf",
                                           "PDF-Dokumente (*.pdf)")
        if not pfad:
            return
        ziel = Path(pfad)
        endung = ".png" if art == "png" else ".pdf"
        if ziel.suffix.lower() != endung:  # the format follows the choice, not a typed ending
            ziel = ziel.with_name(ziel.name + endung)
        if art == "png":
            z = self.zeichner(zeilen, etikett_max=420.0)
            if bild(z, f"{self.titel()} – Stand: {format_datum(self.stichtag())}").save(str(ziel)):  # PNG by the ending
                self._gespeichert(ziel)
            else:
                self._nicht_gespeichert(ziel)
            return
        titel, stichtag = self.titel(), self.stichtag()
        ressort, referat = daten.ressort_name or daten.ressort, daten.referat

        def schreiben() -> Path:  # on the worker: no widgets here
            from ozgdesk.reports.zeitleiste import pdf

            ziel.write_bytes(pdf(zeilen, stichtag=stichtag, titel=titel, ressort=ressort, referat=referat, format_=art))
            return ziel
        self.anzahl.setText("PDF wird erstellt …")
        self.ops.im_hintergrund(schreiben, ok=self._gespeichert, fehler=lambda _e: self._nicht_gespeichert(ziel))

    def _gespeichert(self, ziel: Path) -> None:
        self.anzahl.setText(f"Gespeichert: {ziel}")
        self.exportiert.emit(ziel)

    def _nicht_gespeichert(self, ziel: Path) -> None:
        self.anzahl.setText(zl.zaehlen(self.daten.projekte, self.filter(), self.stichtag()).text() if self.daten else "")
        self.meldung("Export fehlgeschlagen", f"Die Datei „{ziel}“ konnte nicht geschrieben werden. Bitte einen "
                     "Ordner wählen, in dem Sie schreiben dürfen, und prüfen, ob genug Speicherplatz frei ist.")


class ZeitleistenDialog(QDialog):
    """One project's timeline in a window of its own, opened from the project editor: the editor
    stays beside it, and a click on a row shows that record in the editor."""

    def __init__(self, store: Any, runner: Any, stichtag: Callable[[], date], projekt_id: str, *,
                 ops: Operationen | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Zeitleiste des Projekts")
        self.setAccessibleName("Zeitleiste des Projekts")
        self.zeitleiste = Zeitleiste(store, runner, stichtag, projekt_id=projekt_id, ops=ops, parent=self)
        self.zeitleiste.geladen.connect(lambda: self.setWindowTitle(self.zeitleiste.titel()))
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.rejected.connect(self.reject)
        self.knoepfe = knoepfe
        layout = QVBoxLayout(self)
        layout.addWidget(self.zeitleiste, 1)
        layout.addWidget(knoepfe)
        self.resize(1280, 660)
        # the project may change while the window is open (an edit in the editor, undo, a sync)
        self.zeitleiste.ops.daten_geaendert.connect(self._geaendert)
        self.zeitleiste.neu_laden()

    def _geaendert(self, aenderungen: Any, _initiator: object = None) -> None:
        if aenderungen.betrifft(ZEIGT):
            self.zeitleiste.neu_laden()

    def done(self, r: int) -> None:
        try:
            self.zeitleiste.ops.daten_geaendert.disconnect(self._geaendert)
        except (RuntimeError, TypeError):  # pragma: no cover - already disconnected
            pass
        super().done(r)


def projekt_zeitleiste(editor: Any) -> ZeitleistenDialog | None:
    """„Zeitleiste …“ in the project editor: the open project's timeline beside the editor; a click
    on a milestone selects it there, on a work package shows the work packages."""
    if not editor.projekt_id:
        return None
    d = ZeitleistenDialog(editor.store, editor.runner, editor.stichtag, editor.projekt_id, ops=editor.ops, parent=editor)
    d.zeitleiste.oeffnen.connect(lambda _art, _id, _pid, ziel: editor.feld_zeigen(ziel or "titel"))
    d.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    editor.zeitleistendialog = d
    d.show()
    return d
