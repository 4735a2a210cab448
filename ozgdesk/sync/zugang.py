"""Credentials for the share: only in the OS keychain via ``keyring``, never in a file.

The store's settings hold the target and the user name; the password lives in the keychain under
service ``ozgdesk-abgleich`` and the key ``<user>@<target>``. Two failures look alike to a user
but need different actions, so they get different messages: the keychain is locked or missing
(:class:`SchluesselbundFehler`) versus the server refusing the password (HTTP 401, raised by the
backend as ``Anmeldefehler``).
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from ozgdesk.model.errors import OzgFehler

DIENST = "ozgdesk-abgleich"
#: Backends that would write the password in plain text: refused in every code path.
_UNSICHER = ("PlaintextKeyring", "UncryptedFileKeyring", "EncryptedKeyring")


class SchluesselbundFehler(OzgFehler):
    """The OS keychain is locked, missing or refused access (not a wrong password)."""


def _schluessel(ziel: str, benutzer: str) -> str:
    return f"{benutzer}@{ziel}"


def _unsicher(kr: object) -> bool:
    """A backend that writes the secret into a file (or stores nothing at all)."""
    modul = type(kr).__module__
    return type(kr).__name__ in _UNSICHER or modul.startswith(("keyring.backends.fail", "keyring.backends.null"))


def _backend_pruefen() -> KeyringBackend:
    """The keychain to use: the configured one if it is safe; from keyring's chain of backends only
    the safe ones. A chain would otherwise fall back to a plain-text file when the OS keychain
    refuses, and the refusal of plain text would be bypassed."""
    kr = keyring.get_keyring()
    kandidaten = list(getattr(kr, "backends", ())) if isinstance(kr, ChainerBackend) else [kr]
    sicher = [b for b in kandidaten if not _unsicher(b)]
    if not sicher:
        raise SchluesselbundFehler(
            "Es ist kein sicherer Schlüsselbund verfügbar (Schlüsselbund des Betriebssystems fehlt oder ist "
            "gesperrt). Das Passwort wird nicht in einer Datei gespeichert; bitte den Schlüsselbund entsperren "
            "oder einrichten."
        )
    return sicher[0]  # the chain's order is by priority: the OS keychain first


def passwort_speichern(ziel: str, benutzer: str, passwort: str) -> None:
    kr = _backend_pruefen()
    try:
        kr.set_password(DIENST, _schluessel(ziel, benutzer), passwort)
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler("Der Schlüsselbund ist gesperrt; bitte entsperren und erneut versuchen.") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(
            f"Das Passwort konnte nicht im Schlüsselbund gespeichert werden ({type(e).__name__}). "
            "Ist der Schlüsselbund des Betriebssystems verfügbar und entsperrt?"
        ) from None


def passwort_holen(ziel: str, benutzer: str) -> str:
    kr = _backend_pruefen()
    try:
        pw = kr.get_password(DIENST, _schluessel(ziel, benutzer))
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler(
            "Der Schlüsselbund ist gesperrt; das Passwort für den Abgleich kann nicht gelesen werden. "
            "Bitte den Schlüsselbund entsperren (das Passwort selbst ist nicht falsch)."
        ) from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(
            f"Der Schlüsselbund ist nicht verfügbar ({type(e).__name__}); das Passwort kann nicht gelesen werden."
        ) from None
    if pw is None:
        raise SchluesselbundFehler(
            f"Im Schlüsselbund ist kein Passwort für {benutzer} auf {ziel} hinterlegt. "
            "Bitte „ozgdesk-cli abgleich einrichten“ ausführen."
        )
    return pw

