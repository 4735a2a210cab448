"""Abgleich view: target, state, sync now with progress, conflicts side by side, automatic sync,
the outbox of submissions to the recipient the Ressort set (model/empfaenger.py; a package stuck in
it can be removed after a question).

Everything that touches the network or the store runs on the background runner through the
Qt-free API of ``ozgdesk.sync``; this page only shows results. The password typed here goes
straight to the keychain (``sync.einrichten``) and the field is cleared afterwards.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import empfaenger
from ozgdesk.model.schnellstart import VerzoegerterStore
from ozgdesk.model.values import anzahl
from ozgdesk.sync.statusvorab import AbgleichStatus, AusgangEintrag, stand_text
from ozgdesk.ui import format as fmt
from ozgdesk.ui.aktionen import beschriftung

if TYPE_CHECKING:  # pragma: no cover - loaded lazily, on the worker (they pull in SQLAlchemy)
    from ozgdesk.model.store import Store
    from ozgdesk.sync import abgleich as sync
    from ozgdesk.sync.konflikte import KonfliktAnzeige

#: on a button that needs the full store, while the page shows its first view (see Abgleichsseite)
NOCH_NICHT_BEREIT = "Verfügbar, sobald die Datenbank vollständig geöffnet ist (wenige Sekunden nach dem Start)."

#: Automatic sync: how often the page looks whether the share is reachable.
AUTO_INTERVALL_MS = 5 * 60 * 1000
_ROLLE = Qt.ItemDataRole.UserRole
STUFE = {"ok": "✓", "warnung": "⚠", "fehler": "✗"}


class _Bote(QObject):
    fortschritt = Signal(str, int, int)


def _eingang_titel(gesetzt: str) -> str:
    return f"Posteingang der Ablage (Absender: {empfaenger.kurz(gesetzt)})"


def _ausgang_titel(gesetzt: str) -> str:
    return f"Postausgang (Einreichungen an {empfaenger.mit_artikel(gesetzt)})"


def _wert_text(wert: Any) -> str:
    if wert is None:
        return "– (leer)"
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, str):
        return wert or "– (leer)"
    return json.dumps(wert, ensure_ascii=False)


def fmt_breite(widget: QWidget, muster: str) -> int:
    """Width for a field that holds ``muster`` in the widget's font (Kennungen: up to 30 characters)."""
    return widget.fontMetrics().horizontalAdvance(muster) + 24


def _zeit_text(zeitpunkt: Any) -> str:
    """A change's ISO time stamp (UTC) as local German date and time."""
    try:
        return fmt.zeit(datetime.fromisoformat(str(zeitpunkt)))
    except ValueError:
        return str(zeitpunkt or "")


def _vorab_lesen(store: Any) -> tuple[AbgleichStatus, list[AusgangEintrag]]:
    """On the worker, before the full store is open: status and outbox with plain SQL."""
    from ozgdesk.sync.statusvorab import ausgang_lesen, status_lesen

    with store.roh_lesen() as con:
        return status_lesen(con), ausgang_lesen(con)


def _voll_lesen(store: Store) -> tuple[AbgleichStatus, list[KonfliktAnzeige]]:
    """On the worker: the status and the open conflicts through the full store (imported here, so
    that loading this page loads no SQLAlchemy)."""
    from ozgdesk.sync.abgleich import status
    from ozgdesk.sync.konflikte import konflikte

    return status(store), konflikte(store)


def _ausgang_pruefen(store: Store) -> list[AusgangEintrag]:
    """On the worker: the outbox, each waiting package checked locally (reads its files, no request)."""
    from ozgdesk.sync.ausgang import ausgang

    return ausgang(store, pruefen=True)


