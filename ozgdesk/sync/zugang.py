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

from ozgdesk.model.errors import OzgFehler

DIENST = "ozgdesk-abgleich"
#: Backends that would write the password in plain text: refused in every code path.
_UNSICHER = ("PlaintextKeyring", "UncryptedFileKeyring", "EncryptedKeyring")


class SchluesselbundFehler(OzgFehler):
    """The OS keychain is locked, missing or refused access (not a wrong password)."""


def _schluessel(ziel: str, benutzer: str) -> str:
    return f"{benutzer}@{ziel}"


def _backend_pruefen() -> None:
    kr = keyring.get_keyring()
    name = type(kr).__name__
    if name in _UNSICHER or name == "Keyring" and type(kr).__module__.startswith("keyring.backends.fail"):
        raise SchluesselbundFehler(
            "Es ist kein sicherer Schlüsselbund verfügbar (Schlüsselbund des Betriebssystems fehlt oder ist "
            "gesperrt). Das Passwort wird nicht in einer Datei gespeichert; bitte den Schlüsselbund entsperren "
            "oder einrichten."
        )


def passwort_speichern(ziel: str, benutzer: str, passwort: str) -> None:
    _backend_pruefen()
    try:
        keyring.set_password(DIENST, _schluessel(ziel, benutzer), passwort)
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler("Der Schlüsselbund ist gesperrt; bitte entsperren und erneut versuchen.") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(
            f"Das Passwort konnte nicht im Schlüsselbund gespeichert werden ({type(e).__name__}). "
            "Ist der Schlüsselbund des Betriebssystems verfügbar und entsperrt?"
        ) from None


def passwort_holen(ziel: str, benutzer: str) -> str:
    _backend_pruefen()
    try:
        pw = keyring.get_password(DIENST, _schluessel(ziel, benutzer))
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

