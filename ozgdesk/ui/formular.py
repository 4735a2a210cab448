"""Forms with inline validation: each field parses its text and shows a German message under itself.

A form is declared as a list of :class:`Feld` (key, label with mnemonic, kind, choices). Parsing
uses the model's own parsers (``parse_datum``, ``euro_zu_cent``, …), so the GUI accepts exactly
what the CLI and the imports accept. Whole-record checks (the entity's ``pruefen``) run through
``gesamtpruefung`` and show their message above the buttons. Warnings (``hinweise``, computed by
:mod:`ozgdesk.model.hinweise`) do not block: they are shown once, and the OK button becomes
„Trotzdem speichern“.

Date fields are a :class:`DatumEingabe`: a line edit (typing „1.10.26“ is faster than any picker,
and an optional date must be able to stay empty — a ``QDateEdit`` can do neither) with a calendar
button inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Quartal, euro_zu_cent, parse_datum, parse_dezimal
from ozgdesk.ui import format as fmt
from ozgdesk.ui import thema


@dataclass
class Feld:
    schluessel: str
    label: str
    #: text, mehrzeilig, datum, betrag, dezimal, ganzzahl, auswahl, ja_nein, quartal, mehrfachauswahl
    #: (checkable entries of ``optionen``; the value is their codes comma-separated, as the model stores them)
    art: str = "text"
    pflicht: bool = False
    optionen: Sequence[tuple[Any, str]] = field(default_factory=tuple)
    hilfe: str = ""
    pruefer: Callable[[Any], None] | None = None
    #: shown but not editable (e.g. a milestone's Plandatum: it changes only through „Verschieben“)
    nur_lesen: bool = False


def _kalendersymbol(farbe: QColor, groesse: int = 16) -> QIcon:
    """A small calendar drawn in the palette's text colour (no icon theme on Windows/offscreen)."""
    bild = QPixmap(groesse, groesse)
    bild.fill(Qt.GlobalColor.transparent)
    p = QPainter(bild)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(farbe, 1.2))
    rand = QRectF(1.5, 2.5, groesse - 3, groesse - 4)
    p.drawRoundedRect(rand, 1.5, 1.5)
    p.fillRect(QRectF(1.5, 2.5, groesse - 3, 3.5), farbe)
    for zeile in range(2):
        for spalte in range(3):
            p.fillRect(QRectF(4 + spalte * 3.5, 8 + zeile * 3, 2, 2), farbe)
    p.end()
    return QIcon(bild)


