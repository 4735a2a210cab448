"""One sync run and the status the Abgleich view shows – the Qt-free API for UI and CLI.

``jetzt_abgleichen(store)`` runs: share check (id file, format version, looks-empty guard) →
clock check (warns only) → import of the other devices' change files → export of this device's
→ publishing queued submission packages → listing the inbox → refreshing conflicts. Each step is
safe to interrupt; the next run resumes where this one stopped.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk import logbuch
from ozgdesk.model import empfaenger
from ozgdesk.model.errors import Eingabefehler, OzgFehler
from ozgdesk.model.store import NurEinzelplatz, Store
from ozgdesk.sync.backend import Backend, OrdnerBackend
from ozgdesk.sync import ablauf
from ozgdesk.sync.replikation import Abgebrochen, Fortschritt, Sicherheitsstopp, Zahlen, ausstehend
from ozgdesk.sync.schritt import DbSchritt, schritte
from ozgdesk.sync import statusvorab
from ozgdesk.sync.statusvorab import AbgleichStatus as AbgleichStatus  # its home: read also before SQLAlchemy loads
from ozgdesk.sync.zustand import SyncAusgang, SyncGeraet, SyncKonflikt, SyncQuarantaene

ZIEL, BENUTZER = statusvorab.ZIEL, statusvorab.BENUTZER  # their home: the page reads them before SQLAlchemy
SHARE_ID = ablauf.SHARE_ID
LETZTER = ablauf.LETZTER
LOESCHANTEIL = ablauf.LOESCHANTEIL
#: Default: refuse a sync that would delete more than half of all records.
STANDARD_LOESCHANTEIL = ablauf.STANDARD_LOESCHANTEIL


@dataclass
class AbgleichErgebnis(Zahlen):
    """The counts of export and import plus what the rest of the run did."""

    offene_konflikte: int = 0
    veroeffentlicht: list[str] = field(default_factory=list)
    #: queued packages that could not be published this run: entry id → German message
    ausgang_fehler: dict[str, str] = field(default_factory=dict)
    posteingang_neu: int = 0
    anfragen: int = 0
    bytes_gesendet: int = 0
    #: bytes downloaded from the share (listings included): does not grow with the share's history
    bytes_empfangen: int = 0


def nur_einzelplatz(store: Store) -> None:
    """The exchange through the share is the single-user file's way of working together; on a
    database server everyone already works on the same data. Refused there in German."""
    if getattr(store, "ist_server", False):
        raise NurEinzelplatz(
            f"Der Abgleich über die Dateiablage gehört zur Einzelplatz-Datenbank. Mit dem Datenbankserver "
            f"{store.ort.anzeige} arbeiten alle bereits auf denselben Daten; ein Abgleich ist dort nicht nötig und "
            "in dieser Version nicht möglich. Einreichungen entstehen wie gewohnt als Paketordner (Seite Berichte, "
            "ozgdesk-cli einreichen); siehe docs/datenbanken.md.")


def ist_url(ziel: str) -> bool:
    return ziel.lower().startswith(("http://", "https://"))


def zielart(ziel: str | None) -> str | None:
    """``webdav`` or ``ordner`` – what the technical log says about the target, never the address."""
    if not ziel:
        return None
    return "webdav" if ist_url(ziel) else "ordner"


def backend_bauen(ziel: str | None, benutzer: str | None) -> Backend:
    """The backend for a configured target (no database access; the keychain lookup happens here)."""
    if not ziel:
        raise Eingabefehler("Es ist noch kein Abgleichziel eingerichtet. Bitte „ozgdesk-cli abgleich einrichten --ziel …“ ausführen.")
    if ist_url(ziel):
        from ozgdesk.sync.webdav import WebdavBackend
        from ozgdesk.sync.zugang import passwort_holen

        benutzer = benutzer or ""
        return WebdavBackend(ziel, benutzer, passwort_holen(ziel, benutzer))
    return OrdnerBackend(ziel)


def _ziel_lesen(store: Store) -> tuple[str | None, str | None]:
    return store.meta(ZIEL), store.meta(BENUTZER)


def backend_oeffnen(store: Store, *, db: DbSchritt | None = None) -> Backend:
    """The configured backend; the WebDAV password comes from the keychain only.

    The settings are read in a DB step; the keychain lookup and the backend are outside it."""
    ziel, benutzer = schritte(db)(lambda: _ziel_lesen(store))
    return backend_bauen(ziel, benutzer)


def _ressort(store: Store) -> str:
    from ozgdesk.model.organisation import Ressort

    with store.lesen() as s:
        r = s.execute(select(Ressort.kurzname).limit(1)).scalar()
    return r or ""


def jetzt_abgleichen(store: Store, backend: Backend | None = None, *, fortschritt: Fortschritt | None = None,
                     abbrechen: threading.Event | None = None, loeschen_erlauben: bool = False,
                     db: DbSchritt | None = None, posteingang: bool = True) -> AbgleichErgebnis:
    """Run one sync. Raises a German :class:`OzgFehler` on anything that stops it; a retry resumes.

    ``posteingang``: also list the BMI's inbox (one request) for ``posteingang_neu``. The exchange
    itself needs no request beyond one listing when nothing changed; the automatic background
    sync leaves the inbox to the user's own syncs.

    ``db`` runs each database step (see :mod:`ozgdesk.sync.schritt`); everything else – the
    requests, the keychain, hashing and signing – runs in the calling thread. Writes one
    ``ereignis=abgleich`` line to the technical log, whatever the outcome."""
    nur_einzelplatz(store)
    ergebnis = AbgleichErgebnis()
    lauf = {"ziel": getattr(backend, "art", None) if backend is not None else None}
    beginn = time.monotonic()
    ausgang, fehler = "fehler", None
    try:
        _abgleichen(store, backend, ergebnis, lauf, fortschritt, abbrechen, loeschen_erlauben, schritte(db),
                    posteingang)
        ausgang = "ok"
    except Abgebrochen:
        ausgang = "abgebrochen"
        raise
    except Sicherheitsstopp:
        ausgang = "sicherheitsstopp"
        raise
    except BaseException as e:
        fehler = type(e).__name__
        raise
    finally:
        logbuch.ereignis(
            "abgleich", ausgang, time.monotonic() - beginn, ziel=lauf["ziel"], importiert=ergebnis.empfangen,
            exportiert=ergebnis.gesendet, dateien_empfangen=ergebnis.empfangen_dateien,
            dateien_gesendet=ergebnis.gesendet_dateien, konflikte=ergebnis.konflikte,
            offene_konflikte=ergebnis.offene_konflikte if ausgang == "ok" else None,
            quarantaene=ergebnis.quarantaene, veroeffentlicht=len(ergebnis.veroeffentlicht),
            anfragen=ergebnis.anfragen, bytes=ergebnis.bytes_gesendet, bytes_empfangen=ergebnis.bytes_empfangen,
            fehler=fehler,
        )
    return ergebnis


def _abgleichen(store: Store, backend: Backend | None, ergebnis: AbgleichErgebnis, lauf: dict[str, str | None],
                fortschritt: Fortschritt | None, abbrechen: threading.Event | None, loeschen_erlauben: bool,
                db: DbSchritt, posteingang: bool = True) -> None:
    from ozgdesk.sync.ausgang import ausgang_veroeffentlichen, posteingang_neu

    vorab = db(lambda: ablauf.vorbereiten(store))
    eigenes = backend is None
    if backend is None:
        lauf["ziel"] = zielart(vorab.ziel)
        backend = backend_bauen(vorab.ziel, vorab.benutzer)
    backend.temp_id = ablauf.temp_kennung(store.geraet_id)
    a0, b0, c0 = backend.anfragen, backend.gesendet, backend.geladen
    try:
        share_id, voll = ablauf.abgleichen(store, backend, ergebnis, vorab, fortschritt, abbrechen,
                                           loeschen_erlauben, db)
        if voll:
            ergebnis.veroeffentlicht = ausgang_veroeffentlichen(store, backend, abbrechen=abbrechen, db=db,
                                                                warnungen=ergebnis.warnungen,
                                                                fehler=ergebnis.ausgang_fehler)
            db(lambda: store.meta_setzen(ablauf.TEMP_ORDNER, "[]"))
        if posteingang:
            ergebnis.posteingang_neu = len(posteingang_neu(store, backend, db=db))
    finally:
        ergebnis.anfragen = backend.anfragen - a0
        ergebnis.bytes_gesendet = backend.gesendet - b0
        ergebnis.bytes_empfangen = backend.geladen - c0
        if eigenes:
            backend.schliessen()
    ergebnis.offene_konflikte = db(lambda: _abschliessen(store, share_id))
    if fortschritt:
        fortschritt("Fertig", 1, 1)


def _abschliessen(store: Store, share_id: str | None) -> int:
    """DB step: remember the share and the time; refresh the conflicts. Returns the open conflicts."""
    from ozgdesk.sync.konflikte import konflikte_aktualisieren

    if share_id:
        store.meta_setzen(SHARE_ID, share_id)
    store.meta_setzen(LETZTER, datetime.now(UTC).replace(microsecond=0).isoformat())
    return konflikte_aktualisieren(store)


def status(store: Store) -> AbgleichStatus:
    from ozgdesk.sync.schluessel import fingerabdruck
    from ozgdesk.sync.vertrauensliste import anker_aus_text
    from ozgdesk.sync.zustand import SyncSchluessel

    letzter = store.meta(LETZTER)
    vertrauen = ablauf.vertrauen_laden(store)
    anker = anker_aus_text(store.meta(ablauf.ANKER))
    with Session(store.engine) as s:
        konflikte = s.execute(select(func.count()).select_from(SyncKonflikt).where(SyncKonflikt.offen.is_(True))).scalar_one()
        # the files kept out; devices without a valid key are counted as waiting or revoked devices instead
        quarantaene = [{"datei": q.pfad, "geraet": q.geraet, "grund": q.grund, "code": q.code, "erkannt_am": q.erkannt_am}
                       for q in s.execute(select(SyncQuarantaene).where(SyncQuarantaene.von_seq.is_not(None))
                                          .order_by(SyncQuarantaene.erkannt_am)).scalars()]
        einreichungen = s.execute(select(func.count()).select_from(SyncAusgang)
                                  .where(SyncAusgang.veroeffentlicht_am.is_(None))).scalar_one()
        geraete = s.execute(select(func.count()).select_from(SyncGeraet).where(SyncGeraet.eigen.is_(False))).scalar_one()
        angekuendigt = set(s.execute(select(SyncSchluessel.id)).scalars())
        an = empfaenger.des_ressorts(s)
    bindung = vertrauen.bindung(store.geraet_id)
    wartend = [g for g in angekuendigt if g != store.geraet_id and not vertrauen.schluessel(g)
               and not vertrauen.ist_widerrufen(g)]
    return AbgleichStatus(
        eingerichtet=bool(store.meta(ZIEL)),
        ziel=store.meta(ZIEL),
        benutzer=store.meta(BENUTZER),
        letzter_abgleich=datetime.fromisoformat(letzter) if letzter else None,
        ausstehende_aenderungen=ausstehend(store),
        ausstehende_einreichungen=einreichungen,
        offene_konflikte=konflikte,
        quarantaene=len(quarantaene),
        bekannte_geraete=geraete,
        geraet=store.geraet_id,
        freigegeben=bindung is not None,
        rolle=bindung.rolle if bindung else None,
        anker=fingerabdruck(anker[0].schluessel) if anker else None,
        wartende_geraete=len(wartend),
        quarantaene_liste=quarantaene,
        person=store.personenname(),
        empfaenger=an,
        server=store.ort.anzeige if store.ist_server else "",
    )


def umziehen(store: Store, ziel: str, benutzer: str | None = None, passwort: str | None = None, *,
             anlegen: bool = False, db: DbSchritt | None = None) -> list[Any]:
    """Move to a new share on purpose (a new server, the upgrade from the unsigned format 1).

    The new target is checked first; only if it passes does this device forget the old share's id
    and its own files there: the next sync founds the new share (or joins one another device
    founded, if it has the same trust roots) and sends every own change again. What it has of the
    other devices stays – they send theirs again when they move, and this device skips what it has."""
    nur_einzelplatz(store)
    punkte = einrichten_und_pruefen(store, ziel, benutzer, passwort, anlegen=anlegen, db=db)
    if all(p.ok for p in punkte):
        schritte(db)(lambda: _umzug_vorbereiten(store))
    return punkte


def _umzug_vorbereiten(store: Store) -> None:
    """DB step: everything this device remembers about the old share goes; its data and log stay."""
    from sqlalchemy import delete

    from ozgdesk.sync.replikation import kette_aus_protokoll
    from ozgdesk.sync.zustand import SyncDatei

    with store.session(quelle="abgleich") as s:
        s.info["ohne_protokoll"] = True
        for st in s.execute(select(SyncGeraet)).scalars():
            st.kopf = None
            if st.eigen:
                st.bis_seq, st.letzter_hash, st.dateien = 0, "", 0
            else:  # the chain of what is here, recomputed (the old share may have had format 1)
                st.letzter_hash = kette_aus_protokoll(s, st.id, st.bis_seq)
        s.execute(delete(SyncDatei))
        s.execute(delete(SyncQuarantaene))
    from ozgdesk.sync.schnappschuss_ablage import GEPRUEFT

    for schluessel in (SHARE_ID, ablauf.ANGEKUENDIGT, ablauf.TEMP_ORDNER, GEPRUEFT):
        store.meta_setzen(schluessel, "")


def zugangsdaten_in_adresse(ziel: str) -> bool:
    """True if a WebDAV address carries a user name or password: ``https://name:geheim@server/…``,
    a bare ``https://name@server/…``, also percent-encoded (``https://name%3Ageheim%40server/…``).

    An ``@`` in the path stays allowed (Nextcloud: ``…/files/k.brenner@bund.de/``)."""
    from urllib.parse import unquote, urlsplit

    try:
        netloc = urlsplit(ziel.strip()).netloc
    except ValueError:
        netloc = ziel.strip().split("://", 1)[-1].split("/", 1)[0]
    return "@" in netloc or "@" in unquote(netloc)


def adresse_ohne_zugangsdaten(ziel: str) -> str:
    """The address with everything before the host's last ``@`` removed – for messages only."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    try:
        teile = urlsplit(ziel.strip())
    except ValueError:
        return "(ungültige Adresse)"
    rechner = unquote(teile.netloc).rpartition("@")[2]
    return urlunsplit((teile.scheme, rechner, teile.path, "", ""))


