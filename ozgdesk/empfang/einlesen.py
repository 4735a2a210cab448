"""Reading a folder tree of submission packages: find, verify, load – one package at a time.

The tree is typically the shares' outboxes (``…/outbox/<Ressort>/<Zeitraum>/v<n>/``, see
``docs/sync-format.md``), but any folder works: every folder that holds a ``manifest.json`` (or the
sync's transfer files) is a package; nothing below it is searched. Folders starting with „.“ are
the temporary folders of ``einreichen`` and of the sync and are passed over.

Each package is checked by the verifier of ``ozgdesk-cli paket-pruefen``
(:func:`ozgdesk.reports.einreichung.paket_pruefung`: every hash, both schemas, the signatures and,
with ``--ca``, the chain to the receiver's CA), then the receiver's own checks on what it is about
to aggregate (:func:`bericht_pruefen`), then loaded in **one transaction**. What fails is recorded
with its German reason and not loaded; nothing about one package – hostile, broken, half
transferred – stops the run.

Everything on a share is hostile until checked: a package folder may hold only regular files (no
symbolic link, no subfolder, no device), at most :data:`HOECHSTENS_DATEIEN` of them and
:data:`HOECHSTENS_PAKET` bytes together; the report JSON is parsed by the share's strict JSON reader
(:func:`ozgdesk.sync.sicher_lesen.json_laden`: depth, digits, duplicate keys, lone surrogates);
the walk through the tree is bounded in depth and in folders and never follows a link.

Idempotent: a package is identified by the SHA-256 of its manifest (which names every file's
hash). A package already loaded is recognised from its manifest alone – reading the same tree again
verifies and loads nothing twice – and the unique index on that hash keeps a second receiver
process reading at the same time from loading it twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError, OperationalError

from ozgdesk.dateien import eingabedatei_lesen, os_grund
from ozgdesk.empfang.auswertung import STUFEN
from ozgdesk.empfang.datenbank import Empfangsdatenbank
from ozgdesk.empfang.tabellen import (
    ABGELEHNT,
    GEPRUEFT,
    BefundMeldung,
    HaushaltsstelleMeldung,
    LeistungMeldung,
    MeilensteinMeldung,
    Paket,
    ProjektMeldung,
)
from ozgdesk.model.base import jetzt_utc
from ozgdesk.model.errors import Eingabefehler, Speicherfehler
from ozgdesk.model.values import format_zahl
from ozgdesk.reports import einreichung
from ozgdesk.sync.ausgang import MANIFEST as UEBERTRAGUNG
from ozgdesk.sync.ausgang import OUTBOX
from ozgdesk.sync.ausgang import PAKET as ANSPRUCH

log = logging.getLogger(__name__)

#: More files than a package ever has (PDF ×2, XLSX, JSON, manifest, signature, two transfer files).
HOECHSTENS_DATEIEN = 32
#: All files of one package together; the verifier holds them in memory while it checks them.
HOECHSTENS_PAKET = 1024 * 1024 * 1024
#: The report JSON: a Ressort with a thousand projects writes about 5 MB.
HOECHSTENS_BERICHT = 64 * 1024 * 1024
#: Folder levels below the folder named (share root → outbox → Ressort → quarter → v<n>: four).
HOECHSTENS_TIEFE = 12
#: Folders visited in one run.
HOECHSTENS_ORDNER = 200_000
#: Reasons listed for a rejected package (the rest counted).
HOECHSTENS_GRUENDE = 5

#: What an outcome says.
GELADEN = "geladen"
BEKANNT = "bereits eingelesen"
ABGELEHNT_TEXT = "abgelehnt"
UNVOLLSTAENDIG = "unvollständig"

_PAKETDATEIEN = {einreichung.MANIFEST, ANSPRUCH, UEBERTRAGUNG}
#: A Ressort's short name becomes a table key and is printed in every table: letters, digits and a few
#: separators, like the sync's folder names on the share (the Ressort's store allows 20 characters).
KURZNAME = re.compile(r"^[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß._\- ]{0,19}$")
_ZEITRAUM = re.compile(r"^[0-9]{4}-Q[1-4]$")
_VERSIONSORDNER = re.compile(r"^v[0-9]+$")


@dataclass(frozen=True)
class Ergebnis:
    """What became of one package in this run."""

    pfad: Path
    art: str
    grund: str = ""
    ressort: str | None = None
    zeitraum: str | None = None
    fassung: int | None = None
    unterzeichner: str | None = None


@dataclass
class Einlesebericht:
    """All packages found, each with its outcome, and notes about the tree (skipped links …)."""

    ergebnisse: list[Ergebnis] = field(default_factory=list)
    hinweise: list[str] = field(default_factory=list)

    def anzahl(self, art: str) -> int:
        return sum(1 for x in self.ergebnisse if x.art == art)

    @property
    def abgelehnt(self) -> list[Ergebnis]:
        return [x for x in self.ergebnisse if x.art == ABGELEHNT_TEXT]


class Abgelehnt(Exception):
    """A package fails a check; the message is the German reason recorded and shown."""


def text(wert: object) -> str:
    """A path or message as text that can be stored and printed: a file name that is not valid UTF-8
    (possible on a share) keeps its bytes as ``\\udcff`` escapes instead of failing every later step."""
    return str(wert).encode("utf-8", "backslashreplace").decode("utf-8")


# ============================================================================================ the tree
def pakete_finden(wurzel: Path, hinweise: list[str]) -> list[Path]:
    """Every package folder below ``wurzel`` (or ``wurzel`` itself), sorted; notes on what was passed over."""
    wurzel = Path(wurzel).absolute()  # the path stored per package says where it lay, whatever the working folder
    if not wurzel.is_dir():
        raise Eingabefehler(f"Der Ordner „{wurzel}“ existiert nicht oder ist kein Ordner.")
    gefunden: list[Path] = []
    stapel = [(wurzel, 0)]
    besucht = 0
    while stapel:
        ordner, tiefe = stapel.pop()
        besucht += 1
        if besucht > HOECHSTENS_ORDNER:
            hinweise.append(f"Mehr als {format_zahl(HOECHSTENS_ORDNER)} Ordner unter {wurzel}: die Suche wurde "
                            "abgebrochen; bitte einen engeren Ordner angeben.")
            break
        try:
            with os.scandir(ordner) as it:
                eintraege = list(it)
        except OSError as fehler:
            hinweise.append(f"{text(ordner)}: Der Ordner ist nicht lesbar ({os_grund(fehler)}); übersprungen.")
            continue
        if any(e.name in _PAKETDATEIEN for e in eintraege):
            gefunden.append(ordner)
            continue
        for e in eintraege:
            if e.name.startswith("."):  # temporary folders of einreichen and the sync
                continue
            try:
                verweis, ordner_ = e.is_symlink(), e.is_dir(follow_symlinks=False)
            except OSError as fehler:
                hinweise.append(f"{text(e.path)}: nicht lesbar ({os_grund(fehler)}); übersprungen.")
                continue
            if verweis:
                hinweise.append(f"{text(e.path)}: symbolischer Verweis, ihm wird nicht gefolgt; übersprungen.")
            elif ordner_:
                if tiefe + 1 > HOECHSTENS_TIEFE:
                    hinweise.append(f"{text(e.path)}: mehr als {HOECHSTENS_TIEFE} Ordnerebenen tief; übersprungen.")
                else:
                    stapel.append((Path(e.path), tiefe + 1))
    return sorted(gefunden)


def _ordner_pruefen(ordner: Path) -> None:
    """Only regular files, not too many, not too large – before anything of the package is read."""
    try:
        with os.scandir(ordner) as it:
            eintraege = list(it)
    except OSError as fehler:
        raise Abgelehnt(f"Der Paketordner ist nicht lesbar ({os_grund(fehler)}).") from None
    if len(eintraege) > HOECHSTENS_DATEIEN:
        raise Abgelehnt(f"Der Paketordner enthält {len(eintraege)} Einträge; ein Paket hat höchstens "
                        f"{HOECHSTENS_DATEIEN}.")
    groesse = 0
    for e in sorted(eintraege, key=lambda x: x.name):
        if e.is_symlink():
            raise Abgelehnt(f"„{e.name}“ ist ein symbolischer Verweis; ein Paket besteht nur aus gewöhnlichen Dateien.")
        try:
            info = e.stat(follow_symlinks=False)
        except OSError as grund:
            raise Abgelehnt(f"„{e.name}“ ist nicht lesbar ({os_grund(grund)}).") from None
        if not stat.S_ISREG(info.st_mode):
            was = "ein Ordner" if stat.S_ISDIR(info.st_mode) else "keine gewöhnliche Datei"
            raise Abgelehnt(f"„{e.name}“ ist {was}; ein Paket besteht nur aus gewöhnlichen Dateien.")
        groesse += info.st_size
    if groesse > HOECHSTENS_PAKET:
        raise Abgelehnt(f"Das Paket ist {format_zahl(groesse // (1024 * 1024))} MiB groß; höchstens "
                        f"{format_zahl(HOECHSTENS_PAKET // (1024 * 1024))} MiB werden gelesen.")


def _postausgang(ordner: Path) -> tuple[str, str] | None:
    """(Ressort, quarter) of a package in a share's outbox, ``…/outbox/<Ressort>/<Zeitraum>/v<n>``."""
    teile = ordner.parts
    if len(teile) >= 4 and teile[-4] == OUTBOX and _VERSIONSORDNER.match(teile[-1]):
        return teile[-3], teile[-2]
    return None


