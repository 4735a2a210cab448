"""GUI side of issue 11, points 6 and 7: no traceback, a German dialog; a locked database keeps the edit."""

from __future__ import annotations

import sqlite3
import sys
import threading

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import select

from ozgdesk.model.entitaeten import Projekt
from ozgdesk.model.stichtag import DEMO_STICHTAG as STICHTAG
from ozgdesk.model.store import Store
from ozgdesk.ui import app
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner


@pytest.fixture
def dialoge(monkeypatch):  # noqa: ANN001, ANN201
    """Install the app's hooks (restored afterwards) and capture the dialog texts instead of showing them."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    texte: list[str] = []
    monkeypatch.setattr(app, "fehler_zeigen", texte.append)
    app.anwendung()
    app.fehlerdialog_einrichten()
    return texte


@pytest.mark.qt_no_exception_capture
def test_ausnahme_in_einem_slot_zeigt_deutschen_dialog_statt_traceback(qtbot, dialoge, capsys):
    knopf = QPushButton("Los")
    qtbot.addWidget(knopf)
    knopf.clicked.connect(lambda: (_ for _ in ()).throw(ValueError("list index out of range")))
    qtbot.mouseClick(knopf, Qt.MouseButton.LeftButton)
    assert len(dialoge) == 1 and dialoge[0].startswith("Unerwarteter interner Fehler")
    assert "technischen Protokoll" in dialoge[0] and "list index" not in dialoge[0]
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.qt_no_exception_capture
def test_ausnahme_in_einem_faden_kommt_als_dialog_im_gui_faden_an(qtbot, dialoge):
    faden = threading.Thread(target=lambda: 1 / 0)
    faden.start()
    faden.join()
    qtbot.waitUntil(lambda: len(dialoge) == 1)
    assert dialoge[0].startswith("Unerwarteter interner Fehler") and "division" not in dialoge[0]


@pytest.mark.qt_no_exception_capture
def test_deutsche_meldung_erscheint_wie_sie_ist(qtbot, dialoge):
    from ozgdesk.model.errors import Speicherfehler

    knopf = QPushButton("Los")
    qtbot.addWidget(knopf)
    knopf.clicked.connect(lambda: (_ for _ in ()).throw(Speicherfehler("Kein Platz mehr.")))
    qtbot.mouseClick(knopf, Qt.MouseButton.LeftButton)
    assert dialoge == ["Kein Platz mehr."]


def test_gesperrte_datenbank_meldung_und_die_eingabe_bleibt_im_formular(qtbot, demo_home, tmp_path):
    db = demo_home / "ozgdesk.sqlite"
    with Store.oeffnen(db, warten=0.2) as store:
        app.anwendung()
        f = Hauptfenster(store, SofortRunner(), stichtag=lambda: STICHTAG,
                         einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
        meldungen: list[str] = []
        f.meldung = lambda titel, text: meldungen.append(text)
        qtbot.addWidget(f)
        f.show()
        seite = f.zeigen("projekte")
        with store.lesen() as s:
            pid = s.execute(select(Projekt.id).where(Projekt.kennung == "BMAS-2024-01")).scalar_one()
        seite.projekt_oeffnen(pid)
        editor = seite.editor
        editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
        editor.formular.widget("titel").setText("Während der Sperre getippt")
        editor.formular.geaendert.emit()
        sperre = sqlite3.connect(db, isolation_level=None)
        sperre.execute("BEGIN IMMEDIATE")  # a second ozgdesk or a script is writing
        try:
            assert not editor.speichern()
        finally:
            sperre.rollback()
            sperre.close()
        assert len(meldungen) == 1 and "nicht frei" in meldungen[0] and "nichts gespeichert" in meldungen[0]
        assert f.statusBar().currentMessage() == meldungen[0]  # still readable once the box is closed
        assert editor.formular.widget("titel").text() == "Während der Sperre getippt"  # nothing lost
        with store.lesen() as s:
            assert s.get(Projekt, pid).titel != "Während der Sperre getippt"
        f.grab().save(str(tmp_path / "gesperrt.png"))
        assert editor.speichern()  # the lock is free again: the same form saves
        with store.lesen() as s:
            assert s.get(Projekt, pid).titel == "Während der Sperre getippt"
        f.runner.warten()
        f.close()
