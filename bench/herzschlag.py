#!/usr/bin/env python3
"""Does the window stall while the background works? A heartbeat on the GUI thread measures it.

    .venv/bin/python bench/herzschlag.py [--runden 5] [--projekte 2000] [--home /tmp/ozgdesk-bench-herzschlag]

The main window runs offscreen on a large Ressort (the demo plus ``--projekte`` projects built
through the model, every record logged, as ``bench/schnappschuss.py`` builds it; cached under
``--home`` per schema revision). A ``QTimer`` ticks every 10 ms on the GUI thread and notes when it
fires; the longest gap between two ticks is how long the window could not react – to a key, a
paint, a scroll. Three jobs run the way the window runs them, each alone:

1. **Abgleich**: the first sync of this Ressort to a folder share (founds it, sends every change,
   writes a snapshot) – on the network thread, its database steps on the DB worker, as
   Abgleich › „Jetzt abgleichen“ does; then the broadcast of what it changed;
2. **Katalogimport**: compare and take over a full-size catalogue export (XLSX) – on the DB worker,
   as the catalogue dialog does;
3. **Bericht**: the quarterly report of 200 projects, PDF and XLSX – on the DB worker, as the
   Berichte page does.

Baseline: the same heartbeat with the window idle for as long as the longest job took (the timer's
own jitter on this machine). Goal: the longest gap ≤ 100 ms for every job. Each figure is the
median over ``--runden`` rounds (a fresh copy of the store per round).

The window's garbage collection is set up as ``ozgdesk.ui.app.main`` sets it up
(:mod:`ozgdesk.ui.speicherbereinigung`); ``--ohne-bereinigung`` measures with CPython's defaults
instead (what the window did before), ``--gc`` prints each job's collections, ``--diagnose DATEI``
writes the stacks of all threads whenever a tick is late.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _umgebung import testschluesselbund  # noqa: E402
from ergebnis import melden  # noqa: E402

ZIEL_MS = 100
TAKT_MS = 10




def vorbereiten(home: Path, projekte: int) -> tuple[Path, Path]:
    """The large Ressort's store and a catalogue export, built once per schema revision (not timed)."""
    from ozgdesk.model.datei import schema_kopf

    ordner = home / f"schema-{schema_kopf()}-{projekte}"
    store, katalog = ordner / "ozgdesk.sqlite", ordner / "katalog.xlsx"
    if store.exists() and katalog.exists():
        return store, katalog
    shutil.rmtree(ordner, ignore_errors=True)
    ordner.mkdir(parents=True)
    t = time.perf_counter()
    from schnappschuss import autor_bauen

    autor_bauen(ordner / "bau.sqlite", projekte)
    from ozgdesk.model.store import Store

    with Store.oeffnen(ordner / "bau.sqlite") as s, s.engine.connect() as con:
        con.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    import importlib.util

    spec = importlib.util.spec_from_file_location("katalog_export", ROOT / "tests" / "katalog_export.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.als_xlsx(gen.export_zeilen(), katalog, wie_excel=True)
    (ordner / "bau.sqlite").rename(store)
    print(f"Ressort mit {projekte} Projekten und Katalogexport aufgebaut (nicht gemessen): "
          f"{time.perf_counter() - t:.0f} s", flush=True)
    return store, katalog


class Herzschlag:
    """Notes the time of every tick of a 10 ms timer on the GUI thread.

    ``diagnose``: a file that gets the stacks of all threads whenever a tick is more than
    :data:`ZIEL_MS` late (``faulthandler`` writes them from a thread of its own, without the
    interpreter lock – so it also catches a thread that holds the lock)."""

    def __init__(self, diagnose: Any = None) -> None:
        from PySide6.QtCore import QTimer

        self.zeiten: list[float] = []
        self.diagnose = diagnose
        self.timer = QTimer()
        self.timer.setInterval(TAKT_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.zeiten.append(time.perf_counter())
        if self.diagnose is not None:
            import faulthandler

            faulthandler.dump_traceback_later(float(os.environ.get("HERZSCHLAG_DIAGNOSE_MS", ZIEL_MS)) / 1000,
                                              file=self.diagnose)

    def starten(self) -> None:
        self.zeiten = [time.perf_counter()]
        self.timer.start()

    def anhalten(self) -> list[float]:
        self.timer.stop()
        if self.diagnose is not None:
            import faulthandler

            faulthandler.cancel_dump_traceback_later()
        self.zeiten.append(time.perf_counter())
        return [b - a for a, b in zip(self.zeiten, self.zeiten[1:], strict=False)]


def warten_bis(fertig: Callable[[], bool], grenze: float = 600) -> None:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    ende = time.monotonic() + grenze
    while not fertig():
        if time.monotonic() > ende:
            raise TimeoutError("Job nicht fertig")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def runde(vorlage: Path, katalog: Path, ordner: Path, diagnose: Any = None, nur: str | None = None, *,
          bereinigung: bool = True, protokoll_gc: bool = False) -> dict[str, tuple[float, float]]:
    """One round on a fresh copy: (longest gap, duration) in seconds per job, and the idle baseline."""
    from PySide6.QtCore import QSettings

    from ozgdesk.model.schnellstart import schnell_oeffnen
    from ozgdesk.model.stichtag import DEMO_STICHTAG
    from ozgdesk.ui.app import anwendung, dienste_anmelden
    from ozgdesk.ui.hauptfenster import Hauptfenster
    from ozgdesk.ui.runner import Runner

    anwendung()
    pfad = ordner / "ozgdesk.sqlite"
    shutil.copyfile(vorlage, pfad)
    ablage = ordner / "ablage"
    ablage.mkdir()
    store = schnell_oeffnen(pfad)
    assert store is not None
    stichtag = lambda: DEMO_STICHTAG  # noqa: E731 - the demo data is built around this day
    dienste_anmelden(stichtag)
    runner = Runner()
    from ozgdesk.ui import speicherbereinigung

    if bereinigung:  # as ozgdesk.ui.app.main sets it up
        speicherbereinigung.einrichten(runner)
    fenster = Hauptfenster(store, runner, stichtag=stichtag,
                           einstellungen=QSettings(str(ordner / "e.ini"), QSettings.Format.IniFormat))
    fenster.meldung = lambda titel, text: print(f"  Meldung: {titel}: {text}", flush=True)  # type: ignore[method-assign]
    fenster.show()
    fertig = {"nachlauf": False}
    fenster.nachlauf_fertig.connect(lambda: fertig.__setitem__("nachlauf", True))
    warten_bis(lambda: fertig["nachlauf"])
    runner.warten()
    if bereinigung:
        speicherbereinigung.einfrieren()  # as ozgdesk.ui.app.main at nachlauf_fertig
    herz = Herzschlag(diagnose)
    ergebnis: dict[str, tuple[float, float]] = {}

    import gc
    sammlungen: list[tuple[int, float]] = []
    gc_start: dict[str, float] = {}

    def gc_melden(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_start["t"] = time.perf_counter()
        else:
            sammlungen.append((info["generation"], time.perf_counter() - gc_start.get("t", time.perf_counter())))

    if protokoll_gc:
        gc.callbacks.append(gc_melden)

    def messen(name: str, starten: Callable[[Callable[[Any], None]], None]) -> None:
        if nur and name not in nur.split(","):
            return
        sammlungen.clear()
        erledigt: list[Any] = []
        herz.starten()
        t = time.perf_counter()
        starten(erledigt.append)
        warten_bis(lambda: bool(erledigt))
        warten_bis(lambda: not runner._futures)  # noqa: SLF001 - and what the result started (reloads)
        dauer = time.perf_counter() - t
        luecken = herz.anhalten()
        if isinstance(erledigt[0], BaseException):
            raise erledigt[0]
        ergebnis[name] = (max(luecken), dauer)
        if sammlungen:
            je = {g: [d for gg, d in sammlungen if gg == g] for g in (0, 1, 2)}
            print(f"  {name}: Speicherbereinigung " + ", ".join(
                f"Gen. {g}: {len(d)}× bis {1000 * max(d):.0f} ms" for g, d in je.items() if d), flush=True)

    # 1. sync, as Abgleich › „Jetzt abgleichen“: network thread, DB steps on the worker
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    def abgleich(fertig_: Callable[[Any], None]) -> None:
        fenster.ops.im_netz(lambda db: jetzt_abgleichen(store, OrdnerBackend(ablage), db=db),
                            erfolg=fertig_, fehler=fertig_)

    messen("Abgleich", abgleich)

    # 2. catalogue import, as the catalogue dialog: compare, then take over (with progress)
    from ozgdesk.ui import dienste
    from ozgdesk.ui.operationen import Fortschrittsbote

    katalogdienst = dienste.katalogdienst()
    assert katalogdienst is not None
    bote = Fortschrittsbote()
    schritte: list[int] = []
    bote.gemeldet.connect(lambda i, _n, _t: schritte.append(i))

    def katalogimport(fertig_: Callable[[Any], None]) -> None:
        def verglichen(_v: Any) -> None:
            fenster.ops.ausfuehren(lambda: katalogdienst.anwenden(store, katalog, fortschritt=bote),
                                   erfolg=fertig_, fehler=fertig_)
        fenster.ops.im_hintergrund(lambda: katalogdienst.vorschau(store, katalog), ok=verglichen, fehler=fertig_)

    messen("Katalogimport", katalogimport)

    # 3. the quarterly report of 200 projects, PDF and XLSX, as the Berichte page
    berichtsdienst = dienste.berichtsdienst()
    assert berichtsdienst is not None
    from ozgdesk.model.schnelltabellen import KOEPFE, erste_seite

    with store.roh_lesen() as con:
        ids = [z.id for z in erste_seite(con, KOEPFE["projekte"], 200)[1]]

    def bericht(fertig_: Callable[[Any], None]) -> None:
        def pdf() -> Any:
            return berichtsdienst.erzeugen(store, "quartal", "Q3/2026", ids, ordner / "bericht.pdf",
                                           lambda _i, _n: None, lambda: False)

        def xlsx() -> Any:
            return berichtsdienst.erzeugen(store, "quartal", "Q3/2026", ids, ordner / "bericht.xlsx",
                                           lambda _i, _n: None, lambda: False)
        runner.starten(pdf, lambda _e: runner.starten(xlsx, fertig_, fertig_), fertig_)

    messen("Bericht", bericht)

    # baseline: the idle window, for as long as the longest job took
    herz.starten()
    ende = time.perf_counter() + max(d for _l, d in ergebnis.values())
    warten_bis(lambda: time.perf_counter() >= ende)
    ergebnis["Leerlauf"] = (max(herz.anhalten()), 0.0)

    if protokoll_gc:
        gc.callbacks.remove(gc_melden)
    fenster.close()
    runner.warten()
    store.schliessen()
    fenster.deleteLater()
    return ergebnis


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runden", type=int, default=5)
    p.add_argument("--projekte", type=int, default=2000)
    p.add_argument("--home", default=os.path.join(tempfile.gettempdir(), "ozgdesk-bench-herzschlag"))
    p.add_argument("--diagnose", help="Datei für die Stapel aller Threads, sobald ein Herzschlag ausbleibt")
    p.add_argument("--nur", help="nur diese Jobs (Komma-getrennt: Abgleich,Katalogimport,Bericht)")
    p.add_argument("--ohne-bereinigung", action="store_true",
                   help="Speicherbereinigung wie CPython voreingestellt (ohne ozgdesk.ui.speicherbereinigung)")
    p.add_argument("--gc", action="store_true", help="die Speicherbereinigungen jedes Jobs ausgeben")
    args = p.parse_args()
    testschluesselbund()
    vorlage, katalog = vorbereiten(Path(args.home), args.projekte)
    runden: list[dict[str, tuple[float, float]]] = []
    for i in range(args.runden):
        with tempfile.TemporaryDirectory(prefix="ozgdesk-bench-herzschlag-") as t:
            with open(args.diagnose, "w") if args.diagnose else open(os.devnull, "w") as d:  # noqa: SIM115
                r = runde(vorlage, katalog, Path(t), d if args.diagnose else None, args.nur,
                          bereinigung=not args.ohne_bereinigung, protokoll_gc=args.gc)
        runden.append(r)
        print(f"Runde {i + 1}: " + ", ".join(f"{k} {1000 * v[0]:.0f} ms ({v[1]:.1f} s)" for k, v in r.items()),
              flush=True)
    median = {k: statistics.median(r[k][0] for r in runden) for k in runden[0]}
    dauer = {k: statistics.median(r[k][1] for r in runden) for k in runden[0]}
    leer = median.pop("Leerlauf")
    print(f"Längste Lücke im {TAKT_MS}-ms-Herzschlag der Oberfläche (Median aus {args.runden} Runden; "
          f"Leerlauf {1000 * leer:.0f} ms):")
    for name, wert in median.items():
        print(f"  {name:14} {1000 * wert:6.0f} ms  (Job {dauer[name]:.1f} s)  Ziel ≤ {ZIEL_MS} ms")
        melden(f"Stocken der Oberfläche während {name} (längste Lücke)", wert, "s",
               verhaeltnis=wert / leer if leer else None, basis=f"Leerlauf {1000 * leer:.0f} ms",
               ziel=f"≤ {ZIEL_MS} ms", erreicht=wert * 1000 <= ZIEL_MS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
