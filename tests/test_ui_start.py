"""Start-up in two steps: the window shows the Übersicht with data before the full store is open."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QSettings

from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.model.stichtag import DEMO_STICHTAG
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.hauptfenster import Hauptfenster
from ozgdesk.ui.runner import Runner


def test_uebersicht_steht_vor_dem_store_und_der_nachlauf_holt_ihn_nach(qtbot, demo_home, tmp_path):
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG, nachlauf=False,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.bereit, timeout=10000):
        f.show()
    seite = f.seite("uebersicht")
    assert "4. Quartal 2026" in seite.bericht.text() and "15.01.2027" in seite.bericht.text()
    assert seite.ueberfaellig.count() > 0
    assert f.windowTitle() == "ozgdesk – BMAS"
    assert not store.ist_geoeffnet  # the first page came from plain sqlite3 reads

    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.nachlauf_starten()
    assert store.ist_geoeffnet
    assert f.status_einreichung.text() == "Ausstehende Einreichungen: 0"
    projekte = f.zeigen("projekte")  # a page that needs the full store works as before
    qtbot.waitUntil(lambda: projekte.projekte.modell.rowCount() == 18, timeout=10000)
    runner.warten()
    store.schliessen()


def test_fenster_mit_daten_ohne_sqlalchemy(demo_home, tmp_path):
    """`ozgdesk --exit-when-ready` ends when the Übersicht shows its data; up to then no SQLAlchemy
    is imported (its import is a large share of the start; ``bench/start.py`` measures the start
    against a bare Qt window, goal ≤ 3×)."""
    code = ("import sys\nfrom ozgdesk.ui.app import main\n"
            f"rc = main(['--home', {str(demo_home)!r}, '--exit-when-ready'])\n"
            "print(rc, any(m.startswith('sqlalchemy') for m in sys.modules))\n")
    umgebung = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=umgebung,
                         timeout=60).stdout
    assert out.split()[-2:] == ["0", "False"]


def _seite_zerstoeren(pfad, tabelle: str) -> None:  # noqa: ANN001
    """Overwrite the root page of ``tabelle``: the header and the schema stay readable, so the
    quick check at start passes and the damage shows only when the table is read."""
    import sqlite3

    con = sqlite3.connect(pfad)
    seite = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (tabelle,)).fetchone()[0]
    groesse = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with open(pfad, "r+b") as f:
        f.seek((seite - 1) * groesse)
        f.write(b"\xa5" * groesse)


def test_beschaedigte_datei_meldet_sich_statt_zu_schweigen(qtbot, demo_home, tmp_path):
    anwendung()
    _seite_zerstoeren(demo_home / "ozgdesk.sqlite", "meilenstein")
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    assert store is not None  # the cheap check at start cannot see it
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    meldungen: list[tuple[str, str]] = []
    f.meldung = lambda titel, text: meldungen.append((titel, text))
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):  # bereit came, and the post-start work ran
        f.show()
    assert "Die Übersicht konnte nicht gelesen werden" in f.seite("uebersicht").bericht.text()
    assert any(titel == "Datenbank beschädigt" and "beschädigt" in text for titel, text in meldungen), meldungen
    runner.warten()
    store.schliessen()


def test_nachlauf_oeffnet_den_store_nicht_im_oberflaechen_thread(qtbot, demo_home, tmp_path, monkeypatch):
    import threading

    from ozgdesk.model.store import Store

    threads: list[str] = []
    original = Store.oeffnen.__func__

    def oeffnen(cls, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        threads.append(threading.current_thread().name)
        return original(cls, *a, **k)

    monkeypatch.setattr(Store, "oeffnen", classmethod(oeffnen))
    anwendung()
    store = schnell_oeffnen(demo_home / "ozgdesk.sqlite")
    runner = Runner()
    f = Hauptfenster(store, runner, stichtag=lambda: DEMO_STICHTAG,
                     einstellungen=QSettings(str(tmp_path / "e.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(f)
    with qtbot.waitSignal(f.nachlauf_fertig, timeout=20000):
        f.show()
    assert threads and all(name != threading.main_thread().name for name in threads), threads
    runner.warten()
    store.schliessen()
