"""Signed submission packages: who sent it, checkable by the receiver.

The hashes in ``manifest.json`` prove that nothing changed *if* the receiver trusts the manifest;
the signature makes the manifest trustworthy. With the Ressort's certificate:

* ``manifest.json.p7s`` – a detached CMS signature over the bytes of ``manifest.json`` in CAdES-BES
  form (signed attributes content-type, message-digest, signing-time and signing-certificate-v2,
  made with pyHanko, which writes CAdES properly; ``cryptography``'s PKCS7 builder has no
  signing-certificate-v2). It covers every file through the hashes.
* every PDF carries a PAdES-B-B signature (pyHanko, an incremental update, so the PDF – also a
  PDF/A-2b final – stays valid and a PDF filed alone in the E-Akte still shows who signed it).
  The PDFs are signed before their hashes go into the manifest.

The certificate comes from a PKCS#12 file (``.p12``/``.pfx``): its path is a device-local setting
(``meta`` key :data:`EINSTELLUNG`), its password lives only in the OS keychain (service
:data:`DIENST`, never in the database, settings, logs or exports) or is asked for / read from
stdin by the CLI. A Linux „OS store“ has no Python library that would make it reasonable (NSS or
p11-kit only through PKCS#11 with a native module), so PKCS#12 is the supported source; smart
cards would come through pyHanko's PKCS#11 signer later.

Verification (:func:`pruefen_manifest`, :func:`pruefen_pdf`) reports each check separately, in
German: the signature matches the content, the chain leads to the CA the receiver names
(``--ca``), the certificate was valid at the signing time, its key usage allows signatures, and
who signed, when and with which certificate (SHA-256 fingerprint). The signing time is the
signer's own statement (no time-stamp authority is involved); it must not lie in the future.
Revocation (CRL/OCSP) is not checked: the check runs offline.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ozgdesk.dateien import eingabedatei_lesen
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.store import Store

log = logging.getLogger(__name__)

#: The detached CMS signature over ``manifest.json``.
MANIFEST_SIGNATUR = "manifest.json.p7s"
#: What the manifest says about a signed package (schema field ``signatur.verfahren``).
VERFAHREN = "CAdES-BES/PAdES-B-B"
#: Device-local setting (``meta`` table): path of the PKCS#12 file.
EINSTELLUNG = "signatur.zertifikat"
#: Keychain service of the PKCS#12 password; the key is the file's absolute path.
DIENST = "ozgdesk-signatur"
HOECHSTENS_PKCS12 = 1024 * 1024
HOECHSTENS_CA = 1024 * 1024
HOECHSTENS_P7S = 1024 * 1024
#: A signing time further ahead than this (clock skew between machines) is refused.
ZUKUNFT = timedelta(minutes=10)
_SIGNATURFELD = "Signatur_Einreichung"

# pyHanko logs every failed path search with its traceback at WARNING; a foreign certificate is an
# expected result here, reported in German, not a program error for the technical log.
logging.getLogger("pyhanko").setLevel(logging.ERROR)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.ERROR)


class Signaturfehler(Eingabefehler):
    """The certificate cannot be used to sign (file, password, validity, key usage)."""


# ============================================================================== certificate details
def _attribut(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    werte = name.get_attributes_for_oid(oid)
    return str(werte[0].value) if werte else ""


def fingerabdruck(der: bytes) -> str:
    """SHA-256 of a certificate as people compare it: ``AB:CD:…`` (32 pairs)."""
    h = hashlib.sha256(der).hexdigest().upper()
    return ":".join(h[i:i + 2] for i in range(0, 64, 2))


def zeit_text(t: datetime) -> str:
    """A moment in local time, German: ``14.10.2026, 10:32:05 Uhr``."""
    return t.astimezone().strftime("%d.%m.%Y, %H:%M:%S Uhr")


def _tag(t: datetime) -> str:
    return t.astimezone().strftime("%d.%m.%Y")


@dataclass(frozen=True)
class Zertifikatsangaben:
    """Who a certificate names and how to recognise it."""

    name: str
    organisation: str
    aussteller: str
    fingerabdruck: str
    sha256: str
    gueltig_von: datetime
    gueltig_bis: datetime
    #: the key usage allows signatures (digitalSignature or nonRepudiation; no extension: any use)
    zum_signieren: bool
    schluesselverwendung: str

    @classmethod
    def aus(cls, cert: x509.Certificate) -> Zertifikatsangaben:
        der = cert.public_bytes(serialization.Encoding.DER)
        try:
            ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
            arten = [t for an, t in ((ku.digital_signature, "digitale Signatur"),
                                     (ku.content_commitment, "Nichtabstreitbarkeit"),
                                     (ku.key_encipherment, "Schlüsselverschlüsselung"),
                                     (ku.key_cert_sign, "Zertifikatssignatur")) if an]
            zum_signieren = ku.digital_signature or ku.content_commitment
            verwendung = ", ".join(arten) or "keine"
        except x509.ExtensionNotFound:
            zum_signieren, verwendung = True, "nicht eingeschränkt"
        aussteller = _attribut(cert.issuer, NameOID.COMMON_NAME) or cert.issuer.rfc4514_string()
        org_aussteller = _attribut(cert.issuer, NameOID.ORGANIZATION_NAME)
        return cls(
            name=_attribut(cert.subject, NameOID.COMMON_NAME) or cert.subject.rfc4514_string(),
            organisation=_attribut(cert.subject, NameOID.ORGANIZATION_NAME),
            aussteller=f"{aussteller} ({org_aussteller})" if org_aussteller else aussteller,
            fingerabdruck=fingerabdruck(der), sha256=hashlib.sha256(der).hexdigest(),
            gueltig_von=cert.not_valid_before_utc, gueltig_bis=cert.not_valid_after_utc,
            zum_signieren=zum_signieren, schluesselverwendung=verwendung)

    @property
    def wer(self) -> str:
        """„Karin Brenner (Bundesministerium für Arbeit und Soziales)“."""
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    @property
    def gueltigkeit(self) -> str:
        return f"gültig vom {_tag(self.gueltig_von)} bis {_tag(self.gueltig_bis)}"


def _asn1(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as ax509

    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _pyhanko() -> None:
    """pyHanko is imported on first use (a quarter second), and its import-time deprecation
    warning of ``cryptography`` about DSA (which ozgdesk never uses) is silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pyhanko.sign.signers  # noqa: F401
        import pyhanko.sign.validation  # noqa: F401


