"""The Änderungsprotokoll page as a user sees it: German values and names, filters that narrow the
list, Enter or a double-click opens the record (pytest-qt, offscreen, synchronous runner)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from ozgdesk.model import Meilenstein, Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.operationen import projekt as op_projekt
from ozgdesk.model.values import Ampel
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.protokollseite import SPALTEN, AenderungenSeite
from ozgdesk.ui.runner import SofortRunner
from tests.test_protokollansicht import ERIKA, KENNUNG, MAX, bearbeitungen_eintragen


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    bearbeitungen_eintragen(demo_store)
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "einstellungen.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda titel, text: f.meldungen.append(text)
    seite_bauen = f.seite

    def seite(schluessel):  # noqa: ANN001, ANN202 - never block on the editor's "unsaved changes" question
        w = seite_bauen(schluessel)
        if schluessel == "projekte":
            w.editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
        return w
    f.seite = seite
    qtbot.addWidget(f)
    f.resize(1400, 860)
    f.show()
    yield f
    f.runner.warten()


def _seite(fenster) -> AenderungenSeite:  # noqa: ANN001
    seite = fenster.zeigen("aenderungen")
    assert isinstance(seite, AenderungenSeite)
    return seite


def _spalte(schluessel: str) -> int:
    return next(i for i, (k, _t) in enumerate(SPALTEN) if k == schluessel)


def _zeilen(seite: AenderungenSeite) -> list[dict[str, str]]:
    """Every row as the table shows it (display texts by column key)."""
    m = seite.modell
    return [{k: m.data(m.index(r, i)) for i, (k, _t) in enumerate(SPALTEN)} for r in range(m.rowCount())]


def _waehlen(box, code: str) -> None:  # noqa: ANN001
    index = box.findData(code)
    assert index >= 0, f"{code!r} nicht in {[box.itemData(i) for i in range(box.count())]}"
    box.setCurrentIndex(index)


def _zeile_mit(seite: AenderungenSeite, **werte: str) -> int:
    zeilen = _zeilen(seite)
    treffer = [r for r, z in enumerate(zeilen) if all(z[k] == v for k, v in werte.items())]
    assert len(treffer) == 1, (werte, zeilen[:5])
    return treffer[0]


def _projekt_id(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(Projekt.id).where(Projekt.kennung == KENNUNG)).scalar_one()


def test_seite_zeigt_deutsche_werte_und_namen(fenster):
    seite = _seite(fenster)
    _waehlen(seite.person, ERIKA)
    zeilen = _zeilen(seite)
    ampel = zeilen[_zeile_mit(seite, feld="Ampel gesamt")]
    assert (ampel["alt"], ampel["neu"]) == ("rot", "grün")
    assert ampel["datensatz"] == "BMAS-2024-05 – Online-Rentenantrag"
    assert (ampel["benutzer"], ampel["quelle"], ampel["aktion"]) == (ERIKA, "Oberfläche", "geändert")
    index = seite.modell.index(_zeile_mit(seite, feld="Ampel gesamt"), _spalte("datensatz"))
    assert seite.modell.data(index, Qt.ItemDataRole.ToolTipRole).startswith("Projekt: BMAS-2024-05 – Online-Rentenantrag\n")
    assert ampel["zeit"] == "20.03.2025 " + ampel["zeit"][-5:]
    assert zeilen[_zeile_mit(seite, feld="Betrag")]["neu"] == "12,50 €"
    assert zeilen[_zeile_mit(seite, feld="Behörde")]["neu"] == "Bundesagentur für Arbeit (BA)"
    assert zeilen[_zeile_mit(seite, feld="Ende")]["neu"] == "30.09.2027"
    meilenstein = zeilen[_zeile_mit(seite, feld="Bemerkung")]["datensatz"]
    assert meilenstein.startswith("Meilenstein „") and meilenstein.endswith("(BMAS-2024-05)")
    assert [seite.modell.headerData(i, Qt.Orientation.Horizontal) for i in range(len(SPALTEN))] == \
        ["Zeitpunkt", "Person", "Quelle", "Aktion", "Datensatz", "Feld", "Alter Wert", "Neuer Wert"]


def test_filter_person_quelle_und_zeitraum_verkleinern_die_liste(fenster, qtbot):
    seite = _seite(fenster)
    alle = int(seite.anzahl.text().split()[0].replace(".", ""))
    assert alle > 1800 and seite.modell.rowCount() == 200
    _waehlen(seite.person, MAX)
    assert [(z["benutzer"], z["feld"], z["neu"]) for z in _zeilen(seite)] == [(MAX, "Ampel gesamt", "rot")]
    assert seite.anzahl.text() == "1 Eintrag"
    _waehlen(seite.person, "")
    _waehlen(seite.quelle, "gui")
    gui = _zeilen(seite)
    assert gui and {z["quelle"] for z in gui} == {"Oberfläche"} and {z["benutzer"] for z in gui} == {ERIKA}
    _waehlen(seite.quelle, "")
    seite.von.setText("14.03.2025")
    seite.bis.setText("14.3.25")
    seite.bis.editingFinished.emit()
    assert [z["benutzer"] for z in _zeilen(seite)] == [MAX]
    seite.von.setText("01.03.2025")
    seite.bis.setText("31.03.2025")
    seite.bis.editingFinished.emit()
    assert {z["benutzer"] for z in _zeilen(seite)} == {MAX, ERIKA}
    seite.filter_zuruecksetzen()
    assert int(seite.anzahl.text().split()[0].replace(".", "")) == alle


def test_falsches_datum_wird_deutsch_gemeldet_und_aendert_nichts(fenster):
    seite = _seite(fenster)
    _waehlen(seite.person, MAX)
    seite.von.setText("32.13.2025")
    seite.von.editingFinished.emit()
    assert seite.meldung.text().startswith("Von: „32.13.2025“ ist kein gültiges Datum")
    assert len(_zeilen(seite)) == 1
    seite.von.setText("01.04.2025")
    seite.bis.setText("01.03.2025")
    seite.bis.editingFinished.emit()
    assert "liegt nach „Bis“" in seite.meldung.text()


def test_datensatzfilter_mit_strg_f_und_tippen(fenster, qtbot):
    seite = _seite(fenster)
    fenster.suchen()  # Strg+F
    assert seite.datensatz.hasFocus() or fenster.focusWidget() is seite.datensatz
    qtbot.keyClicks(seite.datensatz, "Projektstelle")  # QTest types ASCII only
    qtbot.waitUntil(lambda: seite.modell.filter.datensatz == "Projektstelle", timeout=3000)
    assert {(z["aktion"], z["datensatz"]) for z in _zeilen(seite)} == {
        ("angelegt", "Vorläufige Projektstelle (VPS) (gelöscht)"),
        ("gelöscht", "Vorläufige Projektstelle (VPS) (gelöscht)")}


def test_doppelklick_oeffnet_den_projekteditor_am_richtigen_projekt(fenster, qtbot):
    seite = _seite(fenster)
    _waehlen(seite.person, ERIKA)
    index = seite.modell.index(_zeile_mit(seite, feld="Ampel gesamt"), _spalte("datensatz"))
    seite.tabelle.scrollTo(index)
    qtbot.mouseClick(seite.tabelle.viewport(), Qt.MouseButton.LeftButton, pos=seite.tabelle.visualRect(index).center())
    assert seite.oeffnen_knopf.isEnabled()
    qtbot.mouseDClick(seite.tabelle.viewport(), Qt.MouseButton.LeftButton, pos=seite.tabelle.visualRect(index).center())
    assert fenster.aktuelle_seite() == "projekte"
    editor = fenster.seite("projekte").editor
    qtbot.waitUntil(lambda: editor.projekt_id == _projekt_id(fenster.store) and editor.daten is not None, timeout=3000)
    assert editor.formular.widget("ampel_gesamt").hasFocus() or editor.hervorgehoben is editor.formular.widget("ampel_gesamt")


def test_eingabetaste_oeffnet_den_meilenstein_im_reiter_meilensteine(fenster, qtbot):
    seite = _seite(fenster)
    _waehlen(seite.person, ERIKA)
    zeile = _zeile_mit(seite, feld="Bemerkung")
    seite.tabelle.setFocus()
    seite.tabelle.setCurrentIndex(seite.modell.index(zeile, 0))
    qtbot.keyClick(seite.tabelle, Qt.Key.Key_Return)
    assert fenster.aktuelle_seite() == "projekte"
    editor = fenster.seite("projekte").editor
    pid = _projekt_id(fenster.store)
    qtbot.waitUntil(lambda: editor.projekt_id == pid and editor.daten is not None, timeout=3000)
    with fenster.store.lesen() as s:
        mid = s.execute(select(Meilenstein.id).where(Meilenstein.projekt_id == pid,
                                                     Meilenstein.bemerkung == "Abnahme durch die DRV")).scalar_one()
    assert editor.reiter.currentIndex() == 1
    assert editor.ms_modell.zeilen[editor.ms_tabelle.currentIndex().row()][0] == mid


def test_geloeschter_datensatz_oeffnet_nichts_und_sagt_warum(fenster, qtbot):
    seite = _seite(fenster)
    _waehlen(seite.art, "behoerde")
    _waehlen(seite.person, ERIKA)
    zeile = _zeile_mit(seite, aktion="gelöscht")
    seite.tabelle.setCurrentIndex(seite.modell.index(zeile, 0))
    assert not seite.oeffnen_knopf.isEnabled()
    qtbot.keyClick(seite.tabelle, Qt.Key.Key_Return)
    assert fenster.aktuelle_seite() == "aenderungen"
    assert seite.meldung.text() == ("Dieser Datensatz wurde inzwischen gelöscht und lässt sich nicht mehr öffnen: "
                                    "Behörde „Vorläufige Projektstelle (VPS)“.")


def test_neue_aenderung_erscheint_oben_und_weitere_seiten_laden_beim_scrollen(fenster, qtbot):
    seite = _seite(fenster)
    pid = _projekt_id(fenster.store)
    fenster.bearbeitung.ausfuehren(op_projekt.aendern("projekt", pid, {"ampel_gesamt": Ampel.ROT}, "Ampel rot"))
    erste = _zeilen(seite)[0]
    assert (erste["feld"], erste["alt"], erste["neu"], erste["quelle"]) == ("Ampel gesamt", "grün", "rot", "Oberfläche")
    seite.tabelle.scrollToBottom()  # the view asks the model for the next page
    qtbot.waitUntil(lambda: seite.modell.rowCount() > 200, timeout=3000)
    ids = [z.id for z in seite.modell.zeilen]
    assert len(ids) == len(set(ids))


def test_filter_haben_beschriftungen_mit_eigenen_kuerzeln(fenster):
    from PySide6.QtWidgets import QLabel

    seite = _seite(fenster)
    kuerzel = []
    for label in seite.findChildren(QLabel):
        text = label.text()
        if "&" in text and label.buddy() is not None:
            kuerzel.append(text[text.index("&") + 1].lower())
            assert label.buddy().accessibleName()
    kuerzel.append(seite.zuruecksetzen.text()[seite.zuruecksetzen.text().index("&") + 1].lower())
    kuerzel.append(seite.oeffnen_knopf.text()[seite.oeffnen_knopf.text().index("&") + 1].lower())
    assert len(kuerzel) == len(set(kuerzel)) == 9
    assert not set(kuerzel) & {"d", "b", "a", "t", "h"}  # the menu bar's: Datei, Bearbeiten, Ansicht, Stammdaten, Hilfe


def test_personenliste_kennt_nach_dem_wiederzeigen_neue_namen(fenster):
    seite = _seite(fenster)
    assert seite.person.findData("Neue Kollegin") < 0
    fenster.zeigen("uebersicht")
    with fenster.store.session(benutzer="Neue Kollegin", quelle="abgleich") as s:  # as a sync would bring it
        s.execute(select(Projekt).where(Projekt.kennung == KENNUNG)).scalar_one().risiken = "Personalengpass"
    fenster.zeigen("aenderungen")
    _waehlen(seite.person, "Neue Kollegin")
    assert [(z["quelle"], z["feld"], z["neu"]) for z in _zeilen(seite)] == [("Abgleich", "Risiken", "Personalengpass")]


def test_export_und_kopieren_wie_auf_jeder_tabelle(fenster, qtbot, tmp_path):
    """The log is a table like the others: Strg+C copies what is shown, „Ansicht exportieren …“
    writes every entry the filter matches – beyond the 200 rows loaded so far, without a filter."""
    import csv

    from PySide6.QtGui import QGuiApplication

    seite = _seite(fenster)
    alle = int(seite.anzahl.text().split()[0].replace(".", ""))
    assert seite.modell.rowCount() < alle
    ziel = tmp_path / "protokoll.csv"
    seite.tabellenaktionen.exportieren(str(ziel))
    qtbot.waitUntil(lambda: ziel.exists() and not seite.tabellenaktionen._laeuft)
    with ziel.open(encoding="utf-8-sig", newline="") as f:
        zeilen = list(csv.reader(f, delimiter=";"))
    assert zeilen[0] == [t for _k, t in SPALTEN] and len(zeilen) - 1 == alle
    _waehlen(seite.person, MAX)
    seite.tabellenaktionen.exportieren(str(ziel))
    qtbot.waitUntil(lambda: not seite.tabellenaktionen._laeuft)
    with ziel.open(encoding="utf-8-sig", newline="") as f:
        (kopf, zeile) = list(csv.reader(f, delimiter=";"))
    gezeigt = _zeilen(seite)[0]
    assert [zeile[i] for i in (1, 5, 7)] == [MAX, "Ampel gesamt", "rot"] == [gezeigt[k] for k in ("benutzer", "feld", "neu")]
    seite.tabelle.selectRow(0)
    seite.tabellenaktionen.kopieren()
    assert QGuiApplication.clipboard().text().rstrip("\r\n").split("\t") == [gezeigt[k] for k, _t in SPALTEN]
    eintraege = [a.text().replace("&", "") for a in seite.tabellenaktionen.menue().actions() if a.text()]
    assert any("exportieren" in e for e in eintraege) and any("Kopieren" in e for e in eintraege)
