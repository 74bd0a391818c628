"""Office time: everything is stored as aware UTC and shown in the office's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["OFFICE_TIMEZONE"])


def to_office_time(moment: datetime) -> datetime:
    """The same instant on the office's wall clock."""
    return moment.astimezone(office_zone())


def office_wall_clock(moment: datetime | None) -> datetime | None:
    """A stored time as the naive wall-clock value a datetime-local form field shows."""
    return to_office_time(moment).replace(tzinfo=None) if moment else None


def from_office_time(wall_clock: datetime) -> datetime:
    """A time typed by staff (office wall clock, no zone) as aware UTC."""
    if wall_clock.tzinfo is None:
        wall_clock = wall_clock.replace(tzinfo=office_zone())
    return wall_clock.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp column that only accepts aware datetimes and always returns aware UTC.

    SQLite has no time zone type, so values are normalised to UTC on the way in and
    marked as UTC on the way out; PostgreSQL stores them as `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are refused: give a time zone.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
