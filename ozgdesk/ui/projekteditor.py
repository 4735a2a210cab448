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
from ozgdesk.model.values import Ampel, DeutschesEnum, Finanzierung, Haushaltsstelle, Komponente, Kostenart, MeilensteinStatus, Quartal
from ozgdesk.ui import format as fmt
from ozgdesk.ui import planvergleich, thema, zeitleiste, zugaenglichkeit
from ozgdesk.ui.formular import Feld, Formular, FormularDialog, hervorheben
from ozgdesk.ui.listenmodell import ListenModell
from ozgdesk.ui import tabellenaktionen
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.ui.undo import Bearbeitung
from ozgdesk.ui.zahlungsplan import NUR_LESBAR, ZahlungsplanModell, zahlungsplan_tabelle


def _enum(cls: type[DeutschesEnum]) -> list[tuple[Any, str]]:
    return [(m, m.label) for m in cls]


def stammdaten_felder(auswahl: details.Auswahl, mit_kennung: bool = False) -> list[Feld]:
    keine = [(None, "– keine –")]
    felder = [Feld("kennung", "&Kennung", pflicht=True, hilfe="3–30 Zeichen: Großbuchstaben, Ziffern, - und /")] if mit_kennung else []
    felder += [
        Feld("titel", "Tite&l", pflicht=True),
        Feld("behoerde_id", "Beh&örde", "auswahl", optionen=keine + list(auswahl.behoerden)),
        Feld("projektleiter_id", "Pr&ojektleitung", "auswahl", optionen=keine + list(auswahl.personen)),
        Feld("finanzierung", "Finanzier&ung", "auswahl", pflicht=True, optionen=_enum(Finanzierung)),
        Feld("beginn", "Beginn", "datum"),
        Feld("ende", "Ende", "datum"),
    ]
    return felder


