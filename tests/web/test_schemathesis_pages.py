"""Schemathesis against the HTML pages' path parameters, on a real uvicorn: ids beyond what the
database holds, tokens of any shape, asset names and status-page paths of any text — with a valid
admin token, no page answers with a server error (on SQLite, whose 64-bit integers are the ones a
too-large id reached). Values that break the schema are generated too
(negative mode): a bad value is a 4xx problem, never a 500."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from standby.app.web import FEATURES
from tests.api.seed import seed
from tests.web.signin import Site


def pages_schema() -> dict[str, Any]:
    """The OpenAPI description FastAPI derives for every page route with a path parameter, from the
    features' own routers (the API has its own run, tests/api/test_schemathesis.py)."""
    routes = []
    for feature in FEATURES:
        module = importlib.import_module(feature)
        if hasattr(module, "__path__"):
            module = importlib.import_module(f"{feature}.routes")
        for route in _walk(module.router.routes):
            if "{" in route.path and not route.path.startswith("/api/"):
                shown = copy.copy(route)
                shown.include_in_schema = True  # pages are left out of any schema the app serves
                routes.append(shown)
    return get_openapi(title="Standby pages", version="1", routes=routes)


def _walk(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:  # a router's sub-router
            yield from _walk(included.routes)


schema = schemathesis.openapi.from_dict(pages_schema())
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


def test_every_page_route_with_a_path_parameter_is_in_the_run() -> None:
    paths = set(pages_schema()["paths"])
    assert {
        "/incidents/{incident_id}",
        "/incidents/{incident_id}/update",
        "/alerts/{alert_id}/ack",
        "/ack/{token}",
        "/confirm/{token}",
        "/assets/{asset}",
        "/status/{path}",
    } <= paths


@pytest.fixture
def bearer(site: Site) -> dict[str, str]:
    seed(site)
    return {"Authorization": f"Bearer {site.token('schemathesis', role='admin')}"}


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_page_answers_a_path_parameter_with_a_server_error(
    case: schemathesis.Case, site: Site, bearer: dict[str, str]
) -> None:
    # SQLite: its 64-bit integers let through ids PostgreSQL's 32-bit columns would refuse anyway
    case.call_and_validate(base_url=site.base, headers=bearer, checks=[not_a_server_error])
