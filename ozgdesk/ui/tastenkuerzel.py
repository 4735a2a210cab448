"""Hilfe › Tastenkürzel: every shortcut of the main window, read from its actions when opened.

Generated, not written down: the list walks the menu bar (and every other action of the window
with a shortcut, e.g. those of a table), so a shortcut added, changed or removed in the code is
shown as it is. Keys are written the German way (Strg, Umschalt, Entf, Bild ab …) whatever Qt's
translation files say. Below the actions, the keys Qt gives every list, field and dialog.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.ui.aktionen import beschriftung

_DEUTSCH = {"Ctrl": "Strg", "Shift": "Umschalt", "Del": "Entf", "Ins": "Einfg", "PgUp": "Bild auf",
            "PgDown": "Bild ab", "Return": "Eingabe", "Enter": "Eingabe", "Space": "Leertaste",
            "Backspace": "Rücktaste", "Home": "Pos1", "End": "Ende", "Left": "Pfeil links", "Right": "Pfeil rechts",
            "Up": "Pfeil hoch", "Down": "Pfeil runter", "Meta": "Win"}

#: keys that are no action of ozgdesk but Qt's behaviour in every list, field and dialog
ALLGEMEIN: tuple[tuple[str, str], ...] = (
    ("Zum nächsten / vorigen Feld", "Tab, Umschalt+Tab"),
    ("Feld, Knopf oder Reiter mit unterstrichenem Buchstaben", "Alt+Buchstabe"),
    ("Zum nächsten / vorigen Reiter", "Strg+Tab, Strg+Umschalt+Tab"),
    ("In einer Liste: Datensatz öffnen", "Eingabe"),
    ("Kontrollkästchen umschalten, Knopf auslösen", "Leertaste"),
    ("Auswahlliste oder Kalender eines Datumsfelds öffnen", "Alt+Pfeil runter"),
    ("Kontextmenü einer Tabelle", "Umschalt+F10"),
    ("Dialog schließen, ohne zu speichern", "Esc"),
)


def taste_deutsch(folge: QKeySequence) -> str:
    """``Ctrl+Shift+Z`` as „Strg+Umschalt+Z“, several keys of a sequence separated by commas."""
    teile = []
    for taste in folge.toString(QKeySequence.SequenceFormat.PortableText).split(", "):
        stuecke = taste.split("+")
        if taste.endswith("++"):  # Ctrl++ : the plus key itself
            stuecke = [*taste[:-2].split("+"), "+"]
        teile.append("+".join(_DEUTSCH.get(s, s) for s in stuecke if s))
    return ", ".join(teile)


def _name(a: QAction) -> str:
    """The command as the menu says it, without mnemonic and „…“; undo/redo without the step they
    would undo now („Rückgängig: Meilenstein anlegen“ → „Rückgängig“)."""
    text = a.text().replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix(" …").strip()
    return text.split(":", 1)[0] if text.startswith(("Rückgängig:", "Wiederholen:")) else text


def kuerzel(fenster: QMainWindow) -> list[tuple[str, str, str]]:
    """(area, command, keys) for every action of ``fenster`` that has a shortcut: the menus first, in
    menu order, then the other actions of the window (tables, pages) by area."""
    liste: list[tuple[str, str, str]] = []
    gesehen: set[int] = set()

    def menue(m: QMenu, pfad: str) -> None:
        for a in m.actions():
            if a.isSeparator():
                continue
            unter = a.menu()
            if isinstance(unter, QMenu):
                menue(unter, f"{pfad} › {_name(a)}")
                continue
            gesehen.add(id(a))
            tasten = [taste_deutsch(k) for k in a.shortcuts() if not k.isEmpty()]
            if tasten:
                liste.append((pfad, _name(a), ", ".join(tasten)))

    for a in fenster.menuBar().actions():
        m = a.menu()
        if isinstance(m, QMenu):
            menue(m, _name(a))
    weitere = []
    for a in fenster.findChildren(QAction):
        if id(a) in gesehen or a.menu() is not None:
            continue
        tasten = [taste_deutsch(k) for k in a.shortcuts() if not k.isEmpty()]
        if not tasten or not _name(a):
            continue
        eltern = a.parent()
        bereich = (eltern.accessibleName() if isinstance(eltern, QWidget) and eltern.accessibleName() else "Fenster")
        eintrag = (bereich, _name(a), ", ".join(tasten))
        if eintrag not in weitere:
            weitere.append(eintrag)
    return liste + sorted(weitere)


class Tastenkuerzelfenster(QDialog):
    def __init__(self, fenster: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or fenster)
        self.setObjectName("tastenkuerzel")
        self.setWindowTitle("Tastenkürzel")
        self.filter = QLineEdit()
        self.filter.setObjectName("tastenfilter")
        self.filter.setAccessibleName("Tastenkürzel filtern")
        self.filter.setPlaceholderText("Befehl oder Taste, z. B. „Strg+K“")
        self.filter.setClearButtonEnabled(True)
        self.liste = QTreeWidget()
        self.liste.setObjectName("tastenliste")
        self.liste.setAccessibleName("Tastenkürzel")
        self.liste.setHeaderLabels(["Bereich", "Befehl", "Taste"])
        self.liste.setRootIsDecorated(False)
        self.liste.setAlternatingRowColors(True)
        self.liste.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        kopf = self.liste.header()
        for i in range(2):
            kopf.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        kopf.setStretchLastSection(True)
        for bereich, befehl, taste in kuerzel(fenster):
            self.liste.addTopLevelItem(QTreeWidgetItem([bereich, befehl, taste]))
        for befehl, taste in ALLGEMEIN:
            self.liste.addTopLevelItem(QTreeWidgetItem(["Überall", befehl, taste]))
        self.filter.textChanged.connect(self._filtern)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(beschriftung("&Filter:", self.filter))
        layout.addWidget(self.filter)
        layout.addWidget(self.liste, 1)
        layout.addWidget(knoepfe)
        fm = self.fontMetrics()
        self.resize(fm.averageCharWidth() * 125, fm.height() * 36)

    def zeilen(self) -> list[tuple[str, str, str]]:
        """What the list shows (the rows the filter lets through)."""
        return [(it.text(0), it.text(1), it.text(2)) for it in (self.liste.topLevelItem(i)
                                                               for i in range(self.liste.topLevelItemCount()))
                if it is not None and not it.isHidden()]

    def _filtern(self, text: str) -> None:
        t = text.strip().casefold()
        erstes = None
        for i in range(self.liste.topLevelItemCount()):
            it = self.liste.topLevelItem(i)
            if it is None:
                continue
            it.setHidden(bool(t) and not any(t in it.text(s).casefold() for s in range(3)))
            if erstes is None and not it.isHidden():
                erstes = it
        if erstes is not None:
            self.liste.setCurrentItem(erstes)
