"""The frozen record of a submission to the BMI (table ``einreichung``, migration 0003).

A submission is evidence: what the Ressort sent, when and by whom. So a row is written once and
never changed or deleted — a trigger in the database refuses UPDATE and DELETE, and the session
hook below gives the user a German message before SQLite would. A correction is a new version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ozgdesk.model.base import Base, UtcZeit
from ozgdesk.model.errors import Eingabefehler


class Einreichung(Base):
    __tablename__ = "einreichung"
    __label__ = "Einreichung"
    __kennfelder__ = ("zeitraum",)
    __feldnamen__ = {"art": "Art", "zeitraum": "Zeitraum", "version": "Version", "schema": "Schema",
                     "snapshot": "Datenstand", "snapshot_sha256": "Prüfsumme", "dateien": "Dateien",
                     "erstellt_am": "erstellt am", "erstellt_von": "erstellt von"}
    # No unique (art, zeitraum, version): two devices submitting the same quarter offline both
    # number theirs version 1, and both records are evidence that may neither change nor go
    # (migration 0010). The sync shows the duplicate (ozgdesk.model.schluesselregeln, UNVERAENDERT).

    art: Mapped[str] = mapped_column(String(30))
    zeitraum: Mapped[str] = mapped_column(String(10), index=True)
    version: Mapped[int] = mapped_column(Integer)
    schema: Mapped[str] = mapped_column(String(80))
    #: the frozen data of a whole Ressort's report as JSON: far beyond a typed text's limit
    snapshot: Mapped[str] = mapped_column(Text, info={"max_zeichen": 50_000_000})
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    dateien: Mapped[str] = mapped_column(Text)
    erstellt_am: Mapped[datetime] = mapped_column(UtcZeit)
    erstellt_von: Mapped[str] = mapped_column(String(120))

    def pruefen(self) -> None:
        if self.version is None or self.version < 1:
            raise Eingabefehler("Einreichung: Die Version muss 1 oder größer sein.")


@event.listens_for(Session, "before_flush")
def _eingefroren(session: Session, _ctx: object, _inst: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Einreichung) and (obj in session.deleted or session.is_modified(obj)):
            raise Eingabefehler(
                f"Die Einreichung {obj.zeitraum} Version {obj.version} ist eingefroren und kann nicht geändert "
                "oder gelöscht werden. Für eine Korrektur bitte eine neue Version einreichen."
            )
