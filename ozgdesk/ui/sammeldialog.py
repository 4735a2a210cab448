"""The bulk edit of a table page: choose one value for the selected records, see how many it
changes, confirm – then one undoable step through the operation layer
(:mod:`ozgdesk.model.operationen.sammel`).

The dialog is the confirmation: it names the field and the number of selected records, and while
the user picks a value it says how many records that value changes (those that have it already are
left alone); the OK button carries the number („5 Projekte ändern“) and is off when nothing would
change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ozgdesk.model.operationen import sammel
from ozgdesk.model.values import Ampel, anzahl
from ozgdesk.ui import format as fmt
from ozgdesk.ui.aktionen import beschriftung
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.ui.undo import Bearbeitung


class SammelDialog(QDialog):
    def __init__(self, v: sammel.Vorschau, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vorschau = v
        f = v.feld
        self.setWindowTitle(f"{f.titel} für mehrere {f.mehrzahl} setzen")
        self.setObjectName("sammeldialog")
        kopf = QLabel(f"{f.titel} für {anzahl(len(v.werte), 'ausgewähltes ' + f.einzahl, 'ausgewählte ' + f.mehrzahl)} "
                      "auf einen Wert setzen.")
        kopf.setWordWrap(True)
        self.wert = QComboBox()
        self.wert.setAccessibleName(f"Neuer Wert für {f.titel}")
        for wert, text in v.optionen:
            if isinstance(wert, Ampel):
                self.wert.addItem(fmt.punkt(fmt.AMPELFARBEN[wert].name()), text, wert)
            else:
                self.wert.addItem(text, wert)
        self.ergebnis = QLabel()
        self.ergebnis.setObjectName("ergebnis")
        self.ergebnis.setWordWrap(True)
        self.ergebnis.setAccessibleName("Auswirkung")
        self.knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.knoepfe.button(QDialogButtonBox.StandardButton.Cancel).setText("Abbrechen")
        self.knoepfe.accepted.connect(self.accept)
        self.knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(kopf)
        layout.addWidget(beschriftung("&Neuer Wert:", self.wert))
        layout.addWidget(self.wert)
        layout.addWidget(self.ergebnis)
        if f.hinweis:
            hinweis = QLabel(f.hinweis)
            hinweis.setWordWrap(True)
            layout.addWidget(hinweis)
        layout.addWidget(self.knoepfe)
        self.wert.currentIndexChanged.connect(lambda _i: self._zeigen())
        self._zeigen()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

    def gewaehlt(self) -> Any:
        return self.wert.currentData()

    def _zeigen(self) -> None:
        v, wert = self.vorschau, self.gewaehlt()
        n = v.aenderungen(wert)
        self.ergebnis.setText(v.text(wert))
        ok = self.knoepfe.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"{anzahl(n, v.feld.einzahl, v.feld.mehrzahl)} ändern" if n else "Nichts zu ändern")
        ok.setEnabled(n > 0)


def sammel_bearbeiten(seite: TabellenSeite, bearbeitung: Bearbeitung, tabelle: str, feld: str,
                      dialog_ausfuehren: Callable[[QDialog], bool], parent: QWidget | None = None) -> None:
    """Bulk-edit ``feld`` of the records selected in ``seite``: read their values on the worker, ask
    with :class:`SammelDialog` (run by ``dialog_ausfuehren``, which tests replace), then apply the
    change as one undo step."""
    f = sammel.sammelfeld(tabelle, feld)
    ids = seite.ausgewaehlte_ids()
    if not ids:
        bearbeitung.fehler(f"Bitte zuerst {f.mehrzahl} in der Liste auswählen (mehrere mit Strg+Klick oder "
                           "Umschalt+Klick).")
        return

    def gelesen(v: sammel.Vorschau) -> None:
        dlg = SammelDialog(v, parent or seite)
        if not dialog_ausfuehren(dlg):
            return
        wert = dlg.gewaehlt()
        bearbeitung.ausfuehren(sammel.setzen(tabelle, feld, ids, wert, dlg.wert.currentText()), initiator=seite)

    bearbeitung.ops.lesen(sammel.vorschau, tabelle, feld, ids, ok=gelesen, titel=f"{f.mehrzahl} nicht lesbar")
