"""Start-up benchmark: ``ozgdesk --exit-when-ready`` against a bare PySide6 window with a table.

    python bench/start.py [--runden 5] [--gross /tmp/ozg-gross]

Measures wall time of whole processes (interpreter start, imports, opening the store, first
page with data shown) for: a bare QMainWindow with a QTableView over a 3-row model; ozgdesk with
the demo Ressort; ozgdesk with a store of 10,000 projects and 1,000,000 payment lines (built by
``bench/grosser_store.py`` if missing, per schema revision) starting on each of its pages (the
window starts on the page used last; goal ≤ 2×). The bare window and the starts run in turn, round
by round; each ratio is the median of the rounds' ratios. Also times the big tables' first page,
count and a sort (the lazy table path).

"Ready" is the issue's definition (``--exit-when-ready``): the main window is shown with the first
page's data. Both processes – the bare window and ozgdesk – print the wall-clock moment they are
ready (``BEREIT <time.time()>``, the bare window from its first event-loop turn after ``show()``);
the start is that moment minus the moment this script started the process: interpreter, imports,
window and data, as the user waits for them. The process's end is timed too and printed beside it
(„bis Prozessende“): it adds the teardown and whatever the window had begun after it was ready (a
table's sums, the queued reads), which nobody waits for but which is not hidden either. The
post-start work that follows in the background (SQLAlchemy and the full store, sync state, page
check of the file) is timed as well (``--exit-when-idle``), so no cost is hidden by the two-step start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grosser_store import gross_pfad  # noqa: E402

from ozgdesk.ui.hauptfenster import SEITEN  # noqa: E402 - the pages the window can start on

NACKT = r"""
import sys
from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QStandardItemModel, QStandardItem
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
m = QStandardItemModel(3, 3)
for r in range(3):
    for c in range(3):
        m.setItem(r, c, QStandardItem(f"{r},{c}"))
w = QMainWindow(); t = QTableView(); t.setModel(m); w.setCentralWidget(t); w.show()
def bereit():
    import time
    print(f"BEREIT {time.time():.6f}", flush=True)
    app.quit()
QTimer.singleShot(0, bereit)
app.exec()
"""


PHASEN = r"""
import sys, time
t0 = time.perf_counter()
import PySide6.QtWidgets
t1 = time.perf_counter()
from ozgdesk.model.schnellstart import schnell_oeffnen
from ozgdesk.ui import hauptfenster
t2 = time.perf_counter()
store = schnell_oeffnen(sys.argv[1])
t3 = time.perf_counter()
from datetime import date
from ozgdesk.model import uebersicht
with store.roh_lesen() as con:
    uebersicht.uebersicht(con, date.today())
