"""The table page the window shows at start before SQLAlchemy is loaded, and its handover.

A user who last worked on Leistungen, Projekte or Finanzen starts there. The real page
(:mod:`ozgdesk.ui.seiten`) needs SQLAlchemy, the mapped entities and the full store – about three
times a bare window's start. So the window first shows this stand-in: the page's tables, built from
:mod:`ozgdesk.model.schnelltabellen` (same columns, first rows read with plain ``sqlite3``), laid
out where the real page has them. Search, sort, filters, selection and scrolling already work.

Once the full store is open (the window's post-start work), the real page is built around the very
same table widgets (:func:`uebergeben`): nothing is reloaded, and whatever the user did in the
first second – a search typed, a column sorted, a row selected, the other tab chosen – stays as it
is. Only the page's buttons (and, on Projekte, the editor's tabs) appear.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from ozgdesk.model import schnelltabellen
from ozgdesk.ui.tabellenseite import TabellenSeite

#: pages that have a stand-in (window key → the real page's class name in ``ozgdesk.ui.seiten``)
SEITEN = {"leistungen": "LeistungenSeite", "projekte": "ProjekteSeite", "finanzen": "FinanzenSeite"}


def _knopfzeilen_platz(zeilen: int, layout: QVBoxLayout) -> QWidget:
    """Empty room of the height of ``zeilen`` rows of push buttons in ``layout``: where the real
    page has its buttons, so the table does not change its height when they appear."""
    platz = QWidget()
    hoehe = QPushButton("Bearbeiten").sizeHint().height()
    platz.setFixedHeight(zeilen * hoehe + (zeilen - 1) * max(layout.spacing(), 0))
    return platz


class Vorabseite(QWidget):
    """Stands in for the page ``schluessel`` (see :data:`SEITEN`) until the full store is open.

    Offers the attributes the window and the real page use: ``tabelle`` (Leistungen, Finanzen) or
    ``projekte``, ``meilensteine``, ``listen`` and ``splitter`` (Projekte)."""

    ist_vorab = True

    def __init__(self, schluessel: str, store: Any, runner: Any, stichtag: Callable[[], date],
                 vorab: Future[Any] | None = None) -> None:
        """``vorab``: the first table's start request, read while the window was built
        (:func:`ozgdesk.model.schnelltabellen.startseite_lesen`)."""
        super().__init__()
        self._store, self._runner, self._stichtag = store, runner, stichtag
        self.schluessel = schluessel
        self.setObjectName(f"seite_{schluessel}")
        layout = QVBoxLayout(self)
        self._tabellen: list[TabellenSeite] = []
        if schluessel == "projekte":
            layout.setContentsMargins(0, 0, 0, 0)
            self.projekte = TabellenSeite(store, schnelltabellen.abfrage("projekte", vorab=vorab), runner)
            #: built when its tab is first shown (else the real page builds it): the hidden tab's
            #: 40,000 milestones need not be read before the window stands
            self.meilensteine: TabellenSeite | None = None
            self._tabellen = [self.projekte]
            self.listen = QTabWidget()
            self.listen.setAccessibleName("Listen: Projekte und Meilensteine")
            self.listen.addTab(self.projekte, "&Projekte")
            self.listen.addTab(QWidget(), "Alle M&eilensteine")
            self.listen.currentChanged.connect(self._reiter_gewaehlt)
            links = QWidget()
            ll = QVBoxLayout(links)
            ll.setContentsMargins(0, 0, 0, 0)
            ll.addWidget(self.listen)
            ll.addWidget(_knopfzeilen_platz(1, ll))
            rechts = QWidget()
            rl = QVBoxLayout(rechts)
            kopf = QLabel("Kein Projekt ausgewählt. Bitte links ein Projekt öffnen (Enter oder Doppelklick).")
            kopf.setWordWrap(True)
            f = kopf.font()
            f.setPointSizeF(f.pointSizeF() * 1.2)
            f.setBold(True)
            kopf.setFont(f)
            rl.addWidget(kopf)
            rl.addStretch()
            self.splitter = QSplitter(Qt.Orientation.Horizontal)
            self.splitter.addWidget(links)
            self.splitter.addWidget(rechts)
            self.splitter.setStretchFactor(0, 1)
            self.splitter.setStretchFactor(1, 1)
            rahmen = QScrollArea()
            rahmen.setWidgetResizable(True)
            rahmen.setFrameShape(QScrollArea.Shape.NoFrame)
            rahmen.setWidget(self.splitter)
            layout.addWidget(rahmen)
        elif schluessel == "leistungen":
            self.tabelle = TabellenSeite(store, schnelltabellen.abfrage("leistungen", vorab=vorab), runner,
                                         voreinstellung={"umfang": "ressort"}, mehrfachauswahl=True)
            self._tabellen = [self.tabelle]
            # the preset is what the table shows; say so before the filters' choices are read
            umfang = self.tabelle.filter["umfang"]
            umfang.blockSignals(True)
            umfang.addItem("Ressort", "ressort")
            umfang.setCurrentIndex(1)
            umfang.blockSignals(False)
            layout.addWidget(self.tabelle)
            layout.addWidget(_knopfzeilen_platz(2, layout))
        elif schluessel == "finanzen":
            layout.setContentsMargins(0, 0, 0, 0)  # as FinanzenSeite: its layout has no margins either
            self.tabelle = TabellenSeite(store, schnelltabellen.abfrage("mittelabfluesse", vorab=vorab), runner)
            self._tabellen = [self.tabelle]
            layout.addWidget(self.tabelle)
        else:  # pragma: no cover - the window asks only for pages listed in SEITEN
            raise KeyError(schluessel)

    def _reiter_gewaehlt(self, index: int) -> None:
        """„Alle Meilensteine“ shown before the real page took over: build its table now."""
        if index != 1 or self.meilensteine is not None:
            return
        self.meilensteine = TabellenSeite(self._store, schnelltabellen.abfrage("meilensteine", self._stichtag()),
                                          self._runner)
        self._tabellen.append(self.meilensteine)
        self.listen.blockSignals(True)
        self.listen.removeTab(1)
        self.listen.insertTab(1, self.meilensteine, "Alle M&eilensteine")
        self.listen.setCurrentIndex(1)
        self.listen.blockSignals(False)

    def tabellenseiten(self) -> list[TabellenSeite]:
        return list(self._tabellen)

    @property
    def zeigt(self) -> frozenset[str]:
        return frozenset().union(*(t.zeigt for t in self._tabellen))

    def aenderungen_erhalten(self, aenderungen: Any, initiator: object = None) -> None:
        for t in self._tabellen:
            t.aenderungen_erhalten(aenderungen, initiator)

    def neu_laden(self) -> None:
        for t in self._tabellen:
            t.neu_laden()

    def uebernahme(self) -> dict[str, Any]:
        """The widgets the real page takes over (keyword arguments of its constructor); what the
        stand-in's own widgets show is noted first (taking the tables over empties them)."""
        if self.schluessel == "projekte":
            self._zustand = {"reiter": self.listen.currentIndex(), "teilung": self.splitter.sizes()}
            return {"projekte": self.projekte, "meilensteine": self.meilensteine}  # None: the page builds it
        return {"tabelle": self.tabelle}

    _zustand: dict[str, Any] = {}


def uebergeben(vorab: Vorabseite, echt: QWidget) -> None:
    """After the real page was built around ``vorab``'s tables: carry over what the stand-in's own
    widgets hold (the chosen list tab, the splitter); the full store is open now, so the filters'
    choices can be read."""
    for t in vorab.tabellenseiten():
        t.filter_laden()
    listen, splitter = getattr(echt, "listen", None), getattr(echt, "splitter", None)
    if "reiter" in vorab._zustand and isinstance(listen, QTabWidget):
        listen.setCurrentIndex(vorab._zustand["reiter"])
    if "teilung" in vorab._zustand and isinstance(splitter, QSplitter):
        splitter.setSizes(vorab._zustand["teilung"])


def fokus_merken() -> Callable[[], None]:
    """Remember the widget with the keyboard focus; the returned function gives it back (reparenting
    a widget into the real page takes its focus away)."""
    fokus = QApplication.focusWidget()

    def zurueck() -> None:
        try:
            if fokus is not None and fokus.isVisible() and QApplication.focusWidget() is not fokus:
                fokus.setFocus(Qt.FocusReason.OtherFocusReason)
        except RuntimeError:  # the widget was part of the stand-in and is gone
            pass

    return zurueck
