"""The declarative base every feature's models share, and the column types they all need.

Constraint names follow one convention so Alembic migrations can name (and later drop) them on every
backend, SQLite's batch mode included.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from sqlalchemy import DateTime, Dialect, MetaData
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def in_utc(value: datetime) -> datetime:
    """An instant as stored: in UTC. A naive datetime is refused, whatever wrote it (also store/batch.py)."""
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()} given; Standby stores aware UTC only")
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: written as UTC, always read back timezone-aware.

    SQLite keeps no offset, so values are stored there as naive UTC; PostgreSQL gets `timestamptz`.
    A naive datetime is refused rather than guessed at: it is a bug wherever it comes from.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = in_utc(value)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {datetime: UTCDateTime()}  # noqa: RUF012 - SQLAlchemy's hook


intpk = Annotated[int, mapped_column(primary_key=True)]
