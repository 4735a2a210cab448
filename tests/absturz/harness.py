"""Crash-safety harness: kill a writing child with SIGKILL at random moments and check the store.

After each kill: the store opens, ``PRAGMA integrity_check`` is ``ok``, every change the child
reported committed is there, and no change is visible half-applied (all rows of one transaction,
including its change-log entries, or none).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ozgdesk.model import Store

KIND = [sys.executable, "-m", "tests.absturz.kind"]
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ergebnis:
    kills: int = 0
    committed: int = 0
    einreichungen: int = 0  # of those, submissions (reported as E-<version>)
    fehler: list[str] = field(default_factory=list)


def _pruefen(pfad: Path, bestaetigt: set[str]) -> list[str]:
    fehler = []
    with Store.oeffnen(pfad) as store:  # must open (and not need repair)
        with store.engine.connect() as con:
            if (r := con.exec_driver_sql("PRAGMA integrity_check").scalar()) != "ok":
                fehler.append(f"integrity_check: {r}")
    con = sqlite3.connect(pfad)
    try:
        zahlungen = {r[0] for r in con.execute("SELECT referenz FROM mittelabfluss WHERE referenz LIKE 'M%'")}
        projekte = {r[0]: r[1] for r in con.execute("SELECT risiken, naechste_schritte FROM projekt WHERE risiken LIKE 'M%'")}
        log = {r[0] for r in con.execute("SELECT json_extract(neu, '$.referenz') FROM aenderung "
                                         "WHERE tabelle='mittelabfluss' AND aktion='anlegen'")}
        tabellen = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        elterngeld = con.execute("SELECT bezeichnung FROM leistung WHERE ozg_id='10000'").fetchone()[0]
        importe = {r[0] for r in con.execute("SELECT datei FROM katalogimport")} if "katalogimport" in tabellen else set()
        umbenennungen = {r[0] for r in con.execute(
            "SELECT json_extract(neu, '$') FROM aenderung WHERE tabelle='leistung' AND feld='bezeichnung'")}
        abgeglichen, abgleichfehler = _abgleich_pruefen(con, bestaetigt)
    finally:
        con.close()
    fehler += abgleichfehler
    fehler += _einreichungen_pruefen(pfad, bestaetigt)
    for m in sorted(bestaetigt):
        if m.startswith("E-"):
            continue  # checked with the packages above
        if m not in zahlungen and f"katalog-{m}.csv" not in importe and m not in abgeglichen:
            fehler.append(f"bestätigte Änderung {m} fehlt")
    if elterngeld.startswith("Elterngeld M"):
        marker = elterngeld.split(" ", 1)[1]
        if f"katalog-{marker}.csv" not in importe:
            fehler.append(f"Umbenennung {marker} ohne Importeintrag (halb angewendet)")
        if elterngeld not in umbenennungen:
            fehler.append(f"Umbenennung {marker} ohne Protokolleintrag (halb angewendet)")
    for datei in importe:
        if datei.startswith("katalog-M") and f"Elterngeld {datei[8:-4]}" not in umbenennungen:
            fehler.append(f"Importeintrag {datei} ohne seine Umbenennung (halb angewendet)")
    for m in zahlungen - log:
        fehler.append(f"Zahlung {m} ohne Protokolleintrag (halb angewendet)")
    for risiken, schritte in projekte.items():
        if risiken != schritte:
            fehler.append(f"Projekt halb geändert: {risiken} / {schritte}")
        if risiken not in zahlungen:
            fehler.append(f"Projekt trägt {risiken}, die Zahlung derselben Transaktion fehlt")
    return fehler


def abgleich_vorbereiten(pfad: Path) -> None:
    """For the "abgleich" path: a share next to the store and a second device A that has received
    everything (a new device joins with an empty database)."""
    from ozgdesk.sync.abgleich import jetzt_abgleichen
    from ozgdesk.sync.backend import OrdnerBackend

    from tests.sync_server import freigeben

    (pfad.parent / "ablage").mkdir(exist_ok=True)
    with Store.oeffnen(pfad) as b, Store.oeffnen(pfad.parent / "geraet-a.sqlite") as a:
        jetzt_abgleichen(b, OrdnerBackend(pfad.parent / "ablage"))  # founds the share and approves A
        freigeben(b, a)
        for g in (b, a):
            jetzt_abgleichen(g, OrdnerBackend(pfad.parent / "ablage"))


def einreichung_vorbereiten(pfad: Path) -> None:
    """For the "einreichung" path: the demo's deliberate validation errors fixed, so it can submit."""
    from tests.test_berichte_hilfen import demo_fehler_beheben

    with Store.oeffnen(pfad) as store:
        demo_fehler_beheben(store)


