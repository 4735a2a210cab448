"""The submission package: PDF + XLSX + JSON + manifest (+ signature), numbered per period.

``einreichen`` validates, freezes the JSON snapshot in the store (table ``einreichung``, never
changed afterwards), renders the documents from the same snapshot data, and writes

    <Ressort>_<Zeitraum>_v<N>/
        Quartalsbericht_….pdf     Ressort summary; page 1 „Fassung N vom …“ (+ „Änderungen gegenüber Fassung N-1“)
        Projektberichte_….pdf     one report per project; page 1 „Fassung N vom …“
        Quartalsbericht_….xlsx    all sections as sheets (+ sheet „Änderungen“)
        Quartalsbericht_….json    machine-readable, schema ozgdesk/daten/schema (docs/einreichung-schema.md)
        manifest.json             SHA-256 of every file, also kept in the store
        manifest.json.p7s         with a certificate: CAdES signature over the manifest (PDFs: PAdES)

The JSON is checked against its shipped schema before anything is written. With a certificate
(:mod:`ozgdesk.reports.paketsignatur`) every PDF is signed first – the final bytes, after the
PDF/A step of ``layout.pdf_erzeugen`` – and then hashed, and the manifest is signed last.

Files are written to a temporary folder first and moved into place only after the database
transaction committed, so a failure never leaves a recorded submission without its files or
files without their record. ``paket_pruefen`` recomputes every hash, checks schemas and
signatures (tamper check, and who sent it).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable
from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.dateien import eingabedatei_lesen, privat_schreiben, privater_ordner
from ozgdesk.model import empfaenger
from ozgdesk.model.base import jetzt_utc
from ozgdesk.model.einreichung import Einreichung
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store, ereignis_vormerken
from ozgdesk.model.values import Ampel, Quartal
from ozgdesk.reports import einreichung_schema as es
from ozgdesk.reports import kennzahlen as kz
from ozgdesk.reports import paketsignatur as ps
from ozgdesk.reports import quartalsbericht as qb
from ozgdesk.reports.einreichung_vergleich import Aenderung, vergleichen
from ozgdesk.reports.format import datum
from ozgdesk.reports.layout import VS_NFD, Sp, absatz, h1, tabelle
from ozgdesk.reports.pruefung import Befund, fehler, pruefen
from ozgdesk.reports.snapshot import Bestand, ProjektDaten, bestand_laden
from ozgdesk.reports.stellungnahmen import befund_json
from ozgdesk.reports.xlsx import Spalte

SCHEMA = es.SCHEMA
SCHEMA_VERSION = es.SCHEMA_VERSION
ART = "quartalsbericht"
MANIFEST = "manifest.json"
#: Largest file of a package ``paket_pruefen`` reads (a Ressort with thousands of projects has
#: PDFs of tens of megabytes); anything larger is refused unread.
HOECHSTENS_DATEI = 512 * 1024 * 1024
HOECHSTENS_MANIFEST = 1024 * 1024

__all__ = ["Aenderung", "Paket", "Paketpruefung", "einreichen", "paket_pruefen", "paket_pruefung",
           "quartalsbericht_daten", "vergleichen"]


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
        d["personentage"] = {"quartal": _pt(a.pt_quartal), "kumuliert": _pt(a.pt_kumuliert),
                             "bewilligt": _pt(a.pt_bewilligt), "leistungen": a.leistungen}
    return d


def _d(tag: date | None) -> str | None:
    return tag.isoformat() if tag else None


def _pt(wert: Decimal) -> str:
    """Person-days as a plain decimal (``"12.5"``), never in exponent form (``"1E+1"``)."""
    return format(wert, "f")


def quartalsbericht_daten(b: Bestand, q: Quartal, befunde: list[Befund]) -> dict[str, Any]:
    """The machine-readable quarterly report (schema ``ozgdesk/einreichung-quartalsbericht`` v1),
    without the ``einreichung`` block that ``einreichen`` adds."""
    voll = [p for p in b.projekte if kz.hat_finanzbericht(p)]
    aufw = [kz.aufwand(p, q) for p in b.projekte if kz.hat_aufwandsbericht(p)]
    s = kz.summe([kz.finanzen(p, q)[0] for p in voll])
    return {
        "$schema": es.SCHEMA_ID,
        "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "art": ART, "zeitraum": str(q),
        "zeitraum_beginn": q.beginn.isoformat(), "zeitraum_ende": q.ende.isoformat(), "stand": b.stand.isoformat(),
        "ressort": {"kurzname": b.ressort.kurzname, "name": b.ressort.name, "referat": b.ressort.referat},
        "summen": {
            **_fin(s),
            "bewilligt_jahr_cent": sum(kz.bewilligt(p, q.jahr) for p in voll),
            "bewilligt_gesamt_cent": sum(kz.bewilligt(p) for p in voll),
            "personentage_quartal": _pt(sum((a.pt_quartal for a in aufw), Decimal(0))),
            "personentage_kumuliert": _pt(sum((a.pt_kumuliert for a in aufw), Decimal(0))),
            "personentage_bewilligt": _pt(sum((a.pt_bewilligt for a in aufw), Decimal(0))),
            "projekte": len(b.projekte),
            **{f"projekte_{a.value}": sum(1 for p in b.projekte if p.ampel is a) for a in Ampel},
        },
        "projekte": [_projekt(b, p, q) for p in b.projekte],
        "pruefung": [befund_json(x) for x in befunde],
    }


def kanonisch(daten: Any) -> bytes:
    """One byte representation of a JSON value, so its SHA-256 is reproducible."""
    return json.dumps(daten, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8")


def schema_pruefen(daten: dict[str, Any]) -> None:
    """The package JSON against its shipped schema; a violation is a program error (the data come
    from ozgdesk itself), so nothing is written and the message names the field."""
    probleme = es.fehler(es.bericht_validator(), daten)
    if probleme:
        raise RuntimeError("Das Einreichungs-JSON entspricht nicht seinem Schema (Programmfehler): " + "; ".join(probleme))


# ============================================================================================ package
@dataclass(frozen=True)
class Paket:
    ordner: Path
    version: int
    dateien: dict[str, str]
    aenderungen: list[Aenderung]
    befunde: list[Befund]
    #: who signed it (None: not signed)
    signiert_von: ps.Zertifikatsangaben | None = None


@dataclass(frozen=True)
class Fassung:
    """What page 1 of every package PDF says about the version."""

    version: int
    am: datetime
    von: str
    vorgaenger: tuple[int, datetime] | None = None

    @property
    def kurz(self) -> str:
        """„Fassung 2 vom 14.10.2026“: for a workbook's header, where the whole sentence is too long."""
        return f"Fassung {self.version} vom {datum(_lokal(self.am))}"

    @property
    def text(self) -> str:
        """„Fassung 2 vom 14.10.2026, erstellt von Karin Brenner; ersetzt Fassung 1 vom 01.10.2026.“"""
        satz = f"Fassung {self.version} vom {datum(_lokal(self.am))}, erstellt von {self.von}"
        if self.vorgaenger:
            satz += f"; ersetzt Fassung {self.vorgaenger[0]} vom {datum(_lokal(self.vorgaenger[1]))}"
        return satz + "."


