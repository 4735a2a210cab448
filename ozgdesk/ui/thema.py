"""The designs Hell, Dunkel and Hoher Kontrast: a palette (Fusion style) and a small style sheet.

The colours come from :mod:`ozgdesk.ui.farben`, where the contrast rule is written down and tested.
Widgets never name a colour: a message label is marked with :func:`einfaerben` (``fehler``,
``fehlerbox``, ``hinweisbox``) and gets that role's style sheet for the design in use (again on
every switch); table models and charts ask :func:`farbe` when they paint, so switching the design
(Ansicht › Design) recolours everything at once without reloading a page.

Only Hoher Kontrast sets a style sheet on the whole application. One there, however small, makes
Qt style every widget through its style-sheet engine: building the main window on the Projekte page
took 33 ms instead of 18 (``bench/start.py``) – for three rules that concern a handful of labels.

Hoher Kontrast draws white frames around fields and buttons and a yellow frame around the focused
one: Fusion derives its frames from the window colour, which on black would leave them invisible.
"""

from __future__ import annotations

import weakref

import shiboken6
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ozgdesk.ui import farben
from ozgdesk.ui.farben import DESIGN_NAMEN, DESIGNS, Design

__all__ = ["DESIGNS", "DESIGN_NAMEN", "aktuell", "anwenden", "einfaerben", "farbe", "palette", "reifegradfarbe", "rollenstil", "stil"]

_aktuell: Design = farben.HELL
#: the widgets :func:`einfaerben` marked: their style sheet follows the design
_eingefaerbt: weakref.WeakSet[QWidget] = weakref.WeakSet()

#: the frames Fusion cannot draw on black (see the module docstring)
_KONTRAST_STIL = """
QPushButton, QToolButton {{ border: 2px solid {rahmen}; border-radius: 3px; padding: 3px 10px; }}
QPushButton:disabled, QToolButton:disabled {{ border-color: {aus}; }}
QPushButton:focus, QToolButton:focus {{ border-color: {fokus}; }}
QPushButton:pressed, QPushButton:checked {{ background: {markiert}; color: {markiert_text}; }}
QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox, QAbstractItemView {{ border: 1px solid {rahmen}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractSpinBox:focus, QComboBox:focus,
QAbstractItemView:focus {{ border: 2px solid {fokus}; }}
QComboBox {{ padding: 2px 6px; }}
QTabBar::tab {{ border: 1px solid {rahmen}; padding: 4px 8px; margin-right: 2px; }}
QTabBar::tab:selected {{ background: {markiert}; color: {markiert_text}; }}
QTabBar::tab:focus {{ border: 2px solid {fokus}; }}
QGroupBox {{ border: 1px solid {rahmen}; margin-top: 1.4em; padding-top: 4px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px; }}
QHeaderView::section {{ background: {grund}; color: {text}; border: none; border-right: 1px solid {rahmen};
                        border-bottom: 1px solid {rahmen}; padding: 2px 4px; }}
QScrollBar:vertical {{ background: {grund}; width: 14px; border-left: 1px solid {rahmen}; margin: 0; }}
QScrollBar:horizontal {{ background: {grund}; height: 14px; border-top: 1px solid {rahmen}; margin: 0; }}
QScrollBar::handle:vertical {{ background: {rahmen}; min-height: 24px; margin: 3px; }}
QScrollBar::handle:horizontal {{ background: {rahmen}; min-width: 24px; margin: 3px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QSplitter::handle {{ background: {rahmen}; }}
QCheckBox::indicator, QRadioButton::indicator {{ border: 2px solid {rahmen}; width: 12px; height: 12px; background: {grund}; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {markiert}; }}
QCheckBox:focus, QRadioButton:focus {{ color: {fokus}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {markiert}; color: {markiert_text}; }}
QMenu {{ border: 1px solid {rahmen}; }}
QProgressBar {{ border: 1px solid {rahmen}; text-align: center; }}
QProgressBar::chunk {{ background: {markiert}; }}
QToolTip {{ border: 1px solid {rahmen}; }}
"""


def rollenstil(d: Design, rolle: str) -> str:
    """The style sheet of a widget marked as message ``rolle`` in design ``d``."""
    e = d.eigene
    if rolle == "fehler":
        return f'*[farbrolle="fehler"] {{ color: {e["fehler"]}; }}'
    return (f'QLabel[farbrolle="{rolle}"] {{ background: {e[rolle + "_grund"]}; color: {e[rolle + "_text"]};'
            f' border: 1px solid {e[rolle + "_rand"]}; border-radius: 3px; padding: 6px; }}')


def stil(d: Design) -> str:
    """The application's style sheet for ``d``: the frames of Hoher Kontrast; none for the others
    (see the module docstring; the message roles are styled per widget, :func:`rollenstil`)."""
    if d.name != "kontrast":
        return ""
    e, p = d.eigene, d.palette
    return _KONTRAST_STIL.format(rahmen=e["rahmen"], fokus=e["fokus"], aus=d.deaktiviert["ButtonText"],
                                 markiert=p["Highlight"], markiert_text=p["HighlightedText"],
                                 grund=p["Base"], text=p["Text"])


def palette(d: Design) -> QPalette:
    """The palette of ``d``: Fusion's own for Hell (its frames and shades) with the text roles of
    :mod:`farben`; the dark designs set every role they use themselves."""
    stil_ = QApplication.style()
    p = stil_.standardPalette() if d.name == "hell" and stil_ is not None else QPalette()
    for rolle, wert in d.palette.items():
        p.setColor(getattr(QPalette.ColorRole, rolle), QColor(wert))
    for rolle, wert in d.deaktiviert.items():
        p.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, rolle), QColor(wert))
    return p


def anwenden(app: QApplication, design: str | bool = "hell") -> None:
    """Switch the whole application to ``design`` (``hell``, ``dunkel``, ``kontrast``; True/False:
    the old switch for the dark theme)."""
    global _aktuell
    d = farben.design(design)
    _aktuell = d
    # Replacing the style while a style sheet wraps it leaves widgets with the deleted style (the
    # process crashed when switching designs with many dialogs open): unwrap first, set Fusion once.
    if app.styleSheet():
        app.setStyleSheet("")
    if app.style().name() != "fusion":
        app.setStyle("Fusion")
    app.setPalette(palette(d))
    app.setStyleSheet(stil(d))
    for w in list(_eingefaerbt):
        if shiboken6.isValid(w):
            w.setStyleSheet(rollenstil(d, str(w.property("farbrolle"))))


def aktuell() -> str:
    """The name of the design in use."""
    return _aktuell.name


def farbe(schluessel: str) -> QColor:
    """One of the app's own colours (``fehler``, ``ampel_gelb``, ``diagramm_ist`` …) in the design in use."""
    return QColor(_aktuell.eigene[schluessel])


def reifegradfarbe(stufe: int) -> QColor:
    return QColor(farben.reifegradfarbe(_aktuell, stufe))


def einfaerben(widget: QWidget, rolle: str) -> None:
    """Colour ``widget`` as a message of kind ``rolle`` (``fehler``: red text; ``fehlerbox``,
    ``hinweisbox``: a framed box) in every design."""
    widget.setProperty("farbrolle", rolle)
    widget.setStyleSheet(rollenstil(_aktuell, rolle))  # repolishes the widget
    _eingefaerbt.add(widget)
