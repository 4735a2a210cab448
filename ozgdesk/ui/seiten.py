"""The main views built from table pages: Leistungen, Projekte (with the editor), Finanzen; and the
small Stammdaten dialogs (Behörden, Personen). The Änderungsprotokoll is :mod:`ozgdesk.ui.protokollseite`.

Thin on purpose: every read runs on the DB worker (``ops.lesen`` with a function of
:mod:`ozgdesk.model.operationen`), every write is a builder or command given to
:meth:`~ozgdesk.ui.undo.Bearbeitung.ausfuehren`, and forms are checked by
:func:`~ozgdesk.model.operationen.bearbeiten.entwurf_pruefen` – no entity class, no session here.
A page learns of every change – its own, an undo, a sync, a catalogue import – from the window's
one broadcast (:meth:`_Seite.aenderungen_erhalten`) and reloads a table only if an operation wrote
one of the tables its query reads.
"""

from __future__ import annotations

from html import escape

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ozgdesk.model import details, tabellen
from ozgdesk.model.aenderungen import Aenderungen
from ozgdesk.model.felder import LEISTUNG_FELDER
from ozgdesk.model.operationen import bearbeiten as operation
from ozgdesk.model.operationen import projekt as bauplan
from ozgdesk.model.operationen import stammdaten
from ozgdesk.model.store import Store
from ozgdesk.model.values import Finanzierung, Reifegradmodell, Verwaltungsart, LEISTUNGSTYPEN
from ozgdesk.ui import format as fmt
from ozgdesk.ui import thema
from ozgdesk.ui.formular import Feld, FormularDialog, hervorheben
from ozgdesk.ui.listenmodell import ListenModell
from ozgdesk.ui.sammeldialog import sammel_bearbeiten
from ozgdesk.ui.projekteditor import (
    AUSWAHL_TABELLEN,
    EDITOR_TABELLEN,
    ProjektEditor,
    _enum,
    _knopf,
    _knopfzeile,
    _tabelle,
    stammdaten_felder,
)
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.ui.undo import Bearbeitung


def _bestaetigt(ausfuehren: Callable[[QDialog], bool], dlg: FormularDialog) -> dict[str, Any] | None:
    """The values of a form the user confirmed (``FormularDialog.accept`` sets them), None if cancelled.

    ``ausfuehren`` is the page's ``dialog_ausfuehren``, which tests replace to fill in the form."""
    return dlg.ergebnis if ausfuehren(dlg) else None


def _hervorheben(w: QWidget) -> None:
    """Focus ``w`` and mark it as the project editor marks its jump targets."""
    hervorheben(w)
    w.setFocus(Qt.FocusReason.OtherFocusReason)


