"""The records the catalogue import adds: one per applied import, and change requests to the BMI.

Both are ordinary entities: written through the change-log hook, exported with the Ressort and
replicated by the sync, so every device of the Ressort sees which catalogue version was applied
and which change requests are pending.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, CodeTyp, UtcZeit
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import DeutschesEnum, ist_email

_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class Katalogimport(Base):
    """One applied catalogue import: which file (name and SHA-256), when, by whom, what it changed."""

    __tablename__ = "katalogimport"
    __label__ = "Katalogimport"
    __feldnamen__ = {"datei": "Datei", "sha256": "Prüfsumme (SHA-256)", "format": "Format", "zeitpunkt": "Zeitpunkt",
                     "benutzer": "importiert von", "zeilen": "Zeilen der Datei", "themenfelder": "Themenfelder",
                     "lagen": "Lagen", "ozg_leistungen": "OZG-Leistungen", "leika_leistungen": "LeiKa-Leistungen",
                     "neu": "neue Leistungen", "entfernt": "entfernte Leistungen",
                     "markiert": "als „nicht mehr im Katalog“ markierte Leistungen", "umbenannt": "umbenannte Leistungen",
                     "geaendert": "geänderte Leistungen", "leika_neu": "neue LeiKa-Leistungen",
                     "leika_entfernt": "entfernte LeiKa-Leistungen", "leika_geaendert": "geänderte LeiKa-Leistungen",
                     "warnungen": "Hinweise"}

    datei: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(10))
    zeitpunkt: Mapped[datetime] = mapped_column(UtcZeit)
    benutzer: Mapped[str] = mapped_column(String(120), default="")
    zeilen: Mapped[int] = mapped_column(Integer, default=0)
    # the catalogue after the import
    themenfelder: Mapped[int] = mapped_column(Integer, default=0)
    lagen: Mapped[int] = mapped_column(Integer, default=0)
    ozg_leistungen: Mapped[int] = mapped_column(Integer, default=0)
    leika_leistungen: Mapped[int] = mapped_column(Integer, default=0)
    # what the import changed
    neu: Mapped[int] = mapped_column(Integer, default=0)
    entfernt: Mapped[int] = mapped_column(Integer, default=0)
    markiert: Mapped[int] = mapped_column(Integer, default=0)
    umbenannt: Mapped[int] = mapped_column(Integer, default=0)
    geaendert: Mapped[int] = mapped_column(Integer, default=0)
    leika_neu: Mapped[int] = mapped_column(Integer, default=0)
    leika_entfernt: Mapped[int] = mapped_column(Integer, default=0)
    leika_geaendert: Mapped[int] = mapped_column(Integer, default=0)
    warnungen: Mapped[int] = mapped_column(Integer, default=0)

    def pruefen(self) -> None:
        if not _SHA_RE.match(self.sha256 or ""):
            raise Eingabefehler(f"Katalogimport „{self.datei}“: SHA-256 „{self.sha256}“ ist ungültig.")


class Anforderungsart(DeutschesEnum):
    FEHLT = ("fehlt", "Leistung fehlt im Katalog")
    FEHLERHAFT = ("fehlerhaft", "Angaben im Katalog sind fehlerhaft")
    VERALTET = ("veraltet", "Leistung ist veraltet oder entfallen")


class Anforderungsstatus(DeutschesEnum):
    ENTWURF = ("entwurf", "Entwurf")
    VERSENDET = ("versendet", "versendet")
    UEBERNOMMEN = ("uebernommen", "in den Katalog übernommen")
    ABGELEHNT = ("abgelehnt", "von der Katalogpflege abgelehnt")
    ZURUECKGEZOGEN = ("zurueckgezogen", "zurückgezogen")


class Aenderungsanforderung(Base):
    """A request to the BMI to add, correct or remove a catalogue entry, with reasons and contact.

    ``leistung_id`` is empty for a Leistung that is missing from the catalogue; the proposed name
    and placement then go into ``vorschlag``. ``kennung`` (KA-2026-003) is for humans: it is numbered
    per year on the device that creates the request and is not guaranteed unique across devices,
    so commands also accept the record id.
    """

    __tablename__ = "aenderungsanforderung"
    __label__ = "Änderungsanforderung"
    __feldnamen__ = {"kennung": "Kennung", "art": "Art", "status": "Status", "leistung_id": "OZG-Leistung",
                     "betreff": "Betreff", "beschreibung": "Beschreibung", "vorschlag": "Vorschlag",
                     "begruendung": "Begründung", "ansprechpartner_id": "Ansprechpartner",
                     "empfaenger": "Empfänger (E-Mail)", "aktenzeichen": "Aktenzeichen", "erstellt_am": "erstellt am",
                     "versendet_am": "versendet am", "antwort": "Antwort der Katalogpflege"}

    kennung: Mapped[str] = mapped_column(String(20), index=True)
    art: Mapped[Anforderungsart] = mapped_column(CodeTyp(Anforderungsart))
    status: Mapped[Anforderungsstatus] = mapped_column(CodeTyp(Anforderungsstatus), default=Anforderungsstatus.ENTWURF)
    leistung_id: Mapped[str | None] = mapped_column(ForeignKey("leistung.id"), default=None)
    betreff: Mapped[str] = mapped_column(String(300))
    beschreibung: Mapped[str] = mapped_column(Text, default="")
    vorschlag: Mapped[str] = mapped_column(Text, default="")
    begruendung: Mapped[str] = mapped_column(Text, default="")
    ansprechpartner_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None)
    empfaenger: Mapped[str] = mapped_column(String(200), default="")
    aktenzeichen: Mapped[str] = mapped_column(String(60), default="")
    erstellt_am: Mapped[date] = mapped_column(Date)
    versendet_am: Mapped[date | None] = mapped_column(Date, default=None)
    antwort: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        bez = f"Änderungsanforderung {self.kennung}"
        art = Anforderungsart.parse(self.art)
        if not (self.betreff or "").strip():
            raise Eingabefehler(f"{bez}: Der Betreff fehlt.")
        if not (self.begruendung or "").strip():
            raise Eingabefehler(f"{bez}: Die Begründung fehlt; die Katalogpflege bearbeitet nur begründete Anforderungen.")
        if art is not Anforderungsart.FEHLT and not self.leistung_id:
            raise Eingabefehler(f"{bez}: Für „{art.label}“ muss die betroffene OZG-Leistung angegeben werden.")
        if art is Anforderungsart.FEHLT and not self.leistung_id and not (self.vorschlag or "").strip():
            raise Eingabefehler(f"{bez}: Für eine fehlende Leistung bitte Bezeichnung und Einordnung vorschlagen.")
        if self.empfaenger and not ist_email(self.empfaenger):
            raise Eingabefehler(f"{bez}: „{self.empfaenger}“ ist keine gültige E-Mail-Adresse.")
        if Anforderungsstatus.parse(self.status) is not Anforderungsstatus.ENTWURF and self.versendet_am is None:
            raise Eingabefehler(f"{bez}: Für den Status „{Anforderungsstatus.parse(self.status).label}“ fehlt das "
                                "Versanddatum.")
