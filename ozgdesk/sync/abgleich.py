"""One sync run and the status the Abgleich view shows – the Qt-free API for UI and CLI.

``jetzt_abgleichen(store)`` runs: share check (id file, format version, looks-empty guard) →
clock check (warns only) → import of the other devices' change files → export of this device's
→ publishing queued submission packages → listing the inbox → refreshing conflicts. Each step is
safe to interrupt; the next run resumes where this one stopped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.store import Store
from ozgdesk.sync import format as fmt
from ozgdesk.sync.backend import Ablagefehler, Backend, OrdnerBackend, Schreibkonflikt
from ozgdesk.sync.replikation import (
    Fortschritt,
    Sicherheitsstopp,
    Zahlen,
    ausstehend,
    exportieren,
    importieren,
    stand_pruefen,
)
from ozgdesk.sync.zustand import SyncAusgang, SyncGeraet, SyncKonflikt, SyncQuarantaene

ZIEL = "abgleich.ziel"
BENUTZER = "abgleich.benutzer"
SHARE_ID = "abgleich.share_id"
LETZTER = "abgleich.letzter"
LOESCHANTEIL = "abgleich.max_loeschanteil"
#: Default: refuse a sync that would delete more than half of all records.
STANDARD_LOESCHANTEIL = 0.5
#: Clock skew against the server's Date header above this many seconds is reported (never decides).
MAX_UHRABWEICHUNG_S = 300


@dataclass
class AbgleichStatus:
    """What the Abgleich view shows at a glance."""

    eingerichtet: bool
    ziel: str | None
    benutzer: str | None
    letzter_abgleich: datetime | None
    ausstehende_aenderungen: int
    ausstehende_einreichungen: int
    offene_konflikte: int
    quarantaene: int
    bekannte_geraete: int


@dataclass
class AbgleichErgebnis(Zahlen):
    """The counts of export and import plus what the rest of the run did."""

    offene_konflikte: int = 0
    veroeffentlicht: list[str] = field(default_factory=list)
    posteingang_neu: int = 0
    anfragen: int = 0
    bytes_gesendet: int = 0


def ist_url(ziel: str) -> bool:
    return ziel.lower().startswith(("http://", "https://"))


def backend_oeffnen(store: Store) -> Backend:
    """The configured backend; the WebDAV password comes from the keychain only."""
    ziel = store.meta(ZIEL)
    if not ziel:
        raise Eingabefehler("Es ist noch kein Abgleichziel eingerichtet. Bitte „ozgdesk-cli abgleich einrichten --ziel …“ ausführen.")
    if ist_url(ziel):
        from ozgdesk.sync.webdav import WebdavBackend
        from ozgdesk.sync.zugang import passwort_holen

        benutzer = store.meta(BENUTZER) or ""
        return WebdavBackend(ziel, benutzer, passwort_holen(ziel, benutzer))
    return OrdnerBackend(ziel)


def _ressort(store: Store) -> str:
    from ozgdesk.model.organisation import Ressort

    with store.lesen() as s:
        r = s.execute(select(Ressort.kurzname).limit(1)).scalar()
    return r or ""


def share_pruefen(store: Store, backend: Backend) -> fmt.ShareInfo:
    """Check the share's id file; create it on a share never used. Refuse a replaced or empty share."""
    wurzel = backend.liste("")
    if wurzel is None:
        raise Ablagefehler(f"Das Abgleichziel {backend.beschreibung} gibt es nicht (oder es ist nicht erreichbar).")
    bekannt = store.meta(SHARE_ID)
    namen = {e.name for e in wurzel}
    if fmt.SHARE_DATEI in namen:
        daten = backend.lesen(fmt.SHARE_DATEI)
        if daten is None:
            raise Ablagefehler(f"{backend.beschreibung}: {fmt.SHARE_DATEI} ist gelistet, aber nicht lesbar.")
        info = fmt.share_datei_lesen(daten, backend.beschreibung)
        if bekannt and info.share_id != bekannt:
            raise Sicherheitsstopp(
                f"Die Ablage {backend.beschreibung} ist nicht mehr dieselbe (andere Kennung): Sie wurde ersetzt oder "
                "neu angelegt. Zum Schutz der Daten wurde nichts abgeglichen. Falls das gewollt ist, den Abgleich "
                "neu einrichten."
            )
        return info
    if bekannt:
        raise Sicherheitsstopp(
            f"Die Ablage {backend.beschreibung} ist leer oder ihre Kennungsdatei fehlt, obwohl dieses Gerät schon "
            "mit ihr abgeglichen hat (falsches Laufwerk, nicht eingehängt, ersetzt?). Zum Schutz der Daten wurde "
            "nichts abgeglichen."
        )
    if any(e.ordner and e.name == fmt.AENDERUNG_ORDNER for e in wurzel):
        raise Sicherheitsstopp(
            f"Auf {backend.beschreibung} liegen Änderungsdateien, aber keine Kennungsdatei {fmt.SHARE_DATEI}. "
            "Die Ablage wird nicht verwendet."
        )
    daten = fmt.share_datei_bauen(_ressort(store))
    try:
        backend.veroeffentlichen(fmt.SHARE_DATEI, daten)
    except Schreibkonflikt:  # another device created it at the same moment: use theirs
        daten = backend.lesen(fmt.SHARE_DATEI) or b""
    return fmt.share_datei_lesen(daten, backend.beschreibung)


