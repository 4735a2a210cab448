"""A walk through every view of the main window and every dialog that can be opened
programmatically, calling a check on each state – what a keyboard or screen-reader user meets.

Generic on purpose: the pages are those of ``hauptfenster.SEITEN``; within a view every combination
of visible tabs is visited (``_reiter``); every modal dialog is caught where it is executed
(``QDialog.exec`` is replaced for the walk), so a dialog added later is checked as soon as one of
the actions below opens it. Used by ``tests/test_ui_barrierefreiheit.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QTabWidget, QWidget, QWizard

from ozgdesk.ui.hauptfenster import SEITEN

Pruefung = Callable[[QWidget], list[str]]


def _reiter(fenster: QWidget, name: str, fest: tuple[QTabWidget, ...] = ()) -> Iterator[str]:
    """Every combination of the current tabs of the visible tab widgets (nested ones too)."""
    QApplication.processEvents()
    offen = [t for t in fenster.findChildren(QTabWidget) if t.isVisible() and t.window() is fenster and t not in fest]
    if not offen:
        yield name
        return
    t = offen[0]
    vorher = t.currentIndex()
    for i in range(t.count()):
        if t.isTabVisible(i) and t.isTabEnabled(i):
            t.setCurrentIndex(i)
            yield from _reiter(fenster, f"{name} › {t.tabText(i).replace('&', '')}", (*fest, t))
    t.setCurrentIndex(vorher)


class Rundgang:
    """Collects what ``pruefung`` reports, per view („Projekte › Meilensteine“, „Dialog Zahlung erfassen“)."""

    def __init__(self, pruefung: Pruefung) -> None:
        self.pruefung = pruefung
        self.befunde: dict[str, list[str]] = {}
        self.besucht: list[str] = []
        #: run inside a caught dialog before it is closed (e.g. open its own sub-dialogs)
        self.im_dialog: dict[str, Callable[[QDialog], None]] = {}

    def pruefen(self, name: str, fenster: QWidget) -> None:
        for zustand in _reiter(fenster, name):
            self.besucht.append(zustand)
            gefunden = self.pruefung(fenster)
            if gefunden:
                self.befunde[zustand] = gefunden

    def dialog(self, d: QDialog) -> None:
        d.show()
        QApplication.processEvents()
        titel = d.windowTitle() or type(d).__name__
        if isinstance(d, QWizard):
            seite = 0
            while True:
                self.pruefen(f"Dialog {titel}, Seite {seite + 1}", d)
                vorher = d.currentId()
                d.next()
                QApplication.processEvents()
                if d.currentId() == vorher:
                    break
                seite += 1
        else:
            self.pruefen(f"Dialog {titel}", d)
        for teil, aktion in list(self.im_dialog.items()):
            if teil in titel:
                del self.im_dialog[teil]
                aktion(d)
        d.hide()

    @contextmanager
    def dialoge_abfangen(self) -> Iterator[None]:
        """Every modal ``exec()`` during the walk: check the dialog, then cancel it."""
        alt_dialog, alt_box = QDialog.exec, QMessageBox.exec
        rundgang = self

        def ausfuehren(d: QDialog) -> int:
            rundgang.dialog(d)
            return int(QDialog.DialogCode.Rejected)

        QDialog.exec = ausfuehren  # type: ignore[method-assign]
        QMessageBox.exec = ausfuehren  # type: ignore[method-assign]
        try:
            yield
        finally:
            QDialog.exec = alt_dialog  # type: ignore[method-assign]
            QMessageBox.exec = alt_box  # type: ignore[method-assign]


def _nicht_modal(rundgang: Rundgang, d: Any) -> None:
    """A dialog the window opens with ``open()`` (window-modal, non-blocking)."""
    rundgang.dialog(d)
    d.reject()


def hauptfenster_durchlaufen(fenster: Any, rundgang: Rundgang) -> None:
    """Every page of the window (with every tab), then every dialog reachable from menus and pages."""
    fenster.show()
    for schluessel, _titel in SEITEN:
        seite = fenster.zeigen(schluessel)
        if schluessel == "projekte":
            seite.projekte.modell.alle_laden()
            seite.projekt_oeffnen(seite.projekte.modell.zeilen_id(2))
            seite.editor.ms_tabelle.selectRow(0)
        rundgang.pruefen(f"Hauptfenster {schluessel}", fenster)

    with rundgang.dialoge_abfangen():
        # the menus
        rundgang.im_dialog["Behörden"] = lambda d: (d.tabelle.selectRow(0), d.neu(), d.bearbeiten())  # type: ignore[attr-defined, func-returns-value]
        fenster.stammdaten("behoerde")
        rundgang.im_dialog["Personen"] = lambda d: (d.tabelle.selectRow(0), d.neu(), d.bearbeiten())  # type: ignore[attr-defined, func-returns-value]
        fenster.stammdaten("person")
        fenster.dialog_ausfuehren = lambda d: rundgang.dialog(d) or False
        fenster.ressort_bearbeiten()
        for oeffnen, attribut in ((fenster.katalog_importieren, "katalogdialog"),
                                  (fenster.zahlungen_importieren, "zahlungsdialog"), (fenster.ueber, "diagnosedialog")):
            oeffnen()
            _nicht_modal(rundgang, getattr(fenster, attribut))
        for name in ("einstellungen_oeffnen", "tastenkuerzel_zeigen", "handbuch_zeigen", "erklaerung_zeigen",
                     "globale_suche"):
            methode = getattr(fenster, name, None)
            if methode is not None:
                d = methode()
                if d is not None and not isinstance(d, bool):
                    _nicht_modal(rundgang, d)

        # the pages' dialogs
        leistungen = fenster.zeigen("leistungen")
        lid = leistungen.tabelle.modell.zeilen_id(0)
        leistungen.bearbeiten(lid)
        leistungen.reifegrad(lid)
        leistungen.projektleitung(lid)
        projekte = fenster.zeigen("projekte")
        projekte.neues_projekt()
        ed = projekte.editor
        ed.reiter.setCurrentIndex(1)
        ed.ms_tabelle.selectRow(0)
        for aktion in (ed.meilenstein_neu, ed.meilenstein_bearbeiten, ed.meilenstein_verschieben,
                       ed.arbeitspaket_neu, ed.plan_quartal, ed.plan_spalte, ed.zahlung_erfassen,
                       ed.aufwand_erfassen, ed.bewilligung_neu):
            aktion()
        ed.ap_tabelle.selectRow(0)
        ed.arbeitspaket_bearbeiten()
        ed.bew_tabelle.selectRow(0)
        ed.bewilligung_bearbeiten()

        abgleich = fenster.zeigen("abgleich")
        abgleich.umzug_erfragen()

    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    assistent = Einrichtungsassistent()
    try:
        rundgang.dialog(assistent)
    finally:
        assistent.deleteLater()
