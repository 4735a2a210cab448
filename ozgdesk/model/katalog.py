"""The OZG-Umsetzungskatalog and the Ressort's own facts about its Leistungen.

Catalogue fields (name, Themenfeld, Lage, Typ, LeiKa) come from the official export and are replaced
by catalogue imports; Ressort-owned fields (scope, Behörde, Projektleiter, priority, planned online
date, Reifegrad history) are never touched by an import.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, CodeTyp
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import LEISTUNGSTYPEN, Lagenart, Reifegradmodell

#: The tables of the shipped OZG-Umsetzungskatalog: filled from the official export, replaced by
#: catalogue imports, the same for every Ressort – hundreds of rows (557 Leistungen, 55 Lagen) that
#: are not the Ressort's own work. The sync's delete guard (``replikation._loeschungen_pruefen``)
#: leaves them out of the Ressort's total, so that they cannot dilute the share of deleted
#: projects, payments or milestones. Leistung rows are catalogue rows although the Ressort adds
#: facts to them (scope, Behörde): those facts are fields, not rows; its own rows about Leistungen
#: (Verantwortung, Reifegrad-Bewertung) are counted.
KATALOGTABELLEN = frozenset({"themenfeld", "lage", "leistung", "leika_leistung", "leika_zuordnung"})

_OZG_ID_RE = re.compile(r"^\d{5}$")
_LEIKA_RE = re.compile(r"^\d{14}$")


class Themenfeld(Base):
    __tablename__ = "themenfeld"
    __label__ = "Themenfeld"
    __kennfelder__ = ("nummer",)
    __feldnamen__ = {"nummer": "Nummer", "name": "Name"}

    nummer: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100))


class Lage(Base):
    """A Lebenslage (citizens) or Geschäftslage (businesses) within a Themenfeld."""

    __tablename__ = "lage"
    __label__ = "Lage"
    __kennfelder__ = ("nummer",)
    __feldnamen__ = {"nummer": "Nummer", "name": "Name", "art": "Art", "themenfeld_id": "Themenfeld"}

    nummer: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(150))
    art: Mapped[Lagenart] = mapped_column(CodeTyp(Lagenart))
    themenfeld_id: Mapped[str] = mapped_column(ForeignKey("themenfeld.id"))


class Leistung(Base):
    """An OZG-Leistung (OZG-ID, 5 digits) with the Ressort's responsibility for it."""

    __tablename__ = "leistung"
    __label__ = "OZG-Leistung"
    __kennfelder__ = ("ozg_id",)
    #: German field labels for messages, the CLI and the forms (``felder.LEISTUNG_FELDER`` reads them).
    __feldnamen__ = {
        "ozg_id": "OZG-ID", "bezeichnung": "Bezeichnung", "typ": "Typ", "themenfeld_id": "Themenfeld",
        "lage_id": "Lage", "im_katalog": "im Katalog", "im_ressort": "Im Ressort", "behoerde_id": "Zuständige Behörde",
        "prioritaet": "Priorität", "geplant_online": "Geplant online ab", "ziel_reifegrad": "Ziel-Reifegrad",
        "bemerkung": "Bemerkung",
    }

    ozg_id: Mapped[str] = mapped_column(String(5), unique=True)
    bezeichnung: Mapped[str] = mapped_column(String(300))
    typ: Mapped[str | None] = mapped_column(String(10), default=None)
    themenfeld_id: Mapped[str] = mapped_column(ForeignKey("themenfeld.id"))
    lage_id: Mapped[str | None] = mapped_column(ForeignKey("lage.id"), default=None)
    im_katalog: Mapped[bool] = mapped_column(Boolean, default=True)
    # Ressort-owned facts
    im_ressort: Mapped[bool] = mapped_column(Boolean, default=False)
    behoerde_id: Mapped[str | None] = mapped_column(ForeignKey("behoerde.id"), default=None)
    prioritaet: Mapped[int | None] = mapped_column(Integer, default=None)
    geplant_online: Mapped[date | None] = mapped_column(Date, default=None)
    ziel_reifegrad: Mapped[int | None] = mapped_column(Integer, default=None)
    bemerkung: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if not _OZG_ID_RE.match(self.ozg_id or ""):
            raise Eingabefehler(f"OZG-ID „{self.ozg_id}“ ist ungültig (erwartet 5 Ziffern).")
        if not (self.bezeichnung or "").strip():
            raise Eingabefehler(f"OZG-Leistung {self.ozg_id}: Bezeichnung fehlt.")
        if self.typ is not None and self.typ not in LEISTUNGSTYPEN:
            raise Eingabefehler(f"OZG-Leistung {self.ozg_id}: Typ „{self.typ}“ ist unbekannt.")
        if self.prioritaet is not None and not 1 <= self.prioritaet <= 3:
            raise Eingabefehler(f"OZG-Leistung {self.ozg_id}: Priorität muss 1, 2 oder 3 sein.")
        if self.ziel_reifegrad is not None and not 0 <= self.ziel_reifegrad <= 4:
            raise Eingabefehler(
                f"OZG-Leistung {self.ozg_id}: Ziel-Reifegrad muss zwischen 0 und 4 liegen (Modell 1.1)."
            )


