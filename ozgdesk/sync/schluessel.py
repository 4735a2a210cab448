"""Device keys: each device signs what it writes to the share with its own Ed25519 key.

A hash in a file name proves a file is intact, not who wrote it: anyone who can write to the
share could append a file to a device's chain with a recomputed hash. So every change file, head
and notice a device publishes is signed with the device's private key, and a reader applies a
file only if it verifies against the public key the Ressort's trust list binds to that device
(:mod:`ozgdesk.sync.vertrauen`).

The private key lives only in the OS keychain (service ``ozgdesk-geraet``, key = device id),
through the same safe-backend check as the share password (:mod:`ozgdesk.sync.zugang`): never in
the database, the settings, a file or a log. A database restored from a backup or a home folder
copied to another PC therefore does not carry the key; the sync notices and continues under a new
identity (:mod:`ozgdesk.sync.identitaet`).

Signatures use a domain prefix per kind of document (``ozgdesk-aenderungen/2`` …), so a valid
signature on one kind of document can never be replayed as another.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import keyring.errors
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

DIENST = "ozgdesk-geraet"


def b64(daten: bytes) -> str:
    return base64.b64encode(daten).decode("ascii")


def aus_b64(text: object, laenge: int | None = None) -> bytes | None:
    """Strict base64 from an untrusted document; None if it is not (or not of the expected length)."""
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        roh = base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None
    if laenge is not None and len(roh) != laenge:
        return None
    return roh


def fingerabdruck(oeffentlich: bytes) -> str:
    """What people compare on two screens: SHA-256 of the raw public key, 20 bytes in groups of 4 hex digits.

    80 bits are far beyond what an attacker can collide for a key chosen to match a shown value,
    and short enough to read out over the phone."""
    h = hashlib.sha256(oeffentlich).hexdigest()[:40].upper()
    return " ".join(h[i:i + 4] for i in range(0, 40, 4))


def pruefen(oeffentlich: bytes, signatur: bytes, zweck: str, daten: bytes) -> bool:
    """True if ``signatur`` is the holder's signature of ``daten`` for ``zweck``."""
    try:
        Ed25519PublicKey.from_public_bytes(oeffentlich).verify(signatur, _zu_signieren(zweck, daten))
    except (InvalidSignature, ValueError):
        return False
    return True


def _zu_signieren(zweck: str, daten: bytes) -> bytes:
    return zweck.encode("ascii") + b"\n" + daten


@dataclass(frozen=True)
class Geraeteschluessel:
    """A device's key pair, loaded from (or just created in) the keychain."""

    geraet: str
    _privat: Ed25519PrivateKey

    @property
    def oeffentlich(self) -> bytes:
        return self._privat.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def oeffentlich_b64(self) -> str:
        return b64(self.oeffentlich)

    @property
    def fingerabdruck(self) -> str:
        return fingerabdruck(self.oeffentlich)

    def signieren(self, zweck: str, daten: bytes) -> bytes:
        return self._privat.sign(_zu_signieren(zweck, daten))


def _keychain_fehler(e: Exception, was: str) -> SchluesselbundFehler:
    if isinstance(e, keyring.errors.KeyringLocked):
        return SchluesselbundFehler(f"Der Schlüsselbund ist gesperrt; {was}. Bitte den Schlüsselbund entsperren.")
    return SchluesselbundFehler(f"Der Schlüsselbund ist nicht verfügbar ({type(e).__name__}); {was}.")


def laden(geraet: str) -> Geraeteschluessel | None:
    """This device's key from the keychain, or None if the keychain holds none for it."""
    kr = _backend_pruefen()
    try:
        text = kr.get_password(DIENST, geraet)
    except keyring.errors.KeyringError as e:
        raise _keychain_fehler(e, "der Geräteschlüssel für den Abgleich kann nicht gelesen werden") from None
    if text is None:
        return None
    roh = aus_b64(text, 32)
    if roh is None:
        raise SchluesselbundFehler(
            "Der Geräteschlüssel im Schlüsselbund ist beschädigt. ozgdesk legt beim nächsten Abgleich eine neue "
            "Geräteidentität an, die von der Koordination freigegeben werden muss."
        )
    return Geraeteschluessel(geraet, Ed25519PrivateKey.from_private_bytes(roh))


def anlegen(geraet: str) -> Geraeteschluessel:
    """Create a new key pair for ``geraet`` and store its private half in the keychain only."""
    privat = Ed25519PrivateKey.generate()
    roh = privat.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    kr = _backend_pruefen()
    try:
        kr.set_password(DIENST, geraet, b64(roh))
    except keyring.errors.KeyringError as e:
        raise _keychain_fehler(e, "der neue Geräteschlüssel konnte nicht gespeichert werden") from None
    return Geraeteschluessel(geraet, privat)
