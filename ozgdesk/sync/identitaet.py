"""This device on the share: its key, its announcement, founding a share, and a new identity.

A device is its id (``meta.geraet_id``, stamped on every log entry it writes) plus its key pair.
Two situations make an id unusable, and IT causes both routinely:

* a **restored backup**: the database goes back in time, but the device's files on the share do
  not; its next entries would get sequence numbers the share already holds with other content;
* a **copied home folder**: two PCs write under one id (and the copy has no key, which lives in
  the original PC's keychain).

The sync notices either by content – the device's own head or files on the share differ from its
records, another device has seen more of its entries than its log holds, or its key is missing –
and then :func:`neue_identitaet` gives it a new id and key: the entries the share never received
are renumbered under the new id and sent again, the old id becomes an ordinary remote device
whose files (the edits made before the restore) come back in. Nothing is lost; the user is told.
If the old key is still in the keychain (restore on the same PC) it signs the new key as its
successor, so no coordinator has to approve it again.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text, update

from ozgdesk.model.base import neue_id
from ozgdesk.model.protokoll import Aenderung, Meta
from ozgdesk.model.store import Store
from ozgdesk.model.vertrauen import GRUENDUNG, KOORDINATION, NACHFOLGE
from ozgdesk.sync import format as fmt
from ozgdesk.sync.sicher_lesen import MAX_STEUERDATEI
from ozgdesk.sync import schluessel as sk
from ozgdesk.sync.replikation import _plain, _schreibend, _stand, kette_aus_protokoll
from ozgdesk.sync.vertrauensliste import Vertrauensstand, aussage_bauen
from ozgdesk.sync.zustand import SyncDatei, SyncGeraet, SyncKontext

def personenname(store: Store) -> str:
    """The name the trust list binds to this device (:meth:`~ozgdesk.model.store.Store.personenname`)."""
    return store.personenname()


@dataclass(frozen=True)
class Gesendet:
    """One change file this device published (a row of ``sync_datei``)."""

    von_seq: int
    bis_seq: int
    ausgabe: int
    kette_vor: str
    kette_nach: str


@dataclass(frozen=True)
class Eigenes:
    """This device's own state, read in one DB step."""

    geraet: str
    bis_seq: int
    kette: str
    kopf: str | None
    dateien: tuple[Gesendet, ...]
    hoechste: int

    @property
    def ausstehend(self) -> bool:
        return self.hoechste > self.bis_seq

    @property
    def kopfname(self) -> fmt.Kopfname | None:
        return fmt.kopfname_lesen(self.kopf) if self.kopf else None


def eigenes_lesen(store: Store) -> Eigenes:
    """DB step."""
    geraet = store.geraet_id
    with _plain(store) as s:
        st = s.get(SyncGeraet, geraet)
        dateien = tuple(Gesendet(d.von_seq, d.bis_seq, d.ausgabe, d.kette_vor, d.kette_nach) for d in s.execute(
            select(SyncDatei).where(SyncDatei.geraet == geraet).order_by(SyncDatei.von_seq)).scalars())
        hoechste = s.execute(select(func.max(Aenderung.seq)).where(Aenderung.geraet == geraet)).scalar() or 0
        return Eigenes(geraet, st.bis_seq if st else 0, st.letzter_hash if st else "", st.kopf if st else None,
                       dateien, hoechste)


def schluessel_holen(eigenes: Eigenes, angekuendigt: bool = False) -> sk.Geraeteschluessel | None:
    """This device's key (keychain, outside any DB step); created on first use. None: the device has
    published or announced its key before, but the key is gone – a copy of its data on another PC,
    or a reset keychain. A second key under one device id must never exist."""
    schluessel = sk.laden(eigenes.geraet)
    if schluessel is not None:
        return schluessel
    if eigenes.bis_seq == 0 and not eigenes.dateien and not angekuendigt:
        return sk.anlegen(eigenes.geraet)
    return None


def ankuendigen(backend: Any, schluessel: sk.Geraeteschluessel, share_id: str, benutzer: str,
                nachfolge: dict[str, Any] | None = None) -> bool:
    """Publish this device's key announcement (``geraete/<id>.json``). False if another key already
    announced this id: someone else writes under it (a copied home folder) – take a new identity."""
    from ozgdesk.sync.backend import Schreibkonflikt

    pfad = fmt.ankuendigung_pfad(schluessel.geraet)
    try:
        backend.veroeffentlichen(pfad, fmt.ankuendigung_bauen(schluessel, share_id, benutzer, platform.node(),
                                                              nachfolge))
        return True
    except Schreibkonflikt:
        pass
    from ozgdesk.sync.empfangen import lesen_geschuetzt

    daten = lesen_geschuetzt(backend, pfad, MAX_STEUERDATEI)
    try:
        vorhanden = fmt.ankuendigung_lesen(schluessel.geraet, daten or b"")
    except fmt.Formatfehler:
        return False
    return vorhanden.schluessel == schluessel.oeffentlich


def gruendung_eintragen(store: Store, schluessel: sk.Geraeteschluessel, benutzer: str) -> None:
    """DB step: the founder's own statement opens the trust list (a logged record, synced like any)."""
    from ozgdesk.model.vertrauen import Vertrauen

    aussage = aussage_bauen(schluessel, GRUENDUNG, schluessel.geraet, schluessel.oeffentlich, benutzer, KOORDINATION)
    with store.session(benutzer=benutzer, quelle="geraete") as s:
        if s.get(Vertrauen, aussage.id) is None:
            s.add(aussage)


