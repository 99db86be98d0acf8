"""The web app: one FastAPI factory; each feature mounts its own routes (`feature/routes.py`, a
`router`) and templates (`feature/templates/feature/*.html`, extending `base.html`).

API-ish errors are JSON problem details (RFC 9457); token pages render their own HTML errors. No
response ever carries a traceback: an unexpected error is logged and answered with a plain 500.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from standby.core.clock import Clock
from standby.plan.model import Plan

log = logging.getLogger(__name__)
FEATURES = ("standby.alerts",)  # each has routes.py (`router`) and templates/
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


def create_app(*, sessions: sessionmaker[Session], plan: Callable[[], Plan], clock: Clock) -> FastAPI:
    app = FastAPI(title="Standby", docs_url=None, redoc_url=None, openapi_url=None)
    loaders = [PackageLoader(package, "templates") for package in ("standby.web", *FEATURES)]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=select_autoescape(["html"]))
    app.state.standby = WebContext(sessions, plan, clock, Jinja2Templates(env=env))
    app.mount("/static", StaticFiles(packages=[("standby.web", "static")]), name="static")
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crash)
    app.middleware("http")(_headers)

    @app.get("/healthz")
    def healthz() -> Response:
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("health check: the database did not answer: %s", exc)
            return problem(503, "the database did not answer")
        return JSONResponse({"status": "ok"})

    for feature in FEATURES:
        app.include_router(importlib.import_module(f"{feature}.routes").router)
    return app


async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    response = problem(exc.status_code, str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    where = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    return problem(422, f"invalid request: {where}")


async def _crash(request: Request, exc: Exception) -> Response:
    # The route's pattern, not the path: a path may hold a link token, which must not reach the log.
    route = getattr(request.scope.get("route"), "path", "an unknown route")
    log.error("%s %s failed", request.method, route, exc_info=exc)
    return problem(500, "Standby hit an internal error; the details are in its log")