# ========================================================================================= signing
class Unterzeichner:
    """A certificate with its private key, loaded for one submission (the key stays in memory)."""

    def __init__(self, cert: x509.Certificate, schluessel: Any, weitere: list[x509.Certificate]) -> None:
        _pyhanko()
        from asn1crypto import keys
        from pyhanko.sign.signers.pdf_cms import SimpleSigner
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.angaben = Zertifikatsangaben.aus(cert)
        der = schluessel.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
        self._signer = SimpleSigner(signing_cert=_asn1(cert), signing_key=keys.PrivateKeyInfo.load(der),
                                    cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in weitere]))

    def pdf_signieren(self, pdf: bytes, *, grund: str) -> bytes:
        """The PDF with a PAdES-B-B signature appended as an incremental update."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(field_name=_SIGNATURFELD, subfilter=fields.SigSeedSubFilter.PADES,
                                            md_algorithm="sha256", reason=grund, name=self.angaben.name)
        schreiber = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        aus = _pdfa_signierer(signers.PdfSigner)(meta, signer=self._signer).sign_pdf(schreiber)
        return aus.getvalue()

    def manifest_signieren(self, manifest: bytes, zeitpunkt: datetime) -> bytes:
        """A detached CAdES-BES signature (DER) over the manifest's bytes."""
        from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

        info = asyncio.run(self._signer.async_sign_general_data(
            manifest, "sha256", detached=True, use_cades=True,
            signed_attr_settings=PdfCMSSignedAttributes(signing_time=zeitpunkt)))
        return info.dump()