#: Shown when an address with credentials in it is refused (no part of the secret in it).
ZUGANGSDATEN_IN_ADRESSE = (
    "Die Adresse enthält Benutzername oder Passwort (Angabe vor „@“). Zugangsdaten werden in der Adresse nicht "
    "angenommen, weil Adressen gespeichert, angezeigt und protokolliert werden. Bitte die Adresse ohne sie "
    "eingeben ({ohne}) und Benutzer und Passwort getrennt angeben: Befehlszeile mit --benutzer und der "
    "Passwortabfrage oder --password-stdin, Oberfläche in den Feldern „Benutzer“ und „Passwort“. "
    "Es wurde nichts gespeichert."
)


def adresse_pruefen(ziel: str) -> None:
    """Refuse a WebDAV address with credentials in it (:func:`zugangsdaten_in_adresse`) or without a
    usable host; nothing is stored or logged of it."""
    if not ist_url(ziel.strip()):
        return
    if zugangsdaten_in_adresse(ziel):
        raise Eingabefehler(ZUGANGSDATEN_IN_ADRESSE.format(ohne=adresse_ohne_zugangsdaten(ziel)))
    from urllib.parse import urlsplit

    try:
        teile = urlsplit(ziel.strip())
        _ = teile.port  # a port that is not a number ("server:abc") raises here
    except ValueError:
        raise Eingabefehler("Die Adresse ist ungültig (Server oder Port nicht lesbar). Bitte in der Form "
                            "https://server/ordner/ angeben.") from None
    if not teile.hostname:
        raise Eingabefehler("Die Adresse nennt keinen Server. Bitte in der Form https://server/ordner/ angeben.")


