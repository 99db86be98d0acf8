"""The app shell: health, problem details for API-ish errors, no tracebacks, safe headers, the CSS."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from standby.app.web import create_app
from standby.core.clock import ManualClock
from standby.plan.model import Plan
from standby.store.db import make_engine, session_factory
from standby.web.auth import apitokens
from tests.web.server import serving

PLAN = Plan.model_validate({"version": 1, "organization": "Acme Corp"})
CLOCK = ManualClock(datetime(2025, 6, 2, 13, 0, tzinfo=UTC))


def app_for(sessions: sessionmaker[Session]) -> FastAPI:
    return create_app(sessions=sessions, plan=lambda: PLAN, clock=CLOCK)


def test_healthz_says_ok_when_the_database_answers(sessions: sessionmaker[Session]) -> None:
    with serving(app_for(sessions)) as base:
        reply = httpx.get(f"{base}/healthz")
    assert (reply.status_code, reply.json()) == (200, {"status": "ok"})


def test_healthz_is_a_503_problem_when_the_database_does_not_answer() -> None:
    broken = session_factory(make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    with serving(app_for(broken)) as base:
        reply = httpx.get(f"{base}/healthz")
    assert reply.status_code == 503
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"] == "the database did not answer"


def test_an_unknown_path_is_a_json_problem_not_an_html_page(sessions: sessionmaker[Session]) -> None:
    with serving(app_for(sessions)) as base:
        reply = httpx.get(f"{base}/nowhere")
    assert reply.status_code == 404
    assert reply.json() == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "Not Found"}


def test_an_internal_error_is_a_500_problem_without_a_traceback(sessions: sessionmaker[Session]) -> None:
    app = app_for(sessions)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    with sessions.begin() as session:
        token = apitokens.create(session, name="ci", role="viewer", scope="api", now=CLOCK.now())
    with serving(app) as base:
        reply = httpx.get(f"{base}/boom", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 500
    assert reply.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in reply.text and "Traceback" not in reply.text


def test_pages_never_leak_their_url_through_referer_and_the_css_is_served_locally(
    sessions: sessionmaker[Session],
) -> None:
    with serving(app_for(sessions)) as base:
        # 30 s bounds a hung server, not its speed: httpx's 5 s default was missed at load average 14.
        reply = httpx.get(f"{base}/healthz", timeout=30)
        css = httpx.get(f"{base}/static/standby.css", timeout=30)
    assert reply.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in reply.headers["content-security-policy"]
    assert css.status_code == 200 and "max-width" in css.text
