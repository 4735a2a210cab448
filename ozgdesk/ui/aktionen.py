"""Menu actions and field labels built in one typed call.

PySide6 accepts a signal or property as a keyword (``QAction(text, parent, triggered=…)``,
``QLabel(text, buddy=…)``), but its stubs do not list these keywords, so mypy cannot check such
calls at all. These helpers construct, connect and set with calls the stubs do know, and say
in their signatures what they take.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QWidget


def aktion(text: str, parent: QObject, ausloesen: Callable[[], object] | None = None, *,
           kuerzel: QKeySequence | QKeySequence.StandardKey | str | None = None,
           tipp: str | None = None) -> QAction:
    """A ``QAction`` titled ``text`` (with its ``&`` mnemonic) that calls ``ausloesen`` when triggered.

    ``ausloesen`` is called without arguments: ``triggered`` passes ``checked``, which a slot such as
    ``self.close`` or a method with an optional first parameter must not receive by mistake.
    """
    a = QAction(text, parent)
    if kuerzel is not None:
        a.setShortcut(kuerzel)
    if tipp is not None:
        a.setToolTip(tipp)
    if ausloesen is not None:
        funktion = ausloesen
        a.triggered.connect(lambda *_checked: funktion())
    return a


def beschriftung(text: str, feld: QWidget) -> QLabel:
    """A label for ``feld``: its ``&`` mnemonic (Alt+letter) moves the focus to the field, and screen
    readers announce the label with the field."""
    label = QLabel(text)
    label.setBuddy(feld)
    return label
