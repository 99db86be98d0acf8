"""What routes ask about their caller. The middleware has already refused anonymous callers on
every non-public route, so `current_user` is only None on public ones."""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException

from standby.web.auth.models import User


class Forbidden(HTTPException):
    """A signed-in caller without the role for this; rendered as a page or a 403 problem."""

    def __init__(self, detail: str) -> None:
        super().__init__(403, detail)


def current_user(request: Request) -> User | None:
    user: User | None = getattr(request.state, "user", None)
    return user


def require_user(request: Request) -> User:
    user = current_user(request)
    if user is None:  # a route reached without sign-in: it should have been declared public
        raise HTTPException(401, "sign in first")
    return user


def require_admin(request: Request) -> User:
    """The caller, if an admin (as a FastAPI dependency too); Forbidden for a viewer."""
    user = require_user(request)
    if not user.is_admin:
        raise Forbidden(
            f"{user.email} may only read: acting needs the admin role (`standby user add --role admin`)"
        )
    return user


def actor(request: Request) -> str:
    """Who acts, for "acknowledged by": the plan person whose email is the user's (compared
    case-insensitively), else the user's email (or `token:NAME` for an API token)."""
    from standby.web.app import context  # web.app imports this package while it is built

    user = require_user(request)
    people = context(request).plan().people
    return next((p.id for p in people if p.email and p.email.strip().lower() == user.email), user.email)
