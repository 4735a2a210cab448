"""Plans read-only, Plandatum only through „Verschieben“, warnings before saving, the date picker
(pytest-qt, offscreen, real widgets; only ``exec()`` is replaced)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTableView
from sqlalchemy import func, select

from ozgdesk.model import Behoerde, Meilenstein, Mittelabfluss, Zahlungsplan
from ozgdesk.model.values import Quartal
from ozgdesk.ui.formular import DatumEingabe, Feld, FormularDialog
from tests.test_ui_arbeitsablaeufe import _oeffnen, _projekt, ausfuellen, fenster  # noqa: F401 - fixture


def _versionen(store, pid) -> int:  # noqa: ANN001
    with store.lesen() as s:
        return s.execute(select(func.count(Zahlungsplan.id)).where(Zahlungsplan.projekt_id == pid)).scalar_one()


def test_alte_planversion_ist_in_jedem_bedienelement_nur_lesbar(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-02")  # three plan versions
    pid = editor.projekt_id
    editor.reiter.setCurrentIndex(3)
    editor.plan_version.setCurrentIndex(editor.plan_version.findData(1))
    modell = editor.plan_modell
    assert "nur lesbar" in editor.plan_stand.text()
    assert not any(k.isEnabled() for k in (editor.plan_speichern, editor.plan_quartal_knopf, editor.plan_spalte_knopf))
    assert not modell.setData(modell.index(0, 0), "1.000,00")
    modell.quartal_hinzufuegen(Quartal(2031, 1))  # the cause of the old bug: this marked the old version as changed
    assert Quartal(2031, 1) not in modell.quartale and not modell.veraendert
    assert "Version 1 ist eine ältere Version und nur lesbar" in editor.plan_meldung.text()
    assert not editor.plan_als_version_speichern()
    editor.verwerfen()  # and Strg+S afterwards writes nothing from the old version either
    assert editor.speichern()
    assert _versionen(fenster.store, pid) == 3


def test_aenderung_der_aktuellen_version_geht_beim_versionswechsel_nicht_verloren(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-02")
    pid = editor.projekt_id
    editor.reiter.setCurrentIndex(3)
    modell = editor.plan_modell
    assert modell.version == 3 and modell.setData(modell.index(0, 0), "7.000,00")
    editor.frage_ungespeichert = lambda: __import__("PySide6.QtWidgets").QtWidgets.QMessageBox.StandardButton.Cancel
    editor.plan_version.setCurrentIndex(editor.plan_version.findData(1))
    assert modell.version == 3 and modell.veraendert and editor.plan_version.currentData() == 3
    assert editor.plan_als_version_speichern()
    assert _versionen(fenster.store, pid) == 4


def test_meilenstein_bearbeiten_laesst_plandatum_unveraendert(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2026-03")
    editor.reiter.setCurrentIndex(1)
    zeile = next(i for i, (_id, w) in enumerate(editor.ms_modell.zeilen) if w[3] is None)
    mid, plan = editor.ms_modell.zeilen[zeile][0], editor.ms_modell.zeilen[zeile][1][1]
    editor.ms_tabelle.selectRow(zeile)
    gesehen = {}

    def ausfuehren(dialog) -> bool:  # noqa: ANN001
        feld = dialog.formular.widget("plan_datum")
        gesehen["nur_lesen"] = feld.isReadOnly()
        feld.setText("01.01.2030")  # even if text got in, it is not written
        dialog.formular.widget("titel").setText("Go-Live umbenannt")
        dialog.accept()
        return dialog.result() == dialog.DialogCode.Accepted
    editor.dialog_ausfuehren = ausfuehren
    editor.meilenstein_bearbeiten()
    assert gesehen["nur_lesen"]
    with fenster.store.lesen() as s:
        ms = s.get(Meilenstein, mid)
        assert ms.titel == "Go-Live umbenannt" and ms.plan_datum == plan


def test_zahlung_mit_hinweisen_erst_nach_bestaetigung_gespeichert(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-01")  # ended 30.06.2026
    werte = {"datum": "10.11.2026", "betrag_cent": "-250,00", "haushaltsstelle": "0602 532 01", "referenz": "RZ-1"}
    protokoll: list = []
    editor.dialog_ausfuehren = ausfuellen(werte, protokoll)
    editor.zahlung_erfassen()
    assert "nach dem Projektende (30.06.2026)" in protokoll[0]["_hinweise"]
    assert "Negativer Betrag (-250,00 €) ohne Kennzeichnung als Korrektur" in protokoll[0]["_hinweise"]
    assert protokoll[0]["_ok"] == "&Trotzdem speichern"
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Mittelabfluss.id)).where(Mittelabfluss.referenz == "RZ-1")).scalar_one() == 0

    editor.dialog_ausfuehren = ausfuellen({**werte, "korrektur": True}, protokoll, trotzdem=True)
    editor.zahlung_erfassen()
    assert "Negativer Betrag" not in protokoll[1]["_hinweise"]  # marked as correction: only the date remains
    with fenster.store.lesen() as s:
        z = s.execute(select(Mittelabfluss).where(Mittelabfluss.referenz == "RZ-1")).scalar_one()
        assert z.betrag_cent == -250_00 and z.bemerkung == "Korrektur"


def test_arbeitspaket_ausserhalb_der_laufzeit_zeigt_hinweis(fenster):  # noqa: F811
    editor = _oeffnen(fenster, "BMAS-2024-01")
    protokoll: list = []
    editor.dialog_ausfuehren = ausfuellen({"titel": "Nachlauf", "beginn": "01.07.2026", "ende": "30.09.2026"}, protokoll,
                                          trotzdem=True)
    editor.arbeitspaket_neu()
    assert "Ende des Arbeitspakets (30.09.2026) liegt nach dem Projektende (30.06.2026)." in protokoll[0]["_hinweise"]
    assert any(a.titel == "Nachlauf" for a in editor.daten.arbeitspakete)  # saved anyway: legitimate


def test_behoerde_gleichen_namens_zeigt_hinweis(fenster, qtbot):  # noqa: F811
    from ozgdesk.ui.seiten import StammdatenDialog

    d = StammdatenDialog("behoerde", fenster.store, fenster.bearbeitung, fenster)  # owned by the window
    protokoll: list = []
    d.dialog_ausfuehren = ausfuellen({"name": "Bundesagentur für Arbeit"}, protokoll)
    d.neu()
    assert "Eine Behörde „Bundesagentur für Arbeit“ (BA) gibt es schon" in protokoll[0]["_hinweise"]
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Behoerde.id)).where(Behoerde.name == "Bundesagentur für Arbeit")).scalar_one() == 1


def test_datumsfeld_mit_kalender_und_handeingabe(qtbot):
    dlg = FormularDialog("Test", [Feld("von", "&Von", "datum", pflicht=True), Feld("bis", "&Bis", "datum")])
    qtbot.addWidget(dlg)
    von, bis = dlg.formular.widget("von"), dlg.formular.widget("bis")
    assert isinstance(von, DatumEingabe) and von.actions()[0].text() == "Kalender öffnen"
    qtbot.keyClicks(von, "01.10.2026")
    assert dlg.formular.werte()["von"] == date(2026, 10, 1)
    assert dlg.formular.werte()["bis"] is None  # an optional date stays empty
    kalender = bis.kalender_oeffnen()
    assert kalender.isVisible() and kalender.selectedDate() == QDate.currentDate()
    kalender.setSelectedDate(QDate(2027, 3, 31))
    qtbot.keyClick(kalender.findChild(QTableView), Qt.Key.Key_Return)  # Enter in the day grid picks the day
    assert bis.text() == "31.03.2027" and not kalender.isVisible()
    assert von.kalender_oeffnen().selectedDate() == QDate(2026, 10, 1)  # opens on the date typed
    bis.clear()
    qtbot.keyClicks(bis, "31.02.2027")
    assert not dlg.formular.pruefen() and "kein gültiges Datum" in dlg.formular.fehlertext("bis")


def test_datumsfeld_nimmt_zweistelliges_jahr(qtbot):
    """„1.10.26“ typed by hand is 01.10.2026 (parse_datum with two-digit years, from the lead's change)."""
    dlg = FormularDialog("Test", [Feld("von", "&Von", "datum", pflicht=True)])
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.formular.widget("von"), "1.10.26")
    assert dlg.formular.werte()["von"] == date(2026, 10, 1)


