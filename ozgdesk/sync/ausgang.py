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

A package that cannot go out (its folder was deleted or changed after queueing, the share refuses a
file) fails on its own: the error is returned per entry, reported as a warning and written to the
technical log, while the other packages and the rest of the sync go on. Such an entry can be
removed from the queue (:func:`ausgang_entfernen`); a published one never.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.base import jetzt_utc, neue_id
from ozgdesk.model.errors import Abbruch, Eingabefehler, OzgFehler
from ozgdesk.model.store import Store
from ozgdesk.sync import ereignisse
from ozgdesk.sync.backend import Ablagefehler, Anmeldefehler, Backend, Platzfehler, Schreibkonflikt
from ozgdesk.sync.format import TEMP_PRAEFIX, sha256
from ozgdesk.sync.pfade import lokal_unter
from ozgdesk.sync.schritt import DbSchritt, schritte
from ozgdesk.sync.sicher_lesen import MAX_EINGANGSDATEI
from ozgdesk.sync.statusvorab import AusgangEintrag as AusgangEintrag, stand_text as stand_text  # their home: Qt- and SQLAlchemy-free
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


def ausgang(store: Store, *, pruefen: bool = False) -> list[AusgangEintrag]:
    """The queue, oldest first; with ``pruefen`` each waiting package is checked locally (folder
    present and unchanged since queueing – it reads the package files, no request)."""
    with Session(store.engine) as s:
        liste = [AusgangEintrag(a.id, a.ordner, a.ressort, a.periode, a.eingereiht_am, a.veroeffentlicht_am, a.ziel,
                                a.version, None)
                 for a in s.execute(select(SyncAusgang).order_by(SyncAusgang.eingereiht_am)).scalars()]
        hashes = {i: h for i, h in s.execute(select(SyncAusgang.id, SyncAusgang.hash))} if pruefen else {}
    for e in liste:
        if pruefen and e.veroeffentlicht_am is None:
            e.problem = paket_problem(e.ordner, hashes[e.id])
    return liste


def paket_problem(ordner: str, soll_hash: str) -> str | None:
    """Why a queued package cannot be published as queued, found locally; None if it can."""
    pfad = Path(ordner)
    if not pfad.is_dir():
        return f"Der Paketordner {ordner} fehlt (gelöscht, umbenannt oder verschoben)."
    try:
        ist = paket_hash(pfad)
    except OSError as e:
        return f"Das Paket {ordner} ist nicht lesbar: {_os_grund(e)}."
    if ist != soll_hash:
        return f"Das Paket {ordner} wurde nach dem Einreihen verändert."
    return None


def _finden(s: Session, kennung: str) -> SyncAusgang:
    kennung = kennung.strip().lower()
    treffer = list(s.execute(select(SyncAusgang).where(SyncAusgang.id.startswith(kennung))).scalars()) \
        if len(kennung) >= 4 else []
    if not treffer:
        raise Eingabefehler(f"Im Postausgang gibt es keinen Eintrag mit der Kennung „{kennung}“ "
                            "(„ozgdesk-cli abgleich ausgang list“ zeigt die Kennungen).")
    if len(treffer) > 1:
        raise Eingabefehler(f"Die Kennung „{kennung}“ passt auf {len(treffer)} Einträge; bitte mehr Zeichen angeben.")
    return treffer[0]


def ausgang_entfernen(store: Store, kennung: str) -> AusgangEintrag:
    """Remove a queued, not yet published package from the outbox (by id or its first characters).

    Refused for a published one: it is on the share, write-once, the record of what went to the BMI.
    The local package folder and the frozen submission in the database stay as they are; a version
    already claimed on the share stays there incomplete (without transfer list), which nobody takes
    as submitted. Not part of the change log: the outbox is this device's own queue."""
    with Session(store.schreib_engine) as s, s.begin():
        a = _finden(s, kennung)
        eintrag = AusgangEintrag(a.id, a.ordner, a.ressort, a.periode, a.eingereiht_am, a.veroeffentlicht_am, a.ziel,
                                 a.version)
        if a.veroeffentlicht_am is not None:
            raise Eingabefehler(
                f"Die Einreichung {a.periode} ({a.id[:8]}) ist bereits veröffentlicht ({a.ziel}) und wird nicht "
                "entfernt: Was auf der Ablage eingereicht ist, bleibt unverändert als Nachweis. Eine "
                "Korrektur geht als neue Einreichung (neue Fassung) hinaus."
            )
        s.delete(a)
    _log.info("Eintrag %s (%s, %s) aus dem Postausgang entfernt", eintrag.id[:8], eintrag.ressort, eintrag.periode)
    return eintrag


