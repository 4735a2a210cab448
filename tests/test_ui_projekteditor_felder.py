"""The project editor lets the user fix every finding of the quarterly check: each field the check
asks for has a widget, Bewilligungen are a tab of their own, Aufwand, payments and work packages can
be edited or deleted, and ``feld_zeigen`` jumps to the field a finding names (pytest-qt, offscreen,
real widgets; only the modal ``exec()`` of a dialog is replaced)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QListWidget, QMessageBox, QPlainTextEdit, QPushButton
from sqlalchemy import select

from ozgdesk.model import Aufwand, Meilenstein, Mittelabfluss, Projekt
from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.finanzen import Bewilligung
from ozgdesk.model.projekte import Arbeitspaket
from ozgdesk.model.values import Komponente, Quartal
from ozgdesk.ui import format as fmt
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from tests.test_ui_arbeitsablaeufe import ausfuellen

KENNUNG = "BMAS-2024-01"


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "einstellungen.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda titel, text: f.meldungen.append(text)
    qtbot.addWidget(f)
    f.resize(1366, 900)
    f.show()
    yield f
    f.runner.warten()


def _projekt(store, kennung: str = KENNUNG) -> Projekt:  # noqa: ANN001
    with store.lesen() as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one()
        s.expunge(p)
        return p


def _editor(fenster, kennung: str = KENNUNG):  # noqa: ANN001, ANN202
    seite = fenster.zeigen("projekte")
    editor = seite.editor
    editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    editor.fragen = []
    editor.frage_loeschen = lambda text: editor.fragen.append(text) or True
    assert seite.projekt_oeffnen(_projekt(fenster.store, kennung).id)
    return editor


def _zelle(modell, zeile: int, spalte: int) -> str:  # noqa: ANN001
    return modell.data(modell.index(zeile, spalte))


def _zeile_von(modell, id_: str) -> int:  # noqa: ANN001
    return next(i for i, (z, _w) in enumerate(modell.zeilen) if z == id_)


def _doppelklick(qtbot, tabelle, zeile: int) -> None:  # noqa: ANN001
    """A real double-click on a table row (what a user does to edit it)."""
    rect = tabelle.visualRect(tabelle.model().index(zeile, 0))
    assert rect.isValid()
    qtbot.mouseClick(tabelle.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # the press a view needs
    qtbot.mouseDClick(tabelle.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


# ------------------------------------------------------------------------------------ Stammdaten
def test_jedes_neue_feld_wird_ueber_sein_widget_gespeichert(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    f = editor.formular
    texte = {"ampel_zeit_grund": "Vergabe dauerte länger", "ampel_kosten_grund": "Mehrkosten Lizenz",
             "ampel_umfang_grund": "Modul B entfällt", "abweichungsbegruendung": "Eigenes Portal der DRV"}
    for schluessel, text in texte.items():
        w = f.widget(schluessel)
        assert isinstance(w, QPlainTextEdit)
        w.setPlainText(text)
    alt = _projekt(fenster.store)
    for schluessel in ("beratung_fachlich", "beratung_architektur", "umsetzung"):
        box = f.widget(schluessel)
        assert isinstance(box, QCheckBox)
        box.click()
    assert editor.hat_aenderungen()
    editor.speichern_knopf.click()
    p = _projekt(fenster.store)
    for schluessel, text in texte.items():
        assert getattr(p, schluessel) == text
    assert (p.beratung_fachlich, p.beratung_architektur, p.umsetzung) == (
        not alt.beratung_fachlich, not alt.beratung_architektur, not alt.umsetzung)
    assert not editor.hat_aenderungen()


def test_felder_stehen_bei_dem_wozu_sie_gehoeren_mit_deutschen_labels(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    reihenfolge = list(editor.formular.eingaben)
    for ampel in ("zeit", "kosten", "umfang"):
        assert reihenfolge.index(f"ampel_{ampel}_grund") == reihenfolge.index(f"ampel_{ampel}") + 1
    assert editor.formular.eingaben["ampel_kosten_grund"].feld.label.replace("&", "") == "Begründung Kosten"
    # no mnemonic twice in the form (the Leistungen list and the discard button belong to it)
    buchstaben = [e.feld.label.split("&")[1][0].lower() for e in editor.formular.eingaben.values() if "&" in e.feld.label]
    buchstaben += ["n", "v"]  # the Leistungen list and „Änderungen verwerfen“ (Speichern: Strg+S)
    assert len(buchstaben) == len(set(buchstaben)), buchstaben


def test_komponenten_hin_und_zurueck(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    liste = editor.formular.widget("komponenten")
    assert isinstance(liste, QListWidget)
    assert [liste.item(i).text() for i in range(liste.count())] == [k.label for k in Komponente]
    for i in range(liste.count()):
        liste.item(i).setCheckState(Qt.CheckState.Unchecked)
    for k in (Komponente.NUTZERKONTO, Komponente.EPAYMENT):
        liste.item(list(Komponente).index(k)).setCheckState(Qt.CheckState.Checked)
    assert editor.hat_aenderungen()
    assert editor.speichern()
    p = _projekt(fenster.store)
    assert p.komponenten_liste == [Komponente.NUTZERKONTO, Komponente.EPAYMENT]
    # shown again from the store after a reload
    editor.neu_laden()
    liste = editor.formular.widget("komponenten")
    angehakt = [liste.item(i).text() for i in range(liste.count()) if liste.item(i).checkState() == Qt.CheckState.Checked]
    assert angehakt == ["Nutzerkonto Bund", "E-Payment"]
    assert not editor.hat_aenderungen()


def test_komponenten_in_anderer_reihenfolge_gelten_nicht_als_aenderung(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    with fenster.store.session() as s:
        s.get(Projekt, editor.projekt_id).komponenten = "gsb,verwaltungsportal"
    editor.neu_laden()
    assert editor.formular.werte()["komponenten"] == "gsb,verwaltungsportal"


# ------------------------------------------------------------------------------------ Bewilligungen
def _bewilligungen(store, pid: str) -> dict[int, Bewilligung]:  # noqa: ANN001
    with store.lesen() as s:
        return {b.jahr: b for b in s.execute(select(Bewilligung).where(Bewilligung.projekt_id == pid)).scalars()}


def test_bewilligung_neu_bearbeiten_loeschen_mit_laufenden_summen(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster)
    pid = editor.projekt_id
    vorher = _bewilligungen(fenster.store, pid)
    editor.reiter.setCurrentIndex(6)
    assert editor.reiter.tabText(6) == "Bewilli&gungen"
    modell = editor.bew_modell
    assert [modell.headerData(i, Qt.Orientation.Horizontal).replace("-\n", "").replace("\n", " ")
            for i in range(modell.columnCount())] == [
        "Jahr", "Bewilligt (€)", "Personentage", "Zahlungen im Jahr (€)", "Bewilligt kumuliert (€)",
        "Zahlungen kumuliert (€)", "Rest (€)"]
    assert modell.rowCount() == len(vorher)
    with fenster.store.lesen() as s:
        zahlungen = list(s.execute(select(Mittelabfluss.datum, Mittelabfluss.betrag_cent)
                                   .where(Mittelabfluss.projekt_id == pid)))
    jahr = max(vorher) + 1
    editor.dialog_ausfuehren = ausfuellen({"jahr": str(jahr), "betrag_cent": "1.000.000,00", "personentage": "12,5"})
    editor.bewilligung_neu()
    neu = _bewilligungen(fenster.store, pid)
    assert neu[jahr].betrag_cent == 100_000_000 and neu[jahr].personentage == Decimal("12.5")
    zeile = modell.rowCount() - 1
    bewilligt = sum(b.betrag_cent for b in neu.values())
    gezahlt = sum(c for d, c in zahlungen if d.year <= jahr)
    assert _zelle(modell, zeile, 0) == str(jahr)
    assert _zelle(modell, zeile, 1) == "1.000.000,00 €"
    assert _zelle(modell, zeile, 2) == "12,5"
    assert _zelle(modell, zeile, 3) == fmt.euro(sum(c for d, c in zahlungen if d.year == jahr))
    assert _zelle(modell, zeile, 4) == fmt.euro(bewilligt)
    assert _zelle(modell, zeile, 5) == fmt.euro(gezahlt)
    assert _zelle(modell, zeile, 6) == fmt.euro(bewilligt - gezahlt)
    # the first year's row: its own payments, cumulated = that year only
    erstes = min(vorher)
    assert _zelle(modell, 0, 3) == fmt.euro(sum(c for d, c in zahlungen if d.year == erstes))
    assert _zelle(modell, 0, 4) == fmt.euro(vorher[erstes].betrag_cent)

    # a year approved twice: the German reason, nothing written
    editor.dialog_ausfuehren = ausfuellen({"jahr": str(jahr), "betrag_cent": "5,00"})
    editor.bewilligung_neu()
    assert f"Für {jahr} gibt es schon eine Bewilligung" in editor.meldung.text() and editor.meldung.isVisible()
    assert _bewilligungen(fenster.store, pid)[jahr].betrag_cent == 100_000_000

    # edit by double-click on the row
    editor.bew_tabelle.selectRow(zeile)
    editor.dialog_ausfuehren = ausfuellen({"betrag_cent": "750.000,00"})
    _doppelklick(qtbot, editor.bew_tabelle, zeile)
    assert _bewilligungen(fenster.store, pid)[jahr].betrag_cent == 75_000_000
    assert _zelle(modell, zeile, 4) == fmt.euro(bewilligt - 25_000_000)

    # delete after the question; undo brings it back
    editor.bew_tabelle.selectRow(zeile)
    editor.bewilligung_loeschen()
    assert editor.fragen and str(jahr) in editor.fragen[-1]
    assert jahr not in _bewilligungen(fenster.store, pid)
    assert modell.rowCount() == len(vorher)
    fenster.undo_aktion.trigger()
    assert jahr in _bewilligungen(fenster.store, pid)


def test_loeschen_ohne_bestaetigung_aendert_nichts(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    editor.frage_loeschen = lambda text: False
    editor.reiter.setCurrentIndex(6)
    editor.bew_tabelle.selectRow(0)
    vorher = _bewilligungen(fenster.store, editor.projekt_id)
    editor.bewilligung_loeschen()
    assert _bewilligungen(fenster.store, editor.projekt_id).keys() == vorher.keys()


# ------------------------------------------------------------------------------------ Aufwand, payments
def _aufwand(store, pid: str) -> dict[str, Aufwand]:  # noqa: ANN001
    with store.lesen() as s:
        return {a.id: a for a in s.execute(select(Aufwand).where(Aufwand.projekt_id == pid)).scalars()}


def _projekt_mit_aufwand(store) -> str:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(Projekt.kennung).join(Aufwand, Aufwand.projekt_id == Projekt.id)
                         .order_by(Projekt.kennung)).scalars().first()


def test_aufwand_bearbeiten_per_doppelklick_und_loeschen(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster, _projekt_mit_aufwand(fenster.store))
    pid = editor.projekt_id
    editor.reiter.setCurrentIndex(5)
    assert editor.aufwand_modell.rowCount() > 0
    aid = editor.aufwand_modell.id_von(0)
    editor.aufwand_tabelle.selectRow(0)
    editor.dialog_ausfuehren = ausfuellen({"personentage": "42,5", "leistungen": "Workshop Fachkonzept"})
    _doppelklick(qtbot, editor.aufwand_tabelle, 0)
    a = _aufwand(fenster.store, pid)[aid]
    assert (a.personentage, a.leistungen) == (Decimal("42.5"), "Workshop Fachkonzept")
    zeile = _zeile_von(editor.aufwand_modell, aid)
    assert _zelle(editor.aufwand_modell, zeile, 2) == "42,5"

    # the same quarter and kind once more: refused with a German reason, nothing written
    anzahl = len(_aufwand(fenster.store, pid))
    editor.dialog_ausfuehren = ausfuellen({"quartal": a.quartal.kurz, "leistungsart": a.leistungsart,
                                           "personentage": "1"})
    editor.aufwand_erfassen()
    assert f"Für {a.quartal.kurz} gibt es schon Aufwand" in editor.meldung.text()
    assert len(_aufwand(fenster.store, pid)) == anzahl

    editor.aufwand_tabelle.selectRow(zeile)
    editor.aufwand_loeschen()
    assert editor.fragen and "42,5 PT" in editor.fragen[-1]
    assert aid not in _aufwand(fenster.store, pid)
    assert aid not in [z for z, _w in editor.aufwand_modell.zeilen]


def test_zahlung_bearbeiten_per_knopf_und_doppelklick(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster)
    editor.reiter.setCurrentIndex(4)
    tabelle = editor.zahlungen
    tabelle.tabelle.selectRow(0)
    zid = tabelle.aktuelle_id()
    editor.dialog_ausfuehren = ausfuellen({"referenz": "RE-2026-4711", "betrag_cent": "1.234,56"})
    knopf = next(k for k in editor.zahlungen_seite.findChildren(QPushButton) if k.text() == "Zahlung bea&rbeiten …")
    knopf.click()
    with fenster.store.lesen() as s:
        z = s.get(Mittelabfluss, zid)
        assert (z.referenz, z.betrag_cent) == ("RE-2026-4711", 123_456)
    # double-click (the table's „open“) edits too
    editor.dialog_ausfuehren = ausfuellen({"bemerkung": "Abschlag 2"})
    _doppelklick(qtbot, tabelle.tabelle, 0)
    with fenster.store.lesen() as s:
        assert s.get(Mittelabfluss, zid).bemerkung == "Abschlag 2"
    fenster.undo_aktion.trigger()
    with fenster.store.lesen() as s:
        assert s.get(Mittelabfluss, zid).bemerkung != "Abschlag 2"


# ------------------------------------------------------------------------------------ Arbeitspakete
def test_arbeitspaket_loeschen_abgelehnt_solange_ein_meilenstein_verweist(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    pid = editor.projekt_id
    with fenster.store.lesen() as s:
        ap, mid = s.execute(select(Arbeitspaket.id, Meilenstein.id).join(
            Meilenstein, Meilenstein.arbeitspaket_id == Arbeitspaket.id).where(Arbeitspaket.projekt_id == pid)).first()
    editor.reiter.setCurrentIndex(2)
    editor.ap_tabelle.selectRow(_zeile_von(editor.ap_modell, ap))
    editor.arbeitspaket_loeschen()
    assert "kann nicht gelöscht werden" in editor.meldung.text() and "Meilenstein" in editor.meldung.text()
    assert editor.meldung.isVisible()  # below the tabs: readable on the Arbeitspakete tab
    with fenster.store.lesen() as s:
        assert s.get(Arbeitspaket, ap) is not None
    assert fenster.meldungen == []  # no message box on top
    editor.reiter.setCurrentIndex(1)  # the refusal belonged to the Arbeitspakete tab
    assert not editor.meldung.isVisible()
    editor.reiter.setCurrentIndex(2)

    # unassign every milestone of it, then the delete goes through
    with fenster.store.session() as s:
        for m in s.execute(select(Meilenstein).where(Meilenstein.arbeitspaket_id == ap)).scalars():
            m.arbeitspaket_id = None
    editor.neu_laden()
    editor.ap_tabelle.selectRow(_zeile_von(editor.ap_modell, ap))
    editor.arbeitspaket_loeschen()
    with fenster.store.lesen() as s:
        assert s.get(Arbeitspaket, ap) is None
    assert not editor.meldung.isVisible()
    assert ap not in [z for z, _w in editor.ap_modell.zeilen]


# ------------------------------------------------------------------------------------ feld_zeigen
def _fokus(qtbot, widget) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_feld_zeigen_fokussiert_und_hebt_hervor(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster)
    fenster.activateWindow()
    for ziel in ("ampel_kosten_grund", "projektleiter_id", "behoerde_id", "beginn", "ende", "finanzierung",
                 "ampel_gesamt_grund", "ampel_zeit_grund", "ampel_umfang_grund", "komponenten",
                 "abweichungsbegruendung", "risiken", "naechste_schritte"):
        assert editor.feld_zeigen(ziel), ziel
        w = editor.formular.widget(ziel)
        assert editor.reiter.currentIndex() == 0
        _fokus(qtbot, w)
        assert editor.hervorgehoben is w and w.property("hervorgehoben") is True
        assert w.visibleRegion().boundingRect().height() > 0  # scrolled into view
    vorher = editor.formular.widget("naechste_schritte")
    assert editor.feld_zeigen("leistungen")
    _fokus(qtbot, editor.leistungen)
    assert editor.hervorgehoben is editor.leistungen and vorher.property("hervorgehoben") is False

    # typing in the highlighted field removes the highlight
    assert editor.feld_zeigen("risiken")
    risiken = editor.formular.widget("risiken")
    qtbot.keyClicks(risiken, "Lieferverzug")
    assert editor.hervorgehoben is None and risiken.property("hervorgehoben") is False


def test_feld_zeigen_waehlt_zeilen_in_den_reitern(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster)
    fenster.activateWindow()
    mid = editor.ms_modell.id_von(editor.ms_modell.rowCount() - 1)
    assert editor.feld_zeigen(f"meilenstein:{mid}")
    assert editor.reiter.currentIndex() == 1
    assert editor.ms_tabelle.currentIndex().row() == editor.ms_modell.rowCount() - 1
    _fokus(qtbot, editor.ms_tabelle)
    assert editor.hervorgehoben is editor.ms_tabelle

    jahr = int(editor.bew_modell.zeilen[-1][1][0])
    assert editor.feld_zeigen(f"bewilligung:{jahr}")
    assert editor.reiter.currentIndex() == 6 and editor.bew_tabelle.currentIndex().row() == editor.bew_modell.rowCount() - 1
    _fokus(qtbot, editor.bew_tabelle)
    assert editor.ms_tabelle.property("hervorgehoben") is False

    q = editor.plan_modell.quartale[1]
    assert editor.feld_zeigen(f"zahlungsplan:{q}")
    assert editor.reiter.currentIndex() == 3 and editor.plan_tabelle.currentIndex().row() == 1
    _fokus(qtbot, editor.plan_tabelle)

    assert editor.feld_zeigen("mittelabfluss") and editor.reiter.currentIndex() == 4
    assert editor.feld_zeigen("aufwand") and editor.reiter.currentIndex() == 5
    assert editor.feld_zeigen("meilensteine") and editor.reiter.currentIndex() == 1


def test_feld_zeigen_unbekanntes_ziel_tut_nichts(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    editor.reiter.setCurrentIndex(2)
    for ziel in ("gibtsnicht", "meilenstein:unbekannt", "kennung_xyz", "zahlungsplan:Q9/2026", "titel:1"):
        assert not editor.feld_zeigen(ziel), ziel
    assert editor.reiter.currentIndex() == 2 and editor.hervorgehoben is None


def test_anderes_projekt_nimmt_die_hervorhebung_weg(fenster):  # noqa: ANN001
    editor = _editor(fenster)
    assert editor.feld_zeigen("mittelabfluss")
    tabelle = editor.hervorgehoben
    assert tabelle is editor.zahlungen.tabelle
    assert fenster.zeigen("projekte").projekt_oeffnen(_projekt(fenster.store, "BMAS-2024-02").id)
    assert editor.hervorgehoben is None and "BMAS-2024-02" in editor.kopf.text()
    assert editor.feld_zeigen("umsetzung") and editor.hervorgehoben is editor.formular.widget("umsetzung")


def test_feld_zeigen_aufwand_quartal(fenster, qtbot):  # noqa: ANN001
    editor = _editor(fenster, _projekt_mit_aufwand(fenster.store))
    q: Quartal = editor.aufwand_modell.zeilen[-1][1][0]
    assert editor.feld_zeigen(f"aufwand:{q}")
    assert editor.reiter.currentIndex() == 5
    assert editor.aufwand_tabelle.currentIndex().row() == editor.aufwand_modell.rowCount() - 1


# ------------------------------------------------------------------------------------ rendering
def test_reiter_rendern(fenster, tmp_path):  # noqa: ANN001
    """Stammdaten (scrolled to the new fields, one highlighted) and Bewilligungen as PNG to look at."""
    editor = _editor(fenster)
    assert editor.feld_zeigen("ampel_kosten_grund")
    editor.grab().save(str(tmp_path / "stammdaten.png"))
    editor.feld_zeigen("komponenten")
    editor.grab().save(str(tmp_path / "stammdaten_komponenten.png"))
    editor.feld_zeigen("umsetzung")
    QApplication.processEvents()  # the layout follows the highlight's size as it would on screen
    editor.grab().save(str(tmp_path / "stammdaten_umsetzung.png"))
    editor.feld_zeigen("bewilligungen")
    editor.grab().save(str(tmp_path / "bewilligungen.png"))
    editor.reiter.setCurrentIndex(2)
    editor.ap_tabelle.selectRow(0)
    editor.arbeitspaket_loeschen()
    editor.grab().save(str(tmp_path / "arbeitspakete.png"))
    editor.feld_zeigen("aufwand")
    editor.reiter.setCurrentIndex(4)
    editor.grab().save(str(tmp_path / "mittelabfluesse.png"))
    editor.reiter.setCurrentIndex(5)
    editor.grab().save(str(tmp_path / "aufwand.png"))
    ziel = __import__("os").environ.get("OZG_PNG")
    if ziel:
        for name in ("stammdaten", "stammdaten_komponenten", "stammdaten_umsetzung", "bewilligungen", "arbeitspakete",
                     "mittelabfluesse", "aufwand"):
            (tmp_path / f"{name}.png").replace(f"{ziel}/{name}.png")
