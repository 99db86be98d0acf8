"""The status page kept current: rebuilt each tick, stored and published when it changed (and only
then), an incident's automatic entry at once and a person's words once published."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.incidents import service
from standby.statuspage import pipeline
from standby.statuspage.models import StatusPageTarget
from tests.incidents.conftest import MARKETO, World
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer

SCHEMA = json.loads((Path(__file__).parent / "statuspage_v2.schema.json").read_text())


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest.fixture
def hook() -> Iterator[WebhookPeer]:
    with WebhookPeer() as peer:
        yield peer


@pytest.fixture
def world(sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer, tmp_path: Path) -> World:
    return World(sessions, smtp, hook, tmp_path / "site")


def summary(world: World) -> Any:
    return json.loads((world.site / "api/v2/summary.json").read_text())


def mtimes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def test_the_investigating_entry_is_published_in_the_tick_that_opens_the_incident(world: World) -> None:
    world.fail()
    world.at(0)
    document = summary(world)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    [incident] = document["incidents"]
    assert (incident["name"], incident["status"], incident["impact"]) == (
        "Problems with Marketo forms", "investigating", "major"
    )  # fmt: skip
    assert incident["incident_updates"][0]["body"].startswith(
        "We are investigating problems with Marketo forms."
    )
    marketo = next(c for c in document["components"] if c["name"] == "Marketo forms")
    assert marketo["status"] == "partial_outage" and document["status"]["indicator"] == "major"
    assert world.incident().page_shown_at == world.now
    assert ("status_page", "shown on the status page") in world.timeline()


def test_a_persons_update_reaches_the_page_only_once_published(world: World) -> None:
    world.fail()
    world.at(0)
    with world.sessions.begin() as session:
        service.update_incident(
            session, plan=world.plan, incident_id=1, know="Marketo's API answers 503.", dont_know="",
            meanwhile="Sales: use the Typeform link.", public="Our forms are slow; every lead is kept.",
            actor="dana", now=world.now,
        )  # fmt: skip
    world.at(1)
    assert len(summary(world)["incidents"][0]["incident_updates"]) == 1
    with world.sessions.begin() as session:
        service.publish_incident(session, plan=world.plan, incident_id=1, actor="lee", now=world.now)
    world.at(2)
    bodies = [u["body"] for u in summary(world)["incidents"][0]["incident_updates"]]
    assert bodies[0] == "Our forms are slow; every lead is kept." and len(bodies) == 2
    published = b"".join(p.read_bytes() for p in world.site.rglob("*") if p.is_file())
    assert b"every lead is kept" in published and b"503" not in published and b"Typeform" not in published


def test_nothing_is_written_again_until_something_changes_even_after_a_restart(
    world: World, engine: Any
) -> None:
    world.fail()
    world.at(0)
    before = mtimes(world.site)
    assert pipeline.publish_due(world.sessions, plan=world.plan, now=world.now) == 0
    restarted = sessionmaker(engine, expire_on_commit=False)  # another process, the same database
    assert pipeline.publish_due(restarted, plan=world.plan, now=world.now + timedelta(minutes=1)) == 0
    pipeline.settle(restarted)
    assert mtimes(world.site) == before


def test_a_component_status_change_alone_is_published(world: World) -> None:
    world.at(0)
    world.fail("warning")  # below the playbook's severity: no incident, but the page tells
    world.at(1)
    document = summary(world)
    assert document["incidents"] == []
    assert document["components"][1]["status"] == "degraded_performance"


def test_in_monitoring_the_component_shows_what_the_checks_see(world: World) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now + timedelta(minutes=5))
    world.check("ok", asset=MARKETO, check="statuspage", summary="ok")
    world.at(5)
    document = summary(world)
    assert document["incidents"][0]["status"] == "monitoring"
    assert document["components"][1]["status"] == "operational"


def test_an_incident_on_a_system_the_page_does_not_list_stays_off_it(world: World) -> None:
    world.check("critical", asset="endpoint:demo-page", check="http", summary="the demo page answers 503")
    world.at(0)
    assert world.incident().systems == ["endpoint:demo-page"]
    assert summary(world)["incidents"] == []


def test_a_failing_target_is_retried_after_a_backoff_or_at_once_when_the_page_changes(world: World) -> None:
    world.site.parent.mkdir(parents=True, exist_ok=True)
    world.site.write_text("not a directory")
    world.at(0)
    with world.sessions() as session:
        target = session.scalars(select(StatusPageTarget)).one()
    assert target.failures == 1 and target.error and str(world.site) in target.error
    world.at(0.25)
    with world.sessions() as session:
        assert session.scalars(select(StatusPageTarget)).one().attempted_at == target.attempted_at
    world.fail()  # the page changes: tried again at once
    world.at(0.5)
    with world.sessions() as session:
        assert session.scalars(select(StatusPageTarget)).one().failures == 2
    world.site.unlink()
    world.at(2)
    with world.sessions() as session:
        target = session.scalars(select(StatusPageTarget)).one()
    assert (target.failures, target.error) == (0, None)
    assert summary(world)["incidents"][0]["status"] == "investigating"
