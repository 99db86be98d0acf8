"""The web app's factory and what every page needs (the context, `page`, `problem`); the features
it mounts are given by the wiring (standby/app/web.py `FEATURES`): each brings its own routes
(`feature/routes.py`, a `router`) and templates (`feature/templates/feature/*.html`, extending
`base.html`).

API-ish errors are JSON problem details (RFC 9457); token pages render their own HTML errors. No
response ever carries a traceback: an unexpected error is logged and answered with a plain 500.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from standby.core.clock import Clock
from standby.plan.model import Plan
from standby.web.auth import public, templating
from standby.web.auth.deps import Forbidden
from standby.web.auth.middleware import AuthMiddleware
from standby.web.auth.refuse import refuse

log = logging.getLogger(__name__)
public.declare("/static/")
_HEADERS = {
    # Token links are secrets in the URL: never leak them to another site through Referer.
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class WebContext:
    sessions: sessionmaker[Session]
    plan: Callable[[], Plan]  # the live plan: `standby serve` swaps it on reload
    clock: Clock
    templates: Jinja2Templates


def context(request: Request) -> WebContext:
    found: WebContext = request.app.state.standby
    return found


def page(request: Request, template: str, /, *, http_status: int = 200, **values: Any) -> Response:
    """Render `template` (e.g. "alerts/ack.html") with `values`."""
    return context(request).templates.TemplateResponse(request, template, values, status_code=http_status)


def problem(status: int, detail: str) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def create_app(
    *, sessions: sessionmaker[Session], plan: Callable[[], Plan], clock: Clock, features: Sequence[str]
) -> FastAPI:
    """The app with `features` mounted (packages with routes.py, or modules, each with a `router`), in
    that order; a package's templates/ join the loader."""
    app = FastAPI(title="Standby", docs_url=None, redoc_url=None, openapi_url=None)
    packages = [p for p in ("standby.web", *features) if _has_templates(p)]
    env = Environment(
        loader=ChoiceLoader([PackageLoader(p, "templates") for p in packages]),
        autoescape=select_autoescape(["html"]),
    )
    templates = Jinja2Templates(env=env)
    templating.install(templates)
    app.state.standby = WebContext(sessions, plan, clock, templates)
    app.mount("/static", StaticFiles(packages=[("standby.web", "static")]), name="static")
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
    app.add_middleware(AuthMiddleware)
    app.add_middleware(_SecurityHeaders)  # outermost: refusals get the headers too
    for feature in features:
        module = importlib.import_module(feature)
        if hasattr(module, "__path__"):  # a package: its routes module
            module = importlib.import_module(f"{feature}.routes")
        app.include_router(module.router)
    return app


def _has_templates(package: str) -> bool:
    return (
        hasattr(importlib.import_module(package), "__path__")
        and files(package).joinpath("templates").is_dir()
    )


class _SecurityHeaders:
    """Adds `_HEADERS` to every answer that has not set its own. A plain ASGI middleware: Starlette's
    `@app.middleware("http")` runs each request through a task group and memory streams, which cost a
    public endpoint (the lead capture) a third of its throughput."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, sending)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    return refuse(request, 403, str(exc.detail))


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return problem(422, f"invalid request: {where}")


async def _crash(request: Request, exc: Exception) -> Response:
    # The route's pattern, not the path: a path may hold a link token, which must not reach the log.
    route = getattr(request.scope.get("route"), "path", "an unknown route")
    log.error("%s %s failed", request.method, route, exc_info=exc)
    return problem(500, "Standby hit an internal error; the details are in its log")