def _uhr_pruefen(backend: Backend, warnungen: list[str]) -> None:
    server = backend.serverzeit()
    if server is None:
        return
    abweichung = (datetime.now(timezone.utc) - server).total_seconds()
    if abs(abweichung) > MAX_UHRABWEICHUNG_S:
        richtung = "vor" if abweichung > 0 else "nach"
        warnungen.append(
            f"Die Uhr dieses Geräts geht gegenüber dem Server um {abs(abweichung) / 60:.0f} Minuten {richtung}. "
            "Für Konflikte spielt die Uhr keine Rolle; angezeigte Zeitpunkte können aber falsch sein."
        )


def _zukunft_pruefen(store: Store, backend: Backend, warnungen: list[str]) -> None:
    """Entries stamped far in the future (a wrong device clock) are kept but flagged; they never decide."""
    from ozgdesk.model.protokoll import Aenderung

    grenze = (backend.serverzeit() or datetime.now(timezone.utc)).timestamp() + 24 * 3600
    with store.lesen() as s:
        zeilen = s.execute(select(Aenderung.geraet, func.max(Aenderung.zeitpunkt))
                           .where(Aenderung.quelle == "abgleich").group_by(Aenderung.geraet)).all()
    for geraet, zeit in zeilen:
        if zeit is not None and zeit.timestamp() > grenze:
            warnungen.append(
                f"Gerät {geraet[:8]} stempelt Änderungen mit einer Zeit in der Zukunft ({zeit:%d.%m.%Y %H:%M} UTC): "
                "seine Uhr ist falsch. Die Zeitpunkte werden nur angezeigt, nie zur Entscheidung genutzt."
            )


def jetzt_abgleichen(store: Store, backend: Backend | None = None, *, fortschritt: Fortschritt | None = None,
                     abbrechen: threading.Event | None = None, loeschen_erlauben: bool = False) -> AbgleichErgebnis:
    """Run one sync. Raises a German :class:`OzgFehler` on anything that stops it; a retry resumes."""
    from ozgdesk.sync.ausgang import ausgang_veroeffentlichen, posteingang_neu
    from ozgdesk.sync.konflikte import konflikte_aktualisieren

    eigenes = backend is None
    backend = backend or backend_oeffnen(store)
    ergebnis = AbgleichErgebnis()
    a0, b0 = backend.anfragen, backend.gesendet
    try:
        if fortschritt:
            fortschritt("Ablage prüfen", 0, 1)
        info = share_pruefen(store, backend)
        _uhr_pruefen(backend, ergebnis.warnungen)
        ordner = backend.liste(fmt.AENDERUNG_ORDNER) or []
        geraete = sorted(e.name for e in ordner if e.ordner and fmt.ist_geraet(e.name))
        eigen = store.geraet_id
        with Session(store.engine) as s:
            bekannt = {g.id: g.bis_seq for g in s.execute(select(SyncGeraet)).scalars() if g.bis_seq > 0}
        fehlend = [g for g in bekannt if g not in geraete]
        if fehlend:
            raise Sicherheitsstopp(
                f"Auf der Ablage {backend.beschreibung} fehlen die Ordner von {len(fehlend)} Gerät(en), mit denen "
                "schon abgeglichen wurde. Die Ablage wirkt geleert oder ersetzt; zum Schutz der Daten wurde nichts "
                "abgeglichen."
            )
        eigene = backend.liste(f"{fmt.AENDERUNG_ORDNER}/{eigen}") if eigen in geraete else None
        if eigene:
            backend.temp_aufraeumen(f"{fmt.AENDERUNG_ORDNER}/{eigen}", eigene)
        anteil = 1.0 if loeschen_erlauben else float(store.meta(LOESCHANTEIL) or STANDARD_LOESCHANTEIL)
        importieren(store, backend, geraete, ergebnis, max_loeschanteil=anteil, fortschritt=fortschritt, abbrechen=abbrechen)
        for problem in stand_pruefen(store):
            ergebnis.warnungen.append(f"Prüfung nach dem Abgleich: {problem}")
        _zukunft_pruefen(store, backend, ergebnis.warnungen)
        exportieren(store, backend, eigene, ergebnis, fortschritt=fortschritt, abbrechen=abbrechen)
        ergebnis.veroeffentlicht = ausgang_veroeffentlichen(store, backend, abbrechen=abbrechen)
        ergebnis.posteingang_neu = len(posteingang_neu(store, backend))
        store.meta_setzen(SHARE_ID, info.share_id)
        store.meta_setzen(LETZTER, datetime.now(timezone.utc).replace(microsecond=0).isoformat())
    finally:
        ergebnis.anfragen = backend.anfragen - a0
        ergebnis.bytes_gesendet = backend.gesendet - b0
        if eigenes:
            backend.schliessen()
    ergebnis.offene_konflikte = konflikte_aktualisieren(store)
    if fortschritt:
        fortschritt("Fertig", 1, 1)
    return ergebnis