_PAKETNAME = re.compile(r"^(.{1,20})_([0-9]{4}-Q[1-4])_v[0-9]+$")


def _ablageort(ordner: Path) -> tuple[str, str] | None:
    """(Ressort, quarter) from where a package lies: the outbox path or the folder name
    ``<Ressort>_<Zeitraum>_v<N>`` that ``einreichen`` gives it."""
    ort = _postausgang(ordner)
    if ort is None and (m := _PAKETNAME.match(ordner.name)):
        ort = (m.group(1), m.group(2))
    if ort is None or not KURZNAME.match(ort[0]) or not _ZEITRAUM.match(ort[1]):
        return None
    return ort


# ========================================================================================= the report
def _sha256(daten: bytes) -> str:
    return hashlib.sha256(daten).hexdigest()


def _text(wert: Any, laenge: int) -> str | None:
    """A claim of the manifest as far as it can be shown for a rejected package (unverified)."""
    return wert[:laenge] if isinstance(wert, str) and wert and wert.isprintable() else None


def _zeitpunkt(wert: Any) -> datetime | None:
    if not isinstance(wert, str):
        return None
    try:
        t = datetime.fromisoformat(wert)
    except ValueError:
        return None
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


_SUMMENFELDER = ("plan_quartal_cent", "ist_quartal_cent", "abweichung_quartal_cent", "plan_jahr_cent", "ist_jahr_cent",
                 "plan_gesamt_cent", "ist_gesamt_cent", "bewilligt_jahr_cent", "bewilligt_gesamt_cent")