def _einreichungen_pruefen(pfad: Path, bestaetigt: set[str]) -> list[str]:
    """After recovery every frozen submission has its intact package; every confirmed one exists."""
    from ozgdesk.model.einreichung import Einreichung
    from ozgdesk.reports.einreichung import paket_pruefen, unterbrochene_abschliessen
    from sqlalchemy import select

    ziel = pfad.parent / "pakete"
    if not ziel.exists():
        return []
    fehler = []
    with Store.oeffnen(pfad) as store:
        unterbrochene_abschliessen(store, ziel)
        with store.lesen() as s:
            versionen = {e.version for e in s.execute(select(Einreichung)).scalars()}
        for v in sorted(versionen):
            ordner = next(iter(ziel.glob(f"*_2026-Q3_v{v}")), None)
            if ordner is None:
                fehler.append(f"Einreichung v{v} ohne Paketordner")
            elif probleme := paket_pruefen(ordner, store):
                fehler.append(f"Einreichung v{v}: {probleme[0]}")
    for m in bestaetigt:
        if m.startswith("E-") and int(m[2:]) not in versionen:
            fehler.append(f"bestätigte Einreichung {m} fehlt")
    return fehler


def _abgleich_pruefen(con: sqlite3.Connection, bestaetigt: set[str]) -> tuple[set[str], list[str]]:
    """Markers present via sync, and half-applied states: data without log entry, cursor ahead of
    or behind the applied log."""
    fehler = []
    tabellen = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "sync_geraet" not in tabellen:
        return set(), fehler
    fremd = {r[0]: r[1] for r in con.execute(
        "SELECT id, bis_seq FROM sync_geraet WHERE id <> (SELECT wert FROM meta WHERE id='geraet_id')")}
    for geraet, bis in fremd.items():
        hoechste = con.execute("SELECT coalesce(max(seq), 0) FROM aenderung WHERE geraet=?", (geraet,)).fetchone()[0]
        anzahl = con.execute("SELECT count(*) FROM aenderung WHERE geraet=?", (geraet,)).fetchone()[0]
        if hoechste != bis or anzahl != bis:
            fehler.append(f"Gerät {geraet[:8]}: Cursor {bis}, angewendete Einträge {anzahl} (höchste {hoechste})")
    im_protokoll = {r[0] for r in con.execute(
        "SELECT json_extract(neu, '$') FROM aenderung WHERE tabelle='projekt' AND feld='abweichungsbegruendung' "
        "AND quelle <> 'lokal'")}
    for schritte, grund in con.execute("SELECT abweichungsbegruendung, ampel_umfang_grund FROM projekt"):
        if schritte.startswith("M") and "-" in schritte:
            if schritte != grund:
                fehler.append(f"Abgleich halb angewendet: {schritte} / {grund}")
            if schritte not in im_protokoll:
                fehler.append(f"Abgleich {schritte} ohne Protokolleintrag")
    return im_protokoll, fehler


def laufen(pfad: Path, anzahl: int, wege: str = "bearbeiten", seed: int = 1, max_warten: float = 0.03) -> Ergebnis:
    """``max_warten``: the kill lands up to this long into the next operation (a catalogue import
    takes about a second, so its write phase needs a wider window than a small edit)."""
    rng = random.Random(seed)
    ergebnis = Ergebnis()
    bestaetigt: set[str] = set()
    umgebung = dict(os.environ, PYTHONPATH=str(ROOT))
    if "abgleich" in wege.split(","):
        abgleich_vorbereiten(pfad)
    if "einreichung" in wege.split(","):
        einreichung_vorbereiten(pfad)
    for runde in range(anzahl):
        kind = subprocess.Popen([*KIND, str(pfad), wege, str(seed * 100_000 + runde)], cwd=ROOT, env=umgebung,
                                stdout=subprocess.PIPE, text=True)
        assert kind.stdout is not None
        if kind.stdout.readline().strip() != "BEREIT":
            kind.kill()
            raise RuntimeError("Kindprozess startete nicht")
        # Let a random number of transactions commit, then kill at a random instant inside the next.
        for _ in range(rng.randrange(0, 4)):
            zeile = kind.stdout.readline().split()
            if zeile and zeile[0] == "COMMIT":
                bestaetigt.add(zeile[1])
        ziel = time.perf_counter() + rng.uniform(0, max_warten)
        while time.perf_counter() < ziel:  # busy-wait: a random kill instant, not a wait for a condition
            pass
        kind.send_signal(signal.SIGKILL)
        rest, _ = kind.communicate()
        for zeile in rest.splitlines():  # lines printed before the kill were reported committed
            teile = zeile.split()
            if teile and teile[0] == "COMMIT":
                bestaetigt.add(teile[1])
        ergebnis.kills += 1
        ergebnis.fehler += [f"Runde {runde}: {f}" for f in _pruefen(pfad, bestaetigt)]
    ergebnis.committed = len(bestaetigt)
    ergebnis.einreichungen = sum(1 for m in bestaetigt if m.startswith("E-"))
    return ergebnis
