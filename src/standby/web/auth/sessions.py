"""Server-side sessions: the cookie holds a random id, the store its hash. A session ends after
`IDLE` without a request, or `LIFETIME` after sign-in however active, or at logout.

The CSRF token is derived from the cookie (an HMAC keyed by it): nothing more to store, and only
someone holding the cookie can compute it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from standby.web.auth.models import User, WebSession
from standby.web.auth.secret import digest, new_secret, plausible

COOKIE = "standby_session"
IDLE = timedelta(hours=12)
LIFETIME = timedelta(days=7)
# last_seen_at is written at most this often: not one database write per page view.
TOUCH_EVERY = timedelta(minutes=1)


def start(session: Session, user: User, *, now: datetime) -> str:
    """A new session for `user`; returns the cookie value (shown to nobody else, stored hashed)."""
    session.execute(
        delete(WebSession).where(or_(WebSession.expires_at <= now, WebSession.last_seen_at <= now - IDLE))
    )
    secret = new_secret()
    session.add(
        WebSession(
            digest=digest(secret),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + LIFETIME,
        )
    )
    return secret


def resolve(session: Session, cookie: str, *, now: datetime) -> User | None:
    """The signed-in user of a live session, or None (unknown, idle too long, or over)."""
    if not plausible(cookie):
        return None
    row = session.scalars(select(WebSession).where(WebSession.digest == digest(cookie))).one_or_none()
    if row is None or row.expires_at <= now or row.last_seen_at <= now - IDLE:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return row.user


def end(session: Session, cookie: str) -> None:
    session.execute(delete(WebSession).where(WebSession.digest == digest(cookie)))


def csrf_token(cookie: str) -> str:
    return hmac.new(cookie.encode(), b"standby csrf token", hashlib.sha256).hexdigest()


def set_cookie(response: Response, value: str, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=int(LIFETIME.total_seconds()),
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