def freigeben(store: Store, schluessel: sk.Geraeteschluessel, vertrauen: Vertrauensstand, geraet: str,
              oeffentlich: bytes, benutzer: str, rolle: str, art: str) -> None:
    """DB step: a statement about another device, signed with this device's key (approval, revocation)."""
    from ozgdesk.model.errors import Eingabefehler

    if not vertrauen.koordination(schluessel.geraet):
        raise Eingabefehler("Nur ein Gerät der Koordination kann Geräte freigeben oder widerrufen; dieses Gerät ist "
                            "nicht als Koordination freigegeben.")
    with store.session(quelle="geraete") as s:
        s.add(aussage_bauen(schluessel, art, geraet, oeffentlich, benutzer, rolle))


@dataclass(frozen=True)
class Wechsel:
    """What :func:`neue_identitaet` did, for the user."""

    alt: str
    neu: str
    neu_gesendet: int
    #: the statement the old key signed for the new one (travels in the new device's announcement)
    nachfolge: dict[str, str] | None
    schluessel: sk.Geraeteschluessel

    def meldung(self, grund: str) -> str:
        freigabe = ("Der bisherige Schlüssel hat den neuen als Nachfolger bestätigt." if self.nachfolge else
                    "Die Koordination muss das Gerät neu freigeben (Seite Abgleich, Reiter „Geräte und Vertrauensliste“, "
                    "Fingerabdruck "
                    f"{self.schluessel.fingerabdruck}); bis dahin warten seine Änderungen auf der Ablage.")
        return (f"Dieses Gerät arbeitet ab jetzt unter einer neuen Kennung ({self.neu[:8]} statt {self.alt[:8]}): {grund} "
                f"{self.neu_gesendet} Änderung(en), die die Ablage noch nicht hatte, werden unter der neuen Kennung "
                f"gesendet; was unter der alten Kennung auf der Ablage liegt, wird übernommen. Es geht nichts verloren. "
                f"{freigabe}")


def neuer_schluessel() -> sk.Geraeteschluessel:
    """A key for a new identity (keychain; outside any DB step). The id is fresh and unused."""
    return sk.anlegen(neue_id())


def neue_identitaet(store: Store, schluessel: sk.Geraeteschluessel, alter_schluessel: sk.Geraeteschluessel | None,
                    vertrauen: Vertrauensstand, benutzer: str) -> Wechsel:
    """DB step: continue under the id of ``schluessel`` (see the module docstring), in one transaction
    for the renumbering: if it fails, nothing changed and the next sync tries again."""
    alt = store.geraet_id
    neu = schluessel.geraet
    with _schreibend(store) as s, s.begin():
        st = _stand(s, alt, eigen=True)
        basis, kette = st.bis_seq or 0, st.letzter_hash or ""
        # the contexts of the entries that move: what they had seen, plus the old id's own entries up to basis
        kontexte = s.execute(select(SyncKontext).where(SyncKontext.geraet == alt).order_by(SyncKontext.ab_seq)).scalars().all()
        davor = [k for k in kontexte if k.ab_seq <= basis + 1]
        anfang = json.loads(davor[-1].gesehen) if davor else {}
        for k in kontexte:
            if k.ab_seq > basis:
                gesehen = json.loads(k.gesehen)
                if basis:
                    gesehen[alt] = max(int(gesehen.get(alt, 0)), basis)
                k.geraet, k.ab_seq, k.gesehen = neu, k.ab_seq - basis, json.dumps(gesehen, sort_keys=True)
        if not any(k.geraet == neu and k.ab_seq == 1 for k in kontexte):
            if basis:
                anfang[alt] = max(int(anfang.get(alt, 0)), basis)
            if anfang:
                s.add(SyncKontext(id=neue_id(), geraet=neu, ab_seq=1, gesehen=json.dumps(anfang, sort_keys=True)))
        s.flush()
        gesendet = s.execute(select(func.count()).select_from(Aenderung)
                             .where(Aenderung.geraet == alt, Aenderung.seq > basis)).scalar_one()
        s.execute(update(Aenderung).where(Aenderung.geraet == alt, Aenderung.seq > basis)
                  .values(geraet=neu, seq=Aenderung.seq - basis).execution_options(synchronize_session=False))
        st.eigen, st.kopf = False, None
        if not kette and basis:
            st.letzter_hash = kette_aus_protokoll(s, alt, basis)
        s.add(SyncGeraet(id=neu, bis_seq=0, letzter_hash="", dateien=0, eigen=True))
        s.execute(text("DELETE FROM sync_datei WHERE geraet = :g"), {"g": alt})
        s.merge(Meta(id="geraet_id", wert=neu))
    store.geraet_id = neu
    nachfolge = None
    if alter_schluessel is not None and vertrauen.schluessel(alt):
        from ozgdesk.sync.vertrauensliste import als_ankuendigung

        bindung = vertrauen.bindung(alt)
        rolle = bindung.rolle if bindung else KOORDINATION
        aussage = aussage_bauen(alter_schluessel, NACHFOLGE, neu, schluessel.oeffentlich,
                                bindung.benutzer if bindung else benutzer, rolle)
        nachfolge = als_ankuendigung(aussage)
        with store.session(benutzer=benutzer, quelle="geraete") as s2:
            s2.add(aussage)
    return Wechsel(alt, neu, gesendet, nachfolge, schluessel)


def eigene_dateien_in_kette(store: Store) -> int:
    """DB step for tests and the status: how many change files this device has published."""
    with _plain(store) as s:
        return s.execute(select(func.count()).select_from(SyncDatei).where(SyncDatei.geraet == store.geraet_id)).scalar_one()
