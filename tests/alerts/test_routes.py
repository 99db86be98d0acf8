"""The links in messages, end to end against a real uvicorn: GET shows, only POST acts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from standby.app.web import create_app
from tests.alerts.conftest import World
from tests.web.server import serving


@pytest.fixture
def site(world: World) -> Iterator[str]:
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    with serving(app) as base:
        yield base


def link(body: str, kind: str) -> str:
    found = re.search(rf"http://\S+/{kind}/(\S+)", body)
    assert found, body
    return f"/{kind}/{found.group(1)}"


def paged(world: World) -> str:
    world.check("critical")
    world.at(0)
    return link(world.body("dana@acme.example"), "ack")


def test_opening_the_ack_link_shows_a_confirmation_page_and_acknowledges_nothing(
    world: World, site: str
) -> None:
    path = paged(world)
    page = httpx.get(site + path)
    assert page.status_code == 200
    assert "Acknowledge as Dana Reyes" in page.text
    assert "https://go.acme.example/demo is critical" in page.text
    assert 'name="viewport"' in page.text
    assert world.alert().state == "open"


def test_posting_the_ack_form_acknowledges_and_stops_the_chain(world: World, site: str) -> None:
    path = paged(world)
    token = path.rsplit("/", 1)[1]
    done = httpx.post(site + path, data={"token": token})
    assert done.status_code == 200
    assert "Acknowledged alert #1 (endpoint:demo-page) as Dana Reyes" in done.text
    assert world.alert().acknowledged_by == "dana"
    world.at(30)
    assert world.mail("lee@acme.example") == []
    again = httpx.post(site + path, data={"token": token})
    assert again.status_code == 410 and "already used" in again.text


def test_the_ack_page_says_who_already_acknowledged(world: World, site: str) -> None:
    paged(world)
    world.at(30)
    lee = link(world.body("lee@acme.example"), "ack")
    dana = link(world.body("dana@acme.example"), "ack")
    httpx.post(site + lee, data={"token": lee.rsplit("/", 1)[1]})
    page = httpx.get(site + dana)
    assert page.status_code == 200
    assert "acknowledged by Lee Park at 2025-06-02 09:30 EDT" in page.text
    assert "<form" not in page.text
    late = httpx.post(site + dana, data={"token": dana.rsplit("/", 1)[1]})
    assert "already acknowledged by Lee Park" in late.text


def test_an_expired_ack_link_is_refused_with_a_clear_page(world: World, site: str) -> None:
    path = paged(world)
    world.clock.advance(timedelta(days=7, seconds=1))
    page = httpx.get(site + path)
    assert page.status_code == 410
    assert "This link expired on 2025-06-09 at 13:00 UTC." in page.text
    post = httpx.post(site + path, data={"token": path.rsplit("/", 1)[1]})
    assert post.status_code == 410
    assert world.alert().state == "open"


def test_a_post_without_the_token_or_an_unknown_token_is_a_4xx_page(world: World, site: str) -> None:
    path = paged(world)
    assert httpx.post(site + path).status_code == 400
    assert httpx.post(site + "/ack").status_code == 400
    unknown = httpx.get(site + "/ack/" + "x" * 43)
    assert unknown.status_code == 404 and "not valid" in unknown.text
    assert unknown.headers["content-type"].startswith("text/html")
    assert world.alert().state == "open"
