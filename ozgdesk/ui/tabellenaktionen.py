"""What every table of ozgdesk offers the way Excel users expect: copy (Strg+C), paste where a table
takes amounts (Strg+V), „Ansicht exportieren …“ and a context menu holding them.

One :class:`TabellenAktionen` is attached to a ``QTableView`` (:func:`einrichten`); it knows the
view, not the data: the model says how it is exported (``exportauftrag(spalten)``, see
:class:`ozgdesk.reports.tabellenexport.Exportauftrag`), the owner of the view what pasting and
opening mean and which further entries (bulk edits) the menu has.

*The view* is what is exported and copied: the columns the header shows, in the order it shows
them, the rows in the view's order (the lazy tables sort and filter in SQL, so the model's order is
the view's). Copying takes the cells as displayed („1.234,56 €“, „31.12.2026“); an export writes
typed values (:mod:`ozgdesk.reports.tabellenexport`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QTableView, QWidget

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.ui import format as fmt

if TYPE_CHECKING:  # pragma: no cover
    from ozgdesk.reports import tabellenexport
# the clipboard and export modules load on first use (a copy, an export): a window starting on a
# table page needs neither before its first rows (bench/start.py)

DATEIFILTER = {"xlsx": "Excel-Arbeitsmappe (*.xlsx)", "csv": "CSV für Excel (Semikolon, UTF-8) (*.csv)"}


class Exportierbar(Protocol):
    def exportauftrag(self, spalten: Sequence[int]) -> tabellenexport.Exportauftrag: ...


def sichtbare_spalten(view: QTableView) -> list[int]:
    """The logical columns the header shows, in the order it shows them."""
    kopf = view.horizontalHeader()
    folge = [kopf.logicalIndex(v) for v in range(kopf.count())]
    return [c for c in folge if not kopf.isSectionHidden(c)]


def _text(view: QTableView, zeile: int, spalte: int) -> str:
    wert = view.model().index(zeile, spalte).data(Qt.ItemDataRole.DisplayRole)
    return "" if wert is None else str(wert)


def auswahl_zellen(view: QTableView) -> tuple[list[int], list[list[str]]]:
    """The selected cells as displayed: (columns, rows of texts). Rows and columns in the view's
    order; a cell inside the selection's rows and columns that is not itself selected stays empty
    (a spreadsheet copies one rectangle; a table whose rows are selected always gives one)."""
    modell = view.selectionModel()
    indizes = modell.selectedIndexes() if modell is not None else []
    if not indizes and view.currentIndex().isValid():
        indizes = [view.currentIndex()]
    gewaehlt = {(i.row(), i.column()) for i in indizes}
    kopf_v = view.verticalHeader()
    zeilen = sorted({r for r, _c in gewaehlt if not view.isRowHidden(r)}, key=kopf_v.visualIndex)
    spalten_gewaehlt = {c for _r, c in gewaehlt}
    spalten = [c for c in sichtbare_spalten(view) if c in spalten_gewaehlt]
    return spalten, [[_text(view, r, c) if (r, c) in gewaehlt else "" for c in spalten] for r in zeilen]


def zwischenablage_setzen(zellen: list[list[str]], kopf: list[str] | None = None,
                          rechts: Sequence[bool] | None = None) -> None:
    """Put cells on the clipboard as Excel does: tab-separated text and an HTML table."""
    from ozgdesk.model.zwischenablage import als_html, als_tsv

    daten = QMimeData()
    daten.setText(als_tsv(([kopf] if kopf is not None else []) + zellen))
    daten.setHtml(als_html(zellen, kopf, rechts))
    QGuiApplication.clipboard().setMimeData(daten)


def _titel(view: QTableView, spalte: int) -> str:
    t = view.model().headerData(spalte, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
    return " ".join(str(t or "").split())  # two-line headings („Zahlungen\nim Jahr (€)“) on one line


class TabellenAktionen(QObject):
    """Copy, paste, export and the context menu of one table view.

    ``oeffnen()`` opens the current row (None: no „Öffnen“), ``einfuegen(text)`` takes pasted text
    (None: the table takes none), ``zusatz()`` gives further menu entries as (text, slot) pairs –
    ``None`` for a separator – at the moment the menu opens (they may depend on the selection)."""

    #: (file, rows written) after a finished export
    exportiert = Signal(str, int)
    #: an export started (True) or ended (False): a million rows take a minute as XLSX
    export_laeuft = Signal(bool)

    def __init__(self, view: QTableView, *, titel: str, runner: Any = None,
                 oeffnen: Callable[[], object] | None = None, einfuegen: Callable[[str], object] | None = None,
                 zusatz: Callable[[], Sequence[tuple[str, Callable[[], object]] | None]] | None = None,
                 beschreibung: Callable[[], str] | None = None) -> None:
        super().__init__(view)
        self.view, self.titel, self.runner, self._beschreibung = view, titel, runner, beschreibung
        self._laeuft = False
        self._oeffnen, self._einfuegen, self._zusatz = oeffnen, einfuegen, zusatz
        #: the last context menu built (tests look at its entries)
        self.letztes_menue: QMenu | None = None
        view.installEventFilter(self)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menue_zeigen)
        setattr(view, "tabellenaktionen", self)  # noqa: B010 - a Python attribute on the Qt object, found by ansicht_fuer()

    # ---------------------------------------------------------------------------------- keys
    def eventFilter(self, obj: QObject, e: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Strg+C copies the selection, Strg+V pastes (where the table takes it) – before the view's
        own handling, which copies only the current cell and ignores a paste."""
        if obj is self.view and e.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and isinstance(e, QKeyEvent):
            kopieren = e.matches(QKeySequence.StandardKey.Copy)
            einfuegen = self._einfuegen is not None and e.matches(QKeySequence.StandardKey.Paste)
            if kopieren or einfuegen:
                e.accept()
                if e.type() == QEvent.Type.KeyPress:
                    self.kopieren() if kopieren else self.einfuegen()
                return True
        return False

    # ---------------------------------------------------------------------------------- actions
    def kopieren(self, mit_kopf: bool = False) -> str:
        """Copy the selected cells; returns the text put on the clipboard."""
        spalten, zellen = auswahl_zellen(self.view)
        if not zellen:
            return ""
        kopf = [_titel(self.view, c) for c in spalten] if mit_kopf else None
        rechts = [bool(int(self.view.model().headerData(c, Qt.Orientation.Horizontal,
                                                        Qt.ItemDataRole.TextAlignmentRole) or 0)
                       & Qt.AlignmentFlag.AlignRight.value) for c in spalten]
        zwischenablage_setzen(zellen, kopf, rechts)
        from ozgdesk.model.zwischenablage import als_tsv

        return als_tsv(([kopf] if kopf is not None else []) + zellen)

    def einfuegen(self) -> None:
        if self._einfuegen is not None:
            self._einfuegen(QGuiApplication.clipboard().text())

    def oeffnen(self) -> None:
        if self._oeffnen is not None:
            self._oeffnen()

    def datei_waehlen(self) -> str | None:
        """Ask where to export to (tests replace this); the ending picks the format."""
        from ozgdesk.reports import tabellenexport

        ordner = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        vorschlag = str(Path(ordner) / f"{tabellenexport.blattname(self.titel)}.xlsx")
        pfad, filter_ = QFileDialog.getSaveFileName(self.view, "Ansicht exportieren", vorschlag,
                                                    ";;".join(DATEIFILTER.values()))
        if not pfad:
            return None
        if Path(pfad).suffix.lower() not in (".xlsx", ".csv"):
            pfad += ".csv" if filter_ == DATEIFILTER["csv"] else ".xlsx"
        return pfad

    def exportieren(self, pfad: str | None = None) -> None:
        """Write what the view shows to a file the user picks (XLSX or CSV), on the worker."""
        modell = self.view.model()
        if not hasattr(modell, "exportauftrag"):
            return
        if self._laeuft:
            self._fehler(f"„{self.titel}“ wird gerade exportiert. Bitte warten, bis der Export fertig ist.")
            return
        pfad = pfad or self.datei_waehlen()
        if not pfad:
            return
        from ozgdesk.reports import tabellenexport

        try:
            tabellenexport.format_fuer_pfad(pfad)
        except Eingabefehler as e:
            self._fehler(str(e))
            return
        auftrag = modell.exportauftrag(sichtbare_spalten(self.view))
        auftrag.titel = auftrag.titel or self.titel
        if self._beschreibung is not None:
            auftrag.beschreibung = self._beschreibung()
        ziel = pfad

        def arbeit() -> int:
            return tabellenexport.schreiben(auftrag, ziel)

        if self.runner is None:  # a short list held in memory: written at once
            try:
                self._fertig(ziel, arbeit())
            except Exception as e:  # noqa: BLE001 - shown in German, logged by fehlertext
                self._fehler(fmt.fehlertext(e))
            return
        self._laeuft = True
        self.export_laeuft.emit(True)
        anzahl = f" ({fmt.zahl(auftrag.anzahl)} Zeilen)" if auftrag.anzahl is not None else ""
        self._status(f"„{self.titel}“ wird exportiert{anzahl} …", 0)
        starten = getattr(self.runner, "lesend", None) or self.runner.starten  # a long read: not on the DB worker
        starten(arbeit, lambda n: self._fertig(ziel, n), lambda e: self._fehler(fmt.fehlertext(e)))

    def _status(self, text: str, dauer: int = 15000) -> None:
        fenster = self.view.window()
        if isinstance(fenster, QMainWindow):
            fenster.statusBar().showMessage(text, dauer)

    def _ende(self) -> None:
        if self._laeuft:
            self._laeuft = False
            self.export_laeuft.emit(False)

    def _fertig(self, pfad: str, n: int) -> None:
        self._ende()
        self._status(f"{fmt.zahl(n)} {'Zeile' if n == 1 else 'Zeilen'} exportiert nach {pfad}")
        self.exportiert.emit(pfad, n)

    def _fehler(self, text: str) -> None:
        self._ende()
        self._status("")
        zeigen = getattr(self.view.window(), "fehler_zeigen", None)
        if callable(zeigen):
            zeigen("Ansicht nicht exportiert", text)
        else:
            QMessageBox.warning(self.view, "Ansicht nicht exportiert", text)

    # ---------------------------------------------------------------------------------- menu
    def menue(self) -> QMenu:
        """The context menu for the current selection (built anew each time it opens)."""
        m = QMenu(self.view)
        m.setAccessibleName(f"Kontextmenü {self.titel}")
        hat_zeile = self.view.currentIndex().isValid()
        if self._oeffnen is not None:
            self._eintrag(m, "Ö&ffnen", self.oeffnen).setEnabled(hat_zeile)
            m.setDefaultAction(m.actions()[-1])
        kopieren = self._eintrag(m, "&Kopieren", self.kopieren, QKeySequence(QKeySequence.StandardKey.Copy))
        mit_kopf = self._eintrag(m, "Mit Spalten&überschriften kopieren", lambda: self.kopieren(mit_kopf=True))
        for a in (kopieren, mit_kopf):
            a.setEnabled(hat_zeile or self.view.selectionModel().hasSelection())
        if self._einfuegen is not None:
            einf = self._eintrag(m, "&Einfügen", self.einfuegen, QKeySequence(QKeySequence.StandardKey.Paste))
            einf.setEnabled(self.view.editTriggers() != self.view.EditTrigger.NoEditTriggers)
        m.addSeparator()
        self._eintrag(m, "Ansicht e&xportieren …", self.exportieren).setEnabled(hasattr(self.view.model(), "exportauftrag"))
        zusatz = list(self._zusatz()) if self._zusatz is not None else []
        if zusatz:
            m.addSeparator()
        for eintrag in zusatz:
            if eintrag is None:
                m.addSeparator()
            else:
                self._eintrag(m, *eintrag)
        self.letztes_menue = m
        return m

    @staticmethod
    def _eintrag(m: QMenu, text: str, slot: Callable[[], object], kuerzel: QKeySequence | None = None) -> QAction:
        a = m.addAction(text)
        a.triggered.connect(lambda *_c: slot())
        if kuerzel is not None:
            a.setShortcut(kuerzel)  # shown in the menu; the view's event filter does the work
            a.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        return a

    def _menue_zeigen(self, pos: QPoint) -> None:
        self.menue().popup(self.view.viewport().mapToGlobal(pos))


def einrichten(view: QTableView, titel: str | None = None, **optionen: Any) -> TabellenAktionen:
    """Give ``view`` copy, export and a context menu (see :class:`TabellenAktionen`); the title
    names the export file and sheet (default: the view's accessible name)."""
    return TabellenAktionen(view, titel=titel or view.accessibleName() or "Tabelle", **optionen)


def ansicht_fuer(fokus: QWidget | None, seite: QWidget | None) -> TabellenAktionen | None:
    """The table „Ansicht exportieren …“ in the menu means: the table that has the focus (or holds
    the focused widget), else the page's visible main table."""
    w = fokus
    while w is not None:
        aktionen = getattr(w, "tabellenaktionen", None)
        if isinstance(aktionen, TabellenAktionen) and w.isVisible():
            return aktionen
        w = w.parentWidget()
    if seite is None:
        return None
    haupt = getattr(seite, "haupttabelle", None)
    tabelle = haupt() if callable(haupt) else getattr(seite, "tabelle", None)
    aktionen = getattr(tabelle, "tabellenaktionen", None)  # a TabellenSeite or a table view
    return aktionen if isinstance(aktionen, TabellenAktionen) else None