class ProjektleitungDialog(QDialog):
    """The Verantwortliche of one OZG-Leistung: every Person as a checkable line (name, Funktion,
    Behörde), the current ones ticked, a filter for long lists. ``gewaehlte()`` is the result."""

    def __init__(self, daten: stammdaten.Verantwortliche, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.daten = daten
        self.setWindowTitle(f"Projektleitung: OZG-Leistung {daten.ozg_id}")
        self.setObjectName("projektleitungdialog")
        kopf = QLabel(f"<b>{escape(daten.ozg_id)} {escape(daten.bezeichnung)}</b><br>Verantwortliche Personen "
                      "(Projektleitung) ankreuzen; mehrere sind möglich.")
        kopf.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Name, Funktion oder Behörde")
        self.filter.setClearButtonEnabled(True)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter)
        self.liste = QListWidget()
        self.liste.setAccessibleName("Personen")
        for p in daten.personen:
            item = QListWidgetItem(p.text)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p.verantwortlich else Qt.CheckState.Unchecked)
            self.liste.addItem(item)
        self.anzahl = QLabel()
        self.anzahl.setObjectName("anzahl")
        leer = QLabel("Es sind noch keine Personen erfasst (Stammdaten › Personen …).")
        leer.setVisible(not daten.personen)
        self.knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.knoepfe.accepted.connect(self.accept)
        self.knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(kopf)
        layout.addWidget(filter_label)
        layout.addWidget(self.filter)
        layout.addWidget(self.liste, 1)
        layout.addWidget(leer)
        layout.addWidget(self.anzahl)
        layout.addWidget(self.knoepfe)
        self.filter.textChanged.connect(self._filtern)
        self.liste.itemChanged.connect(lambda _i: self._anzahl_zeigen())
        self._anzahl_zeigen()
        fm = self.fontMetrics()
        self.resize(max(fm.averageCharWidth() * 80, max((fm.horizontalAdvance(p.text) for p in daten.personen),
                                                        default=0) + 80), fm.height() * 26)

    def _items(self) -> list[QListWidgetItem]:
        return [it for it in (self.liste.item(i) for i in range(self.liste.count())) if it is not None]

    def _filtern(self, text: str) -> None:
        t = text.strip().casefold()
        for it in self._items():
            it.setHidden(bool(t) and t not in it.text().casefold())

    def _anzahl_zeigen(self) -> None:
        n = len(self.gewaehlte())
        self.anzahl.setText("Keine Person gewählt – die Prüfung meldet dann „Keine Projektleitung“." if n == 0
                            else f"{fmt.zahl(n)} {'Person' if n == 1 else 'Personen'} gewählt")

    def gewaehlte(self) -> list[str]:
        """The ids of the ticked Personen (also those the filter hides), in list order."""
        return [str(it.data(Qt.ItemDataRole.UserRole)) for it in self._items()
                if it.checkState() == Qt.CheckState.Checked]


#: ``leistungen setzen``'s field names → the Leistung form's keys (the rest: own dialogs)
LEISTUNG_SPRUNG = {name: f.attribut for name, f in LEISTUNG_FELDER.items()}


class _Seite(QWidget):
    """Common base: a page shows table pages and reloads those an operation wrote to."""

    def tabellenseiten(self) -> list[TabellenSeite]:
        return []

    @property
    def zeigt(self) -> frozenset[str]:
        """The tables the page's lists read (derived from their queries; ``*``: every table)."""
        return frozenset().union(*(t.zeigt for t in self.tabellenseiten()))

    def aenderungen_erhalten(self, aenderungen: Aenderungen, initiator: object = None) -> None:
        """The window's broadcast after every operation: reload each list that shows a written table
        (also after the page's own edit – the list shows what is stored, not what was typed)."""
        for t in self.tabellenseiten():
            t.aenderungen_erhalten(aenderungen, initiator)  # a hidden tab reloads when shown

    def neu_laden(self) -> None:
        for t in self.tabellenseiten():
            t.neu_laden()

    def dialog_ausfuehren(self, d: QDialog) -> bool:
        return d.exec() == QDialog.DialogCode.Accepted


