"""The DB-step seam of the sync (``db=``): no store access outside a step, no network inside one.

The GUI runs the sync on a network thread and every ``db(...)`` step on its DB worker, so table
views keep scrolling while a slow share answers. These tests run real syncs (folder and the
wsgidav WebDAV server) with a ``db`` that marks "inside a DB step" in a thread-local flag, a
backend proxy that fails on any call made inside a step, and hooks on the store (its methods and
every SQL statement, commit and rollback on both engines) that fail on any access outside one.
"""

from __future__ import annotations

import concurrent.futures
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import keyring
import pytest
from sqlalchemy import event, select

from ozgdesk.model import aenderungen
from ozgdesk.model.projekte import Projekt
from ozgdesk.model.store import Store
from ozgdesk.sync import abgleich, zugang
from ozgdesk.sync import schluessel as geraeteschluessel
from ozgdesk.sync.abgleich import (
    ablage_erreichbar,
    eingang_abholen,
    einrichten,
    jetzt_abgleichen,
)
from ozgdesk.sync.ausgang import ausgang, ausgang_einreihen
from ozgdesk.sync.backend import OrdnerBackend
from ozgdesk.sync.konflikte import konflikte
from tests.sync_server import BENUTZER, PASSWORT, daten

_lokal = threading.local()


def im_schritt() -> bool:
    return getattr(_lokal, "im_schritt", False)


def _markiert(fn: Callable[[], Any]) -> Any:
    assert not im_schritt(), "DB-Schritt in einem DB-Schritt"
    _lokal.im_schritt = True
    try:
        return fn()
    finally:
        _lokal.im_schritt = False


class Waechter:
    """Records every violation of the seam (and raises, so the sync stops where it happened)."""

    def __init__(self) -> None:
        self.verstoesse: list[str] = []
        self.schritte = 0
        self.aktiv = False

    def verstoss(self, was: str) -> None:
        self.verstoesse.append(was)
        raise AssertionError(was)

    def db(self, fn: Callable[[], Any]) -> Any:
        self.schritte += 1
        return _markiert(fn)

    def store_pruefen(self, was: str) -> None:
        if self.aktiv and not im_schritt():
            self.verstoss(f"{was} außerhalb eines DB-Schritts")

    def netz_pruefen(self, was: str) -> None:
        if self.aktiv and im_schritt():
            self.verstoss(f"{was} in einem DB-Schritt")


class Netzwache:
    """Backend proxy: every method call fails the test while a DB step runs."""

    def __init__(self, backend: Any, waechter: Waechter) -> None:
        self._backend = backend
        self._waechter = waechter

    def __getattr__(self, name: str) -> Any:
        wert = getattr(self._backend, name)
        if not callable(wert):
            return wert

        def geprueft(*args: Any, **kwargs: Any) -> Any:
            self._waechter.netz_pruefen(f"backend.{name}()")
            return wert(*args, **kwargs)

        return geprueft


@pytest.fixture
def schluesselbund() -> Iterator[Any]:
    """The session's test keychain: it holds the device keys of the synced pair as well."""
    yield keyring.get_keyring()


