"""`standby serve` shows the status page at /status/ to anyone: the files the pipeline last stored."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.app.web import create_app
from tests.incidents.conftest import World
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer
from tests.web.server import serving

SCHEMA = json.loads((Path(__file__).parent / "statuspage_v2.schema.json").read_text())


@pytest.fixture
def world(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[World]:
    with SmtpPeer() as smtp, WebhookPeer() as hook:
        yield World(sessions, smtp, hook, tmp_path / "site")


@pytest.fixture
def site(world: World) -> Iterator[str]:
    with serving(create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)) as base:
        yield base


def test_an_anonymous_visitor_reads_the_page_as_published(world: World, site: str) -> None:
    world.fail()
    world.at(0)
    moved = httpx.get(f"{site}/status")
    assert (moved.status_code, moved.headers["location"]) == (308, "/status/")
    page = httpx.get(f"{site}/status/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.content == (world.site / "index.html").read_bytes()
    assert "Problems with Marketo forms" in page.text and "Investigating" in page.text
    assert "style-src 'unsafe-inline'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "max-age=60"
    summary = httpx.get(f"{site}/status/api/v2/summary.json")
    assert summary.headers["content-type"] == "application/json; charset=utf-8"
    jsonschema.Draft202012Validator(SCHEMA).validate(summary.json())
    assert summary.json()["incidents"][0]["status"] == "investigating"
    feed = httpx.get(f"{site}/status/history.atom")
    assert ET.fromstring(feed.content).tag == "{http://www.w3.org/2005/Atom}feed"
    assert httpx.get(f"{site}/status/api/v2/incidents/unresolved.json").json()["incidents"]


def test_before_the_engine_has_stored_a_page_it_is_rendered_on_the_spot(world: World, site: str) -> None:
    page = httpx.get(f"{site}/status/api/v2/status.json")
    assert page.json()["status"] == {"indicator": "none", "description": "All Systems Operational"}


def test_an_unknown_file_or_a_plan_without_a_status_page_is_a_404(world: World, site: str) -> None:
    missing = httpx.get(f"{site}/status/../../etc/passwd")
    assert missing.status_code == 404
    assert httpx.get(f"{site}/status/secrets.json").status_code == 404
    world.edit_plan(status_page=None)
    gone = httpx.get(f"{site}/status/")
    assert gone.status_code == 404 and "no status page" in gone.json()["detail"]