def _backend_bauen(ziel: str, benutzer: str | None, passwort: str | None) -> tuple[str, str | None, str | None, Backend]:
    """The cleaned target, user, the password to store (None: keep the keychain's) and the backend.

    An address with credentials in it is refused before anything else (:func:`adresse_pruefen`)."""
    ziel = ziel.strip()
    if not ziel:
        raise Eingabefehler("Bitte ein Ziel angeben: eine WebDAV-Adresse (https://…) oder einen Ordner.")
    if not ist_url(ziel):
        return ziel, benutzer, None, OrdnerBackend(ziel)
    adresse_pruefen(ziel)
    from ozgdesk.sync.webdav import WebdavBackend
    from ozgdesk.sync.zugang import passwort_holen

    if not benutzer:
        raise Eingabefehler("Für einen WebDAV-Server bitte --benutzer angeben.")
    neu = passwort or None
    return ziel, benutzer, neu, WebdavBackend(ziel, benutzer, passwort or passwort_holen(ziel, benutzer))


def einrichten(store: Store, ziel: str, benutzer: str | None = None, passwort: str | None = None, *,
               db: DbSchritt | None = None) -> Backend:
    """Save target and user (settings) and the password (keychain only); return the backend to check.

    An address with credentials in it is refused (:func:`adresse_pruefen`). Keychain and backend
    outside, the two settings in one DB step. :func:`einrichten_und_pruefen` saves only a target
    that passed its check."""
    nur_einzelplatz(store)
    ziel, benutzer, neu, backend = _backend_bauen(ziel, benutzer, passwort)
    _uebernehmen(store, ziel, benutzer, neu, db)
    return backend