def _pdfa_signierer(basis: Any) -> Any:
    """pyHanko's PdfSigner that keeps the file at PDF 1.7.

    PDF/A-2 is built on ISO 32000-1 (PDF 1.7) and forbids a higher version. pyHanko declares PDF 2.0
    (ISO 32002) as soon as the key is ECDSA on a NIST or Brainpool curve – keys the federal PKIs hand
    out – which would turn every signed PDF/A-2b into an invalid one. PAdES itself (ETSI EN 319 142)
    needs only the ESIC extension, which a 1.7 file declares; that is all this registers."""
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers.constants import ESIC_EXTENSION_1

    class PdfA2Signierer(basis):
        def register_extensions(self, pdf_out: Any, *, md_algorithm: str) -> None:
            if self.signature_meta.subfilter == SigSeedSubFilter.PADES:
                pdf_out.ensure_output_version(version=(1, 7))
                pdf_out.register_extension(ESIC_EXTENSION_1)

    return PdfA2Signierer


def pkcs12_laden(daten: bytes, passwort: str, *, datei: str = "die Zertifikatsdatei",
                 jetzt: datetime | None = None) -> Unterzeichner:
    """Load a PKCS#12 file's key and certificate; German :class:`Signaturfehler` on every problem
    (no PKCS#12, wrong password, no key, expired, not for signatures). The password is never
    part of a message or a log line."""
    from asn1crypto import pkcs12 as apkcs12

    try:
        apkcs12.Pfx.load(daten).native  # noqa: B018 - parses the whole structure
    except Exception:  # noqa: BLE001 - any parser error means the same to the user
        raise Signaturfehler(f"{datei} ist keine PKCS#12-Datei (.p12/.pfx mit Zertifikat und Schlüssel).") from None
    try:
        schluessel, cert, weitere = pkcs12.load_key_and_certificates(daten, passwort.encode("utf-8"))
    except UnsupportedAlgorithm:
        raise Signaturfehler(f"{datei} ist mit einem veralteten Verfahren verschlüsselt, das nicht mehr unterstützt "
                             "wird; bitte die Datei mit AES-256 neu exportieren.") from None
    except ValueError:
        raise Signaturfehler(f"Das Passwort für {datei} ist falsch (oder die Datei ist beschädigt). "
                             "Es wurde nichts signiert.") from None
    if schluessel is None or cert is None:
        raise Signaturfehler(f"{datei} enthält kein Zertifikat mit privatem Schlüssel.")
    if schluessel.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
            != cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo):
        raise Signaturfehler(f"In {datei} passt der private Schlüssel nicht zum Zertifikat.")
    angaben = Zertifikatsangaben.aus(cert)
    jetzt = jetzt or datetime.now(UTC)
    if jetzt > angaben.gueltig_bis:
        raise Signaturfehler(f"Das Zertifikat „{angaben.wer}“ aus {datei} ist am {_tag(angaben.gueltig_bis)} "
                             "abgelaufen; mit ihm wird nicht mehr signiert. Bitte ein gültiges Zertifikat einrichten.")
    if jetzt < angaben.gueltig_von:
        raise Signaturfehler(f"Das Zertifikat „{angaben.wer}“ aus {datei} gilt erst ab {_tag(angaben.gueltig_von)}.")
    if not angaben.zum_signieren:
        raise Signaturfehler(f"Das Zertifikat „{angaben.wer}“ aus {datei} ist nicht zum Signieren bestimmt "
                             f"(Schlüsselverwendung: {angaben.schluesselverwendung}).")
    return Unterzeichner(cert, schluessel, list(weitere))


def pkcs12_datei_laden(pfad: str | os.PathLike[str], passwort: str) -> Unterzeichner:
    daten = eingabedatei_lesen(pfad, hoechstens=HOECHSTENS_PKCS12, art="eine PKCS#12-Datei (.p12/.pfx)")
    return pkcs12_laden(daten, passwort, datei=f"„{pfad}“")


# ======================================================================================== settings
def _pfad(pfad: str | os.PathLike[str]) -> str:
    return str(Path(pfad).expanduser().resolve())


def passwort_holen(pfad: str) -> str | None:
    """The stored password of a PKCS#12 file, None if the keychain has none."""
    import keyring.errors

    from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

    try:
        return _backend_pruefen().get_password(DIENST, _pfad(pfad))
    except keyring.errors.KeyringLocked:
        raise SchluesselbundFehler("Der Schlüsselbund ist gesperrt; das Passwort des Signaturzertifikats kann nicht "
                                   "gelesen werden. Bitte den Schlüsselbund entsperren.") from None
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(f"Der Schlüsselbund ist nicht verfügbar ({type(e).__name__}); das Passwort des "
                                   "Signaturzertifikats kann nicht gelesen werden.") from None


