"""Synthetic submission packages in the real format, fast: for the receiver's tests and bench/empfang.py.

``einreichen`` renders two PDFs and a workbook per package (about two seconds); the receiver reads
only manifest, JSON and signature, so these packages are written directly: the report JSON as the
schema prescribes it (validated on request, see :func:`bericht`), a stand-in for the workbook (so the
verifier hashes more than the JSON), the manifest with every hash, optionally the CAdES signature of
``reports.paketsignatur``, and the sync's transfer files – laid out like a share's outbox,
``outbox/<Ressort>/<Zeitraum>/v<n>/``. Deterministic for a given seed.
"""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ozgdesk.model.values import Quartal
from ozgdesk.reports import einreichung_schema as es
from ozgdesk.reports.einreichung import kanonisch

#: Seventeen Ressorts as the programme has them (short names only matter).
RESSORTS = ("AA", "BKM", "BMAS", "BMBF", "BMDS", "BMEL", "BMF", "BMFSFJ", "BMG", "BMI", "BMJV", "BMUV", "BMVg", "BMVI",
            "BMWi", "BMWSB", "BKAmt")
_FIN = ("plan_quartal_cent", "ist_quartal_cent", "plan_jahr_cent", "ist_jahr_cent", "plan_gesamt_cent", "ist_gesamt_cent")
_STATUS = ("erreicht", "verspätet erreicht", "offen", "überfällig", "gefährdet", "entfallen")


def _fin(werte: dict[str, int]) -> dict[str, int]:
    return {**werte, "abweichung_quartal_cent": werte["ist_quartal_cent"] - werte["plan_quartal_cent"]}


def _projekt(zufall: random.Random, ressort: str, nr: int, q: Quartal, fassung: int) -> dict[str, Any]:
    art = "voll" if nr % 6 else ("unterstuetzung" if nr % 12 else "eigen")
    kapitel = f"{(RESSORTS.index(ressort) + 1) % 100:02d}{nr % 3 + 1:02d}"
    stellen = []
    if art == "voll":
        for k in range(1 + nr % 3):
            plan_q = zufall.randrange(50_000, 900_000) * 100
            ist_q = plan_q + zufall.randrange(-200_000, 200_000) * 100 + zufall.randrange(100) + (fassung - 1) * 1_234_56
            plan_j = plan_q * q.nummer
            ist_j = ist_q + zufall.randrange(0, plan_q * (q.nummer - 1) + 1)
            stellen.append({"haushaltsstelle": f"{kapitel} {(532, 812, 686)[k]} 0{k + 1}",
                            **_fin({"plan_quartal_cent": plan_q, "ist_quartal_cent": ist_q, "plan_jahr_cent": plan_j,
                                    "ist_jahr_cent": ist_j, "plan_gesamt_cent": plan_j * 2,
                                    "ist_gesamt_cent": ist_j + plan_j})})
    finanzen = None
    if art == "voll":
        summe = {f: sum(h[f] for h in stellen) for f in _FIN}
        bewilligt_jahr = summe["plan_jahr_cent"] * 4 // q.nummer
        finanzen = {"zahlungsplan_fassung": 1 + nr % 2, "zahlungsplan_stand": f"{q.jahr - 1}-11-30",
                    "zahlungsplan_nachtraeglich": False, "zahlungsplan_spaetere_fassungen": [], **_fin(summe),
                    "bewilligt_jahr_cent": bewilligt_jahr, "bewilligt_gesamt_cent": bewilligt_jahr * 3,
                    "haushaltsstellen": stellen}
    meilensteine = []
    for m in range(6):
        plan = q.beginn + timedelta(days=(m - 3) * 45 + nr % 20)
        status = _STATUS[(nr + m + fassung) % len(_STATUS)]
        ist = plan + timedelta(days=(m % 3) * 5) if status in ("erreicht", "verspätet erreicht") else None
        if status == "verspätet erreicht":
            ist = plan + timedelta(days=10)
        meilensteine.append({"titel": f"Meilenstein {m + 1} von {ressort}-{nr:03d}", "plan": plan.isoformat(),
                             "prognose": plan.isoformat(), "ist": ist.isoformat() if ist else None, "status": status,
                             "verschiebungen": m % 2, "verzug_tage": (ist - plan).days if ist else 0})
    leistungen = []
    for k in range(1 + nr % 2):
        modell = "2.0" if (nr + k) % 9 == 0 else "1.1"
        stufe = None if (nr + k) % 17 == 0 else zufall.randrange(8 if modell == "2.0" else 5)
        leistungen.append({"ozg_id": f"{10000 + RESSORTS.index(ressort) * 500 + nr * 2 + k}",
                           "bezeichnung": f"Leistung {nr * 2 + k} des {ressort}", "reifegrad": stufe,
                           "reifegrad_modell": modell if stufe is not None else None, "ziel_reifegrad": 4,
                           "online": stufe is not None and stufe >= (3 if modell == "2.0" else 2)})
    ampel = ("gruen", "gelb", "rot")[(nr + fassung) % 3]
    return {
        "kennung": f"{ressort}-{2024 + nr % 3}-{nr:03d}", "titel": f"Projekt {nr} des {ressort}: Online-Dienst {nr}",
        "behoerde": {"name": f"Bundesamt {nr % 4} im Geschäftsbereich {ressort}", "kurzname": f"BA{nr % 4}",
                     "art": "unmittelbar", "erstattungsanspruch": False},
        "projektleitung": "Erika Mustermann", "finanzierung": art, "beginn": "2024-01-01", "ende": "2027-12-31",
        "ampeln": [{"dimension": d, "ampel": ampel if d == "gesamt" else "gruen", "grund": "" if ampel == "gruen" else
                    "Vergabe verzögert."} for d in ("gesamt", "zeit", "kosten", "umfang")],
        "meilensteine": meilensteine, "finanzen": finanzen,
        "personentage": {"quartal": "12.5", "kumuliert": "40", "bewilligt": "100", "leistungen": "Beratung"}
        if art == "unterstuetzung" else None,
        "leistungen": leistungen, "risiken": "Keine besonderen Risiken.", "naechste_schritte": "Weiter nach Plan.",
    }


