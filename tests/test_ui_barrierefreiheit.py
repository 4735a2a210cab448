"""BITV 2.0 / EN 301 549 checks over the whole GUI: mnemonics without clashes, an accessible name
for every interactive widget. Each test walks every page (every tab combination) and every dialog
(``tests/barrierefreiheit_rundgang.py``) and names every offending widget with the view it is in.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMenu, QMessageBox, QPushButton, QVBoxLayout, QWidget

from ozgdesk.model.demo import STICHTAG
from ozgdesk.ui import dienste
from ozgdesk.ui.app import anwendung, dienste_anmelden
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import SofortRunner
from ozgdesk.ui.zugaenglichkeit import MENUELEISTE, kollisionen, menue_kollisionen, mnemonik, namenlose
from tests.barrierefreiheit_rundgang import Rundgang, hauptfenster_durchlaufen


@pytest.fixture
def fenster(qtbot, demo_store, tmp_path):  # noqa: ANN001, ANN201
    anwendung()
    dienste_anmelden(lambda: STICHTAG)
    f = Hauptfenster(demo_store, SofortRunner(), stichtag=lambda: STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    f.meldungen = []
    f.meldung = lambda _titel, text: f.meldungen.append(text)
    qtbot.addWidget(f)
    projekte = f.seite("projekte")
    projekte.editor.frage_ungespeichert = lambda: QMessageBox.StandardButton.Discard
    yield f
    f.runner.warten()
    dienste.berichte_registrieren(None)
    dienste.katalog_registrieren(None)


def _bericht(befunde: dict[str, list[str]]) -> str:
    return "\n".join(f"{ansicht}:\n  " + "\n  ".join(liste) for ansicht, liste in befunde.items())


# ------------------------------------------------------------------------------------- the checkers
def test_mnemonik_liest_den_buchstaben_nach_dem_einfachen_kaufmannsund():
    assert mnemonik("&Datei") == "d"
    assert mnemonik("Ä&nderungsprotokoll") == "n"
    assert mnemonik("Zur &Übersicht") == "ü"
    assert mnemonik("Forschung && Förderung") is None
    assert mnemonik("A && B &Cäsar") == "c"
    assert mnemonik("ohne") is None


def test_kollisionen_nennen_beide_widgets_auch_die_menueleiste(qtbot):  # noqa: ANN001
    anwendung()
    f = QMainWindow()
    f.menuBar().addMenu("&Ansicht")
    mitte = QWidget()
    layout = QVBoxLayout(mitte)
    feld = QLineEdit()
    label = QLabel("&Arbeitspakete:")
    label.setBuddy(feld)
    layout.addWidget(label)
    layout.addWidget(feld)
    layout.addWidget(QPushButton("&Neu"))
    layout.addWidget(QPushButton("&Nächster"))
    layout.addWidget(QLabel("&Ohne Feld"))
    f.setCentralWidget(mitte)
    qtbot.addWidget(f)
    f.show()
    meldungen = kollisionen(f)
    assert any(m.startswith("Alt+A mehrfach: Menü „&Ansicht“") and "„&Arbeitspakete:“" in m for m in meldungen)
    assert any(m.startswith("Alt+N mehrfach") and "„&Neu“" in m and "„&Nächster“" in m for m in meldungen)
    assert any("ohne Feld (Buddy) „&Ohne Feld“" in m for m in meldungen)
    feld.hide()
    label.hide()  # hidden widgets register nothing the user can press
    assert not any(m.startswith("Alt+A") for m in kollisionen(f))


def test_namenlose_widgets_werden_gemeldet_beschriftete_nicht(qtbot):  # noqa: ANN001
    anwendung()
    w = QWidget()
    w.setObjectName("probe")
    layout = QVBoxLayout(w)
    ohne, benannt, mit_label = QLineEdit(), QLineEdit(), QLineEdit()
    benannt.setAccessibleName("Name")
    label = QLabel("&Titel:")
    label.setBuddy(mit_label)
    for x in (ohne, benannt, label, mit_label, QPushButton("&Speichern")):
        layout.addWidget(x)
    qtbot.addWidget(w)
    w.show()
    assert namenlose(w) == ["QLineEdit ohne zugänglichen Namen (probe)"]


# ------------------------------------------------------------------------------------- the whole GUI
def test_keine_mnemonik_kollision_in_fenstern_reitern_und_dialogen(fenster):  # noqa: ANN001
    rundgang = Rundgang(kollisionen)
    hauptfenster_durchlaufen(fenster, rundgang)
    # the walk saw what it should: every page, the editor's tabs, the dialogs
    besucht = "\n".join(rundgang.besucht)
    for erwartet in ("Hauptfenster uebersicht", "Hauptfenster projekte › Zahlungsplan › Projekte",
                     "Hauptfenster projekte › Bewilligungen › Alle Meilensteine", "Hauptfenster abgleich",
                     "Dialog Behörden", "Dialog Neu: Behörde", "Dialog Person bearbeiten", "Dialog Ressort bearbeiten",
                     "Dialog Katalog importieren", "Dialog Zahlungen aus dem HKR", "Dialog Über ozgdesk / Diagnose", "Dialog Neues Projekt",
                     "Dialog Zahlung erfassen", "Dialog Neuer Meilenstein", "Dialog Meilenstein verschieben",
                     "Dialog ozgdesk einrichten, Seite 3", "Dialog Projektleitung", "Dialog Reifegrad bewerten",
                     "Dialog Neue Bewilligung", "Dialog Aufwand erfassen", "Dialog Einstellungen", "Dialog Tastenkürzel",
                     "Dialog ozgdesk – Handbuch", "Dialog Überall suchen", "Dialog Auf eine neue Ablage umziehen"):
        assert erwartet in besucht, f"{erwartet} nicht besucht:\n{besucht}"
    assert not rundgang.befunde, "Mnemonik-Kollisionen:\n" + _bericht(rundgang.befunde)


def test_seiten_benutzen_die_buchstaben_der_menueleiste_nicht(fenster):  # noqa: ANN001
    """The rule of docs/tastatur.md: D, B, A, T, H belong to the menu bar in the main window."""
    assert [mnemonik(a.text()) for a in fenster.menuBar().actions()] == list(MENUELEISTE)


def test_menues_haben_eindeutige_buchstaben(fenster):  # noqa: ANN001
    fenster.show()
    meldungen = [m for a in fenster.menuBar().actions() if isinstance(a.menu(), QMenu)
                 for m in menue_kollisionen(a.menu())]
    assert not meldungen, "\n".join(meldungen)


def test_jedes_bedienelement_hat_einen_zugaenglichen_namen(fenster):  # noqa: ANN001
    rundgang = Rundgang(namenlose)
    hauptfenster_durchlaufen(fenster, rundgang)
    assert len(rundgang.besucht) > 40
    assert not rundgang.befunde, "Bedienelemente ohne zugänglichen Namen:\n" + _bericht(rundgang.befunde)
