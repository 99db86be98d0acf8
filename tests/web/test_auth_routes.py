"""Deny by default, proven route by route: every route of the whole app (every feature in FEATURES)
either is declared public, on the list below, or refuses an anonymous caller."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
from fastapi.routing import RouteContext, iter_route_contexts
from starlette.routing import Mount

from standby.app.web import FEATURES
from standby.web.auth import public
from tests.web.signin import Site

# Every public prefix, each for a reason; a new one is a decision to make here, on purpose.
ALLOWED = {
    "/healthz",  # load balancers
    "/readyz",
    "/login",
    "/static",  # the stylesheet of the login page
    "/ack",  # the token in the link is the credential
    "/confirm",
    "/status",  # the public status page
    "/f",  # fallback forms: the capture endpoint and the switch script (other sites' pages post here)
    "/p",  # fallback forms' own pages
}
DUMMY = {
    "int": "1",
    "path": "some/where",
    "str": "x",
    "float": "1.0",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _routes(site: Site) -> list[tuple[str, set[str]]]:
    """(a path with dummy parameters, its methods) for every route, included routers' flattened."""
    return [_fill(route) for route in iter_route_contexts(site.app.routes)]


def _fill(route: RouteContext) -> tuple[str, set[str]]:
    if isinstance(route.original_route, Mount):
        return route.path + "/anything", {"GET"}
    assert route.path is not None and route.path_format is not None, route
    path = route.path_format
    for name in route.param_convertors:
        kind = re.search(rf"{{{name}:?(\w*)}}", route.path)
        path = path.replace(f"{{{name}}}", DUMMY[(kind.group(1) if kind else "") or "str"])
    return path, set(route.methods or {"GET"})


def test_the_whole_app_is_under_test() -> None:
    assert {"standby.web.auth", "standby.api", "standby.alerts", "standby.dashboard"} <= set(FEATURES)


def test_every_route_not_declared_public_refuses_an_anonymous_request(site: Site) -> None:
    checked: set[str] = set()
    client = site.client()
    for path, methods in _routes(site):
        if public.is_public(path):
            continue
        for method in methods - {"HEAD"}:
            reply = client.request(method, path)
            assert reply.status_code == 401, f"{method} {path}: {reply.status_code}"
            assert reply.headers["content-type"] == "application/problem+json"
            assert reply.headers["www-authenticate"] == 'Bearer realm="standby"'
            checked.add(path)
        if "GET" in methods:
            page = client.get(path, headers={"Accept": "text/html"})
            assert page.status_code == 303, f"GET {path} (a browser): {page.status_code}"
            assert page.headers["location"] == "/login?next=" + quote(
                httpx.URL(path).raw_path.decode(), safe=""
            )
    expected = {
        "/",
        "/logout",
        "/metrics",
        "/calendar.ics",
        "/api/v1/openapi.json",
        "/api/v1/alerts/x/acknowledge",
    }
    assert expected <= checked


def test_every_public_route_is_on_the_allowed_list(site: Site) -> None:
    assert public.declared() <= ALLOWED, public.declared() - ALLOWED
    publicly = [path for path, _ in _routes(site) if public.is_public(path)]
    assert publicly, "the login page at least"
    for path in publicly:
        assert any(path == p or path.startswith(p + "/") for p in ALLOWED), path


def test_public_routes_answer_without_sign_in(site: Site) -> None:
    client = site.client()
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    assert client.get("/login").status_code == 200
    assert client.get("/static/standby.css").status_code == 200
    assert client.get("/ack/not-a-real-token-but-long-enough").status_code == 404


def test_an_unknown_path_is_still_a_404_not_a_sign_in(site: Site) -> None:
    assert site.client().get("/nowhere").status_code == 404


def test_a_bearer_token_that_is_not_ours_is_refused_like_no_token(site: Site) -> None:
    for header in ("Bearer nope", "Bearer " + "x" * 43, "Basic ZGFuYTpwdw=="):
        reply = site.client().get("/api/v1/assets", headers={"Authorization": header})
        assert reply.status_code == 401