def test_leistungen_suche_typ_themenfeld_und_alle_angezeigten_ins_ressort(fenster):  # noqa: F811
    from ozgdesk.model import Leistung, Themenfeld

    seite = fenster.zeigen("leistungen")
    t = seite.tabelle
    assert set(t.filter) >= {"themenfeld", "typ"}
    with fenster.store.lesen() as s:
        tf = s.execute(select(Themenfeld).where(Themenfeld.name == "Gesundheit")).scalar_one()
        erwartet = s.execute(select(func.count(Leistung.id)).where(Leistung.themenfeld_id == tf.id,
                                                                   Leistung.im_ressort.is_(False))).scalar_one()
    t.filter["umfang"].setCurrentIndex(t.filter["umfang"].findData("alle"))
    t.filter["themenfeld"].setCurrentIndex(t.filter["themenfeld"].findData(tf.id))
    t.filter["typ"].setCurrentIndex(t.filter["typ"].findData("keiner"))
    assert t.filter["typ"].currentText() == "Typ unbekannt"
    seite.alle_auswaehlen()
    assert len(t.ausgewaehlte_ids()) == t.modell.rowCount() > 0
    assert seite.auswahl_anzeige.text() == f"{t.modell.rowCount()} ausgewählt"
    seite.zustaendigkeit_setzen(True)
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Leistung.id)).where(Leistung.themenfeld_id == tf.id,
                                                               Leistung.im_ressort.is_(False))).scalar_one() == 0
    fenster.undo_aktion.trigger()  # one undo step for the whole batch
    with fenster.store.lesen() as s:
        assert s.execute(select(func.count(Leistung.id)).where(Leistung.themenfeld_id == tf.id,
                                                               Leistung.im_ressort.is_(False))).scalar_one() == erwartet
    t.suche_sofort("Elterngeld")
    assert all("Elterngeld" in t.modell.data(t.modell.index(r, 1)) for r in range(t.modell.rowCount()))


def test_ersteinrichtung_ist_deutsch(qtbot):
    from PySide6.QtWidgets import QLabel, QWizard

    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.einrichtung import Einrichtungsassistent

    anwendung()
    w = Einrichtungsassistent()
    qtbot.addWidget(w)
    w.show()
    assert [w.buttonText(b) for b in (QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
                                      QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton)] == [
        "< &Zurück", "&Weiter >", "&Fertigstellen", "Abbrechen"]
    w.next()
    quelle = w.currentPage().findChild(QLabel, "katalogquelle").text()
    assert "557 OZG-Leistungen" in quelle and "MIT-Lizenz" in quelle and "Quelle:" in quelle
    assert "catalogue" not in quelle and "public" not in quelle and "#" not in quelle
    w.next()
    w.suche.setText("elterngeld")
    sichtbar = [w.leistungen.item(i) for i in range(w.leistungen.count()) if not w.leistungen.item(i).isHidden()]
    assert sichtbar and all("elterngeld" in i.text().casefold() for i in sichtbar)
    w._angezeigte_setzen(Qt.CheckState.Checked)
    assert len(w.gewaehlte_leistungen()) == len(sichtbar)
