"""Money and effort: approvals, the versioned Zahlungsplan, payments and person-days.

All amounts are integer cents (``*_cent``); person-days are exact decimals. The Zahlungsplan is
never edited in place once a version exists: a change makes a new version, so every report can say
which plan it measured against.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, CodeTyp, DezimalText, HaushaltsstelleTyp, QuartalTyp
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Haushaltsstelle, Kostenart, Quartal


class Bewilligung(Base):
    """Amount (and, for support projects, person-days) the BMI approved for a project and year."""

    __tablename__ = "bewilligung"
    __label__ = "Bewilligung"
    __kennfelder__ = ("jahr",)
    __feldnamen__ = {"projekt_id": "Projekt", "jahr": "Jahr", "betrag_cent": "Betrag", "personentage": "Personentage",
                     "datum": "Datum", "aktenzeichen": "Aktenzeichen"}
    __table_args__ = (UniqueConstraint("projekt_id", "jahr"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    jahr: Mapped[int] = mapped_column(Integer, info={"bereich": (2000, 2100)})
    betrag_cent: Mapped[int] = mapped_column(BigInteger, default=0)
    personentage: Mapped[Decimal | None] = mapped_column(DezimalText, default=None)
    datum: Mapped[date | None] = mapped_column(Date, default=None)
    aktenzeichen: Mapped[str] = mapped_column(String(60), default="")

    def pruefen(self) -> None:
        if self.betrag_cent is None or self.betrag_cent < 0:
            raise Eingabefehler(f"Bewilligung {self.jahr}: Betrag darf nicht negativ sein.")
        if self.personentage is not None and self.personentage < 0:
            raise Eingabefehler(f"Bewilligung {self.jahr}: Personentage dürfen nicht negativ sein.")


class Zahlungsplan(Base):
    """One version of a project's payment plan."""

    __tablename__ = "zahlungsplan"
    __label__ = "Zahlungsplan"
    __kennfelder__ = ("version",)
    __feldnamen__ = {"projekt_id": "Projekt", "version": "Version", "stand": "Stand", "bemerkung": "Bemerkung"}
    __table_args__ = (UniqueConstraint("projekt_id", "version"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, info={"bereich": (1, 10_000)})
    stand: Mapped[date] = mapped_column(Date)
    bemerkung: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if self.version is None or self.version < 1:
            raise Eingabefehler("Zahlungsplan: Version muss 1 oder größer sein.")


class ZahlungsplanPosition(Base):
    """Planned amount for one quarter × Haushaltsstelle × cost type within a plan version."""

    __tablename__ = "zahlungsplan_position"
    __label__ = "Zahlungsplan-Position"
    __kennfelder__ = ("quartal",)
    __feldnamen__ = {"zahlungsplan_id": "Zahlungsplan", "quartal": "Quartal", "haushaltsstelle": "Haushaltsstelle",
                     "kostenart": "Kostenart", "betrag_cent": "Planbetrag"}
    __table_args__ = (UniqueConstraint("zahlungsplan_id", "quartal", "haushaltsstelle", "kostenart"),)

    zahlungsplan_id: Mapped[str] = mapped_column(ForeignKey("zahlungsplan.id"), index=True)
    quartal: Mapped[Quartal] = mapped_column(QuartalTyp)
    haushaltsstelle: Mapped[Haushaltsstelle] = mapped_column(HaushaltsstelleTyp)
    kostenart: Mapped[Kostenart] = mapped_column(CodeTyp(Kostenart))
    betrag_cent: Mapped[int] = mapped_column(BigInteger)

    def pruefen(self) -> None:
        if self.betrag_cent is None or self.betrag_cent < 0:
            raise Eingabefehler(f"Zahlungsplan {self.quartal}: Planbetrag darf nicht negativ sein.")


class Mittelabfluss(Base):
    """Money actually paid out. Negative amounts are allowed for refunds (Rückzahlungen)."""

    __tablename__ = "mittelabfluss"
    __label__ = "Mittelabfluss"
    __kennfelder__ = ("referenz", "datum")
    __feldnamen__ = {"projekt_id": "Projekt", "datum": "Datum", "betrag_cent": "Betrag",
                     "haushaltsstelle": "Haushaltsstelle", "kostenart": "Kostenart", "referenz": "Referenz",
                     "bemerkung": "Bemerkung"}
    # (datum, betrag_cent) covers "sum of the payments in a period" (dashboard, reports) without
    # reading the table: 15 ms instead of 370 ms for a year of a million-line store. It also
    # serves every lookup by date alone, so no separate index on datum.
    __table_args__ = (Index("ix_mittelabfluss_datum_betrag", "datum", "betrag_cent"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    datum: Mapped[date] = mapped_column(Date)
    # indexed: the payments table (a million lines in large Ressorts) sorts by amount
    betrag_cent: Mapped[int] = mapped_column(BigInteger, index=True)
    haushaltsstelle: Mapped[Haushaltsstelle] = mapped_column(HaushaltsstelleTyp)
    kostenart: Mapped[Kostenart] = mapped_column(CodeTyp(Kostenart), default=Kostenart.DIENSTLEISTUNG)
    referenz: Mapped[str] = mapped_column(String(100), default="")
    bemerkung: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if self.betrag_cent is None or self.betrag_cent == 0:
            raise Eingabefehler(f"Mittelabfluss vom {self.datum}: Betrag fehlt.")
        # the upper bound (100 Mrd. €) is the generic one of every cent column (base.BIGINTEGER_BEREICH)


class Aufwand(Base):
    """Person-days of central support used by a project in a quarter, with what was delivered."""

    __tablename__ = "aufwand"
    __label__ = "Aufwand"
    __kennfelder__ = ("quartal",)
    __feldnamen__ = {"projekt_id": "Projekt", "quartal": "Quartal", "leistungsart": "Leistungsart",
                     "personentage": "Personentage", "leistungen": "erbrachte Leistungen"}
    __table_args__ = (UniqueConstraint("projekt_id", "quartal", "leistungsart"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    quartal: Mapped[Quartal] = mapped_column(QuartalTyp)
    leistungsart: Mapped[str] = mapped_column(String(60), default="Umsetzungsunterstützung")
    personentage: Mapped[Decimal] = mapped_column(DezimalText)
    leistungen: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if self.personentage is None or self.personentage < 0:
            raise Eingabefehler(f"Aufwand {self.quartal}: Personentage dürfen nicht negativ sein.")