@pytest.fixture
def waechter(monkeypatch: pytest.MonkeyPatch) -> Waechter:
    w = Waechter()
    for name in ("session", "lesen", "meta", "meta_setzen", "roh_lesen", "revision"):
        original = getattr(Store, name)

        def bewacht(self: Store, *args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            w.store_pruefen(f"Store.{_name}()")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Store, name, bewacht)
    for modul, name in ((zugang, "passwort_holen"), (zugang, "passwort_speichern"), (geraeteschluessel, "laden"),
                        (geraeteschluessel, "anlegen")):
        original = getattr(modul, name)

        def schluessel(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            w.netz_pruefen(f"Schlüsselbund ({_name})")
            return _original(*args, **kwargs)

        monkeypatch.setattr(modul, name, schluessel)
    bauen = abgleich.backend_bauen

    def backend_bauen(ziel: str | None, benutzer: str | None) -> Any:
        w.netz_pruefen("Backend bauen")
        return Netzwache(bauen(ziel, benutzer), w)

    monkeypatch.setattr(abgleich, "backend_bauen", backend_bauen)
    return w


@contextmanager
def bewacht(w: Waechter, *stores: Store) -> Iterator[None]:
    """Within the block, SQL on the stores' engines outside a DB step is a violation."""
    horcher = []
    for store in stores:
        for engine in (store.engine, store.schreib_engine):
            for art in ("before_cursor_execute", "commit", "rollback"):
                def hook(*_a: Any, _art: str = art, **_k: Any) -> None:
                    w.store_pruefen(f"SQL ({_art})")

                event.listen(engine, art, hook)
                horcher.append((engine, art, hook))
    w.aktiv = True
    try:
        yield
    finally:
        w.aktiv = False
        for engine, art, hook in horcher:
            event.remove(engine, art, hook)


def titel_setzen(store: Store, wert: str, index: int = 0) -> None:
    with store.session(benutzer="Anna") as s:
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel = wert


def titel(store: Store, index: int = 0) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel


def _projekt_id(store: Store, index: int) -> str:
    with store.lesen() as s:
        return s.execute(select(Projekt.id).order_by(Projekt.kennung)).scalars().all()[index]


def _paket(tmp_path: Path) -> Path:
    ordner = tmp_path / "paket"
    (ordner / "anlagen").mkdir(parents=True)
    (ordner / "Bericht.pdf").write_bytes(b"%PDF Bericht")
    (ordner / "anlagen" / "Anlage.xlsx").write_bytes(b"PK Anlage")
    return ordner


def _vorbereiten(a: Store, b: Store, share: Path, tmp_path: Path) -> None:
    """Edits on both devices (one conflict), a queued package, a catalogue update and feedback on
    the share, and the head and junk announcement of a device nobody approved (it waits)."""
    titel_setzen(a, "Von A über den Abgleich")
    titel_setzen(a, "A sagt so", index=1)
    titel_setzen(b, "B sagt anders", index=1)
    ausgang_einreihen(a, _paket(tmp_path), "BMAS", "2026-H2")
    (share / "inbox" / "katalog").mkdir(parents=True)
    (share / "inbox" / "katalog" / "ozg-katalog-2027-01.csv").write_text("ozg_id;bezeichnung\n", encoding="utf-8")
    (share / "feedback" / "BMAS" / "2026-H2" / "v1").mkdir(parents=True)
    (share / "feedback" / "BMAS" / "2026-H2" / "v1" / "Rückmeldung.pdf").write_bytes(b"%PDF Rueckmeldung")
    fremd = "0badc0de-0000-4000-8000-000000000000"  # a device nobody approved, with a junk announcement
    (share / "heads" / f"k-{fremd}-{1:012d}-1-1.json").write_bytes(b'{"kaputt": true}')
    (share / "geraete").mkdir(exist_ok=True)
    (share / "geraete" / f"{fremd}.json").write_bytes(b'{"kaputt": true}')


def _ablauf(a: Store, b: Store, ziel: str, db: Callable[[Callable[[], Any]], Any] | None,
            benutzer: str | None = None, passwort: str | None = None) -> dict[str, Any]:
    """What the Abgleich view does: set up, probe, sync both devices, fetch the inbox, refresh."""
    einrichten(a, ziel, benutzer, passwort, db=db).schliessen()
    einrichten(b, ziel, benutzer, passwort, db=db).schliessen()
    erreichbar = ablage_erreichbar(a, db=db)
    ea = jetzt_abgleichen(a, db=db)
    eb = jetzt_abgleichen(b, db=db)
    ea2 = jetzt_abgleichen(a, db=db)
    eingang = eingang_abholen(b, db=db)
    return {"erreichbar": erreichbar, "a": ea, "b": eb, "a2": ea2, "eingang": eingang}


def _pruefen(a: Store, b: Store, r: dict[str, Any]) -> None:
    assert r["erreichbar"] == (True, "Ablage erreichbar.")
    assert r["a"].gesendet == 2 and r["a"].veroeffentlicht == ["outbox/BMAS/2026-H2/v1"]
    assert r["b"].empfangen == 2 and r["b"].gesendet == 1 and r["b"].konflikte == 1
    for e in (r["a"], r["b"]):  # the device nobody approved waits; its junk announcement is named
        assert any("0badc0de" in w and "noch nicht freigegeben" in w for w in e.warnungen)
        assert any("0badc0de" in w and "unbrauchbar" in w for w in e.warnungen)
    assert r["a2"].empfangen == 1 and r["a2"].konflikte == 1
    assert titel(b) == "Von A über den Abgleich"
    assert [k.feld for k in konflikte(a)] == [k.feld for k in konflikte(b)] == ["titel"]
    assert daten(a) == daten(b)
    assert [x.ziel for x in ausgang(a)] == ["outbox/BMAS/2026-H2/v1"]
    assert [p.name for p in r["eingang"].kataloge] == ["ozg-katalog-2027-01.csv"]
    assert list(r["eingang"].rueckmeldungen) == ["2026-H2/v1"]


def test_ordner_abgleich_greift_nur_in_db_schritten_auf_die_datenbank_zu(synchrones_paar, tmp_path, waechter) -> None:
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    _vorbereiten(a, b, share, tmp_path)
    with bewacht(waechter, a, b):
        r = _ablauf(a, b, str(share), waechter.db)
    assert waechter.verstoesse == []
    assert waechter.schritte > 20  # coarse steps, but really steps
    _pruefen(a, b, r)


def test_webdav_abgleich_netz_und_schluesselbund_nie_im_db_schritt(synchrones_paar, tmp_path, dav, waechter,
                                                                   schluesselbund) -> None:
    a, b = synchrones_paar
    share = dav.wurzel / "Ablage Grüße"
    shutil.copytree(tmp_path / "ablage", share)
    _vorbereiten(a, b, share, tmp_path)
    url = dav.url + "Ablage%20Grüße/"
    with bewacht(waechter, a, b):
        r = _ablauf(a, b, url, waechter.db, BENUTZER, PASSWORT)
    assert waechter.verstoesse == []
    _pruefen(a, b, r)
    assert r["b"].anfragen > 10  # the requests really went over HTTP


def test_der_waechter_bemerkt_einen_verstoss(synchrones_paar, tmp_path, waechter) -> None:
    """The guard itself can fail: store access outside a step and a request inside one are caught."""
    a, _ = synchrones_paar
    with bewacht(waechter, a), pytest.raises(AssertionError, match="außerhalb eines DB-Schritts"):
        a.meta("abgleich.ziel")
    backend = Netzwache(OrdnerBackend(tmp_path / "ablage"), waechter)
    with bewacht(waechter, a), pytest.raises(AssertionError, match="in einem DB-Schritt"):
        waechter.db(lambda: backend.liste(""))
    assert len(waechter.verstoesse) == 2


def _welt(vorlage: Path, ziel: Path) -> tuple[Store, Store, Path]:
    """The synced pair from the session template, as an independent copy."""
    shutil.copytree(vorlage / "ablage", ziel / "ablage")
    stores = []
    for name in ("a", "b"):
        pfad = ziel / name / "ozgdesk.sqlite"
        pfad.parent.mkdir(parents=True)
        shutil.copyfile(vorlage / f"{name}.sqlite", pfad)
        stores.append(Store.oeffnen(pfad))
    return stores[0], stores[1], ziel / "ablage"


def _vergleichbar(r: dict[str, Any]) -> dict[str, Any]:
    aus = {}
    for k, v in r.items():
        if k in ("a", "b", "a2"):
            v = {x: y for x, y in asdict(v).items() if x != "bytes_gesendet"}  # timestamps in the files
        elif k == "eingang":
            v = ([p.name for p in v.kataloge], {e: [p.name for p in ps] for e, ps in v.rueckmeldungen.items()})
        aus[k] = v
    return aus


def test_schritte_auf_einem_anderen_thread_geben_dasselbe_ergebnis(_paar_vorlage, tmp_path, waechter) -> None:
    direkt_a, direkt_b, direkt_share = _welt(_paar_vorlage, tmp_path / "direkt")
    a, b, share = _welt(_paar_vorlage, tmp_path / "thread")
    threads: set[str] = set()
    try:
        _vorbereiten(direkt_a, direkt_b, direkt_share, tmp_path / "p1")
        _vorbereiten(a, b, share, tmp_path / "p2")
        erwartet = _ablauf(direkt_a, direkt_b, str(direkt_share), None)
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="db-worker") as pool:
            def db(fn: Callable[[], Any]) -> Any:
                def schritt() -> Any:
                    threads.add(threading.current_thread().name)
                    return waechter.db(fn)

                return pool.submit(schritt).result()

            with bewacht(waechter, a, b):
                r = _ablauf(a, b, str(share), db)
        assert waechter.verstoesse == []
        assert len(threads) == 1 and next(iter(threads)).startswith("db-worker")
        assert _vergleichbar(r) == _vergleichbar(erwartet)
        assert daten(a) == daten(direkt_a) and daten(b) == daten(direkt_b)
        _pruefen(a, b, r)
    finally:
        for s in (direkt_a, direkt_b, a, b):
            s.schliessen()


