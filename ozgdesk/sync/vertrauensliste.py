"""Which device keys may write to the share: computed, on every device, from signed statements.

The trust list is the table ``vertrauen`` (:mod:`ozgdesk.model.vertrauen`), replicated like any
data. Nothing in it counts because it is there; a key is valid only through a chain of
signatures that ends at an *anchor* – the founder's key named in the share's id file and pinned by
this device the first time it met the share:

* an anchor is valid with the role Koordination;
* ``freigabe``: a valid Koordination key approves a device key (with a role and the person it is
  bound to);
* ``nachfolge``: a valid key names the key of the new identity its device had to take (restored
  backup on the same PC: the old key is still in the keychain) – same person, at most the same role;
* ``widerruf``: a valid Koordination key revokes a device key. A revoked key stays revoked (and
  the approvals it alone carried fall with it); an anchor cannot be revoked – losing the founder's
  key means moving to a new share (``abgleich umziehen``).

Every device computes the same result from the same statements, so the list needs no server: a
statement a hostile device slipped into a file simply fails its check and grants nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozgdesk.model.base import abgeleitete_id
from ozgdesk.model.vertrauen import FREIGABE, GRUENDUNG, KOORDINATION, MITARBEIT, NACHFOLGE, WIDERRUF, Vertrauen
from ozgdesk.sync import schluessel as sk
from ozgdesk.sync.format import ZWECK_VERTRAUEN, Anker, kanonisch


@dataclass(frozen=True)
class Bindung:
    """A valid key: whose device, whose person, which role, and why it is valid."""

    geraet: str
    schluessel: bytes
    fingerabdruck: str
    benutzer: str
    rolle: str
    grund: str
    aussteller: str | None


@dataclass
class Vertrauensstand:
    gueltig: dict[str, list[Bindung]] = field(default_factory=dict)
    #: (device, key) pairs a valid coordinator revoked
    widerrufen: set[tuple[str, bytes]] = field(default_factory=set)

    def schluessel(self, geraet: str) -> list[bytes]:
        return [b.schluessel for b in self.gueltig.get(geraet, [])]

    def bindung(self, geraet: str) -> Bindung | None:
        liste = self.gueltig.get(geraet)
        return liste[0] if liste else None

    def koordination(self, geraet: str) -> bool:
        return any(b.rolle == KOORDINATION for b in self.gueltig.get(geraet, []))

    def ist_widerrufen(self, geraet: str) -> bool:
        return geraet not in self.gueltig and any(g == geraet for g, _ in self.widerrufen)


def _zeit(zeit: datetime) -> str:
    """As the column stores it (:class:`~ozgdesk.model.base.UtcZeit`), so signer and reader agree."""
    return (zeit if zeit.tzinfo else zeit.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def aussage_bytes(art: str, geraet: str, schluessel: str, fingerabdruck: str, benutzer: str, rolle: str,
                  aussteller: str, ausgestellt_am: datetime) -> bytes:
    """What the issuer signs: every field of the statement but the signature itself."""
    return kanonisch({"art": art, "geraet": geraet, "schluessel": schluessel, "fingerabdruck": fingerabdruck,
                      "benutzer": benutzer, "rolle": rolle, "aussteller": aussteller,
                      "ausgestellt_am": _zeit(ausgestellt_am)})


def aussage_bauen(aussteller: sk.Geraeteschluessel, art: str, geraet: str, oeffentlich: bytes, benutzer: str,
                  rolle: str) -> Vertrauen:
    """A new statement, signed by ``aussteller`` (to be added in a logged session)."""
    zeit = datetime.now(UTC).replace(microsecond=0)
    schl = sk.b64(oeffentlich)
    finger = sk.fingerabdruck(oeffentlich)
    signatur = aussteller.signieren(ZWECK_VERTRAUEN, aussage_bytes(art, geraet, schl, finger, benutzer, rolle,
                                                                   aussteller.geraet, zeit))
    return Vertrauen(id=abgeleitete_id("vertrauen", f"{art}:{geraet}:{schl}:{aussteller.geraet}"), art=art,
                     geraet=geraet, schluessel=schl, fingerabdruck=finger, benutzer=benutzer, rolle=rolle,
                     aussteller=aussteller.geraet, ausgestellt_am=zeit, signatur=sk.b64(signatur))


@dataclass(frozen=True)
class _Aussage:
    art: str
    geraet: str
    schluessel: bytes
    benutzer: str
    rolle: str
    aussteller: str
    signatur: bytes
    daten: bytes


def _aussagen(zeilen: Iterable[Any]) -> list[_Aussage]:
    aus = []
    for v in zeilen:
        schl = sk.aus_b64(v.schluessel, 32)
        sig = sk.aus_b64(v.signatur, 64)
        if schl is None or sig is None or v.ausgestellt_am is None:
            continue  # malformed: grants nothing
        aus.append(_Aussage(v.art, v.geraet, schl, v.benutzer, v.rolle, v.aussteller, sig,
                            aussage_bytes(v.art, v.geraet, v.schluessel, v.fingerabdruck, v.benutzer, v.rolle,
                                          v.aussteller, v.ausgestellt_am)))
    return aus


def _huelle(aussagen: list[_Aussage], anker: list[Anker], ausgeschlossen: set[tuple[str, bytes]]) -> dict[str, list[Bindung]]:
    """Every binding reachable from the anchors by valid signatures (a fixpoint; small lists)."""
    gueltig: dict[str, list[Bindung]] = {}

    def hinzu(b: Bindung) -> bool:
        if (b.geraet, b.schluessel) in ausgeschlossen and b.grund != "anker":
            return False
        liste = gueltig.setdefault(b.geraet, [])
        if any(x.schluessel == b.schluessel for x in liste):
            return False
        liste.append(b)
        return True

    for wurzel in anker:
        hinzu(Bindung(wurzel.geraet, wurzel.schluessel, sk.fingerabdruck(wurzel.schluessel), wurzel.benutzer,
                      KOORDINATION, "anker", None))
    offen = list(aussagen)
    weiter = True
    while weiter:
        weiter = False
        for a in list(offen):
            aussteller = [b for b in gueltig.get(a.aussteller, []) if (b.geraet, b.schluessel) not in ausgeschlossen]
            if a.art == GRUENDUNG:
                # the founder's own statement: valid exactly when it restates an anchor
                ok = a.aussteller == a.geraet and any(x.schluessel == a.schluessel and x.grund == "anker"
                                                      for x in gueltig.get(a.geraet, []))
                traeger = [a.schluessel] if ok else []
                rolle, benutzer = KOORDINATION, a.benutzer
            elif a.art == FREIGABE:
                traeger = [b.schluessel for b in aussteller if b.rolle == KOORDINATION]
                rolle, benutzer = (a.rolle if a.rolle in (KOORDINATION, MITARBEIT) else MITARBEIT), a.benutzer
            elif a.art == NACHFOLGE:
                traeger = [b.schluessel for b in aussteller]
                vorgaenger = aussteller[0] if aussteller else None
                rolle = KOORDINATION if vorgaenger and vorgaenger.rolle == KOORDINATION and a.rolle == KOORDINATION \
                    else MITARBEIT
                benutzer = vorgaenger.benutzer if vorgaenger else a.benutzer
            else:
                offen.remove(a)
                continue
            if not traeger:
                continue
            offen.remove(a)
            if any(sk.pruefen(t, a.signatur, ZWECK_VERTRAUEN, a.daten) for t in traeger):
                weiter |= hinzu(Bindung(a.geraet, a.schluessel, sk.fingerabdruck(a.schluessel), benutzer, rolle,
                                        a.art, a.aussteller))
    return gueltig


def berechnen(zeilen: Iterable[Any], anker: list[Anker]) -> Vertrauensstand:
    """The valid keys given the statements and this device's anchors."""
    aussagen = _aussagen(zeilen)
    vorlaeufig = _huelle(aussagen, anker, set())
    anker_schl = {(a.geraet, a.schluessel) for a in anker}
    widerrufen: set[tuple[str, bytes]] = set()
    for a in aussagen:
        if a.art != WIDERRUF or (a.geraet, a.schluessel) in anker_schl:
            continue
        traeger = [b.schluessel for b in vorlaeufig.get(a.aussteller, []) if b.rolle == KOORDINATION]
        if any(sk.pruefen(t, a.signatur, ZWECK_VERTRAUEN, a.daten) for t in traeger):
            widerrufen.add((a.geraet, a.schluessel))
    return Vertrauensstand(_huelle(aussagen, anker, widerrufen), widerrufen)


