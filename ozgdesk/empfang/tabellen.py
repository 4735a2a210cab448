"""The receiver's own tables: every package it read, and per package the figures of the overview.

A package is evidence like the frozen ``einreichung`` of the Ressort: a row is written once, in one
transaction together with its figures, and never changed; a correction arrives as a new Fassung
and becomes a new row. Rejected packages are rows too (``status = abgelehnt`` with the German
reason, without figures), so the overview can name them.

Only what the programme-wide overview needs is kept per package – per project the Mittelabfluss
(also per Haushaltsstelle), the milestones, the OZG-Leistungen with their Reifegrad and the
findings with the Ressort's Stellungnahmen – not free text such as risks or next steps: that stays
in the package on the share, whose path and manifest hash the row names.

The schema works on SQLite and PostgreSQL alike: amounts are ``BIGINT`` cents (a Ressort's
cumulated plan passes 2³¹ cents), timestamps ISO text in UTC (:class:`~ozgdesk.model.base.UtcZeit`),
and child rows name their project by Kennung instead of a generated key, so a package's rows go
into the database as a few multi-row INSERTs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ozgdesk.model.base import UtcZeit

#: ``paket.status``: verified and loaded / refused with a reason (nothing loaded).
GEPRUEFT = "geprueft"
ABGELEHNT = "abgelehnt"
#: Version of this schema, kept in ``einstellung``; a newer database is refused (see ``datenbank``).
SCHEMA_VERSION = 1


class EmpfangBasis(DeclarativeBase):
    """Base of the receiver's tables: a metadata of their own, apart from the Ressort's store."""


class Einstellung(EmpfangBasis):
    """Settings of the receiver (schema version, expected Ressorts, name in the documents' header)."""

    __tablename__ = "einstellung"

    schluessel: Mapped[str] = mapped_column(String(60), primary_key=True)
    wert: Mapped[str] = mapped_column(Text)


class Paket(EmpfangBasis):
    """One package as read: where, when, what it claims (Ressort, quarter, Fassung), who signed it,
    and whether it passed the check. Ressort, quarter and Fassung of a rejected package are what its
    manifest claims (None where it could not be read) – unverified, shown as such."""

    __tablename__ = "paket"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pfad: Mapped[str] = mapped_column(Text)
    #: SHA-256 of ``manifest.json``: the identity of a package (the manifest names every file's hash)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12))
    grund: Mapped[str | None] = mapped_column(Text)
    #: when the receiver read it
    eingang: Mapped[datetime] = mapped_column(UtcZeit)
    ressort: Mapped[str | None] = mapped_column(String(60))
    ressort_name: Mapped[str | None] = mapped_column(Text)
    referat: Mapped[str | None] = mapped_column(Text)
    zeitraum: Mapped[str | None] = mapped_column(String(7))
    fassung: Mapped[int | None] = mapped_column(Integer)
    #: when the Ressort created it (manifest, covered by the signature): decides „verspätet“
    erstellt_am: Mapped[datetime | None] = mapped_column(UtcZeit)
    erstellt_von: Mapped[str | None] = mapped_column(Text)
    aktenzeichen: Mapped[str | None] = mapped_column(Text)
    stand: Mapped[date | None] = mapped_column(Date)
    signiert: Mapped[bool] = mapped_column(Boolean, default=False)
    #: „Karin Brenner (Bundesministerium für Arbeit und Soziales)“ from the certificate
    unterzeichner: Mapped[str | None] = mapped_column(Text)
    zertifikat_sha256: Mapped[str | None] = mapped_column(String(64))
    #: the certificate chain was checked against the CA the receiver named (``--ca``)
    ca_geprueft: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        # a package is loaded once, however often the tree is read and whoever reads it at the same time
        Index("paket_einmal_geladen", "manifest_sha256", unique=True,
              sqlite_where=text("status = 'geprueft'"), postgresql_where=text("status = 'geprueft'")),
        Index("paket_ressort_zeitraum", "ressort", "zeitraum"),
    )


def _paket_id() -> Mapped[int]:
    return mapped_column(ForeignKey("paket.id", ondelete="CASCADE"), index=True)


