"""Hilfe › Handbuch (F1) and Hilfe › Erklärung zur Barrierefreiheit: the shipped Markdown chapters
(:mod:`ozgdesk.hilfe`) in a :class:`QTextBrowser`, the contents beside them.

A window of its own, not modal: the user reads it beside the main window and F1 brings it back at
the chapter of the page in use. Links between chapters open the chapter here; links to the web (the
Schlichtungsstelle) open in the browser. „Zurück“ returns to the chapter read before.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ozgdesk import hilfe
from ozgdesk.ui.aktionen import beschriftung

_ROLLE = Qt.ItemDataRole.UserRole


class Handbuchfenster(QDialog):
    def __init__(self, kontakt: Callable[[], str] = lambda: "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handbuch")
        self.setWindowTitle("ozgdesk – Handbuch")
        self.setModal(False)
        self._kontakt = kontakt
        self._verlauf: list[str] = []
        self.aktuelles: str | None = None
        self.inhalt = QListWidget()
        self.inhalt.setObjectName("handbuch_inhalt")
        self.inhalt.setAccessibleName("Inhalt des Handbuchs")
        for k in hilfe.kapitel():
            item = QListWidgetItem(k.titel)
            item.setData(_ROLLE, k.schluessel)
            self.inhalt.addItem(item)
        self.inhalt.currentItemChanged.connect(self._gewaehlt)
        self.text = QTextBrowser()
        self.text.setObjectName("handbuch_text")
        self.text.setAccessibleName("Kapitel")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._link)
        self.zurueck = QPushButton("&Zurück")
        self.zurueck.setToolTip("Zum vorher gelesenen Kapitel")
        self.zurueck.setEnabled(False)
        self.zurueck.clicked.connect(self.zurueckgehen)

        links = QWidget()
        ll = QVBoxLayout(links)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(beschriftung("&Inhalt:", self.inhalt))
        ll.addWidget(self.inhalt)
        rechts = QWidget()
        rl = QVBoxLayout(rechts)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(beschriftung("&Text:", self.text))
        rl.addWidget(self.text)
        teiler = QSplitter()
        teiler.addWidget(links)
        teiler.addWidget(rechts)
        breite = self.fontMetrics().averageCharWidth()
        inhalt_breite = max((self.fontMetrics().horizontalAdvance(k.titel) for k in hilfe.kapitel()), default=0) + 40
        teiler.setSizes([inhalt_breite, breite * 110])
        teiler.setStretchFactor(1, 1)
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.rejected.connect(self.reject)
        unten = QHBoxLayout()
        unten.addWidget(self.zurueck)
        unten.addStretch()
        unten.addWidget(knoepfe)
        layout = QVBoxLayout(self)
        layout.addWidget(teiler, 1)
        layout.addLayout(unten)
        self.resize(inhalt_breite + breite * 115, self.fontMetrics().height() * 46)

    def kapitel_zeigen(self, schluessel: str, *, merken: bool = True) -> None:
        """Show chapter ``schluessel`` (an unknown one: the first) and select it in the contents."""
        alle = [k.schluessel for k in hilfe.kapitel()]
        if schluessel not in alle:
            schluessel = alle[0]
        if merken and self.aktuelles is not None and self.aktuelles != schluessel:
            self._verlauf.append(self.aktuelles)
        self.aktuelles = schluessel
        self.text.setMarkdown(hilfe.text(schluessel, self._kontakt()))
        self.text.verticalScrollBar().setValue(0)
        self.inhalt.blockSignals(True)
        self.inhalt.setCurrentRow(alle.index(schluessel))
        self.inhalt.blockSignals(False)
        titel = self.inhalt.currentItem().text() if self.inhalt.currentItem() is not None else ""
        self.setWindowTitle(f"ozgdesk – Handbuch: {titel}")
        self.zurueck.setEnabled(bool(self._verlauf))

    def zeigen(self, schluessel: str) -> None:
        """Open (or bring to the front) at ``schluessel``; the text gets the focus to be read at once."""
        self.kapitel_zeigen(schluessel)
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def zurueckgehen(self) -> None:
        if self._verlauf:
            self.kapitel_zeigen(self._verlauf.pop(), merken=False)

    def _gewaehlt(self, item: QListWidgetItem | None, _vorher: QListWidgetItem | None = None) -> None:
        if item is not None:
            self.kapitel_zeigen(str(item.data(_ROLLE)))

    def _link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
            return
        ziel = hilfe.schluessel_fuer_link(url.toString())
        if ziel is not None:
            self.kapitel_zeigen(ziel)