t4 = time.perf_counter()
store.geoeffnet()
t5 = time.perf_counter()
print(f"  Qt importieren                                   : {1000 * (t1 - t0):7.0f} ms")
print(f"  Oberfläche importieren (ohne SQLAlchemy)         : {1000 * (t2 - t1):7.0f} ms")
print(f"  Datei prüfen (Kopf, Größe, Schema, Ressort)      : {1000 * (t3 - t2):7.0f} ms")
print(f"  Übersicht berechnen (SQL über sqlite3)           : {1000 * (t4 - t3):7.0f} ms")
print(f"  danach im Hintergrund: SQLAlchemy + Store öffnen : {1000 * (t5 - t4):7.0f} ms")
"""


def messen(befehl: list[str], runden: int, env: dict[str, str]) -> float:
    zeiten = []
    for _ in range(runden):
        zeiten.append(einmal(befehl, env))
    return statistics.median(zeiten)


def einmal(befehl: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(befehl, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def bis_bereit(befehl: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds until the process said it is ready, seconds until it ended)."""
    beginn, t = time.time(), time.perf_counter()
    lauf = subprocess.run(befehl, check=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ende = time.perf_counter() - t
    bereit = [float(z.split()[1]) for z in lauf.stdout.splitlines() if z.startswith("BEREIT ")]
    if not bereit:
        raise SystemExit(f"{befehl}: meldete nicht, wann das Fenster bereit war")
    return bereit[-1] - beginn, ende


def im_wechsel(befehle: list[tuple[list[str], dict[str, str]]], runden: int) -> list[list[tuple[float, float]]]:
    """Every command once per round, in turn (the first is the bare window): a busier moment of a
    shared machine then slows baseline and candidates alike instead of only the ones measured in it."""
    zeiten: list[list[tuple[float, float]]] = [[] for _ in befehle]
    for _ in range(runden):
        for i, (befehl, env) in enumerate(befehle):
            zeiten[i].append(bis_bereit(befehl, env))
    return zeiten


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runden", type=int, default=5)
    p.add_argument("--gross", help="Ordner des großen Stores (Standard: je Schema-Revision im Temp-Ordner)")
    args = p.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # An installed ozgdesk has byte-code caches; a sandbox with PYTHONDONTWRITEBYTECODE would compile
    # every module on every start and measure the compiler, not the start-up.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    py = sys.executable
    demo_home = Path(tempfile.mkdtemp())
    gross = gross_pfad(args.gross).parent
    settings = Path(tempfile.mkdtemp())
    env["XDG_CONFIG_HOME"] = str(settings)  # fresh QSettings: start on the Übersicht
    subprocess.run([py, "-m", "ozgdesk", "--home", str(demo_home), "--demo", "--exit-when-ready"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # creates the demo DB once, not measured
    subprocess.run([py, "-m", "ozgdesk", "--home", str(gross), "--exit-when-ready"], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # migrates an older big store once, not measured

    # the window starts on the page used last (it is remembered): every page must start fast
    seiten_einstellungen = {}
    for schluessel, _titel in SEITEN:
        ordner = Path(tempfile.mkdtemp())
        (ordner / "ozgdesk").mkdir()
        (ordner / "ozgdesk" / "ozgdesk.conf").write_text(f"[fenster]\nseite={schluessel}\n", encoding="utf-8")
        seiten_einstellungen[schluessel] = ordner
    demo_start = [py, "-m", "ozgdesk", "--home", str(demo_home), "--demo"]
    gross_start = [py, "-m", "ozgdesk", "--home", str(gross)]
    #: (heading, label, figure name, command, environment, goal as a factor of the bare start or None)
    faelle = [
        ("Start (Median aus {runden}, Prozess bis Fenster mit Daten):", "ozgdesk, Demo-Ressort",
         "Start: Demo-Ressort bis Fenster mit Daten", demo_start + ["--exit-when-ready"], env, 3),
        (None, "ozgdesk, 10.000 Projekte / 1 Mio. Z.", "Start: 10.000 Projekte / 1 Mio. Zahlungen",
         gross_start + ["--exit-when-ready"], env, 3),
        ("Bis auch die Arbeit nach dem Start erledigt ist (Store mit SQLAlchemy, Abgleichstand, Seitenprüfung):",
         "ozgdesk, Demo-Ressort", "Start bis Nachlauf fertig: Demo-Ressort", demo_start + ["--exit-when-idle"], env, None),
        (None, "ozgdesk, 10.000 Projekte / 1 Mio. Z.", "Start bis Nachlauf fertig: 10.000 Projekte",
         gross_start + ["--exit-when-idle"], env, None),
    ] + [
        ("Start auf der zuletzt gezeigten Seite, 10.000 Projekte / 1 Mio. Zahlungen (bis Fenster mit Daten):"
         if i == 0 else None, titel.replace("&", ""), f"Start auf der Seite {titel.replace('&', '')}: 10.000 Projekte",
         gross_start + ["--exit-when-ready"], dict(env, XDG_CONFIG_HOME=str(seiten_einstellungen[schluessel])), 2)
        for i, (schluessel, titel) in enumerate(SEITEN)
    ]
    from ergebnis import melden

    basis = "nacktes PySide6-Fenster mit Tabelle"
    # the starts to the first data in turn with the bare window (ratios per round); the starts that
    # wait for the post-start work take seconds and run after them
    schnell = [f for f in faelle if "--exit-when-ready" in f[3]]
    zeiten = im_wechsel([([py, "-c", NACKT], env)] + [(f[3], f[4]) for f in schnell], args.runden)
    nackte = [b for b, _e in zeiten[0]]
    nackte_ende = [e for _b, e in zeiten[0]]
    nackt, nackt_ende = statistics.median(nackte), statistics.median(nackte_ende)
    je_fall = {id(f): z for f, z in zip(schnell, zeiten[1:], strict=True)}
    prozessende: list[tuple[str, str, float, float]] = []
    for fall in faelle:
        ueberschrift, text, kennzahl, befehl, umgebung, ziel = fall
        if id(fall) in je_fall:
            bereit = [b for b, _e in je_fall[id(fall)]]
            ende = [e for _b, e in je_fall[id(fall)]]
            zeit, verhaeltnis = statistics.median(bereit), statistics.median(a / b for a, b in zip(bereit, nackte, strict=True))
            prozessende.append((text, kennzahl, statistics.median(ende),
                                statistics.median(a / b for a, b in zip(ende, nackte_ende, strict=True))))
        else:
            zeit = messen(befehl, args.runden, umgebung)
            verhaeltnis = zeit / nackt_ende
        if ueberschrift:
            print(ueberschrift.format(runden=args.runden))
            if ueberschrift.startswith("Start (Median"):
                print(f"  {basis:36}: {nackt * 1000:7.0f} ms bis bereit, {nackt_ende * 1000:.0f} ms bis Prozessende")
        print(f"  {text:36}: {zeit * 1000:7.0f} ms  = {verhaeltnis:.2f}×" + (f"  (Ziel ≤ {ziel}×)" if ziel else ""))
        bezug = nackt if id(fall) in je_fall else nackt_ende
        melden(kennzahl, zeit, "s", verhaeltnis=verhaeltnis, basis=f"{basis}: {bezug * 1000:.0f} ms", basiswert=bezug,
               **({"ziel": f"≤ {ziel}×", "erreicht": verhaeltnis <= ziel} if ziel else {}))
    print("Dieselben Starts bis zum Ende des Prozesses (mit Abbau und dem, was nach „bereit“ noch lief):")
    print(f"  {basis:36}: {nackt_ende * 1000:7.0f} ms")
    for text, kennzahl, zeit, verhaeltnis in prozessende:
        print(f"  {text:36}: {zeit * 1000:7.0f} ms  = {verhaeltnis:.2f}×")
        melden(f"{kennzahl}, bis Prozessende", zeit, "s", verhaeltnis=verhaeltnis,
               basis=f"{basis} bis Prozessende: {nackt_ende * 1000:.0f} ms", basiswert=nackt_ende)
    for ordner in seiten_einstellungen.values():
        shutil.rmtree(ordner, ignore_errors=True)

    phasen = subprocess.run([py, "-c", PHASEN, str(gross / "ozgdesk.sqlite")], check=True, env=env,
                            capture_output=True, text=True).stdout
    # after the post-start work: the steady state, with SQLAlchemy and the full store loaded
    rss = subprocess.run(["/usr/bin/time", "-f", "%M", py, "-m", "ozgdesk", "--home", str(gross), "--exit-when-idle"],
                         env=env, capture_output=True, text=True) if Path("/usr/bin/time").exists() else None
    if rss is not None and rss.returncode == 0:
        mib = int(rss.stderr.strip().splitlines()[-1]) / 1024
        print(f"Speicher: Spitzen-RSS der Oberfläche mit dem großen Store (bis Nachlauf fertig): {mib:.0f} MiB")
        melden("Speicher: Spitzen-RSS der Oberfläche, großer Store", mib, "MiB")
    print("Wohin die Zeit beim großen Store geht (im Prozess gemessen):")
    print(phasen.rstrip())

    from ozgdesk.model import tabellen
    from ozgdesk.model.store import Store

    with Store.oeffnen(gross / "ozgdesk.sqlite") as store, store.lesen() as s:
        print("Tabellen im großen Store (Zählung + erste Seite à 200, dann nächste Seite per Keyset):")
        for abfrage, sort in ((tabellen.projekte(), "titel"), (tabellen.meilensteine(), "plan"),
                              (tabellen.mittelabfluesse(), "betrag")):
            for anfrage in (tabellen.Anfrage(), tabellen.Anfrage(sortierung=sort, absteigend=True),
                            tabellen.Anfrage(suche="LAST-00042")):
                t0 = time.perf_counter()
                n = abfrage.anzahl(s, anfrage)
                t1 = time.perf_counter()
                seite = abfrage.seite(s, anfrage, 200)
                t2 = time.perf_counter()
                if seite:
                    abfrage.seite(s, anfrage, 200, nach=seite[-1])
                t3 = time.perf_counter()
                art = f"sortiert nach {sort}" if anfrage.sortierung else (f"Suche „{anfrage.suche}“" if anfrage.suche else "Standard")
                print(f"  {abfrage.titel:16} {art:26} {n:>9} Zeilen  Zählen {1000 * (t1 - t0):6.0f} ms  "
                      f"Seite 1 {1000 * (t2 - t1):6.0f} ms  Seite 2 {1000 * (t3 - t2):6.0f} ms")
                melden(f"Tabelle {abfrage.titel}, {art}: Zählen + erste Seite", t2 - t0, "s",
                       basis=f"{n} Zeilen im großen Store")
    for ordner in (demo_home, settings):
        shutil.rmtree(ordner, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
