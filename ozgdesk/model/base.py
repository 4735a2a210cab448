"""Declarative base, column types for the value types, and the one JSON encoding of a column value.

Every record has a UUID text primary key: records are created offline on several devices and
replicated through the change log, so an autoincrement id would collide. Catalogue records use a
UUID derived from their natural key (e.g. the OZG-ID) so every device creates the same id.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ozgdesk.model.values import DeutschesEnum, Halbjahr, Haushaltsstelle, Quartal

#: Namespace for ids derived from natural keys (catalogue entries).
OZGDESK_NS = uuid.UUID("6f1c2a52-6a0e-4a8e-9d1f-0b0c5e7a0d11")


def neue_id() -> str:
    return str(uuid.uuid4())


def abgeleitete_id(art: str, schluessel: object) -> str:
    """Stable id of a catalogue record: the same on every device that imports the same catalogue."""
    return str(uuid.uuid5(OZGDESK_NS, f"{art}:{schluessel}"))


def jetzt_utc() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class QuartalTyp(TypeDecorator[Quartal]):
    impl = String(7)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(Quartal.parse(value))

    def process_result_value(self, value: Any, dialect: Any) -> Quartal | None:
        return None if value is None else Quartal.parse(value)


class HaushaltsstelleTyp(TypeDecorator[Haushaltsstelle]):
    impl = String(11)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else str(Haushaltsstelle.parse(value))

    def process_result_value(self, value: Any, dialect: Any) -> Haushaltsstelle | None:
        return None if value is None else Haushaltsstelle.parse(value)


class CodeTyp(TypeDecorator[DeutschesEnum]):
    """Stores a :class:`DeutschesEnum` member as its stable code string."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_cls: type[DeutschesEnum]) -> None:
        super().__init__()
        self.enum_cls = enum_cls

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else self.enum_cls.parse(value).value

    def process_result_value(self, value: Any, dialect: Any) -> DeutschesEnum | None:
        return None if value is None else self.enum_cls.parse(value)


class DezimalText(TypeDecorator[Decimal]):
    """Exact decimal stored as text; SQLite's NUMERIC would silently go through a float."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("float is not allowed for exact decimals")
        return str(Decimal(value))

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class UtcZeit(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamp stored as ISO text (SQLite has no timezone type)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat()

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    """Common base. ``__label__`` is the German name of the entity for messages and the change log."""

    __label__ = "Datensatz"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=neue_id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


def json_wert(value: Any) -> Any:
    """One JSON encoding of a column value, shared by the change log, the export and the sync."""
    if value is None or isinstance(value, (bool, int, str)) and not isinstance(value, DeutschesEnum):
        return value
    if isinstance(value, DeutschesEnum):
        return value.value
    if isinstance(value, (Quartal, Halbjahr, Haushaltsstelle, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"no JSON encoding for {type(value).__name__}")


# Re-exported for the entity modules.
__all__ = [
    "Base",
    "CodeTyp",
    "DezimalText",
    "HaushaltsstelleTyp",
    "QuartalTyp",
    "Text",
    "UtcZeit",
    "abgeleitete_id",
    "json_wert",
    "jetzt_utc",
    "neue_id",
]
