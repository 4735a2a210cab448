"""Full garbage collections wait until the background is idle; start-up's objects are frozen."""

from __future__ import annotations

import gc
import threading

import pytest

from ozgdesk.ui import speicherbereinigung
from ozgdesk.ui.app import anwendung
from ozgdesk.ui.runner import Runner


@pytest.fixture
def gc_zuruecksetzen():  # noqa: ANN201 - the collector's settings are global: restore them
    schwellen = gc.get_threshold()
    yield
    gc.set_threshold(*schwellen)
    gc.unfreeze()


def test_runner_meldet_beschaeftigt_und_untaetig(qtbot):
    anwendung()
    runner = Runner()
    meldungen: list[str] = []
    runner.beschaeftigt.connect(lambda: meldungen.append("beschäftigt"))
    runner.untaetig.connect(lambda: meldungen.append("untätig"))
    tor = threading.Event()
    with qtbot.waitSignal(runner.untaetig, timeout=10000):
        for _ in range(3):  # three tasks, one busy phase
            runner.starten(tor.wait, lambda _r: None)
        assert runner.laufend() == 3
        tor.set()
    qtbot.waitUntil(lambda: meldungen == ["beschäftigt", "untätig"], timeout=5000)
    assert runner.laufend() == 0
    with qtbot.waitSignal(runner.untaetig, timeout=10000):
        runner.starten(lambda: 1 / 0, lambda _r: None, lambda _e: None)  # a failing task ends too
    runner.warten()
    assert meldungen == ["beschäftigt", "untätig", "beschäftigt", "untätig"]


def test_volle_bereinigung_erst_in_der_ruhe(qtbot, monkeypatch, gc_zuruecksetzen):
    anwendung()
    monkeypatch.setattr(speicherbereinigung, "RUHE_MS", 50)
    runner = Runner()
    bereinigung = speicherbereinigung.einrichten(runner)
    assert gc.get_threshold()[2] == speicherbereinigung.SCHWELLE_VOLL  # none in the middle of a job
    volle: list[int] = []

    def gezaehlt(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            volle.append(1)

    gc.callbacks.append(gezaehlt)
    try:
        tor = threading.Event()
        runner.starten(tor.wait, lambda _r: None)
        for _ in range(speicherbereinigung.FAELLIG_NACH + 1):
            gc.collect(1)  # the middle generation collected often: a full collection is due
        qtbot.wait(200)  # busy: the window waits
        assert volle == [] and bereinigung.volle == 0
        tor.set()
        qtbot.waitUntil(lambda: bereinigung.volle == 1, timeout=5000)
        assert volle == [1]
        runner.starten(lambda: None, lambda _r: None)  # idle again, but nothing due: no collection
        runner.warten()
        qtbot.wait(200)
        assert bereinigung.volle == 1
    finally:
        gc.callbacks.remove(gezaehlt)


def test_einfrieren_nimmt_die_startobjekte_aus_der_bereinigung(gc_zuruecksetzen):
    class Knoten:
        pass

    a, b = Knoten(), Knoten()
    a.b, b.a = b, a  # type: ignore[attr-defined]
    speicherbereinigung.einfrieren()
    assert gc.get_freeze_count() > 0
    assert not any(o is a for o in gc.get_objects())  # frozen: never walked again


def test_signale_zehren_true_nicht_auf():
    """PySide6 6.12 takes a reference from True per emit() (see ozgdesk.ui.none_schutz); the runner
    now emits more: the window's process gives True and False a reserve, as it gives None."""
    import sys

    from ozgdesk.ui import none_schutz

    anwendung()
    assert sys.getrefcount(True) > 1_000_000 or not none_schutz.bool_defekt_vorhanden()
    assert sys.getrefcount(False) > 1_000_000 or not none_schutz.bool_defekt_vorhanden()
