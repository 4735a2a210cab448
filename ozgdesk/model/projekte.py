"""Projects, their work packages and milestones.

A milestone keeps its plan date forever; postponements move the forecast and are recorded one by
one in :class:`MeilensteinVerschiebung`, which the half-yearly monitoring counts.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, CodeTyp, DezimalText
from ozgdesk.model.errors import Eingabefehler
from ozgdesk.model.values import Ampel, Finanzierung, Komponente, MeilensteinStatus

_KENNUNG_RE = re.compile(r"^[A-ZÄÖÜ0-9][A-ZÄÖÜ0-9\-/]{2,29}$")


class Projekt(Base):
    """A project funded (or supported) under the Digitalisierungsprogramm Bund."""

    __tablename__ = "projekt"
    __label__ = "Projekt"
    __kennfelder__ = ("kennung",)
    #: German field labels for messages, the CLI and the forms (``felder.PROJEKT_FELDER`` reads them).
    __feldnamen__ = {
        "kennung": "Projektkennung", "titel": "Titel", "zweck": "Zweck", "ziele": "Ziele", "ergebnisse": "Ergebnisse",
        "behoerde_id": "Behörde", "projektleiter_id": "Projektleiter", "finanzierung": "Finanzierungsart",
        "beratung_fachlich": "Fachliche Beratung", "beratung_architektur": "Architekturberatung",
        "umsetzung": "Projektumsetzung", "komponenten": "Nachgenutzte Komponenten",
        "abweichungsbegruendung": "Begründung der Abweichung", "beginn": "Beginn", "ende": "Ende",
        "eigenpersonal_pt": "Eigenpersonal (PT)", "aktenzeichen": "Aktenzeichen", "ampel_gesamt": "Ampel gesamt",
        "ampel_gesamt_grund": "Begründung Ampel gesamt", "ampel_zeit": "Ampel Zeit",
        "ampel_zeit_grund": "Begründung Ampel Zeit", "ampel_kosten": "Ampel Kosten",
        "ampel_kosten_grund": "Begründung Ampel Kosten", "ampel_umfang": "Ampel Umfang",
        "ampel_umfang_grund": "Begründung Ampel Umfang", "risiken": "Risiken",
        "naechste_schritte": "Nächste Schritte", "interne_bemerkung": "Interne Bemerkung",
    }

    kennung: Mapped[str] = mapped_column(String(30), unique=True)
    titel: Mapped[str] = mapped_column(String(300))
    zweck: Mapped[str] = mapped_column(Text, default="")
    ziele: Mapped[str] = mapped_column(Text, default="")
    ergebnisse: Mapped[str] = mapped_column(Text, default="")
    behoerde_id: Mapped[str | None] = mapped_column(ForeignKey("behoerde.id"), default=None)
    projektleiter_id: Mapped[str | None] = mapped_column(ForeignKey("person.id"), default=None)
    finanzierung: Mapped[Finanzierung] = mapped_column(CodeTyp(Finanzierung))
    beratung_fachlich: Mapped[bool] = mapped_column(Boolean, default=False)
    beratung_architektur: Mapped[bool] = mapped_column(Boolean, default=False)
    umsetzung: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Comma-separated :class:`Komponente` codes of the Dienstekonsolidierung reused.
    komponenten: Mapped[str] = mapped_column(String(200), default="")
    abweichungsbegruendung: Mapped[str] = mapped_column(Text, default="")
    beginn: Mapped[date | None] = mapped_column(Date, default=None)
    ende: Mapped[date | None] = mapped_column(Date, default=None)
    eigenpersonal_pt: Mapped[Decimal | None] = mapped_column(DezimalText, default=None)
    aktenzeichen: Mapped[str] = mapped_column(String(60), default="")
    ampel_gesamt: Mapped[Ampel] = mapped_column(CodeTyp(Ampel), default=Ampel.GRUEN)
    ampel_gesamt_grund: Mapped[str] = mapped_column(Text, default="")
    ampel_zeit: Mapped[Ampel] = mapped_column(CodeTyp(Ampel), default=Ampel.GRUEN)
    ampel_zeit_grund: Mapped[str] = mapped_column(Text, default="")
    ampel_kosten: Mapped[Ampel] = mapped_column(CodeTyp(Ampel), default=Ampel.GRUEN)
    ampel_kosten_grund: Mapped[str] = mapped_column(Text, default="")
    ampel_umfang: Mapped[Ampel] = mapped_column(CodeTyp(Ampel), default=Ampel.GRUEN)
    ampel_umfang_grund: Mapped[str] = mapped_column(Text, default="")
    risiken: Mapped[str] = mapped_column(Text, default="")
    naechste_schritte: Mapped[str] = mapped_column(Text, default="")
    interne_bemerkung: Mapped[str] = mapped_column(Text, default="")

    @property
    def komponenten_liste(self) -> list[Komponente]:
        return [Komponente.parse(c) for c in (self.komponenten or "").split(",") if c.strip()]

    def pruefen(self) -> None:
        if not _KENNUNG_RE.match(self.kennung or ""):
            raise Eingabefehler(
                f"Projektkennung „{self.kennung}“ ist ungültig (3–30 Zeichen: Großbuchstaben, Ziffern, - und /)."
            )
        if not (self.titel or "").strip():
            raise Eingabefehler(f"Projekt {self.kennung}: Titel fehlt.")
        if self.beginn and self.ende and self.ende < self.beginn:
            raise Eingabefehler(f"Projekt {self.kennung}: Ende liegt vor dem Beginn.")
        if self.eigenpersonal_pt is not None and self.eigenpersonal_pt < 0:
            raise Eingabefehler(f"Projekt {self.kennung}: Eigenpersonal (PT) darf nicht negativ sein.")
        for code in (self.komponenten or "").split(","):
            if code.strip():
                Komponente.parse(code)


class ProjektLeistung(Base):
    """An OZG-Leistung implemented by a project (a project covers one or more)."""

    __tablename__ = "projekt_leistung"
    __label__ = "Projekt-Leistung"
    __feldnamen__ = {"projekt_id": "Projekt", "leistung_id": "OZG-Leistung"}
    __table_args__ = (UniqueConstraint("projekt_id", "leistung_id"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    leistung_id: Mapped[str] = mapped_column(ForeignKey("leistung.id"))


class Arbeitspaket(Base):
    __tablename__ = "arbeitspaket"
    __label__ = "Arbeitspaket"
    __kennfelder__ = ("nummer", "titel")
    __feldnamen__ = {"projekt_id": "Projekt", "nummer": "Nummer", "titel": "Titel", "beschreibung": "Beschreibung",
                     "beginn": "Beginn", "ende": "Ende"}

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    nummer: Mapped[str] = mapped_column(String(10))
    titel: Mapped[str] = mapped_column(String(300))
    beschreibung: Mapped[str] = mapped_column(Text, default="")
    beginn: Mapped[date | None] = mapped_column(Date, default=None)
    ende: Mapped[date | None] = mapped_column(Date, default=None)

    def pruefen(self) -> None:
        if not (self.titel or "").strip():
            raise Eingabefehler(f"Arbeitspaket {self.nummer}: Titel fehlt.")
        if self.beginn and self.ende and self.ende < self.beginn:
            raise Eingabefehler(f"Arbeitspaket {self.nummer}: Ende liegt vor dem Beginn.")


class Meilenstein(Base):
    __tablename__ = "meilenstein"
    __label__ = "Meilenstein"
    __kennfelder__ = ("titel",)
    __feldnamen__ = {"projekt_id": "Projekt", "arbeitspaket_id": "Arbeitspaket", "titel": "Titel",
                     "plan_datum": "Plandatum", "prognose_datum": "Prognosedatum", "ist_datum": "Ist-Datum",
                     "status": "Status", "oeffentlich": "öffentlich", "bemerkung": "Bemerkung"}
    # The date that counts (forecast, else plan) as an index: "overdue" and "due in the next 90 days"
    # on the start page read a dozen index entries instead of sorting every open milestone.
    __table_args__ = (Index("ix_meilenstein_termin", text("coalesce(prognose_datum, plan_datum)"), "status"),)

    projekt_id: Mapped[str] = mapped_column(ForeignKey("projekt.id"), index=True)
    arbeitspaket_id: Mapped[str | None] = mapped_column(ForeignKey("arbeitspaket.id"), default=None)
    titel: Mapped[str] = mapped_column(String(300))
    plan_datum: Mapped[date | None] = mapped_column(Date, default=None)
    prognose_datum: Mapped[date | None] = mapped_column(Date, default=None)
    ist_datum: Mapped[date | None] = mapped_column(Date, default=None)
    status: Mapped[MeilensteinStatus] = mapped_column(
        CodeTyp(MeilensteinStatus), default=MeilensteinStatus.OFFEN
    )
    oeffentlich: Mapped[bool] = mapped_column(Boolean, default=True)
    bemerkung: Mapped[str] = mapped_column(Text, default="")

    def pruefen(self) -> None:
        if not (self.titel or "").strip():
            raise Eingabefehler("Meilenstein: Titel fehlt.")
        if self.status is MeilensteinStatus.ERREICHT and self.ist_datum is None:
            raise Eingabefehler(f"Meilenstein „{self.titel}“: Für „erreicht“ fehlt das Ist-Datum.")
        if self.ist_datum is not None and self.status is not MeilensteinStatus.ERREICHT:
            raise Eingabefehler(f"Meilenstein „{self.titel}“: Ein Ist-Datum gibt es nur bei Status „erreicht“.")

    @property
    def termin(self) -> date | None:
        """The date that counts now: actual if reached, else forecast, else plan."""
        return self.ist_datum or self.prognose_datum or self.plan_datum


class MeilensteinVerschiebung(Base):
    """One postponement: the forecast moved from ``von_datum`` to ``auf_datum`` for a reason."""

    __tablename__ = "meilenstein_verschiebung"
    __label__ = "Meilenstein-Verschiebung"
    __feldnamen__ = {"meilenstein_id": "Meilenstein", "erfasst_am": "erfasst am", "von_datum": "von",
                     "auf_datum": "auf", "grund": "Grund", "nummer": "Nummer"}

    meilenstein_id: Mapped[str] = mapped_column(ForeignKey("meilenstein.id"), index=True)
    erfasst_am: Mapped[date] = mapped_column(Date)
    von_datum: Mapped[date] = mapped_column(Date)
    auf_datum: Mapped[date] = mapped_column(Date)
    grund: Mapped[str] = mapped_column(Text, default="")
    nummer: Mapped[int] = mapped_column(Integer, default=1, info={"bereich": (1, 10_000)})

    def pruefen(self) -> None:
        if not (self.grund or "").strip():
            raise Eingabefehler("Verschiebung eines Meilensteins: Grund fehlt.")