class Abgleichsseite(QWidget):
    """The page; ``status_geaendert`` tells the main window to refresh its status bar."""

    status_geaendert = Signal(object)
    #: the first status is shown (or could not be read): the window's start waits for one of them
    geladen = Signal()
    fehlgeschlagen = Signal()
    #: a catalogue update from the BMI's inbox, to be offered as an import with its diff
    katalog_oeffnen = Signal(str)

    #: the count of changes not yet sent grows with every write anywhere
    zeigt = frozenset({"*"})

    def __init__(self, store: Store, runner: Any, parent: QWidget | None = None, *, ops: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("seite_abgleich")
        self.store, self.runner = store, runner
        from ozgdesk.ui.operationen import oder_eigene

        self.ops = oder_eigene(ops, store, runner, self, lambda _t, text: self.meldung.setText(f"Fehler: {text}"))
        self._abbruch = threading.Event()
        self._laeuft = False
        self._bote = _Bote(self)
        self._bote.fortschritt.connect(self._fortschritt)

        # --- target
        self.ziel = QLineEdit()
        self.ziel.setPlaceholderText("https://dav.ressort.example/ozg oder Ordner wie /mnt/ablage/ozg")
        self.ziel.setAccessibleName("Abgleichziel")
        self.person = QLineEdit()
        self.person.setAccessibleName("Ihr Name")
        self.person.setAccessibleDescription("Unter diesem Namen erscheinen Ihre Änderungen auf allen Geräten; die "
                                             "Koordination bindet ihn bei der Freigabe an den Schlüssel dieses Geräts")
        self.person.setPlaceholderText("z. B. Katrin Brenner – so erscheinen Ihre Änderungen auf allen Geräten")
        self.benutzer = QLineEdit()
        self.benutzer.setAccessibleName("Benutzername")
        self.passwort = QLineEdit()
        self.passwort.setEchoMode(QLineEdit.EchoMode.Password)
        self.passwort.setAccessibleName("Passwort")
        self.passwort.setPlaceholderText("wird im Schlüsselbund des Systems gespeichert")
        self.einrichten_knopf = QPushButton("Einrichten und &prüfen")
        self.einrichten_knopf.clicked.connect(self.einrichten)
        ziel_form = QFormLayout()
        ziel_form.addRow(beschriftung("&Ziel:", self.ziel), self.ziel)
        ziel_form.addRow(beschriftung("Ihr &Name:", self.person), self.person)
        ziel_form.addRow(beschriftung("Ben&utzer:", self.benutzer), self.benutzer)
        ziel_form.addRow(beschriftung("Pass&wort:", self.passwort), self.passwort)
        self.umziehen_knopf = QPushButton("U&mziehen …")
        self.umziehen_knopf.setAccessibleDescription("Bewusst auf eine neue Ablage umziehen (neuer Server, altes Format)")
        self.umziehen_knopf.clicked.connect(self.umziehen)
        ziel_knoepfe = QHBoxLayout()
        ziel_knoepfe.addWidget(self.einrichten_knopf, 1)
        ziel_knoepfe.addWidget(self.umziehen_knopf)
        ziel_form.addRow("", ziel_knoepfe)
        self.pruefergebnis = QLabel()
        self.pruefergebnis.setWordWrap(True)
        self.pruefergebnis.setObjectName("pruefergebnis")
        ziel_form.addRow(self.pruefergebnis)
        ziel_box = QGroupBox("Zentrale Dateiablage")
        ziel_box.setLayout(ziel_form)

        # --- state and sync now
        self.zustand = QLabel()
        self.zustand.setObjectName("abgleichzustand")
        self.zustand.setWordWrap(True)
        self.jetzt_knopf = QPushButton("&Jetzt abgleichen")
        self.jetzt_knopf.clicked.connect(self.jetzt)
        self.abbrechen_knopf = QPushButton("Abbre&chen")
        self.abbrechen_knopf.setEnabled(False)
        self.abbrechen_knopf.clicked.connect(self._abbruch.set)
        self.fortschritt = QProgressBar()
        self.fortschritt.setAccessibleName("Fortschritt des Abgleichs")
        self.meldung = QLabel()
        self.meldung.setObjectName("abgleichmeldung")
        self.meldung.setWordWrap(True)
        knoepfe = QHBoxLayout()
        knoepfe.addWidget(self.jetzt_knopf)
        knoepfe.addWidget(self.abbrechen_knopf)
        knoepfe.addStretch()
        zustand_box = QGroupBox("Stand")
        zl = QVBoxLayout(zustand_box)
        zl.addWidget(self.zustand)
        zl.addLayout(knoepfe)
        zl.addWidget(self.fortschritt)
        zl.addWidget(self.meldung)

        # --- conflicts
        self.konfliktliste = QListWidget()
        self.konfliktliste.setAccessibleName("Offene Konflikte")
        self.konfliktliste.setWordWrap(True)  # a conflict names its record (Kennung and title), often long
        self.konfliktliste.currentItemChanged.connect(lambda *_a: self._konflikt_zeigen())
        self.vergleich = QWidget()
        self.vergleich.setObjectName("konfliktvergleich")
        self._vergleich_layout = QGridLayout(self.vergleich)
        self.eigener_wert = QLineEdit()
        self.eigener_wert.setAccessibleName("Eigener Wert")
        self.eigener_knopf = QPushButton("Eigenen Wert &übernehmen")
        self.eigener_knopf.clicked.connect(lambda: self.loesen(self.eigener_wert.text()))
        eigen = QHBoxLayout()
        eigen.addWidget(beschriftung("Ande&rer Wert:", self.eigener_wert))
        eigen.addWidget(self.eigener_wert, 1)
        eigen.addWidget(self.eigener_knopf)
        rechts = QWidget()
        rl = QVBoxLayout(rechts)
        rl.addWidget(self.vergleich)
        rl.addLayout(eigen)
        rl.addStretch()
        # the comparison of a doubly assigned key is a table of its own (names, who, when, a field
        # per record, buttons); narrower than that it scrolls instead of letting columns overlap
        rollbar = QScrollArea()
        rollbar.setWidgetResizable(True)
        rollbar.setFrameShape(QScrollArea.Shape.NoFrame)
        rollbar.setWidget(rechts)
        teiler = QSplitter()
        teiler.setChildrenCollapsible(False)
        teiler.addWidget(self.konfliktliste)
        teiler.addWidget(rollbar)
        teiler.setStretchFactor(0, 1)
        teiler.setStretchFactor(1, 3)
        teiler.setSizes([300, 900])
        konflikt_box = QWidget()
        QVBoxLayout(konflikt_box).addWidget(teiler)

        self.posteingang = QListWidget()
        self.posteingang.setAccessibleName("Katalog-Aktualisierungen im Posteingang")
        self.posteingang.itemActivated.connect(self._katalog_aktiviert)
        self.posteingang.itemDoubleClicked.connect(self._katalog_aktiviert)
        self.rueckmeldungen = QListWidget()
        self.rueckmeldungen.setAccessibleName("Rückmeldungen je Einreichung")
        self.rueckmeldungen.itemActivated.connect(self._datei_oeffnen)
        self.rueckmeldungen.itemDoubleClicked.connect(self._datei_oeffnen)
        # the boxes name the recipient the Ressort set (read with the status, see _aktualisiert)
        self.eingang_box = eingang_box = QGroupBox(_eingang_titel(""))
        el = QGridLayout(eingang_box)
        el.addWidget(beschriftung("&Katalog-Aktualisierungen (Enter: als Import öffnen):", self.posteingang), 0, 0)
        el.addWidget(beschriftung("&Rückmeldungen je Einreichung (Enter: öffnen):", self.rueckmeldungen), 0, 1)
        el.addWidget(self.posteingang, 1, 0)
        el.addWidget(self.rueckmeldungen, 1, 1)

        # --- outbox: this device's submissions to the recipient, waiting, published or failing
        self.ausgangsliste = QListWidget()
        self.ausgangsliste.setAccessibleName("Postausgang: Einreichungen")
        self.ausgangsliste.setWordWrap(True)
        self.ausgangsliste.currentItemChanged.connect(lambda *_a: self._ausgang_auswahl())
        self.ausgang_entfernen_knopf = QPushButton("&Entfernen …")
        self.ausgang_entfernen_knopf.setAccessibleName("Einreichung aus dem Postausgang entfernen")
        self.ausgang_entfernen_knopf.setToolTip("Eine noch nicht veröffentlichte Einreichung aus dem Postausgang "
                                                "nehmen, z. B. wenn sie bei jedem Abgleich scheitert")
        self.ausgang_entfernen_knopf.setEnabled(False)
        self.ausgang_entfernen_knopf.clicked.connect(self.ausgang_entfernen)
        self.ausgang_box = ausgang_box = QGroupBox(_ausgang_titel(""))
        self.ausgang_einzelheiten = QLabel()
        self.ausgang_einzelheiten.setObjectName("ausgang_einzelheiten")
        self.ausgang_einzelheiten.setWordWrap(True)
        self.ausgang_einzelheiten.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        al = QVBoxLayout(ausgang_box)
        al.addWidget(self.ausgangsliste, 1)
        ak = QHBoxLayout()
        ak.addWidget(self.ausgang_einzelheiten, 1)
        ak.addWidget(self.ausgang_entfernen_knopf, 0, Qt.AlignmentFlag.AlignTop)
        al.addLayout(ak)

        # --- devices, trust list and quarantine: they need the keychain and the checked trust list,
        # so on the first view (below) the tab holds a note until the full store is open
        #: True while the page shows its first view, read with plain SQL before the full store is open
        #: (:mod:`ozgdesk.sync.statusvorab`); the window's post-start work then calls :meth:`neu_laden`,
        #: which hands over to the full reads (:meth:`_uebergeben`)
        self.wartet_auf_store = isinstance(store, VerzoegerterStore) and not store.ist_geoeffnet
        self.geraetebereich: Any = None
        self._geraete_platz = QLabel("Geräte, Vertrauensliste und Quarantäne werden geprüft …")
        self._geraete_platz.setObjectName("geraete_platzhalter")
        self._geraete_platz.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        # the lower half as tabs: each part gets the full width (fingerprints, file names, values)
        austausch = QWidget()
        austausch_layout = QHBoxLayout(austausch)
        austausch_layout.addWidget(eingang_box, 3)
        austausch_layout.addWidget(ausgang_box, 2)
        self.reiter = QTabWidget()
        self.reiter.setObjectName("abgleich_reiter")
        self.reiter.setAccessibleName("Bereiche des Abgleichs")
        self.reiter.addTab(konflikt_box, "Konflikte")
        self.reiter.addTab(self._geraete_platz if self.wartet_auf_store else self._geraetebereich_bauen(),
                           "Geräte und Vertrauensliste")
        self.reiter.addTab(austausch, "Posteingang und Postausgang")
        oben = QHBoxLayout()
        oben.addWidget(ziel_box, 3)
        oben.addWidget(zustand_box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(oben)
        layout.addWidget(self.reiter, 1)

        self._konflikte: list[KonfliktAnzeige] = []
        #: the recipient as the Ressort set it ("" = default), from the last status read
        self._empfaenger = ""
        self._ausgang: list[AusgangEintrag] = []
        #: the errors of the last sync's publishing, by outbox entry (kept in memory only)
        self._ausgang_fehler: dict[str, str] = {}
        self.auto = QTimer(self)
        self.auto.setInterval(AUTO_INTERVALL_MS)
        self.auto.timeout.connect(self.automatisch)
        self.auto.start()
        #: the status last shown (None until the first read is shown: the window's start waits for it)
        self.daten: AbgleichStatus | None = None
        #: the buttons that need the full store, with their help texts (disabled on the first view)
        self._volle_knoepfe = {k: (k.toolTip(), k.accessibleDescription())
                               for k in (self.einrichten_knopf, self.umziehen_knopf, self.jetzt_knopf,
                                         self.ausgang_entfernen_knopf)}
        if self.wartet_auf_store:
            for knopf in self._volle_knoepfe:
                knopf.setEnabled(False)
                knopf.setToolTip(NOCH_NICHT_BEREIT)
                knopf.setAccessibleDescription(NOCH_NICHT_BEREIT)
        self.aktualisieren()

    def _geraetebereich_bauen(self) -> QWidget:
        from ozgdesk.ui.geraetebereich import Geraetebereich

        self.geraetebereich = Geraetebereich(self.store, self.ops, self)
        self.geraetebereich.geaendert.connect(self.aktualisieren)
        return self.geraetebereich

    def _uebergeben(self) -> None:
        """The full store is open: the devices' tab, the buttons, then the full reads, which replace
        what the first view showed in place (typed text, the chosen tab and outbox entry stay)."""
        self.wartet_auf_store = False
        index = self.reiter.currentIndex()
        self.reiter.removeTab(1)
        self.reiter.insertTab(1, self._geraetebereich_bauen(), "Geräte und Vertrauensliste")
        self.reiter.setCurrentIndex(index)
        self._geraete_platz.deleteLater()
        for knopf, (tipp, beschreibung) in self._volle_knoepfe.items():
            knopf.setToolTip(tipp)
            knopf.setAccessibleDescription(beschreibung)
        self.einrichten_knopf.setEnabled(True)
        self.umziehen_knopf.setEnabled(True)
        self.jetzt_knopf.setEnabled(bool(self.daten is not None and self.daten.eingerichtet) and not self._laeuft)
        self._ausgang_auswahl()

    # ----------------------------------------------------------------------------- state
    def aenderungen_erhalten(self, _aenderungen: Any, initiator: object) -> None:
        if initiator is not self:  # its own sync and conflict resolution refresh the page themselves
            self.aktualisieren()

    def neu_laden(self) -> None:
        if self.wartet_auf_store and getattr(self.store, "ist_geoeffnet", True):  # the window's post-start work opened it
            self._uebergeben()
        self.aktualisieren()

    def aktualisieren(self) -> None:
        store = self.store
        if self.wartet_auf_store:
            self.runner.starten(lambda: _vorab_lesen(store), self._vorab_zeigen, self._fehler)
            return
        self.runner.starten(lambda: _voll_lesen(store), self._aktualisiert, self._fehler)
        self.ausgang_aktualisieren()

    def _vorab_zeigen(self, daten: tuple[AbgleichStatus, list[AusgangEintrag]]) -> None:
        """The first view: the status, the outbox; the conflicts' details and the trust list follow."""
        st, eintraege = daten
        if not self.wartet_auf_store:  # handed over meanwhile: the full reads are on their way
            return
        self._status_zeigen(st)
        self.konfliktliste.clear()
        if st.offene_konflikte:
            item = QListWidgetItem(f"{anzahl(st.offene_konflikte, 'offener Konflikt', 'offene Konflikte')} – "
                                   "wird geprüft …")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.konfliktliste.addItem(item)
        self._konflikt_zeigen()
        self._ausgang_zeigen(eintraege)
        self._gezeigt(st)

    def _gezeigt(self, st: AbgleichStatus) -> None:
        self.status_geaendert.emit(st)
        erstes = self.daten is None
        self.daten = st
        if erstes:
            self.geladen.emit()

    def _aktualisiert(self, daten: tuple[AbgleichStatus, list[KonfliktAnzeige]]) -> None:
        st, liste = daten
        self._status_zeigen(st)
        self._konflikte = liste
        if self.geraetebereich is not None:
            self.geraetebereich.aktualisieren(st)
        self.konfliktliste.clear()
        for k in liste:
            item = QListWidgetItem(f"{k.art_text}: {k.titel}")
            item.setData(_ROLLE, k.id)
            self.konfliktliste.addItem(item)
        if liste:
            self.konfliktliste.setCurrentRow(0)
        else:
            self._konflikt_zeigen()
        self._gezeigt(st)

    def _status_zeigen(self, st: AbgleichStatus) -> None:
        if st.eingerichtet and not self.ziel.text():
            self.ziel.setText(st.ziel or "")
            self.benutzer.setText(st.benutzer or "")
        if not self.person.text() and st.person:
            self.person.setText(st.person)
        zuletzt = st.letzter_abgleich
        zeilen = [
            f"Ziel: {st.ziel}" if st.eingerichtet else "Noch kein Abgleichziel eingerichtet – ozgdesk arbeitet offline.",
            "Letzter Abgleich: " + (f"{fmt.zeit(zuletzt)} Uhr" if zuletzt else "noch nie"),
            f"Noch nicht übertragene Änderungen: {st.ausstehende_aenderungen}",
            f"Ausstehende Einreichungen: {st.ausstehende_einreichungen}",
            f"Offene Konflikte: {st.offene_konflikte}",
        ]
        if st.quarantaene:
            zeilen.append(f"In Quarantäne (fehlerhafte Dateien anderer Geräte): {st.quarantaene}")
        if st.wartende_geraete:
            zeilen.append(f"Geräte, die auf Freigabe warten: {st.wartende_geraete}")
        if not st.vertrauen_geprueft:  # the first view: the trust list is checked with the full store
            if st.eingerichtet:
                zeilen.append("Freigabe dieses Geräts und wartende Geräte: wird geprüft …")
        elif st.eingerichtet and not st.freigegeben:
            zeilen.append("Dieses Gerät ist noch nicht freigegeben: Seine Änderungen warten auf der Ablage.")
        self.zustand.setText("\n".join(zeilen))
        self.jetzt_knopf.setEnabled(st.eingerichtet and not self._laeuft and not self.wartet_auf_store)
        self.letzter_status = st
        self._empfaenger = st.empfaenger
        self.eingang_box.setTitle(_eingang_titel(st.empfaenger))
        self.ausgang_box.setTitle(_ausgang_titel(st.empfaenger))

    def _fehler(self, e: BaseException) -> None:
        self._laeuft = False
        self.abbrechen_knopf.setEnabled(False)
        self.jetzt_knopf.setEnabled(not self.wartet_auf_store)
        self.meldung.setText(f"Fehler: {fmt.fehlertext(e)}")
        self.fehlgeschlagen.emit()

    # ------------------------------------------------------------------------------ setup
    def einrichten(self) -> None:
        from ozgdesk.sync import abgleich as sync

        if self.wartet_auf_store:
            return
        ziel, benutzer, passwort = self.ziel.text().strip(), self.benutzer.text().strip(), self.passwort.text()
        self.passwort.clear()  # the secret lives in the keychain from here on, not in a widget
        if sync.ist_url(ziel) and sync.zugangsdaten_in_adresse(ziel):
            # refused before anything runs; the field keeps only the address without them
            self.ziel.setText(sync.adresse_ohne_zugangsdaten(ziel))
            self.pruefergebnis.setText(f"{STUFE['fehler']} {sync.ZUGANGSDATEN_IN_ADRESSE.format(ohne=self.ziel.text())}")
            return
        self._einrichten(ziel, benutzer, passwort, anlegen=False)

    def _einrichten(self, ziel: str, benutzer: str, passwort: str, *, anlegen: bool) -> None:
        from ozgdesk.sync import abgleich as sync

        store, person = self.store, self.person.text().strip()
        self.pruefergebnis.setText("Lege den Zielordner an und prüfe die Ablage …" if anlegen else "Prüfe die Ablage …")

        def arbeit(db: Any) -> list[Any]:
            """On the network thread: the share check talks to the server; only saving the target
            (``db``) uses the DB worker."""
            # checked first, taken over only if the check passes (a typo never replaces a working target)
            punkte = sync.einrichten_und_pruefen(store, ziel, benutzer or None, passwort or None, anlegen=anlegen,
                                                 db=db)
            if person and all(p.ok for p in punkte):
                db(lambda: store.person_setzen(person))
            return punkte

        def fertig(punkte: list[Any]) -> None:
            self.pruefergebnis.setText("\n".join(f"{STUFE.get(p.stufe, '•')} {p.name}: {p.meldung}" for p in punkte))
            fehlt = next((p for p in punkte if getattr(p, "ziel_fehlt", False)), None)
            if fehlt is not None and not anlegen and self.ziel_anlegen_fragen(fehlt.meldung):
                self._einrichten(ziel, benutzer, passwort, anlegen=True)  # the same input, now creating the folder
                return
            self.aktualisieren()

        self.ops.im_netz(arbeit, initiator=self, erfolg=fertig,
                         fehler=lambda e: self.pruefergebnis.setText(f"Fehler: {fmt.fehlertext(e)}"))

    def umzug_erfragen(self) -> tuple[str, str | None, str | None] | None:
        """The new share's address, user and password, or None if cancelled. Tests replace this."""
        from ozgdesk.ui.umzugsdialog import Umzugsdialog

        dialog = Umzugsdialog(self.ziel.text().strip(), self)
        return dialog.werte() if dialog.exec() == Umzugsdialog.DialogCode.Accepted else None

    def umziehen(self) -> None:
        from ozgdesk.sync import abgleich as sync

        if self.wartet_auf_store:
            return
        werte = self.umzug_erfragen()
        if werte is None:
            return
        ziel, benutzer, passwort = werte
        if sync.ist_url(ziel) and sync.zugangsdaten_in_adresse(ziel):
            self.pruefergebnis.setText(f"{STUFE['fehler']} {sync.ZUGANGSDATEN_IN_ADRESSE.format(ohne=sync.adresse_ohne_zugangsdaten(ziel))}")
            return
        store = self.store
        self.pruefergebnis.setText("Prüfe die neue Ablage und ziehe um …")

        def arbeit(db: Any) -> tuple[list[Any], sync.AbgleichErgebnis | None]:
            punkte = sync.umziehen(store, ziel, benutzer, passwort, db=db)
            if not all(p.ok for p in punkte):
                return punkte, None
            return punkte, sync.jetzt_abgleichen(store, db=db)

        def fertig(ergebnis: tuple[list[Any], sync.AbgleichErgebnis | None]) -> None:
            punkte, e = ergebnis
            zeilen = [f"{STUFE.get(p.stufe, '•')} {p.name}: {p.meldung}" for p in punkte]
            if e is not None:
                self.ziel.setText(ziel)
                self.benutzer.setText(benutzer or "")
                zeilen.append(f"Umgezogen: {anzahl(e.gesendet, 'eigene Änderung', 'eigene Änderungen')} auf der neuen "
                              f"Ablage veröffentlicht, {e.empfangen} von dort übernommen.")
                zeilen += e.warnungen
            self.pruefergebnis.setText("\n".join(zeilen))
            self.aktualisieren()

        self.ops.im_netz(arbeit, initiator=self, erfolg=fertig,
                         fehler=lambda e: self.pruefergebnis.setText(f"Fehler: {fmt.fehlertext(e)}"))

    def ziel_anlegen_fragen(self, meldung: str) -> bool:
        """Ask (Ja/Nein, default Nein) whether a missing target folder shall be created."""
        return self.ja_nein_fragen("Zielordner anlegen?", f"{meldung}\n\nSoll ozgdesk den Zielordner jetzt anlegen "
                                   "und die Ablage danach prüfen?", "&Ja, anlegen", "frage_ziel_anlegen")

    # ------------------------------------------------------------------------------- sync
    def jetzt(self, automatisch: bool = False) -> None:
        """Sync now. ``automatisch`` (the timer): only the exchange itself – with nothing to do that is
        one request to the share – and quiet when the share is out of reach; the user's own sync
        also looks into the BMI's inbox and fetches feedback."""
        from ozgdesk.sync import abgleich as sync

        if self._laeuft or self.wartet_auf_store:
            return
        self._laeuft = True
        self._abbruch.clear()
        self.jetzt_knopf.setEnabled(False)
        self.abbrechen_knopf.setEnabled(True)
        self.meldung.setText("Automatischer Abgleich läuft …" if automatisch else "Abgleich läuft …")
        store, bote, abbruch = self.store, self._bote, self._abbruch

        def arbeit(db: Any) -> tuple[sync.AbgleichErgebnis, sync.Eingang | None]:
            """On the network thread: transfers wait here; ``db`` hands each database step to the
            DB worker, so the open tables stay responsive during a slow sync."""
            ergebnis = sync.jetzt_abgleichen(store, fortschritt=lambda s, i, n: bote.fortschritt.emit(s, i, n),
                                             abbrechen=abbruch, db=db, posteingang=not automatisch)
            return ergebnis, None if automatisch else sync.eingang_abholen(store, db=db)

        fehler = self._fehler_automatisch if automatisch else self._fehler
        self.ops.im_netz(arbeit, initiator=self, erfolg=self._fertig, fehler=fehler)

    def _fehler_automatisch(self, e: BaseException) -> None:
        from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler

        if isinstance(e, Ablagefehler) and not isinstance(e, Anmeldefehler):
            self._laeuft = False  # offline is normal: say so quietly, try again at the next tick
            self.abbrechen_knopf.setEnabled(False)
            self.jetzt_knopf.setEnabled(True)
            self.meldung.setText("Automatischer Abgleich: Die Ablage ist gerade nicht erreichbar; ozgdesk arbeitet "
                                 "offline weiter und versucht es später erneut.")
            return
        self._fehler(e)

    def _fortschritt(self, schritt: str, erledigt: int, gesamt: int) -> None:
        self.fortschritt.setMaximum(max(gesamt, 1))
        self.fortschritt.setValue(erledigt)
        self.meldung.setText(f"{schritt} …")

    def _fertig(self, ergebnis: tuple[sync.AbgleichErgebnis, sync.Eingang | None]) -> None:
        e, eingang = ergebnis
        if eingang is not None:
            self._eingang_zeigen(eingang)
        self._laeuft = False
        self.abbrechen_knopf.setEnabled(False)
        self.fortschritt.setValue(self.fortschritt.maximum())
        teile = [f"Abgleich beendet: {anzahl(e.gesendet, 'Änderung', 'Änderungen')} gesendet, {e.empfangen} empfangen, "
                 f"{e.zusammengefuehrt} zusammengeführt, "
                 f"{anzahl(e.offene_konflikte, 'offener Konflikt', 'offene Konflikte')}."]
        if e.veroeffentlicht:
            teile.append("Veröffentlicht: " + ", ".join(e.veroeffentlicht))
        self._ausgang_fehler = dict(e.ausgang_fehler)
        teile += e.warnungen
        self.meldung.setText("\n".join(teile))
        self.aktualisieren()

    def _eingang_zeigen(self, eingang: sync.Eingang) -> None:
        for pfad in eingang.kataloge:
            item = QListWidgetItem(pfad.name)
            item.setData(_ROLLE, str(pfad))
            item.setToolTip(str(pfad))
            self.posteingang.addItem(item)
        self.rueckmeldungen.clear()
        for einreichung, dateien in sorted(eingang.rueckmeldungen.items()):
            for pfad in dateien:
                item = QListWidgetItem(f"{einreichung.replace('/', ' ')}: {pfad.name}")
                item.setData(_ROLLE, str(pfad))
                self.rueckmeldungen.addItem(item)

    def _katalog_aktiviert(self, item: QListWidgetItem) -> None:
        self.katalog_oeffnen.emit(item.data(_ROLLE))

    def _datei_oeffnen(self, item: QListWidgetItem) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        QDesktopServices.openUrl(QUrl.fromLocalFile(item.data(_ROLLE)))

    def automatisch(self) -> None:
        """The timer's sync, if a target is set up (offline is normal: see :meth:`jetzt`)."""
        st = getattr(self, "letzter_status", None)
        if self._laeuft or self.wartet_auf_store or st is None or not st.eingerichtet:
            return
        self.jetzt(automatisch=True)

    # ----------------------------------------------------------------------------- outbox
    def ausgang_aktualisieren(self) -> None:
        store = self.store
        # checks each waiting package locally (folder there and unchanged): reads its files, no request
        self.runner.starten(lambda: _ausgang_pruefen(store), self._ausgang_zeigen, self._fehler)

    def _ausgang_zeigen(self, liste: list[AusgangEintrag]) -> None:
        gewaehlt = self.ausgangsliste.currentItem()
        vorher = gewaehlt.data(_ROLLE) if gewaehlt is not None else None
        self._ausgang = liste
        self.ausgangsliste.clear()
        for e in reversed(liste):  # newest first
            name = e.ordner.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
            if e.veroeffentlicht_am is not None:
                kurz = f"veröffentlicht am {fmt.zeit(e.veroeffentlicht_am)} als {e.ziel.rsplit('/', 1)[-1]}"
            elif e.id not in self._ausgang_fehler and not e.geprueft:
                kurz = "wartet auf den nächsten Abgleich – Paket wird geprüft …"
            elif e.problem or e.id in self._ausgang_fehler:
                kurz = "⚠ nicht veröffentlicht – Fehler (Einzelheiten unter der Liste)"
            else:
                kurz = "wartet auf den nächsten Abgleich"
            item = QListWidgetItem(f"{e.periode} · {name} · eingereiht {fmt.zeit(e.eingereiht_am)}\n{kurz}")
            item.setData(_ROLLE, e.id)
            item.setToolTip(f"Kennung {e.id[:8]}\nOrdner: {e.ordner}\n{stand_text(e, self._ausgang_fehler.get(e.id))}")
            self.ausgangsliste.addItem(item)
            if e.id == vorher:
                self.ausgangsliste.setCurrentItem(item)
        if not liste:
            leer = QListWidgetItem("Keine Einreichungen im Postausgang.")
            leer.setFlags(Qt.ItemFlag.NoItemFlags)
            self.ausgangsliste.addItem(leer)
        self._ausgang_auswahl()

    def aktueller_ausgang(self) -> AusgangEintrag | None:
        item = self.ausgangsliste.currentItem()
        if item is None:
            return None
        return next((e for e in self._ausgang if e.id == item.data(_ROLLE)), None)

    def _ausgang_auswahl(self) -> None:
        e = self.aktueller_ausgang()
        self.ausgang_entfernen_knopf.setEnabled(e is not None and e.veroeffentlicht_am is None
                                                and not self.wartet_auf_store)
        self.ausgang_einzelheiten.setText(
            "" if e is None else f"{e.periode}, Kennung {e.id[:8]}: {stand_text(e, self._ausgang_fehler.get(e.id))}")

    def ausgang_entfernen(self) -> None:
        """Remove the selected, not yet published submission from the outbox – after a question."""
        e = self.aktueller_ausgang()
        if e is None or e.veroeffentlicht_am is not None or self.wartet_auf_store:
            return
        if self._laeuft:
            self.meldung.setText("Während eines Abgleichs wird nichts aus dem Postausgang entfernt; bitte danach.")
            return
        text = (f"Die Einreichung {e.periode} ({e.id[:8]}) aus dem Postausgang entfernen?\n\n"
                f"Sie wird dann nicht an {empfaenger.mit_artikel(self._empfaenger)} übertragen. Der Paketordner "
                "bleibt unverändert:\n"
                f"{e.ordner}")
        if e.version:
            text += (f"\n\nAuf der Ablage bleibt die begonnene Fassung v{e.version} ohne Übertragungsliste liegen; "
                     "sie gilt nicht als eingereicht.")
        if not self.ja_nein_fragen("Aus dem Postausgang entfernen", text, "&Ja, entfernen", "frage_ausgang_entfernen"):
            return
        from ozgdesk.sync.ausgang import ausgang_entfernen

        store, kennung = self.store, e.id
        self.ops.ausfuehren(lambda: ausgang_entfernen(store, kennung), initiator=self,
                            erfolg=self._ausgang_entfernt, fehler=self._fehler)

    def _ausgang_entfernt(self, e: AusgangEintrag) -> None:
        self._ausgang_fehler.pop(e.id, None)
        self.meldung.setText(f"Einreichung {e.periode} ({e.id[:8]}) aus dem Postausgang entfernt; sie wird nicht an "
                             f"{empfaenger.mit_artikel(self._empfaenger)} übertragen.")
        self.aktualisieren()

    def ja_nein_fragen(self, titel: str, text: str, ja: str, name: str) -> bool:
        """A modal question with „Ja …“/„Nein“; „Nein“ is the default (Enter changes nothing)."""
        box = QMessageBox(QMessageBox.Icon.Question, titel, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName(name)
        box.button(QMessageBox.StandardButton.Yes).setText(ja)
        box.button(QMessageBox.StandardButton.No).setText("&Nein")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    # -------------------------------------------------------------------------- conflicts
    def aktueller_konflikt(self) -> KonfliktAnzeige | None:
        item = self.konfliktliste.currentItem()
        if item is None:
            return None
        return next((k for k in self._konflikte if k.id == item.data(_ROLLE)), None)

    def _konflikt_zeigen(self) -> None:
        while self._vergleich_layout.count():
            item = self._vergleich_layout.takeAt(0)
            alt = item.widget() if item is not None else None
            if alt is not None:
                alt.hide()  # out of the layout it would still paint at its last place until deleted
                alt.deleteLater()
        self._neue_werte: list[QLineEdit] = []
        k = self.aktueller_konflikt()
        self.eigener_knopf.setEnabled(k is not None and k.art == "feld")
        # typing a third value is an answer only to „same field changed on two devices“ (and with
        # no conflict chosen there is nothing to answer)
        for widget in (self.eigener_knopf, self.eigener_wert,
                       *(b for b in self.findChildren(QLabel) if b.buddy() is self.eigener_wert)):
            widget.setVisible(k is not None and k.art == "feld")
        for spalte in range(6):
            self._vergleich_layout.setColumnStretch(spalte, 1 if spalte == 0 else 0)
        if k is None:
            ausstehend = self.wartet_auf_store and self.daten is not None and self.daten.offene_konflikte
            self._vergleich_layout.addWidget(QLabel("Die Konflikte werden geprüft …" if ausstehend
                                                    else "Keine offenen Konflikte."), 0, 0)
            return
        hinweis = QLabel(k.hinweis)
        hinweis.setWordWrap(True)
        hinweis.setTextFormat(Qt.TextFormat.PlainText)
        self._vergleich_layout.addWidget(hinweis, 0, 0, 1, 6)
        if k.art == "eindeutig":
            self._eindeutig_zeigen(k)
            return
        for spalte, kopf in enumerate(("Wert", "Benutzer", "Gerät", "Zeitpunkt", "")):
            label = QLabel(f"<b>{kopf}</b>")
            self._vergleich_layout.addWidget(label, 1, spalte)
        for zeile, w in enumerate(k.werte, start=2):
            wert = _wert_text(w.get("wert")) if w.get("aktion") != "loeschen" else "gelöscht"
            texte = (wert, str(w.get("benutzer", "")), str(w.get("geraet", ""))[:8], _zeit_text(w.get("zeitpunkt")))
            for spalte, text in enumerate(texte):
                label = QLabel(text)
                label.setWordWrap(spalte == 0)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self._vergleich_layout.addWidget(label, zeile, spalte)
            wahl = "mein" if w.get("mein") else "fremd"
            knopf = QPushButton("Diesen behalten" if wahl == "mein" else "Diesen übernehmen")
            knopf.setAccessibleName(f"{'Eigenen' if wahl == 'mein' else 'Fremden'} Wert übernehmen")
            knopf.clicked.connect(lambda _c=False, wahl=wahl: self.loesen(wahl))
            self._vergleich_layout.addWidget(knopf, zeile, 4)

    def _eindeutig_zeigen(self, k: KonfliktAnzeige) -> None:
        """Records that share a unique key, each by its name (never its id), with what it holds now
        and a button to decide for it; a new Kennung is typed for the records that give theirs up."""
        from ozgdesk.sync.eindeutig import rolle_text

        neue_kennung = k.tabelle in ("projekt", "leistung")
        kopf = ["Datensatz", "Angelegt von", "Gerät", "Zeitpunkt"]
        if neue_kennung:
            kopf.append("Sonst neue Kennung" if k.tabelle == "projekt" else "Sonst neuer Wert")
        for spalte, text in enumerate(kopf):
            self._vergleich_layout.addWidget(QLabel(f"<b>{text}</b>"), 1, spalte)
        schluessel = str(k.werte[0].get("wert", "")) if k.werte else ""
        for zeile, w in enumerate(k.werte, start=2):
            nummer = zeile - 1
            zeilen = [f"{nummer}. {w.get('titel', '')}", rolle_text(k.tabelle, w)]
            zeilen += [f"{name}: {wert}" for name, wert in w.get("felder") or []]
            beschreibung = QLabel("\n".join(z for z in zeilen if z))
            beschreibung.setTextFormat(Qt.TextFormat.PlainText)
            beschreibung.setWordWrap(True)
            beschreibung.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            beschreibung.setMinimumWidth(fmt_breite(beschreibung, "Zahlungsplan Version 12 für Projekt"))
            self._vergleich_layout.addWidget(beschreibung, zeile, 0)
            geraet = "dieses Gerät" if w.get("mein") else "anderes Gerät"
            for spalte, text in enumerate((str(w.get("benutzer", "")), geraet, _zeit_text(w.get("zeitpunkt"))), start=1):
                label = QLabel(text)
                label.setAlignment(Qt.AlignmentFlag.AlignTop)
                self._vergleich_layout.addWidget(label, zeile, spalte)
            spalte = 4
            if neue_kennung:
                feld = QLineEdit()
                feld.setAccessibleName(f"Neue Kennung für Datensatz {nummer}")
                feld.setPlaceholderText("z. B. " + (f"{schluessel}-2" if k.tabelle == "projekt" else "neuer Wert"))
                feld.setMaximumWidth(fmt_breite(feld, max(feld.placeholderText(), "BMAS-2026-09-DOPPELT2", key=len)))
                self._neue_werte.append(feld)
                self._vergleich_layout.addWidget(feld, zeile, spalte, Qt.AlignmentFlag.AlignTop)
                spalte += 1
            if k.tabelle == "einreichung":
                continue
            if k.tabelle == "zahlungsplan":
                text = "Als aktuelle Version"
            elif k.tabelle in ("projekt", "leistung", "themenfeld", "lage"):
                text = f"Behält „{schluessel}“"
            else:
                text = "Diese Werte übernehmen"
            knopf = QPushButton(text)
            knopf.setAccessibleName(f"Datensatz {nummer}: {text}")
            knopf.clicked.connect(lambda _c=False, n=nummer: self._eindeutig_loesen(n))
            self._vergleich_layout.addWidget(knopf, zeile, spalte, Qt.AlignmentFlag.AlignTop)
        if k.tabelle == "einreichung":
            knopf = QPushButton("Zur &Kenntnis genommen")
            knopf.clicked.connect(lambda: self.loesen("gesehen"))
            self._vergleich_layout.addWidget(knopf, len(k.werte) + 2, 0, Qt.AlignmentFlag.AlignLeft)

    def _eindeutig_loesen(self, nummer: int) -> None:
        """Record ``nummer`` keeps the key; the others take the values typed in their rows."""
        felder: list[QLineEdit] = getattr(self, "_neue_werte", [])
        neu = [f.text().strip() for i, f in enumerate(felder, start=1) if i != nummer]
        self.loesen(str(nummer), [x for x in neu if x] or None)

    def loesen(self, wahl: str, neu: list[str] | None = None) -> None:
        k = self.aktueller_konflikt()
        if k is None:
            return
        from ozgdesk.sync.konflikte import konflikt_loesen

        store = self.store
        self.ops.ausfuehren(lambda: konflikt_loesen(store, k.id, wahl, neu=neu), initiator=self,
                            erfolg=lambda _r: self._geloest(), fehler=self._fehler)

    def _geloest(self) -> None:
        self.meldung.setText("Konflikt gelöst; die Lösung wird beim nächsten Abgleich an alle Geräte übertragen.")
        self.aktualisieren()