def weitere_felder() -> list[Feld]:
    return [
        Feld("aktenzeichen", "Aktenzei&chen"),
        Feld("eigenpersonal_pt", "Eigenpersonal (PT)", "dezimal"),
        Feld("ampel_gesamt", "Ampel gesamt", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_gesamt_grund", "Begründung Ampel gesamt", "mehrzeilig"),
        Feld("ampel_zeit", "Ampel Zeit", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_zeit_grund", "Begründung Zeit", "mehrzeilig", hilfe="Pflicht, wenn die Ampel Zeit nicht grün ist."),
        Feld("ampel_kosten", "Ampel Kosten", "auswahl", optionen=_enum(Ampel)),
        # the quarterly check names this field „Begründung Kosten“ (also for a deviation from the Zahlungsplan)
        Feld("ampel_kosten_grund", "Begr&ündung Kosten", "mehrzeilig",
             hilfe="Pflicht, wenn die Ampel Kosten nicht grün ist oder der Mittelabfluss wesentlich vom Zahlungsplan abweicht."),
        Feld("ampel_umfang", "Ampel Umfang", "auswahl", optionen=_enum(Ampel)),
        Feld("ampel_umfang_grund", "Begründung Umfang", "mehrzeilig", hilfe="Pflicht, wenn die Ampel Umfang nicht grün ist."),
        Feld("beratung_fachlich", "Fachliche Beratung", "ja_nein"),
        Feld("beratung_architektur", "Architekturberatung", "ja_nein"),
        Feld("umsetzung", "Projektumsetzung", "ja_nein"),
        Feld("komponenten", "Nachgenutzte Komponenten", "mehrfachauswahl", optionen=_enum(Komponente),
             hilfe="Komponenten der Dienstekonsolidierung, die das Projekt nachnutzt."),
        Feld("abweichungsbegruendung", "Begründung der Abweichung", "mehrzeilig",
             hilfe="Pflicht, wenn das Verwaltungsportal Bund nicht nachgenutzt wird (außer bei Eigenfinanzierung)."),
        Feld("zweck", "Zweck", "mehrzeilig"),
        Feld("ziele", "Ziele", "mehrzeilig"),
        Feld("ergebnisse", "Ergebnisse", "mehrzeilig"),
        Feld("risiken", "&Risiken", "mehrzeilig"),
        Feld("naechste_schritte", "N&ächste Schritte", "mehrzeilig"),
        Feld("interne_bemerkung", "Interne Bemerkung", "mehrzeilig"),
    ]


def projekt_pruefen(werte: dict[str, Any]) -> None:
    """Whole-record rules of a project form: the model's check (:func:`entwurf_pruefen`)."""
    ops_b.entwurf_pruefen("projekt", ops_p.projekt_entwurf(werte))


#: the tables the editor shows (its read :func:`editor_daten`); payments have their own table view
EDITOR_TABELLEN = frozenset({"projekt", "projekt_leistung", "meilenstein", "meilenstein_verschiebung", "arbeitspaket",
                             "zahlungsplan", "zahlungsplan_position", "aufwand", "bewilligung",
                             "mittelabfluss"})  # payments: the Bewilligungen tab sums them per year
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


#: ``feld_zeigen`` targets that are a tab (the tab's key in ``ProjektEditor._seiten``); those with a
#: row to select take ``:<key>``
_REITER = {"meilensteine": "meilensteine", "meilenstein": "meilensteine", "arbeitspakete": "arbeitspakete",
           "zahlungsplan": "zahlungsplan", "mittelabfluss": "mittelabfluss", "mittelabfluesse": "mittelabfluss",
           "aufwand": "aufwand", "bewilligungen": "bewilligungen", "bewilligung": "bewilligungen"}
_MIT_ZEILE = frozenset({"meilenstein", "bewilligung", "zahlungsplan", "aufwand"})


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
    tabellenaktionen.einrichten(t, name)  # Strg+C, context menu, „Ansicht exportieren …“
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
        # no frame around the pages and a slightly smaller tab font: all seven tabs fit beside the
        # project list on a 1366-pixel screen (scroll arrows would hide the first tab)
        self.reiter.setDocumentMode(True)
        schrift = self.reiter.tabBar().font()
        schrift.setPointSizeF(schrift.pointSizeF() * 0.92)
        self.reiter.tabBar().setFont(schrift)
        self.reiter.tabBar().setExpanding(False)
        self.reiter.setAccessibleName("Bereiche des Projekts")

        # ---- Stammdaten
        self.formular = Formular(stammdaten_felder(self.auswahl) + weitere_felder())
        self.formular.geaendert.connect(self._markieren)
        self.formular.feld_geaendert.connect(self._feld_geaendert)
        #: the widget :meth:`feld_zeigen` highlighted last (None: nothing highlighted)
        self.hervorgehoben: QWidget | None = None
        self.leistungen = QListWidget()
        self.leistungen.setAccessibleName("OZG-Leistungen des Projekts")
        for lid, text in self.auswahl.leistungen:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, lid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.leistungen.addItem(item)
        self.leistungen.itemChanged.connect(self._leistung_geaendert)
        self.leistungen.setMinimumHeight(self.fontMetrics().height() * 8)
        self.meldung = QLabel()
        self.meldung.setObjectName("meldung")
        thema.einfaerben(self.meldung, "fehler")
        self.meldung.setWordWrap(True)
        self.meldung.setVisible(False)
        self.speichern_knopf = QPushButton("Speichern")
        self.speichern_knopf.setToolTip("Stammdaten speichern (Strg+S)")
        self.speichern_knopf.clicked.connect(self.speichern)
        self.verwerfen_knopf = QPushButton("Änderungen &verwerfen")
        self.verwerfen_knopf.clicked.connect(self.verwerfen)
        stamm = QWidget()
        sl = QVBoxLayout(stamm)
        self._stamm_layout = sl
        sl.addWidget(self.formular)
        lab = QLabel("OZG-Leistu&ngen des Projekts:")
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
        self._stamm_scroll = scroll
        knoepfe = QHBoxLayout()
        knoepfe.addStretch()
        knoepfe.addWidget(self.verwerfen_knopf)
        knoepfe.addWidget(self.speichern_knopf)
        ss.addLayout(knoepfe)
        self.reiter.addTab(stamm_seite, "Sta&mmdaten")

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
                                 ("Bea&rbeiten …", self.meilenstein_bearbeiten),
                                 ("&Verschieben …", self.meilenstein_verschieben),
                                 ("Zeit&leiste …", lambda: zeitleiste.projekt_zeitleiste(self))))
        vl = QLabel("Verla&uf der Verschiebungen des gewählten Meilensteins:")
        vl.setBuddy(self.verlauf)
        ml.addWidget(vl)
        ml.addWidget(self.verlauf, 2)
        self.reiter.addTab(ms_seite, "Meilenste&ine")

        # ---- Arbeitspakete
        self.ap_modell = ListenModell([("Nr.", "text"), ("Arbeitspaket", "text"), ("Beginn", "datum"), ("Ende", "datum")])
        self.ap_tabelle = _tabelle(self.ap_modell, "Arbeitspakete")
        self.ap_tabelle.doubleClicked.connect(lambda _i: self.arbeitspaket_bearbeiten())
        ap_seite = QWidget()
        al = QVBoxLayout(ap_seite)
        al.addWidget(self.ap_tabelle)
        al.addLayout(_knopfzeile(("&Neues Arbeitspaket …", self.arbeitspaket_neu),
                                 ("Bea&rbeiten …", self.arbeitspaket_bearbeiten),
                                 ("&Löschen", self.arbeitspaket_loeschen)))
        self.reiter.addTab(ap_seite, "Arbeitspa&kete")

        # ---- Zahlungsplan
        self.plan_modell = ZahlungsplanModell(self)
        self.plan_modell.fehler.connect(self._plan_fehler)
        self.plan_tabelle = zahlungsplan_tabelle(self.plan_modell, runner)  # Strg+C/V, context menu, export
        self.plan_modell.eingefuegt.connect(lambda _n: self.plan_als_version_speichern())  # a paste: one undo step
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
        thema.einfaerben(self.plan_meldung, "fehler")
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
                                   ("Hausha&ltsstelle hinzufügen …", self.plan_spalte),
                                   ("Versionen verglei&chen …", lambda: planvergleich.projekt_planvergleich(self)))
        self.plan_quartal_knopf = _knopf(plan_knoepfe, 0)
        self.plan_spalte_knopf = _knopf(plan_knoepfe, 1)
        zl.addLayout(plan_knoepfe)
        zk3 = QHBoxLayout()  # own row: the editor must fit beside the list on a 1366-pixel screen
        zk3.addStretch()
        self.plan_speichern = QPushButton("Als &neue Version speichern")
        self.plan_speichern.clicked.connect(self.plan_als_version_speichern)
        zk3.addWidget(self.plan_speichern)
        zl.addLayout(zk3)
        self.reiter.addTab(zp_seite, "&Zahlungsplan")

        # ---- Mittelabflüsse
        self.zahlungen_seite = QWidget()
        self.zahlungen_layout = QVBoxLayout(self.zahlungen_seite)
        self.zahlungen: TabellenSeite | None = None
        self.zahlungen_layout.addLayout(_knopfzeile(("Zahlu&ng erfassen …", self.zahlung_erfassen),
                                                    ("Zahlung bea&rbeiten …", lambda: self.zahlung_bearbeiten()),
                                                    ("Zahlung &löschen", self.zahlung_loeschen)))
        self.reiter.addTab(self.zahlungen_seite, "Mittelab&flüsse")

        # ---- Aufwand
        self.aufwand_modell = ListenModell([("Quartal", "text"), ("Leistungsart", "text"), ("Personentage", "zahl"),
                                            ("Erbrachte Leistungen", "text")])
        self.aufwand_tabelle = _tabelle(self.aufwand_modell, "Aufwand in Personentagen")
        self.aufwand_tabelle.doubleClicked.connect(lambda _i: self.aufwand_bearbeiten())
        auf_seite = QWidget()
        afl = QVBoxLayout(auf_seite)
        afl.addWidget(self.aufwand_tabelle)
        afl.addLayout(_knopfzeile(("Aufwa&nd erfassen …", self.aufwand_erfassen),
                                  ("Bea&rbeiten …", self.aufwand_bearbeiten),
                                  ("&Löschen", self.aufwand_loeschen)))
        self.reiter.addTab(auf_seite, "Auf&wand")

        # ---- Bewilligungen (last tab: the tabs before keep their places)
        # two-line headers: seven money columns fit beside the project list on a 1366-pixel screen
        self.bew_modell = ListenModell([("Jahr", "text"), ("Bewilligt (€)", "euro"), ("Personen-\ntage", "zahl"),
                                        ("Zahlungen\nim Jahr (€)", "euro"), ("Bewilligt\nkumuliert (€)", "euro"),
                                        ("Zahlungen\nkumuliert (€)", "euro"), ("Rest (€)", "euro")])
        self.bew_tabelle = _tabelle(self.bew_modell, "Bewilligungen je Jahr")
        self.bew_tabelle.doubleClicked.connect(lambda _i: self.bewilligung_bearbeiten())
        bew_seite = QWidget()
        bl = QVBoxLayout(bew_seite)
        bl.addWidget(self.bew_tabelle)
        bew_hinweis = QLabel("Zahlungen: Mittelabflüsse des Projekts mit Datum im Jahr; kumuliert: alle Jahre bis "
                             "einschließlich dieses Jahres. Rest = Bewilligt kumuliert − Zahlungen kumuliert.")
        bew_hinweis.setWordWrap(True)
        bl.addWidget(bew_hinweis)
        bl.addLayout(_knopfzeile(("&Neue Bewilligung …", self.bewilligung_neu),
                                 ("Bea&rbeiten …", self.bewilligung_bearbeiten),
                                 ("&Löschen", self.bewilligung_loeschen)))
        self.reiter.addTab(bew_seite, "Bewilli&gungen")
        self._seiten = {"stammdaten": stamm_seite, "meilensteine": ms_seite, "arbeitspakete": ap_seite,
                        "zahlungsplan": zp_seite, "mittelabfluss": self.zahlungen_seite, "aufwand": auf_seite,
                        "bewilligungen": bew_seite}
        self.reiter.currentChanged.connect(self._reiter_gewechselt)
        for t in (self.ms_tabelle, self.ap_tabelle, self.plan_tabelle, self.aufwand_tabelle, self.bew_tabelle):
            t.selectionModel().currentRowChanged.connect(lambda *_a, t=t: self._zeile_gewechselt(t))

        layout = QVBoxLayout(self)
        layout.addWidget(self.kopf)
        layout.addWidget(self.reiter)
        layout.addWidget(self.meldung)  # below the tabs: a refused delete on any tab is read here
        self.reiter.setEnabled(False)
        self.ops.lesen(details.auswahl, ok=self._auswahl_setzen)

    def _auswahl_setzen(self, auswahl: details.Auswahl) -> None:
        """Drop-downs and the Leistungen list from the worker's read; open edits stay."""
        werte = self.formular.werte() if self.projekt_id else None
        self.auswahl = auswahl
        alt = self.formular
        self._hervorhebung_entfernen()  # the highlighted widget is about to go
        self.formular = Formular(stammdaten_felder(auswahl) + weitere_felder())
        self.formular.geaendert.connect(self._markieren)
        self.formular.feld_geaendert.connect(self._feld_geaendert)
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
        if neues_projekt:
            self._hervorhebung_entfernen()  # it pointed at the other project (and its payments table goes)
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
        self.bew_modell.setzen([(b.id, (str(b.jahr), b.betrag_cent, b.personentage, b.zahlungen_jahr,
                                        b.bewilligt_kumuliert, b.zahlungen_kumuliert, b.rest))
                                for b in self.daten.bewilligungen])
        self.bew_tabelle.resizeColumnsToContents()
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
            self.zahlungen.geoeffnet.connect(self.zahlung_bearbeiten)  # double-click or Enter
            zugaenglichkeit.beschriftung_setzen(self.zahlungen.suche, "S&uche:")  # Alt+S: the project list's search
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
        self.bearbeiten(ops_p.stammdaten_speichern(self.projekt_id, neu, self._gewaehlte_leistungen(),
                                                   basis=self.daten.werte, basis_leistungen=self.daten.leistung_ids),
                        fehler=gescheitert, erfolg=gespeichert)
        # False once the refusal is known (at once with a synchronous runner); otherwise "saving"
        return ausgang["ok"]

    def verwerfen(self) -> None:
        self._aenderungen = False
        self.plan_modell.veraendert = False
        if self.projekt_id:
            self.neu_laden()

    def _meldung(self, text: str) -> None:
        self._meldung_des_reiters = None
        self.meldung.setText(text)
        self.meldung.setVisible(bool(text))

    # ------------------------------------------------------------------------------ jump to a field
    def feld_zeigen(self, ziel: str) -> bool:
        """Show where a finding of the quarterly check is fixed: switch to the tab, scroll to the
        field or select the row, focus it and highlight it until the user changes it.

        ``ziel``: a Projekt column of the Stammdaten form (``ampel_kosten_grund``, ``komponenten`` …),
        ``leistungen``, ``meilensteine`` / ``meilenstein:<id>``, ``bewilligungen`` /
        ``bewilligung:<jahr>``, ``zahlungsplan`` / ``zahlungsplan:<2026-Q3>``, ``aufwand`` /
        ``aufwand:<2026-Q3>``, ``mittelabfluss``. False (nothing done) for an unknown ziel or when no
        project is open."""
        if self.projekt_id is None or self.daten is None:
            return False
        art, _, schluessel = ziel.partition(":")
        if not schluessel and (art in self.formular.eingaben or art == "leistungen"):
            widget = self.leistungen if art == "leistungen" else self.formular.widget(art)
            self.reiter.setCurrentWidget(self._seiten["stammdaten"])
            self._stamm_scroll.ensureWidgetVisible(widget, 0, self.fontMetrics().height() * 3)
            self._hervorheben(widget)
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if art not in _REITER or (schluessel and art not in _MIT_ZEILE):
            return False
        tabelle, zeile = self._ziel_zeile(art, schluessel)
        if tabelle is None:
            return False
        self.reiter.setCurrentWidget(self._seiten[_REITER[art]])
        if isinstance(tabelle, QTableView) and zeile is not None:
            tabelle.selectRow(zeile)
            tabelle.scrollTo(tabelle.model().index(zeile, 0))
        self._hervorheben(tabelle)
        tabelle.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _ziel_zeile(self, art: str, schluessel: str) -> tuple[QWidget | None, int | None]:
        """The widget a tab target focuses and the row to select (None: the tab only). ``(None, None)``
        if a milestone id is unknown or a key cannot be read."""
        if art in ("meilensteine", "meilenstein"):
            if not schluessel:
                return self.ms_tabelle, None
            zeile = next((i for i, (id_, _w) in enumerate(self.ms_modell.zeilen) if id_ == schluessel), None)
            return (self.ms_tabelle, zeile) if zeile is not None else (None, None)
        if art == "arbeitspakete":
            return self.ap_tabelle, None
        if art in ("mittelabfluss", "mittelabfluesse"):
            return (self.zahlungen.tabelle if self.zahlungen is not None else self.zahlungen_seite), None
        try:
            if art in ("bewilligungen", "bewilligung"):
                jahr = int(schluessel) if schluessel else None
                return self.bew_tabelle, next((i for i, (_id, w) in enumerate(self.bew_modell.zeilen)
                                               if jahr is not None and w[0] == str(jahr)), None)
            q = Quartal.parse(schluessel) if schluessel else None
        except (ValueError, Eingabefehler):
            return None, None
        if art == "zahlungsplan":
            return self.plan_tabelle, (self.plan_modell.quartale.index(q) if q in self.plan_modell.quartale else None)
        return self.aufwand_tabelle, next((i for i, (_id, w) in enumerate(self.aufwand_modell.zeilen) if w[0] == q), None)

    def _hervorheben(self, widget: QWidget) -> None:
        self._hervorhebung_entfernen()
        self._hervorhebung_setzen(widget, True)
        self.hervorgehoben = widget

    def _hervorhebung_entfernen(self) -> None:
        w, self.hervorgehoben = getattr(self, "hervorgehoben", None), None
        if w is not None:
            self._hervorhebung_setzen(w, False)

    @staticmethod
    def _hervorhebung_setzen(widget: QWidget, an: bool) -> None:
        hervorheben(widget, an)

    def _feld_geaendert(self, schluessel: str) -> None:
        """The user changed a field: its highlight has done its job."""
        if schluessel == "leistungen":
            widget: QWidget | None = self.leistungen
        else:
            widget = self.formular.widget(schluessel) if schluessel in self.formular.eingaben else None
        if widget is not None and widget is self.hervorgehoben:
            self._hervorhebung_entfernen()

    def _leistung_geaendert(self, _item: QListWidgetItem) -> None:
        self._markieren()
        self._feld_geaendert("leistungen")

    def _zeile_gewechselt(self, tabelle: QTableView) -> None:
        """The user chose another row of a highlighted table: the highlight has done its job."""
        if tabelle is self.hervorgehoben:
            self._hervorhebung_entfernen()

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
            self.bearbeiten(ops_p.aendern("meilenstein", mid, neu, f"Meilenstein „{m.titel}“ ändern", basis=alt))

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
                self.bearbeiten(ops_p.aendern("arbeitspaket", aid, neu, f"Arbeitspaket „{a.titel}“ ändern",
                                              basis=alt))

    def arbeitspaket_loeschen(self) -> None:
        """Delete the selected work package; the model refuses while milestones refer to it."""
        idx = self.ap_tabelle.currentIndex()
        aid = self.ap_modell.id_von(idx.row()) if idx.isValid() else None
        a = next((a for a in self.daten.arbeitspakete if a.id == aid), None) if aid and self.daten else None
        if a is not None:
            self._loeschen("arbeitspaket", a.id, f"Das Arbeitspaket „{a.nummer} {a.titel}“ löschen?",
                           f"Arbeitspaket „{a.titel}“ löschen")

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
    @staticmethod
    def _zahlung_felder() -> list[Feld]:
        def pruefer(text: Any) -> None:
            Haushaltsstelle.parse(text)
        return [
            Feld("datum", "&Datum", "datum", pflicht=True),
            Feld("betrag_cent", "&Betrag (€)", "betrag", pflicht=True, hilfe="Rückzahlungen negativ eingeben."),
            Feld("korrektur", "Korrekturb&uchung (Rückzahlung, Storno)", "ja_nein",
                 hilfe="Kennzeichnet einen negativen Betrag als Korrektur; steht dann als „Korrektur“ in der Bemerkung."),
            Feld("haushaltsstelle", "&Haushaltsstelle", pflicht=True, pruefer=pruefer),
            Feld("kostenart", "&Kostenart", "auswahl", optionen=_enum(Kostenart)),
            Feld("referenz", "&Referenz (Rechnungsnummer)"),
            Feld("bemerkung", "B&emerkung", "mehrzeilig"),
        ]

    def _zahlung_warnungen(self, pid: str) -> Callable[[Any, dict[str, Any]], list[hinweise.Hinweis]]:
        def warnungen(s: Any, w: dict[str, Any]) -> list[hinweise.Hinweis]:
            d = ops_p.zahlung_werte(w)
            return hinweise.zahlung(s, pid, d["datum"], d["betrag_cent"], d["haushaltsstelle"],
                                    heute=self.stichtag(), referenz=d.get("referenz", ""), bemerkung=d.get("bemerkung", ""))
        return warnungen

    def zahlung_erfassen(self) -> None:
        if not self.projekt_id:
            return
        spalten = self.plan_modell.spalten
        datensatz = ops_p.zahlung_werte  # the checkbox „Korrekturbuchung“ becomes the word in the Bemerkung
        pid = self.projekt_id
        w = self.dialog("Zahlung erfassen", self._zahlung_felder(),
                        {"haushaltsstelle": str(spalten[0][0]) if spalten else "", "datum": self.stichtag()},
                        lambda w: ops_b.entwurf_pruefen("mittelabfluss", {"projekt_id": pid, **datensatz(w)}),
                        warnungen=self._zahlung_warnungen(pid))
        if w is None:
            return
        w = datensatz(w)
        self.bearbeiten(ops_b.anlegen([("mittelabfluss", {"projekt_id": pid, **w})],
                                      f"Zahlung über {fmt.euro(w['betrag_cent'])} erfassen"))

    def zahlung_bearbeiten(self, zid: str | None = None) -> None:
        """Edit a payment (the selected one, or ``zid`` from a double-click); its values are read
        fresh from the database, the changed fields saved as one undoable step."""
        zid = zid or (self.zahlungen.aktuelle_id() if self.zahlungen else None)
        pid = self.projekt_id
        if not zid or not pid:
            return
        self.ops.lesen(ops_p.werte, "mittelabfluss", zid, ok=lambda alt: self._zahlung_bearbeiten(pid, zid, alt),
                       fehler=lambda e: self._meldung(fmt.fehlertext(e)))

    def _zahlung_bearbeiten(self, pid: str, zid: str, alt: dict[str, Any]) -> None:
        if pid != self.projekt_id:
            return
        datensatz = ops_p.zahlung_werte
        felder = {"datum": alt["datum"], "betrag_cent": alt["betrag_cent"], "haushaltsstelle": str(alt["haushaltsstelle"]),
                  "kostenart": alt["kostenart"], "referenz": alt["referenz"], "bemerkung": alt["bemerkung"],
                  "korrektur": hinweise.ist_korrektur(alt["referenz"], alt["bemerkung"])}
        w = self.dialog("Zahlung bearbeiten", self._zahlung_felder(), felder,
                        lambda w: ops_b.entwurf_pruefen("mittelabfluss", {"projekt_id": pid, **datensatz(w)}),
                        warnungen=self._zahlung_warnungen(pid))
        if w is None:
            return
        neu = {k: v for k, v in datensatz(w).items() if alt.get(k) != v}
        if neu:
            self.bearbeiten(ops_p.aendern("mittelabfluss", zid, neu, f"Zahlung vom {fmt.datum(alt['datum'])} ändern",
                                          basis=alt), fehler=self._abgelehnt)

    def zahlung_loeschen(self) -> None:
        """Delete the selected payment (undoable with Strg+Z; the change log keeps its values)."""
        zid = self.zahlungen.aktuelle_id() if self.zahlungen else None
        if zid and self.frage_loeschen("Die gewählte Zahlung löschen?"):
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
            self.bearbeiten(ops_p.aufwand_anlegen(self.projekt_id, w), fehler=self._abgelehnt)

    def _aktueller_aufwand(self) -> details.AufwandDaten | None:
        idx = self.aufwand_tabelle.currentIndex()
        aid = self.aufwand_modell.id_von(idx.row()) if idx.isValid() else None
        return next((a for a in self.daten.aufwand if a.id == aid), None) if aid and self.daten else None

    def aufwand_bearbeiten(self) -> None:
        a = self._aktueller_aufwand()
        pid = self.projekt_id
        if a is None or pid is None:
            return
        alt = {"quartal": a.quartal, "leistungsart": a.leistungsart, "personentage": a.personentage,
               "leistungen": a.leistungen}
        w = self.dialog("Aufwand bearbeiten", [
            Feld("quartal", "&Quartal", "quartal", pflicht=True),
            Feld("leistungsart", "&Leistungsart", pflicht=True),
            Feld("personentage", "&Personentage", "dezimal", pflicht=True),
            Feld("leistungen", "&Erbrachte Leistungen", "mehrzeilig"),
        ], alt, lambda w: ops_b.entwurf_pruefen("aufwand", {"projekt_id": pid, **w}))
        if w is None:
            return
        neu = {k: v for k, v in w.items() if alt.get(k) != v}
        if neu:
            self.bearbeiten(ops_p.aufwand_aendern(a.id, pid, neu, basis=alt), fehler=self._abgelehnt)

    def aufwand_loeschen(self) -> None:
        a = self._aktueller_aufwand()
        if a is not None:
            self._loeschen("aufwand", a.id, f"Den Aufwand {a.quartal.kurz} ({a.leistungsart}, "
                                            f"{fmt.zahl(a.personentage)} PT) löschen?", f"Aufwand {a.quartal.kurz} löschen")

    # ------------------------------------------------------------------------------ Bewilligungen
    def _bew_felder(self) -> list[Feld]:
        return [Feld("jahr", "&Jahr", "ganzzahl", pflicht=True, hilfe="Haushaltsjahr, z. B. 2026"),
                Feld("betrag_cent", "&Betrag (€)", "betrag", pflicht=True),
                Feld("personentage", "&Personentage", "dezimal", hilfe="Nur bei Unterstützungsprojekten."),
                Feld("datum", "Bewilligt &am", "datum"),
                Feld("aktenzeichen", "Akten&zeichen")]

    def _aktuelle_bewilligung(self) -> details.BewilligungDaten | None:
        idx = self.bew_tabelle.currentIndex()
        bid = self.bew_modell.id_von(idx.row()) if idx.isValid() else None
        return next((b for b in self.daten.bewilligungen if b.id == bid), None) if bid and self.daten else None

    def bewilligung_neu(self) -> None:
        pid = self.projekt_id
        if pid is None or self.daten is None:
            return
        jahre = [b.jahr for b in self.daten.bewilligungen]
        jahr = max(jahre) + 1 if jahre else (self.daten.werte.get("beginn") or self.stichtag()).year
        w = self.dialog("Neue Bewilligung", self._bew_felder(), {"jahr": jahr},
                        lambda w: ops_b.entwurf_pruefen("bewilligung", {"projekt_id": pid, **w}))
        if w is not None:
            self.bearbeiten(ops_p.bewilligung_speichern(pid, w), fehler=self._abgelehnt)

    def bewilligung_bearbeiten(self) -> None:
        b = self._aktuelle_bewilligung()
        pid = self.projekt_id
        if b is None or pid is None:
            return
        alt = {"jahr": b.jahr, "betrag_cent": b.betrag_cent, "personentage": b.personentage, "datum": b.datum,
               "aktenzeichen": b.aktenzeichen}
        w = self.dialog(f"Bewilligung {b.jahr} bearbeiten", self._bew_felder(), alt,
                        lambda w: ops_b.entwurf_pruefen("bewilligung", {"projekt_id": pid, **w}))
        if w is None:
            return
        neu = {k: v for k, v in w.items() if alt.get(k) != v}
        if neu:
            self.bearbeiten(ops_p.bewilligung_speichern(pid, {"jahr": w["jahr"], **neu}, b.id, basis=alt),
                            fehler=self._abgelehnt)

    def bewilligung_loeschen(self) -> None:
        b = self._aktuelle_bewilligung()
        if b is not None:
            self._loeschen("bewilligung", b.id, f"Die Bewilligung {b.jahr} über {fmt.euro(b.betrag_cent)} löschen?",
                           f"Bewilligung {b.jahr} löschen")

    # ------------------------------------------------------------------------------ deleting
    def frage_loeschen(self, text: str) -> bool:
        """Ask before a delete (it can be undone with Strg+Z). Tests replace this method."""
        antwort = QMessageBox.question(self, "Löschen", text + "\n\nDas Löschen lässt sich mit Strg+Z rückgängig machen.",
                                       QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                       QMessageBox.StandardButton.No)
        return antwort == QMessageBox.StandardButton.Yes

    def _abgelehnt(self, e: BaseException) -> None:
        """A refused edit of a tab (a record others refer to, a year approved twice): the German
        reason in the message line below the tabs; the data stays as it was."""
        self._meldung(fmt.fehlertext(e))
        self._meldung_des_reiters = self.reiter.currentIndex()

    def _reiter_gewechselt(self, index: int) -> None:
        """A tab's refusal belongs to that tab: it goes when the user turns to another one."""
        if self._meldung_des_reiters not in (None, index):
            self._meldung("")

    _meldung_des_reiters: int | None = None

    def _loeschen(self, tabelle: str, id_: str, frage: str, text: str) -> None:
        if self.projekt_id is None or not self.frage_loeschen(frage):
            return
        self._meldung("")
        self.bearbeiten(ops_b.loeschen([(tabelle, id_)], text), fehler=self._abgelehnt)

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