def _naechste_version(backend: Backend, basis: str) -> int:
    eintraege = backend.liste(basis) or []
    nummern = [int(e.name[1:]) for e in eintraege if e.ordner and re.fullmatch(r"v[0-9]+", e.name)]
    return max(nummern, default=0) + 1


@dataclass(frozen=True)
class _Offen:
    """A queued package as plain data: the DB step reads it, the network thread publishes it."""

    id: str
    ordner: str
    ressort: str
    periode: str
    hash: str
    version: int | None


def _offene(store: Store) -> list[_Offen]:
    with Session(store.engine) as s:
        return [_Offen(a.id, a.ordner, a.ressort, a.periode, a.hash, a.version)
                for a in s.execute(select(SyncAusgang).where(SyncAusgang.veroeffentlicht_am.is_(None))
                                   .order_by(SyncAusgang.eingereiht_am)).scalars()]


def _merken(store: Store, paket: str, **werte: object) -> None:
    """DB step: note the claimed version, or that the package is out (write lock first)."""
    with Session(store.schreib_engine) as s, s.begin():
        a = s.get(SyncAusgang, paket)
        if a is not None:
            for k, v in werte.items():
                setattr(a, k, v)


def _veroeffentlichen(backend: Backend, a: _Offen, abbrechen: threading.Event | None,
                      version_merken: Callable[[int], None]) -> tuple[str, int, int, int]:
    """Publish one package (network and local files only); returns (share path, version, bytes, files)."""
    ordner = Path(a.ordner)
    problem = paket_problem(a.ordner, a.hash)
    if problem:
        raise Eingabefehler(f"{problem} Bitte das Paket neu erzeugen und einreihen.")
    basis = f"{OUTBOX}/{a.ressort}/{a.periode}"
    anspruch = json.dumps({"paket": a.id, "hash": a.hash}, sort_keys=True).encode("utf-8")
    version = a.version or _naechste_version(backend, basis)
    while True:
        try:
            backend.veroeffentlichen(f"{basis}/v{version}/{PAKET}", anspruch)
            break
        except Schreibkonflikt:
            version += 1  # another device claimed this version first
    if version != a.version:
        version_merken(version)  # remember the claim: a resumed publish goes on in the same version
    ziel = f"{basis}/v{version}"
    manifest: list[dict[str, Any]] = []
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
    return ziel, version, sum(m["bytes"] for m in manifest), len(manifest)


#: errors that concern the whole share, not one package: they stop the sync as before
_NICHT_JE_PAKET = (Abbruch, Anmeldefehler, Platzfehler)


def _os_grund(e: OSError) -> str:
    from ozgdesk.dateien import os_grund

    return os_grund(e)


def _fehlergrund(e: BaseException) -> str:
    """A short, fixed reason for the technical log (``grund=``)."""
    if isinstance(e, (Eingabefehler, OSError)):
        return "paket"
    if isinstance(e, Schreibkonflikt):
        return "schreibkonflikt"
    if isinstance(e, Ablagefehler):
        return "ablage"
    return "fehler"


def ausgang_veroeffentlichen(store: Store, backend: Backend, abbrechen: threading.Event | None = None, *,
                             db: DbSchritt | None = None, warnungen: list[str] | None = None,
                             fehler: dict[str, str] | None = None) -> list[str]:
    """Publish every queued package; returns the share paths written. No request if nothing is queued.

    The queue is read in one DB step; the upload runs outside, with a step to note the claimed
    version and one to mark the package published. A package that fails does not stop the others
    nor the sync: its German message goes into ``fehler`` (by entry id), a warning naming how to
    remove it into ``warnungen``, and both into the technical log; it is tried again on the next
    sync. Cancelling, a refused login and a full server (507) still stop the run."""
    db = schritte(db)
    fertig = []
    for a in db(lambda: _offene(store)):
        try:
            ziel, version, groesse, dateien = _veroeffentlichen(
                backend, a, abbrechen, lambda v: db(lambda: _merken(store, a.id, version=v)))  # noqa: B023
        except _NICHT_JE_PAKET:
            raise
        except (OzgFehler, OSError) as e:
            meldung = str(e) if isinstance(e, OzgFehler) else f"Das Paket {a.ordner} ist nicht lesbar: {_os_grund(e)}."
            if fehler is not None:
                fehler[a.id] = meldung
            if warnungen is not None:
                warnungen.append(
                    f"Die Einreichung {a.periode} ({a.id[:8]}) wurde nicht veröffentlicht: {meldung} Der nächste "
                    "Abgleich versucht es erneut. Scheitert sie immer wieder, lässt sie sich aus dem Postausgang "
                    f"entfernen (Seite Abgleich oder „ozgdesk-cli abgleich ausgang entfernen {a.id[:8]}“)."
                )
            ereignisse.einreichung_fehlgeschlagen(a.ressort, a.periode, a.id, _fehlergrund(e), type(e).__name__)
            _log.warning("Einreichung %s (%s) nicht veröffentlicht: %s", a.periode, a.id[:8], meldung)
            continue
        db(lambda: _merken(store, a.id, ziel=ziel, veroeffentlicht_am=jetzt_utc()))  # noqa: B023
        ereignisse.einreichung_veroeffentlicht(a.ressort, a.periode, version, groesse, dateien)
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