def einrichten_und_pruefen(store: Store, ziel: str, benutzer: str | None = None, passwort: str | None = None, *,
                           anlegen: bool = False, db: DbSchritt | None = None) -> list[Any]:
    """Check the new target first and take it over only if the check passed: a mistyped address or
    password never replaces a working target (nor its password in the keychain).

    A missing target folder is reported (check point :data:`~ozgdesk.sync.pruefung.ZIELORDNER`)
    and created only with ``anlegen``."""
    from ozgdesk.sync.pruefung import Pruefpunkt, einrichtung_pruefen

    nur_einzelplatz(store)
    ziel, benutzer, neu, backend = _backend_bauen(ziel, benutzer, passwort)
    try:
        punkte = einrichtung_pruefen(backend, anlegen=anlegen)
    finally:
        backend.schliessen()
    if all(p.ok for p in punkte):
        _uebernehmen(store, ziel, benutzer, neu, db)
        punkte.append(Pruefpunkt("Übernahme", "ok", f"Abgleichziel {ziel} eingerichtet."))
    else:
        bisher = store.meta(ZIEL) if db is None else None
        punkte.append(Pruefpunkt("Übernahme", "fehler", "Das Ziel wurde nicht übernommen; "
                                 + (f"es bleibt beim bisherigen Ziel {bisher}." if bisher else
                                    "bitte Adresse, Benutzer und Passwort prüfen.")))
    return punkte


