"""A table page: search as you type, drop-down filters, the lazy table, a row count.

Used for every big list (Leistungen, Projekte, Meilensteine, Mittelabflüsse, Änderungen). Enter or
double-click opens the record (signal ``geoeffnet`` with the id); the page knows nothing about
what opening means.

Rows can be selected several at a time (Strg/Umschalt+Klick) for the bulk edits the owning page
puts into the context menu (:meth:`TabellenSeite.menue_ergaenzen`). Strg+C copies the selection,
„Ansicht exportieren …“ writes what the view shows (:mod:`ozgdesk.ui.tabellenaktionen`). A query
with amount columns shows a totals row under the table (:mod:`ozgdesk.ui.summenzeile`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.tabellenform import Anfrage
from ozgdesk.ui import format as fmt
from ozgdesk.ui.summenzeile import Summenzeile
from ozgdesk.ui.tabellenaktionen import TabellenAktionen, einrichten
from ozgdesk.ui.tabellenmodell import IdRolle, TabellenModell

if TYPE_CHECKING:  # pragma: no cover - SQLAlchemy is not loaded when a page shows its first rows
    from ozgdesk.model.schnelltabellen import VerzoegerteAbfrage
    from ozgdesk.model.store import Store
    from ozgdesk.model.tabellen import Tabellenabfrage

#: a context-menu entry of a page: (text with mnemonic, slot), None for a separator
Menueeintrag = tuple[str, Callable[[], object]] | None


class Tabelle(QTableView):
    """Table view where Enter opens the current row (keyboard users cannot double-click)."""

    oeffnen = Signal(QModelIndex)

    def keyPressEvent(self, e) -> None:  # noqa: ANN001
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.oeffnen.emit(self.currentIndex())
            return
        super().keyPressEvent(e)


class TabellenSeite(QWidget):
    geoeffnet = Signal(str)

    def __init__(self, store: Store, abfrage: Tabellenabfrage | VerzoegerteAbfrage, runner: Any, *, voreinstellung: dict[str, str] | None = None,
                 mehrfachauswahl: bool = True, summen: bool | None = None, parent: QWidget | None = None) -> None:
        """``summen``: show the totals row (default: if the query has amount columns)."""
        super().__init__(parent)
        self.store = store
        #: ids of everything the filter shows, after „alle angezeigten auswählen“ (the lazy table
        #: holds only the pages fetched so far); None once the user selects by hand again
        self._alle_ids: list[str] | None = None
        self.setObjectName(f"seite_{abfrage.name}")
        if summen is None:
            summen = any(sp.art == "euro" for sp in abfrage.spalten)
        self.modell = TabellenModell(store, abfrage, runner, parent=self, summen=summen)
        self.abfrage = abfrage

        self.suche = QLineEdit()
        self.suche.setPlaceholderText("Suchen … (Strg+F)")
        self.suche.setClearButtonEnabled(True)
        self.suche.setMinimumWidth(self.fontMetrics().averageCharWidth() * 14)
        self.suche.setAccessibleName(f"Suche in {abfrage.titel}")
        suche_label = QLabel("&Suche:")
        suche_label.setBuddy(self.suche)
        self.filter: dict[str, QComboBox] = {}
        leiste = QHBoxLayout()
        leiste.addWidget(suche_label)
        leiste.addWidget(self.suche, 2)
        filterleiste = QHBoxLayout()  # own row, so the page also fits narrow windows and 200 % scaling
        #: a filter's preset applies before its choices have arrived from the worker
        self._voreinstellung = dict(voreinstellung or {})
        for f in abfrage.filter:
            box = QComboBox()
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)  # grows with the window (stretch); small screens must still fit
            box.setAccessibleName(f"Filter {f.titel}")
            box.addItem(f"{f.titel}: alle", "")
            box.currentIndexChanged.connect(self._anfrage_geaendert)
            self.filter[f.schluessel] = box
            filterleiste.addWidget(box, 1)
        self.anzahl = QLabel("wird geladen …")
        self.anzahl.setAccessibleName("Anzahl der Einträge")
        leiste.addWidget(self.anzahl)
        # An icon beside the count, its words in tooltip and accessible name: a labelled button widened
        # the list so much that the Projekte page no longer fitted list and editor side by side. No
        # mnemonic (two tables are visible there at once); keyboard users have Datei › Ansicht
        # exportieren … (Strg+Umschalt+E) and the context menu (Umschalt+F10).
        self.export_knopf = QToolButton()
        self.export_knopf.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        self.export_knopf.setAutoRaise(True)
        self.export_knopf.setAccessibleName(f"{abfrage.titel}: Ansicht exportieren")
        self.export_knopf.setToolTip("Ansicht exportieren … – die angezeigten Zeilen und Spalten (mit Suche, Filtern und "
                                     "Sortierung) als Excel-Arbeitsmappe oder CSV-Datei speichern")
        leiste.addWidget(self.export_knopf)

        self.tabelle = Tabelle()
        self.tabelle.setModel(self.modell)
        self.tabelle.setAccessibleName(abfrage.titel)
        self.tabelle.setAlternatingRowColors(True)
        self.tabelle.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabelle.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if mehrfachauswahl
                                      else QAbstractItemView.SelectionMode.SingleSelection)
        self.tabelle.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tabelle.setWordWrap(False)
        self.tabelle.verticalHeader().setVisible(False)
        self.tabelle.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # column widths are fitted to the first rows once (_spalten_anpassen): to the rows in view;
        # all 200 of the first page took 60 ms of the window's start (eight roles of every cell)
        self.tabelle.horizontalHeader().setResizeContentsPrecision(0)
        kopf = self.tabelle.horizontalHeader()
        kopf.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        kopf.setStretchLastSection(True)
        kopf.setSortIndicatorShown(True)
        spalte, absteigend = abfrage.sortierspalte(Anfrage())
        if spalte is not None:
            kopf.setSortIndicator(abfrage.spalte(spalte.schluessel),
                                  Qt.SortOrder.DescendingOrder if absteigend else Qt.SortOrder.AscendingOrder)
        self.tabelle.doubleClicked.connect(self._oeffnen)
        self.tabelle.oeffnen.connect(self._oeffnen)
        self._menue: list[Menueeintrag] = []
        self.aktionen: TabellenAktionen = einrichten(
            self.tabelle, abfrage.titel, runner=runner, oeffnen=lambda: self._oeffnen(self.tabelle.currentIndex()),
            zusatz=lambda: self._menue, beschreibung=self.beschreibung)
        #: the window's „Ansicht exportieren …“ finds the table from the focused widget (the search field too)
        self.tabellenaktionen = self.aktionen
        self.export_knopf.clicked.connect(lambda: self.aktionen.exportieren())
        self.aktionen.export_laeuft.connect(self.export_knopf.setDisabled)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(leiste)
        if self.filter:
            layout.addLayout(filterleiste)
        layout.addWidget(self.tabelle)
        self.summenzeile: Summenzeile | None = None
        if summen:
            self.summenzeile = Summenzeile(self.tabelle, self.modell, abfrage.titel)
            layout.addWidget(self.summenzeile)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)  # search as you type, but not one query per keystroke
        self._timer.timeout.connect(self._anfrage_geaendert)
        self.suche.textChanged.connect(lambda _t: self._timer.start())
        self.modell.geladen.connect(self._geladen)
        self._erstes_mal = True
        self.runner = runner
        #: the filters' choices are still to be read: they need the full store, which at start is
        #: opened after the first rows are shown (then :meth:`filter_laden` runs)
        self._filter_ausstehend = bool(abfrage.filter)
        # rows first: the single DB worker answers in order, and the filters' choices need the full store
        self.modell.neu_laden(self.anfrage())
        # after the first load: enabling sorting sorts by the indicator (the default order), which
        # the model recognises as the order it is loading – one load at start, not three
        self.tabelle.setSortingEnabled(True)
        if getattr(store, "ist_geoeffnet", True):
            self.filter_laden()

    def filter_laden(self) -> None:
        """Read the drop-downs' choices on the worker (once)."""
        if not self._filter_ausstehend:
            return
        self._filter_ausstehend = False
        store, abfrage = self.store, self.abfrage
        self.runner.starten(lambda: _lesen(store, abfrage.filteroptionen), self._filter_fuellen, lambda _e: None)

    def menue_ergaenzen(self, eintraege: Sequence[Menueeintrag]) -> None:
        """Further entries of the table's context menu (the page's bulk edits), below the standard ones."""
        self._menue.extend(eintraege)

    def beschreibung(self) -> str:
        """What the view shows, in words – search, filters, sort – for the export's file properties."""
        teile = [f"Ansicht „{self.abfrage.titel}“ aus ozgdesk, exportiert am {fmt.zeit(datetime.now().astimezone())}"]
        if self.suche.text().strip():
            teile.append(f"Suche: „{self.suche.text().strip()}“")
        for f in self.abfrage.filter:
            box = self.filter[f.schluessel]
            if box.currentData():
                teile.append(f"{f.titel}: {box.currentText()}")
        spalte, absteigend = self.abfrage.sortierspalte(self.modell.anfrage)
        if spalte is not None:
            teile.append(f"sortiert nach {spalte.titel} {'absteigend' if absteigend else 'aufsteigend'}")
        return "; ".join(teile)

    @property
    def zeigt(self) -> frozenset[str]:
        """The tables this table's query reads (from its SQL): it reloads when one of them is written."""
        return self.abfrage.tabellen

    def aenderungen_erhalten(self, aenderungen: Any, _initiator: object = None) -> None:
        """Reload if a table of the query was written – now if the table can be seen, else when it
        is shown next (a hidden tab costs no query per edit)."""
        if not aenderungen.betrifft(self.zeigt):
            return
        if self.isVisibleTo(self.window()) or self.window() is self:
            self.neu_laden()
        else:
            self._veraltet = True

    _veraltet = False

    def showEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(e)
        if self._veraltet:
            self._veraltet = False
            self.neu_laden()

    def _filter_fuellen(self, optionen: list[list[tuple[str, str]]]) -> None:
        """The drop-downs' choices, read on the worker; the preset (or a choice shown before the
        list was read, as the start-up stand-in shows the preset) stays selected."""
        schluessel = [f.schluessel for f in self.abfrage.filter]
        for name, liste in zip(schluessel, optionen, strict=True):
            box = self.filter[name]
            box.blockSignals(True)
            gewaehlt = box.currentData()
            while box.count() > 1:  # „… : alle“ stays
                box.removeItem(1)
            for code, label in liste:
                box.addItem(label, code)
            vor = self._voreinstellung.pop(name, None) or gewaehlt
            if vor:
                box.setCurrentIndex(max(0, box.findData(vor)))
            box.blockSignals(False)

    def anfrage(self) -> Anfrage:
        a = self.modell.anfrage
        gewaehlt = {k: b.currentData() for k, b in self.filter.items() if b.currentData()}
        return Anfrage(self.suche.text(), {**self._voreinstellung, **gewaehlt}, a.sortierung, a.absteigend)

    def _anfrage_geaendert(self, *_a: object) -> None:
        self._timer.stop()
        self._alle_ids = None
        self.anzahl.setText("wird geladen …")
        self.modell.neu_laden(self.anfrage())

    def suche_sofort(self, text: str) -> None:
        """Set the search and load at once (tests, dashboard links)."""
        self.suche.setText(text)
        self._anfrage_geaendert()

    def neu_laden(self) -> None:
        self.modell.neu_laden(self.anfrage())

    def _geladen(self, gesamt: int) -> None:
        self.anzahl.setText(f"{fmt.zahl(gesamt)} {'Eintrag' if gesamt == 1 else 'Einträge'}")
        if self._filter_ausstehend and getattr(self.store, "ist_geoeffnet", True):
            self.filter_laden()  # built before the full store was open, which a load has opened since
        if self._erstes_mal and self.modell.rowCount():
            self._erstes_mal = False
            self._spalten_anpassen()
        if self.summenzeile is not None:
            self.summenzeile.angleichen()  # after the widths were fitted to the rows: a sum is often wider

    def _spalten_anpassen(self) -> None:
        kopf = self.tabelle.horizontalHeader()
        breite = self.fontMetrics().averageCharWidth()
        for i, sp in enumerate(self.abfrage.spalten):
            zeichen = {"titel": 48, "bezeichnung": 55, "alt": 30, "neu": 30, "bemerkung": 30}.get(sp.schluessel)
            if zeichen is None:
                self.tabelle.resizeColumnToContents(i)
                kopf.resizeSection(i, min(kopf.sectionSize(i) + 8, 40 * breite))
            else:
                kopf.resizeSection(i, zeichen * breite)

    def suche_fokussieren(self) -> None:
        self.suche.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.suche.selectAll()

    def _oeffnen(self, index: QModelIndex) -> None:
        id_ = index.data(IdRolle)
        if id_:
            self.geoeffnet.emit(id_)

    def alle_angezeigten_auswaehlen(self, fertig: Callable[[int], None] | None = None) -> None:
        """Select every row the search and filters show (also rows not fetched yet); ``fertig(n)``
        gets how many once their ids have come from the worker."""
        store, abfrage, anfrage = self.store, self.abfrage, self.anfrage()

        def ausgewaehlt(ids: list[str]) -> None:
            self.tabelle.selectAll()
            self._alle_ids = ids
            self.tabelle.selectionModel().selectionChanged.connect(self._hand_auswahl,
                                                                   Qt.ConnectionType.SingleShotConnection)
            if fertig is not None:
                fertig(len(ids))

        self.runner.starten(lambda: _lesen(store, abfrage.ids, anfrage), ausgewaehlt, lambda _e: None)

    def _hand_auswahl(self, *_a: object) -> None:
        self._alle_ids = None

    def ausgewaehlte_ids(self) -> list[str]:
        """The rows a bulk action applies to: all shown after „alle angezeigten auswählen“, else the selection."""
        if self._alle_ids is not None:
            return list(self._alle_ids)
        zeilen = sorted({i.row() for i in self.tabelle.selectionModel().selectedRows()})
        return [i for i in (self.modell.zeilen_id(z) for z in zeilen) if i]

    def aktuelle_id(self) -> str | None:
        idx = self.tabelle.currentIndex()
        return idx.data(IdRolle) if idx.isValid() else None


def _lesen(store: Any, fn: Callable[..., Any], *args: Any) -> Any:
    """On the worker: ``fn(session, *args)`` in one read session."""
    from ozgdesk.model.operationen.bearbeiten import lesen

    return lesen(store, fn, *args)
