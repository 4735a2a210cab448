"""Stammdaten › Ressort …: the Ressort's own details, among them the recipient of the reports.

Thin: the form's fields and its validation come from the model (``entwurf_pruefen`` on the
``ressort`` table), the write is the ordinary undoable field change; the Kurzname is shown, not
edited (it names the submission packages on the share).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from ozgdesk.model import empfaenger
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as bauplan
from ozgdesk.model.operationen import stammdaten
from ozgdesk.ui.formular import Feld, FormularDialog
from ozgdesk.ui.undo import Bearbeitung


def felder(personen: tuple[tuple[str, str], ...]) -> list[Feld]:
    return [Feld("name", "&Name", pflicht=True), Feld("koordinierungsreferat", "&Koordinierungsreferat"),
            Feld("ansprechpartner_id", "&Ansprechpartner", "auswahl", optionen=[(None, "– keiner –"), *personen]),
            Feld("anschrift", "An&schrift", "mehrzeilig"), Feld("postfach", "&Funktionspostfach"),
            Feld("empfaenger", "&Empfänger der Berichte",
                 hilfe=f"Wer die Berichte und Einreichungen erhält; leer: {empfaenger.STANDARD}")]


class Ressortbearbeitung:
    """Reads the Ressort on the DB worker, shows the form, saves what changed (one undo step).

    ``dialog_ausfuehren`` runs the modal dialog; tests replace it to fill in the form."""

    def __init__(self, parent: QWidget, bearbeitung: Bearbeitung,
                 dialog_ausfuehren: Callable[[QDialog], bool] | None = None) -> None:
        self.parent, self.bearbeitung = parent, bearbeitung
        self.dialog_ausfuehren = dialog_ausfuehren or (lambda d: d.exec() == QDialog.DialogCode.Accepted)

    def starten(self) -> None:
        self.bearbeitung.ops.lesen(stammdaten.ressort_formular, ok=self._formular, titel="Ressort nicht lesbar")

    def _formular(self, daten: stammdaten.Formulardaten) -> None:
        alt: dict[str, Any] = daten.werte or {}
        fs = felder(daten.auswahl.personen)
        werte = {f.schluessel: alt.get(f.schluessel) for f in fs}
        hinweis = (f"Ressort {alt.get('kurzname', '')}. Der Kurzname benennt die Einreichungen auf der Ablage und "
                   "bleibt deshalb, wie er ist. Der Empfänger erscheint in den Berichten, im Einreichungspaket und "
                   f"auf der Seite Abgleich; leer gilt „{empfaenger.STANDARD}“.")
        dlg = FormularDialog("Ressort bearbeiten", fs, werte, hinweis=hinweis, parent=self.parent,
                             gesamtpruefung=lambda w: operation.entwurf_pruefen("ressort", w, basis=alt))
        feld = dlg.formular.widget("empfaenger")
        if isinstance(feld, QLineEdit):
            feld.setPlaceholderText(empfaenger.STANDARD)  # what an empty field means, visible in place
        if not self.dialog_ausfuehren(dlg) or dlg.ergebnis is None:
            return
        neu = stammdaten.geaenderte(werte, dlg.ergebnis)
        if neu and daten.id is not None:
            self.bearbeitung.ausfuehren(bauplan.aendern("ressort", daten.id, neu, "Ressort ändern", basis=werte),
                                        initiator=self)
