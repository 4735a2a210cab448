"""Keyboard help of the main window: Strg+K (search everywhere) finds a record and Enter opens it,
F1 opens the manual at the chapter of the page in use, Hilfe › Tastenkürzel lists the real
shortcuts, Ansicht › Design switches and is kept, the accessibility statement names its contact."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from ozgdesk import hilfe
from ozgdesk.model import Meilenstein, Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.ui import thema
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.einstellungen import BARRIEREFREIHEIT_KONTAKT, DESIGN, design_lesen
from ozgdesk.ui.hauptfenster import SEITEN, Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from ozgdesk.ui.tastenkuerzel import taste_deutsch


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda _titel, text: f.meldungen.append(text)
    qtbot.addWidget(f)
    f.seite("projekte").editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    f.show()
    f.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is f)
    yield f
    f.runner.warten()


def _aktion(fenster, kuerzel: str):  # noqa: ANN001, ANN202
    return next(a for m in fenster.menuBar().actions() for a in m.menu().actions()
                if QKeySequence(kuerzel) in a.shortcuts())


# ------------------------------------------------------------------------------------- Strg+K
def test_strg_k_findet_meilenstein_an_einem_wort_und_eingabe_oeffnet_ihn(fenster, qtbot):  # noqa: ANN001
    with fenster.store.session() as s:  # a milestone only one project has
        pid = s.query(Projekt.id).filter(Projekt.kennung == "BMAS-2024-05").scalar()
        ms = Meilenstein(projekt_id=pid, titel="Abnahme der Schnittstelle zur Rentenversicherung",
                         plan_datum=STICHTAG, prognose_datum=STICHTAG)
        s.add(ms)
        s.flush()
        mid = ms.id
    qtbot.keyClick(fenster, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    suche = fenster.suchfenster
    assert suche.isVisible()
    qtbot.waitUntil(suche.feld.hasFocus)  # the window activates asynchronously
    qtbot.keyClicks(suche.feld, "schnittstelle")
    qtbot.waitUntil(lambda: bool(suche.treffer))
    ms_treffer = [t for t in suche.treffer if t.art == "meilenstein"]
    assert [t.id for t in ms_treffer] == [mid]
    assert suche.liste.topLevelItem(0).text(0) == "Meilenstein"  # kinds in order: no project is called so
    assert ms_treffer[0].kontext.startswith(f"BMAS-2024-05 · {STICHTAG:%d.%m.%Y} · ")
    qtbot.keyClick(suche.feld, Qt.Key.Key_Return)
    assert not suche.isVisible()
    projekte = fenster.seite("projekte")
    assert fenster.aktuelle_seite() == "projekte" and projekte.editor.projekt_id == pid
    editor = projekte.editor
    assert editor.reiter.currentIndex() == 1
    assert editor.ms_modell.id_von(editor.ms_tabelle.currentIndex().row()) == mid


def test_suche_mit_pfeiltasten_umlaut_tolerant_und_behoerde_oeffnen(fenster, qtbot):  # noqa: ANN001
    suche = fenster.globale_suche()
    qtbot.keyClicks(suche.feld, "Fuhrerschein")
    qtbot.waitUntil(lambda: bool(suche.treffer))
    assert any(t.titel == "10169 Führerschein" for t in suche.treffer)
    suche.feld.clear()
    suche.suchen_jetzt()
    assert suche.status.text() == "Mindestens zwei Zeichen eingeben." and not suche.treffer
    suche.feld.setText("Bundesagentur")
    suche.suchen_jetzt()
    behoerden = [i for i, t in enumerate(suche.treffer) if t.art == "behoerde"]
    assert behoerden
    for _ in range(behoerden[0]):
        qtbot.keyClick(suche.feld, Qt.Key.Key_Down)
    assert suche.gewaehlter().art == "behoerde" and suche.feld.hasFocus()
    geoeffnet = []
    fenster.stammdaten = lambda art, auswahl=None: geoeffnet.append((art, auswahl))
    qtbot.keyClick(suche.feld, Qt.Key.Key_Enter)
    assert geoeffnet == [("behoerde", suche.treffer[behoerden[0]].id)]
    suche.feld.setText("xyzzy-gibt-es-nicht")
    suche.suchen_jetzt()
    assert suche.status.text() == "Keine Treffer für „xyzzy-gibt-es-nicht“."


# ------------------------------------------------------------------------------------- F1
def test_f1_oeffnet_das_handbuch_beim_kapitel_der_seite(fenster, qtbot):  # noqa: ANN001
    fenster.zeigen("berichte")
    qtbot.keyClick(fenster, Qt.Key.Key_F1)
    handbuch = fenster.handbuch
    assert handbuch.isVisible() and handbuch.aktuelles == "berichte"
    assert "Berichte und Einreichung" in handbuch.text.toPlainText()
    assert handbuch.inhalt.currentItem().text() == "Berichte und Einreichung"

    projekte = fenster.zeigen("projekte")
    projekte.projekt_oeffnen(projekte.projekte.modell.zeilen_id(0))
    projekte.editor.reiter.setCurrentIndex(3)  # Zahlungsplan: its own chapter
    fenster.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is fenster)
    qtbot.keyClick(fenster, Qt.Key.Key_F1)
    assert handbuch.aktuelles == "zahlungsplan" and "Als neue Version speichern" in handbuch.text.toPlainText()
    projekte.editor.reiter.setCurrentIndex(0)
    assert fenster.hilfe_kapitel() == "projekte"

    # a link to another chapter opens it there; „Zurück“ returns
    from PySide6.QtCore import QUrl

    handbuch.text.anchorClicked.emit(QUrl("meilensteine.md"))
    assert handbuch.aktuelles == "meilensteine"
    handbuch.zurueck.click()
    assert handbuch.aktuelles == "zahlungsplan"


def test_jede_seite_hat_ein_kapitel_und_jeder_verweis_ein_ziel():
    schluessel = {k.schluessel for k in hilfe.kapitel()}
    for seite, _titel in SEITEN:
        assert hilfe.kapitel_fuer(seite) in schluessel
    assert set(hilfe.SEITEN_KAPITEL.values()) | set(hilfe.REITER_KAPITEL.values()) <= schluessel
    for k in hilfe.kapitel():
        text = hilfe.text(k.schluessel)
        assert text.startswith(f"# {k.titel}\n")
        for ziel in hilfe.links(text):
            assert ziel.startswith(("https://", "mailto:")) or hilfe.schluessel_fuer_link(ziel), f"{k.datei}: {ziel}"
    assert [k.schluessel for k in hilfe.kapitel()][:3] == ["start", "leistungen", "projekte"]


def test_erklaerung_zur_barrierefreiheit_nach_bitv_und_mit_kontakt(fenster):  # noqa: ANN001
    text = hilfe.text(hilfe.ERKLAERUNG)
    for abschnitt in ("## Stand der Vereinbarkeit mit den Anforderungen", "## Nicht barrierefreie Inhalte",
                      "## Erstellung dieser Erklärung", "## Feedback und Kontakt", "## Schlichtungsverfahren"):
        assert abschnitt in text
    assert "07.12.2026" in text and "§ 16 BGG" in text and "PDF/UA" in text and "teilweise" in text
    assert hilfe.KONTAKT_FEHLT in text  # nothing set: says where to set it

    def ausfuellen(d) -> bool:  # noqa: ANN001 - Datei › Einstellungen …, filled in as a user would
        d.kontakt.setPlainText("Referat Z c 4, barrierefreiheit@bmas.bund.de")
        return True

    fenster.dialog_ausfuehren = ausfuellen
    fenster.einstellungen_oeffnen()
    assert BARRIEREFREIHEIT_KONTAKT.lesen(fenster.einstellungen) == "Referat Z c 4, barrierefreiheit@bmas.bund.de"
    handbuch = fenster.erklaerung_zeigen()
    assert handbuch.aktuelles == "erklaerung"
    assert "barrierefreiheit@bmas.bund.de" in handbuch.text.toPlainText()
    assert "Noch keine Kontaktstelle" not in handbuch.text.toPlainText()


# ------------------------------------------------------------------------------------- Tastenkürzel
def test_tastenkuerzel_aus_den_aktionen(fenster):  # noqa: ANN001
    d = fenster.tastenkuerzel_zeigen()
    zeilen = d.zeilen()
    assert ("Bearbeiten", "Überall suchen", "Strg+K") in zeilen
    assert ("Hilfe", "Handbuch", "F1") in zeilen
    assert ("Datei", "Datenbank öffnen", "Strg+O") in zeilen
    assert ("Bearbeiten", "Wiederholen", "Strg+Y, Strg+Umschalt+Z") in zeilen
    assert ("Ansicht", "Projekte", "Strg+3") in zeilen
    # generated, not written down: a new action with a shortcut appears at once
    neu = _aktion(fenster, "Ctrl+K")
    neu.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+F")])
    assert ("Bearbeiten", "Überall suchen", "Strg+K, Strg+Umschalt+F") in fenster.tastenkuerzel_zeigen().zeilen()
    d.filter.setText("strg+k")
    assert [z[1] for z in d.zeilen()] == ["Überall suchen"]
    assert taste_deutsch(QKeySequence("Ctrl+Shift+Del")) == "Strg+Umschalt+Entf"
    assert taste_deutsch(QKeySequence("Alt+Down")) == "Alt+Pfeil runter"


# ------------------------------------------------------------------------------------- Design
def test_design_wechseln_und_behalten(fenster, design_zuruecksetzen):  # noqa: ANN001
    app = anwendung()
    fenster.design_aktionen["kontrast"].trigger()
    assert thema.aktuell() == "kontrast" and DESIGN.lesen(fenster.einstellungen) == "kontrast"
    assert app.palette().color(app.palette().ColorRole.Window).name() == "#000000"
    assert fenster.design_aktionen["kontrast"].isChecked() and not fenster.design_aktionen["hell"].isChecked()
    fenster.design_aktionen["dunkel"].trigger()
    assert design_lesen(fenster.einstellungen) == "dunkel"
    fenster.design_setzen("hell")
    assert thema.aktuell() == "hell" and design_lesen(fenster.einstellungen) == "hell"


def test_designwechsel_mit_offenen_fenstern_und_dialogen(fenster, qtbot, design_zuruecksetzen):  # noqa: ANN001
    """Switching with the editor, the manual, the search and closed dialogs around – among them a
    wizard, whose pages Qt polishes with the application style – once crashed the process (Fusion
    was replaced under the application's style sheet)."""
    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    assistent = Einrichtungsassistent()
    qtbot.addWidget(assistent)
    assistent.show()
    assistent.close()
    projekte = fenster.zeigen("projekte")
    projekte.projekt_oeffnen(projekte.projekte.modell.zeilen_id(2))
    projekte.editor.feld_zeigen("ampel_kosten_grund")  # a widget with its own style sheet (the highlight)
    fenster.handbuch_zeigen()
    fenster.globale_suche().close()
    fenster.tastenkuerzel_zeigen().close()
    editor = projekte.editor
    editor.dialog_ausfuehren = lambda d: d.show() or d.hide() or False
    editor.meilenstein_neu()
    for _runde in range(2):
        for name in ("dunkel", "kontrast", "hell"):
            fenster.design_setzen(name)
            for w in QApplication.topLevelWidgets():
                if w.isVisible():
                    w.grab()  # paint everything in the new design
    assert thema.aktuell() == "hell" and fenster.isVisible()
