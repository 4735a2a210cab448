"""Two people on one database, in the window: a stale save shows the other person's value and name
in the project editor, the typed text stays in the form, nothing is overwritten (issue 17, point 2).

Runs on the SQLite file (two clients of one file) and on PostgreSQL (two clients of one server
database); the second person writes through their own Store, as another computer would.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.felder import projekt_finden
from ozgdesk.model.operationen import bearbeiten as ops_b
from ozgdesk.model.operationen import projekt as ops_p
from ozgdesk.model.store import Store
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner

pytestmark = pytest.mark.beide_datenbanken

KENNUNG = "BMAS-2024-02"


def test_veraltetes_speichern_zeigt_wert_und_namen_der_kollegin(qtbot, demo_store, tmp_path):
    anwendung()
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "f.ini"), QSettings.Format.IniFormat))
    gemeldet: list[str] = []
    f.meldung = lambda _titel, text: gemeldet.append(text)
    qtbot.addWidget(f)
    with demo_store.lesen() as s:
        pid = projekt_finden(s, KENNUNG).id
    seite = f.zeigen("projekte")
    assert seite.projekt_oeffnen(pid)
    editor = seite.editor
    editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard  # closing the window at the end
    if demo_store.ist_server:
        assert "postgresql://" in f.status_db.text() and "@" in f.status_db.text()

    # meanwhile, on another computer, Jonas saves the risks of the same project
    with Store.oeffnen(demo_store.ort, ordner=demo_store.ordner) as jonas:
        ops_b.anwenden(jonas, ops_p.aendern("projekt", pid, {"risiken": "Vergabe verzögert sich"}, "Risiken",
                                            basis=ops_b.lesen(jonas, ops_p.werte, "projekt", pid)),
                       benutzer="Jonas Weber")

    editor.formular.widget("risiken").setPlainText("Keine Risiken")
    editor.formular.geaendert.emit()
    assert not editor.speichern()  # refused at once (synchronous runner)
    meldung = editor.meldung.text()
    assert not editor.meldung.isHidden()
    assert "Nicht gespeichert" in meldung and "„Risiken“ hat Jonas Weber am" in meldung
    assert "auf „Vergabe verzögert sich“ geändert (Ihre Eingabe: „Keine Risiken“)" in meldung
    assert editor.formular.widget("risiken").toPlainText() == "Keine Risiken"  # the typed text stays
    with demo_store.lesen() as s:
        assert projekt_finden(s, KENNUNG).risiken == "Vergabe verzögert sich"
    assert any("Jonas Weber" in t for t in gemeldet) or "Jonas Weber" in meldung
