"""/runbook: the crisis runbook exactly as it is published (one file with its own inline styles), for
signed-in people."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from standby.recovery.runbook.publish import current
from standby.web.app import context

router = APIRouter()
# The runbook's own inline stylesheet, and nothing else: it fetches nothing.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


@router.get("/runbook")
def runbook(request: Request) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        html = current(session, ctx.plan(), ctx.clock.now())
    return Response(html, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": POLICY})
