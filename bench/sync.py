#!/usr/bin/env python3
"""Benchmark of the sync against a real WebDAV server (wsgidav + cheroot on 127.0.0.1).

    .venv/bin/python bench/sync.py [--geraete 3] [--dateien 1000] [--gross 20000] [--projekte 2000]

Prints:
1. first sync of the demo Ressort (device A sends, device B receives): time, requests, bytes;
2. **cost independent of history**: after ``--dateien`` change files on the share, a sync with
   nothing to do on every device – requests and bytes downloaded (goal: 1 request, ≤ 2 KB per
   device); then one device changes one field and every other device syncs – requests (goal:
   1 + the number of devices whose head moved);
3. a one-field change: bytes sent, on the demo store and on a store with --gross extra records
   (must not grow with the store);
4. **a new device joins a large Ressort** (``--projekte`` projects with milestones, plans and
   payments, created through the change log): its first sync starts from the latest snapshot
   (goal ≤ 5 s here), compared with replaying the whole log.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from _umgebung import testschluesselbund  # noqa: E402
from ergebnis import melden  # noqa: E402
from sqlalchemy import select  # noqa: E402

from ozgdesk.model.base import neue_id  # noqa: E402
from ozgdesk.model.einrichtung import demo_einrichten  # noqa: E402
from ozgdesk.model.organisation import Person  # noqa: E402
from ozgdesk.model.projekte import Projekt  # noqa: E402
from ozgdesk.model.store import Store  # noqa: E402
from ozgdesk.sync import replikation  # noqa: E402
from ozgdesk.sync.abgleich import jetzt_abgleichen  # noqa: E402
from ozgdesk.sync.webdav import WebdavBackend  # noqa: E402
from sync_server import BENUTZER, PASSWORT, dav_server_starten, freigeben  # noqa: E402




def stand_der_ablage(wurzel: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(wurzel)): (p.stat().st_size, p.stat().st_mtime_ns) for p in wurzel.rglob("*")}


def zeile(text: str, wert: str) -> None:
    print(f"  {text:<66} {wert:>16}")


def tausender(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def ein_feld(store: Store, wert: str, index: int = 0) -> None:
    with store.session(benutzer="Bench") as s:
        s.execute(select(Projekt).order_by(Projekt.kennung)).scalars().all()[index].titel = wert


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--geraete", type=int, default=3)
    ap.add_argument("--dateien", type=int, default=1000, help="Änderungsdateien auf der Ablage vor dem Leerlauf")
    ap.add_argument("--gross", type=int, default=20000, help="zusätzliche Datensätze für den großen Store")
    ap.add_argument("--projekte", type=int, default=2000, help="Projekte des großen Ressorts (neues Gerät)")
    ap.add_argument("--ohne-wiederholung", action="store_true", help="den Vergleich ohne Momentaufnahme auslassen")
    args = ap.parse_args()
    testschluesselbund()
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
        zeile("Gerät A gründet die Ablage und sendet: Änderungen / Dateien", f"{e.gesendet} / {e.gesendet_dateien}")
        zeile("  Zeit", f"{erster:.2f} s")
        melden("Abgleich: erster Abgleich des Demo-Ressorts (senden)", erster, "s", basis=f"{e.gesendet} Änderungen")
        zeile("  HTTP-Anfragen / Bytes gesendet", f"{e.anfragen} / {tausender(e.bytes_gesendet)}")
        freigeben(a, *geraete[1:])  # the coordinator approves the other devices
        jetzt_abgleichen(a, backend())
        for i, g in enumerate(geraete[1:], 1):
            t = time.perf_counter()
            e = jetzt_abgleichen(g, backend())
            zeile(f"Gerät {i + 1} empfängt: Änderungen", f"{e.empfangen}")
            zeile("  Zeit", f"{time.perf_counter() - t:.2f} s")
            zeile("  HTTP-Anfragen", f"{e.anfragen}")

        print(f"2. Kosten unabhängig von der Geschichte: {args.dateien} Änderungsdateien auf der Ablage")
        replikation.EINTRAEGE_JE_DATEI = 1  # every change its own file: the longest history for the count
        for k in range(args.dateien):
            g = geraete[k % len(geraete)]
            ein_feld(g, f"Bench {k}", index=k % len(geraete))  # each device its own project: no conflicts
        for g in geraete:
            jetzt_abgleichen(g, backend(), posteingang=False)
        for _ in range(2):
            for g in geraete:
                jetzt_abgleichen(g, backend(), posteingang=False)
        replikation.EINTRAEGE_JE_DATEI = 5000
        dateien = sum(1 for p in (wurzel / "ablage" / "changes").rglob("*.json"))
        zeile("Änderungsdateien auf der Ablage", tausender(dateien))
        vorher = stand_der_ablage(wurzel)
        anfragen, geladen = [], []
        for i, g in enumerate(geraete):
            e = jetzt_abgleichen(g, backend(), posteingang=False)
            anfragen.append(e.anfragen)
            geladen.append(e.bytes_empfangen)
            zeile(f"Gerät {i + 1} ohne Änderungen: HTTP-Anfragen / Bytes geladen", f"{e.anfragen} / {tausender(e.bytes_empfangen)}")
        unveraendert = stand_der_ablage(wurzel) == vorher
        zeile("Ablage unverändert (Namen, Größen, mtimes)", "ja" if unveraendert else "NEIN")
        je_geraet = max(geladen) / len(geraete)
        melden(f"Abgleich ohne Änderungen nach {dateien} Änderungsdateien: HTTP-Anfragen", max(anfragen), "Anfragen",
               basis=f"{len(geraete)} Geräte", ziel="≤ 1 (eine Auflistung von heads/)",
               erreicht=max(anfragen) <= 1 and unveraendert)
        melden(f"Abgleich ohne Änderungen nach {dateien} Änderungsdateien: Bytes geladen je Gerät der Ablage",
               je_geraet, "Bytes", basis=f"{tausender(max(geladen))} Bytes für {len(geraete)} Geräte",
               ziel="≤ 2.048 Bytes je Gerät", erreicht=je_geraet <= 2048)
        e = jetzt_abgleichen(a, backend(), posteingang=True)
        zeile("  mit Blick in den Posteingang des BMI (eine Auflistung mehr)", f"{e.anfragen} Anfragen")
        ein_feld(a, "Bench: ein Feld nach dem Leerlauf")
        jetzt_abgleichen(a, backend(), posteingang=False)
        bewegt = []
        for i, g in enumerate(geraete[1:], 2):
            e = jetzt_abgleichen(g, backend(), posteingang=False)
            bewegt.append(e.anfragen)
            zeile(f"Gerät {i}, der Kopf eines Geräts bewegte sich: HTTP-Anfragen / Bytes geladen",
                  f"{e.anfragen} / {tausender(e.bytes_empfangen)}")
        melden("Abgleich, nachdem ein Gerät eine Datei geschrieben hat: HTTP-Anfragen", max(bewegt), "Anfragen",
               basis="1 Kopf bewegt", ziel="≤ 1 + 1", erreicht=max(bewegt) <= 2)

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
        for g in geraete:
            g.schliessen()

        print(f"4. Ein neues Gerät tritt einem großen Ressort bei ({args.projekte} Projekte, alles protokolliert)")
        from schnappschuss import autor_bauen

        (wurzel / "gross").mkdir()

        def gross() -> WebdavBackend:
            return WebdavBackend(dav.url + "gross/", BENUTZER, PASSWORT)

        t = time.perf_counter()
        autor_bauen(tmp / "autor.sqlite", args.projekte)
        zeile("Ressort aufgebaut (nicht gemessen)", f"{time.perf_counter() - t:.0f} s")
        with Store.oeffnen(tmp / "autor.sqlite") as autor:
            e = jetzt_abgleichen(autor, gross())  # founds the share, sends every entry, writes a snapshot
            zeile("Gründer sendet: Änderungen / Dateien", f"{tausender(e.gesendet)} / {e.gesendet_dateien}")
            schnappschuesse = list((wurzel / "gross" / "snapshots").glob("*.json.gz"))
            zeile("Momentaufnahme auf der Ablage", f"{tausender(sum(p.stat().st_size for p in schnappschuesse))} Bytes")
            with Store.oeffnen(tmp / "neu.sqlite") as neu:
                t = time.perf_counter()
                e = jetzt_abgleichen(neu, gross())
                erster = time.perf_counter() - t
                zeile("neues Gerät, erster Abgleich: Zeit", f"{erster:.2f} s")
                zeile("  HTTP-Anfragen / Bytes geladen", f"{e.anfragen} / {tausender(e.bytes_empfangen)}")
                from ozgdesk.sync.replikation import stand_pruefen

                assert stand_pruefen(neu) == []
            wiederholung = None
            if not args.ohne_wiederholung:
                for p in schnappschuesse:
                    p.unlink()
                with Store.oeffnen(tmp / "neu2.sqlite") as neu2:
                    t = time.perf_counter()
                    jetzt_abgleichen(neu2, gross())
                    wiederholung = time.perf_counter() - t
                zeile("zum Vergleich: ohne Momentaufnahme (jede Datei abspielen)", f"{wiederholung:.2f} s")
        melden(f"Abgleich: erster Abgleich eines neuen Geräts ({args.projekte} Projekte)", erster, "s",
               verhaeltnis=erster / wiederholung if wiederholung else None,
               basis=f"ohne Momentaufnahme {wiederholung:.1f} s".replace(".", ",") if wiederholung else "",
               ziel="≤ 5 s", erreicht=erster <= 5)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
