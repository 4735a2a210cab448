"""The Änderungsprotokoll page: who changed what, when and from where – readable, filterable, and
Enter or a double-click opens the record.

Thin on purpose: the rows come as plain :class:`~ozgdesk.model.protokollansicht.Protokollzeile` s
from the Qt-free :mod:`ozgdesk.model.protokollansicht`, read on the DB worker a page of 200 at a
time (newest first; the next page when the user scrolls to the end). Names, German values, the
filters and where a record opens are decided there; this module lays them out.

Filters: Datensatz (text in a record's name: Kennung, title, OZG-ID, a Behörde's or person's name;
a milestone or payment matches through its project), Person, Quelle, Von/Bis (days, both included),
Art and Aktion. The window's Strg+F focuses the Datensatz field.

Start-up: the window may start on this page. Until the full store is open (the window's post-start
work), the first page of the unfiltered log is read with plain SQL (:mod:`ozgdesk.model.protokollvorab`),
so neither this module nor the first rows need SQLAlchemy; the rows are the full path's, field by
field. Once the store is open (:meth:`AenderungenSeite.store_geoeffnet`) the person list is read and
every further load – next page, filter, order – takes the full path; nothing shown is reloaded, so
scroll position, selection and typed filters stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.aenderungen import Aenderungen
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.protokollkatalog import TABELLEN
from ozgdesk.model.protokollbenennung import GELOESCHT
from ozgdesk.model.protokolltext import einzeilig
from ozgdesk.model.protokollzeilen import SEITENGROESSE, Filteroptionen, Protokollfilter, Protokollseite, Protokollzeile
from ozgdesk.model.schnellstart import VerzoegerterStore
from ozgdesk.model.values import format_zahl, parse_datum
from ozgdesk.ui import format as fmt
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui.formular import DatumEingabe
from ozgdesk.ui.tabellenaktionen import einrichten

#: (key, header); the cells come from the Protokollzeile attribute of the same name
#: No column of its own for the kind of record: the record's name says it (a milestone is
#: „Meilenstein „…“ (BMAS-2024-05)“, a project „BMAS-2024-05 – …“), its tooltip and the filter „Art“ too.
SPALTEN = (("zeit", "Zeitpunkt"), ("benutzer", "Person"), ("quelle", "Quelle"), ("aktion", "Aktion"),
           ("datensatz", "Datensatz"), ("feld", "Feld"), ("alt", "Alter Wert"), ("neu", "Neuer Wert"))
ZeilenRolle = Qt.ItemDataRole.UserRole + 2
# the roles as plain ints: data() is asked for every visible cell and role on each paint
_ANZEIGE = {int(Qt.ItemDataRole.DisplayRole.value), int(Qt.ItemDataRole.AccessibleTextRole.value)}
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_SCHRIFT = int(Qt.ItemDataRole.FontRole.value)
_ZEILE = int(ZeilenRolle)
_GEFRAGT = frozenset({*_ANZEIGE, _TOOLTIP, _SCHRIFT, _ZEILE})
_DATENSATZ = next(i for i, (k, _t) in enumerate(SPALTEN) if k == "datensatz")

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.reports import tabellenexport


def store_offen(store: Any) -> bool:
    """True once the full store is open (a file store opens it after the window stands)."""
    return not isinstance(store, VerzoegerterStore) or store.ist_geoeffnet


def _lesen(store: Any, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """On the worker: ``fn(session, *args)`` in one read session."""
    from ozgdesk.model.operationen.bearbeiten import lesen

    return lesen(store, fn, *args, **kwargs)


class ProtokollModell(QAbstractTableModel):
    """The rows fetched so far; the next page is read on the worker when the view asks for more.

    A generation counter drops answers to requests a newer one overtook (the user typed on)."""

    geladen = Signal(object)  # the first page (Protokollseite) after a (re)load
    fehler = Signal(str)

    def __init__(self, store: Any, runner: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.filter = Protokollfilter()
        self.zeilen: list[Protokollzeile] = []
        self._ende = True
        self._laedt = False
        self._generation = 0
        #: the rows shown were read with plain SQL before the full store was open
        self.vorab = False
        #: the answer to the last (re)load: its first page, or the German error message; None while it loads
        self.ergebnis: Protokollseite | str | None = None

    def neu_laden(self, filter_: Protokollfilter | None = None) -> None:
        """Read the first page of the filter anew, on the worker; before the full store is open the
        unfiltered start page with plain SQL (the worker never opens the store for it)."""
        from ozgdesk.model import protokollvorab

        if filter_ is not None:
            self.filter = filter_
        self._generation += 1
        gen, store, f = self._generation, self.store, self.filter
        self._laedt = True
        self.ergebnis = None
        if not store_offen(store) and protokollvorab.beantwortet(f):
            self.runner.starten(lambda: protokollvorab.startseite_lesen(store),
                                lambda seite: self._neu_geladen(gen, seite, vorab=True),
                                lambda e: self._fehlgeschlagen(gen, e))
            return
        from ozgdesk.model import protokollansicht

        self.runner.starten(lambda: _lesen(store, protokollansicht.laden, f),
                            lambda seite: self._neu_geladen(gen, seite), lambda e: self._fehlgeschlagen(gen, e))

    def _neu_geladen(self, gen: int, seite: Protokollseite, vorab: bool = False) -> None:
        if gen != self._generation:
            return
        self.vorab = vorab
        self.ergebnis = seite
        self.beginResetModel()
        self.zeilen = list(seite.zeilen)
        self._ende = len(seite.zeilen) < SEITENGROESSE
        self._laedt = False
        self.endResetModel()
        self.geladen.emit(seite)

    def _fehlgeschlagen(self, gen: int, e: BaseException) -> None:
        if gen == self._generation:
            self._laedt = False
            self.ergebnis = fmt.fehlertext(e)
            self.fehler.emit(self.ergebnis)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._laedt and not self._ende and bool(self.zeilen)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        from ozgdesk.model import protokollansicht

        if not self.canFetchMore(parent):
            return
        gen, store, f, letzte = self._generation, self.store, self.filter, self.zeilen[-1]
        self._laedt = True
        self.runner.starten(lambda: _lesen(store, protokollansicht.laden, f, nach=letzte),
                            lambda seite: self._mehr_geladen(gen, seite), lambda e: self._fehlgeschlagen(gen, e))

    def _mehr_geladen(self, gen: int, seite: Protokollseite) -> None:
        if gen != self._generation:
            return
        self._laedt = False
        self._ende = len(seite.zeilen) < SEITENGROESSE
        if seite.zeilen:
            self.beginInsertRows(QModelIndex(), len(self.zeilen), len(self.zeilen) + len(seite.zeilen) - 1)
            self.zeilen.extend(seite.zeilen)
            self.endInsertRows()

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.zeilen)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SPALTEN)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return SPALTEN[section][1]
        return None

    def text(self, zeile: int, schluessel: str) -> str:
        """The cell text as shown (one line)."""
        z = self.zeilen[zeile]
        wert = str(getattr(z, schluessel))
        return einzeilig(wert, 300) if schluessel in ("alt", "neu") else wert

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rolle = int(role)
        if rolle not in _GEFRAGT or not index.isValid() or index.row() >= len(self.zeilen):
            return None
        if rolle == _SCHRIFT:
            if index.column() != _DATENSATZ or self.zeilen[index.row()].ziel is not None:
                return None
            schrift = QFont()
            schrift.setItalic(True)  # not openable (deleted since, or no view of its own): not colour alone
            return schrift
        z = self.zeilen[index.row()]
        schluessel = SPALTEN[index.column()][0]
        if rolle in _ANZEIGE:
            return self.text(index.row(), schluessel)
        if rolle == _TOOLTIP:
            voll = str(getattr(z, schluessel))
            if schluessel == "datensatz":
                return f"{z.art}: {voll}" + ("\nDoppelklick oder Eingabetaste öffnet den Datensatz." if z.ziel else
                                             "\nDieser Datensatz lässt sich nicht öffnen.")
            return voll or None
        return z  # ZeilenRolle

    def zeile(self, nummer: int) -> Protokollzeile | None:
        return self.zeilen[nummer] if 0 <= nummer < len(self.zeilen) else None

    def exportauftrag(self, spalten: Sequence[int]) -> tabellenexport.Exportauftrag:
        """Every entry the filter matches (not only the pages loaded so far), in the view's order,
        the columns as shown; the full old/new texts, not the one-line cut of the table."""
        from ozgdesk.model import protokollansicht
        from ozgdesk.reports import tabellenexport

        store, f = self.store, self.filter
        schluessel = [SPALTEN[c][0] for c in spalten]

        def zeilen() -> Iterator[list[Any]]:
            with store.lesen() as s:
                letzte: Protokollzeile | None = None
                while True:
                    seite = protokollansicht.laden(s, f, nach=letzte, zaehlen=False)
                    for z in seite.zeilen:
                        yield [z.zeitpunkt if k == "zeit" else str(getattr(z, k)) for k in schluessel]
                    if len(seite.zeilen) < protokollansicht.SEITENGROESSE:
                        return
                    letzte = seite.zeilen[-1]

        arten = {"zeit": "zeit"}
        return tabellenexport.Exportauftrag(
            titel="Änderungsprotokoll", spalten=[tabellenexport.Exportspalte(SPALTEN[c][1], arten.get(k, "text"))
                                                 for c, k in zip(spalten, schluessel, strict=True)],
            zeilen=zeilen)


def arten() -> list[tuple[str, str]]:
    """The kinds of record for the filter „Art“, as ``protokollansicht.filteroptionen`` lists them."""
    return sorted(((t, k["label"]) for t, k in TABELLEN.items()), key=lambda kv: kv[1].casefold())


class ProtokollTabelle(QTableView):
    """The log's table: Enter opens the current row (keyboard users cannot double-click). It is the
    page's ``tabelle``, so the window's Strg+F (``suche_fokussieren``) and a link that presets a
    filter (``filter``, the drop-downs by key) reach the page as on every other list page."""

    oeffnen = Signal(QModelIndex)

    def __init__(self, suche_fokussieren: Callable[[], None]) -> None:
        super().__init__()
        self._suche_fokussieren = suche_fokussieren
        self.filter: dict[str, QComboBox] = {}
        self.modell: ProtokollModell | None = None

    def keyPressEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.oeffnen.emit(self.currentIndex())
            return
        super().keyPressEvent(e)

    def suche_fokussieren(self) -> None:
        self._suche_fokussieren()


class AenderungenSeite(QWidget):
    """The change log with its filters. ``oeffnen(art, id, projekt_id, ziel)`` asks the window to
    open a row's record (``Hauptfenster.datensatz_oeffnen``)."""

    oeffnen = Signal(str, str, str, str)

    def __init__(self, store: Any, runner: Any) -> None:
        super().__init__()
        self.setObjectName("seite_aenderungen")
        self.store, self.runner = store, runner
        self.modell = ProtokollModell(store, runner, self)
        # the first rows are read while the page is built (the window may start on it): the filters
        # are empty at first, so the model needs none of the widgets for it
        self.modell.neu_laden()
        self.tabelle = ProtokollTabelle(self.suche_fokussieren)
        #: the window waits for this model's first rows before it reports itself ready
        self.tabelle.modell = self.modell
        self._erstes_mal = True
        self._veraltet = False
        self._gezeigt = False
        self._aufbauen()
        self.modell.geladen.connect(self._geladen)
        self.modell.fehler.connect(self.meldung_zeigen)
        ergebnis = self.modell.ergebnis  # answered already (a synchronous runner): shown now
        if isinstance(ergebnis, Protokollseite):
            self._geladen(ergebnis)
        elif isinstance(ergebnis, str):
            self.meldung_zeigen(ergebnis)
        self._optionen_fuellen(Filteroptionen(personen=[], arten=arten()))  # all but the people: no SQL
        if store_offen(store):
            self.optionen_laden()  # after the rows: the person list reads the whole log once

    # ------------------------------------------------------------------ layout
    def _auswahl(self, name: str, beschreibung: str) -> QComboBox:
        box = QComboBox()
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(10)
        box.setAccessibleName(f"Filter {name}")
        box.setAccessibleDescription(beschreibung)
        box.addItem("alle", "")
        box.currentIndexChanged.connect(self._filter_geaendert)
        return box

    def _aufbauen(self) -> None:
        zeichen = self.fontMetrics().averageCharWidth()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)  # filter as you type, but not one query per keystroke
        self._timer.timeout.connect(self._filter_geaendert)
        self.datensatz = QLineEdit()
        self.datensatz.setPlaceholderText("Kennung, Titel, OZG-ID oder Name … (Strg+F)")
        self.datensatz.setClearButtonEnabled(True)
        self.datensatz.setMinimumWidth(zeichen * 24)
        self.datensatz.setAccessibleName("Filter Datensatz")
        self.datensatz.setAccessibleDescription("Zeigt nur Änderungen an Datensätzen, deren Name den Text enthält; "
                                                "Meilensteine und Zahlungen auch über ihr Projekt.")
        self.person = self._auswahl("Person", "Zeigt nur Änderungen dieser Person.")
        self.quelle = self._auswahl("Quelle", "Zeigt nur Änderungen aus dieser Quelle: Oberfläche, Kommandozeile, "
                                              "Abgleich, Import …")
        self.art = self._auswahl("Art", "Zeigt nur Änderungen an Datensätzen dieser Art.")
        self.aktion = self._auswahl("Aktion", "Zeigt nur angelegte, geänderte oder gelöschte Datensätze.")
        self.von, self.bis = DatumEingabe(), DatumEingabe()
        for feld, name in ((self.von, "Von"), (self.bis, "Bis")):
            feld.setAccessibleName(f"Filter {name} (Datum)")
            feld.setAccessibleDescription(f"{name}: Tag im Format TT.MM.JJJJ, leer für unbegrenzt; der Tag selbst zählt mit.")
            feld.editingFinished.connect(self._filter_geaendert)
            feld.textEdited.connect(lambda _t: self._timer.start())
        self.zuruecksetzen = QPushButton("Filter &zurücksetzen")
        self.zuruecksetzen.setAccessibleName("Filter zurücksetzen")
        self.zuruecksetzen.clicked.connect(self.filter_zuruecksetzen)
        self.anzahl = QLabel("wird geladen …")
        self.anzahl.setAccessibleName("Anzahl der Einträge")
        self.tabelle.filter = {"person": self.person, "quelle": self.quelle, "tabelle": self.art, "aktion": self.aktion}

        raster = QGridLayout()  # two rows, so the page also fits narrow windows and 200 % scaling
        raster.addWidget(beschriftung("Daten&satz:", self.datensatz), 0, 0)
        raster.addWidget(self.datensatz, 0, 1, 1, 3)
        raster.addWidget(beschriftung("&Person:", self.person), 0, 4)
        raster.addWidget(self.person, 0, 5)
        raster.addWidget(beschriftung("&Quelle:", self.quelle), 0, 6)
        raster.addWidget(self.quelle, 0, 7)
        raster.addWidget(beschriftung("&Von:", self.von), 1, 0)
        raster.addWidget(self.von, 1, 1)
        raster.addWidget(beschriftung("B&is:", self.bis), 1, 2)
        raster.addWidget(self.bis, 1, 3)
        raster.addWidget(beschriftung("A&rt:", self.art), 1, 4)
        raster.addWidget(self.art, 1, 5)
        raster.addWidget(beschriftung("Akti&on:", self.aktion), 1, 6)
        raster.addWidget(self.aktion, 1, 7)
        for spalte in (1, 3, 5, 7):
            raster.setColumnStretch(spalte, 1)
        kopfzeile = QHBoxLayout()
        kopfzeile.addLayout(raster, 1)
        rechts = QVBoxLayout()
        rechts.addWidget(self.anzahl, 0, Qt.AlignmentFlag.AlignRight)
        rechts.addWidget(self.zuruecksetzen)
        kopfzeile.addLayout(rechts)

        t = self.tabelle
        t.setModel(self.modell)
        t.setAccessibleName("Änderungsprotokoll")
        t.setAccessibleDescription("Neueste Änderung zuerst. Eingabetaste oder Doppelklick öffnet den Datensatz.")
        t.setAlternatingRowColors(True)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # copy several rows to Excel
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(False)
        t.verticalHeader().setVisible(False)
        t.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        kopf = t.horizontalHeader()
        kopf.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        kopf.setStretchLastSection(True)
        kopf.setSortIndicatorShown(True)
        kopf.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        kopf.sectionClicked.connect(self._kopf_geklickt)
        t.doubleClicked.connect(self._oeffnen)
        t.oeffnen.connect(self._oeffnen)
        #: Strg+C, „Ansicht exportieren …“ and the context menu, as on every table
        self.tabellenaktionen = einrichten(t, "Änderungsprotokoll", runner=self.runner,
                                           oeffnen=lambda: self._oeffnen(t.currentIndex()),
                                           beschreibung=lambda: self.anzahl.text())
        # a message is about the row it was given for: another row chosen, it goes
        t.selectionModel().currentRowChanged.connect(self._zeile_gewechselt)

        self.oeffnen_knopf = QPushButton("Datensatz ö&ffnen")
        self.oeffnen_knopf.setAccessibleName("Datensatz öffnen")
        self.oeffnen_knopf.setAccessibleDescription("Öffnet den Datensatz der ausgewählten Zeile (wie Eingabetaste).")
        self.oeffnen_knopf.setEnabled(False)
        self.oeffnen_knopf.clicked.connect(lambda: self._oeffnen(t.currentIndex()))
        self.meldung = QLabel("")
        self.meldung.setObjectName("meldung")
        self.meldung.setWordWrap(True)
        self.meldung.setTextFormat(Qt.TextFormat.PlainText)
        self.meldung.setAccessibleName("Hinweis")
        fusszeile = QHBoxLayout()
        fusszeile.addWidget(self.oeffnen_knopf)
        fusszeile.addWidget(self.meldung, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(kopfzeile)
        layout.addWidget(t, 1)
        layout.addLayout(fusszeile)

        self.datensatz.textChanged.connect(lambda _t: self._timer.start())

    # ------------------------------------------------------------------ loading
    @property
    def zeigt(self) -> frozenset[str]:
        """The log records every write: the page reloads after any operation."""
        return frozenset({"*"})

    def store_geoeffnet(self) -> None:
        """The window's post-start work opened the full store: the handover. The rows shown stay
        (they are the full path's); the person list is read now, and every further load takes the
        full path."""
        self.optionen_laden()

    def optionen_laden(self) -> None:
        from ozgdesk.model import protokollansicht

        store = self.store
        # on the reader thread: listing every person reads the whole log (0.3–0.6 s for a million
        # entries), which must not hold up the DB worker and with it every page's loads
        self.runner.lesend(lambda: _lesen(store, protokollansicht.filteroptionen), self._optionen_fuellen,
                           lambda e: self.meldung_zeigen(fmt.fehlertext(e)))

    def _optionen_fuellen(self, o: Filteroptionen) -> None:
        for box, liste in ((self.person, [(p, p) for p in o.personen]), (self.quelle, o.quellen),
                           (self.art, o.arten), (self.aktion, o.aktionen)):
            gewaehlt = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("alle", "")
            for code, label in liste:
                box.addItem(label, code)
            box.setCurrentIndex(max(0, box.findData(gewaehlt)))
            box.blockSignals(False)

    def filter(self) -> Protokollfilter | None:
        """The filter the widgets show; None (and a German message) if a date cannot be read."""
        tage: list[date | None] = []
        for feld, name in ((self.von, "Von"), (self.bis, "Bis")):
            text = feld.text().strip()
            try:
                tage.append(parse_datum(text) if text else None)
            except Eingabefehler as e:
                self.meldung_zeigen(f"{name}: {e}")
                return None
        von, bis = tage
        if von is not None and bis is not None and von > bis:
            self.meldung_zeigen(f"„Von“ ({fmt.datum(von)}) liegt nach „Bis“ ({fmt.datum(bis)}); bitte den Zeitraum prüfen.")
            return None
        return Protokollfilter(datensatz=self.datensatz.text().strip(), person=self.person.currentData() or "",
                               von=von, bis=bis, quelle=self.quelle.currentData() or "",
                               tabelle=self.art.currentData() or "", aktion=self.aktion.currentData() or "",
                               aelteste_zuerst=self.modell.filter.aelteste_zuerst)

    def _filter_geaendert(self, *_a: object) -> None:
        self._timer.stop()
        f = self.filter()
        if f is None:
            return
        if f == self.modell.filter and not self._erstes_mal:
            return
        self.meldung_zeigen("")
        self.anzahl.setText("wird geladen …")
        self.modell.neu_laden(f)

    def neu_laden(self) -> None:
        """Reload with the filters shown (after every operation: the log has new entries)."""
        f = self.filter() or self.modell.filter
        self.anzahl.setText("wird geladen …")
        self.modell.neu_laden(f)

    def aenderungen_erhalten(self, aenderungen: Aenderungen, _initiator: object = None) -> None:
        """Every write adds log entries: reload now if shown, else when shown next."""
        if not aenderungen:
            return
        if self.isVisibleTo(self.window()) or self.window() is self:
            self.neu_laden()
        else:
            self._veraltet = True

    def showEvent(self, e: Any) -> None:  # noqa: N802 - Qt's name
        """Shown again: a hidden page's missed changes load now, and the person list is read anew
        (a sync may have brought entries by someone new) – once per showing, not per change."""
        super().showEvent(e)
        if self._gezeigt and store_offen(self.store):
            self.optionen_laden()
        self._gezeigt = True
        if self._veraltet:
            self._veraltet = False
            self.neu_laden()

    def _geladen(self, seite: Protokollseite) -> None:
        n = seite.anzahl or 0
        if seite.mindestens:
            self.anzahl.setText(f"mehr als {format_zahl(n)} Einträge")
        else:
            self.anzahl.setText(f"{format_zahl(n)} {'Eintrag' if n == 1 else 'Einträge'}")
        if self._erstes_mal and self.modell.rowCount():
            self._erstes_mal = False
            self._spalten_anpassen()
        self._auswahl_zeigen()

    def _spalten_anpassen(self) -> None:
        """Short columns as wide as their content, at most as wide as a long typical value; person,
        record and old value get fixed widths (full text in the tooltip), the new value the rest."""
        kopf = self.tabelle.horizontalHeader()
        fm = self.fontMetrics()
        rand = fm.averageCharWidth() * 2
        hoechstens = {"quelle": "Kommandozeile", "aktion": "geändert", "feld": "Begründung Ampel gesamt"}
        fest = {"benutzer": fm.horizontalAdvance("Dr. Katharina Brenner") + rand,
                "datensatz": 52 * fm.averageCharWidth(), "alt": 18 * fm.averageCharWidth()}
        # measured on the rows on screen: measuring all 200 asks every cell for its size in Python
        # (14 ms when the window starts on this page); the widths are capped at a typical value anyway
        genauigkeit = kopf.resizeContentsPrecision()
        kopf.setResizeContentsPrecision(0)
        for i, (schluessel, _titel) in enumerate(SPALTEN):
            if schluessel in fest:
                kopf.resizeSection(i, fest[schluessel])
            elif schluessel != "neu":
                self.tabelle.resizeColumnToContents(i)
                grenze = fm.horizontalAdvance(hoechstens.get(schluessel, "00.00.0000 00:00")) + rand
                kopf.resizeSection(i, min(kopf.sectionSize(i) + fm.averageCharWidth(), grenze))
        kopf.setResizeContentsPrecision(genauigkeit)

    def _kopf_geklickt(self, spalte: int) -> None:
        """Only the time orders the log (newest or oldest first); other headers leave it as it is."""
        f = self.filter() or self.modell.filter
        aelteste = not self.modell.filter.aelteste_zuerst if spalte == 0 else self.modell.filter.aelteste_zuerst
        self.tabelle.horizontalHeader().setSortIndicator(
            0, Qt.SortOrder.AscendingOrder if aelteste else Qt.SortOrder.DescendingOrder)
        if spalte == 0:
            self.modell.neu_laden(replace(f, aelteste_zuerst=aelteste))

    def filter_zuruecksetzen(self) -> None:
        for box in (self.person, self.quelle, self.art, self.aktion):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        for feld in (self.datensatz, self.von, self.bis):
            feld.blockSignals(True)
            feld.clear()
            feld.blockSignals(False)
        self._filter_geaendert()

    # ------------------------------------------------------------------ opening
    def suche_fokussieren(self) -> None:
        self.datensatz.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.datensatz.selectAll()

    def meldung_zeigen(self, text: str) -> None:
        self.meldung.setText(text)

    def _zeile_gewechselt(self, *_a: object) -> None:
        self._auswahl_zeigen()
        self.meldung_zeigen("")

    def _auswahl_zeigen(self) -> None:
        z = self.modell.zeile(self.tabelle.currentIndex().row())
        self.oeffnen_knopf.setEnabled(z is not None and z.ziel is not None)

    def _oeffnen(self, index: QModelIndex) -> None:
        z = self.modell.zeile(index.row()) if index.isValid() else None
        if z is None:
            return
        if z.ziel is None:
            if z.datensatz.endswith(GELOESCHT):
                name = z.datensatz.removesuffix(GELOESCHT).strip()
                self.meldung_zeigen(f"Dieser Datensatz wurde inzwischen gelöscht und lässt sich nicht mehr öffnen: "
                                    f"{z.art} „{name}“.")
            else:
                self.meldung_zeigen(f"Für Datensätze der Art „{z.art}“ gibt es keine eigene Ansicht zum Öffnen.")
            return
        self.meldung_zeigen("")
        self.oeffnen.emit(z.ziel.art, z.ziel.id, z.ziel.projekt_id, z.ziel.feld)