def test_erfassen_sieht_was_ein_abgleich_uebernommen_hat(synchrones_paar, tmp_path) -> None:
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    titel_setzen(a, "Neu von A", index=2)
    jetzt_abgleichen(a, OrdnerBackend(share))
    with aenderungen.erfassen() as erfasst:
        jetzt_abgleichen(b, OrdnerBackend(share))
    geaendert = erfasst.ergebnis()
    assert geaendert.betrifft_datensatz("projekt", _projekt_id(b, 2))
    assert geaendert.tabellen == {"projekt"}
    # nothing new: a sync that receives nothing reports nothing
    with aenderungen.erfassen() as erfasst:
        jetzt_abgleichen(b, OrdnerBackend(share))
    assert not erfasst.ergebnis()


def test_erfassen_ueber_den_db_worker_mit_kontext(synchrones_paar, tmp_path) -> None:
    """As the GUI will do it: each step runs on the worker inside the caller's erfassen block."""
    a, b = synchrones_paar
    share = tmp_path / "ablage"
    titel_setzen(a, "Neu von A", index=3)
    jetzt_abgleichen(a, OrdnerBackend(share))
    with concurrent.futures.ThreadPoolExecutor(1) as pool, aenderungen.erfassen() as erfasst:
        kontext = aenderungen.kontext()
        jetzt_abgleichen(b, OrdnerBackend(share), db=lambda fn: pool.submit(kontext.run, fn).result())
    assert erfasst.ergebnis().betrifft_datensatz("projekt", _projekt_id(b, 3))
