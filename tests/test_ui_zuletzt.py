"""Datei › Datenbank öffnen … and Zuletzt geöffnet: the list is kept in the settings, missing files
are greyed out and removed when picked, and switching opens the other database in a new window in
the same process – after asking about unsaved input, and never when the file cannot be opened."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from ozgdesk.model.demo import STICHTAG
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.ui import zuletzt
from ozgdesk.ui.app import Sitzung, anwendung, datenbank_oeffnen
from ozgdesk.ui.runner import SofortRunner


def test_liste_neueste_zuerst_ohne_doppelte_hoechstens_acht():
    liste: tuple[str, ...] = ()
    for i in range(10):
        liste = zuletzt.vorne(liste, f"/daten/{i}.sqlite")
    assert liste == tuple(f"/daten/{i}.sqlite" for i in range(9, 1, -1))
    assert zuletzt.vorne(liste, "/daten/5.sqlite")[:2] == ("/daten/5.sqlite", "/daten/9.sqlite")
    assert len(zuletzt.vorne(liste, "/daten/5.sqlite")) == 8
    assert "/daten/5.sqlite" not in zuletzt.ohne(liste, "/daten/5.sqlite")


@pytest.fixture
def zwei(demo_home: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The demo database and a copy whose Ressort is called „TEST“."""
    a = demo_home / "ozgdesk.sqlite"
    b = tmp_path / "zweite" / "andere.sqlite"
    b.parent.mkdir()
    shutil.copyfile(a, b)
    con = sqlite3.connect(b)
    con.execute("UPDATE ressort SET kurzname = 'TEST'")
    con.commit()
    con.close()
    return a, b


@pytest.fixture
def sitzung(qtbot, zwei, tmp_path):  # noqa: ANN001, ANN201
    app = anwendung()
    s = Sitzung(app, QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat), SofortRunner())
    fenster = s.starten(schnell_oeffnen(zwei[0]), lambda: STICHTAG)
    fenster.meldungen = []
    fenster.meldung = lambda _t, text: fenster.meldungen.append(text)
    fenster.show()
    yield s
    for w in QApplication.topLevelWidgets():
        if w.objectName() == "hauptfenster" and w.isVisible():
            w.close()
    if s.store is not None:
        s.store.schliessen()


def _eintraege(fenster) -> list[tuple[str, bool, bool]]:  # noqa: ANN001
    fenster.zuletzt_fuellen()
    return [(a.text(), a.isEnabled(), a.isChecked()) for a in fenster.zuletzt_menue.actions() if not a.isSeparator()]


def test_wechseln_ueber_datenbank_oeffnen_und_zuletzt_geoeffnet(sitzung, zwei, qtbot):  # noqa: ANN001
    a, b = zwei
    erstes = sitzung.fenster
    qtbot.waitUntil(lambda: erstes.windowTitle() == "ozgdesk – BMAS")
    assert _eintraege(erstes)[0] == (f"&1 ozgdesk.sqlite – {a.parent}", True, True)

    erstes.datei_waehlen = lambda: b  # the file chooser
    oeffnen = next(x for x in erstes.menuBar().actions()[0].menu().actions() if x.text() == "Datenbank &öffnen …")
    oeffnen.trigger()
    zweites = sitzung.fenster
    assert zweites is not erstes and zweites.isVisible() and not erstes.isVisible()
    assert Path(sitzung.store.pfad) == b.resolve() and b.name in zweites.status_db.text()
    qtbot.waitUntil(lambda: zweites.windowTitle() == "ozgdesk – TEST")
    assert [Path(p) for p in zuletzt.liste(sitzung.einstellungen)] == [b.resolve(), a.resolve()]
    eintraege = _eintraege(zweites)
    assert eintraege[0][2] and eintraege[1] == (f"&2 ozgdesk.sqlite – {a.parent}", True, False)

    zurueck = next(x for x in zweites.zuletzt_menue.actions() if x.text().startswith("&2 "))
    zurueck.trigger()
    drittes = sitzung.fenster
    qtbot.waitUntil(lambda: drittes.windowTitle() == "ozgdesk – BMAS")
    assert [Path(p) for p in zuletzt.liste(sitzung.einstellungen)] == [a.resolve(), b.resolve()]
    drittes.zeigen("projekte")  # the new window works on its store
    assert drittes.seite("projekte").projekte.modell.rowCount() == 18


