"""The main workflows driven through the GUI as a user would (pytest-qt, offscreen).

Dialogs are filled through their real widgets; only the modal ``exec()`` is replaced, so no test
ever blocks on a nested event loop. The synchronous runner makes every load immediate.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt, QThread
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox, QLineEdit, QMessageBox, QPlainTextEdit
from sqlalchemy import func, select

from ozgdesk.model import Aenderung, Meilenstein, Mittelabfluss, Projekt, Zahlungsplan
from ozgdesk.model import ZahlungsplanPosition
from ozgdesk.model.demo import STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner, SofortRunner


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001
    anwendung()
    einstellungen = QSettings(str(tmp_path / "einstellungen.ini"), QSettings.Format.IniFormat)
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=einstellungen)
    f.meldungen = []
    f.meldung = lambda titel, text: f.meldungen.append(text)
    seite_bauen = f.seite

    def seite(schluessel):  # noqa: ANN001, ANN202 - pytest-qt closes widgets before fixture teardown:
        w = seite_bauen(schluessel)  # never let that close block on the "unsaved changes" question
        if schluessel == "projekte" and not hasattr(w.editor, "_im_test"):
            w.editor._im_test = True
            w.editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
            w.editor.frage_loeschen = lambda _text: True
        return w
    f.seite = seite
    qtbot.addWidget(f)
    f.show()
    yield f
    f.runner.warten()


def ausfuellen(werte: dict[str, str], protokoll: list | None = None, *, trotzdem: bool = False):  # noqa: ANN201
    """A stand-in for ``dialog.exec()``: type the values into the fields and press OK (and, with
    ``trotzdem``, press it once more when warnings are shown: „Trotzdem speichern“)."""
    def ausfuehren(dialog) -> bool:  # noqa: ANN001
        for schluessel, wert in werte.items():
            w = dialog.formular.widget(schluessel)
            if isinstance(w, QLineEdit):
                w.setText(wert)
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(wert)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(w.findText(wert, Qt.MatchFlag.MatchStartsWith))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(wert))
        dialog.accept()
        hinweise = dialog.hinweistext()
        if trotzdem and hinweise:
            dialog.accept()
        if protokoll is not None:
            protokoll.append({k: dialog.formular.fehlertext(k) for k in dialog.formular.eingaben}
                             | {"_meldung": dialog.meldung.text() if not dialog.meldung.isHidden() else "",
                                "_hinweise": hinweise, "_ok": dialog.knoepfe.button(QDialogButtonBox.StandardButton.Ok).text()})
        return dialog.result() == dialog.DialogCode.Accepted
    return ausfuehren


def _projekt(store, kennung):  # noqa: ANN001
    with store.lesen() as s:
        p = s.execute(select(Projekt).where(Projekt.kennung == kennung)).scalar_one_or_none()
        if p is not None:
            s.expunge(p)
        return p


def _oeffnen(fenster, kennung):  # noqa: ANN001
    seite = fenster.zeigen("projekte")
    seite.projekt_oeffnen(_projekt(fenster.store, kennung).id)
    return seite.editor


def test_projekt_mit_meilensteinen_und_zahlungsplan_anlegen(fenster):
    seite = fenster.zeigen("projekte")
    seite.dialog_ausfuehren = ausfuellen({"kennung": "bmas-2027-01", "titel": "E-Akte Widerspruchsverfahren",
                                          "behoerde_id": "BA", "beginn": "01.01.2027", "ende": "31.12.2027"})
    seite.neues_projekt()
    p = _projekt(fenster.store, "BMAS-2027-01")
    assert p is not None and p.titel == "E-Akte Widerspruchsverfahren"
    editor = seite.editor
    assert editor.projekt_id == p.id and "BMAS-2027-01" in editor.kopf.text()

    for titel, plan in (("Kick-off", "15.01.2027"), ("Go-Live", "30.11.2027")):
        editor.dialog_ausfuehren = ausfuellen({"titel": titel, "plan_datum": plan})
        editor.meilenstein_neu()
    assert [z[1][0] for z in editor.ms_modell.zeilen] == ["Kick-off", "Go-Live"]

    editor.reiter.setCurrentIndex(3)
    modell = editor.plan_modell
    assert [q.kurz for q in modell.quartale] == ["Q1/2027", "Q2/2027", "Q3/2027", "Q4/2027"]
    editor.dialog_ausfuehren = ausfuellen({"haushaltsstelle": "0602 532 01"})
    editor.plan_spalte()
    for zeile in range(4):
        assert modell.setData(modell.index(zeile, 0), "125.000,00")
    assert modell.data(modell.index(4, 1)) == "500.000,00 €"  # the sum cell
    assert not modell.setData(modell.index(0, 0), "-5")
    assert "negativ" in editor.plan_meldung.text()
    assert editor.plan_als_version_speichern()
    with fenster.store.lesen() as s:
        plan = s.execute(select(Zahlungsplan).where(Zahlungsplan.projekt_id == p.id)).scalar_one()
        assert plan.version == 1
        summe = s.execute(select(func.sum(ZahlungsplanPosition.betrag_cent))
                          .where(ZahlungsplanPosition.zahlungsplan_id == plan.id)).scalar_one()
        assert summe == 500_000_00
        assert s.execute(select(func.count(Aenderung.id)).where(Aenderung.datensatz_id == p.id)).scalar_one() >= 1
    assert editor.plan_version.currentText() == "Version 1 (aktuell)"


def test_zahlung_erfassen_und_falsche_eingabe_bleibt_im_dialog(fenster):
    editor = _oeffnen(fenster, "BMAS-2024-03")  # runs to 31.12.2026: a payment on 10.11.2026 needs no warning
    with fenster.store.lesen() as s:
        vorher = s.execute(select(func.count(Mittelabfluss.id))).scalar_one()
    protokoll: list = []
    editor.dialog_ausfuehren = ausfuellen({"betrag_cent": "12,345", "haushaltsstelle": "0602 532 01"}, protokoll)
    editor.zahlung_erfassen()
    assert "mehr als zwei Nachkommastellen" in protokoll[0]["betrag_cent"]
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Mittelabfluss.id))).scalar_one() == vorher

    editor.dialog_ausfuehren = ausfuellen({"datum": "10.11.2026", "betrag_cent": "12.345,67",
                                           "haushaltsstelle": "0602 532 01", "referenz": "RE-TEST-1"})
    editor.zahlung_erfassen()
    with fenster.store.lesen() as s:
        neu = s.execute(select(Mittelabfluss).where(Mittelabfluss.referenz == "RE-TEST-1")).scalar_one()
        assert neu.betrag_cent == 1_234_567 and neu.datum == date(2026, 11, 10)
    tabelle = editor.zahlungen
    tabelle.suche_sofort("RE-TEST")
    m = tabelle.modell
    assert m.rowCount() == 1
    assert m.data(m.index(0, m.abfrage.spalte("betrag"))) == "12.345,67 €"
    assert m.data(m.index(0, m.abfrage.spalte("datum"))) == "10.11.2026"


def test_meilenstein_verschieben_zeigt_verlauf(fenster):
    editor = _oeffnen(fenster, "BMAS-2026-03")
    editor.reiter.setCurrentIndex(1)
    zeile = next(i for i, (_id, w) in enumerate(editor.ms_modell.zeilen) if w[3] is None)  # not yet reached
    mid = editor.ms_modell.zeilen[zeile][0]
    plan = editor.ms_modell.zeilen[zeile][1][1]
    editor.ms_tabelle.selectRow(zeile)
    anzahl = editor.verlauf_modell.rowCount()
    editor.dialog_ausfuehren = ausfuellen({"auf_datum": "30.09.2027", "grund": "Zuschlag im Vergabeverfahren verzögert"})
    editor.meilenstein_verschieben()
    editor.ms_tabelle.selectRow(next(i for i, (id_, _w) in enumerate(editor.ms_modell.zeilen) if id_ == mid))
    assert editor.verlauf_modell.rowCount() == anzahl + 1
    letzte = editor.verlauf_modell.rowCount() - 1
    assert editor.verlauf_modell.data(editor.verlauf_modell.index(letzte, 4)) == "Zuschlag im Vergabeverfahren verzögert"
    assert editor.verlauf_modell.data(editor.verlauf_modell.index(letzte, 3)) == "30.09.2027"
    with fenster.store.lesen() as s:
        ms = s.get(Meilenstein, mid)
        assert ms.plan_datum == plan and ms.prognose_datum == date(2027, 9, 30)


def test_bearbeitung_rueckgaengig_und_wiederholen(fenster, qtbot):
    editor = _oeffnen(fenster, "BMAS-2024-02")
    titel = editor.formular.widget("titel")
    alt = titel.text()
    titel.clear()
    qtbot.keyClicks(titel, "Insolvenzgeld digital")
    assert editor.hat_aenderungen()
    qtbot.keyClick(fenster, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _projekt(fenster.store, "BMAS-2024-02").titel == "Insolvenzgeld digital"
    assert not editor.hat_aenderungen()
    assert fenster.undo_aktion.text().startswith("Rückgängig:")
    fenster.undo_aktion.trigger()
    assert _projekt(fenster.store, "BMAS-2024-02").titel == alt
    assert editor.formular.widget("titel").text() == alt  # the open editor shows the restored value
    fenster.redo_aktion.trigger()
    assert _projekt(fenster.store, "BMAS-2024-02").titel == "Insolvenzgeld digital"
    with fenster.store.lesen() as s:
        eintraege = s.execute(select(Aenderung).where(Aenderung.feld == "titel")).scalars().all()
    assert len(eintraege) == 3


def test_pflichtfeld_leer_zeigt_meldung_am_feld_und_speichert_nichts(fenster):
    editor = _oeffnen(fenster, "BMAS-2024-02")
    editor.formular.widget("titel").setText("")
    editor.formular.geaendert.emit()
    assert not editor.speichern()
    assert "Pflicht" in editor.formular.fehlertext("titel")
    assert _projekt(fenster.store, "BMAS-2024-02").titel == "Insolvenzgeld online"


@pytest.mark.parametrize("antwort, geschlossen, titel", [
    (QMessageBox.StandardButton.Cancel, False, "Insolvenzgeld online"),
    (QMessageBox.StandardButton.Discard, True, "Insolvenzgeld online"),
    (QMessageBox.StandardButton.Save, True, "Insolvenzgeld – geändert"),
])
def test_schliessen_mit_ungespeicherten_aenderungen(fenster, antwort, geschlossen, titel):
    editor = _oeffnen(fenster, "BMAS-2024-02")
    editor.formular.widget("titel").setText("Insolvenzgeld – geändert")
    editor.formular.widget("titel").textEdited.emit("x")
    gefragt = []
    editor.frage_ungespeichert = lambda: gefragt.append(1) or antwort
    assert fenster.close() is geschlossen
    assert gefragt == [1]
    assert fenster.isVisible() is not geschlossen
    assert _projekt(fenster.store, "BMAS-2024-02").titel == titel


def test_uebersicht_fuehrt_zum_datensatz(fenster):
    seite = fenster.seite("uebersicht")
    assert "fällig am <b>15.01.2027</b>" in seite.bericht.text()
    item = seite.ueberfaellig.item(0)
    seite.ueberfaellig.itemActivated.emit(item)
    assert fenster.aktuelle_seite() == "projekte"
    editor = fenster.seite("projekte").editor
    assert editor.reiter.currentIndex() == 1
    mid = item.data(Qt.ItemDataRole.UserRole + 1)[1]
    assert editor.ms_modell.id_von(editor.ms_tabelle.currentIndex().row()) == mid


def test_suche_und_ampelfilter_in_projekttabelle(fenster, qtbot):
    seite = fenster.zeigen("projekte").projekte
    qtbot.keyClick(fenster, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert seite.suche.hasFocus()
    seite.suche_sofort("rente")
    assert 0 < seite.modell.rowCount() < 18
    assert seite.anzahl.text().endswith("Einträge") or seite.anzahl.text().endswith("Eintrag")
    seite.suche_sofort("")
    seite.filter["ampel"].setCurrentIndex(seite.filter["ampel"].findData("rot"))
    assert seite.modell.rowCount() == 1
    assert seite.modell.data(seite.modell.index(0, 0)) == "rot"


def test_letzte_ansicht_bleibt_erhalten(demo_store, tmp_path, qtbot):
    einstellungen = QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat)
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=einstellungen)
    qtbot.addWidget(f)
    f.zeigen("finanzen")
    f.close()
    g = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG, einstellungen=einstellungen)
    qtbot.addWidget(g)
    assert g.aktuelle_seite() == "finanzen"


def test_standardknoepfe_und_zahlen_sind_deutsch(qtbot):
    anwendung()
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Abbrechen"
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "Speichern"
    from ozgdesk.ui import format as fmt

    assert fmt.euro(123_456_789) == "1.234.567,89 €"
    assert fmt.datum(date(2026, 12, 31)) == "31.12.2026"


def test_hintergrund_runner_liefert_im_gui_thread(qtbot):
    runner = Runner()
    ergebnisse = []
    haupt = QThread.currentThread()
    runner.starten(lambda: "Arbeiter" if QThread.currentThread() is not haupt else "GUI",
                       lambda r: ergebnisse.append((r, "GUI" if QThread.currentThread() is haupt else "Arbeiter")))
    qtbot.waitUntil(lambda: bool(ergebnisse), timeout=5000)
    runner.warten()
    runner.deleteLater()
    assert ergebnisse == [("Arbeiter", "GUI")]


def test_demo_option_legt_eigene_demo_datenbank_an(tmp_path):
    from ozgdesk import paths
    from ozgdesk.ui.app import store_fuer

    store, demo = store_fuer(str(tmp_path), True)
    try:
        assert demo and store.pfad == paths.datenbank(str(tmp_path), demo=True).resolve()
        assert not paths.datenbank(str(tmp_path)).exists()
    finally:
        store.schliessen()


def test_nur_mit_tastatur_projekt_oeffnen(fenster, qtbot):
    qtbot.keyClick(fenster, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert fenster.aktuelle_seite() == "projekte"
    seite = fenster.seite("projekte")
    tabelle = seite.projekte.tabelle
    tabelle.setFocus()
    qtbot.keyClick(tabelle, Qt.Key.Key_Down)
    qtbot.keyClick(tabelle, Qt.Key.Key_Return)
    assert seite.editor.projekt_id == seite.projekte.modell.zeilen_id(tabelle.currentIndex().row())


def test_aenderungsprotokoll_zeigt_deutsche_feldnamen(fenster):
    editor = _oeffnen(fenster, "BMAS-2024-02")
    editor.formular.widget("ampel_gesamt").setCurrentIndex(2)  # rot
    editor.speichern()
    seite = fenster.zeigen("aenderungen")
    seite.datensatz.setText("BMAS-2024-02")
    seite._filter_geaendert()  # the filter applies at once (the typing delay is the page's own test)
    neueste = seite.modell.zeilen[0]
    assert (neueste.feld, neueste.neu, neueste.quelle) == ("Ampel gesamt", "rot", "Oberfläche")


def test_erster_start_mit_assistent_richtet_ressort_und_leistungen_ein(qtbot, tmp_path, monkeypatch):
    from ozgdesk.model import Leistung, Ressort
    from ozgdesk.ui import einrichtung
    from ozgdesk.ui.app import store_fuer

    anwendung()

    def exec_(self):  # noqa: ANN001, ANN202 - the user picks BMG, types the Referat, ticks two Leistungen
        self.ressort.setCurrentIndex(self.ressort.findData("BMG"))
        self.referat.setText("Referat Z 14")
        for i in range(2):
            self.leistungen.item(i).setCheckState(Qt.CheckState.Checked)
        return 1

    monkeypatch.setattr(einrichtung.Einrichtungsassistent, "exec", exec_)
    store, demo = store_fuer(str(tmp_path), False)
    try:
        assert not demo
        with store.lesen() as s:
            r = s.execute(select(Ressort)).scalar_one()
            assert (r.kurzname, r.koordinierungsreferat) == ("BMG", "Referat Z 14")
            assert s.execute(select(func.count(Leistung.id)).where(Leistung.im_ressort.is_(True))).scalar_one() == 2
    finally:
        store.schliessen()


def test_zahlung_loeschen_und_rueckgaengig(fenster):
    editor = _oeffnen(fenster, "BMAS-2024-01")
    editor.reiter.setCurrentIndex(4)
    tabelle = editor.zahlungen
    tabelle.tabelle.selectRow(0)
    zid = tabelle.aktuelle_id()
    editor.frage_loeschen = lambda _text: False  # „Nein“: nothing happens
    editor.zahlung_loeschen()
    with fenster.store.lesen() as s:
        assert s.get(Mittelabfluss, zid) is not None
    editor.frage_loeschen = lambda _text: True
    editor.zahlung_loeschen()
    with fenster.store.lesen() as s:
        assert s.get(Mittelabfluss, zid) is None
    fenster.undo_aktion.trigger()
    with fenster.store.lesen() as s:
        assert s.get(Mittelabfluss, zid) is not None


def test_leistung_in_ressort_aufnehmen_und_reifegrad_bewerten(fenster):
    from ozgdesk.model import Leistung, ReifegradBewertung

    seite = fenster.zeigen("leistungen")
    seite.tabelle.filter["umfang"].setCurrentIndex(seite.tabelle.filter["umfang"].findData("alle"))
    seite.tabelle.suche_sofort("10000")
    lid = seite.tabelle.modell.zeilen_id(0)
    seite.dialog_ausfuehren = ausfuellen({"im_ressort": True, "prioritaet": "2", "geplant_online": "31.12.2027"})
    seite.bearbeiten(lid)
    protokoll: list = []
    seite.dialog_ausfuehren = ausfuellen({"stufe": "9"}, protokoll)
    seite.reifegrad(lid)
    assert "nicht möglich" in protokoll[0]["_meldung"]
    seite.dialog_ausfuehren = ausfuellen({"stufe": "2", "quelle": "Selbstbewertung"})
    seite.reifegrad(lid)
    with fenster.store.lesen() as s:
        l = s.get(Leistung, lid)
        assert l.im_ressort and l.prioritaet == 2 and l.geplant_online == date(2027, 12, 31)
        stufen = s.execute(select(ReifegradBewertung.stufe).where(ReifegradBewertung.leistung_id == lid)).scalars().all()
        assert stufen == [2]
    m = seite.tabelle.modell
    assert m.data(m.index(0, m.abfrage.spalte("reifegrad"))) == "2 – Formular-Assistent"
