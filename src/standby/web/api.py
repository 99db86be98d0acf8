"""What every JSON endpoint shares, whichever feature serves it: the problem-details model of its
errors (RFC 9457; web/app.py answers them), and the types of ids and instants in paths and queries
(pages use them too). They are checked where they arrive: an id the database cannot hold or a date
beyond what UTC can express is a 422 problem, never an error deep in the driver."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL (SQLite's 64 would take more, then fail)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59:59-23:59 is in year 10000 in UTC
        raise ValueError("that instant is out of range in UTC (years 1 to 9999)") from None


Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]


class Problem(BaseModel):
    """RFC 9457 problem details: every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
