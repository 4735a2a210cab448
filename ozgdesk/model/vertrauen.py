"""The Ressort's trust list: signed statements about which device key may write to the share.

Each row is one statement, signed by the device that issued it: the share's founder founds the
list (``gruendung``), a coordinator approves a new device's key (``freigabe``) or revokes one
(``widerruf``), and a device that had to take a new identity (restored backup, copied home folder)
names its successor with its old key (``nachfolge``). Rows are ordinary replicated records —
logged, synced, part of every snapshot — but they are never changed or deleted: a statement is
evidence, and a reader checks every signature itself (:mod:`ozgdesk.sync.vertrauensliste`), so a
row that arrives on a file of a hostile device grants nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ozgdesk.model.base import Base, UtcZeit
from ozgdesk.model.errors import Eingabefehler

GRUENDUNG = "gruendung"
FREIGABE = "freigabe"
WIDERRUF = "widerruf"
NACHFOLGE = "nachfolge"
ARTEN = {GRUENDUNG: "Gründung der Ablage", FREIGABE: "Freigabe", WIDERRUF: "Widerruf", NACHFOLGE: "Nachfolge"}

KOORDINATION = "koordination"
MITARBEIT = "mitarbeit"
ROLLEN = {KOORDINATION: "Koordination", MITARBEIT: "Mitarbeit"}


class Vertrauen(Base):
    __tablename__ = "vertrauen"
    __label__ = "Vertrauenseintrag"
    __kennfelder__ = ("benutzer", "art")
    __feldnamen__ = {"art": "Art", "geraet": "Gerät", "schluessel": "Schlüssel", "fingerabdruck": "Fingerabdruck",
                     "benutzer": "Benutzer", "rolle": "Rolle", "aussteller": "ausgestellt von",
                     "ausgestellt_am": "ausgestellt am", "signatur": "Signatur"}

    art: Mapped[str] = mapped_column(String(12))
    #: the device the statement is about
    geraet: Mapped[str] = mapped_column(String(36), index=True)
    #: that device's Ed25519 public key, base64 (32 bytes)
    schluessel: Mapped[str] = mapped_column(String(60))
    fingerabdruck: Mapped[str] = mapped_column(String(60))
    #: the person the key is bound to: every change signed with it is recorded as theirs
    benutzer: Mapped[str] = mapped_column(String(120))
    rolle: Mapped[str] = mapped_column(String(20))
    #: the device whose key signed the statement
    aussteller: Mapped[str] = mapped_column(String(36))
    ausgestellt_am: Mapped[datetime] = mapped_column(UtcZeit)
    #: Ed25519 signature (base64) of :func:`ozgdesk.sync.vertrauensliste.aussage_bytes`
    signatur: Mapped[str] = mapped_column(String(100))

    def pruefen(self) -> None:
        if self.art not in ARTEN:
            raise Eingabefehler(f"Vertrauenseintrag: unbekannte Art „{self.art}“.")
        if self.rolle not in ROLLEN:
            raise Eingabefehler(f"Vertrauenseintrag: unbekannte Rolle „{self.rolle}“.")


@event.listens_for(Session, "before_flush")
def _unveraenderlich(session: Session, _ctx: object, _inst: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Vertrauen) and (obj in session.deleted or session.is_modified(obj)):
            raise Eingabefehler(
                "Ein Eintrag der Vertrauensliste wird nie geändert oder gelöscht; ein Gerät wird mit einem "
                "Widerruf ausgeschlossen."
            )
