"""The submission package for the BMI: PDF + XLSX + JSON + manifest, numbered per period.

``einreichen`` validates, freezes the JSON snapshot in the store (table ``einreichung``, never
changed afterwards), renders the documents from the same snapshot data, and writes

    <Ressort>_<Zeitraum>_v<N>/
        Quartalsbericht_….pdf     Ressort summary (+ "Änderungen gegenüber Version N-1")
        Projektberichte_….pdf     one report per project
        Quartalsbericht_….xlsx    all sections as sheets (+ sheet "Änderungen")
        Quartalsbericht_….json    machine-readable, schema in docs/einreichung-schema.md
        manifest.json             SHA-256 of every file, also kept in the store

Files are written to a temporary folder first and moved into place only after the database
transaction committed, so a failure never leaves a recorded submission without its files or
files without their record. ``paket_pruefen`` recomputes every hash (tamper check).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable
from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.dateien import privat_schreiben, privater_ordner
from ozgdesk.model.base import jetzt_utc
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.model.values import Ampel, Quartal
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports import quartalsbericht as qb
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.reports.format import ja_nein
from ozgdesk.reports.layout import VS_NFD, Sp, h1, absatz, tabelle
from ozgdesk.reports.pruefung import Befund, fehler, pruefen
from ozgdesk.reports.snapshot import Bestand, ProjektDaten, bestand_laden
from ozgdesk.reports.stellungnahmen import befund_json
from ozgdesk.reports.xlsx import Spalte
from ozgdesk.model.store import ereignis_vormerken

SCHEMA = "ozgdesk/einreichung-quartalsbericht"
SCHEMA_VERSION = 1
ART = "quartalsbericht"


# ====================================================================================== JSON snapshot
def _fin(z: kz.Finanzzeile) -> dict[str, int]:
    return {"plan_quartal_cent": z.plan_quartal, "ist_quartal_cent": z.ist_quartal,
            "abweichung_quartal_cent": z.abweichung_quartal, "plan_jahr_cent": z.plan_jahr, "ist_jahr_cent": z.ist_jahr,
            "plan_gesamt_cent": z.plan_gesamt, "ist_gesamt_cent": z.ist_gesamt}


def _projekt(b: Bestand, p: ProjektDaten, q: Quartal) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kennung": p.kennung, "titel": p.titel,
        "behoerde": None if p.behoerde is None else {
            "name": p.behoerde.name, "kurzname": p.behoerde.kurzname,
            "art": "mittelbar" if p.behoerde.mittelbar else "unmittelbar",
            "erstattungsanspruch": p.behoerde.erstattungsanspruch},
        "projektleitung": p.projektleiter.name if p.projektleiter else None,
        "finanzierung": p.finanzierung.value, "beginn": _d(p.beginn), "ende": _d(p.ende),
        "ampeln": [{"dimension": a.dimension.lower(), "ampel": a.ampel.value, "grund": a.grund} for a in p.ampeln],
        "meilensteine": [{"titel": m.titel, "plan": _d(m.plan_datum), "prognose": _d(m.prognose_datum), "ist": _d(m.ist_datum),
                          "status": kz.status_text(m, b.stand), "verschiebungen": len(m.verschiebungen),
                          "verzug_tage": m.verzug_tage} for m in p.meilensteine],
        "finanzen": None, "personentage": None,
        "leistungen": [{"ozg_id": l.ozg_id, "bezeichnung": l.bezeichnung, "reifegrad": l.reifegrad,
                        "reifegrad_modell": l.reifegrad_modell, "ziel_reifegrad": l.ziel_reifegrad, "online": l.online}
                       for l in p.leistungen],
        "risiken": p.risiken, "naechste_schritte": p.naechste_schritte,
    }
    if kz.hat_finanzbericht(p):
        g, zeilen = kz.finanzen(p, q)
        kraft = kz.plan_in_kraft(p, q)
        d["finanzen"] = {"zahlungsplan_fassung": kraft.fassung.version if kraft else None,
                         "zahlungsplan_stand": _d(kraft.fassung.stand) if kraft else None,
                         "zahlungsplan_nachtraeglich": bool(kraft and kraft.nachtraeglich),
                         "zahlungsplan_spaetere_fassungen": [
                             {"fassung": f.version, "stand": _d(f.stand)} for f in (kraft.spaetere if kraft else ())],
                         **_fin(g),
                         "bewilligt_jahr_cent": kz.bewilligt(p, q.jahr), "bewilligt_gesamt_cent": kz.bewilligt(p),
                         "haushaltsstellen": [{"haushaltsstelle": z.haushaltsstelle, **_fin(z)} for z in zeilen]}
    if kz.hat_aufwandsbericht(p):
        a = kz.aufwand(p, q)
        d["personentage"] = {"quartal": str(a.pt_quartal), "kumuliert": str(a.pt_kumuliert),
                             "bewilligt": str(a.pt_bewilligt), "leistungen": a.leistungen}
    return d


def _d(tag: date | None) -> str | None:
    return tag.isoformat() if tag else None


def quartalsbericht_daten(b: Bestand, q: Quartal, befunde: list[Befund]) -> dict[str, Any]:
    """The machine-readable quarterly report (schema ``ozgdesk/einreichung-quartalsbericht`` v1)."""
    voll = [kz.finanzen(p, q)[0] for p in b.projekte if kz.hat_finanzbericht(p)]
    aufw = [kz.aufwand(p, q) for p in b.projekte if kz.hat_aufwandsbericht(p)]
    s = kz.summe(voll)
    return {
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "art": ART, "zeitraum": str(q),
        "zeitraum_beginn": q.beginn.isoformat(), "zeitraum_ende": q.ende.isoformat(), "stand": b.stand.isoformat(),
        "ressort": {"kurzname": b.ressort.kurzname, "name": b.ressort.name, "referat": b.ressort.referat},
        "summen": {
            **_fin(s),
            "personentage_quartal": str(sum((a.pt_quartal for a in aufw), Decimal(0))),
            "personentage_kumuliert": str(sum((a.pt_kumuliert for a in aufw), Decimal(0))),
            "personentage_bewilligt": str(sum((a.pt_bewilligt for a in aufw), Decimal(0))),
            "projekte": len(b.projekte),
            **{f"projekte_{a.value}": sum(1 for p in b.projekte if p.ampel is a) for a in Ampel},
        },
        "projekte": [_projekt(b, p, q) for p in b.projekte],
        "pruefung": [befund_json(x) for x in befunde],
    }


def kanonisch(daten: Any) -> bytes:
    """One byte representation of a JSON value, so its SHA-256 is reproducible."""
    return json.dumps(daten, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


# ============================================================================================ changes
_SCHLUESSEL = ("kennung", "ozg_id", "haushaltsstelle", "dimension", "titel")


def _flach(wert: Any, pfad: str, aus: dict[str, Any]) -> None:
    if isinstance(wert, dict):
        for k, v in wert.items():
            _flach(v, f"{pfad}.{k}" if pfad else k, aus)
    elif isinstance(wert, list) and all(isinstance(x, dict) for x in wert) and wert:
        for i, x in enumerate(wert):
            schluessel = next((x[k] for k in _SCHLUESSEL if k in x), i)
            _flach(x, f"{pfad}[{schluessel}]", aus)
    else:
        aus[pfad] = wert


@dataclass(frozen=True)
class Aenderung:
    pfad: str
    alt: Any
    neu: Any


def vergleichen(alt: dict[str, Any], neu: dict[str, Any]) -> list[Aenderung]:
    """Field-by-field differences between two snapshots; list items are matched by their key."""
    a: dict[str, Any] = {}
    n: dict[str, Any] = {}
    _flach({k: v for k, v in alt.items() if k != "einreichung"}, "", a)
    _flach({k: v for k, v in neu.items() if k != "einreichung"}, "", n)
    return [Aenderung(p, a.get(p), n.get(p)) for p in sorted(set(a) | set(n)) if a.get(p) != n.get(p)]


def _wert(v: Any) -> str:
    """A snapshot value in the change table: ``ja``/``nein`` for flags, not Python's True/False."""
    return ja_nein(v) if v is None or isinstance(v, bool) else str(v)


