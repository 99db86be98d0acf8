"""/api/v1: the routers, and the OpenAPI description of exactly them at /api/v1/openapi.json.

The interactive docs are left out: they would load scripts from a CDN, and the dashboard must work
when the internet half-works. Any OpenAPI viewer can read the JSON.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBearer

from standby import __version__
from standby.alerts import api as alerts
from standby.api import assets, findings, people
from standby.incidents import api as incidents
from standby.web.api import Problem

# Documents the scheme in the schema; the auth middleware has checked the caller already.
_bearer = HTTPBearer(auto_error=False, description="an API token: `standby token create --name NAME`")
_errors: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no valid token or session"},
    403: {"model": Problem, "description": "needs the admin role, or a forged form"},
    422: {"model": Problem, "description": "invalid parameters"},
}
api = APIRouter(prefix="/api/v1", dependencies=[Depends(_bearer)], responses=_errors)
for part in (assets, findings, alerts, incidents, people):
    api.include_router(part.router)
router = APIRouter()
router.include_router(api)


@cache
def openapi() -> dict[str, Any]:
    return get_openapi(
        title="Standby API",
        version=__version__,
        description="Assets, findings, alerts, incidents and people of a Standby installation. "
        "See docs/web.md.",
        routes=api.routes,
    )


@router.get("/api/v1/openapi.json", include_in_schema=False)
def openapi_json() -> JSONResponse:
    return JSONResponse(openapi())