def _lokal(t: datetime) -> date:
    """The calendar day of a stored UTC moment where the user is."""
    return t.astimezone().date()


def _sha256(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


def einreichen(store: Store, q: Quartal, ziel: Path, *, stand: date, benutzer: str | None = None,
               kennzeichnung: str = VS_NFD, aktenzeichen: str = "",
               unterzeichner: ps.Unterzeichner | None = None) -> Paket:
    """Validate, freeze and write the package; raises :class:`Eingabefehler` on validation errors.

    ``benutzer``: the author's name (default: the store's person, :meth:`Store.personenname`);
    ``aktenzeichen``: printed in the header of both PDFs and stored in JSON and manifest;
    ``unterzeichner``: sign the PDFs and the manifest with this certificate (loaded by the
    caller, outside the database transaction: it may ask the keychain)."""
    bestand = bestand_laden(store, stand)
    befunde = pruefen(bestand, q)
    if fehler(befunde):
        liste = "\n".join(f"  – {x.datensatz}: {x.text}" for x in fehler(befunde))
        raise Eingabefehler(f"Die Einreichung {q.kurz} ist nicht möglich: {len(fehler(befunde))} Fehler müssen "
                            f"zuerst behoben oder – wo sie einen zutreffenden Sachverhalt melden – mit einer "
                            f"Stellungnahme versehen werden (ozgdesk-cli befunde list --quartal {q}):\n{liste}")
    aktenzeichen = " ".join(aktenzeichen.split())  # one line in the header: line breaks and tabs become blanks
    if len(aktenzeichen) > 120:
        raise Eingabefehler(f"Das Aktenzeichen ist {len(aktenzeichen)} Zeichen lang; höchstens 120 sind möglich.")
    if any(not c.isprintable() for c in aktenzeichen):
        raise Eingabefehler("Das Aktenzeichen enthält ein Steuerzeichen; bitte nur druckbare Zeichen angeben.")
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
            person = s.info["benutzer"]
            daten["einreichung"] = {
                "version": version, "vorgaenger_version": vorher.version if vorher else None,
                "erstellt_am": zeitpunkt.isoformat(), "erstellt_von": person, "aktenzeichen": aktenzeichen or None,
                "empfaenger": empfaenger.name(bestand.ressort.empfaenger),
                "aenderungen": [x.json() for x in aenderungen],
            }
            schema_pruefen(daten)
            fassung = Fassung(version, zeitpunkt, person, (vorher.version, vorher.erstellt_am) if vorher else None)
            basis = f"{bestand.ressort.kurzname}_{q}_v{version}"
            dateien = _dateien_erzeugen(bestand, q, daten, aenderungen, fassung, kennzeichnung, aktenzeichen, basis,
                                        befunde)
            if unterzeichner is not None:  # the final bytes, signed before they are hashed
                grund = f"Quartalsbericht {bestand.ressort.kurzname} {q.kurz}, Fassung {version}"
                dateien = {n: unterzeichner.pdf_signieren(d, grund=grund) if n.endswith(".pdf") else d
                           for n, d in dateien.items()}
            hashes = {name: _sha256(inhalt) for name, inhalt in dateien.items()}
            ereignis_vormerken(s, "einreichung", version=version, dateien=len(dateien),
                               bytes=sum(len(x) for x in dateien.values()), signiert=unterzeichner is not None)
            manifest = {"$schema": es.MANIFEST_SCHEMA_ID, "schema": es.MANIFEST_SCHEMA,
                        "schema_version": es.MANIFEST_SCHEMA_VERSION, "ressort": bestand.ressort.kurzname,
                        "art": ART, "zeitraum": str(q), "version": version, "erstellt_am": zeitpunkt.isoformat(),
                        "erstellt_von": person, "aktenzeichen": aktenzeichen or None,
                        "algorithmus": "SHA-256", "dateien": hashes,
                        "signatur": None if unterzeichner is None else {
                            "verfahren": ps.VERFAHREN, "datei": ps.MANIFEST_SIGNATUR,
                            "zertifikat_sha256": unterzeichner.angaben.sha256}}
            manifest_bytes = kanonisch(manifest)
            for name, inhalt in dateien.items():
                privat_schreiben(tmp / name, inhalt)
            privat_schreiben(tmp / MANIFEST, manifest_bytes)
            if unterzeichner is not None:
                privat_schreiben(tmp / ps.MANIFEST_SIGNATUR, unterzeichner.manifest_signieren(manifest_bytes, zeitpunkt))
            s.add(Einreichung(art=ART, zeitraum=str(q), version=version, schema=f"{SCHEMA}/{SCHEMA_VERSION}",
                              snapshot=kanonisch(daten).decode("utf-8"), snapshot_sha256=hashes[f"Quartalsbericht_{basis}.json"],
                              dateien=json.dumps(hashes, sort_keys=True), erstellt_am=zeitpunkt,
                              erstellt_von=person))
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
    return Paket(ordner, version, hashes, aenderungen, befunde, unterzeichner.angaben if unterzeichner else None)


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
            manifest = json.loads((tmp / MANIFEST).read_bytes())
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


# ========================================================================================= documents
_AENDERUNG_SPALTEN = ("Projekt bzw. Bereich", "Angabe")


def _aenderungsabschnitt(aenderungen: list[Aenderung], vorgaenger: int) -> list[Flowable]:
    teile: list[Flowable] = [h1(f"Änderungen gegenüber Fassung {vorgaenger}")]
    if not aenderungen:
        return teile + [absatz("Keine inhaltlichen Änderungen.")]
    return teile + [tabelle([Sp(_AENDERUNG_SPALTEN[0], 2.4), Sp(_AENDERUNG_SPALTEN[1], 2.6),
                             Sp(f"Fassung {vorgaenger}", 2.2), Sp(f"Fassung {vorgaenger + 1}", 2.2)],
                            [[x.bereich, x.feld, x.alt_text, x.neu_text] for x in aenderungen])]


def _dateien_erzeugen(b: Bestand, q: Quartal, daten: dict[str, Any], aenderungen: list[Aenderung], fassung: Fassung,
                      kennzeichnung: str, aktenzeichen: str, basis: str, befunde: list[Befund]) -> dict[str, bytes]:
    vorgaenger = fassung.vorgaenger[0] if fassung.vorgaenger else None
    anhang = _aenderungsabschnitt(aenderungen, vorgaenger) if vorgaenger is not None else []
    pdf = qb.pdf_ressort(b, q, kennzeichnung=kennzeichnung, aktenzeichen=aktenzeichen, anhang=anhang, befunde=befunde,
                         vorspann=[absatz(fassung.text)])
    projekte = qb.pdf_projekte(b, list(b.projekte), q, kennzeichnung=kennzeichnung, befunde=befunde,
                               aktenzeichen=aktenzeichen, vorspann=[absatz(fassung.text)]) if b.projekte else None
    am = qb.arbeitsmappe(b, q, befunde=befunde, kennzeichnung=kennzeichnung, aktenzeichen=aktenzeichen,
                         fassung=fassung.kurz)
    # Excel shows them under File → Info → Properties: the file reference and the version
    am.eigenschaften.identifier = aktenzeichen or None
    am.eigenschaften.version = str(fassung.version)
    if vorgaenger is not None:
        am.blatt("Änderungen", [Spalte(_AENDERUNG_SPALTEN[0], breite=40), Spalte(_AENDERUNG_SPALTEN[1], breite=45),
                                Spalte(f"Fassung {vorgaenger}", breite=30), Spalte(f"Fassung {vorgaenger + 1}", breite=30)],
                 [[x.bereich, x.feld, x.alt_text, x.neu_text] for x in aenderungen], summenzeile=False)
    dateien = {f"Quartalsbericht_{basis}.pdf": pdf, f"Quartalsbericht_{basis}.xlsx": am.bytes(),
               f"Quartalsbericht_{basis}.json": kanonisch(daten)}
    if projekte:
        dateien[f"Projektberichte_{basis}.pdf"] = projekte
    return dateien


# ====================================================================================== verification
@dataclass
class Paketpruefung:
    """What ``paket-pruefen`` found: every check, and who signed the package."""

    ordner: Path
    punkte: list[ps.Pruefpunkt] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    signiert: bool = False
    unterzeichner: ps.Zertifikatsangaben | None = None
    signiert_am: datetime | None = None
    #: SHA-256 of the manifest bytes read: the identity of the package for a receiver that keeps
    #: every package once (``ozgdesk.empfang``)
    manifest_sha256: str = ""

    def punkt(self, datei: str, pruefung: str, ok: bool | None, text: str) -> None:
        self.punkte.append(ps.Pruefpunkt(datei, pruefung, "hinweis" if ok is None else ("ok" if ok else "fehler"), text))

    @property
    def probleme(self) -> list[str]:
        """Each failed check as one German sentence naming the file."""
        return [f"{self.ordner / p.datei if p.datei else self.ordner}: {p.text}" for p in self.punkte if p.fehler]

    @property
    def gueltig(self) -> bool:
        return not self.probleme


def paket_pruefen(ordner: Path, store: Store | None = None) -> list[str]:
    """Problems of a package on disk (empty list = intact), each a German sentence naming the file."""
    return paket_pruefung(ordner, store).probleme


def paket_pruefung(ordner: Path, store: Store | None = None, ca: list[Any] | None = None, *,
                   zusaetzlich: Collection[str] = ()) -> Paketpruefung:
    """Check a package as a receiver would, each finding a German sentence naming the file.

    Every file against the manifest; manifest and JSON against their schemas; the signatures (if
    the package is signed; with ``ca`` a valid signature chaining to that CA is required); and,
    with the store of the submitting Ressort, the manifest against the hashes frozen in the store
    (a tampered file with a re-computed manifest is caught there even without a signature).
    Everything read is hostile: regular files of bounded size only. ``zusaetzlich``: names of files
    that may lie in the folder without belonging to the package (the transfer files the sync puts
    next to a package in the share's outbox, read by the receiver ``ozgdesk.empfang``).
    """
    ordner = Path(ordner)
    e = Paketpruefung(ordner)
    try:
        manifest_bytes = eingabedatei_lesen(ordner / MANIFEST, hoechstens=HOECHSTENS_MANIFEST, art="ein Manifest (JSON)")
    except Eingabefehler:
        e.punkt(MANIFEST, "Manifest", False, "Manifest fehlt oder ist nicht lesbar.")
        return e
    e.manifest_sha256 = _sha256(manifest_bytes)
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (ValueError, RecursionError):
        e.punkt(MANIFEST, "Manifest", False, "Manifest ist kein gültiges JSON in UTF-8.")
        return e
    hashes = manifest.get("dateien") if isinstance(manifest, dict) else None
    if not isinstance(hashes, dict) or not all(
            isinstance(n, str) and isinstance(h, str) and n and "/" not in n and "\\" not in n and n not in (".", "..")
            and "\x00" not in n for n, h in hashes.items()):
        e.punkt(MANIFEST, "Manifest", False, "Manifest hat keine gültige Dateiliste (Name → SHA-256).")
        return e
    e.manifest = manifest
    schemafehler = es.fehler(es.manifest_validator(), manifest)
    for text in schemafehler:
        e.punkt(MANIFEST, "Schema", False, f"Manifest entspricht nicht seinem Schema: {text}.")
    if not schemafehler:
        e.punkt(MANIFEST, "Schema", True, f"entspricht dem Schema {es.MANIFEST_SCHEMA_ID}")
    inhalte: dict[str, bytes] = {}
    for name, soll in sorted(hashes.items()):
        pfad = ordner / name
        if not os.path.lexists(pfad):  # a symlink to a device is not „missing“: reading it says what it is
            e.punkt(name, "Prüfsumme", False, "Datei fehlt.")
            continue
        try:
            inhalt = eingabedatei_lesen(pfad, hoechstens=HOECHSTENS_DATEI, art="eine Datei des Pakets")
        except Eingabefehler as fehler_:
            e.punkt(name, "Prüfsumme", False, str(fehler_))
            continue
        if _sha256(inhalt) != soll:
            e.punkt(name, "Prüfsumme", False, "Prüfsumme stimmt nicht mit dem Manifest überein (Datei wurde verändert).")
        else:
            e.punkt(name, "Prüfsumme", True, "stimmt mit dem Manifest überein")
        inhalte[name] = inhalt
    bekannt = {MANIFEST, ps.MANIFEST_SIGNATUR, *zusaetzlich}
    for n in sorted(p.name for p in ordner.iterdir() if p.name not in bekannt and p.name not in hashes):
        e.punkt(n, "Vollständigkeit", False, "Datei gehört nicht zum Paket (nicht im Manifest).")
    for name, inhalt in inhalte.items():
        if name.endswith(".json"):
            _bericht_pruefen(e, name, inhalt)
    _signaturen_pruefen(e, manifest_bytes, inhalte, ca)
    if store is not None:
        _datenbank_pruefen(e, store, hashes)
    return e


def _bericht_pruefen(e: Paketpruefung, name: str, inhalt: bytes) -> None:
    try:
        bericht = json.loads(inhalt.decode("utf-8"))
    except (ValueError, RecursionError):
        e.punkt(name, "Schema", False, "Die Datei ist kein gültiges JSON in UTF-8.")
        return
    probleme = es.fehler(es.bericht_validator(), bericht)
    for text in probleme:
        e.punkt(name, "Schema", False, f"entspricht nicht seinem Schema: {text}.")
    if not probleme:
        e.punkt(name, "Schema", True, f"entspricht dem Schema {es.SCHEMA_ID}")


def _signaturen_pruefen(e: Paketpruefung, manifest_bytes: bytes, inhalte: dict[str, bytes], ca: list[Any] | None) -> None:
    angekuendigt = e.manifest.get("signatur") if isinstance(e.manifest.get("signatur"), dict) else None
    p7s = e.ordner / ps.MANIFEST_SIGNATUR
    if not p7s.exists():
        if angekuendigt:
            e.punkt(ps.MANIFEST_SIGNATUR, "Signatur", False, "Die Signaturdatei fehlt, obwohl das Manifest eine "
                                                             "Signatur ankündigt.")
        elif ca is not None:
            e.punkt(ps.MANIFEST_SIGNATUR, "Signatur", False, "Das Paket ist nicht signiert; mit --ca wird eine gültige "
                                                             "Signatur verlangt.")
        else:
            e.punkt("", "Signatur", None, "nicht signiert – die Prüfsummen belegen nur, dass die Dateien zum Manifest "
                                          "passen, nicht wer das Paket erstellt hat.")
        return
    e.signiert = True
    try:
        p7s_bytes = ps.lesen(p7s)
    except Eingabefehler as fehler_:
        e.punkt(ps.MANIFEST_SIGNATUR, "Signatur", False, str(fehler_))
        return
    befund = ps.pruefen_manifest(manifest_bytes, p7s_bytes, ca)
    e.punkte += befund.punkte
    e.unterzeichner, e.signiert_am = befund.unterzeichner, befund.zeitpunkt
    sha = befund.unterzeichner.sha256 if befund.unterzeichner else None
    if angekuendigt and sha and angekuendigt.get("zertifikat_sha256") != sha:
        e.punkt(ps.MANIFEST_SIGNATUR, "Zertifikat", False, "Die Signatur stammt von einem anderen Zertifikat, als das "
                                                           "Manifest nennt.")
    for name, inhalt in inhalte.items():
        if not name.endswith(".pdf"):
            continue
        pdf = ps.pruefen_pdf(name, inhalt, ca)
        e.punkte += pdf.punkte
        if pdf.unterzeichner and sha and pdf.unterzeichner.sha256 != sha:
            e.punkt(name, "Zertifikat", False, f"Das PDF ist von einem anderen Zertifikat signiert "
                                               f"({pdf.unterzeichner.wer}) als das Manifest.")


def _datenbank_pruefen(e: Paketpruefung, store: Store, hashes: dict[str, str]) -> None:
    """The manifest against the frozen record – in the database of the submitting Ressort only (a
    receiver's or a fresh database knows no submissions of this Ressort)."""
    from ozgdesk.model.organisation import Ressort

    manifest = e.manifest
    with store.lesen() as s:
        eigene = set(s.execute(select(Ressort.kurzname)).scalars())
        if manifest.get("ressort") not in eigene:
            e.punkt(MANIFEST, "Datenbank", None, f"Abgleich mit der Datenbank entfällt: sie gehört nicht zum Ressort "
                                                 f"{manifest.get('ressort')}.")
            return
        satz = _eingefroren(s, manifest.get("art", ART), str(manifest.get("zeitraum")), manifest.get("version"), hashes)
        eingefroren = json.loads(satz.dateien) if satz is not None else None
    if satz is None:
        e.punkt("", "Datenbank", False, f"Diese Einreichung ({manifest.get('zeitraum')} Version {manifest.get('version')}) "
                                        "ist in der Datenbank nicht verzeichnet.")
    elif eingefroren != hashes:
        e.punkt(MANIFEST, "Datenbank", False, "Das Manifest weicht von den in der Datenbank eingefrorenen "
                                              "Prüfsummen ab.")
    else:
        e.punkt(MANIFEST, "Datenbank", True, "stimmt mit den in der Datenbank eingefrorenen Prüfsummen überein")


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
