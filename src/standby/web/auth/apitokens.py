"""API tokens (`Authorization: Bearer ...` for /api/v1 and /metrics) and calendar tokens
(`/calendar.ics?token=...`, read-only): named, shown once when created, stored as a hash."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from standby.core.errors import StandbyError
from standby.web.auth.models import ROLES, ApiToken, Scope, User
from standby.web.auth.secret import digest, new_secret, plausible

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
TOUCH_EVERY = timedelta(minutes=1)


def create(session: Session, *, name: str, role: str, scope: Scope, now: datetime) -> str:
    """A new token; returns the secret, which is never shown again. Calendar tokens read only."""
    if not _NAME.fullmatch(name):
        raise StandbyError(f"token name {name!r}: use letters, digits and . _ @ - (up to 100)")
    if role not in ROLES:
        raise StandbyError(f"unknown role {role!r}: use {' or '.join(ROLES)}")
    if scope == "calendar" and role != "viewer":
        raise StandbyError("a calendar token only reads: it cannot have the admin role")
    if session.scalars(select(ApiToken).where(ApiToken.name == name)).first() is not None:
        raise StandbyError(f"a token named {name!r} exists; revoke it first or choose another name")
    secret = new_secret()
    session.add(ApiToken(name=name, digest=digest(secret), scope=scope, role=role, created_at=now))
    session.flush()
    return secret


def all_tokens(session: Session) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).order_by(ApiToken.name)).all()


def revoke(session: Session, name: str) -> None:
    if not session.execute(delete(ApiToken).where(ApiToken.name == name)).rowcount:  # type: ignore[attr-defined]
        raise StandbyError(f"there is no token named {name!r}; `standby token list` shows them")


def resolve(session: Session, secret: str, *, scope: Scope, now: datetime) -> User | None:
    """The caller a live token of `scope` stands for: a transient User `token:NAME` with its role."""
    if not plausible(secret):
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.digest == digest(secret))).one_or_none()
    if row is None or row.scope != scope:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
    return User(email=f"token:{row.name}", role=row.role)
