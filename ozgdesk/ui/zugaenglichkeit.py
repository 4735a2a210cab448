"""Checks a window the way a keyboard or screen-reader user meets it (BITV 2.0 / EN 301 549).

Two questions, answered by walking the widget tree of a shown window, so every widget added later
is checked without a list to keep up to date:

* **Mnemonics** (:func:`kollisionen`): which Alt+letter keys are registered by what is visible at
  the same time – the menu bar's titles, buttons, labels with a buddy, tab titles, group box
  titles – and which letter is claimed twice. Qt resolves such a clash by cycling focus or, with
  the menu bar, by opening the menu instead of the field: both surprise the user. A label with
  ``&`` but no buddy registers nothing and shows the ``&`` itself; that is reported too. Inside
  one menu, two entries with the same letter are a clash as well.
* **Accessible names** (:func:`namenlose`): every interactive widget must have a name a screen
  reader can announce – its own ``accessibleName``, its text (buttons) or the label whose buddy it
  is – and Qt's accessibility interface, i.e. what a screen reader gets, must report one. A name
  Qt would make up from the content (a combo box's current entry) does not count.

The rule for letters (``docs/tastatur.md``): the menu bar's letters D, B, A, T, H (Datei,
Bearbeiten, Ansicht, Stammdaten, Hilfe) belong to the menu bar in the main window; pages, tabs and
buttons there use other letters. Dialogs have no menu bar and use any letter once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

#: the menu bar's letters in the main window (``hauptfenster._menues``); pages must not use them
MENUELEISTE = ("d", "b", "a", "t", "h")


def mnemonik(text: str) -> str | None:
    """The letter after the single ``&`` of ``text`` (lower case), None without one (``&&`` is a
    literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            zeichen = text[i + 1]
            return zeichen.casefold() if not zeichen.isspace() else None
        i += 1
    return None


@dataclass(frozen=True)
class Mnemonik:
    buchstabe: str
    #: what carries it, for the message: „Knopf „&Bearbeiten …“ (seite_leistungen)“
    traeger: str


def _ort(w: QWidget) -> str:
    """The nearest object name up the parent chain: says where a widget sits."""
    x: QWidget | None = w
    while x is not None:
        if x.objectName() and not x.objectName().startswith("qt_"):
            return x.objectName()
        x = x.parentWidget()
    return type(w.window()).__name__


def _beschreibung(art: str, text: str, w: QWidget) -> str:
    return f"{art} „{text}“ ({_ort(w)})"


def _sichtbar(w: QWidget, fenster: QWidget) -> bool:
    return w.isVisible() and w.window() is fenster


def mnemoniks(fenster: QWidget) -> tuple[list[Mnemonik], list[str]]:
    """The Alt+letter keys registered by what ``fenster`` (shown) shows now, and the labels whose
    ``&`` registers nothing (no buddy)."""
    gefunden: list[Mnemonik] = []
    ohne_buddy: list[str] = []

    def merken(text: str, art: str, w: QWidget) -> None:
        b = mnemonik(text)
        if b:
            gefunden.append(Mnemonik(b, _beschreibung(art, text, w)))

    if isinstance(fenster, QMainWindow) and fenster.menuBar().isVisible():
        for a in fenster.menuBar().actions():
            if a.isVisible():
                merken(a.text(), "Menü", fenster.menuBar())
    for w in fenster.findChildren(QWidget):
        if not _sichtbar(w, fenster):
            continue
        if isinstance(w, QAbstractButton):
            merken(w.text(), "Knopf", w)
        elif isinstance(w, QLabel):
            if w.buddy() is not None:
                merken(w.text(), "Beschriftung", w)
            elif mnemonik(w.text()) and w.textFormat() != Qt.TextFormat.RichText:
                ohne_buddy.append(_beschreibung("Beschriftung ohne Feld (Buddy)", w.text(), w))
        elif isinstance(w, QGroupBox):
            merken(w.title(), "Gruppe", w)
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    merken(w.tabText(i), "Reiter", w)
    return gefunden, ohne_buddy


def kollisionen(fenster: QWidget, *, reserviert: dict[str, str] | None = None) -> list[str]:
    """Every letter claimed twice by what ``fenster`` shows now, as German sentences naming the
    widgets; also labels whose ``&`` does nothing. ``reserviert``: letters another part owns
    (e.g. the menu bar of the window a page is shown in) with the owner's name."""
    gefunden, ohne_buddy = mnemoniks(fenster)
    nach: dict[str, list[str]] = defaultdict(list)
    for name_buchstabe, traeger in (reserviert or {}).items():
        nach[name_buchstabe].append(traeger)
    for m in gefunden:
        nach[m.buchstabe].append(m.traeger)
    meldungen = [f"Alt+{b.upper()} mehrfach: " + "; ".join(t) for b, t in sorted(nach.items()) if len(t) > 1]
    return meldungen + ohne_buddy


def menue_kollisionen(menue: QMenu, pfad: str = "") -> list[str]:
    """Two entries of one menu (or of its submenus, each on its own) with the same letter."""
    titel = f"{pfad} › {menue.title().replace('&', '')}" if pfad else menue.title().replace("&", "")
    nach: dict[str, list[str]] = defaultdict(list)
    meldungen: list[str] = []
    for a in menue.actions():
        if a.isSeparator() or not a.isVisible():
            continue
        b = mnemonik(a.text())
        if b:
            nach[b].append(f"„{a.text()}“")
        unter = a.menu()
        if isinstance(unter, QMenu):
            meldungen += menue_kollisionen(unter, titel)
    meldungen += [f"Menü {titel}: Alt+{b.upper()} mehrfach: " + ", ".join(t) for b, t in sorted(nach.items()) if len(t) > 1]
    return meldungen


#: widgets a user operates; each needs a name a screen reader can announce
INTERAKTIV = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTabWidget, QTabBar,
              QPlainTextEdit, QTextEdit, QAbstractSlider, QCalendarWidget)
