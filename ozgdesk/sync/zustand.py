"""Device-local sync state: cursors, causal contexts, conflicts, quarantine, outbox and inbox.

These tables are bookkeeping of *this* device. They are never written to the change log and never
replicated (conflicts are recomputed from the replicated log on every device, so their ids and
contents agree everywhere without being sent).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ozgdesk.model.base import OZGDESK_NS, Base, UtcZeit
from ozgdesk.model.protokoll import NICHT_PROTOKOLLIERT


class SyncGeraet(Base):
    """Per device: up to which ``seq`` its changes are applied here (for the own device: exported)."""

    __tablename__ = "sync_geraet"
    __label__ = "Abgleich-Stand"

    # ``id`` is the device id.
    bis_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: the device's entry chain at ``bis_seq`` (:func:`ozgdesk.sync.format.kette_weiter`): a file
    #: continues this device only if it starts from exactly this value
    letzter_hash: Mapped[str] = mapped_column(String(64), default="")
    dateien: Mapped[int] = mapped_column(Integer, default=0)
    eigen: Mapped[bool] = mapped_column(Boolean, default=False)
    #: name of the device's head file last dealt with (``heads/…``): unchanged name, nothing to fetch
    kopf: Mapped[str | None] = mapped_column(Text, default=None)


class SyncDatei(Base):
    """A change file this device published: its entries and chain, so it can be rebuilt byte for byte
    (the share was restored from an older backup) or re-published under a new edition (a reader
    found it damaged)."""

    __tablename__ = "sync_datei"
    __label__ = "Gesendete Änderungsdatei"
    __table_args__ = (UniqueConstraint("geraet", "von_seq"),)

    geraet: Mapped[str] = mapped_column(String(36))
    von_seq: Mapped[int] = mapped_column(Integer)
    bis_seq: Mapped[int] = mapped_column(Integer)
    #: edition on the share (1: ``<von>.json``, n > 1: ``<von>.<n>.json``)
    ausgabe: Mapped[int] = mapped_column(Integer, default=1)
    kette_vor: Mapped[str] = mapped_column(String(64), default="")
    kette_nach: Mapped[str] = mapped_column(String(64), default="")


class SyncSchluessel(Base):
    """A device's key announcement found on the share (``geraete/<id>.json``): shown to the
    coordinator with its fingerprint until it is approved – or not."""

    __tablename__ = "sync_schluessel"
    __label__ = "Geräteschlüssel"

    # ``id`` is the device id.
    schluessel: Mapped[str] = mapped_column(String(60))
    fingerabdruck: Mapped[str] = mapped_column(String(60))
    benutzer: Mapped[str] = mapped_column(String(120), default="")
    rechner: Mapped[str] = mapped_column(String(120), default="")
    erstellt_am: Mapped[datetime | None] = mapped_column(UtcZeit, default=None)
    gesehen_am: Mapped[datetime] = mapped_column(UtcZeit)
    #: the succession statement the announcement carried (JSON), checked with the trust list
    nachfolge: Mapped[str | None] = mapped_column(Text, default=None)


class SyncKontext(Base):
    """What a device had applied of the others when it wrote its entries from ``ab_seq`` on.

    ``gesehen`` is a JSON version vector {device: seq}. Together with the device's own order it
    gives the causal order of all entries; conflicts are decided by it, never by clocks.
    """

    __tablename__ = "sync_kontext"
    __label__ = "Abgleich-Kontext"
    __table_args__ = (UniqueConstraint("geraet", "ab_seq"),)

    geraet: Mapped[str] = mapped_column(String(36), index=True)
    ab_seq: Mapped[int] = mapped_column(Integer)
    gesehen: Mapped[str] = mapped_column(Text, default="{}")


class SyncKonflikt(Base):
    """A conflict shown to people: both (all) values with author, device and time."""

    __tablename__ = "sync_konflikt"
    __label__ = "Konflikt"

    #: ``feld`` (same field edited on two devices), ``loeschen`` (edit beat a delete),
    #: ``eingefroren`` (change to a frozen submission refused), ``regel`` (merged record breaks a rule),
    #: ``eindeutig`` (records of several devices share a unique key; ``datensatz_id`` is the record
    #: that keeps it, ``feld`` the key's columns, ``werte`` one entry per record).
    art: Mapped[str] = mapped_column(String(20))
    tabelle: Mapped[str] = mapped_column(String(40), index=True)
    datensatz_id: Mapped[str] = mapped_column(String(36), index=True)
    feld: Mapped[str | None] = mapped_column(String(60), default=None)
    offen: Mapped[bool] = mapped_column(Boolean, default=True)
    #: JSON list of {geraet, seq, benutzer, zeitpunkt, wert, aktion}
    werte: Mapped[str] = mapped_column(Text, default="[]")
    #: JSON {geraet, seq} of the value the field keeps until a person decides.
    gewinner: Mapped[str] = mapped_column(Text, default="{}")
    hinweis: Mapped[str] = mapped_column(Text, default="")
    erkannt_am: Mapped[datetime] = mapped_column(UtcZeit)
    geloest_am: Mapped[datetime | None] = mapped_column(UtcZeit, default=None)

    @property
    def werte_liste(self) -> list[dict[str, Any]]:
        return json.loads(self.werte)


class SyncQuarantaene(Base):
    """A change file that failed verification: kept out, never applied, shown to people."""

    __tablename__ = "sync_quarantaene"
    __label__ = "Quarantäne"

    pfad: Mapped[str] = mapped_column(Text)
    geraet: Mapped[str] = mapped_column(String(36), default="")
    grund: Mapped[str] = mapped_column(Text)
    erkannt_am: Mapped[datetime] = mapped_column(UtcZeit)
    kopie: Mapped[str] = mapped_column(Text, default="")
    #: first seq and edition of the refused file: its author re-publishes that range as a new edition
    von_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    ausgabe: Mapped[int | None] = mapped_column(Integer, default=None)
    #: short reason for the technical log and the notice to the author (``signatur``, ``zu_gross`` …)
    code: Mapped[str] = mapped_column(String(30), default="")


class SyncAusgang(Base):
    """A finished submission package waiting for (or done with) publishing to the share's outbox."""

    __tablename__ = "sync_ausgang"
    __label__ = "Postausgang"

    ordner: Mapped[str] = mapped_column(Text)
    ressort: Mapped[str] = mapped_column(String(20))
    periode: Mapped[str] = mapped_column(String(20))
    hash: Mapped[str] = mapped_column(String(64))
    eingereiht_am: Mapped[datetime] = mapped_column(UtcZeit)
    version: Mapped[int | None] = mapped_column(Integer, default=None)
    ziel: Mapped[str] = mapped_column(Text, default="")
    veroeffentlicht_am: Mapped[datetime | None] = mapped_column(UtcZeit, default=None)


