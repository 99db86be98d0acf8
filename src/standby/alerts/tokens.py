"""Link tokens: unguessable, single-purpose, tied to one alert or renewal and one person, expiring.

Only the SHA-256 of a token is stored, so a copy of the database cannot acknowledge anything. A token
is marked used once it has done its job; whoever opens it again is told so.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import ActionToken

Purpose = Literal["ack", "confirm"]
ACK_LIFETIME = timedelta(days=7)
Reason = Literal["unknown", "expired", "used"]


class TokenError(Exception):
    """Why a link cannot be used; `reason` picks the page (unknown → 404, expired or used → 410)."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    session: Session,
    *,
    purpose: Purpose,
    person: str | None,
    now: datetime,
    expires_at: datetime,
    alert_id: int | None = None,
    renewal_id: int | None = None,
) -> str:
    """A new token for the link in one message; the caller puts it in the URL, we keep its hash."""
    token = secrets.token_urlsafe(32)
    session.add(
        ActionToken(
            digest=digest(token),
            purpose=purpose,
            alert_id=alert_id,
            renewal_id=renewal_id,
            person=person,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return token


def confirm_expiry(expires_at: datetime, now: datetime) -> datetime:
    """A confirmation link lives until the cycle ends: the expiry, or a week when that is (nearly) past.

    A renewal seen earlier ends the cycle too; `find` callers check that on the renewal itself.
    """
    return max(expires_at, now + ACK_LIFETIME)


def find(session: Session, token: str, *, purpose: Purpose, now: datetime) -> ActionToken:
    """The live token for `purpose`, or TokenError saying why the link cannot be used."""
    row = None
    if 20 <= len(token) <= 100:  # anything else is not one of ours: don't even look it up
        row = session.scalars(select(ActionToken).where(ActionToken.digest == digest(token))).one_or_none()
    if row is None or row.purpose != purpose:
        raise TokenError("unknown", "This link is not valid: it may have been mistyped or cut short.")
    if row.used_at is not None:
        raise TokenError("used", f"This link was already used, on {row.used_at:%Y-%m-%d at %H:%M} UTC.")
    if row.expires_at <= now:
        raise TokenError("expired", f"This link expired on {row.expires_at:%Y-%m-%d at %H:%M} UTC.")
    return row


def use(row: ActionToken, *, now: datetime) -> None:
    row.used_at = now