class DatumEingabe(QLineEdit):
    """A date typed as text („1.10.26“, „01.10.2026“, parsed by ``parse_datum``) or picked from a calendar.

    The calendar opens on the date typed so far (or ``standard``), and picking a day writes it in
    German form as if typed, so the form's change tracking and validation see it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("TT.MM.JJJJ")
        self.kalender: QCalendarWidget | None = None
        self.standard: Callable[[], Any] | None = None
        farbe = self.palette().color(QPalette.ColorRole.Text)
        self.kalender_aktion = QAction(_kalendersymbol(farbe), "Kalender öffnen", self)
        self.kalender_aktion.setToolTip("Kalender öffnen (Alt+Pfeil runter)")
        self.kalender_aktion.triggered.connect(self.kalender_oeffnen)
        self.addAction(self.kalender_aktion, QLineEdit.ActionPosition.TrailingPosition)

    def keyPressEvent(self, e) -> None:  # noqa: ANN001 - the usual combo-box key opens the calendar
        if e.key() == Qt.Key.Key_Down and e.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.kalender_oeffnen()
            return
        super().keyPressEvent(e)

    def kalender_oeffnen(self) -> QCalendarWidget:
        if self.kalender is None:
            k = QCalendarWidget(self)
            k.setWindowFlags(Qt.WindowType.Popup)  # closes on a click outside, like a combo box list
            k.setObjectName("kalender")
            k.setAccessibleName("Kalender")
            k.setGridVisible(True)
            k.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
            k.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
            k.clicked.connect(self._gewaehlt)
            k.activated.connect(self._gewaehlt)
            self.kalender = k
        tag = None
        try:
            tag = parse_datum(self.text()) if self.text().strip() else None
        except Eingabefehler:
            pass
        if tag is None and self.standard is not None:
            tag = self.standard()
        if tag is not None:
            self.kalender.setSelectedDate(QDate(tag.year, tag.month, tag.day))
        self.kalender.adjustSize()
        self.kalender.move(self.mapToGlobal(QPoint(0, self.height())))
        self.kalender.show()
        self.kalender.setFocus()
        return self.kalender

    def _gewaehlt(self, d: QDate) -> None:
        self.setText(fmt.datum(date(d.year(), d.month(), d.day())))  # toPython() is typed object
        self.textEdited.emit(self.text())
        self.editingFinished.emit()
        if self.kalender is not None:
            self.kalender.hide()
        self.setFocus()


def _klartext(label: str) -> str:
    return label.replace("&", "")


def _codes(text: str) -> list[str]:
    """The codes of a comma-separated list as stored (blanks dropped)."""
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


class _Eingabe:
    """One field's widget, its error label, and how to read/write/parse it."""

    def __init__(self, feld: Feld) -> None:
        self.feld = feld
        name = _klartext(feld.label)
        if feld.art == "mehrzeilig":
            self.widget: QWidget = QPlainTextEdit()
            self.widget.setTabChangesFocus(True)
            self.widget.setFixedHeight(self.widget.fontMetrics().height() * 4 + 12)
        elif feld.art == "auswahl":
            self.widget = QComboBox()
            # long entries must not force the form wider than the window (200 % scaling)
            self.widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.widget.setMinimumContentsLength(16)
            for wert, text in feld.optionen:
                self.widget.addItem(text, wert)
        elif feld.art == "ja_nein":
            self.widget = QCheckBox()
        elif feld.art == "mehrfachauswahl":
            liste = QListWidget()
            for wert, text in feld.optionen:
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, str(wert))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                liste.addItem(item)
            # every entry visible at once: a short list the user ticks, not one to scroll
            liste.setFixedHeight(liste.sizeHintForRow(0) * max(1, len(feld.optionen)) + 2 * liste.frameWidth() + 4)
            self.widget = liste
        elif feld.art == "datum":
            self.widget = DatumEingabe()
            self.widget.setClearButtonEnabled(not feld.pflicht)  # an optional date may be emptied again
        else:
            self.widget = QLineEdit()
            platzhalter = {"betrag": "z. B. 12.500,00", "quartal": "z. B. Q3/2026",
                           "dezimal": "z. B. 12,5"}.get(feld.art)
            if platzhalter:
                self.widget.setPlaceholderText(platzhalter)
        self.widget.setAccessibleName(name)
        if feld.hilfe:
            self.widget.setToolTip(feld.hilfe)
            self.widget.setAccessibleDescription(feld.hilfe)
        self.widget.setObjectName(f"feld_{feld.schluessel}")
        if feld.nur_lesen:
            if isinstance(self.widget, QLineEdit):
                self.widget.setReadOnly(True)
                for a in self.widget.actions():
                    a.setVisible(False)
            else:
                self.widget.setEnabled(False)
        #: a mehrfachauswahl's stored text: kept when the same codes are ticked (no change in another order)
        self._codes_gespeichert = ""
        self.fehler = QLabel()
        self.fehler.setObjectName(f"fehler_{feld.schluessel}")
        thema.einfaerben(self.fehler, "fehler")
        self.fehler.setWordWrap(True)
        self.fehler.setVisible(False)

    def text(self) -> str:
        w = self.widget
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        if isinstance(w, QLineEdit):
            return w.text()
        return ""

    def setzen(self, wert: Any) -> None:
        w, art = self.widget, self.feld.art
        if isinstance(w, QComboBox):
            i = w.findData(wert)
            w.setCurrentIndex(max(i, 0))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(wert))
        elif isinstance(w, QListWidget):
            self._codes_gespeichert = str(wert or "")
            codes = _codes(self._codes_gespeichert)
            for i in range(w.count()):
                item = w.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in codes
                                   else Qt.CheckState.Unchecked)
        else:
            if wert is None:
                text = ""
            elif art == "datum":
                text = fmt.datum(wert)
            elif art == "betrag":
                text = fmt.euro(wert).replace(" €", "")
            elif art == "dezimal":
                text = fmt.zahl(wert)
            elif art == "quartal":
                text = Quartal.parse(wert).kurz
            else:
                text = str(wert)
            if isinstance(w, QPlainTextEdit):
                w.setPlainText(text)
            elif isinstance(w, QLineEdit):  # with DatumEingabe: every other kind of field
                w.setText(text)

    def wert(self) -> Any:
        """Parsed value; raises Eingabefehler with a German message."""
        w, art = self.widget, self.feld.art
        if isinstance(w, QComboBox):
            # the option's own value: Qt would turn a str-based enum stored as item data into a plain str
            wert = self.feld.optionen[w.currentIndex()][0] if w.currentIndex() >= 0 else None
        elif isinstance(w, QCheckBox):
            wert = w.isChecked()
        elif isinstance(w, QListWidget):
            gewaehlt = [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
                        if w.item(i).checkState() == Qt.CheckState.Checked]
            wert = self._codes_gespeichert if set(gewaehlt) == set(_codes(self._codes_gespeichert)) else ",".join(gewaehlt)
        else:
            text = self.text().strip()
            if not text:
                if self.feld.pflicht:
                    raise Eingabefehler("Bitte ausfüllen – dieses Feld ist Pflicht.")
                return "" if art in ("text", "mehrzeilig") else None
            if art == "datum":
                wert = parse_datum(text)
            elif art == "betrag":
                wert = euro_zu_cent(text)
            elif art == "dezimal":
                wert = parse_dezimal(text, feld=_klartext(self.feld.label))
            elif art == "ganzzahl":
                try:
                    wert = int(text)
                except ValueError:
                    raise Eingabefehler(f"„{text}“ ist keine ganze Zahl.") from None
            elif art == "quartal":
                wert = Quartal.parse(text)
            else:
                wert = text
        if self.feld.pflicht and wert in (None, ""):
            raise Eingabefehler("Bitte auswählen – dieses Feld ist Pflicht.")
        if self.feld.pruefer is not None:
            self.feld.pruefer(wert)
        return wert

    def pruefen(self) -> str | None:
        try:
            self.wert()
        except Eingabefehler as e:
            self.fehler.setText(str(e))
            self.fehler.setVisible(True)
            return str(e)
        self.fehler.setVisible(False)
        return None


