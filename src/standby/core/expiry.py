"""Days left until something expires, and the status that follows from the plan's thresholds.

Shared by registration and certificate findings so both count days, format dates and apply
`warn_within` / `critical_within` the same way.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from standby.core.status import Status


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days from `now` until `expires_at`, rounded down; negative once it has passed."""
    return math.floor((expires_at - now).total_seconds() / 86400)


def iso(when: datetime) -> str:
    """`2027-07-25T04:00:00Z`: the one way Standby writes an instant in JSON and messages."""
    return when.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def expiry_status(
    expires_at: datetime, now: datetime, *, warn_within: timedelta, critical_within: timedelta
) -> Status:
    """critical once expired or at/under `critical_within`; warning at/under `warn_within`; else ok."""
    remaining = expires_at - now
    if remaining <= critical_within:
        return Status.CRITICAL
    if remaining <= warn_within:
        return Status.WARNING
    return Status.OK


def expiry_details(expires_at: datetime | None, now: datetime) -> dict[str, object]:
    """The `expires_at` / `days_left` pair every registration and certificate finding carries."""
    if expires_at is None:
        return {"expires_at": None, "days_left": None}  # unknown is never shown as 0 days
    return {"expires_at": iso(expires_at), "days_left": days_left(expires_at, now)}