_HHST_FELDER = ("plan_quartal_cent", "ist_quartal_cent", "plan_jahr_cent", "ist_jahr_cent", "plan_gesamt_cent",
                "ist_gesamt_cent")


def _euro(cent: int) -> str:
    from ozgdesk.model.values import format_euro

    return format_euro(cent)


def bericht_pruefen(bericht: dict[str, Any], manifest: dict[str, Any], postausgang: tuple[str, str] | None) -> None:
    """What the receiver checks beyond the schema before it adds a report to its totals: the report
    is the one the manifest announces, it lies in its Ressort's outbox, each project appears once,
    and the Ressort's sums are the sums of its projects (a package that contradicts itself cannot be
    aggregated – which figure would count?). Raises :class:`Abgelehnt` with the German reason."""
    kurz = bericht["ressort"]["kurzname"]
    if not KURZNAME.match(kurz):
        raise Abgelehnt(f"Der Kurzname des Ressorts „{kurz[:40]}“ ist nicht zulässig (Buchstaben, Ziffern, Punkt, "
                        "Bindestrich; höchstens 20 Zeichen).")
    for was, im_bericht, im_manifest in (
            ("Ressort", kurz, manifest.get("ressort")),
            ("Zeitraum", bericht["zeitraum"], manifest.get("zeitraum")),
            ("Fassung", bericht["einreichung"]["version"], manifest.get("version")),
            ("Erstellungszeitpunkt", _zeitpunkt(bericht["einreichung"]["erstellt_am"]),
             _zeitpunkt(manifest.get("erstellt_am")))):
        if im_bericht != im_manifest:
            raise Abgelehnt(f"Manifest und Bericht nennen verschiedene Angaben zu „{was}“ "
                            f"({str(im_manifest)[:40]} bzw. {str(im_bericht)[:40]}).")
    if postausgang is not None and postausgang != (kurz, bericht["zeitraum"]):
        raise Abgelehnt(f"Das Paket liegt im Postausgang {postausgang[0]}/{postausgang[1]}, nennt aber "
                        f"{kurz} {bericht['zeitraum']}.")
    kennungen: set[str] = set()
    for p in bericht["projekte"]:
        if p["kennung"] in kennungen:
            raise Abgelehnt(f"Das Projekt „{p['kennung'][:60]}“ kommt im Bericht zweimal vor.")
        kennungen.add(p["kennung"])
        for l in p["leistungen"]:
            stufen = STUFEN.get(l["reifegrad_modell"] or "")
            if l["reifegrad"] is not None and (stufen is None or l["reifegrad"] >= stufen):
                raise Abgelehnt(f"Projekt {p['kennung'][:60]}, OZG-Leistung {l['ozg_id'][:20]}: Reifegrad "
                                f"{l['reifegrad']} gibt es im Modell {l['reifegrad_modell']} nicht.")
        f = p["finanzen"]
        if f is not None and f["haushaltsstellen"]:
            for feld in _HHST_FELDER:
                summe = sum(h[feld] for h in f["haushaltsstellen"])
                if summe != f[feld]:
                    raise Abgelehnt(f"Projekt {p['kennung'][:60]}: Die Haushaltsstellen ergeben zusammen "
                                    f"{_euro(summe)} ({feld}), das Projekt nennt {_euro(f[feld])}.")
    summen = bericht["summen"]
    if summen["projekte"] != len(bericht["projekte"]):
        raise Abgelehnt(f"Die Summen nennen {summen['projekte']} Projekte, der Bericht enthält "
                        f"{len(bericht['projekte'])}.")
    voll = [p["finanzen"] for p in bericht["projekte"] if p["finanzen"] is not None]
    for feld in _SUMMENFELDER:
        summe = sum(f[feld] for f in voll)
        if summe != summen[feld]:
            raise Abgelehnt(f"Die Summen des Ressorts passen nicht zu den Projekten: {feld} ist {_euro(summen[feld])}, "
                            f"die Projekte ergeben zusammen {_euro(summe)}.")


