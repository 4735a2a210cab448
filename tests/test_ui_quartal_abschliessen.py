"""Issue 13 acceptance, through the real widgets only: from the demo, open Berichte for Q3/2026, fix
every gap at the field the finding opens, acknowledge every fact with a Stellungnahme, create the
submission; the package verifies and each statement is in the PDF text and the JSON.

Only the modal ``exec()`` of dialogs and the file chooser are replaced (a test cannot click a native
dialog); every value is typed into the widget the finding focused.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMessageBox, QPlainTextEdit, QTextEdit

from ozgdesk.model.demo import STICHTAG
from ozgdesk.reports.dienst import Berichtsdienst
from ozgdesk.reports.einreichung import paket_pruefen
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from tests.test_berichte_hilfen import pdf_text

GRUND = "Schlussrechnungen gingen erst im Oktober ein; Ausgleich im 4. Quartal."
STELLUNGNAHME = "Die Überschreitung betrifft die Schlussrechnung 2025; die Nachbewilligung ist beim BMDS beantragt."


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    dienste.berichte_registrieren(Berichtsdienst(lambda: STICHTAG))
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda _titel, text: f.meldungen.append(text)
    qtbot.addWidget(f)
    f.show()
    projekte = f.seite("projekte")
    projekte.editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    yield f
    dienste.berichte_registrieren(None)


def _offener_fehler(berichte):  # noqa: ANN001, ANN202
    for i in range(berichte.hinweise.count()):
        h = berichte._befund(berichte.hinweise.item(i))
        if h is not None and h.offen and h.schwere == "fehler":
            return i, h
    return None, None


def _eintragen(widget, text_oder_wahl: str) -> None:  # noqa: ANN001
    """Type into the widget the finding focused, as a user would."""
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        widget.setPlainText(text_oder_wahl)
    elif isinstance(widget, QLineEdit):
        widget.setText(text_oder_wahl)
    elif isinstance(widget, QComboBox):
        i = widget.findText(text_oder_wahl, Qt.MatchFlag.MatchStartsWith)
        assert i >= 0, text_oder_wahl
        widget.setCurrentIndex(i)
    else:  # pragma: no cover - a field type this test does not know yet
        raise AssertionError(f"unbekanntes Eingabefeld {type(widget).__name__}")


def test_quartal_q3_2026_in_der_oberflaeche_abschliessen(qtbot, fenster, tmp_path):  # noqa: ANN001
    f = fenster
    start = f.seite("uebersicht")  # the Berichte page opens on the quarter the Übersicht names
    berichte = f.zeigen("berichte")
    assert berichte.zeitraum.text() == start.daten.bericht_quartal.kurz
    berichte.zeitraum.setText("Q3/2026")
    qtbot.mouseClick(berichte.pruefen_knopf, Qt.MouseButton.LeftButton)
    assert "Fehler" in berichte.status.text()
    behoben, quittiert = set(), 0
    for _runde in range(40):
        i, h = _offener_fehler(berichte)
        if h is None:
            break
        berichte.hinweise.setCurrentRow(i)
        if h.stellungnahme_vorlage:  # a fact: acknowledged with a statement
            assert berichte.stellungnahme_knopf.isEnabled()

            def ausfuellen(dialog) -> bool:  # noqa: ANN001
                dialog.formular.widget("text").setPlainText(STELLUNGNAHME)
                dialog.accept()
                return dialog.result() == dialog.DialogCode.Accepted

            berichte.dialog_ausfuehren = ausfuellen
            qtbot.mouseClick(berichte.stellungnahme_knopf, Qt.MouseButton.LeftButton)
            quittiert += 1
        else:  # a gap: Enter opens the project at the field to fix
            assert not berichte.stellungnahme_knopf.isEnabled()
            assert (h.projekt_id, h.ziel) not in behoben, f"Befund kommt nach dem Beheben wieder: {h.text}"
            berichte.hinweise.setFocus()
            qtbot.keyClick(berichte.hinweise, Qt.Key.Key_Return)
            editor = f.seite("projekte").editor
            assert f.aktuelle_seite() == "projekte" and editor.projekt_id == h.projekt_id
            feld = editor.hervorgehoben
            assert feld is not None, f"kein Feld hervorgehoben für {h.ziel}"
            _eintragen(feld, "Eigenmittel" if h.ziel == "finanzierung" else GRUND)
            qtbot.mouseClick(editor.speichern_knopf, Qt.MouseButton.LeftButton)
            assert not editor.hat_aenderungen(), editor.meldung.text()
            behoben.add((h.projekt_id, h.ziel))
            f.zeigen("berichte")
            qtbot.mouseClick(berichte.pruefen_knopf, Qt.MouseButton.LeftButton)
    else:
        pytest.fail("Die Befunde werden nicht weniger")
    assert behoben and quittiert, (behoben, quittiert)
    assert "0 Fehler" in berichte.status.text() and "mit Stellungnahme" in berichte.status.text()

    berichte.dokument.setCurrentIndex(berichte.dokument.findData("einreichung"))
    berichte.ziel_waehlen = lambda: tmp_path / "paket.zip"
    qtbot.mouseClick(berichte.erzeugen_knopf, Qt.MouseButton.LeftButton)
    assert berichte.status.text().startswith("Gespeichert:"), berichte.status.text()
    ordner = next((tmp_path / "paket").glob("BMAS_2026-Q3_v*"))
    assert paket_pruefen(ordner, f.store) == []
    pdf = " ".join(" ".join(pdf_text(next(ordner.glob("Quartalsbericht_*.pdf")).read_bytes())).split())
    assert pdf.count("Nachbewilligung ist beim BMDS beantragt") >= quittiert
    daten = json.loads(next(ordner.glob("Quartalsbericht_*.json")).read_text(encoding="utf-8"))
    mit = [x for x in daten["pruefung"] if x["stellungnahme"]]
    assert len(mit) == quittiert and all(x["stellungnahme"]["text"] == STELLUNGNAHME for x in mit)


def test_entwurf_mit_offenen_befunden_sagt_es(qtbot, fenster, tmp_path):  # noqa: ANN001
    berichte = fenster.zeigen("berichte")
    berichte.zeitraum.setText("Q3/2026")
    berichte.dokument.setCurrentIndex(berichte.dokument.findData("quartal"))
    berichte.ziel_waehlen = lambda: tmp_path / "bericht.pdf"
    qtbot.mouseClick(berichte.erzeugen_knopf, Qt.MouseButton.LeftButton)
    text = berichte.status.text()
    assert text.startswith("Entwurf mit ") and "offenen Befunden gespeichert" in text, text
    assert (tmp_path / "bericht.pdf").is_file()


def test_stellungnahme_ist_rueckgaengig_zu_machen_und_zurueckzunehmen(qtbot, fenster):  # noqa: ANN001
    berichte = fenster.zeigen("berichte")
    berichte.zeitraum.setText("Q3/2026")
    berichte.pruefen()
    i = next(i for i in range(berichte.hinweise.count())
             if (h := berichte._befund(berichte.hinweise.item(i))).stellungnahme_vorlage and h.offen)
    berichte.hinweise.setCurrentRow(i)
    befund_id = berichte._befund().befund_id

    def ausfuellen(dialog) -> bool:  # noqa: ANN001
        dialog.formular.widget("text").setPlainText(STELLUNGNAHME)
        dialog.accept()
        return True

    berichte.dialog_ausfuehren = ausfuellen
    qtbot.mouseClick(berichte.stellungnahme_knopf, Qt.MouseButton.LeftButton)

    def zustand() -> bool:
        return next(h for h in berichte._befunde if h.befund_id == befund_id).offen

    assert not zustand() and "mit Stellungnahme" in berichte.status.text()
    assert berichte._befund().befund_id == befund_id  # still selected, though it moved down the list
    assert berichte.hinweise.currentItem().text().startswith("Mit Stellungnahme: ")
    assert STELLUNGNAHME in berichte.befund_erklaerung.text()
    fenster.bearbeitung.stack.undo()  # Strg+Z takes it back like any edit
    berichte.pruefen()
    assert zustand()
    fenster.bearbeitung.stack.redo()
    berichte.pruefen()
    assert not zustand()
    berichte.hinweise.setCurrentRow(next(i for i in range(berichte.hinweise.count())
                                         if berichte._befund(berichte.hinweise.item(i)).befund_id == befund_id))
    assert berichte.zuruecknehmen_knopf.isEnabled()
    qtbot.mouseClick(berichte.zuruecknehmen_knopf, Qt.MouseButton.LeftButton)
    assert zustand()
