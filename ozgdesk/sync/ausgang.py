"""Exchange with the BMI through the share: outbox (write-once submissions), inbox, feedback.

Layout on the share (see ``docs/sync-format.md``)::

    outbox/<Ressort>/<Periode>/v<n>/…            one submitted package, never changed again
    outbox/<Ressort>/<Periode>/v<n>/ozgdesk-paket.json   claims the version (written first, write-once)
    outbox/<Ressort>/<Periode>/v<n>/ozgdesk-uebertragung.json  written last: file list with SHA-256 – its
                                                   presence means "complete"
    inbox/katalog/…                               catalogue updates left by the BMI
    feedback/<Ressort>/<Periode>/v<n>/…           the BMI's feedback on a submission

Packages are queued offline (:func:`ausgang_einreihen`) and published on the next sync. A resumed
publish re-sends identical files (harmless: write-once compares hashes) into the version it has
already claimed; a second device publishing the same period gets the next version.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.base import jetzt_utc, neue_id
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.sync.backend import Ablagefehler, Backend, Schreibkonflikt
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256
from ozgdesk.sync.pfade import lokal_unter
from ozgdesk.sync.zustand import SyncAusgang, SyncEingang

OUTBOX = "outbox"
INBOX_KATALOG = "inbox/katalog"
FEEDBACK = "feedback"
MANIFEST = "ozgdesk-uebertragung.json"  # not "manifest.json": the package brings its own
PAKET = "ozgdesk-paket.json"
_TEIL_RE = re.compile(r"^[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß._\- ]{0,59}$")

_log = logging.getLogger("ozgdesk.sync")


def _teil(wert: str, was: str) -> str:
    if not _TEIL_RE.match(wert or ""):
        raise Eingabefehler(f"{was} „{wert}“ ist als Ordnername auf der Ablage nicht geeignet "
                            "(Buchstaben, Ziffern, Punkt, Bindestrich).")
    return wert


def _dateien(ordner: Path) -> list[tuple[str, Path]]:
    return sorted((p.relative_to(ordner).as_posix(), p) for p in ordner.rglob("*") if p.is_file())


def paket_hash(ordner: Path) -> str:
    """Hash over names and contents: a package changed after queueing is noticed."""
    teile = [f"{name}\0{sha256(p.read_bytes())}" for name, p in _dateien(ordner)]
    return sha256("\n".join(teile).encode("utf-8"))


def einreichung_vormerken(store: Store, ordner: str | Path, periode: str) -> str:
    """Queue a submission package of this store's Ressort: it goes to the BMI on the next sync."""
    from ozgdesk.sync.abgleich import _ressort

    return ausgang_einreihen(store, ordner, _ressort(store), periode)


def ausgang_einreihen(store: Store, ordner: str | Path, ressort: str, periode: str) -> str:
    """Queue a finished package directory for publishing on the next sync; returns the queue id."""
    ordner = Path(ordner)
    if not ordner.is_dir():
        raise Eingabefehler(f"Der Paketordner {ordner} existiert nicht.")
    dateien = _dateien(ordner)
    if not dateien:
        raise Eingabefehler(f"Der Paketordner {ordner} ist leer.")
    if any(name in (MANIFEST, PAKET) for name, _ in dateien):
        raise Eingabefehler(f"Der Paketordner {ordner} enthält bereits {MANIFEST} oder {PAKET}; "
                            "diese Namen legt der Abgleich selbst an.")
    _teil(ressort, "Ressort")
    _teil(periode, "Periode")
    with Session(store.schreib_engine) as s, s.begin():
        eintrag = SyncAusgang(id=neue_id(), ordner=str(ordner.resolve()), ressort=ressort, periode=periode,
                              hash=paket_hash(ordner), eingereiht_am=jetzt_utc())
        s.add(eintrag)
        return eintrag.id


@dataclass
class AusgangEintrag:
    id: str
    ordner: str
    ressort: str
    periode: str
    eingereiht_am: object
    veroeffentlicht_am: object
    ziel: str


def ausgang(store: Store) -> list[AusgangEintrag]:
    with Session(store.engine) as s:
        return [AusgangEintrag(a.id, a.ordner, a.ressort, a.periode, a.eingereiht_am, a.veroeffentlicht_am, a.ziel)
                for a in s.execute(select(SyncAusgang).order_by(SyncAusgang.eingereiht_am)).scalars()]


def _naechste_version(backend: Backend, basis: str) -> int:
    eintraege = backend.liste(basis) or []
    nummern = [int(e.name[1:]) for e in eintraege if e.ordner and re.fullmatch(r"v[0-9]+", e.name)]
    return max(nummern, default=0) + 1