class SyncEingang(Base):
    """A file fetched from the share's inbox (catalogue update) or feedback folder."""

    __tablename__ = "sync_eingang"
    __label__ = "Posteingang"
    __table_args__ = (UniqueConstraint("pfad", "hash"),)

    pfad: Mapped[str] = mapped_column(Text)
    art: Mapped[str] = mapped_column(String(20))
    hash: Mapped[str] = mapped_column(String(64))
    lokal: Mapped[str] = mapped_column(Text)
    abgeholt_am: Mapped[datetime] = mapped_column(UtcZeit)


class SyncEindeutig(Base):
    """A record whose unique key it shares with another record (``ozgdesk.sync.eindeutig``).

    One row per record of a group while the group holds more than one live record: the record
    that keeps the key (``behaelt``), one held back outside its table (``zurueckgehalten``), one
    with a provisional key value (``ersatz``), or a frozen duplicate (``doppelt``). Everything here
    is derived from the replicated log (the same on every device); the rows only say which records
    to look at again, so a clash that goes away (a record deleted, a key changed, a local edit) is
    noticed at the end of the next merge or conflict refresh.
    """

    __tablename__ = "sync_eindeutig"
    __label__ = "Schlüsselgruppe"

    # ``id`` is the record's id.
    tabelle: Mapped[str] = mapped_column(String(40))
    #: uuid5 of (table, key): the group, and the basis of its conflict's id
    gruppe: Mapped[str] = mapped_column(String(36), index=True)
    #: the key as the log has it: JSON list of the key columns' values
    schluessel: Mapped[str] = mapped_column(Text)
    rolle: Mapped[str] = mapped_column(String(20))
    #: ``ersatz``: the provisional value (JSON) the record carries in the table instead
    ersatz: Mapped[str] = mapped_column(Text, default="")
    erkannt_am: Mapped[datetime] = mapped_column(UtcZeit)


SYNC_TABELLEN = {
    SyncGeraet.__tablename__,
    SyncDatei.__tablename__,
    SyncSchluessel.__tablename__,
    SyncKontext.__tablename__,
    SyncKonflikt.__tablename__,
    SyncQuarantaene.__tablename__,
    SyncAusgang.__tablename__,
    SyncEingang.__tablename__,
    SyncEindeutig.__tablename__,
}
NICHT_PROTOKOLLIERT.update(SYNC_TABELLEN)


def konflikt_id(art: str, tabelle: str, datensatz_id: str, feld: str | None) -> str:
    """The same conflict gets the same id on every device (it is derived, not sent)."""
    return str(uuid.uuid5(OZGDESK_NS, f"konflikt:{art}:{tabelle}:{datensatz_id}:{feld or ''}"))
