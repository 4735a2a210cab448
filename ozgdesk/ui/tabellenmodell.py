"""One ``QAbstractTableModel`` over a :class:`~ozgdesk.model.tabellen.Tabellenabfrage`.

Holds only the rows fetched so far (pages of 200, like Anki's browser table which holds ids and
fetches rows lazily). Count and pages are loaded on the background runner; the view asks for more
through ``canFetchMore``/``fetchMore`` as the user scrolls. Sorting and filtering are done by
SQLite (a ``QSortFilterProxyModel`` would need every row in memory — impossible at a million
payment lines). A generation counter drops answers to requests that were overtaken by newer ones
(the user typed on while a search was running).

A table with amount columns can carry their sums over every matching row (``summen=True``, the
Finanzen page's totals row): they are read in the same worker task as the count and first page,
so count, rows and totals always describe the same request. An export
(:meth:`TabellenModell.exportauftrag`) reads every matching row again, page by page on the worker,
in the same order – not only the pages the view has fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from ozgdesk.model.tabellenform import Anfrage, Zeile
from ozgdesk.model.values import Ampel
from ozgdesk.ui import format as fmt
from ozgdesk.ui import thema
from ozgdesk.ui.format import punkt

if TYPE_CHECKING:  # pragma: no cover - SQLAlchemy is not loaded when a page shows its first rows
    from ozgdesk.reports.tabellenexport import Exportauftrag
    from ozgdesk.model.schnelltabellen import VerzoegerteAbfrage
    from ozgdesk.model.store import Store
    from ozgdesk.model.tabellen import Tabellenabfrage

IdRolle = Qt.ItemDataRole.UserRole + 1
_RECHTS = {"euro", "zahl", "datum", "zeit"}


class TabellenModell(QAbstractTableModel):
    geladen = Signal(int)  # total row count after a (re)load
    fehler = Signal(str)
    #: the sums arrived after the rows (the start request: they are read right after it)
    summen_geladen = Signal()

    def __init__(self, store: Store, abfrage: Tabellenabfrage | VerzoegerteAbfrage, runner: Any, seitengroesse: int = 200, parent=None,
                 *, summen: bool = False) -> None:
        super().__init__(parent)
        self.store, self.abfrage, self.runner = store, abfrage, runner
        self.seitengroesse = seitengroesse
        self.anfrage = Anfrage()
        self.zeilen: list[Zeile] = []
        self.gesamt = 0
        #: the amount columns summed over every matching row (keys), and their sums after a load
        self.summenspalten: tuple[str, ...] = tuple(sp.schluessel for sp in abfrage.spalten if sp.art == "euro") if summen else ()
        self.summen: dict[str, int] = {}
        #: the rows are shown, their sums are being read (the Summenzeile says so)
        self.summen_ausstehend = False
        self._generation = 0
        self._laedt = False

    # -------------------------------------------------------------------------------- loading
    def neu_laden(self, anfrage: Anfrage | None = None) -> None:
        if anfrage is not None:
            self.anfrage = anfrage
        self._generation += 1
        gen, abfrage, anf, store, n = self._generation, self.abfrage, self.anfrage, self.store, self.seitengroesse

        summenspalten = self.summenspalten

        def arbeit() -> tuple[int, list[Zeile], dict[str, int] | None]:
            # at start, before the full store is open: the first page over plain sqlite3 (same rows)
            vorab = getattr(abfrage, "vorab_laden", None)
            ergebnis = vorab(store, anf, n, summenspalten) if vorab is not None else None
            if ergebnis is not None:
                return ergebnis
            with store.lesen() as s:
                return abfrage.anzahl(s, anf), abfrage.seite(s, anf, n), abfrage.summen(s, anf, summenspalten)

        self._laedt = True
        self.runner.starten(arbeit, lambda e: self._neu_geladen(gen, e), lambda e: self._fehlgeschlagen(gen, e))

    def _neu_geladen(self, gen: int, ergebnis: tuple[int, list[Zeile], dict[str, int] | None]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self.gesamt, self.zeilen, summen = ergebnis
        self.summen = summen or {}
        self.summen_ausstehend = summen is None and bool(self.summenspalten)
        self.gesamt = max(self.gesamt, len(self.zeilen))
        self._laedt = False
        self.endResetModel()
        self.geladen.emit(self.gesamt)
        if self.summen_ausstehend:
            self._summen_nachladen(gen)

    def _summen_nachladen(self, gen: int) -> None:
        """The sums of a load that brought its rows without them (the start request, read while the
        window was built: :func:`ozgdesk.model.schnelltabellen.startseite_lesen`)."""
        abfrage, anf, store, spalten = self.abfrage, self.anfrage, self.store, self.summenspalten

        def arbeit() -> dict[str, int]:
            vorab = getattr(abfrage, "vorab_summen", None)
            summen = vorab(store, anf, spalten) if vorab is not None else None
            if summen is not None:
                return summen
            with store.lesen() as s:
                return abfrage.summen(s, anf, spalten)

        def da(summen: dict[str, int]) -> None:
            if gen == self._generation:
                self.summen, self.summen_ausstehend = summen, False
                self.summen_geladen.emit()

        self.runner.starten(arbeit, da, lambda e: self._fehlgeschlagen(gen, e))

    def _fehlgeschlagen(self, gen: int, e: BaseException) -> None:
        if gen == self._generation:
            self._laedt = False
            self.fehler.emit(str(e))

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        return not parent.isValid() and not self._laedt and len(self.zeilen) < self.gesamt

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not self.canFetchMore(parent) or not self.zeilen:
            return
        gen, abfrage, anf, store, n, letzte = (self._generation, self.abfrage, self.anfrage, self.store,
                                               self.seitengroesse, self.zeilen[-1])

        def arbeit() -> list[Zeile]:
            with store.lesen() as s:
                return abfrage.seite(s, anf, n, nach=letzte)

        self._laedt = True
        self.runner.starten(arbeit, lambda z: self._mehr_geladen(gen, z), lambda e: self._fehlgeschlagen(gen, e))

    def _mehr_geladen(self, gen: int, neue: list[Zeile]) -> None:
        if gen != self._generation:
            return
        self._laedt = False
        if not neue:
            self.gesamt = len(self.zeilen)
            return
        self.beginInsertRows(QModelIndex(), len(self.zeilen), len(self.zeilen) + len(neue) - 1)
        self.zeilen.extend(neue)
        self.endInsertRows()

    def alle_laden(self) -> None:
        """Fetch until the end (used by tests and small tables)."""
        while self.canFetchMore():
            self.fetchMore()
            if self._laedt:
                break

    # -------------------------------------------------------------------------------- Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.zeilen)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.abfrage.spalten)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.abfrage.spalten[section].titel
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            art = self.abfrage.spalten[section].art
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter) if art in _RECHTS else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.zeilen):
            return None
        zeile = self.zeilen[index.row()]
        spalte = self.abfrage.spalten[index.column()]
        wert = zeile.werte[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return fmt.anzeige(wert, spalte.art)
        if role == IdRolle:
            return zeile.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if spalte.art in _RECHTS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole:
            if spalte.art == "ampel" and isinstance(wert, Ampel):
                return punkt(fmt.AMPELFARBEN[wert].name())
            if spalte.art == "reifegrad" and wert is not None:
                return punkt(fmt.REIFEGRADFARBEN[min(int(wert), 7)], rund=False)
        if role == Qt.ItemDataRole.ForegroundRole:
            if spalte.art == "status" and wert in fmt.STATUSFARBEN:
                return fmt.STATUSFARBEN[wert]
            if spalte.art == "euro" and isinstance(wert, int) and wert < 0:
                return thema.farbe("negativ")
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        spalte = self.abfrage.spalten[column]
        if not spalte.sortierbar:
            return
        a = self.anfrage
        if self._generation and self.abfrage.sortierspalte(a) == (spalte, order == Qt.SortOrder.DescendingOrder):
            return  # the rows are (being) loaded in this order already
        self.neu_laden(Anfrage(a.suche, dict(a.filter), spalte.schluessel, order == Qt.SortOrder.DescendingOrder))

    def zeilen_id(self, zeile: int) -> str | None:
        return self.zeilen[zeile].id if 0 <= zeile < len(self.zeilen) else None

    def zeile_von_id(self, id_: str) -> int:
        return next((i for i, z in enumerate(self.zeilen) if z.id == id_), -1)

    def wert(self, zeile: int, schluessel: str) -> Any:
        return self.zeilen[zeile].werte[self.abfrage.spalte(schluessel)]

    # -------------------------------------------------------------------------------- export
    def exportauftrag(self, spalten: Sequence[int]) -> Exportauftrag:
        """The view as an export: the columns ``spalten`` (logical, in the view's order) of every
        row the current search, filters and sort match, read page by page when the worker writes."""
        from ozgdesk.reports.tabellenexport import Exportauftrag, Exportspalte, exportwert  # on first export

        store, abfrage, anfrage = self.store, self.abfrage, self.anfrage
        auswahl = [abfrage.spalten[i] for i in spalten]
        index = list(spalten)

        def zeilen() -> Iterator[list[Any]]:
            with store.lesen() as s:
                for z in abfrage.alle(s, anfrage):
                    yield [exportwert(z.werte[i], sp.art, fmt.anzeige) for i, sp in zip(index, auswahl, strict=True)]

        return Exportauftrag(abfrage.titel, [Exportspalte(sp.titel, sp.art) for sp in auswahl], zeilen,
                             summenzeile=bool(self.summenspalten), anzahl=self.gesamt)
