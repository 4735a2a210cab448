"""The Abgleich page's part about trust: this device's fingerprint, the devices of the share with
their approval, the coordinator's „Freigeben …“ and „Widerrufen …“, and the quarantine.

Everything that reads the keychain (this device's key) or signs runs on the network thread via
``ops.im_netz``; the database parts there are DB steps. The page holds no rules: approving,
revoking and who may do it are decided in :mod:`ozgdesk.sync.geraete`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model.store import Store
from ozgdesk.model.vertrauen import KOORDINATION, MITARBEIT, ROLLEN
from ozgdesk.sync import geraete as geraete_api
from ozgdesk.sync.abgleich import AbgleichStatus
from ozgdesk.ui import format as fmt
from ozgdesk.ui.listenmodell import ListenModell

_ROLLEN_TEXTE = [ROLLEN[MITARBEIT], ROLLEN[KOORDINATION]]


class Geraetebereich(QWidget):
    """Devices, trust and quarantine (a tab of the Abgleich page); ``geaendert`` after an approval or revocation."""

    geaendert = Signal()

    def __init__(self, store: Store, ops: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("geraetebereich")
        self.store, self.ops = store, ops
        self._geraete: list[geraete_api.GeraetAnzeige] = []
        self.eigen = QLabel()
        self.eigen.setObjectName("eigenes_geraet")
        self.eigen.setWordWrap(True)
        self.eigen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.modell = ListenModell([("Gerät", "text"), ("Fingerabdruck", "text"), ("Person", "text"),
                                    ("Rechner", "text"), ("Status", "text")], self)
        self.tabelle = QTableView()
        self.tabelle.setModel(self.modell)
        self.tabelle.setAccessibleName("Geräte der Ablage")
        self.tabelle.setAccessibleDescription("Jedes Gerät mit Fingerabdruck, Person und Freigabe; dieses Gerät zuerst")
        self.tabelle.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tabelle.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tabelle.verticalHeader().hide()
        self.tabelle.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabelle.horizontalHeader().setStretchLastSection(True)
        self.tabelle.selectionModel().selectionChanged.connect(lambda *_a: self._knoepfe())
        self.freigeben_knopf = QPushButton("&Freigeben …")
        self.freigeben_knopf.setAccessibleDescription("Das gewählte Gerät freigeben (nur Koordination)")
        self.freigeben_knopf.clicked.connect(self.freigeben)
        self.widerrufen_knopf = QPushButton("Wider&rufen …")
        self.widerrufen_knopf.setAccessibleDescription("Den Schlüssel des gewählten Geräts widerrufen (nur Koordination)")
        self.widerrufen_knopf.clicked.connect(self.widerrufen)
        self.quarantaene = QLabel()
        self.quarantaene.setObjectName("quarantaene")
        self.quarantaene.setWordWrap(True)
        self.meldung = QLabel()
        self.meldung.setWordWrap(True)
        knoepfe = QHBoxLayout()
        knoepfe.addWidget(self.freigeben_knopf)
        knoepfe.addWidget(self.widerrufen_knopf)
        knoepfe.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.eigen)
        layout.addWidget(self.tabelle, 1)
        layout.addLayout(knoepfe)
        layout.addWidget(self.meldung)
        layout.addWidget(self.quarantaene)
        self._knoepfe()

    # ------------------------------------------------------------------------------ showing
    def aktualisieren(self, status: AbgleichStatus | None = None) -> None:
        store = self.store
        self.ops.im_netz(lambda db: geraete_api.uebersicht(store, db=db),
                         erfolg=lambda r: self._zeigen(r, status), fehler=lambda e: self.meldung.setText(
                             f"Fehler: {fmt.fehlertext(e)}"))

    def _zeigen(self, ergebnis: tuple[list[geraete_api.GeraetAnzeige], str | None],
                status: AbgleichStatus | None) -> None:
        liste, finger = ergebnis
        self._geraete = liste
        self.modell.setzen([(g.geraet, (g.geraet[:8], g.fingerabdruck, g.benutzer or "–", g.rechner or "–",
                                        g.status_text)) for g in liste])
        eigen = next((g for g in liste if g.eigen), None)
        if finger is None:
            text = "Dieses Gerät hat noch keinen Schlüssel; er entsteht beim ersten Abgleich."
        elif eigen is not None and eigen.status == "dieses":
            text = f"Dieses Gerät ({eigen.geraet[:8]}) ist freigegeben als {ROLLEN.get(eigen.rolle or '', '–')}. " \
                   f"Fingerabdruck: {finger}"
        else:
            text = (f"Dieses Gerät ({self.store.geraet_id[:8]}) wartet auf Freigabe. Bitte der Koordination den "
                    f"Fingerabdruck nennen: {finger}")
        if status is not None and status.anker:
            text += f"\nVertrauensanker der Ablage: {status.anker}"
        self.eigen.setText(text)
        if status is not None:
            if status.quarantaene_liste:
                zeilen = [f"• {q['datei']}: {q['grund']}" for q in status.quarantaene_liste]
                self.quarantaene.setText("In Quarantäne (nicht übernommen, das Gerät wartet):\n" + "\n".join(zeilen))
            else:
                self.quarantaene.setText("Keine Dateien in Quarantäne.")
        self._knoepfe()

    def gewaehlt(self) -> geraete_api.GeraetAnzeige | None:
        zeilen = self.tabelle.selectionModel().selectedRows()
        if not zeilen:
            return None
        gid = self.modell.id_von(zeilen[0].row())
        return next((g for g in self._geraete if g.geraet == gid), None)

    def _knoepfe(self) -> None:
        g = self.gewaehlt()
        self.freigeben_knopf.setEnabled(g is not None and not g.eigen and g.status in ("wartet", "gueltig"))
        self.widerrufen_knopf.setEnabled(g is not None and not g.eigen and g.status == "gueltig")

    # ------------------------------------------------------------------------------ acting
    def rolle_waehlen(self, g: geraete_api.GeraetAnzeige) -> str | None:
        """Ask which role (after showing the fingerprint to compare). Tests replace this."""
        text, ok = QInputDialog.getItem(
            self, "Gerät freigeben",
            f"Gerät {g.geraet[:8]} von {g.benutzer or 'unbekannt'} ({g.rechner or 'Rechner unbekannt'})\n\n"
            f"Fingerabdruck: {g.fingerabdruck}\n\nBitte mit dem Fingerabdruck vergleichen, den das Gerät selbst "
            "anzeigt (Seite Abgleich), bevor Sie es freigeben.\n\nRolle:", _ROLLEN_TEXTE, 0, False)
        if not ok:
            return None
        return KOORDINATION if text == ROLLEN[KOORDINATION] else MITARBEIT

    def widerruf_bestaetigen(self, g: geraete_api.GeraetAnzeige) -> bool:
        """Ask before revoking (there is no way back). Tests replace this."""
        antwort = QMessageBox.question(
            self, "Schlüssel widerrufen",
            f"Den Schlüssel von Gerät {g.geraet[:8]} ({g.benutzer or 'unbekannt'}) widerrufen?\n\nSeine Änderungen werden "
            "danach auf keinem Gerät mehr übernommen; das lässt sich nicht zurücknehmen (das Gerät braucht dann einen "
            "neuen Schlüssel und eine neue Freigabe).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return antwort == QMessageBox.StandardButton.Yes

    def freigeben(self) -> None:
        g = self.gewaehlt()
        if g is None:
            return
        rolle = self.rolle_waehlen(g)
        if rolle is None:
            return
        store, gid = self.store, g.geraet
        self.ops.im_netz(lambda db: geraete_api.freigeben(store, gid, rolle, db=db), initiator=self,
                         erfolg=lambda x: self._erledigt(
                             f"Gerät {x.geraet[:8]} ist freigegeben ({ROLLEN[rolle]}); die Freigabe geht mit dem "
                             "nächsten Abgleich an alle Geräte."),
                         fehler=lambda e: self.meldung.setText(f"Nicht freigegeben: {fmt.fehlertext(e)}"))

    def widerrufen(self) -> None:
        g = self.gewaehlt()
        if g is None or not self.widerruf_bestaetigen(g):
            return
        store, gid = self.store, g.geraet
        self.ops.im_netz(lambda db: geraete_api.widerrufen(store, gid, db=db), initiator=self,
                         erfolg=lambda x: self._erledigt(
                             f"Der Schlüssel von Gerät {x.geraet[:8]} ist widerrufen; das gilt ab dem nächsten Abgleich "
                             "auf allen Geräten."),
                         fehler=lambda e: self.meldung.setText(f"Nicht widerrufen: {fmt.fehlertext(e)}"))

    def _erledigt(self, text: str) -> None:
        self.meldung.setText(text)
        self.geaendert.emit()
        self.aktualisieren()
