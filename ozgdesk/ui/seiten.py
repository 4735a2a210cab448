"""The main views built from table pages: Leistungen, Projekte (with the editor), Finanzen, Änderungen;
and the small Stammdaten dialogs (Behörden, Personen)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QDialogButtonBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from ozgdesk.model import bearbeiten, details, hinweise, tabellen
from ozgdesk.model.katalog import Leistung, ReifegradBewertung
from ozgdesk.model.organisation import Behoerde, Person
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.store import Store
from ozgdesk.model.values import Ampel, Finanzierung, Reifegradmodell, Verwaltungsart, LEISTUNGSTYPEN
from ozgdesk.ui import format as fmt
from ozgdesk.ui.formular import Feld, FormularDialog
from ozgdesk.ui.listenmodell import ListenModell
from ozgdesk.ui.projekteditor import ProjektEditor, _enum, _knopfzeile, _tabelle, projekt_pruefen, stammdaten_felder
from ozgdesk.ui.tabellenseite import TabellenSeite
from ozgdesk.ui.undo import Bearbeitung


class _Seite(QWidget):
    """Common base: a page has ``tabellen`` it shows and reloads when they change."""

    zeigt: set[str] = set()

    def dialog_ausfuehren(self, d: QDialog) -> bool:
        return d.exec() == QDialog.DialogCode.Accepted


class LeistungenSeite(_Seite):
    zeigt = {"leistung", "reifegrad_bewertung", "behoerde"}

    def __init__(self, store: Store, runner: Any, bearbeitung: Bearbeitung, stichtag: Callable[[], date]) -> None:
        super().__init__()
        self.setObjectName("seite_leistungen")
        self.store, self.bearbeitung, self.stichtag = store, bearbeitung, stichtag
        self.tabelle = TabellenSeite(store, tabellen.leistungen(), runner, voreinstellung={"umfang": "ressort"},
                                     mehrfachauswahl=True)
        self.tabelle.geoeffnet.connect(self.bearbeiten)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabelle)
        layout.addLayout(_knopfzeile(("&Bearbeiten …", lambda: self.bearbeiten(self.tabelle.aktuelle_id())),
                                     ("&Reifegrad bewerten …", lambda: self.reifegrad(self.tabelle.aktuelle_id()))))
        # bulk: the Zuständigkeit is what a coordinator sets for many Leistungen at once (as „katalog scope“ does)
        sammel = _knopfzeile(("&Alle angezeigten auswählen", self.alle_auswaehlen),
                             ("Ins Ressort auf&nehmen", lambda: self.zustaendigkeit_setzen(True)),
                             ("Aus dem Ressort ne&hmen", lambda: self.zustaendigkeit_setzen(False)))
        self.auswahl_anzeige = QLabel("")
        self.auswahl_anzeige.setAccessibleName("Anzahl der ausgewählten Leistungen")
        sammel.insertWidget(3, self.auswahl_anzeige)
        layout.addLayout(sammel)
        self.tabelle.tabelle.selectionModel().selectionChanged.connect(lambda *_a: self._auswahl_zeigen())

    def _auswahl_zeigen(self) -> None:
        n = len(self.tabelle.ausgewaehlte_ids())
        self.auswahl_anzeige.setText(f"{fmt.zahl(n)} ausgewählt" if n else "")

    def alle_auswaehlen(self) -> None:
        self.tabelle.alle_angezeigten_auswaehlen()
        self._auswahl_zeigen()

    def zustaendigkeit_setzen(self, im_ressort: bool) -> None:
        """Take the selected Leistungen into the Ressort (or out of it): one undo step, one transaction."""
        ids = self.tabelle.ausgewaehlte_ids()
        with self.store.lesen() as s:
            zu_aendern = list(s.execute(select(Leistung.id).where(Leistung.id.in_(ids),
                                                                  Leistung.im_ressort.is_not(im_ressort))).scalars())
        if not zu_aendern:
            self.auswahl_anzeige.setText("Keine Änderung nötig." if ids else "Bitte zuerst Leistungen auswählen.")
            return
        text = (f"{fmt.zahl(len(zu_aendern))} OZG-Leistungen " + ("ins Ressort aufnehmen" if im_ressort else "aus dem Ressort nehmen"))
        self.bearbeitung.ausfuehren(bearbeiten.Folge(
            [bearbeiten.FelderSetzen(Leistung, lid, {"im_ressort": im_ressort}) for lid in zu_aendern], text))

    def neu_laden(self) -> None:
        self.tabelle.neu_laden()

    def bearbeiten(self, lid: str | None) -> None:
        if not lid:
            return
        with self.store.lesen() as s:
            d = details.leistung(s, lid)
            auswahl = details.auswahl(s)
        w = d.werte
        felder = [
            Feld("im_ressort", "Im &Ressort (Zuständigkeit)", "ja_nein"),
            Feld("behoerde_id", "Zuständige &Behörde", "auswahl", optionen=[(None, "– keine –")] + list(auswahl.behoerden)),
            Feld("typ", "&Typ", "auswahl", optionen=[(None, "– unbekannt –")] + [(t, t) for t in LEISTUNGSTYPEN]),
            Feld("prioritaet", "&Priorität (1–3)", "ganzzahl"),
            Feld("geplant_online", "&Geplant online ab", "datum"),
            Feld("ziel_reifegrad", "&Ziel-Reifegrad (0–4)", "ganzzahl"),
            Feld("bemerkung", "B&emerkung", "mehrzeilig"),
        ]
        verlauf = "; ".join(f"{b[0]:%d.%m.%Y}: Stufe {b[2]} (Modell {b[1]})" for b in d.bewertungen[:4]) or "noch keine"
        alt = {k: w[k] for k in (f.schluessel for f in felder)}
        dlg = FormularDialog(f"OZG-Leistung {w['ozg_id']}: {w['bezeichnung']}", felder, alt,
                             gesamtpruefung=lambda n: Leistung(**{**w, **n}).pruefen(),
                             hinweis=f"Reifegrad-Bewertungen: {verlauf}", parent=self)
        if self.dialog_ausfuehren(dlg):
            neu = {k: v for k, v in dlg.ergebnis.items() if alt.get(k) != v}
            if neu:
                self.bearbeitung.ausfuehren(bearbeiten.FelderSetzen(Leistung, lid, neu, f"OZG-Leistung {w['ozg_id']} ändern"))

    def reifegrad(self, lid: str | None) -> None:
        if not lid:
            return
        with self.store.lesen() as s:
            ozg = s.get(Leistung, lid).ozg_id
        felder = [
            Feld("datum", "&Datum", "datum", pflicht=True),
            Feld("modell", "&Modell", "auswahl", optionen=_enum(Reifegradmodell)),
            Feld("stufe", "&Stufe", "ganzzahl", pflicht=True),
            Feld("quelle", "&Quelle"),
            Feld("bemerkung", "&Bemerkung", "mehrzeilig"),
        ]
        dlg = FormularDialog(f"Reifegrad bewerten: OZG-Leistung {ozg}", felder,
                             {"datum": self.stichtag(), "modell": Reifegradmodell.V1_1},
                             gesamtpruefung=lambda n: ReifegradBewertung(leistung_id=lid, **n).pruefen(), parent=self)
        if self.dialog_ausfuehren(dlg):
            self.bearbeitung.ausfuehren(bearbeiten.Anlegen([(ReifegradBewertung, {"leistung_id": lid, **dlg.ergebnis})],
                                                           f"Reifegrad für {ozg} bewerten"))


class ProjekteSeite(_Seite):
    zeigt = {"projekt", "projekt_leistung", "meilenstein", "meilenstein_verschiebung", "arbeitspaket", "zahlungsplan",
             "zahlungsplan_position", "mittelabfluss", "aufwand", "behoerde", "person"}

    def __init__(self, store: Store, runner: Any, bearbeitung: Bearbeitung, stichtag: Callable[[], date]) -> None:
        super().__init__()
        self.setObjectName("seite_projekte")
        self.store, self.bearbeitung = store, bearbeitung
        self.projekte = TabellenSeite(store, tabellen.projekte(), runner)
        self.meilensteine = TabellenSeite(store, tabellen.meilensteine(stichtag=stichtag()), runner)
        self.listen = QTabWidget()
        self.listen.addTab(self.projekte, "&Projekte")
        self.listen.addTab(self.meilensteine, "Alle Meilen&steine")
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

    def neu_laden(self) -> None:
        self.projekte.neu_laden()
        self.meilensteine.neu_laden()
        self.editor.neu_laden()

    def projekt_oeffnen(self, pid: str) -> bool:
        if pid == self.editor.projekt_id:
            return True
        if not self.editor.darf_verlassen():
            return False
        self.editor.oeffnen(pid)
        return True

    def meilenstein_oeffnen(self, mid: str) -> None:
        from ozgdesk.model.projekte import Meilenstein

        with self.store.lesen() as s:
            pid = s.get(Meilenstein, mid).projekt_id
        if self.projekt_oeffnen(pid):
            self.editor.reiter.setCurrentIndex(1)
            zeile = next((i for i, (id_, _w) in enumerate(self.editor.ms_modell.zeilen) if id_ == mid), -1)
            if zeile >= 0:
                self.editor.ms_tabelle.selectRow(zeile)
                self.editor.ms_tabelle.setFocus()

    def neues_projekt(self) -> None:
        with self.store.lesen() as s:
            auswahl = details.auswahl(s)
        dlg = FormularDialog("Neues Projekt", stammdaten_felder(auswahl, mit_kennung=True),
                             {"finanzierung": Finanzierung.VOLL},
                             gesamtpruefung=projekt_pruefen, parent=self)
        if not self.dialog_ausfuehren(dlg):
            return
        w = dlg.ergebnis
        w["kennung"] = w["kennung"].strip().upper()
        with self.store.lesen() as s:
            if s.execute(select(Projekt.id).where(Projekt.kennung == w["kennung"])).first():
                self.bearbeitung.fehler(f"Ein Projekt mit der Kennung {w['kennung']} gibt es schon.")
                return
        befehl = bearbeiten.Anlegen([(Projekt, {**w, "ampel_gesamt": Ampel.GRUEN})], f"Projekt {w['kennung']} anlegen")
        if self.bearbeitung.ausfuehren(befehl):
            self.editor.oeffnen(befehl.ids[0])


class FinanzenSeite(_Seite):
    zeigt = {"mittelabfluss"}

    def __init__(self, store: Store, runner: Any) -> None:
        super().__init__()
        self.setObjectName("seite_finanzen")
        self.tabelle = TabellenSeite(store, tabellen.mittelabfluesse(), runner)
        QVBoxLayout(self).addWidget(self.tabelle)

    def neu_laden(self) -> None:
        self.tabelle.neu_laden()


class AenderungenSeite(_Seite):
    zeigt = {"*"}

    def __init__(self, store: Store, runner: Any) -> None:
        super().__init__()
        self.setObjectName("seite_aenderungen")
        self.tabelle = TabellenSeite(store, tabellen.aenderungen(), runner)
        QVBoxLayout(self).addWidget(self.tabelle)

    def neu_laden(self) -> None:
        self.tabelle.neu_laden()


class StammdatenDialog(QDialog):
    """Behörden or Personen: a list with „Neu …“ and „Bearbeiten …“."""

    def __init__(self, art: str, store: Store, bearbeitung: Bearbeitung, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.art, self.store, self.bearbeitung = art, store, bearbeitung
        self.klasse = Behoerde if art == "behoerde" else Person
        self.setWindowTitle("Behörden" if art == "behoerde" else "Personen")
        spalten = ([("Kurzname", "text"), ("Name", "text"), ("Art", "enum"), ("Erstattungsanspruch", "ja_nein")]
                   if art == "behoerde" else [("Name", "text"), ("Funktion", "text"), ("Referat", "text"), ("E-Mail", "text")])
        self.modell = ListenModell(spalten)
        self.tabelle = _tabelle(self.modell, self.windowTitle())
        self.tabelle.doubleClicked.connect(lambda _i: self.bearbeiten())
        knoepfe = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        knoepfe.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabelle)
        layout.addLayout(_knopfzeile(("&Neu …", self.neu), ("&Bearbeiten …", self.bearbeiten)))
        layout.addWidget(knoepfe)
        self.setMinimumSize(self.fontMetrics().averageCharWidth() * 135, self.fontMetrics().height() * 22)
        self.laden()

    def laden(self) -> None:
        with self.store.lesen() as s:
            self.auswahl = details.auswahl(s)
            if self.art == "behoerde":
                zeilen = [(b.id, (b.kurzname, b.name, b.art, b.erstattungsanspruch))
                          for b in s.execute(select(Behoerde).order_by(Behoerde.kurzname)).scalars()]
            else:
                zeilen = [(p.id, (p.name, p.funktion, p.referat, p.email))
                          for p in s.execute(select(Person).order_by(Person.name)).scalars()]
        self.modell.setzen(zeilen)
        self.tabelle.resizeColumnsToContents()

    def felder(self) -> list[Feld]:
        if self.art == "behoerde":
            return [Feld("kurzname", "&Kurzname"), Feld("name", "&Name", pflicht=True),
                    Feld("art", "&Art", "auswahl", optionen=_enum(Verwaltungsart)),
                    Feld("erstattungsanspruch", "&Erstattungsanspruch", "ja_nein"),
                    Feld("anschrift", "An&schrift", "mehrzeilig")]
        return [Feld("name", "&Name", pflicht=True), Feld("funktion", "&Funktion"), Feld("referat", "&Referat"),
                Feld("behoerde_id", "&Behörde", "auswahl", optionen=[(None, "– Ministerium –")] + list(self.auswahl.behoerden)),
                Feld("email", "&E-Mail"), Feld("telefon", "&Telefon")]

    def dialog_ausfuehren(self, d: QDialog) -> bool:
        return d.exec() == QDialog.DialogCode.Accepted

    def warnungen(self, w: dict[str, Any], ausser_id: str | None = None) -> list[hinweise.Hinweis]:
        """Same name as an existing Behörde/Person: often the same one entered twice."""
        with self.store.lesen() as s:
            if self.art == "behoerde":
                return hinweise.behoerde(s, w.get("name") or "", w.get("kurzname") or "", ausser_id=ausser_id)
            return hinweise.person(s, w.get("name") or "", ausser_id=ausser_id)

    def neu(self) -> None:
        dlg = FormularDialog("Neu: " + self.klasse.__label__, self.felder(), None,
                             gesamtpruefung=lambda w: self.klasse(**w).pruefen(), hinweise=self.warnungen, parent=self)
        if self.dialog_ausfuehren(dlg):
            self.bearbeitung.ausfuehren(bearbeiten.Anlegen([(self.klasse, dlg.ergebnis)], f"{self.klasse.__label__} anlegen"))
            self.laden()

    def bearbeiten(self) -> None:
        idx = self.tabelle.currentIndex()
        id_ = self.modell.id_von(idx.row()) if idx.isValid() else None
        if not id_:
            return
        with self.store.lesen() as s:
            alt = bearbeiten.spaltenwerte(s.get(self.klasse, id_))
        felder = self.felder()
        alt_felder = {f.schluessel: alt[f.schluessel] for f in felder}
        dlg = FormularDialog(f"{self.klasse.__label__} bearbeiten", felder, alt_felder,
                             gesamtpruefung=lambda w: self.klasse(**{**alt, **w}).pruefen(),
                             hinweise=lambda w: self.warnungen(w, ausser_id=id_), parent=self)
        if self.dialog_ausfuehren(dlg):
            neu = {k: v for k, v in dlg.ergebnis.items() if alt_felder.get(k) != v}
            if neu:
                self.bearbeitung.ausfuehren(bearbeiten.FelderSetzen(self.klasse, id_, neu, f"{self.klasse.__label__} ändern"))
                self.laden()