def _bericht_lesen(ordner: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The package's report JSON: read again as hostile bytes, matched against the verified manifest
    (it cannot have been swapped since the check), parsed by the strict reader."""
    from ozgdesk.sync.format import Formatfehler
    from ozgdesk.sync.sicher_lesen import json_laden

    namen = [n for n in manifest["dateien"] if n.endswith(".json")]
    if len(namen) != 1:
        raise Abgelehnt("Das Paket enthält keinen maschinenlesbaren Bericht (JSON)." if not namen else
                        f"Das Paket enthält {len(namen)} JSON-Dateien; erwartet wird genau ein Bericht.")
    try:
        roh = eingabedatei_lesen(ordner / namen[0], hoechstens=HOECHSTENS_BERICHT, art="ein Bericht (JSON)")
    except Eingabefehler as e:
        raise Abgelehnt(str(e)) from None
    if _sha256(roh) != manifest["dateien"][namen[0]]:
        raise Abgelehnt(f"{namen[0]}: Die Datei wurde während des Einlesens verändert.")
    if b"\\u0000" in roh:  # valid JSON, but no database text may hold NUL (PostgreSQL refuses it)
        raise Abgelehnt(f"{namen[0]}: Der Bericht enthält ein Nullzeichen (\\u0000).")
    try:
        bericht = json_laden(roh, wo=namen[0])
    except Formatfehler as e:
        raise Abgelehnt(str(e)) from None
    if not isinstance(bericht, dict):
        raise Abgelehnt(f"{namen[0]}: Der Bericht ist kein JSON-Objekt.")
    return bericht


# ========================================================================================== loading
def _datum(wert: str | None) -> date | None:
    return None if wert is None else date.fromisoformat(wert)


def _zeilen(paket_id: int, bericht: dict[str, Any]) -> dict[type, list[dict[str, Any]]]:
    """The rows of one package, ready for multi-row INSERTs."""
    projekte: list[dict[str, Any]] = []
    stellen: list[dict[str, Any]] = []
    meilensteine: list[dict[str, Any]] = []
    leistungen: list[dict[str, Any]] = []
    for p in bericht["projekte"]:
        k = p["kennung"]
        f = p["finanzen"] or {}
        pt = p["personentage"]
        projekte.append({
            "paket_id": paket_id, "kennung": k, "titel": p["titel"],
            "behoerde": p["behoerde"]["kurzname"] if p["behoerde"] else None, "finanzierung": p["finanzierung"],
            "ampel": next((a["ampel"] for a in p["ampeln"] if a["dimension"] == "gesamt"), None),
            **{feld: f.get(feld) for feld in _SUMMENFELDER if feld != "abweichung_quartal_cent"},
            "personentage_quartal": str(Decimal(pt["quartal"])) if pt else None})
        for h in f.get("haushaltsstellen", ()):
            stellen.append({"paket_id": paket_id, "projekt": k, "haushaltsstelle": h["haushaltsstelle"],
                            **{feld: h[feld] for feld in _HHST_FELDER}})
        for m in p["meilensteine"]:
            meilensteine.append({"paket_id": paket_id, "projekt": k, "titel": m["titel"], "plan": _datum(m["plan"]),
                                 "prognose": _datum(m["prognose"]), "ist": _datum(m["ist"]), "status": m["status"]})
        for l in p["leistungen"]:
            leistungen.append({"paket_id": paket_id, "projekt": k, "ozg_id": l["ozg_id"], "bezeichnung": l["bezeichnung"],
                               "reifegrad": l["reifegrad"], "modell": l["reifegrad_modell"], "online": l["online"]})
    befunde = [{"paket_id": paket_id, "befund": b["id"], "schwere": b["schwere"], "regel": b["regel"],
                "datensatz": b["datensatz"], "projekt": b["projekt"], "text": b["text"], "offen": b["offen"],
                "stellungnahme": b["stellungnahme"]["text"] if b["stellungnahme"] else None,
                "stellungnahme_von": b["stellungnahme"]["von"] if b["stellungnahme"] else None}
               for b in bericht["pruefung"]]
    return {ProjektMeldung: projekte, HaushaltsstelleMeldung: stellen, MeilensteinMeldung: meilensteine,
            LeistungMeldung: leistungen, BefundMeldung: befunde}


def _laden(db: Empfangsdatenbank, ordner: Path, pruefung: einreichung.Paketpruefung, bericht: dict[str, Any],
           ca_geprueft: bool) -> bool:
    """Store the package and its rows in one transaction; False if it is there already (a second
    receiver loaded the same package meanwhile)."""
    m, e = pruefung.manifest, bericht["einreichung"]
    z = pruefung.unterzeichner
    try:
        with db.schreiben() as s:
            paket = Paket(pfad=text(ordner), manifest_sha256=pruefung.manifest_sha256, status=GEPRUEFT, grund=None,
                          eingang=jetzt_utc(), ressort=bericht["ressort"]["kurzname"],
                          ressort_name=bericht["ressort"]["name"], referat=bericht["ressort"]["referat"],
                          zeitraum=bericht["zeitraum"], fassung=e["version"], erstellt_am=_zeitpunkt(m["erstellt_am"]),
                          erstellt_von=e["erstellt_von"], aktenzeichen=e["aktenzeichen"],
                          stand=date.fromisoformat(bericht["stand"]), signiert=pruefung.signiert,
                          unterzeichner=z.wer if z else None, zertifikat_sha256=z.sha256 if z else None,
                          ca_geprueft=ca_geprueft and pruefung.signiert)
            s.add(paket)
            s.flush()
            for tabelle, zeilen in _zeilen(paket.id, bericht).items():
                if zeilen:
                    s.execute(insert(tabelle), zeilen)
    except IntegrityError:
        return False
    return True


def _geladen(db: Empfangsdatenbank, manifest_sha256: str) -> bool:
    with db.lesen() as s:
        return s.execute(select(Paket.id).where(Paket.manifest_sha256 == manifest_sha256,
                                                Paket.status == GEPRUEFT)).first() is not None


def _ablehnung_merken(db: Empfangsdatenbank, ordner: Path, manifest_sha256: str | None, grund: str,
                      manifest: dict[str, Any]) -> Ergebnis:
    """Record a rejected package with what its manifest claims – once per path, manifest and reason."""
    ressort, zeitraum = _text(manifest.get("ressort"), 60), _text(manifest.get("zeitraum"), 7)
    zeitraum = zeitraum if zeitraum and _ZEITRAUM.match(zeitraum) else None
    if ressort is None and zeitraum is None:  # no readable manifest: where it lies says what it was meant to be
        ressort, zeitraum = _ablageort(ordner) or (None, None)
    version = manifest.get("version")
    fassung = version if isinstance(version, int) and not isinstance(version, bool) and 0 < version < 2**31 else None
    grund = text(grund)
    with db.schreiben() as s:
        schon = s.execute(select(Paket.id).where(
            Paket.pfad == text(ordner), Paket.status == ABGELEHNT, Paket.grund == grund,
            Paket.manifest_sha256.is_(None) if manifest_sha256 is None else Paket.manifest_sha256 == manifest_sha256)
        ).first()
        if schon is None:
            s.add(Paket(pfad=text(ordner), manifest_sha256=manifest_sha256, status=ABGELEHNT, grund=grund,
                        eingang=jetzt_utc(), ressort=ressort, zeitraum=zeitraum, fassung=fassung,
                        erstellt_am=_zeitpunkt(manifest.get("erstellt_am")),
                        erstellt_von=_text(manifest.get("erstellt_von"), 200), signiert=False, ca_geprueft=False))
    log.warning("Paket abgelehnt: %s: %s", text(ordner), grund)
    return Ergebnis(ordner, ABGELEHNT_TEXT, grund, ressort, zeitraum, fassung)


def _gruende(pruefung: einreichung.Paketpruefung) -> str:
    texte = [f"{p.datei}: {p.text}" if p.datei else p.text for p in pruefung.punkte if p.fehler]
    mehr = len(texte) - HOECHSTENS_GRUENDE
    return " ".join(texte[:HOECHSTENS_GRUENDE]) + (f" (und {mehr} weitere Befunde)" if mehr > 0 else "")


def paket_einlesen(db: Empfangsdatenbank, ordner: Path, ca: list[Any] | None = None) -> Ergebnis:
    """Verify one package folder and load it; never raises for anything about the package itself."""
    manifest_sha256: str | None = None
    manifest: dict[str, Any] = {}
    try:
        _ordner_pruefen(ordner)
        namen = {p.name for p in ordner.iterdir()}
        if ANSPRUCH in namen and UEBERTRAGUNG not in namen:
            return Ergebnis(ordner, UNVOLLSTAENDIG, f"Die Übertragung ist noch nicht abgeschlossen ({UEBERTRAGUNG} "
                                                    "fehlt); das Paket wird beim nächsten Einlesen erneut geprüft.")
        try:
            manifest_sha256 = _sha256(eingabedatei_lesen(ordner / einreichung.MANIFEST,
                                                         hoechstens=einreichung.HOECHSTENS_MANIFEST, art="ein Manifest"))
        except Eingabefehler:
            pass  # the verifier says what is wrong with it
        if manifest_sha256 is not None and _geladen(db, manifest_sha256):
            return Ergebnis(ordner, BEKANNT)
        pruefung = einreichung.paket_pruefung(ordner, None, ca, zusaetzlich=(ANSPRUCH, UEBERTRAGUNG))
        manifest = pruefung.manifest if isinstance(pruefung.manifest, dict) else {}
        if not pruefung.gueltig:
            raise Abgelehnt(_gruende(pruefung))
        if pruefung.manifest_sha256 != manifest_sha256:
            raise Abgelehnt("Das Manifest wurde während des Einlesens verändert.")
        bericht = _bericht_lesen(ordner, manifest)
        bericht_pruefen(bericht, manifest, _postausgang(ordner))
        z = pruefung.unterzeichner
        ergebnis = Ergebnis(ordner, GELADEN, "", bericht["ressort"]["kurzname"], bericht["zeitraum"],
                            bericht["einreichung"]["version"], z.wer if z else None)
        if not _laden(db, ordner, pruefung, bericht, ca is not None):
            return Ergebnis(ordner, BEKANNT, "", ergebnis.ressort, ergebnis.zeitraum, ergebnis.fassung)
        return ergebnis
    except (Abgelehnt, Eingabefehler) as e:
        return _ablehnung_merken(db, ordner, manifest_sha256, str(e), manifest)
    except (OperationalError, MemoryError, Speicherfehler):
        raise  # the database or the machine, not the package: the run stops with a German message
    except Exception as e:  # noqa: BLE001 - whatever a hostile package provokes, the run goes on
        log.exception("Paket %s nicht verarbeitbar", text(ordner))
        return _ablehnung_merken(db, ordner, manifest_sha256, f"Das Paket ließ sich nicht verarbeiten "
                                 f"({type(e).__name__}); Einzelheiten im technischen Protokoll.", manifest)


def einlesen(db: Empfangsdatenbank, ordner: Path, *, ca: list[Any] | None = None,
             fortschritt: Callable[[int, int, Path], None] | None = None) -> Einlesebericht:
    """Read every package below ``ordner`` into ``db``; see the module docstring."""
    bericht = Einlesebericht()
    pakete = pakete_finden(Path(ordner), bericht.hinweise)
    for i, paket in enumerate(pakete):
        if fortschritt is not None:
            fortschritt(i, len(pakete), paket)
        bericht.ergebnisse.append(paket_einlesen(db, paket, ca))
    return bericht


__all__ = ["ABGELEHNT_TEXT", "BEKANNT", "Einlesebericht", "Ergebnis", "GELADEN", "UNVOLLSTAENDIG", "bericht_pruefen",
           "einlesen", "paket_einlesen", "pakete_finden"]
