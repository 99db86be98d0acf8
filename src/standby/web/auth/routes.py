"""The login page and logout. Sign-in is throttled per account and per client address."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from standby.core.words import plural
from standby.web.app import context, page
from standby.web.auth import public, sessions, throttle, users
from standby.web.auth.deps import current_user

router = APIRouter()
public.declare("/login")


def secure_cookies(request: Request) -> bool:
    """Secure cookies unless the configured base URL is plain http:// (a LAN without TLS)."""
    base = context(request).plan().settings.base_url
    return base is None or base.scheme != "http"


def _next(target: str | None) -> str:
    """Only a local path: never send a signed-in user to another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _form(
    request: Request, *, status: int = 200, error: str = "", email: str = "", target: str | None = None
) -> Response:
    insecure = (
        secure_cookies(request)
        and request.url.scheme == "http"
        and request.url.hostname not in ("127.0.0.1", "localhost", "::1")
    )
    return page(
        request,
        "auth/login.html",
        http_status=status,
        error=error,
        email=email,
        next=_next(target),
        insecure=insecure,
    )


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    if current_user(request) is not None:
        return RedirectResponse(_next(next), status_code=303)
    return _form(request, target=next)


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    ctx = context(request)
    now = ctx.clock.now()
    email = users.normalize(email)
    address = request.client.host if request.client else "unknown"
    with ctx.sessions.begin() as session:
        until = throttle.refused_until(session, email=email, address=address, now=now)
        attempt = throttle.attempt(session, email=email, address=address, now=now) if until is None else 0
    if until is not None:
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        error = f"Too many failed sign-ins: try again in {plural(minutes, 'minute')}."
        response = _form(request, status=429, error=error, email=email, target=next)
        response.headers["Retry-After"] = str(max(1, int((until - now).total_seconds())))
        return response
    user_id = users.authenticate(ctx.sessions, email, password)
    with ctx.sessions.begin() as session:
        user = users.signed_in(session, user_id, password, now=now) if user_id is not None else None
        if user is None:
            return _form(request, status=401, error="Wrong email or password.", email=email, target=next)
        throttle.succeeded(session, attempt)
        previous = request.cookies.get(sessions.COOKIE)
        if previous:  # signing in again replaces the browser's session, never adds to it
            sessions.end(session, previous)
        cookie = sessions.start(session, user, now=now)
    response = RedirectResponse(_next(next), status_code=303)
    sessions.set_cookie(response, cookie, secure=secure_cookies(request))
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    ctx = context(request)
    cookie = request.cookies.get(sessions.COOKIE)
    if cookie:
        with ctx.sessions.begin() as session:
            sessions.end(session, cookie)
    response = RedirectResponse("/login", status_code=303)
    sessions.clear_cookie(response, secure=secure_cookies(request))
    return response
