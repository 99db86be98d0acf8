"""The page a plan describes: names and groups from the plan, statuses from checks and incidents."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta

import pytest

from standby.core.errors import StandbyError
from standby.core.status import Status
from standby.plan.load import parse_plan
from standby.plan.model import Plan
from standby.statuspage.page import Incident, component_id
from standby.statuspage.snapshot import page_from_plan

NOW = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
PLAN = """\
version: 1
organization: Acme
timezone: Europe/Berlin
people: [{id: dana, email: dana@acme-mail.example}]
vendors: [{id: marketo, owner: dana}]
endpoints: [{id: demo, url: "https://go.acme.example/demo", owner: dana}]
status_page:
  url: https://status.acme-status.example
  history: 7d
  components:
    - {asset: "vendor:marketo", name: Marketo forms, group: Lead capture}
    - {asset: "endpoint:demo", name: Demo page, group: Lead capture, description: Book a demo}
"""


def _plan(text: str = PLAN) -> Plan:
    plan, _ = parse_plan(textwrap.dedent(text), "plan.yaml", {})
    return plan


def test_it_builds_the_page_from_the_plan() -> None:
    page = page_from_plan(_plan(), now=NOW, checks={"vendor:marketo": Status.CRITICAL})
    assert (page.title, page.url, page.time_zone) == (
        "Acme status",
        "https://status.acme-status.example/",
        "Europe/Berlin",
    )
    assert page.history == timedelta(days=7)
    shown = [(c.name, c.group, c.status, c.description) for c in page.components]
    assert shown == [
        ("Marketo forms", "Lead capture", "partial_outage", None),
        ("Demo page", "Lead capture", "operational", "Book a demo"),
    ]
    assert page.components[0].id == component_id("vendor:marketo")


def test_an_unchanged_component_keeps_its_time_and_a_changed_one_gets_now() -> None:
    first = page_from_plan(_plan(), now=NOW, checks={"vendor:marketo": Status.OK, "endpoint:demo": Status.OK})
    later = NOW + timedelta(minutes=5)
    second = page_from_plan(
        _plan(),
        now=later,
        checks={"vendor:marketo": Status.WARNING, "endpoint:demo": Status.UNKNOWN},
        previous=first,
    )
    assert [(c.status, c.updated_at) for c in second.components] == [
        ("degraded_performance", later),
        ("operational", NOW),
    ]


def test_an_unresolved_incident_sets_the_status_of_its_components() -> None:
    marketo = component_id("vendor:marketo")
    incident = Incident("i1", "Marketo down", "investigating", "critical", NOW, NOW, components=(marketo,))
    resolved = Incident(
        "i0", "Old", "resolved", "critical", NOW, NOW, components=(component_id("endpoint:demo"),)
    )
    page = page_from_plan(
        _plan(), now=NOW, checks={"vendor:marketo": Status.OK}, incidents=[incident, resolved]
    )
    assert [c.status for c in page.components] == ["major_outage", "operational"]
    assert page.status() == ("critical", "Major System Outage")


def test_a_plan_without_a_status_page_says_what_to_add() -> None:
    with pytest.raises(StandbyError, match="no status_page section"):
        page_from_plan(_plan(PLAN.split("status_page:")[0]), now=NOW)
