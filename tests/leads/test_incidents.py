"""Plan B in incidents: the first internal message names the live fallback pages, the timeline and
the incident page carry what the forms captured and what the platform acknowledged."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from standby.incidents import service
from standby.incidents.pages import incident_page
from standby.leads.intake import NewSubmission, write
from standby.leads.models import Submission
from standby.plan.model import Plan
from tests.incidents.conftest import World, hook, smtp
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer

__all__ = ["hook", "smtp"]  # the incidents' peers, as fixtures here

SAM = "sam@acme.example"  # marketing: internal
PAT = "pat@partner.example"  # customers: external


@pytest.fixture
def world(sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer, tmp_path: Path) -> World:
    """The incidents' world (not the leads' one): a plan with audiences, a playbook, SMTP."""
    return World(sessions, smtp, hook, tmp_path / "site")


def with_plan_b(world: World) -> None:
    world.data["forms"] = [
        {
            "id": "demo-request",
            "title": "Request a demo",
            "vendor": "marketo",
            "fields": [{"name": "email", "label": "Email", "type": "email"}],
            "destination": {"webhook": {"url": "https://hooks.acme-backup.example/leads"}},
        }
    ]
    world.data["fallback"] = {"pages_url": "https://pages.acme-backup.example"}
    world.data["playbooks"][0]["plan_b"] = ["demo-request"]
    world.plan = Plan.model_validate(world.data)


def captured(world: World, *emails: str) -> None:
    items = [NewSubmission("demo-request", None, {"email": e}, world.now) for e in emails]
    with world.sessions.begin() as session:
        write(session, items)


def outcome(world: World, email: str, state: str, reason: str | None = None) -> None:
    with world.sessions.begin() as session:
        session.execute(
            update(Submission)
            .where(Submission.fields["email"].as_string() == email)
            .values(state=state, reason=reason, outcome="created" if state == "delivered" else "skipped")
        )


def test_the_first_internal_message_names_the_live_fallback_pages(world: World) -> None:
    with_plan_b(world)
    world.fail()
    world.at(0)
    body = world.body(SAM)
    assert "Plan B: these fallback pages are live, and forms embedded with Standby's switch script" in body
    assert "  Request a demo: https://pages.acme-backup.example/p/demo-request/" in body
    world.at(31)  # external_after: the customers hear Standby's neutral words, not the internal plan
    assert world.told(PAT) and "fallback" not in world.body(PAT)


def test_the_timeline_and_the_page_count_what_the_platform_acknowledged(world: World) -> None:
    with_plan_b(world)
    world.fail()
    world.at(0)
    captured(world, "a@example.com", "b@example.com", "c@example.com")
    outcome(world, "a@example.com", "delivered")
    outcome(world, "b@example.com", "skipped", "1003 Invalid data")
    world.at(1)
    line = "Plan B: 3 leads captured, 1 delivered, 1 waiting, 1 skipped: 1003 Invalid data"
    assert world.timeline()[-1] == ("plan_b", line)
    world.at(2)
    assert world.kinds().count("plan_b") == 1  # nothing changed: nothing written
    captured(world, "d@example.com")
    world.at(3)
    assert world.kinds().count("plan_b") == 1  # leads still waiting: at most every 5 minutes
    outcome(world, "c@example.com", "delivered")
    outcome(world, "d@example.com", "delivered")
    world.at(4)  # the last one has an outcome: the final figures go down at once
    final = "Plan B: 4 leads captured, 3 delivered, 1 skipped: 1003 Invalid data"
    assert world.timeline()[-1] == ("plan_b", final)
    with world.sessions() as session:
        found = incident_page(session, world.incident(), plan=world.plan, now=world.now)
    assert found.plan_b_tally == final
    assert [p.url for p in found.plan_b] == ["https://pages.acme-backup.example/p/demo-request/"]


def test_a_resolved_incident_keeps_getting_its_tally_for_a_day_and_announces_no_page(world: World) -> None:
    with_plan_b(world)
    world.fail()
    world.at(0)
    captured(world, "a@example.com", "b@example.com")
    world.at(1)
    assert world.timeline()[-1] == ("plan_b", "Plan B: 2 leads captured, 0 delivered, 2 waiting")
    with world.sessions.begin() as session:
        incident_id = world.incident().id
        service.resolve_incident(
            session,
            plan=world.plan,
            incident_id=incident_id,
            know="Marketo is back.",
            actor="dana",
            now=world.now,
        )
    captured(world, "after@example.com")  # after the resolution: not this incident's
    outcome(world, "a@example.com", "delivered")
    world.at(90)  # the replay goes on after people moved on: the timeline still hears of it
    assert world.timeline()[-1] == ("plan_b", "Plan B: 2 leads captured, 1 delivered, 1 waiting")
    with world.sessions() as session:
        found = incident_page(session, world.incident(), plan=world.plan, now=world.now)
    assert found.plan_b == []  # resolved: no page is announced as live
    outcome(world, "b@example.com", "delivered")
    world.at(60 * 24 * 2)  # more than a day after the resolution: the tally is closed
    assert world.kinds().count("plan_b") == 2
