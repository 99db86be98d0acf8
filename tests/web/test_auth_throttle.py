"""Login throttling: five failures for an account within 15 minutes lock it until the oldest leaves
the window (the right password included); twenty from one address lock that address. Attempts are
rows, so two app processes on one database agree. Time moves on the injected clock."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from argon2 import PasswordHasher

from standby.app.web import create_app
from standby.web.auth import passwords
from tests.web.server import serving
from tests.web.signin import PASSWORD, Site


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dozens of sign-ins here: argon2 at its real cost (~0.2 s each) would only make them slow."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _fail(client: httpx.Client, email: str = "dana@acme.example") -> httpx.Response:
    return client.post("/login", data={"email": email, "password": "wrong password, sorry"})


def _try(client: httpx.Client, email: str = "dana@acme.example") -> httpx.Response:
    return client.post("/login", data={"email": email, "password": PASSWORD})


def test_five_failures_lock_the_account_for_fifteen_minutes_even_with_the_right_password(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.client()
    for _ in range(4):
        assert _fail(client).status_code == 401
        site.clock.advance(timedelta(minutes=1))
    assert _fail(client).status_code == 401  # the fifth, at minute 4
    locked = _try(client)
    assert locked.status_code == 429 and "set-cookie" not in locked.headers
    assert "Too many failed sign-ins: try again in 11 minutes." in locked.text
    assert locked.headers["retry-after"] == str(11 * 60)
    site.clock.advance(timedelta(minutes=11))  # the first failure leaves the window
    assert _try(client).status_code == 303


def test_a_success_clears_the_accounts_count(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.client()
    for _ in range(4):
        _fail(client)
    assert _try(client).status_code == 303
    for _ in range(4):
        assert _fail(client).status_code == 401
    assert _try(client).status_code == 303


def test_one_address_guessing_many_accounts_is_locked_for_all_of_them(site: Site) -> None:
    site.add_user("dana@acme.example")
    client = site.client()
    for n in range(20):
        assert _fail(client, f"guess{n}@acme.example").status_code == 401
    assert _try(client).status_code == 429
    site.clock.advance(timedelta(minutes=15))
    assert _try(client).status_code == 303


def test_two_processes_on_one_database_share_the_count(any_site: Site) -> None:
    any_site.add_user("dana@acme.example")
    other = create_app(sessions=any_site.sessions, plan=lambda: any_site.plan, clock=any_site.clock)
    with serving(other) as second:
        for n in range(5):
            base = any_site.base if n % 2 else second
            assert _fail(httpx.Client(base_url=base)).status_code == 401
        assert _try(any_site.client()).status_code == 429
        assert _try(httpx.Client(base_url=second)).status_code == 429


def test_an_unknown_account_is_throttled_like_a_real_one(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        assert _fail(client, "nobody@acme.example").status_code == 401
    assert _fail(client, "nobody@acme.example").status_code == 429