#: parts of a composite widget (a table's corner button, a line edit's clear button, a tab bar's
#: arrows, a spin box's line edit, a combo box's list): named and reached through their owner
_TEILE_VON = (QLineEdit, QAbstractSpinBox, QComboBox, QTabBar, QAbstractItemView, QCalendarWidget, QTabWidget)


def accessible_name(w: QWidget) -> str:
    """The name Qt's accessibility interface gives ``w`` (what a screen reader announces)."""
    schnittstelle = QAccessible.queryAccessibleInterface(w)
    return schnittstelle.text(QAccessible.Text.Name).strip() if schnittstelle is not None else ""


def namenlose(fenster: QWidget) -> list[str]:
    """The interactive widgets ``fenster`` shows now that have no accessible name."""
    buddies = {id(lab.buddy()) for lab in fenster.findChildren(QLabel) if lab.buddy() is not None and lab.text().strip()}
    meldungen = []
    for w in fenster.findChildren(QWidget):
        if not isinstance(w, INTERAKTIV) or isinstance(w, (QHeaderView, QScrollBar)) or not _sichtbar(w, fenster):
            continue
        eltern = w.parentWidget()
        if eltern is not None and (isinstance(eltern, _TEILE_VON) or isinstance(eltern.parentWidget(), _TEILE_VON)) \
                and not isinstance(w, QTabBar):
            continue
        if isinstance(w, QTabBar) and isinstance(eltern, QTabWidget):
            continue  # the tab widget carries the name; each tab is named by its title
        eigener = w.accessibleName().strip() or (w.text().replace("&", "").strip() if isinstance(w, QAbstractButton) else "")
        if (eigener or id(w) in buddies) and accessible_name(w):
            continue
        meldungen.append(f"{type(w).__name__} ohne zugänglichen Namen ({_ort(w)})")
    return meldungen


def beschriftung_von(feld: QWidget) -> QLabel | None:
    """The label whose buddy ``feld`` is (searched among the labels of ``feld``'s parent), e.g. to
    give a list's search field another letter where two lists are shown together."""
    eltern = feld.parentWidget()
    return next((x for x in eltern.findChildren(QLabel) if x.buddy() is feld), None) if eltern is not None else None


def beschriftung_setzen(feld: QWidget, text: str) -> None:
    """Give the label of ``feld`` the text ``text`` (another mnemonic), if it has one."""
    label = beschriftung_von(feld)
    if label is not None:
        label.setText(text)
