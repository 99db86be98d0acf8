"""The dashboard under test: the whole app on a real uvicorn, over a store the real engine filled
(tests/dashboard/seed.py), with an admin and a viewer who sign in through the login page. Shared by
the dashboard tests and the browser test (tests/web/test_browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import AnyHttpUrl

from standby.app.web import create_app
from standby.web.auth import users
from tests.dashboard.seed import Seeded, seeded
from tests.web.server import serving

PASSWORD = "correct horse battery staple"
ADMIN = "dana@acme.example"  # Dana Reyes in the plan: she acts as herself
VIEWER = "auditor@ops.example"


class Dashboard:
    def __init__(self, store: Seeded) -> None:
        self.store = store
        self.plan = store.plan
        self.app = create_app(sessions=store.sessions, plan=lambda: self.plan, clock=store.clock)
        self.base = ""
        self.clients: list[httpx.Client] = []
        self.users: set[str] = set()

    def serve(self, base: str) -> None:
        self.base = base
        # Plain http:// as on a LAN: the session cookie is not Secure, so a client sends it here.
        settings = self.plan.settings.model_copy(update={"base_url": AnyHttpUrl(base)})
        self.plan = self.plan.model_copy(update={"settings": settings})

    def add_user(self, email: str) -> None:
        """With the users service, as `standby user add` does; once, and only for the users a test needs
        (argon2 takes a third of a second a hash)."""
        if email in self.users:
            return
        role = "viewer" if email == VIEWER else "admin"
        with self.store.sessions.begin() as session:
            users.add(session, email=email, role=role, password=PASSWORD, now=self.store.clock.now())
        self.users.add(email)

    def anonymous(self) -> httpx.Client:
        client = httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)
        self.clients.append(client)
        return client

    def sign_in(self, email: str = ADMIN) -> httpx.Client:
        """A client with a session of its own (closed when the dashboard goes)."""
        self.add_user(email)
        client = self.anonymous()
        reply = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"})
        assert reply.status_code == 303, reply.text
        return client


def csrf_of(page: str) -> str:
    """The CSRF token a page's forms carry."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@contextmanager
def dashboard_site(directory: Path, ticks: int = 12) -> Iterator[Dashboard]:
    with seeded(directory, ticks=ticks) as store:
        dashboard = Dashboard(store)
        with serving(dashboard.app) as base:
            dashboard.serve(base)
            yield dashboard
            for client in dashboard.clients:
                client.close()
