"""The admin's leads pages: counts and replay per form, submissions with hostile values shown as text,
one submission in full, the two buttons; viewers and anonymous callers are kept out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from standby.web.auth import users
from tests.dashboard.site import ADMIN, PASSWORD, VIEWER, csrf_of
from tests.leads.conftest import World
from tests.leads.test_replay import capture

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about pages, not the database (capture and replay run on both)."""
    return f"sqlite:///{tmp_path / 'standby.db'}"


@contextmanager
def sign_in(web: httpx.Client, world: World, email: str) -> Iterator[httpx.Client]:
    with world.sessions.begin() as session:
        role = "viewer" if email == VIEWER else "admin"
        users.add(session, email=email, role=role, password=PASSWORD, now=world.clock.now())
    with httpx.Client(base_url=str(web.base_url), follow_redirects=False, timeout=10) as client:
        reply = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/"})
        assert reply.status_code == 303, reply.text
        yield client


async def test_an_admin_sees_counts_and_submissions_with_hostile_values_escaped(
    web: httpx.Client, world: World
) -> None:
    [public_id] = capture(
        world,
        "demo-request",
        {"email": "x@example.com", "firstName": HOSTILE, "company": '"><img src=x onerror=alert(1)>'},
    )
    capture(world, "demo-request", {"email": "y@example.com", "firstName": "Y"})
    world.mkto.refuse("y@example.com", "1003", HOSTILE)
    await world.replayer().run(world.plan, ["demo-request"])
    with sign_in(web, world, ADMIN) as admin:
        listing = admin.get("/leads")
        assert listing.status_code == 200
        assert "2 leads captured, 1 delivered, 1 skipped: 1003 &lt;script&gt;" in listing.text
        assert HOSTILE not in listing.text and "<img src=x" not in listing.text
        detail = admin.get(f"/leads/{public_id}")
        assert detail.status_code == 200
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in detail.text and HOSTILE not in detail.text
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in detail.text
        assert admin.get("/leads/sub_nope").status_code == 404
        assert admin.get("/leads?state=lost").status_code == 400


async def test_the_buttons_requeue_refused_leads_and_ask_for_a_replay(
    web: httpx.Client, world: World
) -> None:
    capture(world, "demo-request", {"email": "y@example.com"})
    world.mkto.refuse("y@example.com")
    await world.replayer().run(world.plan, ["demo-request"])
    with sign_in(web, world, ADMIN) as admin:
        token = csrf_of(admin.get("/leads").text)
        done = admin.post(
            "/leads/retry", data={"form": "demo-request", "skipped": "true", "csrf_token": token}
        )
        assert (done.status_code, done.headers["location"]) == (303, "/leads?did=retry&n=1")
        assert "1 refused lead(s) back in the queue." in admin.get(done.headers["location"]).text
        assert world.rows()[0].state == "pending"
        soon = admin.post("/leads/replay", data={"form": "demo-request", "csrf_token": token})
        assert soon.status_code == 303
        assert admin.post("/leads/replay", data={"form": "nope", "csrf_token": token}).status_code == 400
        assert admin.post("/leads/retry", data={"form": "demo-request"}).status_code == 403  # no CSRF token


def test_viewers_and_strangers_are_kept_out(web: httpx.Client, world: World) -> None:
    assert web.get("/leads", headers={"Accept": "application/json"}).status_code == 401
    with sign_in(web, world, VIEWER) as viewer:
        assert viewer.get("/leads").status_code == 403
        assert 'href="/leads"' not in viewer.get("/").text  # no menu entry for what they cannot open
