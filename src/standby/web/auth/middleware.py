"""Deny by default. Every request's caller is resolved once (`request.state.user`, `.via`); a caller
with no user is refused on every route not declared public (an HTML GET is sent to the login page,
anything else gets a 401 problem). Unsafe methods are checked against cross-site forgery: a foreign
Origin is refused everywhere, and a session-authenticated request to a non-public route must carry
the session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`). Token-authenticated
calls are exempt: a browser never attaches a bearer token on its own.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import quote, urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from standby.web.auth import caller, public
from standby.web.auth.refuse import refuse, wants_html

log = logging.getLogger(__name__)
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_STALE = "this form is out of date or was not sent from Standby: reload the page and try again"


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        # An unknown path is not a route to protect: let the app answer 404.
        protected = not public.is_public(request.url.path) and _routed(request)
        ctx = request.app.state.standby
        try:
            found = caller.ANONYMOUS
            if caller.presents_credentials(request):  # a thread for the store only when there is a lookup
                found = await run_in_threadpool(caller.resolve, request, ctx.sessions, ctx.clock)
        except SQLAlchemyError as exc:
            log.warning("cannot check who is calling: the database did not answer: %s", exc)
            if protected:
                await refuse(request, 503, "the database did not answer; retry")(scope, receive, send)
                return
            found = caller.ANONYMOUS
        scope.setdefault("state", {}).update(user=found.user, via=found.via, csrf=found.csrf)
        response: Response | None = None
        if found.user is None and protected:
            response = _sign_in_first(request)
        elif (
            request.method not in SAFE
            and found.via != "token"
            and not public.takes_cross_origin(request.url.path)
        ):
            response = _foreign_origin(request, ctx.plan().settings.base_url)
            if response is None and protected and found.csrf is not None:
                body = await request.body()
                receive = _replay(body, receive)  # the app reads the body again
                if not await _carries(request, found.csrf, body):
                    response = refuse(request, 403, _STALE)
        if response is not None:
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _routed(request: Request) -> bool:
    return any(route.matches(request.scope)[0] is not Match.NONE for route in request.app.routes)


def _sign_in_first(request: Request) -> Response:
    if request.method in ("GET", "HEAD") and wants_html(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    response = refuse(
        request, 401, "sign in first: a session cookie, or an API token as `Authorization: Bearer TOKEN`"
    )
    response.headers["WWW-Authenticate"] = 'Bearer realm="standby"'
    return response


def _foreign_origin(request: Request, base_url: object) -> Response | None:
    """A 403 when the request says it comes from another site. `Origin: null` says nothing (the
    app's `Referrer-Policy: no-referrer` makes browsers send it even for same-origin forms), and a
    request with neither header is judged by its CSRF token alone."""
    origin = request.headers.get("origin")
    if origin in (None, "null"):
        referer = request.headers.get("referer")
        origin = _origin_of(referer) if referer else None
    if origin is None:
        return None
    allowed = {_origin_of(str(request.base_url)), _origin_of(str(base_url)) if base_url else None}
    if _origin_of(origin) in allowed:
        return None
    return refuse(request, 403, f"a form from {origin} cannot act here: use Standby's own pages")


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


async def _carries(request: Request, expected: str, body: bytes) -> bool:
    sent = request.headers.get("x-csrf-token")
    if sent is None and body:
        sent = await _form_field(request.scope, body, "csrf_token")
    return sent is not None and hmac.compare_digest(sent.encode(), expected.encode())


async def _form_field(scope: Scope, body: bytes, name: str) -> str | None:
    content_type = Request(scope).headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    try:
        async with Request(scope, _replay(body, None)).form() as form:
            value = form.get(name)
    except Exception:  # noqa: BLE001 - a body that does not parse carries no token; the app says why
        return None
    return value if isinstance(value, str) else None


def _replay(body: bytes, receive: Receive | None) -> Receive:
    """A `receive` that gives `body` again (it was read to find the token), then the real stream's
    later messages (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if receive is None:
            return {"type": "http.disconnect"}
        return await receive()

    return replay
