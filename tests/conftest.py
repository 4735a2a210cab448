"""Shared fixtures: fresh stores built once per test session and copied per test (fast, isolated).

Both databases: a test module marked ``pytestmark = pytest.mark.beide_datenbanken`` runs each of its
tests that use ``demo_store``, ``leerer_store`` or ``demo_home`` twice – on a SQLite file and on a
PostgreSQL database (``[sqlite]``/``[postgresql]`` in the test id). The PostgreSQL copy comes from a
template database built once per session on a throwaway server (tests/pg_server.py); ``demo_home``
then sets ``OZGDESK_DB`` to it, so the CLI with ``--home`` works on the server too. A test of such a
module that is about the file itself is marked ``nur_sqlite``. Without a PostgreSQL server the
``[postgresql]`` runs are skipped with the reason – in CI (``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
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
from tests.pg_server import PgServer, pg_beenden, pg_starten  # noqa: E402
from tests.datenbanken import datenbank_im_home  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "beide_datenbanken: the store fixtures run on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "nur_sqlite: in a beide_datenbanken module, this test is about the file")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "datenbank" not in metafunc.fixturenames:
        return
    if any("datenbank" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize")):
        return  # the test chose its databases itself
    if metafunc.definition.get_closest_marker("beide_datenbanken") and \
            not metafunc.definition.get_closest_marker("nur_sqlite"):
        metafunc.parametrize("datenbank", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def datenbank(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: which database the store fixtures of this test run on."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL cluster for the session (skipped without server binaries, failed in CI)."""
    server = pg_starten()
    try:
        yield server
    finally:
        pg_beenden(server)


@pytest.fixture(scope="session")
def _pg_vorlagen(pg_server: PgServer) -> dict[str, str]:
    """Template databases (built on first use): ``demo`` and ``leer``, like the SQLite templates."""
    return {}


def _pg_vorlage(server: PgServer, vorlagen: dict[str, str], name: str, fuellen) -> str:  # noqa: ANN001
    if name not in vorlagen:
        db = server.neue_datenbank(name=f"vorlage_{name}")
        with Store.oeffnen(server.url(db)) as store:
            fuellen(store)
        vorlagen[name] = db
    return vorlagen[name]


def pg_kopie(request: pytest.FixtureRequest, name: str | None) -> str:
    """A fresh database for one test (a copy of template ``name``, or empty for None), dropped after it."""
    server: PgServer = request.getfixturevalue("pg_server")
    vorlage = None
    if name is not None:
        fuellen = {"demo": demo_einrichten,
                   "leer": lambda s: ressort_einrichten(s, "BMI", referat="Referat DV 1")}[name]
        vorlage = _pg_vorlage(server, request.getfixturevalue("_pg_vorlagen"), name, fuellen)
    db = server.neue_datenbank(vorlage)
    request.addfinalizer(lambda: server.loeschen(db))
    return server.url(db)


@pytest.fixture
def neue_db(datenbank: str, request: pytest.FixtureRequest) -> Callable[[], list[str]]:
    """CLI arguments naming a fresh, empty store of the test's database: none for SQLite (the new
    ``--home`` holds it), ``--db URL`` of a new empty database on PostgreSQL."""
    return lambda: ["--db", pg_kopie(request, None)] if datenbank == "postgresql" else []


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
def demo_home(tmp_path: Path, datenbank: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder (for --home / OZGDESK_HOME) holding a fresh copy of the demo Ressort – on
    PostgreSQL the copy is a database and ``OZGDESK_DB`` names it."""
    home = tmp_path / "home"
    if datenbank == "postgresql":
        home.mkdir(parents=True)
        monkeypatch.setenv("OZGDESK_DB", pg_kopie(request, "demo"))
        return home
    _kopie(request.getfixturevalue("_demo_vorlage"), home)
    return home


@pytest.fixture
def demo_store(demo_home: Path) -> Iterator[Store]:
    """An open store with the demo Ressort (BMAS, 18 projects), private to the test."""
    with Store.oeffnen(datenbank_im_home(demo_home), ordner=demo_home) as store:
        yield store


@pytest.fixture
def leerer_store(tmp_path: Path, datenbank: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An open store with an empty Ressort (BMI) and the shipped catalogue."""
    if datenbank == "postgresql":
        (tmp_path / "leer").mkdir()
        ort: str | Path = pg_kopie(request, "leer")
    else:
        ort = _kopie(request.getfixturevalue("_leer_vorlage"), tmp_path / "leer")
    with Store.oeffnen(ort, ordner=tmp_path / "leer") as store:
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
