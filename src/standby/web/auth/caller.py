"""Who is calling: an API token (`Authorization: Bearer`), a calendar token (`?token=` on the
calendar only), or a session cookie — in that order, and only the first one present counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection

from standby.core.clock import Clock
from standby.web.auth import apitokens, sessions
from standby.web.auth.models import User

Via = Literal["session", "token"]
CALENDAR = "/calendar.ics"


@dataclass(frozen=True)
class Caller:
    user: User | None = None
    via: Via | None = None
    csrf: str | None = None  # the token a session's unsafe requests must carry


ANONYMOUS = Caller()


def presents_credentials(connection: HTTPConnection) -> bool:
    """Whether the caller shows anything to look up; anonymous callers need no trip to the store."""
    return bool(
        connection.headers.get("authorization")
        or (connection.url.path == CALENDAR and connection.query_params.get("token"))
        or connection.cookies.get(sessions.COOKIE)
    )


def resolve(connection: HTTPConnection, factory: sessionmaker[Session], clock: Clock) -> Caller:
    """Look the caller up (in the store: call it from a thread). Invalid credentials are anonymous."""
    authorization = connection.headers.get("authorization")
    calendar = connection.query_params.get("token") if connection.url.path == CALENDAR else None
    cookie = connection.cookies.get(sessions.COOKIE)
    if not (authorization or calendar or cookie):
        return ANONYMOUS
    now = clock.now()
    with factory.begin() as session:
        if authorization is not None:
            scheme, _, secret = authorization.partition(" ")
            if scheme.lower() != "bearer":
                return ANONYMOUS
            user = apitokens.resolve(session, secret.strip(), scope="api", now=now)
            return Caller(user, "token") if user else ANONYMOUS
        if calendar is not None:
            user = apitokens.resolve(session, calendar, scope="calendar", now=now)
            return Caller(user, "token") if user else ANONYMOUS
        assert cookie is not None
        user = sessions.resolve(session, cookie, now=now)
        return Caller(user, "session", sessions.csrf_token(cookie)) if user else ANONYMOUS
