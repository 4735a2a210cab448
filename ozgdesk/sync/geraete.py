"""The devices of the Ressort's share, for the coordinator: who they are, whether they may write,
and approving or revoking them (the Qt-free API behind ``ozgdesk-cli abgleich geraete …`` and the
Abgleich page).

A device the trust list does not know yet announced its key on the share; its changes wait. The
coordinator compares the fingerprint shown here with the one on the new device's screen (or reads
it out over the phone) and approves it: a statement signed with the coordinator's own key, synced
like every change. Revoking works the same way; a revoked key never writes again.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

from sqlalchemy import select

from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store
from ozgdesk.model.vertrauen import FREIGABE, KOORDINATION, MITARBEIT, ROLLEN, WIDERRUF, Vertrauen
from ozgdesk.sync import schluessel as sk
from ozgdesk.sync.ablauf import vertrauen_laden
from ozgdesk.sync.identitaet import freigeben as aussage_schreiben
from ozgdesk.sync.schritt import DbSchritt, schritte
from ozgdesk.sync.zustand import SyncSchluessel

STATUS = {"dieses": "dieses Gerät", "gueltig": "freigegeben", "wartet": "wartet auf Freigabe",
          "widerrufen": "widerrufen"}


@dataclass(frozen=True)
class GeraetAnzeige:
    geraet: str
    fingerabdruck: str
    benutzer: str
    rechner: str
    status: str
    rolle: str | None
    eigen: bool

    @property
    def status_text(self) -> str:
        text = STATUS.get(self.status, self.status)
        return f"{text} ({ROLLEN[self.rolle]})" if self.rolle in ROLLEN and self.status in ("gueltig", "dieses") else text


def geraete(store: Store, eigener_schluessel: bytes | None = None) -> list[GeraetAnzeige]:
    """Every device the trust list or the share knows, this one first, then waiting ones, then the rest.

    ``eigener_schluessel``: this device's public key (the caller reads the keychain, outside DB work)."""
    vertrauen = vertrauen_laden(store)
    eigen = store.geraet_id
    with store.lesen() as s:
        angekuendigt = {k.id: k for k in s.execute(select(SyncSchluessel)).scalars()}
        genannt = {v.geraet: v for v in s.execute(select(Vertrauen)).scalars()}
    liste: list[GeraetAnzeige] = []
    alle = set(angekuendigt) | set(vertrauen.gueltig) | set(genannt) | {eigen}
    for g in alle:
        b = vertrauen.bindung(g)
        a = angekuendigt.get(g)
        if b is not None:
            finger, benutzer = b.fingerabdruck, b.benutzer
        elif a is not None:
            finger, benutzer = a.fingerabdruck, a.benutzer
        elif g == eigen and eigener_schluessel is not None:
            # not approved yet: the name it announces with (the one the approval will bind)
            finger, benutzer = sk.fingerabdruck(eigener_schluessel), store.personenname()
        elif g in genannt:
            finger, benutzer = genannt[g].fingerabdruck, genannt[g].benutzer
        else:
            continue
        if g == eigen:
            status = "dieses" if b is not None else "wartet"
        elif b is not None:
            status = "gueltig"
        elif vertrauen.ist_widerrufen(g):
            status = "widerrufen"
        else:
            status = "wartet"
        rechner = a.rechner if a else (platform.node() if g == eigen else "")
        liste.append(GeraetAnzeige(g, finger, benutzer, rechner, status, b.rolle if b else None, g == eigen))
    ordnung = {"dieses": 0, "wartet": 1, "gueltig": 2, "widerrufen": 3}
    return sorted(liste, key=lambda x: (0 if x.eigen else 1, ordnung.get(x.status, 9), x.benutzer, x.geraet))


def _finden(liste: list[GeraetAnzeige], auswahl: str) -> GeraetAnzeige:
    auswahl = auswahl.strip()
    norm = "".join(auswahl.split()).upper()
    treffer = [g for g in liste if g.geraet == auswahl or (len(auswahl) >= 6 and g.geraet.startswith(auswahl))
               or (len(norm) >= 8 and "".join(g.fingerabdruck.split()).startswith(norm))]
    if len(treffer) != 1:
        raise Eingabefehler(f"Gerät „{auswahl}“ gibt es nicht (oder die Angabe ist mehrdeutig). Bitte Kennung oder "
                            "Fingerabdruck aus „ozgdesk-cli abgleich geraete list“ angeben.")
    return treffer[0]


