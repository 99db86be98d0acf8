"""Component statuses and the page indicator: Standby's verdicts in Statuspage's words, no louder."""

from __future__ import annotations

from dataclasses import replace

import pytest

from standby.core.status import Status
from standby.statuspage.page import (
    Component,
    ComponentStatus,
    Impact,
    Incident,
    component_id,
    component_status,
)
from tests.statuspage.pages import T0, sample_page


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (Status.OK, "operational"),
        (Status.WARNING, "degraded_performance"),
        (Status.CRITICAL, "partial_outage"),
        (Status.UNKNOWN, "operational"),
        (None, "operational"),
    ],
)
def test_it_maps_check_statuses_without_declaring_a_major_outage(
    check: Status | None, expected: ComponentStatus
) -> None:
    assert component_status(check) == expected


def test_an_unknown_check_keeps_what_was_published_before() -> None:
    assert component_status(Status.UNKNOWN, previous="partial_outage") == "partial_outage"
    assert component_status(None, previous="degraded_performance") == "degraded_performance"


@pytest.mark.parametrize(
    ("impacts", "expected"),
    [
        (["minor"], "degraded_performance"),
        (["major"], "partial_outage"),
        (["critical"], "major_outage"),
        (["minor", "critical", "major"], "major_outage"),
        (["none"], "partial_outage"),  # no declared impact: the critical check decides
    ],
)
def test_the_worst_incident_impact_decides_over_the_check(
    impacts: list[Impact], expected: ComponentStatus
) -> None:
    assert component_status(Status.CRITICAL, impacts=impacts) == expected


def test_a_person_can_calm_an_automatic_verdict_down() -> None:
    assert component_status(Status.CRITICAL, impacts=["minor"]) == "degraded_performance"


def test_maintenance_wins() -> None:
    assert component_status(Status.CRITICAL, impacts=["critical"], maintenance=True) == "under_maintenance"


def test_component_ids_are_stable_and_distinct() -> None:
    assert component_id("vendor:marketo") == component_id("vendor:marketo")
    assert component_id("vendor:marketo") != component_id("endpoint:marketo")
    assert len(component_id("vendor:marketo")) == 12


def _page(*statuses: ComponentStatus, impacts: tuple[Impact, ...] = ()) -> tuple[str, str]:
    components = [Component(f"c{i}", f"C{i}", s, T0) for i, s in enumerate(statuses)]
    incidents = [Incident(f"i{n}", "x", "investigating", impact, T0, T0) for n, impact in enumerate(impacts)]
    return replace(sample_page(), components=components, incidents=incidents).status()


@pytest.mark.parametrize(
    ("statuses", "impacts", "expected"),
    [
        (("operational", "operational"), (), ("none", "All Systems Operational")),
        (("operational", "degraded_performance"), (), ("minor", "Partially Degraded Service")),
        (("operational", "partial_outage"), (), ("minor", "Partially Degraded Service")),
        (("operational", "major_outage"), (), ("major", "Partial System Outage")),
        (("major_outage", "major_outage"), (), ("critical", "Major System Outage")),
        (("operational", "under_maintenance"), (), ("maintenance", "Service Under Maintenance")),
        (("under_maintenance", "degraded_performance"), (), ("minor", "Partially Degraded Service")),
        (("operational",), ("critical",), ("critical", "Major System Outage")),
        (("operational",), ("none",), ("none", "All Systems Operational")),
        ((), (), ("none", "All Systems Operational")),
    ],
)
def test_the_page_indicator_is_derived_the_statuspage_way(
    statuses: tuple[ComponentStatus, ...], impacts: tuple[Impact, ...], expected: tuple[str, str]
) -> None:
    assert _page(*statuses, impacts=impacts) == expected


def test_resolved_incidents_leave_the_page_after_the_history_window() -> None:
    page = sample_page()
    assert [i.id for i in page.active_incidents] == ["inc-2"]
    assert [i.id for i in page.past_incidents] == ["inc-1"]
    assert page.active_incidents[0].next_update_by is not None
    assert page.past_incidents[0].next_update_by is None
    assert page.past_incidents[0].monitoring_at == T0.replace(day=28, month=2, hour=14, minute=20)
