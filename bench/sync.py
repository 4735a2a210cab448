#!/usr/bin/env python3
"""Benchmark of the sync against a real WebDAV server (wsgidav + cheroot on 127.0.0.1).

    .venv/bin/python bench/sync.py [--geraete 3] [--gross 20000]

Prints:
1. first sync of the demo Ressort (device A sends, device B receives): time, requests, bytes;
2. a no-op sync on every device: requests (bounded by the number of devices) and proof that
   nothing was written to the share;
3. a one-field change: bytes sent, on the demo store and on a store with --gross extra records
   (must not grow with the store).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from ergebnis import melden  # noqa: E402
from sqlalchemy import select  # noqa: E402

from ozgdesk.model.base import neue_id  # noqa: E402
from ozgdesk.model.einrichtung import demo_einrichten  # noqa: E402
from ozgdesk.model.organisation import Person  # noqa: E402
from ozgdesk.model.projekte import Projekt  # noqa: E402
from ozgdesk.model.store import Store  # noqa: E402
from ozgdesk.sync.abgleich import jetzt_abgleichen  # noqa: E402
from ozgdesk.sync.webdav import WebdavBackend  # noqa: E402
from sync_server import BENUTZER, PASSWORT, dav_server_starten  # noqa: E402


def stand_der_ablage(wurzel: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(wurzel)): (p.stat().st_size, p.stat().st_mtime_ns) for p in wurzel.rglob("*")}


def zeile(text: str, wert: str) -> None:
    print(f"  {text:<58} {wert:>16}")


def tausender(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def ein_feld(store: Store, wert: str) -> None:
    with store.session(benutzer="Bench") as s:
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().first().titel = wert


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--geraete", type=int, default=3)
    ap.add_argument("--gross", type=int, default=20000, help="zusätzliche Datensätze für den großen Store")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ozgdesk-bench-"))
    wurzel = tmp / "dav"
    wurzel.mkdir()
    server, dav = dav_server_starten(wurzel)
    (wurzel / "ablage").mkdir()

    def backend() -> WebdavBackend:
        return WebdavBackend(dav.url + "ablage/", BENUTZER, PASSWORT)

    try:
        a = Store.oeffnen(tmp / "a.sqlite")
        demo_einrichten(a)
        geraete = [a] + [Store.oeffnen(tmp / f"g{i}.sqlite") for i in range(1, args.geraete)]
        print(f"Abgleich-Benchmark: {args.geraete} Geräte, WebDAV (wsgidav) auf 127.0.0.1")
        print("1. Erster Abgleich des Demo-Ressorts")
        t = time.perf_counter()
        e = jetzt_abgleichen(a, backend())
        erster = time.perf_counter() - t
        zeile("Gerät A sendet: Änderungen / Dateien", f"{e.gesendet} / {e.gesendet_dateien}")
        zeile("  Zeit", f"{erster:.2f} s")
        melden("Abgleich: erster Abgleich des Demo-Ressorts (senden)", erster, "s", basis=f"{e.gesendet} Änderungen")
        zeile("  HTTP-Anfragen / Bytes gesendet", f"{e.anfragen} / {tausender(e.bytes_gesendet)}")
        for i, g in enumerate(geraete[1:], 1):
            t = time.perf_counter()
            e = jetzt_abgleichen(g, backend())
            zeile(f"Gerät {i + 1} empfängt: Änderungen", f"{e.empfangen}")
            zeile("  Zeit", f"{time.perf_counter() - t:.2f} s")
            zeile("  HTTP-Anfragen", f"{e.anfragen}")
        # every device writes once, so each has its own folder on the share (the worst case for listing)
        for i, g in enumerate(geraete):
            with g.session(benutzer="Bench") as s:
                s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[i + 1].risiken = f"Gerät {i + 1}"
            jetzt_abgleichen(g, backend())
        for g in geraete:
            jetzt_abgleichen(g, backend())
        print("2. Abgleich ohne Änderungen (jedes Gerät; alle Geräte haben schon geschrieben)")
        vorher = stand_der_ablage(wurzel)
        for i, g in enumerate(geraete):
            b = backend()
            t = time.perf_counter()
            e = jetzt_abgleichen(g, b)
            zeile(f"Gerät {i + 1}: HTTP-Anfragen (Grenze: Geräte + 4 = {len(geraete) + 4})",
                  f"{e.anfragen} in {time.perf_counter() - t:.2f} s")
            zeile("  Bytes gesendet / Änderungen empfangen", f"{e.bytes_gesendet} / {e.empfangen}")
            assert e.anfragen <= len(geraete) + 4 and e.bytes_gesendet == 0
            if i == 0:
                melden("Abgleich ohne Änderungen: HTTP-Anfragen je Gerät", e.anfragen, "Anfragen",
                       basis=f"{len(geraete)} Geräte", ziel=f"≤ Geräte + 4 = {len(geraete) + 4}, nichts geschrieben",
                       erreicht=e.anfragen <= len(geraete) + 4 and e.bytes_gesendet == 0)
        zeile("Ablage unverändert (Namen, Größen, mtimes)", "ja" if stand_der_ablage(wurzel) == vorher else "NEIN")
        print("3. Ein geändertes Feld")
        ein_feld(a, "Bench: ein Feld geändert")
        e_klein = jetzt_abgleichen(a, backend())
        zeile("Demo-Store: Bytes gesendet", tausender(e_klein.bytes_gesendet))
        with a.session(benutzer="Bench") as s:
            for i in range(args.gross):
                s.add(Person(id=neue_id(), name=f"Person {i}", funktion="Referent", referat="DV 1"))
        e = jetzt_abgleichen(a, backend())
        zeile(f"großer Store (+{tausender(args.gross)} Datensätze): erster Abgleich Bytes", tausender(e.bytes_gesendet))
        ein_feld(a, "Bench: ein Feld geändert!")
        e_gross = jetzt_abgleichen(a, backend())
        zeile("großer Store: Bytes gesendet für ein Feld", tausender(e_gross.bytes_gesendet))
        zeile("Verhältnis groß / klein", f"{e_gross.bytes_gesendet / e_klein.bytes_gesendet:.3f}")
        melden("Abgleich: ein Feld, großer Store (Bytes gesendet)", e_gross.bytes_gesendet, "Bytes",
               verhaeltnis=e_gross.bytes_gesendet / e_klein.bytes_gesendet, basis="dasselbe im Demo-Store",
               ziel="unabhängig von der Größe", erreicht=e_gross.bytes_gesendet <= 1.5 * e_klein.bytes_gesendet)
        t = time.perf_counter()
        e = jetzt_abgleichen(geraete[1], backend())
        zeile(f"Gerät 2 empfängt den großen Nachtrag ({e.empfangen} Änderungen)", f"{time.perf_counter() - t:.2f} s")
        for g in geraete:
            g.schliessen()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