def _schluessel_von(store: Store, geraet: str) -> bytes:
    with store.lesen() as s:
        a = s.get(SyncSchluessel, geraet)
    roh = sk.aus_b64(a.schluessel, 32) if a is not None else None
    if roh is None:
        vertrauen = vertrauen_laden(store)
        schl = vertrauen.schluessel(geraet)
        if schl:
            return schl[0]
        raise Eingabefehler(f"Für Gerät {geraet[:8]} liegt kein Schlüssel vor; es muss erst einmal abgleichen.")
    return roh


def freigeben(store: Store, auswahl: str, rolle: str = MITARBEIT, *, db: DbSchritt | None = None) -> GeraetAnzeige:
    """Approve a waiting device (by id, id prefix or fingerprint) with a role; sent on the next sync.

    The key comes from the keychain outside any DB step (``db``, see :mod:`ozgdesk.sync.schritt`)."""
    if rolle not in (KOORDINATION, MITARBEIT):
        raise Eingabefehler(f"Rolle „{rolle}“ gibt es nicht (koordination oder mitarbeit).")
    eigener = _eigener_schluessel(store)

    def schritt() -> GeraetAnzeige:
        g = _finden(geraete(store, eigener.oeffentlich), auswahl)
        if g.eigen:
            raise Eingabefehler("Ein Gerät kann sich nicht selbst freigeben.")
        if g.status == "widerrufen":
            raise Eingabefehler(f"Gerät {g.geraet[:8]} ist widerrufen; ein widerrufener Schlüssel wird nie wieder "
                                "freigegeben. Das Gerät muss einen neuen Schlüssel anlegen.")
        if g.status == "gueltig" and g.rolle == rolle:
            raise Eingabefehler(f"Gerät {g.geraet[:8]} ist bereits mit dieser Rolle freigegeben.")
        aussage_schreiben(store, eigener, vertrauen_laden(store), g.geraet, _schluessel_von(store, g.geraet),
                          g.benutzer, rolle, FREIGABE)
        return _finden(geraete(store, eigener.oeffentlich), g.geraet)

    return schritte(db)(schritt)


def widerrufen(store: Store, auswahl: str, *, db: DbSchritt | None = None) -> GeraetAnzeige:
    """Revoke a device's key: its changes are never applied again (those applied stay)."""
    eigener = _eigener_schluessel(store)

    def schritt() -> GeraetAnzeige:
        g = _finden(geraete(store, eigener.oeffentlich), auswahl)
        if g.eigen:
            raise Eingabefehler("Das eigene Gerät kann nicht widerrufen werden.")
        if g.status == "widerrufen":
            raise Eingabefehler(f"Gerät {g.geraet[:8]} ist bereits widerrufen.")
        aussage_schreiben(store, eigener, vertrauen_laden(store), g.geraet, _schluessel_von(store, g.geraet),
                          g.benutzer, MITARBEIT, WIDERRUF)
        return _finden(geraete(store, eigener.oeffentlich), g.geraet)

    return schritte(db)(schritt)


def _eigener_schluessel(store: Store) -> sk.Geraeteschluessel:
    k = sk.laden(store.geraet_id)
    if k is None:
        raise Eingabefehler("Dieses Gerät hat noch keinen Schlüssel; bitte zuerst einmal abgleichen.")
    return k


def uebersicht(store: Store, *, db: DbSchritt | None = None) -> tuple[list[GeraetAnzeige], str | None]:
    """The device list and this device's fingerprint (keychain outside the DB step) for the GUI."""
    try:
        eigener = sk.laden(store.geraet_id)
    except Exception:  # noqa: BLE001 - a locked keychain must not hide the list
        eigener = None
    liste = schritte(db)(lambda: geraete(store, eigener.oeffentlich if eigener else None))
    return liste, eigener.fingerabdruck if eigener else None
