"""The project editor: Stammdaten with its Leistungen, milestones (postponing keeps history),
work packages, the Zahlungsplan grid, payments and effort.

Stammdaten are edited in place and saved with Strg+S as one undo step; unsaved edits are tracked
(``hat_aenderungen``) so the window can ask before they are lost. Everything else is added through
small dialogs, each save one undoable command through the change log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import details, hinweise, tabellen
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.operationen import bearbeiten as ops_b
from ozgdesk.model import bearbeiten as befehle
from ozgdesk.model.operationen import projekt as ops_p
from ozgdesk.model.values import Ampel, DeutschesEnum, Finanzierung, Haushaltsstelle, Kostenart, MeilensteinStatus, Quartal
from ozgdesk.ui import format as fmt
from ozgdesk.ui.formular import Feld, Formular, FormularDialog
from ozgdesk.ui.listenmodell import ListenModell
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.ui.undo import Bearbeitung
from ozgdesk.ui.zahlungsplan import NUR_LESBAR, ZahlungsplanModell


def _enum(cls: type[DeutschesEnum]) -> list[tuple[Any, str]]:
    return [(m, m.label) for m in cls]


def stammdaten_felder(auswahl: details.Auswahl, mit_kennung: bool = False) -> list[Feld]:
    keine = [(None, "– keine –")]
    felder = [Feld("kennung", "&Kennung", pflicht=True, hilfe="3–30 Zeichen: Großbuchstaben, Ziffern, - und /")] if mit_kennung else []
    felder += [
        Feld("titel", "&Titel", pflicht=True),
        Feld("behoerde_id", "&Behörde", "auswahl", optionen=keine + list(auswahl.behoerden)),
        Feld("projektleiter_id", "&Projektleitung", "auswahl", optionen=keine + list(auswahl.personen)),
        Feld("finanzierung", "&Finanzierung", "auswahl", pflicht=True, optionen=_enum(Finanzierung)),
        Feld("beginn", "Be&ginn", "datum"),
        Feld("ende", "&Ende", "datum"),
    ]
    return felder


def weitere_felder() -> list[Feld]:
    return [
        Feld("aktenzeichen", "Akten&zeichen"),
        Feld("eigenpersonal_pt", "Eigenpersonal (PT)", "dezimal"),
        Feld("ampel_gesamt", "&Ampel gesamt", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_gesamt_grund", "Begründung Ampel gesamt", "mehrzeilig"),
        Feld("ampel_zeit", "Ampel Zeit", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_kosten", "Ampel Kosten", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_umfang", "Ampel Umfang", "auswahl", optionen=_enum(Ampel)),
        Feld("zweck", "Zweck", "mehrzeilig"),
        Feld("ziele", "Ziele", "mehrzeilig"),
        Feld("ergebnisse", "Ergebnisse", "mehrzeilig"),
        Feld("risiken", "&Risiken", "mehrzeilig"),
        Feld("naechste_schritte", "&Nächste Schritte", "mehrzeilig"),
        Feld("interne_bemerkung", "Interne Bemerkung", "mehrzeilig"),
    ]


def projekt_pruefen(werte: dict[str, Any]) -> None:
    """Whole-record rules of a project form: the model's check (:func:`entwurf_pruefen`)."""
    ops_b.entwurf_pruefen("projekt", ops_p.projekt_entwurf(werte))


#: the tables the editor shows (its read :func:`editor_daten`); payments have their own table view
EDITOR_TABELLEN = frozenset({"projekt", "projekt_leistung", "meilenstein", "meilenstein_verschiebung", "arbeitspaket",
                             "zahlungsplan", "zahlungsplan_position", "aufwand"})
#: tables of the drop-downs (Behörden, Personen, Leistungen of the Ressort)
AUSWAHL_TABELLEN = frozenset({"behoerde", "person", "leistung"})


class EditorDaten:
    """Everything the editor shows of one project, read in one session (plain values)."""

    __slots__ = ("plan", "projekt", "verschiebungen")

    def __init__(self, projekt: details.ProjektDaten | None, plan: details.PlanDaten | None,
                 verschiebungen: dict[str, Any]) -> None:
        self.projekt, self.plan, self.verschiebungen = projekt, plan, verschiebungen


def editor_daten(s: Any, projekt_id: str, plan_version: int | None = None) -> EditorDaten:
    """The editor's one read: the project, its current (or chosen) plan version, every postponement."""
    p = details.projekt(s, projekt_id)
    if p is None:
        return EditorDaten(None, None, {})
    return EditorDaten(p, details.zahlungsplan(s, projekt_id, plan_version),
                       {m.id: details.verschiebungen(s, m.id) for m in p.meilensteine if m.verschiebungen})


def _tabelle(modell: Any, name: str) -> QTableView:
    t = QTableView()
    t.setModel(modell)
    t.setAccessibleName(name)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    return t


def _knopfzeile(*knoepfe: tuple[str, Callable[[], Any]]) -> QHBoxLayout:
    """A row of push buttons (text with mnemonic, slot), left-aligned."""
    zeile = QHBoxLayout()
    for text, fn in knoepfe:
        k = QPushButton(text)
        k.clicked.connect(fn)
        zeile.addWidget(k)
    zeile.addStretch()
    return zeile


