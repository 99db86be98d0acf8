"""Refusals (401, 403, 503) as a page for a browser and as problem details for everything else."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def refuse(request: Request, status: int, detail: str) -> Response:
    from standby.web.app import page, problem  # the app imports this package while it is built

    if wants_html(request):
        return page(request, "auth/denied.html", http_status=status, status=status, detail=detail)
    return problem(status, detail)