class LeistungVerantwortung(Base):
    """A Projektleiter responsible for an OZG-Leistung (at least one per Leistung in scope)."""

    __tablename__ = "leistung_verantwortung"
    __label__ = "Verantwortung"
    __feldnamen__ = {"leistung_id": "OZG-Leistung", "person_id": "Person"}
    __table_args__ = (UniqueConstraint("leistung_id", "person_id"),)

    leistung_id: Mapped[str] = mapped_column(ForeignKey("leistung.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("person.id"))


class LeikaLeistung(Base):
    """A single service of the federal Leistungskatalog.

    ``schluessel`` is the 14-digit LeiKa-Schlüssel, or None for the rows the export marks
    ``nicht im LeiKa`` (those are keyed by name instead).
    """

    __tablename__ = "leika_leistung"
    __label__ = "LeiKa-Leistung"
    __kennfelder__ = ("schluessel", "bezeichnung")
    __feldnamen__ = {"schluessel": "LeiKa-Schlüssel", "bezeichnung": "Bezeichnung", "typ": "Typ",
                     "rechtsgrundlage": "Rechtsgrundlage", "gesetze": "Gesetze", "gesetzeskuerzel": "Gesetzeskürzel",
                     "sdg1": "SDG Anhang I", "sdg2": "SDG Anhang II", "im_katalog": "im Katalog"}

    schluessel: Mapped[str | None] = mapped_column(String(14), default=None, index=True)
    bezeichnung: Mapped[str] = mapped_column(Text)
    typ: Mapped[str] = mapped_column(String(40), default="")
    rechtsgrundlage: Mapped[str] = mapped_column(Text, default="")
    gesetze: Mapped[str] = mapped_column(Text, default="")
    gesetzeskuerzel: Mapped[str] = mapped_column(Text, default="")
    sdg1: Mapped[bool] = mapped_column(Boolean, default=False)
    sdg2: Mapped[bool] = mapped_column(Boolean, default=False)
    im_katalog: Mapped[bool] = mapped_column(Boolean, default=True)

    def pruefen(self) -> None:
        if self.schluessel is not None and not _LEIKA_RE.match(self.schluessel):
            raise Eingabefehler(f"LeiKa-Schlüssel „{self.schluessel}“ ist ungültig (erwartet 14 Ziffern).")


class LeikaZuordnung(Base):
    """Which LeiKa-Leistung belongs to which OZG-Leistung (a key can occur under several OZG-IDs)."""

    __tablename__ = "leika_zuordnung"
    __label__ = "LeiKa-Zuordnung"
    __feldnamen__ = {"leika_id": "LeiKa-Leistung", "leistung_id": "OZG-Leistung"}
    __table_args__ = (UniqueConstraint("leika_id", "leistung_id"),)

    leika_id: Mapped[str] = mapped_column(ForeignKey("leika_leistung.id"))
    leistung_id: Mapped[str] = mapped_column(ForeignKey("leistung.id"))


class ReifegradBewertung(Base):
    """One dated assessment of an OZG-Leistung's maturity, with the model version it uses."""

    __tablename__ = "reifegrad_bewertung"
    __label__ = "Reifegrad-Bewertung"
    __kennfelder__ = ("datum",)
    __feldnamen__ = {"leistung_id": "OZG-Leistung", "datum": "Datum", "modell": "Modell", "stufe": "Stufe",
                     "quelle": "Quelle", "bemerkung": "Bemerkung"}

    leistung_id: Mapped[str] = mapped_column(ForeignKey("leistung.id"), index=True)
    datum: Mapped[date] = mapped_column(Date)
    modell: Mapped[Reifegradmodell] = mapped_column(CodeTyp(Reifegradmodell))
    stufe: Mapped[int] = mapped_column(Integer)
    quelle: Mapped[str] = mapped_column(String(200), default="")
    bemerkung: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        hoechste = Reifegradmodell.parse(self.modell).hoechste_stufe
        if self.stufe is None or not 0 <= self.stufe <= hoechste:
            raise Eingabefehler(
                f"Reifegrad {self.stufe} ist im Modell {self.modell} nicht möglich (erlaubt: 0 bis {hoechste})."
            )