class LeistungenSeite(_Seite):
    def __init__(self, store: Store, runner: Any, bearbeitung: Bearbeitung, stichtag: Callable[[], date], *,
                 tabelle: TabellenSeite | None = None) -> None:
        """``tabelle``: the list the start-up stand-in already shows (:mod:`ozgdesk.ui.vorabseite`)."""
        super().__init__()
        self.setObjectName("seite_leistungen")
        self.store, self.bearbeitung, self.stichtag = store, bearbeitung, stichtag
        self.ops = bearbeitung.ops
        self.tabelle = tabelle if tabelle is not None else TabellenSeite(
            store, tabellen.leistungen(), runner, voreinstellung={"umfang": "ressort"}, mehrfachauswahl=True)
        self.tabelle.geoeffnet.connect(self.bearbeiten)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabelle)
        layout.addLayout(_knopfzeile(("Bea&rbeiten …", lambda: self.bearbeiten(self.tabelle.aktuelle_id())),
                                     ("Reifegrad be&werten …", lambda: self.reifegrad(self.tabelle.aktuelle_id())),
                                     ("&Projektleitung …", lambda: self.projektleitung(self.tabelle.aktuelle_id()))))
        # bulk: the Zuständigkeit is what a coordinator sets for many Leistungen at once (as „katalog scope“ does)
        sammel = _knopfzeile(("Alle an&gezeigten auswählen", self.alle_auswaehlen),
                             ("Ins Ressort auf&nehmen", lambda: self.zustaendigkeit_setzen(True)),
                             ("A&us dem Ressort nehmen", lambda: self.zustaendigkeit_setzen(False)))
        self.auswahl_anzeige = QLabel("")
        self.auswahl_anzeige.setAccessibleName("Anzahl der ausgewählten Leistungen")
        sammel.insertWidget(3, self.auswahl_anzeige)
        layout.addLayout(sammel)
        self.tabelle.tabelle.selectionModel().selectionChanged.connect(lambda *_a: self._auswahl_zeigen())
        self.tabelle.menue_ergaenzen([("&Behörde setzen …", lambda: self.sammel_bearbeiten("behoerde_id")),
                                      ("Ins &Ressort aufnehmen", lambda: self.zustaendigkeit_setzen(True)),
                                      ("Aus dem Ressort &nehmen", lambda: self.zustaendigkeit_setzen(False))])

    def sammel_bearbeiten(self, feld: str) -> None:
        """Set ``feld`` (the Behörde) for every selected Leistung: asks, then one undo step."""
        sammel_bearbeiten(self.tabelle, self.bearbeitung, "leistung", feld, self.dialog_ausfuehren)

    def tabellenseiten(self) -> list[TabellenSeite]:
        return [self.tabelle]

    def _auswahl_zeigen(self) -> None:
        n = len(self.tabelle.ausgewaehlte_ids())
        self.auswahl_anzeige.setText(f"{fmt.zahl(n)} ausgewählt" if n else "")

    def alle_auswaehlen(self) -> None:
        """Select every Leistung the filter shows, also those not fetched yet (the ids come from the worker)."""
        self.tabelle.alle_angezeigten_auswaehlen(lambda _n: self._auswahl_zeigen())

    def zustaendigkeit_setzen(self, im_ressort: bool) -> None:
        """Take the selected Leistungen into the Ressort (or out of it): one undo step, one transaction."""
        ids = self.tabelle.ausgewaehlte_ids()
        if not ids:
            self.auswahl_anzeige.setText("Bitte zuerst Leistungen auswählen.")
            return

        def fertig(angewandt: Any) -> None:
            if angewandt.befehl is None:  # all of them were so already
                self.auswahl_anzeige.setText("Keine Änderung nötig.")

        self.bearbeitung.ausfuehren(bauplan.zustaendigkeit_setzen(ids, im_ressort), initiator=self, erfolg=fertig)

    def bearbeiten(self, lid: str | None, feld: str | None = None) -> None:
        """Open the Leistung's form; ``feld`` (a field name of ``leistungen setzen``, e.g. from a
        finding of the check) focuses and marks that field. „projektleiter“ and „reifegrad“ open
        their own dialogs; an unknown name opens the plain form."""
        if not lid:
            return
        if feld == "projektleiter":
            self.projektleitung(lid)
            return
        if feld == "reifegrad":
            self.reifegrad(lid)
            return
        ziel = LEISTUNG_SPRUNG.get(feld or "")
        self.ops.lesen(stammdaten.leistung_formular, lid, ok=lambda f: self._bearbeiten(lid, f, ziel),
                       titel="OZG-Leistung nicht lesbar")

    def _bearbeiten(self, lid: str, f: stammdaten.LeistungFormular, ziel: str | None = None) -> None:
        w = f.daten.werte
        felder = [
            Feld("im_ressort", "Im &Ressort (Zuständigkeit)", "ja_nein"),
            Feld("behoerde_id", "Zuständige &Behörde", "auswahl", optionen=[(None, "– keine –")] + list(f.auswahl.behoerden)),
            Feld("typ", "&Typ", "auswahl", optionen=[(None, "– unbekannt –")] + [(t, t) for t in LEISTUNGSTYPEN]),
            Feld("prioritaet", "&Priorität (1–3)", "ganzzahl"),
            Feld("geplant_online", "&Geplant online ab", "datum"),
            Feld("ziel_reifegrad", "&Ziel-Reifegrad (0–4)", "ganzzahl"),
            Feld("bemerkung", "B&emerkung", "mehrzeilig"),
        ]
        verlauf = "; ".join(f"{fmt.datum(b[0])}: Stufe {b[2]} (Modell {b[1]})" for b in f.daten.bewertungen[:4]) or "noch keine"
        alt = {k: w[k] for k in (feld.schluessel for feld in felder)}
        dlg = FormularDialog(f"OZG-Leistung {w['ozg_id']}: {w['bezeichnung']}", felder, alt,
                             gesamtpruefung=lambda n: operation.entwurf_pruefen("leistung", n, basis=w),
                             hinweis=f"Reifegrad-Bewertungen: {verlauf}", parent=self)
        # the Verantwortliche are records of their own (not a column): their dialog, reachable from here
        zeile = _knopfzeile(("Projekt&leitung …", lambda: self.projektleitung(lid, parent=dlg)))
        _knopf(zeile, 0).setToolTip("Verantwortliche Personen dieser OZG-Leistung festlegen "
                                    "(ein eigener Schritt, sofort gespeichert)")
        unten = dlg.layout()
        if isinstance(unten, QVBoxLayout):
            unten.insertLayout(unten.indexOf(dlg.knoepfe), zeile)
        if ziel in dlg.formular.eingaben:
            _hervorheben(dlg.formular.widget(ziel))
        ergebnis = _bestaetigt(self.dialog_ausfuehren, dlg)
        if ergebnis is not None:
            neu = stammdaten.geaenderte(alt, ergebnis)
            if neu:
                self.bearbeitung.ausfuehren(bauplan.aendern("leistung", lid, neu, f"OZG-Leistung {w['ozg_id']} ändern",
                                                            basis=alt), initiator=self)

    def projektleitung(self, lid: str | None, parent: QWidget | None = None) -> None:
        """Tick the Leistung's Verantwortliche; OK writes the difference as one undo step."""
        if lid:
            self.ops.lesen(stammdaten.verantwortliche, lid, ok=lambda d: self._projektleitung(d, parent),
                           titel="OZG-Leistung nicht lesbar")

    def _projektleitung(self, daten: stammdaten.Verantwortliche, parent: QWidget | None = None) -> None:
        dlg = ProjektleitungDialog(daten, parent or self)
        if not self.dialog_ausfuehren(dlg):
            return
        gewaehlt = dlg.gewaehlte()
        if set(gewaehlt) != set(daten.gewaehlt):
            self.bearbeitung.ausfuehren(stammdaten.verantwortliche_setzen(daten.leistung_id, gewaehlt, daten.gewaehlt),
                                        initiator=self)

    def reifegrad(self, lid: str | None) -> None:
        if lid:
            self.ops.lesen(stammdaten.ozg_id, lid, ok=lambda ozg: self._reifegrad(lid, ozg),
                           titel="OZG-Leistung nicht lesbar")

    def _reifegrad(self, lid: str, ozg: str) -> None:
        felder = [
            Feld("datum", "&Datum", "datum", pflicht=True),
            Feld("modell", "&Modell", "auswahl", optionen=_enum(Reifegradmodell)),
            Feld("stufe", "&Stufe", "ganzzahl", pflicht=True),
            Feld("quelle", "&Quelle"),
            Feld("bemerkung", "&Bemerkung", "mehrzeilig"),
        ]
        dlg = FormularDialog(f"Reifegrad bewerten: OZG-Leistung {ozg}", felder,
                             {"datum": self.stichtag(), "modell": Reifegradmodell.V1_1},
                             gesamtpruefung=lambda n: operation.entwurf_pruefen("reifegrad_bewertung",
                                                                                {"leistung_id": lid, **n}),
                             parent=self)
        ergebnis = _bestaetigt(self.dialog_ausfuehren, dlg)
        if ergebnis is not None:
            self.bearbeitung.ausfuehren(operation.anlegen([("reifegrad_bewertung", {"leistung_id": lid, **ergebnis})],
                                                          f"Reifegrad für {ozg} bewerten"), initiator=self)