def _passwort_speichern(pfad: str, passwort: str) -> None:
    import keyring.errors

    from ozgdesk.sync.zugang import SchluesselbundFehler, _backend_pruefen

    try:
        _backend_pruefen().set_password(DIENST, _pfad(pfad), passwort)
    except keyring.errors.KeyringError as e:
        raise SchluesselbundFehler(f"Das Passwort des Signaturzertifikats konnte nicht im Schlüsselbund gespeichert "
                                   f"werden ({type(e).__name__}). Ist der Schlüsselbund verfügbar und entsperrt?") from None


def einrichten(store: Store, pfad: str | os.PathLike[str], passwort: str) -> Zertifikatsangaben:
    """Check the certificate with its password, then remember the file (setting) and the password
    (keychain). Nothing is stored if the check fails."""
    u = pkcs12_datei_laden(pfad, passwort)
    _passwort_speichern(_pfad(pfad), passwort)  # keychain first and outside any database write
    store.meta_setzen(EINSTELLUNG, _pfad(pfad))
    return u.angaben


def eingerichtet(store: Store) -> str | None:
    """The configured PKCS#12 file, None if packages are not signed on this device."""
    return store.meta(EINSTELLUNG) or None


def entfernen(store: Store) -> None:
    """Sign no more: forget the file and delete its password from the keychain."""
    import keyring.errors

    from ozgdesk.sync.zugang import _backend_pruefen

    pfad = eingerichtet(store)
    store.meta_setzen(EINSTELLUNG, "")
    if pfad:
        try:
            _backend_pruefen().delete_password(DIENST, pfad)
        except keyring.errors.KeyringError:  # nothing stored (PasswordDeleteError) or no keychain: nothing to remove
            pass


def eingerichteter_unterzeichner(store: Store, passwort: str | None = None) -> Unterzeichner | None:
    """The configured certificate, loaded with the password from the keychain (or ``passwort``);
    None if none is configured."""
    pfad = eingerichtet(store)
    if not pfad:
        return None
    passwort = passwort if passwort is not None else passwort_holen(pfad)
    if passwort is None:
        raise Signaturfehler(f"Für das Signaturzertifikat „{pfad}“ ist kein Passwort im Schlüsselbund hinterlegt. "
                             "Bitte „ozgdesk-cli signatur einrichten“ ausführen oder das Passwort angeben.")
    return pkcs12_datei_laden(pfad, passwort)


# ==================================================================================== verification
def ca_laden(pfad: str | os.PathLike[str]) -> list[x509.Certificate]:
    """The trust anchors a receiver names with ``--ca``: PEM (one or more certificates) or DER."""
    daten = eingabedatei_lesen(pfad, hoechstens=HOECHSTENS_CA, art="ein CA-Zertifikat (PEM oder DER)")
    try:
        certs = x509.load_pem_x509_certificates(daten) if b"-----BEGIN" in daten else [x509.load_der_x509_certificate(daten)]
    except ValueError:
        raise Eingabefehler(f"--ca: „{pfad}“ enthält kein lesbares Zertifikat (erwartet PEM oder DER).") from None
    if not certs:
        raise Eingabefehler(f"--ca: „{pfad}“ enthält kein Zertifikat.")
    return certs


@dataclass(frozen=True)
class Pruefpunkt:
    """One check of ``paket-pruefen``: the file, what was checked, ``ok``/``fehler``/``hinweis``, German text."""

    datei: str
    pruefung: str
    ergebnis: str
    text: str

    @property
    def fehler(self) -> bool:
        return self.ergebnis == "fehler"


@dataclass(frozen=True)
class Signaturbefund:
    """What the signature check of one file found."""

    punkte: list[Pruefpunkt]
    unterzeichner: Zertifikatsangaben | None = None
    zeitpunkt: datetime | None = None


def _ku_constraints() -> Any:
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    return KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


