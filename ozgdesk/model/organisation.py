"""Who is involved: the Ressort with its Koordinierungsreferat, its Behörden and the people."""

from __future__ import annotations

import re

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, CodeTyp
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Verwaltungsart, ist_email

_TELEFON_RE = re.compile(r"^[+0-9][0-9 /()\-]{4,30}$")


class Ressort(Base):
    """The ministry that uses this store. A store holds exactly one Ressort."""

    __tablename__ = "ressort"
    __label__ = "Ressort"
    __kennfelder__ = ("kurzname", "name")
    __feldnamen__ = {"kurzname": "Kurzname", "name": "Name", "koordinierungsreferat": "Koordinierungsreferat",
                     "ansprechpartner_id": "Ansprechpartner", "anschrift": "Anschrift", "postfach": "Funktionspostfach",
                     "empfaenger": "Empfänger der Berichte"}

    kurzname: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    koordinierungsreferat: Mapped[str] = mapped_column(String(100), default="")
    ansprechpartner_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None)
    anschrift: Mapped[str] = mapped_column(Text, default="")
    postfach: Mapped[str] = mapped_column(String(200), default="")
    #: who receives reports and submissions; empty = :data:`ozgdesk.model.empfaenger.STANDARD` (BMDS)
    empfaenger: Mapped[str] = mapped_column(String(200), default="")

    def pruefen(self) -> None:
        if not (self.kurzname or "").strip():
            raise Eingabefehler("Ressort: Kurzname fehlt.")
        if not (self.name or "").strip():
            raise Eingabefehler("Ressort: Name fehlt.")


class Behoerde(Base):
    """An authority in the Ressort's Geschäftsbereich.

    A mittelbare Behörde may receive programme money only with an Erstattungsanspruch; the flag is
    kept here and checked by the Anlage A validation.
    """

    __tablename__ = "behoerde"
    __label__ = "Behörde"
    __kennfelder__ = ("kurzname", "name")
    __feldnamen__ = {"name": "Name", "kurzname": "Kurzname", "art": "Verwaltungsart",
                     "erstattungsanspruch": "Erstattungsanspruch", "anschrift": "Anschrift"}

    name: Mapped[str] = mapped_column(String(200))
    kurzname: Mapped[str] = mapped_column(String(30), default="")
    art: Mapped[Verwaltungsart] = mapped_column(CodeTyp(Verwaltungsart))
    erstattungsanspruch: Mapped[bool] = mapped_column(Boolean, default=False)
    anschrift: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if not (self.name or "").strip():
            raise Eingabefehler("Behörde: Name fehlt.")
        if self.art is Verwaltungsart.UNMITTELBAR and self.erstattungsanspruch:
            raise Eingabefehler(
                f"Behörde „{self.name}“: Ein Erstattungsanspruch ist nur bei mittelbarer "
                "Bundesverwaltung vorgesehen."
            )


class Person(Base):
    """A Projektleiter or Ansprechpartner. Personal data: never in the public online monitoring."""

    __tablename__ = "person"
    __label__ = "Person"
    __kennfelder__ = ("name",)
    __feldnamen__ = {"name": "Name", "funktion": "Funktion", "referat": "Referat", "behoerde_id": "Behörde",
                     "email": "E-Mail", "telefon": "Telefon"}

    name: Mapped[str] = mapped_column(String(120))
    funktion: Mapped[str] = mapped_column(String(120), default="")
    referat: Mapped[str] = mapped_column(String(60), default="")
    behoerde_id: Mapped[str | None] = mapped_column(ForeignKey("behoerde.id"), default=None)
    email: Mapped[str] = mapped_column(String(200), default="")
    telefon: Mapped[str] = mapped_column(String(40), default="")

    def pruefen(self) -> None:
        if not (self.name or "").strip():
            raise Eingabefehler("Person: Name fehlt.")
        if self.email and not ist_email(self.email):
            raise Eingabefehler(f"Person „{self.name}“: „{self.email}“ ist keine gültige E-Mail-Adresse.")
        if self.telefon and not _TELEFON_RE.match(self.telefon):
            raise Eingabefehler(f"Person „{self.name}“: „{self.telefon}“ ist keine gültige Telefonnummer.")
