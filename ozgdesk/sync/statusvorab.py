"""The Abgleich page's first view over plain ``sqlite3``, before SQLAlchemy is loaded (Qt-free).

A user who last worked on the Abgleich page starts there. Its normal status read
(:func:`ozgdesk.sync.abgleich.status`, :func:`ozgdesk.sync.ausgang.ausgang`) needs SQLAlchemy, the
mapped entities and – for the trust list – ``cryptography``: together about three times a bare
window's start. So, like the Übersicht and the table pages (:mod:`ozgdesk.model.schnellstart`), the
page first reads what it shows with plain SQL over ``store.roh_lesen()``:

* exact, the same values the full path reads: target, user, last sync, changes not yet sent,
  waiting submissions, open conflicts (their number), quarantine, known devices, this device's id,
  the person's name, the recipient, and the outbox entries;
* not computed here, because it cannot be done light and equal: the trust list (whether this device
  is approved, its role, the anchor's fingerprint, devices waiting for approval – each needs the
  signatures checked), whether a waiting outbox package is still unchanged on disk (it hashes the
  package files), and the conflicts' list (the full read first closes conflicts a later change
  settled, a write, and names each record through its mapped class). The status says so
  (:attr:`AbgleichStatus.vertrauen_geprueft` False, :attr:`AusgangEintrag.geprueft` False); the page
  shows „wird geprüft …“ there and fills it in once the full store is open.

This module also holds the plain data the page shows (:class:`AbgleichStatus`,
:class:`AusgangEintrag`, :func:`stand_text`), so the page can be imported without SQLAlchemy; their
old homes (``ozgdesk.sync.abgleich``, ``ozgdesk.sync.ausgang``) import them from here.
``tests/test_sync_statusvorab.py`` compares both paths on a store that never synced and on one
after real syncs with conflicts, quarantine and an outbox.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ozgdesk.model.verbindung import anmeldename

#: meta keys; the sync's own are defined here (``ozgdesk.sync.abgleich``/``ablauf`` take them from
#: here), the store's two are repeated (``ozgdesk.model`` may not import the sync; a test compares)
ZIEL = "abgleich.ziel"
BENUTZER = "abgleich.benutzer"
LETZTER = "abgleich.letzter"
GERAET_ID = "geraet_id"
PERSON = "person.name"


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
    #: this device and whether the trust list accepts its key (with its role)
    geraet: str = ""
    freigegeben: bool = False
    rolle: str | None = None
    #: fingerprint of the trust list's root this device pinned (the share's founder)
    anker: str | None = None
    #: devices that announced a key and wait for a coordinator's approval
    wartende_geraete: int = 0
    #: the files (and devices) kept out, with the reason and when
    quarantaene_liste: list[dict[str, Any]] = field(default_factory=list)
    #: the name this device logs its changes under (bound to its key at approval)
    person: str = ""
    #: who receives the submissions, as the Ressort set it ("" = default; model/empfaenger.py)
    empfaenger: str = ""
    #: the store is a database server (its display name): no exchange through the share there
    server: str = ""
    #: False for the light read at start (:func:`status_lesen`): ``freigegeben``, ``rolle``, ``anker``
    #: and ``wartende_geraete`` are not computed yet (they need the signatures checked)
    vertrauen_geprueft: bool = True


@dataclass
class AusgangEintrag:
    id: str
    ordner: str
    ressort: str
    periode: str
    eingereiht_am: datetime
    veroeffentlicht_am: datetime | None
    ziel: str
    #: the version claimed on the share (a publish begun), or None
    version: int | None = None
    #: why it cannot go out as queued, found locally (:func:`paket_problem`); only with ``pruefen``
    problem: str | None = None
    #: False if read at start without looking at the package files (:func:`ausgang_lesen`): a
    #: waiting entry's ``problem`` is not known yet
    geprueft: bool = True


def _zeit(t: datetime) -> str:
    return t.astimezone().strftime("%d.%m.%Y %H:%M")


def stand_text(e: AusgangEintrag, fehler: str | None = None) -> str:
    """What an outbox entry's state is, in German: published (when, where), the last error (of the
    last sync in this process, ``fehler``), a problem found locally, or waiting."""
    if e.veroeffentlicht_am is not None:
        return f"veröffentlicht am {_zeit(e.veroeffentlicht_am)} ({e.ziel})"
    begonnen = f" (Fassung v{e.version} begonnen)" if e.version else ""
    if fehler:
        return f"Fehler beim letzten Abgleich{begonnen}: {fehler}"
    if not e.geprueft:
        return f"wartet auf den nächsten Abgleich{begonnen} – Paket wird geprüft …"
    if e.problem:
        return f"Fehler{begonnen}: {e.problem}"
    return f"wartet auf den nächsten Abgleich{begonnen}"


def _utc(wert: Any) -> datetime | None:
    """A :class:`~ozgdesk.model.base.UtcZeit` column as SQLAlchemy returns it."""
    return None if wert is None else datetime.fromisoformat(wert)


def _meta(con: sqlite3.Connection, schluessel: str) -> str | None:
    zeile = con.execute("SELECT wert FROM meta WHERE id = ?", (schluessel,)).fetchone()
    return None if zeile is None else zeile[0]


def _anzahl(con: sqlite3.Connection, sql: str, *parameter: Any) -> int:
    return int(con.execute(sql, parameter).fetchone()[0])


def status_lesen(con: sqlite3.Connection) -> AbgleichStatus:
    """The status of a file store as :func:`ozgdesk.sync.abgleich.status` reads it, but for the
    trust list (``vertrauen_geprueft`` False; see the module's docstring)."""
    geraet = _meta(con, GERAET_ID) or ""
    ziel, letzter = _meta(con, ZIEL), _meta(con, LETZTER)
    bis = con.execute("SELECT bis_seq FROM sync_geraet WHERE id = ?", (geraet,)).fetchone()
    ausstehend = _anzahl(con, "SELECT count(*) FROM aenderung WHERE geraet = ? AND seq > ?", geraet,
                         (bis[0] if bis else 0) or 0)
    quarantaene = [{"datei": pfad, "geraet": g, "grund": grund, "code": code, "erkannt_am": _utc(erkannt)}
                   for pfad, g, grund, code, erkannt in con.execute(
                       "SELECT pfad, geraet, grund, code, erkannt_am FROM sync_quarantaene "
                       "WHERE von_seq IS NOT NULL ORDER BY erkannt_am")]
    empfaenger = con.execute("SELECT empfaenger FROM ressort LIMIT 1").fetchone()
    person = (_meta(con, PERSON) or "").strip()
    return AbgleichStatus(
        eingerichtet=bool(ziel),
        ziel=ziel,
        benutzer=_meta(con, BENUTZER),
        letzter_abgleich=datetime.fromisoformat(letzter) if letzter else None,
        ausstehende_aenderungen=ausstehend,
        ausstehende_einreichungen=_anzahl(con, "SELECT count(*) FROM sync_ausgang WHERE veroeffentlicht_am IS NULL"),
        offene_konflikte=_anzahl(con, "SELECT count(*) FROM sync_konflikt WHERE offen IS 1"),
        quarantaene=len(quarantaene),
        bekannte_geraete=_anzahl(con, "SELECT count(*) FROM sync_geraet WHERE eigen IS 0"),
        geraet=geraet,
        quarantaene_liste=quarantaene,
        person=person or anmeldename(),  # as Store.personenname on a file store
        empfaenger=(empfaenger[0] if empfaenger else None) or "",
        vertrauen_geprueft=False,
    )


def ausgang_lesen(con: sqlite3.Connection) -> list[AusgangEintrag]:
    """The outbox as :func:`ozgdesk.sync.ausgang.ausgang` reads it, oldest first, without checking
    the waiting packages' files (``geprueft`` False for those)."""
    return [AusgangEintrag(i, ordner, ressort, periode, datetime.fromisoformat(eingereiht), _utc(veroeffentlicht),
                           ziel, version,
                           None, geprueft=veroeffentlicht is not None)
            for i, ordner, ressort, periode, eingereiht, veroeffentlicht, ziel, version in con.execute(
                "SELECT id, ordner, ressort, periode, eingereiht_am, veroeffentlicht_am, ziel, version "
                "FROM sync_ausgang ORDER BY eingereiht_am")]