# ============================================================================================ package
@dataclass(frozen=True)
class Paket:
    ordner: Path
    version: int
    dateien: dict[str, str]
    aenderungen: list[Aenderung]
    befunde: list[Befund]


def _sha256(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


def einreichen(store: Store, q: Quartal, ziel: Path, *, stand: date, benutzer: str | None = None,
               kennzeichnung: str = VS_NFD) -> Paket:
    """Validate, freeze and write the package; raises :class:`Eingabefehler` on validation errors."""
    bestand = bestand_laden(store, stand)
    befunde = pruefen(bestand, q)
    if fehler(befunde):
        liste = "\n".join(f"  – {x.datensatz}: {x.text}" for x in fehler(befunde))
        raise Eingabefehler(f"Die Einreichung {q.kurz} ist nicht möglich: {len(fehler(befunde))} Fehler müssen "
                            f"zuerst behoben oder – wo sie einen zutreffenden Sachverhalt melden – mit einer "
                            f"Stellungnahme versehen werden (ozgdesk-cli befunde list --quartal {q}):\n{liste}")
    daten = quartalsbericht_daten(bestand, q, befunde)
    ziel = Path(ziel)
    privater_ordner(ziel)  # folders it creates: 0700; the package folder (mkdtemp) and its files: owner-only
    unterbrochene_abschliessen(store, ziel)
    tmp = Path(tempfile.mkdtemp(prefix=".einreichung-", dir=ziel))
    gespeichert = False
    try:
        with store.session(benutzer=benutzer, quelle="einreichung") as s:
            ereignis_vormerken(s, "einreichung", zeitraum=str(q), fehler=0, warnungen=len(befunde))
            vorher = s.execute(select(Einreichung).where(Einreichung.art == ART, Einreichung.zeitraum == str(q))
                               .order_by(Einreichung.version.desc()).limit(1)).scalar_one_or_none()
            version = vorher.version + 1 if vorher else 1
            aenderungen = vergleichen(json.loads(vorher.snapshot), daten) if vorher else []
            zeitpunkt = jetzt_utc()
            daten["einreichung"] = {
                "version": version, "vorgaenger_version": vorher.version if vorher else None,
                "erstellt_am": zeitpunkt.isoformat(), "erstellt_von": s.info["benutzer"],
                "aenderungen": [{"pfad": x.pfad, "alt": x.alt, "neu": x.neu} for x in aenderungen],
            }
            basis = f"{bestand.ressort.kurzname}_{q}_v{version}"
            dateien = _dateien_erzeugen(bestand, q, daten, aenderungen, vorher.version if vorher else None,
                                        kennzeichnung, basis, befunde)
            hashes = {name: _sha256(inhalt) for name, inhalt in dateien.items()}
            ereignis_vormerken(s, "einreichung", version=version, dateien=len(dateien),
                               bytes=sum(len(x) for x in dateien.values()))
            manifest = {"schema": "ozgdesk/einreichung-manifest", "schema_version": 1, "ressort": bestand.ressort.kurzname,
                        "art": ART, "zeitraum": str(q), "version": version, "erstellt_am": zeitpunkt.isoformat(),
                        "algorithmus": "SHA-256", "dateien": hashes}
            for name, inhalt in dateien.items():
                privat_schreiben(tmp / name, inhalt)
            privat_schreiben(tmp / "manifest.json", kanonisch(manifest))
            s.add(Einreichung(art=ART, zeitraum=str(q), version=version, schema=f"{SCHEMA}/{SCHEMA_VERSION}",
                              snapshot=kanonisch(daten).decode("utf-8"), snapshot_sha256=hashes[f"Quartalsbericht_{basis}.json"],
                              dateien=json.dumps(hashes, sort_keys=True), erstellt_am=zeitpunkt,
                              erstellt_von=s.info["benutzer"]))
        gespeichert = True
        ordner = ziel / basis
        if ordner.exists():
            raise Eingabefehler(f"Der Ordner {ordner} existiert bereits; die Einreichung ist in der Datenbank "
                                f"gespeichert, die Dateien liegen unter {tmp}.")
        try:
            os.replace(tmp, ordner)
        except FileNotFoundError:
            if not ordner.is_dir():  # a concurrent recovery moved it already; anything else is an error
                raise
    except BaseException:
        if not gespeichert:  # nothing recorded: leave no half-written files behind
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Paket(ordner, version, hashes, aenderungen, befunde)


def _eingefroren(s: Session, art: Any, zeitraum: str, version: Any, dateien: Any) -> Einreichung | None:
    """The frozen record of a package: by art, period and version – and, where two devices
    submitted the same quarter offline as the same version (both records are kept, see
    ``model.schluesselregeln``), the one whose files are these."""
    saetze = s.execute(select(Einreichung).where(Einreichung.art == art, Einreichung.zeitraum == zeitraum,
                                                 Einreichung.version == version)
                       .order_by(Einreichung.id)).scalars().all()
    return next((e for e in saetze if json.loads(e.dateien) == dateien), saetze[0] if saetze else None)


def unterbrochene_abschliessen(store: Store, ziel: Path, *, alter_s: float = 3600) -> list[Path]:
    """Finish packages whose process died between commit and the final rename.

    The frozen record is committed before the package folder gets its final name, so a crash in
    between leaves a complete ``.einreichung-*`` folder whose manifest matches a frozen record:
    it is moved into place now. Temp folders without a record never committed; they are removed
    once older than ``alter_s`` (a younger one may belong to a submission still being written).
    """
    import time

    fertig = []
    for tmp in sorted(Path(ziel).glob(".einreichung-*")):
        if not tmp.is_dir():
            continue
        try:
            manifest = json.loads((tmp / "manifest.json").read_bytes())
            schluessel = (manifest["art"], str(manifest["zeitraum"]), int(manifest["version"]), manifest["dateien"])
        except (OSError, ValueError, KeyError, TypeError):
            schluessel = None
        satz = None
        if schluessel is not None:
            with store.lesen() as s:
                satz = _eingefroren(s, schluessel[0], schluessel[1], schluessel[2], schluessel[3])
        if satz is not None and schluessel is not None and json.loads(satz.dateien) == schluessel[3] \
                and not paket_pruefen(tmp):
            ordner = Path(ziel) / f"{manifest['ressort']}_{schluessel[1]}_v{schluessel[2]}"
            if not ordner.exists():
                os.replace(tmp, ordner)
                fertig.append(ordner)
        elif satz is None and time.time() - tmp.stat().st_mtime > alter_s:
            shutil.rmtree(tmp, ignore_errors=True)
    return fertig


def _dateien_erzeugen(b: Bestand, q: Quartal, daten: dict[str, Any], aenderungen: list[Aenderung],
                      vorgaenger: int | None, kennzeichnung: str, basis: str, befunde: list[Befund]) -> dict[str, bytes]:
    anhang: list[Flowable] = []
    if vorgaenger is not None:
        anhang = [h1(f"Änderungen gegenüber Version {vorgaenger}")]
        if aenderungen:
            anhang.append(tabelle([Sp("Feld", 4), Sp(f"Version {vorgaenger}", 2.5), Sp(f"Version {vorgaenger + 1}", 2.5)],
                                  [[x.pfad, _wert(x.alt), _wert(x.neu)] for x in aenderungen]))
        else:
            anhang.append(absatz("Keine inhaltlichen Änderungen."))
    pdf = qb.pdf_ressort(b, q, kennzeichnung=kennzeichnung, anhang=anhang, befunde=befunde)
    projekte = qb.pdf_projekte(b, list(b.projekte), q, kennzeichnung=kennzeichnung, befunde=befunde) if b.projekte else None
    fassung = "Version 1" if vorgaenger is None else f"Version {vorgaenger + 1} (ersetzt Version {vorgaenger})"
    am = qb.arbeitsmappe(b, q, befunde=befunde, kennzeichnung=kennzeichnung, fassung=fassung)
    if vorgaenger is not None:
        am.blatt("Änderungen", [Spalte("Feld", breite=60), Spalte(f"Version {vorgaenger}", breite=30),
                                Spalte(f"Version {vorgaenger + 1}", breite=30)],
                 [[x.pfad, _wert(x.alt), _wert(x.neu)] for x in aenderungen], summenzeile=False)
    dateien = {f"Quartalsbericht_{basis}.pdf": pdf, f"Quartalsbericht_{basis}.xlsx": am.bytes(),
               f"Quartalsbericht_{basis}.json": kanonisch(daten)}
    if projekte:
        dateien[f"Projektberichte_{basis}.pdf"] = projekte
    return dateien


def paket_pruefen(ordner: Path, store: Store | None = None) -> list[str]:
    """Problems of a package on disk (empty list = intact), each a German sentence naming the file.

    Checks every file against the manifest and, if a store is given, the manifest against the hashes
    frozen in the store (a tampered file with a re-computed manifest is caught there).
    """
    ordner = Path(ordner)
    probleme: list[str] = []
    try:
        manifest = json.loads((ordner / "manifest.json").read_text(encoding="utf-8"))
    except OSError:
        return [f"{ordner / 'manifest.json'}: Manifest fehlt oder ist nicht lesbar."]
    except ValueError:
        return [f"{ordner / 'manifest.json'}: Manifest ist kein gültiges JSON in UTF-8."]
    hashes = manifest.get("dateien") if isinstance(manifest, dict) else None
    if not isinstance(hashes, dict) or not all(
            isinstance(n, str) and isinstance(h, str) and n and "/" not in n and "\\" not in n and n not in (".", "..")
            and "\x00" not in n for n, h in hashes.items()):
        return [f"{ordner / 'manifest.json'}: Manifest hat keine gültige Dateiliste (Name → SHA-256)."]
    for name, soll in sorted(hashes.items()):
        pfad = ordner / name
        if not pfad.is_file():
            probleme.append(f"{pfad}: Datei fehlt.")
        elif _sha256(pfad.read_bytes()) != soll:
            probleme.append(f"{pfad}: Prüfsumme stimmt nicht mit dem Manifest überein (Datei wurde verändert).")
    fremde = sorted(p.name for p in ordner.iterdir() if p.is_file() and p.name != "manifest.json" and p.name not in hashes)
    probleme += [f"{ordner / n}: Datei gehört nicht zum Paket (nicht im Manifest)." for n in fremde]
    if store is not None:
        with store.lesen() as s:
            e = _eingefroren(s, manifest.get("art", ART), str(manifest.get("zeitraum")), manifest.get("version"), hashes)
            eingefroren = json.loads(e.dateien) if e is not None else None
        if e is None:
            probleme.append(f"{ordner}: Diese Einreichung ({manifest.get('zeitraum')} Version {manifest.get('version')}) "
                            "ist in der Datenbank nicht verzeichnet.")
        elif eingefroren != hashes:
            probleme.append(f"{ordner / 'manifest.json'}: Das Manifest weicht von den in der Datenbank eingefrorenen "
                            "Prüfsummen ab.")
    return probleme


@dataclass(frozen=True)
class EinreichungZeile:
    zeitraum: str
    version: int
    erstellt_am: str
    erstellt_von: str
    dateien: dict[str, str]


def einreichungen(store: Store) -> list[EinreichungZeile]:
    with store.lesen() as s:
        return [EinreichungZeile(e.zeitraum, e.version, e.erstellt_am.isoformat(), e.erstellt_von, json.loads(e.dateien))
                for e in s.execute(select(Einreichung).order_by(Einreichung.zeitraum, Einreichung.version)).scalars()]