def _kontext(ca: list[x509.Certificate] | None, zeitpunkt: datetime | None) -> Any:
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(trust_roots=[_asn1(c) for c in ca or []], allow_fetching=False,
                             moment=zeitpunkt, revocation_mode="soft-fail")


def _status_punkte(datei: str, status: Any, ca: list[x509.Certificate] | None, jetzt: datetime,
                   inhalt: str = "") -> Signaturbefund:
    """The checks common to the manifest's and a PDF's signature, from pyHanko's status; ``inhalt``
    names the signed file when the signature is a file of its own (``manifest.json``)."""
    punkte: list[Pruefpunkt] = []

    def p(pruefung: str, ok: bool | None, text: str) -> None:
        punkte.append(Pruefpunkt(datei, pruefung, "hinweis" if ok is None else ("ok" if ok else "fehler"), text))

    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    angaben = Zertifikatsangaben.aus(cert)
    zeitpunkt = status.signer_reported_dt
    if not status.intact:
        p("Signatur", False, f"Die Signatur passt nicht zum Inhalt{' von ' + inhalt if inhalt else ''}: "
                             f"{inhalt or 'die Datei'} wurde nach dem Signieren verändert.")
    elif not status.valid:
        p("Signatur", False, "Die Signatur ist ungültig (der Signaturwert passt nicht zum Zertifikat).")
    else:
        p("Signatur", True, f"mathematisch gültig, unterzeichnet von {angaben.wer}")
    p("Zertifikat", None, f"SHA-256 {angaben.fingerabdruck}, ausgestellt von {angaben.aussteller}, {angaben.gueltigkeit}")
    if zeitpunkt is None:
        p("Signaturzeitpunkt", False, "Die Signatur nennt keinen Zeitpunkt.")
    elif zeitpunkt > jetzt + ZUKUNFT:
        p("Signaturzeitpunkt", False, f"Der Signaturzeitpunkt {zeit_text(zeitpunkt)} liegt in der Zukunft.")
    else:
        p("Signaturzeitpunkt", None, f"{zeit_text(zeitpunkt)} (Angabe des Unterzeichners, kein Zeitstempel)")
        if not angaben.gueltig_von <= zeitpunkt <= angaben.gueltig_bis:
            p("Gültigkeit", False, f"Das Zertifikat war zum Signaturzeitpunkt nicht gültig ({angaben.gueltigkeit}).")
        else:
            nachher = " – inzwischen abgelaufen" if jetzt > angaben.gueltig_bis else ""
            p("Gültigkeit", True, f"zum Signaturzeitpunkt gültig ({angaben.gueltigkeit}{nachher})")
    p("Schlüsselverwendung", angaben.zum_signieren,
      f"{angaben.schluesselverwendung}" + ("" if angaben.zum_signieren else " – nicht zum Signieren bestimmt"))
    if ca is None:
        p("Zertifikatskette", None, "nicht geprüft (ohne --ca ist nur sicher, dass der Inhalt zur Signatur passt, "
                                    "nicht wer sie geleistet hat)")
    elif status.trust_problem_indic is None and status.validation_path is not None:
        p("Zertifikatskette", True, f"führt zur angegebenen Zertifizierungsstelle "
                                    f"{Zertifikatsangaben.aus(_wurzel(status, ca)).wer}")
    else:
        p("Zertifikatskette", False, _kettenproblem(status, ca, angaben))
    return Signaturbefund(punkte, angaben, zeitpunkt)


def _wurzel(status: Any, ca: list[x509.Certificate]) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(status.validation_path[0].dump())
    except Exception:  # noqa: BLE001 - only for the name in the message
        return ca[0]


