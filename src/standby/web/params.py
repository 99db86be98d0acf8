"""Path and query values the web routes share, checked where they arrive: an id the database cannot
hold or a date beyond what UTC can express is a 422 problem, never an error deep in the driver."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL (SQLite's 64 would accept more)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-23:59 is in year 10000 in UTC
        raise ValueError("that instant is out of range in UTC (years 1 to 9999)") from None


Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
