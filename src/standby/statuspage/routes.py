"""`/status/`: the public status page as last rendered (statuspage/pipeline.py), for anyone, signed in
or not. A convenience beside the independent publish targets, which it does not replace: it goes
down with the Standby host and its domain."""

from __future__ import annotations

import posixpath

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from standby.statuspage import pipeline
from standby.statuspage.publish import CACHE_CONTROL, CONTENT_TYPES
from standby.statuspage.render import FEED, INDEX
from standby.web.app import context, problem
from standby.web.auth import public

router = APIRouter()
public.declare("/status")
FILES = frozenset(
    {
        INDEX,
        FEED,
        "api/v2/summary.json",
        "api/v2/status.json",
        "api/v2/components.json",
        "api/v2/incidents.json",
        "api/v2/incidents/unresolved.json",
    }
)
# The page's own inline stylesheet, and nothing else: no scripts, no fonts, no frames.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


@router.get("/status", include_in_schema=False)
def status_root() -> Response:
    return RedirectResponse("/status/", status_code=308)


@router.get("/status/{path:path}", include_in_schema=False)
def status_file(request: Request, path: str) -> Response:
    path = path or INDEX
    if path not in FILES:
        return problem(404, f"the status page has no {path}")
    ctx = context(request)
    plan = ctx.plan()
    if plan.status_page is None:
        return problem(404, "this plan has no status page (add a status_page section)")
    with ctx.sessions() as session:
        content = pipeline.served(session, plan=plan, path=path, now=ctx.clock.now())
    if content is None:
        return problem(404, f"the status page has no {path}")
    headers = {"Cache-Control": CACHE_CONTROL, "Content-Security-Policy": _POLICY}
    media = CONTENT_TYPES.get(posixpath.splitext(path)[1], "application/octet-stream")
    return Response(content, media_type=media, headers=headers)