class ProjekteSeite(_Seite):
    def __init__(self, store: Store, runner: Any, bearbeitung: Bearbeitung, stichtag: Callable[[], date], *,
                 projekte: TabellenSeite | None = None, meilensteine: TabellenSeite | None = None) -> None:
        """``projekte``, ``meilensteine``: the lists the start-up stand-in already shows."""
        super().__init__()
        self.setObjectName("seite_projekte")
        self.store, self.bearbeitung = store, bearbeitung
        self.ops = bearbeitung.ops
        self.projekte = projekte if projekte is not None else TabellenSeite(store, tabellen.projekte(), runner)
        self.meilensteine = meilensteine if meilensteine is not None else TabellenSeite(
            store, tabellen.meilensteine(stichtag=stichtag()), runner)
        self.listen = QTabWidget()
        self.listen.setAccessibleName("Listen: Projekte und Meilensteine")
        self.listen.addTab(self.projekte, "&Projekte")
        self.listen.addTab(self.meilensteine, "Alle M&eilensteine")
        self.editor = ProjektEditor(store, runner, bearbeitung, stichtag)
        links = QWidget()
        ll = QVBoxLayout(links)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.listen)
        ll.addLayout(_knopfzeile(("Neues Pro&jekt …", self.neues_projekt)))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(links)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # In a scroll area: list and editor side by side need more width than a small screen at
        # 200 % has; then the page scrolls instead of forcing the window wider than the screen.
        rahmen = QScrollArea()
        rahmen.setWidgetResizable(True)
        rahmen.setFrameShape(QScrollArea.Shape.NoFrame)
        rahmen.setWidget(self.splitter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(rahmen)
        self.projekte.geoeffnet.connect(self.projekt_oeffnen)
        self.meilensteine.geoeffnet.connect(self.meilenstein_oeffnen)
        self.projekte.menue_ergaenzen([("&Ampel setzen …", lambda: self.sammel_bearbeiten("projekt", "ampel_gesamt")),
                                       ("&Behörde setzen …", lambda: self.sammel_bearbeiten("projekt", "behoerde_id"))])
        self.meilensteine.menue_ergaenzen([("&Status setzen …", lambda: self.sammel_bearbeiten("meilenstein", "status"))])

    def sammel_bearbeiten(self, tabelle: str, feld: str) -> None:
        """Bulk edit of the selected projects (Ampel, Behörde) or milestones (Status): one undo step."""
        seite = self.projekte if tabelle == "projekt" else self.meilensteine
        sammel_bearbeiten(seite, self.bearbeitung, tabelle, feld, self.dialog_ausfuehren)

    def tabellenseiten(self) -> list[TabellenSeite]:
        return [self.projekte, self.meilensteine]

    def haupttabelle(self) -> QWidget:
        """The list shown (Projekte or Alle Meilensteine): Datei › Ansicht exportieren … without a focused table."""
        return self.listen.currentWidget()

    @property
    def zeigt(self) -> frozenset[str]:
        """The lists' tables and the editor's (its data, its drop-downs, its payments)."""
        editor = EDITOR_TABELLEN | AUSWAHL_TABELLEN
        if self.editor.zahlungen is not None:
            editor |= self.editor.zahlungen.zeigt
        return super().zeigt | editor

    def neu_laden(self) -> None:
        super().neu_laden()
        self.editor.neu_laden()

    def aenderungen_erhalten(self, aenderungen: Aenderungen, initiator: object = None) -> None:
        """The lists reload if they show a written table; the editor decides for itself (it knows
        whether the user is mid-edit and whether it started the change)."""
        super().aenderungen_erhalten(aenderungen, initiator)
        self.editor.aenderungen_erhalten(aenderungen, initiator)

    def projekt_oeffnen(self, pid: str, danach: Callable[[], None] | None = None, ziel: str | None = None) -> bool:
        """Open ``pid`` in the editor (asks first if the open one has unsaved changes); ``danach``
        runs once its data is shown, then the editor shows the field ``ziel`` (a field name of
        ``projekte setzen``, e.g. from a finding of the check) if it can. False: the user chose to stay."""
        if ziel is not None:
            danach = self._mit_ziel(danach, ziel)
        if pid == self.editor.projekt_id:
            if danach is not None:
                danach()
            return True
        if not self.editor.darf_verlassen():
            return False
        self.editor.oeffnen(pid, danach=danach)
        return True

    def _mit_ziel(self, danach: Callable[[], None] | None, ziel: str) -> Callable[[], None]:
        """``danach``, then the editor's ``feld_zeigen(ziel)`` – looked up when it runs, so the page
        works with an editor that has no such method (it then just shows the project)."""
        def beides() -> None:
            if danach is not None:
                danach()
            zeigen = getattr(self.editor, "feld_zeigen", None)
            if callable(zeigen):
                zeigen(ziel)
        return beides

    def meilenstein_oeffnen(self, mid: str) -> None:
        """Open the milestone's project on the Meilensteine tab with the milestone selected."""
        def gefunden(pid: str | None) -> None:
            if pid is None:
                self.bearbeitung.fehler("Der Meilenstein ist nicht mehr vorhanden (inzwischen gelöscht).")
                return
            self.projekt_oeffnen(pid, danach=lambda: self._meilenstein_zeigen(mid))

        self.ops.lesen(bauplan.meilenstein_projekt, mid, ok=gefunden, titel="Meilenstein nicht lesbar")

    def _meilenstein_zeigen(self, mid: str) -> None:
        self.editor.reiter.setCurrentIndex(1)
        zeile = next((i for i, (id_, _w) in enumerate(self.editor.ms_modell.zeilen) if id_ == mid), -1)
        if zeile >= 0:
            self.editor.ms_tabelle.selectRow(zeile)
            self.editor.ms_tabelle.setFocus()

    def neues_projekt(self) -> None:
        self.ops.lesen(details.auswahl, ok=self._neues_projekt, titel="Auswahllisten nicht lesbar")

    def _neues_projekt(self, auswahl: details.Auswahl) -> None:
        dlg = FormularDialog("Neues Projekt", stammdaten_felder(auswahl, mit_kennung=True),
                             {"finanzierung": Finanzierung.VOLL},
                             gesamtpruefung=lambda w: operation.entwurf_pruefen("projekt", bauplan.projekt_entwurf(w)),
                             parent=self)
        ergebnis = _bestaetigt(self.dialog_ausfuehren, dlg)
        if ergebnis is None:
            return
        # the builder normalises the Kennung and refuses one that exists (checked in the write transaction)
        self.bearbeitung.ausfuehren(bauplan.projekt_anlegen(ergebnis), initiator=self,
                                    erfolg=lambda angewandt: self.projekt_oeffnen(angewandt.befehl.ids[0]))


class FinanzenSeite(_Seite):
    """All Mittelabflüsse of the Ressort; the totals row under the table sums the amounts of every
    payment the search and filters show (:mod:`ozgdesk.ui.summenzeile`)."""

    def __init__(self, store: Store, runner: Any, *, tabelle: TabellenSeite | None = None) -> None:
        """``tabelle``: the list the start-up stand-in already shows."""
        super().__init__()
        self.setObjectName("seite_finanzen")
        self.tabelle = tabelle if tabelle is not None else TabellenSeite(store, tabellen.mittelabfluesse(), runner)
        QVBoxLayout(self).addWidget(self.tabelle)

    def tabellenseiten(self) -> list[TabellenSeite]:
        return [self.tabelle]


class StammdatenDialog(QDialog):
    """Behörden or Personen: a list with „Neu …“, „Bearbeiten …“ and „Löschen“.

    A delete asks first (:meth:`loeschen_bestaetigen`); the model refuses it while other records
    refer to the record (:mod:`ozgdesk.model.verweise`), and its German reason is shown in the
    dialog's own message line (:attr:`meldung`) rather than in a box that hides the list.

    The list is read on the DB worker and reloaded from the window's broadcast whenever an
    operation wrote its table – the dialog's own edits, an undo, a sync running meanwhile."""

    def __init__(self, art: str, store: Store, bearbeitung: Bearbeitung, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.art, self.store, self.bearbeitung = art, store, bearbeitung
        self.ops = bearbeitung.ops
        self.bezeichnung = stammdaten.bezeichnung(art)
        self.setWindowTitle("Behörden" if art == "behoerde" else "Personen")
        spalten = ([("Kurzname", "text"), ("Name", "text"), ("Art", "enum"), ("Erstattungsanspruch", "ja_nein")]
                   if art == "behoerde" else [("Name", "text"), ("Funktion", "text"), ("Referat", "text"), ("E-Mail", "text")])
        self.modell = ListenModell(spalten)
        self.tabelle = _tabelle(self.modell, self.windowTitle())
        self.tabelle.doubleClicked.connect(lambda _i: self.bearbeiten())
        # a refusal is about the row it was given for: another row chosen, the message goes
        self.tabelle.selectionModel().currentRowChanged.connect(lambda *_a: self.meldung_zeigen(""))
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.rejected.connect(self.reject)
        self.meldung = QLabel()
        self.meldung.setObjectName("meldung")
        self.meldung.setWordWrap(True)
        self.meldung.setTextFormat(Qt.TextFormat.PlainText)
        thema.einfaerben(self.meldung, "fehlerbox")
        self.meldung.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabelle)
        layout.addWidget(self.meldung)
        layout.addLayout(_knopfzeile(("&Neu …", self.neu), ("&Bearbeiten …", self.bearbeiten),
                                     ("&Löschen", self.loeschen)))
        layout.addWidget(knoepfe)
        self.setMinimumSize(self.fontMetrics().averageCharWidth() * 135, self.fontMetrics().height() * 22)
        self.ops.daten_geaendert.connect(self.aenderungen_erhalten)
        self.finished.connect(self._abmelden)
        self.laden()

    def _abmelden(self, *_a: object) -> None:
        """Closed: stop listening (the window keeps the dialog object as its child)."""
        try:
            self.ops.daten_geaendert.disconnect(self.aenderungen_erhalten)
        except (RuntimeError, TypeError):  # already disconnected (closed twice)
            pass

    def laden(self) -> None:
        self.ops.lesen(stammdaten.liste, self.art, ok=self._geladen, titel=f"{self.windowTitle()} nicht lesbar")

    def _geladen(self, zeilen: list[tuple[str, tuple[Any, ...]]]) -> None:
        self.modell.setzen(zeilen)
        self.tabelle.resizeColumnsToContents()

    def aenderungen_erhalten(self, aenderungen: Aenderungen, _initiator: object = None) -> None:
        if aenderungen.betrifft({self.art}):
            self.laden()

    def felder(self, auswahl: details.Auswahl) -> list[Feld]:
        if self.art == "behoerde":
            return [Feld("kurzname", "&Kurzname"), Feld("name", "&Name", pflicht=True),
                    Feld("art", "&Art", "auswahl", optionen=_enum(Verwaltungsart)),
                    Feld("erstattungsanspruch", "&Erstattungsanspruch", "ja_nein"),
                    Feld("anschrift", "An&schrift", "mehrzeilig")]
        return [Feld("name", "&Name", pflicht=True), Feld("funktion", "&Funktion"), Feld("referat", "&Referat"),
                Feld("behoerde_id", "&Behörde", "auswahl", optionen=[(None, "– Ministerium –")] + list(auswahl.behoerden)),
                Feld("email", "&E-Mail"), Feld("telefon", "&Telefon")]

    def dialog_ausfuehren(self, d: QDialog) -> bool:
        return d.exec() == QDialog.DialogCode.Accepted

    def neu(self) -> None:
        self.ops.lesen(stammdaten.formular, self.art, ok=self._formular, titel=f"{self.windowTitle()} nicht lesbar")

    def _aktuelle_id(self) -> str | None:
        idx = self.tabelle.currentIndex()
        return self.modell.id_von(idx.row()) if idx.isValid() else None

    def meldung_zeigen(self, text: str) -> None:
        self.meldung.setText(text)
        self.meldung.setVisible(bool(text))

    def loeschen_bestaetigen(self, name: str) -> bool:
        """Ask before deleting (tests replace this)."""
        antwort = QMessageBox.question(
            self, f"{self.bezeichnung} löschen", f"{self.bezeichnung} „{name}“ wirklich löschen?\n\n"
            "Das lässt sich mit Bearbeiten › Rückgängig zurücknehmen.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return antwort == QMessageBox.StandardButton.Yes

    def loeschen(self) -> None:
        """Delete the selected record (undoable); a refusal (still referred to) shows its reason here."""
        id_ = self._aktuelle_id()
        if not id_:
            self.meldung_zeigen(f"Bitte zuerst eine {self.bezeichnung} in der Liste auswählen.")
            return
        zeile = self.tabelle.currentIndex().row()
        werte = self.modell.zeilen[zeile][1] if 0 <= zeile < len(self.modell.zeilen) else ()
        name = str(next((w for w in werte[:2] if w), "")) if werte else ""  # Kurzname (else Name) / Name
        if not self.loeschen_bestaetigen(name):
            return
        self.meldung_zeigen("")
        self.bearbeitung.ausfuehren(operation.loeschen([(self.art, id_)], f"{self.bezeichnung} „{name}“ löschen"),
                                    initiator=self, fehler=lambda e: self.meldung_zeigen(fmt.fehlertext(e)))

    def bearbeiten(self) -> None:
        id_ = self._aktuelle_id()
        if id_:
            self.ops.lesen(stammdaten.formular, self.art, id_, ok=self._formular,
                           titel=f"{self.bezeichnung} nicht lesbar")

    def _formular(self, daten: stammdaten.Formulardaten) -> None:
        """The form for a new record (``daten.werte`` None) or an existing one; the duplicate
        warning is read on the worker when the user presses „OK“."""
        felder = self.felder(daten.auswahl)
        alt = daten.werte
        alt_felder = {f.schluessel: alt[f.schluessel] for f in felder} if alt is not None else None
        store, art = self.store, self.art

        def doppelte(w: dict[str, Any]) -> list[Any]:  # on the DB worker (the dialog's runner)
            return operation.lesen(store, stammdaten.doppelte, art, w, daten.id)

        dlg = FormularDialog(f"{self.bezeichnung} bearbeiten" if alt is not None else f"Neu: {self.bezeichnung}",
                             felder, alt_felder,
                             gesamtpruefung=lambda w: operation.entwurf_pruefen(art, w, basis=alt),
                             hinweise=doppelte, runner=self.ops.runner, parent=self)
        ergebnis = _bestaetigt(self.dialog_ausfuehren, dlg)
        if ergebnis is None:
            return
        if daten.id is None:
            self.bearbeitung.ausfuehren(operation.anlegen([(self.art, ergebnis)], f"{self.bezeichnung} anlegen"),
                                        initiator=self)
            return
        neu = stammdaten.geaenderte(alt_felder or {}, ergebnis)
        if neu:
            self.bearbeitung.ausfuehren(bauplan.aendern(self.art, daten.id, neu, f"{self.bezeichnung} ändern",
                                                        basis=alt_felder), initiator=self)
