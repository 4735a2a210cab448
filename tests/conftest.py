"""Shared fixtures: fresh stores built once per test session and copied per test (fast, isolated)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The session's keychain (device keys of the sync): a file shared with child processes, set before
# any store is built (see tests/schluesselbund.py).
import tempfile  # noqa: E402

import keyring  # noqa: E402

from tests.schluesselbund import UMGEBUNG, Testschluesselbund  # noqa: E402

os.environ[UMGEBUNG] = str(Path(tempfile.mkdtemp(prefix="ozgdesk-schluesselbund-")) / "schluessel.json")
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.schluesselbund.Testschluesselbund"
keyring.set_keyring(Testschluesselbund())

from ozgdesk.model.einrichtung import demo_einrichten, ressort_einrichten  # noqa: E402
from ozgdesk.model.store import Store  # noqa: E402

# The sync fixtures (a WebDAV server, fresh devices, a synced pair) for every test module; imported
# here once so that test modules take them as parameters without importing what they shadow.
from tests.sync_server import _leere_vorlage_sync, _paar_vorlage, dav, neues_geraet, synchrones_paar  # noqa: E402, F401
from tests.apache_server import apache_dav, webdav_server  # noqa: E402, F401


def _vorlage(tmp_path_factory: pytest.TempPathFactory, name: str, fuellen) -> Path:  # noqa: ANN001
    pfad = tmp_path_factory.mktemp(f"vorlage-{name}") / "ozgdesk.sqlite"
    with Store.oeffnen(pfad) as store:
        fuellen(store)
    with Store.oeffnen(pfad) as store:  # checkpoint the WAL so one file is a complete copy
        with store.engine.connect() as con:
            con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return pfad


@pytest.fixture(scope="session")
def _demo_vorlage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _vorlage(tmp_path_factory, "demo", demo_einrichten)


@pytest.fixture(scope="session")
def _leer_vorlage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _vorlage(tmp_path_factory, "leer", lambda s: ressort_einrichten(s, "BMI", referat="Referat DV 1"))


def _kopie(vorlage: Path, home: Path) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    ziel = home / "ozgdesk.sqlite"
    shutil.copyfile(vorlage, ziel)
    return ziel


@pytest.fixture
def demo_home(tmp_path: Path, _demo_vorlage: Path) -> Path:
    """A home folder (for --home / OZGDESK_HOME) holding a fresh copy of the demo Ressort."""
    home = tmp_path / "home"
    _kopie(_demo_vorlage, home)
    return home


@pytest.fixture
def demo_store(demo_home: Path) -> Iterator[Store]:
    """An open store with the demo Ressort (BMAS, 18 projects), private to the test."""
    with Store.oeffnen(demo_home / "ozgdesk.sqlite") as store:
        yield store


@pytest.fixture
def leerer_store(tmp_path: Path, _leer_vorlage: Path) -> Iterator[Store]:
    """An open store with an empty Ressort (BMI) and the shipped catalogue."""
    with Store.oeffnen(_kopie(_leer_vorlage, tmp_path / "leer")) as store:
        yield store


@pytest.fixture(autouse=True)
def _sitzungswache() -> Iterator[None]:
    """The GUI-thread session check is on for every test: GUI code that opens a DB session on the
    GUI thread fails the test (ozgdesk.ui.wache). Qt-free code is not affected."""
    from ozgdesk.model import wache as wache_modell

    vorher = wache_modell.setzen(None)
    try:
        from ozgdesk.ui import wache
    except ImportError:  # pragma: no cover - PySide6 missing: nothing of the GUI can run anyway
        yield
        return
    wache.einschalten()
    try:
        yield
    finally:
        wache_modell.setzen(vorher)


@pytest.fixture
def design_zuruecksetzen() -> Iterator[None]:
    """For tests that switch the design (Ansicht › Design): afterwards the application has the
    palette, style sheet and design it had before, so no later test runs in another design."""
    from PySide6.QtGui import QPalette

    from ozgdesk.ui import thema
    from ozgdesk.ui.app import anwendung

    app = anwendung()
    vorher = (app.styleSheet(), QPalette(app.palette()), thema._aktuell)
    try:
        yield
    finally:
        app.setStyleSheet(vorher[0])
        app.setPalette(vorher[1])
        thema._aktuell = vorher[2]