def _knopf(zeile: QHBoxLayout, i: int) -> QWidget:
    """The ``i``-th button of a :func:`_knopfzeile`."""
    item = zeile.itemAt(i)
    knopf = item.widget() if item is not None else None
    if knopf is None:
        raise IndexError(f"Knopfzeile hat keinen Knopf {i}")
    return knopf


class ProjektEditor(QWidget):
    titel_geaendert = Signal(str)

    def __init__(self, store: Any, runner: Any, bearbeitung: Bearbeitung, stichtag: Callable[[], date],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("projekteditor")
        self.store, self.runner, self.bearbeitung, self.stichtag = store, runner, bearbeitung, stichtag
        self.projekt_id: str | None = None
        self.daten: details.ProjektDaten | None = None
        self._aenderungen = False
        self.ops = bearbeitung.ops
        #: how often the editor filled its widgets from the database (a test counts reloads)
        self.ladevorgaenge = 0
        self.auswahl = details.Auswahl((), (), ())  # the drop-downs' choices arrive from the worker

        self.kopf = QLabel("Kein Projekt ausgewählt. Bitte links ein Projekt öffnen (Enter oder Doppelklick).")
        self.kopf.setObjectName("projektkopf")
        self.kopf.setWordWrap(True)
        f = self.kopf.font()
        f.setPointSizeF(f.pointSizeF() * 1.2)
        f.setBold(True)
        self.kopf.setFont(f)
        self.reiter = QTabWidget()
        self.reiter.setUsesScrollButtons(True)
        self.reiter.tabBar().setExpanding(False)
        self.reiter.setAccessibleName("Bereiche des Projekts")

        # ---- Stammdaten
        self.formular = Formular(stammdaten_felder(self.auswahl) + weitere_felder())
        self.formular.geaendert.connect(self._markieren)
        self.leistungen = QListWidget()
        self.leistungen.setAccessibleName("OZG-Leistungen des Projekts")
        for lid, text in self.auswahl.leistungen:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, lid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.leistungen.addItem(item)
        self.leistungen.itemChanged.connect(lambda _i: self._markieren())
        self.leistungen.setMinimumHeight(self.fontMetrics().height() * 8)
        self.meldung = QLabel()
        self.meldung.setObjectName("meldung")
        self.meldung.setStyleSheet("color: #d32f2f;")
        self.meldung.setWordWrap(True)
        self.meldung.setVisible(False)
        self.speichern_knopf = QPushButton("&Speichern")
        self.speichern_knopf.setToolTip("Stammdaten speichern (Strg+S)")
        self.speichern_knopf.clicked.connect(self.speichern)
        self.verwerfen_knopf = QPushButton("Ä&nderungen verwerfen")
        self.verwerfen_knopf.clicked.connect(self.verwerfen)
        stamm = QWidget()
        sl = QVBoxLayout(stamm)
        self._stamm_layout = sl
        sl.addWidget(self.formular)
        lab = QLabel("OZG-&Leistungen des Projekts:")
        lab.setBuddy(self.leistungen)
        sl.addWidget(lab)
        sl.addWidget(self.leistungen)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(stamm)
        stamm_seite = QWidget()
        ss = QVBoxLayout(stamm_seite)
        ss.setContentsMargins(0, 0, 0, 0)
        ss.addWidget(scroll)
        ss.addWidget(self.meldung)
        knoepfe = QHBoxLayout()
        knoepfe.addStretch()
        knoepfe.addWidget(self.verwerfen_knopf)
        knoepfe.addWidget(self.speichern_knopf)
        ss.addLayout(knoepfe)
        self.reiter.addTab(stamm_seite, "S&tammdaten")

        # ---- Meilensteine
        self.ms_modell = ListenModell([("Meilenstein", "text"), ("Plan", "datum"), ("Prognose", "datum"),
                                       ("Ist", "datum"), ("Status", "status"), ("Verschiebungen", "zahl")])
        self.ms_tabelle = _tabelle(self.ms_modell, "Meilensteine des Projekts")
        self.ms_tabelle.selectionModel().currentRowChanged.connect(lambda *_a: self._verlauf_laden())
        self.ms_tabelle.doubleClicked.connect(lambda _i: self.meilenstein_bearbeiten())
        self.verlauf_modell = ListenModell([("Nr.", "zahl"), ("Erfasst am", "datum"), ("Von", "datum"), ("Auf", "datum"),
                                            ("Grund", "text")])
        self.verlauf = _tabelle(self.verlauf_modell, "Verlauf der Verschiebungen")
        ms_seite = QWidget()
        ml = QVBoxLayout(ms_seite)
        ml.addWidget(self.ms_tabelle, 3)
        ml.addLayout(_knopfzeile(("&Neuer Meilenstein …", self.meilenstein_neu),
                                 ("&Bearbeiten …", self.meilenstein_bearbeiten),
                                 ("&Verschieben …", self.meilenstein_verschieben)))
        vl = QLabel("Verlauf der &Verschiebungen des gewählten Meilensteins:")
        vl.setBuddy(self.verlauf)
        ml.addWidget(vl)
        ml.addWidget(self.verlauf, 2)
        self.reiter.addTab(ms_seite, "&Meilensteine")

        # ---- Arbeitspakete
        self.ap_modell = ListenModell([("Nr.", "text"), ("Arbeitspaket", "text"), ("Beginn", "datum"), ("Ende", "datum")])
        self.ap_tabelle = _tabelle(self.ap_modell, "Arbeitspakete")
        self.ap_tabelle.doubleClicked.connect(lambda _i: self.arbeitspaket_bearbeiten())
        ap_seite = QWidget()
        al = QVBoxLayout(ap_seite)
        al.addWidget(self.ap_tabelle)
        al.addLayout(_knopfzeile(("Neues &Arbeitspaket …", self.arbeitspaket_neu),
                                 ("&Bearbeiten …", self.arbeitspaket_bearbeiten)))
        self.reiter.addTab(ap_seite, "&Arbeitspakete")

        # ---- Zahlungsplan
        self.plan_modell = ZahlungsplanModell(self)
        self.plan_modell.fehler.connect(self._plan_fehler)
        self.plan_tabelle = QTableView()
        self.plan_tabelle.setModel(self.plan_modell)
        self.plan_tabelle.setAccessibleName("Zahlungsplan: Quartale mal Haushaltsstellen")
        self.plan_tabelle.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.plan_version = QComboBox()
        self.plan_version.setAccessibleName("Version des Zahlungsplans")
        self.plan_version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # „Version 2 (aktuell)“ ganz
        self.plan_version.currentIndexChanged.connect(self._plan_version_gewaehlt)
        self.plan_stand = QLabel()
        self.plan_stand.setWordWrap(True)  # a long remark wraps instead of squeezing the version box
        self.plan_meldung = QLabel()
        self.plan_meldung.setObjectName("plan_meldung")
        self.plan_meldung.setStyleSheet("color: #d32f2f;")
        zp_seite = QWidget()
        zl = QVBoxLayout(zp_seite)
        zk = QHBoxLayout()
        vlab = QLabel("&Version:")
        vlab.setBuddy(self.plan_version)
        zk.addWidget(vlab)
        zk.addWidget(self.plan_version)
        zk.addWidget(self.plan_stand, 1)
        zl.addLayout(zk)
        zl.addWidget(self.plan_tabelle)
        zl.addWidget(self.plan_meldung)
        plan_knoepfe = _knopfzeile(("&Quartal hinzufügen …", self.plan_quartal),
                                   ("&Haushaltsstelle hinzufügen …", self.plan_spalte))
        self.plan_quartal_knopf = _knopf(plan_knoepfe, 0)
        self.plan_spalte_knopf = _knopf(plan_knoepfe, 1)
        zl.addLayout(plan_knoepfe)
        zk3 = QHBoxLayout()  # own row: the editor must fit beside the list on a 1366-pixel screen
        zk3.addStretch()
        self.plan_speichern = QPushButton("Als neue Version &speichern")
        self.plan_speichern.clicked.connect(self.plan_als_version_speichern)
        zk3.addWidget(self.plan_speichern)
        zl.addLayout(zk3)
        self.reiter.addTab(zp_seite, "&Zahlungsplan")

        # ---- Mittelabflüsse
        self.zahlungen_seite = QWidget()
        self.zahlungen_layout = QVBoxLayout(self.zahlungen_seite)
        self.zahlungen: TabellenSeite | None = None
        self.zahlungen_layout.addLayout(_knopfzeile(("&Zahlung erfassen …", self.zahlung_erfassen),
                                                    ("Zahlung &löschen", self.zahlung_loeschen)))
        self.reiter.addTab(self.zahlungen_seite, "Mittel&abflüsse")

        # ---- Aufwand
        self.aufwand_modell = ListenModell([("Quartal", "text"), ("Leistungsart", "text"), ("Personentage", "zahl"),
                                            ("Erbrachte Leistungen", "text")])
        self.aufwand_tabelle = _tabelle(self.aufwand_modell, "Aufwand in Personentagen")
        auf_seite = QWidget()
        afl = QVBoxLayout(auf_seite)
        afl.addWidget(self.aufwand_tabelle)
        afl.addLayout(_knopfzeile(("Aufwand &erfassen …", self.aufwand_erfassen)))
        self.reiter.addTab(auf_seite, "Au&fwand")

        layout = QVBoxLayout(self)
        layout.addWidget(self.kopf)
        layout.addWidget(self.reiter)
        self.reiter.setEnabled(False)
        self.ops.lesen(details.auswahl, ok=self._auswahl_setzen)

    def _auswahl_setzen(self, auswahl: details.Auswahl) -> None:
        """Drop-downs and the Leistungen list from the worker's read; open edits stay."""
        werte = self.formular.werte() if self.projekt_id else None
        self.auswahl = auswahl
        alt = self.formular
        self.formular = Formular(stammdaten_felder(auswahl) + weitere_felder())
        self.formular.geaendert.connect(self._markieren)
        self._stamm_layout.replaceWidget(alt, self.formular)
        alt.setParent(None)
        alt.deleteLater()
        gewaehlt = self._gewaehlte_leistungen() if self.projekt_id else []
        self._laedt = True
        self.leistungen.clear()
        for lid, text in auswahl.leistungen:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, lid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if lid in gewaehlt else Qt.CheckState.Unchecked)
            self.leistungen.addItem(item)
        if werte is not None:
            self.formular.setzen(werte)
        self._laedt = False

    def _gewaehlte_leistungen(self) -> list[str]:
        return [self.leistungen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.leistungen.count())
                if self.leistungen.item(i).checkState() == Qt.CheckState.Checked]

    # ------------------------------------------------------------------------------------ state
    def _markieren(self) -> None:
        if self.projekt_id and not self._laedt:
            self._aenderungen = True
            self.speichern_knopf.setDefault(True)

    _laedt = False

    def hat_aenderungen(self) -> bool:
        return self._aenderungen or self.plan_modell.veraendert

    def oeffnen(self, projekt_id: str, danach: Callable[[], None] | None = None) -> None:
        """Show a project: its data comes in one read from the worker (``danach`` runs once shown)."""
        def da(daten: EditorDaten) -> None:
            self._zeigen(projekt_id, daten)
            if danach is not None and daten.projekt is not None:
                danach()
        self.ops.lesen(editor_daten, projekt_id, ok=da)

    def _zeigen(self, projekt_id: str, daten: EditorDaten) -> None:
        """Fill the widgets from ``daten``; unsaved Stammdaten or plan edits of the same project stay."""
        if daten.projekt is None:
            return
        self.ladevorgaenge += 1
        neues_projekt = projekt_id != self.projekt_id
        self.daten = daten.projekt
        self._verschiebungen = daten.verschiebungen
        self.projekt_id = projekt_id
        w = self.daten.werte
        if neues_projekt or not self._aenderungen:
            self._laedt = True
            self.formular.setzen(w)
            self.leistungen.blockSignals(True)
            for i in range(self.leistungen.count()):
                item = self.leistungen.item(i)
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in self.daten.leistung_ids
                                   else Qt.CheckState.Unchecked)
            self.leistungen.blockSignals(False)
            self._laedt = False
            self._aenderungen = False
            self.meldung.setVisible(False)
        self.kopf.setText(f"{w['kennung']} – {w['titel']}")
        self.titel_geaendert.emit(w["kennung"])
        self.ms_modell.setzen([(m.id, (m.titel, m.plan, m.prognose, m.ist, m.status, m.verschiebungen))
                               for m in self.daten.meilensteine])
        self.ms_tabelle.resizeColumnsToContents()
        self.ap_modell.setzen([(a.id, (a.nummer, a.titel, a.beginn, a.ende)) for a in self.daten.arbeitspakete])
        self.ap_tabelle.resizeColumnsToContents()
        self.aufwand_modell.setzen([(a.id, (a.quartal, a.leistungsart, a.personentage, a.leistungen))
                                    for a in self.daten.aufwand])
        self.aufwand_tabelle.resizeColumnsToContents()
        self._verlauf_laden()
        if daten.plan is not None and (neues_projekt or not self.plan_modell.veraendert):
            if neues_projekt:
                self.plan_modell.veraendert = False
            self._plan_zeigen(daten.plan)
        if neues_projekt or self.zahlungen is None:  # the payments table is its own view: built once per project
            if self.zahlungen is not None:
                self.zahlungen.setParent(None)
                self.zahlungen.deleteLater()
            self.zahlungen = TabellenSeite(self.store, tabellen.mittelabfluesse(projekt_id), self.runner)
            self.zahlungen_layout.insertWidget(0, self.zahlungen)
        self.reiter.setEnabled(True)

    def neu_laden(self) -> None:
        """Reload after a change elsewhere (undo, sync, another view) unless the user is mid-edit."""
        if self.projekt_id and not self.hat_aenderungen():
            aktuell = self.reiter.currentIndex()
            ms = self.ms_tabelle.currentIndex().row()
            version = self.plan_modell.version if not self.plan_modell.bearbeitbar else None
            pid = self.projekt_id

            def da(daten: EditorDaten) -> None:
                if pid != self.projekt_id or self.hat_aenderungen():
                    return  # the user moved on or started editing meanwhile
                if daten.projekt is None:
                    self._geloescht()
                    return
                self._zeigen(pid, daten)
                self.reiter.setCurrentIndex(aktuell)
                if ms >= 0:
                    self.ms_tabelle.selectRow(ms)
            self.ops.lesen(editor_daten, pid, version, ok=da)

    def aenderungen_erhalten(self, aenderungen: Any, initiator: object) -> None:
        """A broadcast change: reload what the editor shows if it was written – except after its
        own edits, whose result the editor already shows (read in the same transaction)."""
        if aenderungen.betrifft(AUSWAHL_TABELLEN):
            self.ops.lesen(details.auswahl, ok=self._auswahl_setzen)
        if self.zahlungen is not None:
            self.zahlungen.aenderungen_erhalten(aenderungen, initiator)
        if initiator is self or not self.projekt_id or not aenderungen.betrifft(EDITOR_TABELLEN | AUSWAHL_TABELLEN):
            return
        if self.hat_aenderungen():
            self._meldung("Dieses Projekt wurde inzwischen an anderer Stelle geändert (z. B. durch den Abgleich). "
                          "Beim Speichern gelten Ihre Eingaben für die Felder, die Sie geändert haben.")
            return
        self.neu_laden()

    def _geloescht(self) -> None:
        self.projekt_id, self.daten = None, None
        self.kopf.setText("Das Projekt wurde inzwischen gelöscht (z. B. auf einem anderen Gerät).")
        self.reiter.setEnabled(False)

    def _nach_bearbeitung(self, angewandt: Any) -> None:
        """After the editor's own edit: show the data read in the same transaction (no second read)."""
        daten = angewandt.nachher
        if daten is not None and self.projekt_id:
            aktuell = self.reiter.currentIndex()
            ms = self.ms_tabelle.currentIndex().row()
            self._zeigen(self.projekt_id, daten)
            self.reiter.setCurrentIndex(aktuell)
            if ms >= 0:
                self.ms_tabelle.selectRow(min(ms, self.ms_modell.rowCount() - 1))

    def bearbeiten(self, befehl: Any, *, fehler: Callable[[BaseException], None] | None = None,
                   erfolg: Callable[[Any], None] | None = None) -> None:
        """Apply an edit of this project on the DB worker; the editor's fresh data comes back from
        the same transaction."""
        pid = self.projekt_id
        if pid is None:  # every caller checks for an open project first
            return

        def fertig(angewandt: Any) -> None:
            self._nach_bearbeitung(angewandt)
            if erfolg is not None:
                erfolg(angewandt)
        self.bearbeitung.ausfuehren(befehl, initiator=self, nachher=lambda s: editor_daten(s, pid),
                                    erfolg=fertig, fehler=fehler)

    # ------------------------------------------------------------------------------ Stammdaten
    def speichern(self) -> bool:
        if not self.projekt_id or self.daten is None:
            return True
        if self.plan_modell.veraendert and not self._aenderungen:
            return self.plan_als_version_speichern()
        if not self.formular.pruefen():
            return False
        werte = self.formular.werte()
        try:
            projekt_pruefen({**self.daten.werte, **werte})
        except Eingabefehler as e:
            self._meldung(str(e))
            return False
        # only the fields the user changed: a field another device changed meanwhile keeps its value
        neu = {k: v for k, v in werte.items() if self.daten.werte.get(k) != v}
        plan = (dict(self.plan_modell.betraege), self.plan_modell.version) if self.plan_modell.veraendert else None
        self._aenderungen = False

        ausgang = {"ok": True}

        def gescheitert(e: BaseException) -> None:
            """Refused (locked, disk full, changed meanwhile): the typed values stay in the form."""
            ausgang["ok"] = False
            self._aenderungen = True
            self._meldung(fmt.fehlertext(e))
            self.ops.fehler_melden("Eingabe nicht übernommen", e)

        def gespeichert(_a: Any) -> None:
            if plan is not None:
                self._plan_speichern(*plan)
        self.bearbeiten(ops_p.stammdaten_speichern(self.projekt_id, neu, self._gewaehlte_leistungen()),
                        fehler=gescheitert, erfolg=gespeichert)
        # False once the refusal is known (at once with a synchronous runner); otherwise "saving"
        return ausgang["ok"]

    def verwerfen(self) -> None:
        self._aenderungen = False
        self.plan_modell.veraendert = False
        if self.projekt_id:
            self.neu_laden()

    def _meldung(self, text: str) -> None:
        self.meldung.setText(text)
        self.meldung.setVisible(bool(text))

    # ------------------------------------------------------------------------------ Meilensteine
    def _ms_felder(self) -> list[Feld]:
        aps = [(None, "– keines –")] + [(a.id, f"{a.nummer} {a.titel}") for a in (self.daten.arbeitspakete if self.daten else ())]
        return [
            Feld("titel", "&Titel", pflicht=True),
            Feld("arbeitspaket_id", "&Arbeitspaket", "auswahl", optionen=aps),
            Feld("plan_datum", "&Plandatum", "datum", pflicht=True),
            Feld("ist_datum", "&Ist-Datum", "datum", hilfe="Nur bei Status „erreicht“."),
            Feld("status", "&Status", "auswahl", optionen=_enum(MeilensteinStatus)),
            Feld("oeffentlich", "Im Online-Monitoring &veröffentlichen", "ja_nein"),
            Feld("bemerkung", "&Bemerkung", "mehrzeilig"),
        ]

    def dialog(self, titel: str, felder: list[Feld], werte: dict[str, Any] | None = None,
               pruefung: Callable[[dict[str, Any]], None] | None = None, hinweis: str = "",
               warnungen: Callable[[Any, dict[str, Any]], list[hinweise.Hinweis]] | None = None) -> dict[str, Any] | None:
        """Show a form dialog; returns the parsed values or None. Tests replace ``dialog_ausfuehren``.

        ``warnungen(session, werte)`` computes the entry-time warnings (:mod:`ozgdesk.model.hinweise`)
        in a read session of its own; they are shown once before saving, never block it."""
        store = self.store

        pruefen_lesend: Callable[[dict[str, Any]], list[hinweise.Hinweis]] | None = None
        if warnungen is not None:
            berechnen = warnungen

            def pruefen_lesend(w: dict[str, Any]) -> list[hinweise.Hinweis]:  # runs on the DB worker
                return ops_b.lesen(store, berechnen, w)
        d = FormularDialog(titel, felder, werte, gesamtpruefung=pruefung, hinweis=hinweis,
                           hinweise=pruefen_lesend, runner=self.runner, parent=self)
        return d.ergebnis if self.dialog_ausfuehren(d) else None

    def dialog_ausfuehren(self, d: FormularDialog) -> bool:
        return d.exec() == FormularDialog.DialogCode.Accepted

    def meilenstein_neu(self) -> None:
        if not self.projekt_id:
            return
        pid = self.projekt_id

        def pruefung(w: dict[str, Any]) -> None:
            ops_b.entwurf_pruefen("meilenstein", {"projekt_id": pid, "prognose_datum": w.get("plan_datum"), **w})
        w = self.dialog("Neuer Meilenstein", self._ms_felder(), {"oeffentlich": True, "status": MeilensteinStatus.OFFEN}, pruefung)
        if w is None:
            return
        self.bearbeiten(ops_p.meilenstein_anlegen(pid, w))

    def _aktueller_ms(self) -> str | None:
        idx = self.ms_tabelle.currentIndex()
        return self.ms_modell.id_von(idx.row()) if idx.isValid() else None

    def meilenstein_bearbeiten(self) -> None:
        mid = self._aktueller_ms()
        if not mid or not self.daten:
            return
        m = next(m for m in self.daten.meilensteine if m.id == mid)
        alt = {"titel": m.titel, "arbeitspaket_id": m.arbeitspaket_id, "plan_datum": m.plan, "ist_datum": m.ist,
               "status": m.status, "oeffentlich": m.oeffentlich, "bemerkung": m.bemerkung}
        felder = self._ms_felder()
        if m.plan is not None:  # the baseline: shown, never edited here (the model refuses it as well)
            felder = [Feld(f.schluessel, "Plandatum", f.art, nur_lesen=True,
                           hilfe="Der Basisplan bleibt unverändert; ein neuer Termin wird über „Verschieben …“ erfasst.")
                      if f.schluessel == "plan_datum" else f for f in felder]
            hinweis = (f"Das Plandatum ({fmt.datum(m.plan)}) ist der Basisplan und bleibt unverändert. Einen neuen Termin "
                       "bitte über „Verschieben …“ erfassen – dann steht er mit Grund im Verlauf.")
        else:
            hinweis = "Dieser Meilenstein hat noch kein Plandatum; einmal eingetragen, bleibt es als Basisplan erhalten."
        basis = {"projekt_id": self.projekt_id, "plan_datum": m.plan, "prognose_datum": m.prognose}

        def pruefung(w: dict[str, Any]) -> None:
            ops_b.entwurf_pruefen("meilenstein", w, basis)
        w = self.dialog("Meilenstein bearbeiten", felder, alt, pruefung, hinweis=hinweis)
        if w is None:
            return
        neu = {k: v for k, v in w.items() if alt.get(k) != v}
        if neu:
            self.bearbeiten(ops_p.aendern("meilenstein", mid, neu, f"Meilenstein „{m.titel}“ ändern"))

    def meilenstein_verschieben(self) -> None:
        mid = self._aktueller_ms()
        if not mid or not self.daten:
            return
        m = next(m for m in self.daten.meilensteine if m.id == mid)
        bisher = m.prognose or m.plan
        w = self.dialog(f"Meilenstein verschieben: {m.titel}", [
            Feld("auf_datum", "&Neue Prognose", "datum", pflicht=True),
            Feld("grund", "&Grund", "mehrzeilig", pflicht=True),
        ], hinweis=f"Bisherige Prognose: {fmt.datum(bisher)}. Das Plandatum ({fmt.datum(m.plan)}) bleibt unverändert; "
                   "die Verschiebung wird im Verlauf festgehalten.")
        if w is None:
            return
        self.bearbeiten(befehle.MeilensteinVerschieben(mid, w["auf_datum"], w["grund"], self.stichtag(),
                                                       f"Meilenstein „{m.titel}“ verschieben"))

    def _verlauf_laden(self) -> None:
        mid = self._aktueller_ms()
        if not mid:
            self.verlauf_modell.setzen([])
            return
        vs = getattr(self, "_verschiebungen", {}).get(mid, ())  # read with the editor's data
        self.verlauf_modell.setzen([(str(v.nummer), (v.nummer, v.erfasst_am, v.von, v.auf, v.grund)) for v in vs])
        self.verlauf.resizeColumnsToContents()

    # ------------------------------------------------------------------------------ Arbeitspakete
    def _ap_felder(self) -> list[Feld]:
        return [Feld("nummer", "&Nummer", pflicht=True), Feld("titel", "&Titel", pflicht=True),
                Feld("beginn", "&Beginn", "datum"), Feld("ende", "&Ende", "datum"),
                Feld("beschreibung", "Be&schreibung", "mehrzeilig")]

    def _ap_warnungen(self, s: Any, w: dict[str, Any]) -> list[hinweise.Hinweis]:
        pid = self.projekt_id
        return [] if pid is None else hinweise.arbeitspaket(s, pid, w.get("beginn"), w.get("ende"))

    def arbeitspaket_neu(self) -> None:
        if not self.projekt_id or self.daten is None:
            return
        pid = self.projekt_id
        w = self.dialog("Neues Arbeitspaket", self._ap_felder(), {"nummer": f"AP {len(self.daten.arbeitspakete) + 1}"},
                        lambda w: ops_b.entwurf_pruefen("arbeitspaket", {"projekt_id": pid, **w}),
                        warnungen=self._ap_warnungen)
        if w is not None:
            self.bearbeiten(ops_b.anlegen([("arbeitspaket", {"projekt_id": pid, **w})],
                                          f"Arbeitspaket „{w['titel']}“ anlegen"))

    def arbeitspaket_bearbeiten(self) -> None:
        idx = self.ap_tabelle.currentIndex()
        aid = self.ap_modell.id_von(idx.row()) if idx.isValid() else None
        if not aid or self.daten is None:
            return
        a = next(a for a in self.daten.arbeitspakete if a.id == aid)
        alt = {"nummer": a.nummer, "titel": a.titel, "beginn": a.beginn, "ende": a.ende}
        felder = self._ap_felder()[:4]
        basis = {"projekt_id": self.projekt_id}
        w = self.dialog("Arbeitspaket bearbeiten", felder, alt, lambda w: ops_b.entwurf_pruefen("arbeitspaket", w, basis),
                        warnungen=self._ap_warnungen)
        if w is not None:
            neu = {k: v for k, v in w.items() if alt.get(k) != v}
            if neu:
                self.bearbeiten(ops_p.aendern("arbeitspaket", aid, neu, f"Arbeitspaket „{a.titel}“ ändern"))

    # ------------------------------------------------------------------------------ Zahlungsplan
    def _plan_laden(self, version: int | None) -> None:
        pid = self.projekt_id
        self.ops.lesen(details.zahlungsplan, pid, version,
                       ok=lambda plan: self._plan_zeigen(plan) if pid == self.projekt_id else None)

    def _plan_zeigen(self, plan: details.PlanDaten) -> None:
        neueste = plan.versionen[-1] if plan.versionen else None
        self.plan_version.blockSignals(True)
        self.plan_version.clear()
        for v in plan.versionen:
            self.plan_version.addItem(f"Version {v}" + (" (aktuell)" if v == neueste else ""), v)
        if not plan.versionen:
            self.plan_version.addItem("noch kein Zahlungsplan", None)
        self.plan_version.setCurrentIndex(max(0, self.plan_version.findData(plan.version)))
        self.plan_version.blockSignals(False)
        bearbeitbar = plan.version is None or plan.version == neueste
        self.plan_modell.laden(plan, bearbeitbar)
        self.plan_stand.setText(
            (f"Stand {fmt.datum(plan.stand)} – {plan.bemerkung}" if plan.version else "Beträge eintragen und als Version 1 speichern.")
            + ("" if bearbeitbar else "  (ältere Version, nur lesbar)"))
        for knopf in (self.plan_speichern, self.plan_quartal_knopf, self.plan_spalte_knopf):
            knopf.setEnabled(bearbeitbar)
        self.plan_tabelle.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers if bearbeitbar
                                          else QAbstractItemView.EditTrigger.NoEditTriggers)
        self.plan_meldung.setText("")

    def _plan_version_gewaehlt(self, _i: int) -> None:
        """Show another version; unsaved edits of the current one are saved, discarded or kept first."""
        if not self.projekt_id:
            return
        gewaehlt = self.plan_version.currentData()
        if self.plan_modell.veraendert:
            antwort = self.frage_ungespeichert()
            if antwort == QMessageBox.StandardButton.Cancel or (
                    antwort == QMessageBox.StandardButton.Save and not self.plan_als_version_speichern()):
                self.plan_version.blockSignals(True)  # stay on the edited version, edits intact
                self.plan_version.setCurrentIndex(max(0, self.plan_version.findData(self.plan_modell.version)))
                self.plan_version.blockSignals(False)
                return
        self._plan_laden(gewaehlt)

    def _plan_fehler(self, text: str) -> None:
        self.plan_meldung.setText(text)

    def plan_quartal(self) -> None:
        w = self.dialog("Quartal hinzufügen", [Feld("quartal", "&Quartal", "quartal", pflicht=True)])
        if w:
            self.plan_modell.quartal_hinzufuegen(w["quartal"])

    def plan_spalte(self) -> None:
        def pruefer(text: Any) -> None:
            Haushaltsstelle.parse(text)
        w = self.dialog("Haushaltsstelle hinzufügen", [
            Feld("haushaltsstelle", "&Haushaltsstelle", pflicht=True, pruefer=pruefer, hilfe="Kapitel Titel, z. B. 0602 532 01"),
            Feld("kostenart", "&Kostenart", "auswahl", optionen=_enum(Kostenart)),
        ])
        if w:
            self.plan_modell.spalte_hinzufuegen(Haushaltsstelle.parse(w["haushaltsstelle"]), w["kostenart"])

    def plan_als_version_speichern(self) -> bool:
        if not self.projekt_id:
            return True
        if not self.plan_modell.bearbeitbar:  # an old version is never the basis of a new one
            self.plan_meldung.setText(NUR_LESBAR.format(version=self.plan_modell.version))
            return False
        return self._plan_speichern(dict(self.plan_modell.betraege), self.plan_modell.version)

    def _plan_speichern(self, betraege: dict[Any, int], basis_version: int | None) -> bool:
        if any(b < 0 for b in betraege.values()):
            self.plan_meldung.setText("Zahlungsplan: Planbeträge dürfen nicht negativ sein.")
            return False

        pid = self.projekt_id
        if pid is None:  # no project open: nothing to save
            return True

        def gescheitert(e: BaseException) -> None:
            self.plan_modell.veraendert = True
            self.plan_meldung.setText(fmt.fehlertext(e))
        if self.projekt_id is None:
            return False
        self.plan_modell.veraendert = False
        self.bearbeiten(ops_p.zahlungsplan_speichern(pid, betraege, stand=self.stichtag(),
                                                     basis_version=basis_version), fehler=gescheitert)
        return True

    # ------------------------------------------------------------------------------ Zahlungen, Aufwand
    def zahlung_erfassen(self) -> None:
        if not self.projekt_id:
            return
        spalten = self.plan_modell.spalten
        def pruefer(text: Any) -> None:
            Haushaltsstelle.parse(text)
        datensatz = ops_p.zahlung_werte  # the checkbox „Korrekturbuchung“ becomes the word in the Bemerkung
        pid = self.projekt_id

        def warnungen(s: Any, w: dict[str, Any]) -> list[hinweise.Hinweis]:
            d = datensatz(w)
            return hinweise.zahlung(s, pid, d["datum"], d["betrag_cent"], d["haushaltsstelle"],
                                    heute=self.stichtag(), referenz=d.get("referenz", ""), bemerkung=d.get("bemerkung", ""))
        w = self.dialog("Zahlung erfassen", [
            Feld("datum", "&Datum", "datum", pflicht=True),
            Feld("betrag_cent", "&Betrag (€)", "betrag", pflicht=True, hilfe="Rückzahlungen negativ eingeben."),
            Feld("korrektur", "Korrektur&buchung (Rückzahlung, Storno)", "ja_nein",
                 hilfe="Kennzeichnet einen negativen Betrag als Korrektur; steht dann als „Korrektur“ in der Bemerkung."),
            Feld("haushaltsstelle", "&Haushaltsstelle", pflicht=True, pruefer=pruefer),
            Feld("kostenart", "&Kostenart", "auswahl", optionen=_enum(Kostenart)),
            Feld("referenz", "&Referenz (Rechnungsnummer)"),
            Feld("bemerkung", "B&emerkung", "mehrzeilig"),
        ], {"haushaltsstelle": str(spalten[0][0]) if spalten else "", "datum": self.stichtag()},
            lambda w: ops_b.entwurf_pruefen("mittelabfluss", {"projekt_id": pid, **datensatz(w)}), warnungen=warnungen)
        if w is None:
            return
        w = datensatz(w)
        self.bearbeiten(ops_b.anlegen([("mittelabfluss", {"projekt_id": pid, **w})],
                                      f"Zahlung über {fmt.euro(w['betrag_cent'])} erfassen"))

    def zahlung_loeschen(self) -> None:
        """Delete the selected payment (undoable with Strg+Z; the change log keeps its values)."""
        zid = self.zahlungen.aktuelle_id() if self.zahlungen else None
        if zid:
            self.bearbeiten(ops_b.loeschen([("mittelabfluss", zid)], "Zahlung löschen"))

    def aufwand_erfassen(self) -> None:
        if not self.projekt_id:
            return
        w = self.dialog("Aufwand erfassen", [
            Feld("quartal", "&Quartal", "quartal", pflicht=True),
            Feld("leistungsart", "&Leistungsart", pflicht=True),
            Feld("personentage", "&Personentage", "dezimal", pflicht=True),
            Feld("leistungen", "&Erbrachte Leistungen", "mehrzeilig"),
        ], {"quartal": Quartal.von_datum(self.stichtag()), "leistungsart": "Umsetzungsunterstützung"},
            lambda w: ops_b.entwurf_pruefen("aufwand", {"projekt_id": self.projekt_id, **w}))
        if w is not None:
            self.bearbeiten(ops_b.anlegen([("aufwand", {"projekt_id": self.projekt_id, **w})],
                                          f"Aufwand {w['quartal'].kurz} erfassen"))

    def frage_ungespeichert(self) -> QMessageBox.StandardButton:
        """Ask what to do with unsaved changes. Tests replace this method."""
        return QMessageBox.question(
            self, "Ungespeicherte Änderungen",
            f"Die Änderungen an {self.daten.werte['kennung'] if self.daten else 'dem Projekt'} sind noch nicht gespeichert. "
            "Jetzt speichern?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)

    def darf_verlassen(self) -> bool:
        """True if the editor may switch project or close: saved, discarded, or nothing to lose."""
        if not self.hat_aenderungen():
            return True
        antwort = self.frage_ungespeichert()
        if antwort == QMessageBox.StandardButton.Save:
            return self.speichern()
        if antwort == QMessageBox.StandardButton.Discard:
            self._aenderungen = False
            self.plan_modell.veraendert = False
            return True
        return False