def test_fehlende_datei_grau_und_beim_waehlen_entfernt(sitzung, tmp_path):  # noqa: ANN001
    fenster = sitzung.fenster
    weg = tmp_path / "verschoben.sqlite"
    zuletzt.merken(sitzung.einstellungen, weg)
    eintrag = _eintraege(fenster)[0]
    assert eintrag[0].endswith("(nicht gefunden)") and not eintrag[1]
    assert not fenster.datenbank_wechseln(weg)
    assert "nicht (mehr) vorhanden" in fenster.meldungen[-1]
    assert weg not in zuletzt.liste(sitzung.einstellungen) and sitzung.fenster is fenster


def test_ungespeicherte_eingaben_werden_erfragt(sitzung, zwei):  # noqa: ANN001
    _a, b = zwei
    fenster = sitzung.fenster
    projekte = fenster.zeigen("projekte")
    projekte.projekt_oeffnen(projekte.projekte.modell.zeilen_id(0))
    editor = projekte.editor
    editor.formular.widget("titel").setText("Neuer Titel, nicht gespeichert")
    editor.formular.widget("titel").textEdited.emit("x")
    assert editor.hat_aenderungen()
    fragen = []
    editor.frage_ungespeichert = lambda: fragen.append(1) or QMessageBox.StandardButton.Cancel
    assert not fenster.datenbank_wechseln(b)
    assert fragen and sitzung.fenster is fenster and fenster.isVisible()
    editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    assert fenster.datenbank_wechseln(b)
    assert sitzung.fenster is not fenster


def test_keine_ozgdesk_datenbank_bleibt_beim_alten(sitzung, tmp_path):  # noqa: ANN001
    fenster = sitzung.fenster
    leer = tmp_path / "leer.sqlite"
    leer.write_bytes(b"")
    fremd = tmp_path / "fremd.sqlite"
    con = sqlite3.connect(fremd)
    con.execute("CREATE TABLE kunden (id INTEGER)")
    con.close()
    for datei, text in ((leer, "ist leer"), (fremd, "fremde SQLite-Datenbank")):
        inhalt = datei.read_bytes()
        assert not fenster.datenbank_wechseln(datei)
        assert text in fenster.meldungen[-1] and sitzung.fenster is fenster
        assert datei.read_bytes() == inhalt  # left as it was
    with pytest.raises(Exception, match="nicht vorhanden"):
        datenbank_oeffnen(tmp_path / "gibt-es-nicht.sqlite")


def test_start_mit_derselben_datenbank_schreibt_die_einstellungen_nicht_neu(tmp_path):
    """The usual start (same database, same page as last time) leaves the settings file alone; a
    different database or page is still written."""
    from ozgdesk.ui.einstellungen import SEITE

    datei = tmp_path / "ozgdesk.conf"
    qs = QSettings(str(datei), QSettings.Format.IniFormat)
    zuletzt.merken(qs, tmp_path / "a.sqlite")
    SEITE.schreiben(qs, "projekte")
    qs.sync()
    vorher = datei.read_bytes()
    datei.write_bytes(vorher + b"\n; Marke: unveraendert\n")  # a rewrite would drop this line
    qs2 = QSettings(str(datei), QSettings.Format.IniFormat)
    zuletzt.merken(qs2, tmp_path / "a.sqlite")
    SEITE.schreiben(qs2, "projekte")
    qs2.sync()
    del qs2
    assert datei.read_bytes().endswith(b"; Marke: unveraendert\n")
    qs3 = QSettings(str(datei), QSettings.Format.IniFormat)
    zuletzt.merken(qs3, tmp_path / "b.sqlite")
    SEITE.schreiben(qs3, "finanzen")
    qs3.sync()
    assert b"Marke" not in datei.read_bytes()
    assert zuletzt.liste(qs3)[:2] == [(tmp_path / "b.sqlite").resolve(), (tmp_path / "a.sqlite").resolve()]
    assert SEITE.lesen(qs3) == "finanzen"
