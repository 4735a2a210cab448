"""„Über / Diagnose“: versions and paths for IT support, copyable, nothing secret."""

import json

from ozgdesk.cli import main


def test_diagnose_nennt_versionen_und_pfade(demo_home, capsys):
    assert main(["--home", str(demo_home), "diagnose", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["Datenbank"] == str((demo_home / "ozgdesk.sqlite").resolve())
    assert d["Protokolldatei"].endswith("logs/ozgdesk.log") and d["Schema"] and d["SQLite"]
    assert d["SQLAlchemy"][0].isdigit() and d["Abgleichziel"] == "nicht eingerichtet"


def test_diagnosedialog_kopiert_in_die_zwischenablage(qtbot, demo_store):
    from PySide6.QtGui import QGuiApplication

    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.diagnose import Diagnosedialog
    from ozgdesk.ui.runner import SofortRunner

    anwendung()
    d = Diagnosedialog(demo_store, SofortRunner())
    qtbot.addWidget(d)
    d.kopieren.click()
    text = QGuiApplication.clipboard().text()
    assert str(demo_store.pfad) in text and "ozgdesk:" in text and "Schema:" in text


def test_diagnose_nennt_eingerichtetes_abgleichziel(demo_store, tmp_path):
    from ozgdesk.diagnose import diagnose
    from ozgdesk.sync.abgleich import einrichten

    einrichten(demo_store, str(tmp_path))
    assert dict(diagnose(demo_store))["Abgleichziel"] == str(tmp_path)


def test_diagnose_schwaerzt_zugangsdaten_im_abgleichziel(demo_store):
    from ozgdesk.diagnose import diagnose
    from ozgdesk.sync.abgleich import ZIEL

    demo_store.meta_setzen(ZIEL, "https://anna:Geheim-123@dav.example.org/ablage/")
    ziel = dict(diagnose(demo_store))["Abgleichziel"]
    assert "Geheim-123" not in ziel and "anna" not in ziel and "dav.example.org/ablage/" in ziel
