"""Bearbeiten › Überall suchen (Strg+K): one field, the hits of every kind in a list, Enter opens one.

The search itself is :func:`ozgdesk.model.suche.suchen` on the DB worker; typing starts it after a
short pause, and an answer to an older text is dropped. The keyboard never has to leave the field:
Pfeil runter/hoch choose a hit, Enter opens it (the first one if none was chosen), Esc closes.
The window opens the record through ``oeffnen`` (``Hauptfenster.datensatz_oeffnen``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import suche
from ozgdesk.ui import format as fmt
from ozgdesk.ui.aktionen import beschriftung

_ROLLE = Qt.ItemDataRole.UserRole


class Suchfenster(QDialog):
    def __init__(self, store: Any, runner: Any, oeffnen: Callable[[str, str, str], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suchfenster")
        self.setWindowTitle("Überall suchen")
        self.store, self.runner, self._oeffnen = store, runner, oeffnen
        self._lauf = 0
        self.treffer: list[suche.Treffer] = []
        self.feld = QLineEdit()
        self.feld.setObjectName("suchfeld")
        self.feld.setPlaceholderText("Projekt, Meilenstein, OZG-Leistung, Behörde oder Person")
        self.feld.setClearButtonEnabled(True)
        self.feld.setAccessibleName("Suchbegriff")
        self.feld.setAccessibleDescription("Alle Wörter müssen vorkommen; Pfeil runter wählt einen Treffer, "
                                           "Eingabe öffnet ihn.")
        self.liste = QTreeWidget()
        self.liste.setObjectName("suchtreffer")
        self.liste.setAccessibleName("Treffer")
        self.liste.setHeaderLabels(["Art", "Treffer", "Zusammenhang"])
        self.liste.setRootIsDecorated(False)
        self.liste.setUniformRowHeights(True)
        self.liste.setAlternatingRowColors(True)
        self.liste.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        kopf = self.liste.header()
        kopf.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        kopf.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        kopf.setStretchLastSection(True)
        self.liste.itemActivated.connect(lambda _i, _s: self.oeffnen())
        self.status = QLabel("Mindestens zwei Zeichen eingeben.")
        self.status.setObjectName("suchstatus")
        self.status.setAccessibleName("Suchergebnis")
        layout = QVBoxLayout(self)
        layout.addWidget(beschriftung("&Suchen nach:", self.feld))
        layout.addWidget(self.feld)
        layout.addWidget(self.liste, 1)
        layout.addWidget(self.status)
        self._zeit = QTimer(self)
        self._zeit.setSingleShot(True)
        self._zeit.setInterval(200)
        self._zeit.timeout.connect(self.suchen_jetzt)
        self.feld.textChanged.connect(lambda _t: self._zeit.start())
        self.feld.installEventFilter(self)
        breite = self.fontMetrics().averageCharWidth()
        self.resize(breite * 150, self.fontMetrics().height() * 26)
        kopf.resizeSection(1, breite * 68)

    def zeigen(self) -> None:
        """Open (again) over the window's upper third, with the last text selected."""
        eltern = self.parentWidget()
        if eltern is not None:
            mitte = eltern.frameGeometry().center()
            self.move(mitte.x() - self.width() // 2, eltern.frameGeometry().top() + eltern.height() // 8)
        self.show()
        self.raise_()
        self.activateWindow()
        self.feld.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.feld.selectAll()

    # ------------------------------------------------------------------------------ searching
    def suchen_jetzt(self) -> None:
        self._zeit.stop()
        text = self.feld.text()
        self._lauf += 1
        lauf = self._lauf
        if len(text.strip()) < suche.MINDESTLAENGE:
            self._zeigen([], "Mindestens zwei Zeichen eingeben.")
            return
        self.status.setText("Suche läuft …")
        from ozgdesk.model.operationen.bearbeiten import lesen

        store = self.store
        self.runner.starten(lambda: lesen(store, suche.suchen, text), lambda t: self._fertig(lauf, text, t),
                            lambda e: self._fehler(lauf, e))

    def _fertig(self, lauf: int, text: str, treffer: list[suche.Treffer]) -> None:
        if lauf != self._lauf:
            return  # the user typed on meanwhile
        if not treffer:
            self._zeigen([], f"Keine Treffer für „{text.strip()}“.")
            return
        voll = [suche.ARTEN[a] for a in suche.ARTEN if sum(t.art == a for t in treffer) >= suche.JE_ART]
        mehr = (f" Von {', '.join(voll)} sind nur die ersten {suche.JE_ART} gezeigt; ein weiteres Wort grenzt ein."
                if voll else "")
        self._zeigen(treffer, f"{fmt.zahl(len(treffer))} Treffer – Pfeil runter wählt, Eingabe öffnet.{mehr}")

    def _fehler(self, lauf: int, e: BaseException) -> None:
        if lauf == self._lauf:
            self._zeigen([], f"Die Suche ist gescheitert: {fmt.fehlertext(e)}")

    def _zeigen(self, treffer: list[suche.Treffer], status: str) -> None:
        self.treffer = treffer
        self.liste.clear()
        for i, t in enumerate(treffer):
            item = QTreeWidgetItem([t.art_name, t.titel, t.kontext])
            item.setData(0, _ROLLE, i)
            item.setToolTip(1, t.titel)
            item.setToolTip(2, t.kontext)
            self.liste.addTopLevelItem(item)
        erstes = self.liste.topLevelItem(0)
        if erstes is not None:
            self.liste.setCurrentItem(erstes)
        self.status.setText(status)

    # ------------------------------------------------------------------------------ keyboard
    def eventFilter(self, objekt: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt's name
        """In the field: arrows move through the hits, Enter opens the chosen one."""
        if objekt is self.feld and e.type() == QEvent.Type.KeyPress and isinstance(e, QKeyEvent):
            taste = e.key()
            if taste in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                if self.liste.topLevelItemCount():
                    self.liste.keyPressEvent(e)
                return True
            if taste in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._zeit.isActive():  # typed and pressed Enter at once: search first
                    self.suchen_jetzt()
                self.oeffnen()
                return True
        return super().eventFilter(objekt, e)

    def gewaehlter(self) -> suche.Treffer | None:
        item = self.liste.currentItem() or self.liste.topLevelItem(0)
        i = item.data(0, _ROLLE) if item is not None else None
        return self.treffer[i] if isinstance(i, int) and 0 <= i < len(self.treffer) else None

    def oeffnen(self) -> None:
        """Open the chosen hit and close the search (it keeps its text for the next Strg+K)."""
        t = self.gewaehlter()
        if t is None:
            return
        self.accept()
        self._oeffnen(t.art, t.id, t.projekt_id)