class ProjektMeldung(EmpfangBasis):
    """A project as one package reports it; the amounts only for fully funded projects."""

    __tablename__ = "projekt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paket_id: Mapped[int] = _paket_id()
    kennung: Mapped[str] = mapped_column(Text)
    titel: Mapped[str] = mapped_column(Text)
    behoerde: Mapped[str | None] = mapped_column(Text)
    finanzierung: Mapped[str] = mapped_column(String(20))
    #: the overall traffic light (``gruen``/``gelb``/``rot``)
    ampel: Mapped[str | None] = mapped_column(String(10))
    plan_quartal_cent: Mapped[int | None] = mapped_column(BigInteger)
    ist_quartal_cent: Mapped[int | None] = mapped_column(BigInteger)
    plan_jahr_cent: Mapped[int | None] = mapped_column(BigInteger)
    ist_jahr_cent: Mapped[int | None] = mapped_column(BigInteger)
    plan_gesamt_cent: Mapped[int | None] = mapped_column(BigInteger)
    ist_gesamt_cent: Mapped[int | None] = mapped_column(BigInteger)
    bewilligt_jahr_cent: Mapped[int | None] = mapped_column(BigInteger)
    bewilligt_gesamt_cent: Mapped[int | None] = mapped_column(BigInteger)
    #: person-days in the quarter as written in the package ("12.5"); projects with support services
    personentage_quartal: Mapped[str | None] = mapped_column(String(40))


class HaushaltsstelleMeldung(EmpfangBasis):
    """Plan and actual of one Haushaltsstelle of one project in one package."""

    __tablename__ = "haushaltsstelle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paket_id: Mapped[int] = _paket_id()
    projekt: Mapped[str] = mapped_column(Text)
    haushaltsstelle: Mapped[str] = mapped_column(String(60))
    plan_quartal_cent: Mapped[int] = mapped_column(BigInteger)
    ist_quartal_cent: Mapped[int] = mapped_column(BigInteger)
    plan_jahr_cent: Mapped[int] = mapped_column(BigInteger)
    ist_jahr_cent: Mapped[int] = mapped_column(BigInteger)
    plan_gesamt_cent: Mapped[int] = mapped_column(BigInteger)
    ist_gesamt_cent: Mapped[int] = mapped_column(BigInteger)


class MeilensteinMeldung(EmpfangBasis):
    """A milestone as reported: plan, forecast, actual and the status at the package's Stand."""

    __tablename__ = "meilenstein"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paket_id: Mapped[int] = _paket_id()
    projekt: Mapped[str] = mapped_column(Text)
    titel: Mapped[str] = mapped_column(Text)
    plan: Mapped[date | None] = mapped_column(Date)
    prognose: Mapped[date | None] = mapped_column(Date)
    ist: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30))


class LeistungMeldung(EmpfangBasis):
    """An OZG-Leistung of a project with its Reifegrad (level and model) as reported."""

    __tablename__ = "leistung"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paket_id: Mapped[int] = _paket_id()
    projekt: Mapped[str] = mapped_column(Text)
    ozg_id: Mapped[str] = mapped_column(String(60))
    bezeichnung: Mapped[str] = mapped_column(Text)
    reifegrad: Mapped[int | None] = mapped_column(Integer)
    modell: Mapped[str | None] = mapped_column(String(10))
    online: Mapped[bool] = mapped_column(Boolean)


class BefundMeldung(EmpfangBasis):
    """A finding of the Ressort's check as submitted, with its Stellungnahme where there is one."""

    __tablename__ = "befund"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    paket_id: Mapped[int] = _paket_id()
    befund: Mapped[str] = mapped_column(String(12))
    schwere: Mapped[str] = mapped_column(String(20))
    regel: Mapped[str] = mapped_column(Text)
    datensatz: Mapped[str] = mapped_column(Text)
    projekt: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    offen: Mapped[bool] = mapped_column(Boolean)
    stellungnahme: Mapped[str | None] = mapped_column(Text)
    stellungnahme_von: Mapped[str | None] = mapped_column(Text)


__all__ = ["ABGELEHNT", "BefundMeldung", "Einstellung", "EmpfangBasis", "GEPRUEFT", "HaushaltsstelleMeldung",
           "LeistungMeldung", "MeilensteinMeldung", "Paket", "ProjektMeldung", "SCHEMA_VERSION"]