class Formular(QWidget):
    """The fields in a form layout; ``geaendert`` fires on every edit (for unsaved-change tracking)."""

    geaendert = Signal()
    #: the key of the field the user just changed (after ``geaendert``)
    feld_geaendert = Signal(str)

    def __init__(self, felder: Sequence[Feld], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.eingaben = {f.schluessel: _Eingabe(f) for f in felder}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for e in self.eingaben.values():
            text = e.feld.label + (" *" if e.feld.pflicht else "")
            label = QLabel(text + ":")
            label.setBuddy(e.widget)
            spalte = QVBoxLayout()
            spalte.setSpacing(2)
            spalte.addWidget(e.widget)
            spalte.addWidget(e.fehler)
            layout.addRow(label, spalte)
            w = e.widget
            melden = self._melder(e.feld.schluessel)
            if isinstance(w, QLineEdit):
                w.textEdited.connect(melden)
                w.editingFinished.connect(e.pruefen)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(melden)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(melden)
            elif isinstance(w, QCheckBox):
                w.toggled.connect(melden)
            elif isinstance(w, QListWidget):
                w.itemChanged.connect(melden)

    def _melder(self, schluessel: str) -> Callable[..., None]:
        def melden(*_a: object) -> None:
            self.geaendert.emit()
            self.feld_geaendert.emit(schluessel)
        return melden

    def setzen(self, werte: dict[str, Any]) -> None:
        for k, e in self.eingaben.items():
            if k in werte:
                e.widget.blockSignals(True)
                e.setzen(werte[k])
                e.widget.blockSignals(False)
                e.fehler.setVisible(False)

    def pruefen(self) -> bool:
        """Validate every field; focus the first bad one. True if all are valid."""
        erster = None
        for e in self.eingaben.values():
            if e.pruefen() and erster is None:
                erster = e
        if erster is not None:
            erster.widget.setFocus()
        return erster is None

    def werte(self) -> dict[str, Any]:
        """Parsed values of the editable fields (a read-only field is shown, never written)."""
        return {k: e.wert() for k, e in self.eingaben.items() if not e.feld.nur_lesen}

    def widget(self, schluessel: str) -> QWidget:
        return self.eingaben[schluessel].widget

    def fehlertext(self, schluessel: str) -> str:
        e = self.eingaben[schluessel]
        return "" if e.fehler.isHidden() else e.fehler.text()


class FormularDialog(QDialog):
    """A modal form. ``gesamtpruefung(werte)`` may raise Eingabefehler for whole-record rules."""

    def __init__(self, titel: str, felder: Sequence[Feld], werte: dict[str, Any] | None = None, *,
                 gesamtpruefung: Callable[[dict[str, Any]], None] | None = None, hinweis: str = "",
                 hinweise: Callable[[dict[str, Any]], Sequence[Any]] | None = None,
                 runner: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: with a runner, ``hinweise`` (which read the database) run on the DB worker
        self.runner = runner
        self.setWindowTitle(titel)
        self.setObjectName("formulardialog")
        self.formular = Formular(felder, self)
        if werte:
            self.formular.setzen(werte)
        self.gesamtpruefung = gesamtpruefung
        self.meldung = QLabel()
        self.meldung.setObjectName("meldung")
        self.meldung.setWordWrap(True)
        thema.einfaerben(self.meldung, "fehler")
        self.meldung.setVisible(False)
        self.hinweise = hinweise
        self._bestaetigt: tuple[str, ...] = ()
        self.warnung = QLabel()
        self.warnung.setObjectName("hinweise")
        self.warnung.setWordWrap(True)
        self.warnung.setTextFormat(Qt.TextFormat.PlainText)
        thema.einfaerben(self.warnung, "hinweisbox")  # an amber box in every design, readable in black-and-white
        self.warnung.setVisible(False)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        knoepfe.accepted.connect(self.accept)
        knoepfe.rejected.connect(self.reject)
        self.knoepfe = knoepfe
        layout = QVBoxLayout(self)
        if hinweis:
            h = QLabel(hinweis)
            h.setWordWrap(True)
            layout.addWidget(h)
        layout.addWidget(self.formular)
        layout.addWidget(self.meldung)
        layout.addWidget(self.warnung)
        layout.addWidget(knoepfe)
        self.ergebnis: dict[str, Any] | None = None
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    def accept(self) -> None:
        if not self.formular.pruefen():
            return
        werte = self.formular.werte()
        if self.gesamtpruefung is not None:
            try:
                self.gesamtpruefung(werte)
            except Eingabefehler as e:
                self.meldung.setText(str(e))
                self.meldung.setVisible(True)
                return
        self.meldung.setVisible(False)
        if self.hinweise is None:
            self._mit_hinweisen(werte, ())
        elif self.runner is not None:
            hinweise = self.hinweise
            ok = self.knoepfe.button(QDialogButtonBox.StandardButton.Ok)
            ok.setEnabled(False)  # one check at a time; back on when the worker answered

            def fertig(liste: Sequence[Any]) -> None:
                ok.setEnabled(True)
                self._mit_hinweisen(werte, tuple(str(h) for h in liste))

            def gescheitert(e: BaseException) -> None:
                ok.setEnabled(True)
                self.meldung.setText(fmt.fehlertext(e))
                self.meldung.setVisible(True)

            self.runner.starten(lambda: hinweise(werte), fertig, gescheitert)
        else:
            self._mit_hinweisen(werte, tuple(str(h) for h in self.hinweise(werte)))

    def _mit_hinweisen(self, werte: dict[str, Any], texte: tuple[str, ...]) -> None:
        if texte and texte != self._bestaetigt:
            # shown once; saving again with the same warnings is the user's „trotzdem“
            self._bestaetigt = texte
            self.warnung.setText("Bitte prüfen:\n" + "\n".join(f"• {x}" for x in texte)
                                 + "\n\nMit „Trotzdem speichern“ wird so gespeichert.")
            self.warnung.setVisible(True)
            self.knoepfe.button(QDialogButtonBox.StandardButton.Ok).setText("&Trotzdem speichern")
            self.adjustSize()
            return
        self.ergebnis = werte
        super().accept()

    def hinweistext(self) -> str:
        """The warnings shown (empty if none): for tests and screen readers alike."""
        return "" if self.warnung.isHidden() else self.warnung.text()


#: how a field the user jumped to (from a finding of the check) is marked, in the project editor and
#: in every form: a frame and a light background that also
#: read in black-and-white. Set on the highlighted widget only (a style sheet on the whole editor would
#: override the fonts its children set), selecting on the dynamic property ``hervorgehoben``.
HERVORHEBUNG = ('*[hervorgehoben="true"] { border: 2px solid #b33f00; background-color: #fff8c4; color: #000000; }'
                # a table keeps its rows' look: the frame and the selected row show where to look
                ' QTableView[hervorgehoben="true"] { background-color: palette(base);'
                ' alternate-background-color: palette(alternate-base); color: palette(text); }'
                ' QCheckBox[hervorgehoben="true"] { padding: 2px 4px; }')


def hervorheben(widget: QWidget, an: bool = True) -> None:
    """Mark (or unmark) the field a finding leads to; the one look for every jump target."""
    widget.setProperty("hervorgehoben", an)
    widget.setStyleSheet(HERVORHEBUNG if an else "")  # repolishes: the property's rule applies
