"""Snapshots on the share: a new device starts from the latest one instead of replaying the log.

``snapshots/<device>-<coverage, 12 digits>.json.gz`` – the content is :mod:`ozgdesk.sync.schnappschuss`,
its trailer signed with the author's key (purpose ``ozgdesk-schnappschuss/1``). *Coverage* is the sum
of the author's cursors: the higher, the more of the share's history the snapshot holds.

* **Writing** (:func:`schreiben_wenn_faellig`): a device the trust list accepts, with nothing of its
  own left to send, writes one after a sync in which it wrote anyway, once the share's history grew
  by :data:`ABSTAND` entries beyond the newest snapshot there; it then removes its own older ones.
  The check needs one listing of ``snapshots/`` and runs only when the local coverage grew that much
  since the last check, so syncs stay cheap.
* **Loading** (:func:`laden_wenn_leer`): on its first sync a device with an empty database tries the
  snapshots by coverage, newest first, and loads the first one whose signature verifies against
  the trust list *inside it* as it chains to the anchors this device just pinned – with every
  value checked, all or nothing. Then the normal sync fetches only the newer files. If none can be
  loaded, the device replays the log as before; nothing is lost either way.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozgdesk.model.errors import OzgFehler
from ozgdesk.model.protokoll import Aenderung, Meta
from ozgdesk.model.store import Store
from ozgdesk.sync import format as fmt
from ozgdesk.sync import schluessel as sk
from ozgdesk.sync import schnappschuss
from ozgdesk.sync.backend import Backend, Schreibkonflikt, Unzulaessig
from ozgdesk.sync.replikation import Zahlen, _plain
from ozgdesk.sync.schritt import DbSchritt
from ozgdesk.sync.vertrauensliste import Vertrauensstand, anker_aus_text, laden as vertrauen_berechnen
from ozgdesk.sync.zustand import SyncGeraet

#: A new snapshot once the share's history grew by this many entries past the newest one.
ABSTAND = 1000
#: caps for a download: a 2,000-project Ressort is about 12 MB compressed and 72 MB unpacked
MAX_KOMPRIMIERT = 512 * 2**20
MAX_ENTPACKT = 4 * 2**30
#: at most this many candidates are tried before falling back to replaying the log
VERSUCHE = 3
#: settings key: the coverage at which this device last looked for a due snapshot
GEPRUEFT = "abgleich.schnappschuss_geprueft"

_NAME_RE = re.compile(r"^(?P<geraet>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(?P<abdeckung>[0-9]{12})\.json\.gz$")


@dataclass(frozen=True)
class Name:
    geraet: str
    abdeckung: int

    @property
    def pfad(self) -> str:
        return f"{fmt.SCHNAPPSCHUSS_ORDNER}/{self.geraet}-{self.abdeckung:012d}.json.gz"


def namen(eintraege: list[Any] | None) -> list[Name]:
    """The snapshots listed, highest coverage first (symlinks and special files are not snapshots)."""
    aus = []
    for e in eintraege or []:
        m = _NAME_RE.match(e.name)
        if m and not e.ordner and not getattr(e, "unzulaessig", ""):
            aus.append(Name(m["geraet"], int(m["abdeckung"])))
    return sorted(aus, key=lambda n: (n.abdeckung, n.geraet), reverse=True)


def _abdeckung(s: Session) -> int:
    return int(s.execute(select(func.coalesce(func.sum(SyncGeraet.bis_seq), 0))).scalar_one())


# --------------------------------------------------------------------------------------------- write
def _faellig(store: Store) -> int | None:
    """DB step: this device's coverage if it grew by :data:`ABSTAND` since the last look, else None."""
    with _plain(store) as s:
        abdeckung = _abdeckung(s)
        m = s.get(Meta, GEPRUEFT)
        zuletzt = int(m.wert) if m is not None and m.wert.isdigit() else 0
    return abdeckung if abdeckung - zuletzt >= ABSTAND else None


