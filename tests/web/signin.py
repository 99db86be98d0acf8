"""The whole web app on a real uvicorn with users, tokens and signed-in clients: shared by the auth,
API, metrics and calendar tests (imported by tests/web/conftest.py and tests/api/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.app.web import create_app
from standby.core.clock import ManualClock
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from standby.web.auth import apitokens, sessions, users
from tests.web.server import serving

T0 = datetime(2025, 6, 2, 13, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


def plan_data() -> dict[str, Any]:
    return {
        "version": 1,
        "organization": "Acme Corp",
        "timezone": "America/New_York",
        "people": [
            {
                "id": "dana",
                "name": "Dana Reyes",
                "email": "Dana@Acme.example",
                "reports_to": "lee",
                "notify": ["json://hooks:s3cret@127.0.0.1:9/dana"],
            },
            {"id": "lee", "name": "Lee Park", "email": "lee@acme.example"},
        ],
        "domains": [{"name": "acme.example", "owner": "dana", "confirm_by": "30d"}],
        "certificates": [{"host": "www.acme.example", "owner": "lee"}],
        "endpoints": [{"id": "demo-page", "url": "https://go.acme.example/demo", "owner": "dana"}],
    }


class Site:
    """`site.sign_in("dana@acme.example")` → a client with a session; `site.token()` → an API token."""

    def __init__(self, factory: sessionmaker[Session], clock: ManualClock) -> None:
        self.sessions, self.clock = factory, clock
        self.data = plan_data()
        self.plan = Plan.model_validate(self.data)
        self.app = create_app(sessions=factory, plan=lambda: self.plan, clock=clock)
        self.base = ""

    def edit_settings(self, **settings: Any) -> None:
        self.data = {**self.data, "settings": {**self.data.get("settings", {}), **settings}}
        self.plan = Plan.model_validate(self.data)

    def add_user(self, email: str, role: str = "admin", password: str = PASSWORD) -> None:
        with self.sessions.begin() as session:
            users.add(session, email=email, role=role, password=password, now=self.clock.now())

    def token(self, name: str = "ci", role: str = "admin", *, calendar: bool = False) -> str:
        with self.sessions.begin() as session:
            scope = "calendar" if calendar else "api"
            return apitokens.create(session, name=name, role=role, scope=scope, now=self.clock.now())

    @cached_property
    def viewer_token(self) -> str:
        return self.token("viewer", role="viewer")

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base, headers=headers, follow_redirects=False, timeout=10)

    def sign_in(self, email: str, password: str = PASSWORD) -> httpx.Client:
        client = self.client()
        reply = client.post("/login", data={"email": email, "password": password, "next": "/"})
        assert reply.status_code == 303, reply.text
        return client


def csrf(client: httpx.Client) -> str:
    """The CSRF token of the client's session, as the app's pages embed it."""
    return sessions.csrf_token(client.cookies[sessions.COOKIE])


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    migrate.upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def _serve(factory: sessionmaker[Session], clock: ManualClock) -> Iterator[Site]:
    site = Site(factory, clock)
    with serving(site.app) as base:
        site.base = base
        site.edit_settings(base_url=base)  # plain http://: cookies are not Secure, as on a LAN
        yield site


@pytest.fixture
def site(sqlite_sessions: sessionmaker[Session], clock: ManualClock) -> Iterator[Site]:
    """On SQLite."""
    yield from _serve(sqlite_sessions, clock)


@pytest.fixture
def any_site(sessions: sessionmaker[Session], clock: ManualClock) -> Iterator[Site]:
    """On SQLite and on PostgreSQL."""
    yield from _serve(sessions, clock)
