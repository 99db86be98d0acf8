"""Login throttling: too many failed sign-ins for one account, or from one client address, within
`WINDOW` refuse further tries until the oldest of them leaves the window. Attempts are rows, so
every process serving the same database agrees.

A success clears the account's count (its owner is back), never the address's: one address
guessing many accounts stays throttled. An attempt is counted as failed before anything about it can
fail, and marked a success only once the password proved right.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from standby.web.auth.models import LoginAttempt

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5
PER_ADDRESS = 20  # higher: an office behind one NAT address shares it
KEEP = timedelta(days=1)


def refused_until(session: Session, *, email: str, address: str, now: datetime) -> datetime | None:
    """When sign-ins for `email` or from `address` may be tried again, or None if they may now."""
    start = now - WINDOW
    last_ok = session.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.email == email, LoginAttempt.ok.is_(True))
    )
    account = _failures(session, LoginAttempt.email == email, since=max(start, last_ok or start))
    by_address = _failures(session, LoginAttempt.address == address, since=start)
    blocked = []
    if len(account) >= PER_ACCOUNT:
        blocked.append(account[-PER_ACCOUNT] + WINDOW)
    if len(by_address) >= PER_ADDRESS:
        blocked.append(by_address[-PER_ADDRESS] + WINDOW)
    return max(blocked) if blocked else None


def _failures(session: Session, where: ColumnElement[bool], *, since: datetime) -> list[datetime]:
    query = select(LoginAttempt.at).where(where, LoginAttempt.ok.is_(False), LoginAttempt.at > since)
    return sorted(session.scalars(query.order_by(LoginAttempt.at)))


def attempt(session: Session, *, email: str, address: str, now: datetime) -> int:
    """Count a sign-in attempt as failed, before the password is even looked at: whatever happens
    next (a wrong password, an error, a crash), it counts. Returns its id for `succeeded`."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP))
    row = LoginAttempt(at=now, email=email, address=address, ok=False)
    session.add(row)
    session.flush()
    return row.id


def succeeded(session: Session, attempt_id: int) -> None:
    """The attempt turned out right: it clears its account's count."""
    row = session.get(LoginAttempt, attempt_id)
    if row is not None:
        row.ok = True