def _uebernehmen(store: Store, ziel: str, benutzer: str | None, passwort: str | None, db: DbSchritt | None) -> None:
    if passwort and ist_url(ziel) and benutzer:
        from ozgdesk.sync.zugang import passwort_speichern

        passwort_speichern(ziel, benutzer, passwort)

    def speichern() -> None:
        # The remembered share id stays: a share moved to a new address keeps its id file and syncs on;
        # an empty or different share behind the new address is refused like a replaced one.
        store.meta_setzen(ZIEL, ziel)
        store.meta_setzen(BENUTZER, benutzer or "")

    schritte(db)(speichern)


@dataclass
class Eingang:
    """What the BMI left on the share, downloaded into the home folder (``eingang/``)."""

    kataloge: list[Path] = field(default_factory=list)  # new catalogue updates, to offer as an import
    rueckmeldungen: dict[str, list[Path]] = field(default_factory=dict)  # per submission "<Periode>/v<n>"


def eingang_abholen(store: Store, backend: Backend | None = None, *, db: DbSchritt | None = None) -> Eingang:
    """Download new catalogue updates and all feedback files (already fetched ones are not reloaded)."""
    from ozgdesk.sync.ausgang import posteingang_abholen, rueckmeldungen_abholen

    nur_einzelplatz(store)
    db = schritte(db)
    ziel, benutzer, ressort = db(lambda: (*_ziel_lesen(store), _ressort(store)))
    eigenes = backend is None
    backend = backend or backend_bauen(ziel, benutzer)
    ordner = store.pfad.parent / "eingang"
    try:
        return Eingang(posteingang_abholen(store, backend, ordner / "katalog", db=db),
                       rueckmeldungen_abholen(store, backend, ressort, ordner / "rueckmeldungen", db=db))
    finally:
        if eigenes:
            backend.schliessen()


def ablage_erreichbar(store: Store, *, db: DbSchritt | None = None) -> tuple[bool, str]:
    """Cheap reachability probe (one listing) for the UI's automatic sync; never raises."""
    try:
        nur_einzelplatz(store)
        ziel, benutzer = schritte(db)(lambda: _ziel_lesen(store))
    except OzgFehler as e:
        return False, str(e)
    if not ziel:
        return False, "Kein Abgleichziel eingerichtet."
    try:
        backend = backend_bauen(ziel, benutzer)
        try:
            ok = backend.liste("") is not None
        finally:
            backend.schliessen()
    except OzgFehler as e:
        return False, str(e)
    return ok, "Ablage erreichbar." if ok else "Ablage nicht gefunden."


__all__ = ["AbgleichErgebnis", "AbgleichStatus", "Eingang", "ablage_erreichbar", "eingang_abholen", "einrichten",
           "jetzt_abgleichen", "status"]