def _befunde(zufall: random.Random, projekte: list[dict[str, Any]], erstellt_am: datetime) -> list[dict[str, Any]]:
    aus = []
    for i, p in enumerate(projekte[::7]):
        mit = i % 2 == 0
        aus.append({"id": hashlib.sha256(p["kennung"].encode()).hexdigest()[:12], "schwere": "Fehler" if mit else "Hinweis",
                    "regel": "ueber_bewilligung" if mit else "meilenstein_ueberfaellig", "datensatz": p["kennung"],
                    "ort": f"Projekt {p['kennung']}", "projekt": p["kennung"], "ozg_id": None, "feld": None,
                    "stellungnahme_moeglich": True, "offen": not mit,
                    "text": f"Die Zahlungen von {p['kennung']} liegen über der Bewilligung." if mit else
                    "Ein Meilenstein ist überfällig.",
                    "stellungnahme": {"text": f"Nachbewilligung für {p['kennung']} ist beantragt.", "von": "Karin Brenner",
                                      "am": erstellt_am.isoformat(), "zeitraum": "x"} if mit else None})
    return aus


def bericht(ressort: str, q: Quartal, fassung: int, projekte: int, erstellt_am: datetime, *, seed: int = 0,
            pruefen: bool = False) -> dict[str, Any]:
    """The report JSON of a synthetic package (``pruefen``: validated against the shipped schema)."""
    zufall = random.Random(f"{seed}/{ressort}/{q}")  # the same projects in every Fassung, figures shifted
    liste = [_projekt(zufall, ressort, nr, q, fassung) for nr in range(1, projekte + 1)]
    voll = [p["finanzen"] for p in liste if p["finanzen"]]
    befunde = _befunde(zufall, liste, erstellt_am)
    for b in befunde:
        if b["stellungnahme"]:
            b["stellungnahme"]["zeitraum"] = str(q)
    daten = {
        "$schema": es.SCHEMA_ID, "schema": es.SCHEMA, "schema_version": es.SCHEMA_VERSION, "art": "quartalsbericht",
        "zeitraum": str(q), "zeitraum_beginn": q.beginn.isoformat(), "zeitraum_ende": q.ende.isoformat(),
        "stand": erstellt_am.date().isoformat(),
        "ressort": {"kurzname": ressort, "name": f"Bundesministerium {ressort}", "referat": f"Referat Z 1 ({ressort})"},
        "summen": {**{f: sum(x[f] for x in voll) for f in (*_FIN, "abweichung_quartal_cent", "bewilligt_jahr_cent",
                                                           "bewilligt_gesamt_cent")},
                   "personentage_quartal": "0", "personentage_kumuliert": "0", "personentage_bewilligt": "0",
                   "projekte": len(liste), **{f"projekte_{a}": sum(1 for p in liste if p["ampeln"][0]["ampel"] == a)
                                              for a in ("gruen", "gelb", "rot")}},
        "projekte": liste, "pruefung": befunde,
        "einreichung": {"version": fassung, "vorgaenger_version": fassung - 1 if fassung > 1 else None,
                        "erstellt_am": erstellt_am.isoformat(), "erstellt_von": "Karin Brenner", "aktenzeichen": None,
                        "empfaenger": "Bundesministerium für Digitales und Staatsmodernisierung (BMDS)", "aenderungen": []},
    }
    if pruefen:
        probleme = es.fehler(es.bericht_validator(), daten)
        assert not probleme, probleme
    return daten


