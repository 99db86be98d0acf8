"""Schemathesis against the API's OpenAPI schema, on a real uvicorn: whatever the schema lets a client
send, with a valid admin token, no endpoint answers with a server error. Examples are bounded."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from standby.api.routes import openapi
from tests.api.seed import seed
from tests.web.signin import Site

# The schema the app serves at /api/v1/openapi.json (a test there proves it), built without a database.
schema = schemathesis.openapi.from_dict(openapi())


@pytest.fixture
def bearer(any_site: Site) -> dict[str, str]:
    seed(any_site)
    return {"Authorization": f"Bearer {any_site.token('schemathesis', role='admin')}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_endpoint_answers_with_a_server_error(
    case: schemathesis.Case, any_site: Site, bearer: dict[str, str]
) -> None:
    case.call_and_validate(base_url=any_site.base, headers=bearer, checks=[not_a_server_error])