def anker_aus_text(text: str | None) -> list[Anker]:
    from ozgdesk.sync.format import anker_lesen

    if not text:
        return []
    try:
        return anker_lesen(json.loads(text))
    except ValueError:
        return []


def anker_als_text(anker: Iterable[Anker]) -> str:
    return json.dumps([a.als_json() for a in anker], sort_keys=True)


@dataclass(frozen=True)
class _Zeile:
    """A statement that arrived in a key announcement, shaped like a row of ``vertrauen``."""

    art: str
    geraet: str
    schluessel: str
    fingerabdruck: str
    benutzer: str
    rolle: str
    aussteller: str
    ausgestellt_am: datetime
    signatur: str


def aus_ankuendigung(text: str | None) -> _Zeile | None:
    if not text:
        return None
    try:
        d = json.loads(text)
        return _Zeile(**{**d, "ausgestellt_am": datetime.fromisoformat(d["ausgestellt_am"])})
    except (ValueError, TypeError, KeyError):
        return None


def als_ankuendigung(v: Vertrauen) -> dict[str, str]:
    """A statement as it travels in a key announcement."""
    return {"art": v.art, "geraet": v.geraet, "schluessel": v.schluessel, "fingerabdruck": v.fingerabdruck,
            "benutzer": v.benutzer, "rolle": v.rolle, "aussteller": v.aussteller,
            "ausgestellt_am": _zeit(v.ausgestellt_am), "signatur": v.signatur}


def laden(s: Session, anker: list[Anker]) -> Vertrauensstand:
    """The valid keys: statements of the trust list plus succession statements that new identities
    brought in their announcements (they count only if their signature chain holds, like any)."""
    from ozgdesk.sync.zustand import SyncSchluessel

    zeilen: list[Any] = list(s.execute(select(Vertrauen)).scalars().all())
    for text in s.execute(select(SyncSchluessel.nachfolge).where(SyncSchluessel.nachfolge.is_not(None))).scalars():
        z = aus_ankuendigung(text)
        if z is not None:
            zeilen.append(z)
    return berechnen(zeilen, anker)