def _kettenproblem(status: Any, ca: list[x509.Certificate], angaben: Zertifikatsangaben) -> str:
    namen = ", ".join(Zertifikatsangaben.aus(c).wer for c in ca)
    art = getattr(status.trust_problem_indic, "name", "")
    if art in ("NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE"):
        # the second also when a CA of the same name (a forged one) issued it: the name matches, the signature not
        return (f"Das Zertifikat „{angaben.wer}“ (ausgestellt von {angaben.aussteller}) stammt nicht von der "
                f"angegebenen Zertifizierungsstelle {namen}: die Zertifikatskette führt nicht zu ihr.")
    if art in ("OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "EXPIRED"):
        return f"Ein Zertifikat der Kette war zum Signaturzeitpunkt nicht gültig (Zertifizierungsstelle {namen})."
    if art in ("REVOKED_NO_POE", "REVOKED"):
        return "Das Zertifikat ist widerrufen."
    if art == "CHAIN_CONSTRAINTS_FAILURE":
        return f"Die Zertifikatskette zu {namen} ist ungültig (Einschränkungen der Kette verletzt)."
    return f"Die Zertifikatskette zu {namen} ließ sich nicht bestätigen ({art or 'unbekannter Grund'})."


def _unpruefbar(e: Exception, was: str) -> str:
    """A signature pyHanko refuses to evaluate, in German (the technical reason is in the log)."""
    from pyhanko.sign.validation.errors import SignatureValidationError

    if isinstance(e, SignatureValidationError):  # e.g. signing-certificate-v2 no longer matches the certificate
        return (f"Die Signatur ist ungültig: die {was} ist beschädigt oder wurde verändert (die signierten Angaben "
                "passen nicht zum enthaltenen Zertifikat).")
    return f"Die Signatur lässt sich nicht prüfen: die {was} ist beschädigt."


def _unsignierte_teile(signed: Any, ca: list[x509.Certificate] | None) -> str | None:
    """What a CMS signature does not protect by itself, checked strictly: the list of digest
    algorithms, the version and the certificates carried along. Every CMS verifier accepts changes
    there; a receiver of ozgdesk packages learns of any changed byte of the signature file."""
    si = signed["signer_infos"][0]
    if [a.dump() for a in signed["digest_algorithms"]] != [si["digest_algorithm"].dump()]:
        return "Die Signaturdatei wurde verändert (Liste der Hashverfahren passt nicht zur Signatur)."
    erwartet = "v1" if si["sid"].name == "issuer_and_serial_number" else "v3"
    if signed["version"].native != erwartet or si["version"].native != erwartet:
        return "Die Signaturdatei wurde verändert (Versionsangabe passt nicht zur Signatur)."
    try:
        beutel = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"]]
    except Exception:  # noqa: BLE001 - hostile bytes; cryptography raises several kinds (InvalidVersion …)
        return "Die Signaturdatei enthält ein beschädigtes Zertifikat."
    anker = list(ca or [])
    for c in beutel:
        gleichnamig = [a for a in anker if a.subject == c.subject]
        if gleichnamig and c not in gleichnamig:
            return (f"Die Signaturdatei enthält ein Zertifikat „{Zertifikatsangaben.aus(c).wer}“, das den Namen der "
                    "angegebenen Zertifizierungsstelle trägt, aber nicht ihr Zertifikat ist.")
        aussteller = [k for k in [*beutel, *anker] if k.subject == c.issuer]
        if not aussteller:
            if ca is not None:  # with a CA named, every certificate carried along must belong to a chain
                return f"Die Signaturdatei enthält ein Zertifikat „{Zertifikatsangaben.aus(c).wer}“ ohne Aussteller."
            continue
        if not any(_ausgestellt_von(c, k) for k in aussteller):
            return (f"Die Signaturdatei enthält ein verändertes oder falsch ausgestelltes Zertifikat "
                    f"„{Zertifikatsangaben.aus(c).wer}“.")
    return None


def _ausgestellt_von(cert: x509.Certificate, aussteller: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(aussteller)
        return True
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False


def pruefen_manifest(manifest: bytes, p7s: bytes, ca: list[x509.Certificate] | None,
                     jetzt: datetime | None = None) -> Signaturbefund:
    """Check the detached CMS signature ``manifest.json.p7s`` over ``manifest`` (and, with ``ca``,
    the certificate chain at the signing time)."""
    _pyhanko()
    from asn1crypto import cms
    from pyhanko.sign.validation import async_validate_detached_cms
    from pyhanko.sign.validation.generic_cms import extract_self_reported_ts

    jetzt = jetzt or datetime.now(UTC)
    try:
        info = cms.ContentInfo.load(p7s)
        if info["content_type"].native != "signed_data":
            raise ValueError("kein SignedData")
        signed = info["content"]
        signed.native  # noqa: B018 - asn1crypto parses lazily: every part now, while errors mean „unreadable“
        if len(signed["signer_infos"]) != 1:
            raise ValueError("nicht genau eine Signatur")
        zeitpunkt = extract_self_reported_ts(signed["signer_infos"][0])
    except Exception:  # noqa: BLE001 - hostile file: any parser error is „unreadable“
        return Signaturbefund([Pruefpunkt(MANIFEST_SIGNATUR, "Signatur", "fehler",
                                          "Die Signaturdatei ist keine lesbare CMS-Signatur.")])
    try:
        problem = _unsignierte_teile(signed, ca)
    except Exception as e:  # noqa: BLE001 - hostile file
        log.warning("Signaturdatei nicht lesbar: %r", e)
        problem = "Die Signaturdatei ist keine lesbare CMS-Signatur."
    try:
        status = asyncio.run(async_validate_detached_cms(manifest, signed, _kontext(ca, zeitpunkt),
                                                         key_usage_settings=_ku_constraints()))
    except Exception as e:  # noqa: BLE001 - malformed content inside a readable structure
        log.warning("Manifestsignatur nicht prüfbar: %r", e)
        return Signaturbefund([Pruefpunkt(MANIFEST_SIGNATUR, "Signatur", "fehler", problem or _unpruefbar(e, "Signaturdatei"))])
    befund = _status_punkte(MANIFEST_SIGNATUR, status, ca, jetzt, inhalt="manifest.json")
    if problem:  # reported next to who signed, not instead of it
        befund.punkte.insert(1, Pruefpunkt(MANIFEST_SIGNATUR, "Signaturdatei", "fehler", problem))
    return befund


def pruefen_pdf(name: str, pdf: bytes, ca: list[x509.Certificate] | None,
                jetzt: datetime | None = None) -> Signaturbefund:
    """Check the PAdES signature of a PDF: exactly one, covering the whole file."""
    _pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature

    jetzt = jetzt or datetime.now(UTC)
    try:
        signaturen = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as e:  # noqa: BLE001 - hostile file
        log.warning("PDF %s nicht lesbar: %r", name, e)
        return Signaturbefund([Pruefpunkt(name, "Signatur", "fehler", "Die PDF-Datei lässt sich nicht lesen.")])
    if not signaturen:
        return Signaturbefund([Pruefpunkt(name, "Signatur", "fehler", "Die PDF-Datei ist nicht signiert.")])
    sig = signaturen[-1]
    try:
        zeitpunkt = sig.self_reported_timestamp
        status = asyncio.run(async_validate_pdf_signature(sig, _kontext(ca, zeitpunkt),
                                                          key_usage_settings=_ku_constraints()))
    except Exception as e:  # noqa: BLE001 - malformed signature inside a readable PDF
        log.warning("PDF-Signatur %s nicht prüfbar: %r", name, e)
        return Signaturbefund([Pruefpunkt(name, "Signatur", "fehler", _unpruefbar(e, "PDF-Signatur"))])
    befund = _status_punkte(name, status, ca, jetzt)
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.intact and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        befund.punkte.insert(1, Pruefpunkt(name, "Umfang", "fehler", "Die Signatur deckt nicht die ganze Datei: "
                                           "nach dem Signieren wurde etwas angehängt."))
    if len(signaturen) > 1:
        befund.punkte.append(Pruefpunkt(name, "Umfang", "hinweis", f"{len(signaturen)} Signaturen; geprüft ist die letzte."))
    return befund


def lesen(pfad: Path) -> bytes:
    """A signature file of a package, read as hostile input (regular file, at most 1 MiB)."""
    return eingabedatei_lesen(pfad, hoechstens=HOECHSTENS_P7S, art="eine Signaturdatei (CMS)")


__all__ = ["DIENST", "EINSTELLUNG", "MANIFEST_SIGNATUR", "Pruefpunkt", "Signaturbefund", "Signaturfehler",
           "Unterzeichner", "VERFAHREN", "Zertifikatsangaben", "ca_laden", "einrichten", "eingerichtet",
           "eingerichteter_unterzeichner", "entfernen", "fingerabdruck", "lesen", "pkcs12_datei_laden", "pkcs12_laden",
           "pruefen_manifest", "pruefen_pdf", "zeit_text"]
