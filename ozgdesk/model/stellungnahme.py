"""A Stellungnahme: the Ressort's statement on a finding of the quarterly check that reports a fact.

Some findings are gaps (a missing Projektleitung, a reason not given): they must be fixed. Others
report a true fact the programme management must know — payments above the approval, a late
milestone, a Haushaltsstelle off its plan with the reason given. Those cannot be „fixed“ without
falsifying figures; they are acknowledged with a statement for one reporting period. The statement
names the finding by its stable id (``reports/pruefung.Befund.id``: rule, record and period),
keeps the finding's text as it read when acknowledged, and travels like every other record: logged
in the change log, synced, and printed in the PDF, the XLSX and the JSON of the package.

Several statements on one finding are allowed (two coordinators on two devices may both write
one offline; a unique key would block the sync): the newest one counts, the others stay in the log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import Base, UtcZeit, jetzt_utc
from ozgdesk.model.errors import Eingabefehler

#: a statement is a sentence the BMDS reads, not a tick box
MINDESTLAENGE = 10


class Stellungnahme(Base):
    __tablename__ = "stellungnahme"
    __label__ = "Stellungnahme"
    __kennfelder__ = ("datensatz",)
    __feldnamen__ = {"befund_id": "Befund", "zeitraum": "Zeitraum", "regel": "Regel", "datensatz": "Datensatz",
                     "befund_text": "Befund", "text": "Stellungnahme", "erstellt_von": "erstellt von",
                     "erstellt_am": "erstellt am"}

    befund_id: Mapped[str] = mapped_column(String(16), index=True)
    zeitraum: Mapped[str] = mapped_column(String(10), index=True)
    regel: Mapped[str] = mapped_column(String(60))
    datensatz: Mapped[str] = mapped_column(String(300))
    befund_text: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    erstellt_von: Mapped[str] = mapped_column(String(120), default="")
    erstellt_am: Mapped[datetime] = mapped_column(UtcZeit)

    def beim_anlegen(self, info: dict[str, object]) -> None:
        """Who wrote it and when, from the session that records it (GUI, CLI): set before the change
        log takes the values, so every device receives the same author and time. A statement that
        names its author already keeps it."""
        if not (self.erstellt_von or "").strip():
            self.erstellt_von = str(info.get("benutzer") or "")
        if self.erstellt_am is None:
            self.erstellt_am = jetzt_utc()

    def pruefen(self) -> None:
        if len((self.text or "").strip()) < MINDESTLAENGE:
            raise Eingabefehler(f"Stellungnahme zu „{self.datensatz}“: Bitte den Sachverhalt in einem Satz erläutern "
                                f"(mindestens {MINDESTLAENGE} Zeichen).")
        if not (self.befund_id or "").strip():
            raise Eingabefehler("Stellungnahme: Der Befund fehlt.")