def paket_schreiben(wurzel: Path, daten: dict[str, Any], *, unterzeichner: Any = None, ablage: bool = True,
                    fuell_bytes: int = 30_000) -> Path:
    """Write the package of ``daten``: under ``wurzel/outbox/<R>/<Q>/v<n>/`` with the sync's transfer
    files (``ablage``), else as ``wurzel/<R>_<Q>_v<n>/`` as ``einreichen`` names it."""
    r, q, v = daten["ressort"]["kurzname"], daten["zeitraum"], daten["einreichung"]["version"]
    basis = f"{r}_{q}_v{v}"
    ordner = wurzel / "outbox" / r / q / f"v{v}" if ablage else wurzel / basis
    ordner.mkdir(parents=True)
    dateien = {f"Quartalsbericht_{basis}.json": kanonisch(daten),
               f"Quartalsbericht_{basis}.xlsx": random.Random(basis).randbytes(fuell_bytes)}
    from ozgdesk.reports import paketsignatur as ps

    manifest = {"$schema": es.MANIFEST_SCHEMA_ID, "schema": es.MANIFEST_SCHEMA,
                "schema_version": es.MANIFEST_SCHEMA_VERSION, "ressort": r, "art": "quartalsbericht", "zeitraum": q,
                "version": v, "erstellt_am": daten["einreichung"]["erstellt_am"], "erstellt_von": "Karin Brenner",
                "aktenzeichen": None, "algorithmus": "SHA-256",
                "dateien": {n: hashlib.sha256(d).hexdigest() for n, d in dateien.items()},
                "signatur": None if unterzeichner is None else {
                    "verfahren": ps.VERFAHREN, "datei": ps.MANIFEST_SIGNATUR,
                    "zertifikat_sha256": unterzeichner.angaben.sha256}}
    dateien["manifest.json"] = kanonisch(manifest)
    if unterzeichner is not None:
        dateien[ps.MANIFEST_SIGNATUR] = unterzeichner.manifest_signieren(dateien["manifest.json"],
                                                                         datetime.now(UTC).replace(microsecond=0))
    for name, inhalt in dateien.items():
        (ordner / name).write_bytes(inhalt)
    if ablage:  # what the sync adds on the share: the claim first, the transfer list last
        (ordner / "ozgdesk-paket.json").write_text(json.dumps({"paket": basis, "hash": "0" * 64}))
        (ordner / "ozgdesk-uebertragung.json").write_text(json.dumps(
            {"format": "ozgdesk-einreichung", "version": 1, "ressort": r, "periode": q, "fassung": v,
             "dateien": [{"datei": n, "sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
                         for n, d in sorted(dateien.items())]}))
    return ordner


def erstellt(q: Quartal, ressort_nr: int, fassung: int) -> datetime:
    """Creation time: most Ressorts within the deadline (15 days after the quarter), every fifth late."""
    tag = q.ende + timedelta(days=5 + ressort_nr % 9 + (20 if ressort_nr % 5 == 4 else 0) + (fassung - 1) * 30)
    return datetime.combine(tag, datetime.min.time(), UTC) + timedelta(hours=9, minutes=ressort_nr)


def quartale(anzahl: int, letztes: Quartal | None = None) -> list[Quartal]:
    """The ``anzahl`` quarters up to ``letztes`` (default Q3/2026), oldest first."""
    aus = [letztes or Quartal(2026, 3)]
    while len(aus) < anzahl:
        aus.insert(0, aus[0].vorheriges())
    return aus