def _bekannt(store: Store, art: str) -> set[str]:
    """DB step: share paths of the files of this kind already fetched."""
    with Session(store.engine) as s:
        return set(s.execute(select(SyncEingang.pfad).where(SyncEingang.art == art)).scalars())


def posteingang_neu(store: Store, backend: Backend, *, db: DbSchritt | None = None) -> list[str]:
    """Catalogue files in the share's inbox not fetched yet (by name; one listing request)."""
    bekannt = schritte(db)(lambda: _bekannt(store, "katalog"))
    return [p for p in _dateiliste(backend, INBOX_KATALOG, 0) if p not in bekannt]


def _abgeholt_merken(store: Store, pfad: str, art: str, h: str, datei: Path) -> bool:
    """DB step: note a fetched file; False if another sync of this database noted it meanwhile."""
    with Session(store.schreib_engine) as s, s.begin():
        if s.execute(select(SyncEingang.id).where(SyncEingang.pfad == pfad, SyncEingang.hash == h)).first():
            return False
        s.add(SyncEingang(id=neue_id(), pfad=pfad, art=art, hash=h, lokal=str(datei), abgeholt_am=jetzt_utc()))
    return True


def _abholen(store: Store, backend: Backend, pfade: list[str], art: str, ziel: Path, basis: str,
             db: DbSchritt) -> list[Path]:
    """Download ``pfade`` (not fetched before, by name), write them locally, note each in a DB step.

    Local folders and files are owner-only (0700/0600) like the database: feedback and catalogue
    updates are the Ressort's internal correspondence with the BMI."""
    from ozgdesk.dateien import atomar_schreiben, privater_ordner

    privater_ordner(ziel)
    lokal = []
    for pfad in pfade:
        daten = backend.lesen(pfad, hoechstens=MAX_EINGANGSDATEI)
        if daten is None:
            continue
        h = sha256(daten)
        try:
            datei = lokal_unter(ziel, pfad[len(basis) + 1:])  # the name comes from the share: untrusted
        except Ablagefehler as e:
            _log.warning("Datei der Ablage übersprungen: %s", e)
            continue
        atomar_schreiben(datei, daten)  # temp file 0600, fsync, rename; missing folders 0700
        if db(lambda: _abgeholt_merken(store, pfad, art, h, datei)):  # noqa: B023 - runs right here
            lokal.append(datei)
    return lokal


def posteingang_abholen(store: Store, backend: Backend, zielordner: str | Path, *,
                        db: DbSchritt | None = None) -> list[Path]:
    """Download new catalogue updates to a local folder and hand the paths to the catalogue importer."""
    db = schritte(db)
    return _abholen(store, backend, posteingang_neu(store, backend, db=db), "katalog", Path(zielordner),
                    INBOX_KATALOG, db)


def _abgeholte(store: Store, art: str) -> list[tuple[str, str]]:
    with Session(store.engine) as s:
        return [(p, lokal) for p, lokal in s.execute(select(SyncEingang.pfad, SyncEingang.lokal)
                                                     .where(SyncEingang.art == art))]


def rueckmeldungen_abholen(store: Store, backend: Backend, ressort: str, zielordner: str | Path, *,
                           db: DbSchritt | None = None) -> dict[str, list[Path]]:
    """Fetch the BMI's feedback files; returned per submission (``<Periode>/v<n>``)."""
    db = schritte(db)
    basis = f"{FEEDBACK}/{_teil(ressort, 'Ressort')}"
    bekannt = db(lambda: _bekannt(store, "rueckmeldung"))
    neu = [p for p in _dateiliste(backend, basis, 2) if p not in bekannt]
    _abholen(store, backend, neu, "rueckmeldung", Path(zielordner), basis, db)
    je_einreichung: dict[str, list[Path]] = {}
    for pfad, lokal in db(lambda: _abgeholte(store, "rueckmeldung")):
        if not pfad.startswith(basis + "/"):
            continue
        teile = pfad[len(basis) + 1:].split("/")
        schluessel = "/".join(teile[:2]) if len(teile) > 2 else teile[0]
        je_einreichung.setdefault(schluessel, []).append(Path(lokal))
    return je_einreichung