def schreiben_wenn_faellig(store: Store, backend: Backend, schluessel: sk.Geraeteschluessel, share_id: str,
                           vertrauen: Vertrauensstand, zahlen: Zahlen, db: DbSchritt) -> Name | None:
    """Write a snapshot if one is due (see the module docstring); returns its name if written."""
    if not vertrauen.schluessel(schluessel.geraet):
        return None  # readers would not trust it
    abdeckung = db(lambda: _faellig(store))
    if abdeckung is None:
        return None
    vorhanden = namen(backend.liste(fmt.SCHNAPPSCHUSS_ORDNER))
    db(lambda: store.meta_setzen(GEPRUEFT, str(abdeckung)))
    if vorhanden and abdeckung - vorhanden[0].abdeckung < ABSTAND:
        return None
    with tempfile.SpooledTemporaryFile(max_size=64 * 2**20) as puffer:
        info = db(lambda: schnappschuss.schreiben(
            store, puffer,  # type: ignore[arg-type]  # SpooledTemporaryFile is a binary file
            signieren=lambda digest: schluessel.signieren(fmt.ZWECK_SCHNAPPSCHUSS, digest),
            kopf={"share_id": share_id, "schluessel": schluessel.fingerabdruck}))
        if info is None:
            return None  # own changes not on the share yet: next time
        puffer.seek(0)
        daten = puffer.read()
    name = Name(schluessel.geraet, info.abdeckung)
    try:
        backend.veroeffentlichen(name.pfad, daten)
    except Schreibkonflikt:
        return None  # the same coverage written before (an interrupted run): nothing new
    for alt in vorhanden:
        if alt.geraet == schluessel.geraet and alt != name:
            backend.loeschen(alt.pfad)
    zahlen.warnungen.append(f"Momentaufnahme der Ablage geschrieben ({info.abdeckung} Einträge): neue Geräte beginnen "
                            "damit statt mit jeder einzelnen Änderungsdatei.")
    return name


# ---------------------------------------------------------------------------------------------- load
def _leer(store: Store) -> bool:
    """DB step: nothing here yet that a snapshot would collide with (no log, no cursor)."""
    with _plain(store) as s:
        return s.execute(select(Aenderung.id).limit(1)).first() is None and _abdeckung(s) == 0


def laden_wenn_leer(store: Store, backend: Backend, share_id: str, zahlen: Zahlen, db: DbSchritt) -> bool:
    """On a new device's first sync: load the best snapshot that verifies. True if one was loaded."""
    if not db(lambda: _leer(store)):
        return False
    kandidaten = namen(backend.liste(fmt.SCHNAPPSCHUSS_ORDNER))[:VERSUCHE]
    for name in kandidaten:
        try:
            daten = backend.lesen(name.pfad, hoechstens=MAX_KOMPRIMIERT)
        except Unzulaessig as e:
            zahlen.warnungen.append(f"Momentaufnahme {name.pfad} übergangen: {e}")
            continue
        if daten is None:
            continue
        try:
            info = db(lambda d=daten, n=name: schnappschuss.laden(  # type: ignore[misc]
                store, io.BytesIO(d), pruefen=_pruefer(share_id, n.geraet),
                max_komprimiert=MAX_KOMPRIMIERT, max_entpackt=MAX_ENTPACKT))
        except OzgFehler as e:
            zahlen.warnungen.append(f"Momentaufnahme {name.pfad} übergangen: {e}")
            continue
        zahlen.empfangen += sum(info.zeilen.get(t, 0) for t in ("aenderung",))
        zahlen.warnungen.append(f"Dieses Gerät hat mit der Momentaufnahme von Gerät {name.geraet[:8]} begonnen "
                                f"({info.abdeckung} Einträge); danach kamen nur neuere Änderungsdateien.")
        return True
    return False


def _pruefer(share_id: str, autor: str) -> Any:
    def pruefen(s: Session, kopf: dict[str, Any], digest: bytes, signatur: bytes) -> None:
        """Before the commit: the snapshot belongs to this share and its author's key – by the trust
        list it brings, chained to the anchors this device pinned – signed it."""
        if kopf.get("share_id") != share_id or kopf.get("autor") != autor:
            raise OzgFehler("Die Momentaufnahme gehört zu einer anderen Ablage oder einem anderen Gerät.")
        from ozgdesk.sync.ablauf import ANKER  # here: ablauf uses this module

        m = s.get(Meta, ANKER)
        vertrauen = vertrauen_berechnen(s, anker_aus_text(m.wert if m is not None else None))
        if not any(sk.pruefen(k, signatur, fmt.ZWECK_SCHNAPPSCHUSS, digest) for k in vertrauen.schluessel(autor)):
            raise OzgFehler(f"Die Signatur der Momentaufnahme passt zu keinem freigegebenen Schlüssel von Gerät {autor[:8]}.")

    return pruefen


__all__ = ["ABSTAND", "Name", "laden_wenn_leer", "namen", "schreiben_wenn_faellig"]