def status(store: Store) -> AbgleichStatus:
    letzter = store.meta(LETZTER)
    with Session(store.engine) as s:
        konflikte = s.execute(select(func.count()).select_from(SyncKonflikt).where(SyncKonflikt.offen.is_(True))).scalar_one()
        quar = s.execute(select(func.count()).select_from(SyncQuarantaene)).scalar_one()
        einreichungen = s.execute(select(func.count()).select_from(SyncAusgang)
                                  .where(SyncAusgang.veroeffentlicht_am.is_(None))).scalar_one()
        geraete = s.execute(select(func.count()).select_from(SyncGeraet).where(SyncGeraet.eigen.is_(False))).scalar_one()
    return AbgleichStatus(
        eingerichtet=bool(store.meta(ZIEL)),
        ziel=store.meta(ZIEL),
        benutzer=store.meta(BENUTZER),
        letzter_abgleich=datetime.fromisoformat(letzter) if letzter else None,
        ausstehende_aenderungen=ausstehend(store),
        ausstehende_einreichungen=einreichungen,
        offene_konflikte=konflikte,
        quarantaene=quar,
        bekannte_geraete=geraete,
    )


def einrichten(store: Store, ziel: str, benutzer: str | None = None, passwort: str | None = None) -> Backend:
    """Save target and user (settings) and the password (keychain only); return the backend to check."""
    ziel = ziel.strip()
    if not ziel:
        raise Eingabefehler("Bitte ein Ziel angeben: eine WebDAV-Adresse (https://…) oder einen Ordner.")
    if ist_url(ziel):
        from ozgdesk.sync.webdav import WebdavBackend
        from ozgdesk.sync.zugang import passwort_holen, passwort_speichern

        if not benutzer:
            raise Eingabefehler("Für einen WebDAV-Server bitte --benutzer angeben.")
        if passwort:
            passwort_speichern(ziel, benutzer, passwort)
        else:
            passwort = passwort_holen(ziel, benutzer)
        backend: Backend = WebdavBackend(ziel, benutzer, passwort)
    else:
        backend = OrdnerBackend(ziel)
    # The remembered share id stays: a share moved to a new address keeps its id file and syncs on;
    # an empty or different share behind the new address is refused like a replaced one.
    store.meta_setzen(ZIEL, ziel)
    store.meta_setzen(BENUTZER, benutzer or "")
    return backend


@dataclass
class Eingang:
    """What the BMI left on the share, downloaded into the home folder (``eingang/``)."""

    kataloge: list[Path] = field(default_factory=list)  # new catalogue updates, to offer as an import
    rueckmeldungen: dict[str, list[Path]] = field(default_factory=dict)  # per submission "<Periode>/v<n>"


def eingang_abholen(store: Store, backend: Backend | None = None) -> Eingang:
    """Download new catalogue updates and all feedback files (already fetched ones are not reloaded)."""
    from ozgdesk.sync.ausgang import posteingang_abholen, rueckmeldungen_abholen

    eigenes = backend is None
    backend = backend or backend_oeffnen(store)
    ziel = store.pfad.parent / "eingang"
    try:
        return Eingang(posteingang_abholen(store, backend, ziel / "katalog"),
                       rueckmeldungen_abholen(store, backend, _ressort(store), ziel / "rueckmeldungen"))
    finally:
        if eigenes:
            backend.schliessen()


def ablage_erreichbar(store: Store) -> tuple[bool, str]:
    """Cheap reachability probe (one listing) for the UI's automatic sync; never raises."""
    if not store.meta(ZIEL):
        return False, "Kein Abgleichziel eingerichtet."
    try:
        backend = backend_oeffnen(store)
        try:
            ok = backend.liste("") is not None
        finally:
            backend.schliessen()
    except OzgFehler as e:
        return False, str(e)
    return ok, "Ablage erreichbar." if ok else "Ablage nicht gefunden."


__all__ = ["AbgleichErgebnis", "AbgleichStatus", "Eingang", "ablage_erreichbar", "eingang_abholen", "einrichten",
           "jetzt_abgleichen", "status"]
