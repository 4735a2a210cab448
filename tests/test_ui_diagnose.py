"""Diagnose dialog: the technical log's tail below the diagnosis, copyable; nothing read on the GUI thread."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from ozgdesk import logbuch


@pytest.fixture
def logdatei(tmp_path: Path):
    datei = logbuch.einrichten(tmp_path / "home")
    yield datei
    for h in list(logging.getLogger().handlers):
        if isinstance(h, logbuch._PrivaterHandler):
            logging.getLogger().removeHandler(h)
            h.close()


def _schreiben() -> str:
    zeile = logbuch.ereignis("abgleich", "ok", 0.812, ziel="ordner", importiert=3, exportiert=1)
    for h in logging.getLogger().handlers:
        h.flush()
    return zeile


def test_dialog_zeigt_protokollzeile_und_kopiert_sie(qtbot, demo_store, logdatei, tmp_path) -> None:
    from PySide6.QtGui import QFontDatabase, QGuiApplication

    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.diagnose import Diagnosedialog
    from ozgdesk.ui.runner import SofortRunner

    anwendung()
    zeile = _schreiben()
    d = Diagnosedialog(demo_store, SofortRunner())
    qtbot.addWidget(d)
    assert zeile in d.protokoll.toPlainText()
    assert d.protokoll.isReadOnly() and d.text.isReadOnly()
    assert d.protokoll.font() == QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert d.kopieren.text() == "Protokollzeilen &kopieren" and d.ordner_oeffnen.isEnabled()
    QGuiApplication.clipboard().clear()
    d.kopieren.click()
    kopiert = QGuiApplication.clipboard().text()
    assert zeile in kopiert and str(demo_store.pfad) in kopiert and "Schema:" in kopiert
    d.resize(d.sizeHint())
    d.show()
    qtbot.waitExposed(d)
    d.grab().save(str(tmp_path / "diagnose.png"))
    assert (tmp_path / "diagnose.png").stat().st_size > 0


def test_dialog_laedt_ueber_den_runner_nicht_im_gui_thread(qtbot, demo_store, logdatei) -> None:
    """With the real runner the diagnosis is read on the worker; the dialog opens at once."""
    import ozgdesk.ui.diagnose as modul
    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.diagnose import Diagnosedialog
    from ozgdesk.ui.runner import Runner

    anwendung()
    zeile = _schreiben()
    threads: list[threading.Thread] = []
    laden = modul.diagnosedaten_laden

    def beobachtet(store):
        threads.append(threading.current_thread())
        return laden(store)

    runner = Runner()
    modul.diagnosedaten_laden = beobachtet
    try:
        d = Diagnosedialog(demo_store, runner)
        qtbot.addWidget(d)
        assert not d.kopieren.isEnabled()  # nothing loaded yet in the GUI thread
        qtbot.waitUntil(d.kopieren.isEnabled, timeout=10_000)
    finally:
        modul.diagnosedaten_laden = laden
        runner.warten()
    assert threads and threads[0] is not threading.main_thread()
    assert zeile in d.protokoll.toPlainText() and "Gerätekennung" in d.text.toPlainText()


def test_ohne_protokolldatei_ein_deutscher_hinweis(qtbot, demo_store, monkeypatch) -> None:
    from ozgdesk.ui.app import anwendung
    from ozgdesk.ui.diagnose import Diagnosedialog
    from ozgdesk.ui.runner import SofortRunner

    anwendung()
    monkeypatch.setattr(logbuch, "aktuelle_logdatei", lambda: None)
    d = Diagnosedialog(demo_store, SofortRunner())
    qtbot.addWidget(d)
    assert d.protokoll.toPlainText() == "" and "noch leer" in d.protokoll.placeholderText()
    assert "Technisches Protokoll" not in d.kopiertext() and "Schema:" in d.kopiertext()  # the diagnosis alone