def _veroeffentlichen(backend: Backend, a: SyncAusgang, s: Session, abbrechen: threading.Event | None) -> str:
    ordner = Path(a.ordner)
    if not ordner.is_dir() or paket_hash(ordner) != a.hash:
        raise Eingabefehler(f"Das Paket {ordner} wurde nach dem Einreihen verändert oder entfernt; "
                            "bitte neu erzeugen und einreihen.")
    basis = f"{OUTBOX}/{a.ressort}/{a.periode}"
    anspruch = json.dumps({"paket": a.id, "hash": a.hash}, sort_keys=True).encode("utf-8")
    version = a.version or _naechste_version(backend, basis)
    while True:
        try:
            backend.veroeffentlichen(f"{basis}/v{version}/{PAKET}", anspruch)
            break
        except Schreibkonflikt:
            version += 1  # another device claimed this version first
    a.version = version
    s.commit()  # remember the claim: a resumed publish goes on in the same version
    ziel = f"{basis}/v{version}"
    manifest = []
    for name, p in _dateien(ordner):
        if abbrechen is not None and abbrechen.is_set():
            from ozgdesk.sync.replikation import Abgebrochen

            raise Abgebrochen()
        daten = p.read_bytes()
        backend.veroeffentlichen(f"{ziel}/{name}", daten)
        manifest.append({"datei": name, "sha256": sha256(daten), "bytes": len(daten)})
    doc = {"format": "ozgdesk-einreichung", "version": 1, "paket": a.id, "ressort": a.ressort, "periode": a.periode,
           "fassung": version, "dateien": manifest}
    backend.veroeffentlichen(f"{ziel}/{MANIFEST}", json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return ziel


def ausgang_veroeffentlichen(store: Store, backend: Backend, abbrechen: threading.Event | None = None) -> list[str]:
    """Publish every queued package; returns the share paths written. No request if nothing is queued."""
    fertig = []
    with Session(store.engine) as s:
        for a in s.execute(select(SyncAusgang).where(SyncAusgang.veroeffentlicht_am.is_(None))
                           .order_by(SyncAusgang.eingereiht_am)).scalars().all():
            ziel = _veroeffentlichen(backend, a, s, abbrechen)
            a.ziel, a.veroeffentlicht_am = ziel, jetzt_utc()
            s.commit()
            fertig.append(ziel)
    return fertig


# --------------------------------------------------------------------------------- inbox, feedback
def _dateiliste(backend: Backend, ordner: str, tiefe: int = 4) -> list[str]:
    eintraege = backend.liste(ordner) or []
    aus = []
    for e in eintraege:
        if e.name.startswith(TEMP_PRAEFIX):
            continue
        if e.ordner:
            if tiefe > 0:
                aus += _dateiliste(backend, f"{ordner}/{e.name}", tiefe - 1)
        else:
            aus.append(f"{ordner}/{e.name}")
    return aus


def posteingang_neu(store: Store, backend: Backend) -> list[str]:
    """Catalogue files in the share's inbox not fetched yet (by name; one listing request)."""
    with Session(store.engine) as s:
        bekannt = set(s.execute(select(SyncEingang.pfad).where(SyncEingang.art == "katalog")).scalars())
    return [p for p in _dateiliste(backend, INBOX_KATALOG, 0) if p not in bekannt]


def _abholen(store: Store, backend: Backend, pfade: list[str], art: str, ziel: Path, basis: str) -> list[Path]:
    ziel.mkdir(parents=True, exist_ok=True)
    lokal = []
    for pfad in pfade:
        daten = backend.lesen(pfad)
        if daten is None:
            continue
        h = sha256(daten)
        with Session(store.schreib_engine) as s, s.begin():
            if s.execute(select(SyncEingang.id).where(SyncEingang.pfad == pfad, SyncEingang.hash == h)).first():
                continue
            try:
                datei = lokal_unter(ziel, pfad[len(basis) + 1:])  # the name comes from the share: untrusted
            except Ablagefehler as e:
                _log.warning("Datei der Ablage übersprungen: %s", e)
                continue
            datei.parent.mkdir(parents=True, exist_ok=True)
            temp = datei.with_name(datei.name + ".tmp")
            temp.write_bytes(daten)
            temp.replace(datei)
            s.add(SyncEingang(id=neue_id(), pfad=pfad, art=art, hash=h, lokal=str(datei), abgeholt_am=jetzt_utc()))
            lokal.append(datei)
    return lokal


def posteingang_abholen(store: Store, backend: Backend, zielordner: str | Path) -> list[Path]:
    """Download new catalogue updates to a local folder and hand the paths to the catalogue importer."""
    return _abholen(store, backend, posteingang_neu(store, backend), "katalog", Path(zielordner), INBOX_KATALOG)


def rueckmeldungen_abholen(store: Store, backend: Backend, ressort: str, zielordner: str | Path) -> dict[str, list[Path]]:
    """Fetch the BMI's feedback files; returned per submission (``<Periode>/v<n>``)."""
    basis = f"{FEEDBACK}/{_teil(ressort, 'Ressort')}"
    with Session(store.engine) as s:
        bekannt = set(s.execute(select(SyncEingang.pfad).where(SyncEingang.art == "rueckmeldung")).scalars())
    neu = [p for p in _dateiliste(backend, basis, 2) if p not in bekannt]
    _abholen(store, backend, neu, "rueckmeldung", Path(zielordner), basis)
    with Session(store.engine) as s:
        alle = s.execute(select(SyncEingang).where(SyncEingang.art == "rueckmeldung")).scalars().all()
    je_einreichung: dict[str, list[Path]] = {}
    for e in alle:
        if not e.pfad.startswith(basis + "/"):
            continue
        teile = e.pfad[len(basis) + 1:].split("/")
        schluessel = "/".join(teile[:2]) if len(teile) > 2 else teile[0]
        je_einreichung.setdefault(schluessel, []).append(Path(e.lokal))
    return je_einreichung
