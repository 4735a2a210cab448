"""A small test PKI for signed submission packages: a CA, the Ressort's certificate as PKCS#12,
a foreign CA (also one that carries the same name, as a forger would), an expired certificate.

Built with ``cryptography`` in each test session (EC P-256: milliseconds), never checked in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORT = "Zertifikat-Passwort 2026!"


def _name(cn: str, o: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, o),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ku(*, signieren: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signieren, content_commitment=signieren, key_encipherment=not signieren and not ca,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@dataclass
class Stelle:
    """A certification authority: its certificate and key."""

    cert: x509.Certificate
    schluessel: ec.EllipticCurvePrivateKey

    @classmethod
    def neu(cls, cn: str = "Test-CA Verwaltungs-PKI", o: str = "Bund") -> Stelle:
        jetzt = datetime.now(UTC)
        k = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(cn, o)).issuer_name(_name(cn, o))
                .public_key(k.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(jetzt - timedelta(days=400)).not_valid_after(jetzt + timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(_ku(signieren=False, ca=True), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
                .sign(k, hashes.SHA256()))
        return cls(cert, k)

    def pem(self, pfad: Path) -> Path:
        pfad.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        return pfad

    def ausstellen(self, cn: str, o: str, *, von: timedelta = timedelta(days=-1), bis: timedelta = timedelta(days=365),
                   signieren: bool = True) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """A certificate valid from now+``von`` to now+``bis``."""
        jetzt = datetime.now(UTC)
        k = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name(cn, o)).issuer_name(self.cert.subject)
                .public_key(k.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(jetzt + von).not_valid_after(jetzt + bis)
                .add_extension(_ku(signieren=signieren), critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.schluessel.public_key()),
                               critical=False)
                .sign(self.schluessel, hashes.SHA256()))
        return cert, k

    def pkcs12(self, pfad: Path, cn: str = "Karin Brenner", o: str = "Bundesministerium für Arbeit und Soziales",
               passwort: str = PASSWORT, **kw: object) -> Path:
        """The Ressort's signing certificate with its key and this CA, as a password-protected PKCS#12 file."""
        cert, k = self.ausstellen(cn, o, **kw)  # type: ignore[arg-type]
        pfad.write_bytes(pkcs12.serialize_key_and_certificates(
            b"ressort", k, cert, [self.cert], serialization.BestAvailableEncryption(passwort.encode())))
        return pfad
