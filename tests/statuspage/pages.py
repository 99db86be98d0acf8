"""A status page with a bit of everything, shared by the render and publish tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standby.statuspage.page import (
    AffectedComponent,
    Component,
    Incident,
    IncidentUpdate,
    Page,
    component_id,
)

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
MARKETO = component_id("vendor:marketo")
DEMO = component_id("endpoint:demo")
SITE = component_id("domain:acme.example")


def sample_page(*, name: str = "Marketo forms", body: str = "Forms are not reaching sales.") -> Page:
    components = [
        Component(MARKETO, name, "partial_outage", T0, group="Lead capture", description="Demo & contact"),
        Component(DEMO, "Demo page", "operational", T0 - timedelta(days=3), group="Lead capture"),
        Component(SITE, "acme.example", "operational", T0 - timedelta(days=9)),
    ]
    active = Incident(
        "inc-2",
        "Leads are not arriving",
        "identified",
        "major",
        created_at=T0,
        updated_at=T0 + timedelta(minutes=20),
        components=(MARKETO,),
        updates=(
            IncidentUpdate("upd-1", "investigating", body, T0, next_update_by=T0 + timedelta(minutes=30)),
            IncidentUpdate(
                "upd-2",
                "identified",
                "Marketo is down; forms fall back to our own capture.",
                T0 + timedelta(minutes=20),
                next_update_by=T0 + timedelta(minutes=50),
                affected=(AffectedComponent(MARKETO, "operational", "partial_outage"),),
            ),
        ),
    )
    past = Incident(
        "inc-1",
        "Slow demo page",
        "resolved",
        "minor",
        created_at=T0 - timedelta(days=2),
        updated_at=T0 - timedelta(days=2, minutes=-40),
        resolved_at=T0 - timedelta(days=2, minutes=-40),
        components=(DEMO,),
        updates=(
            IncidentUpdate("upd-0a", "investigating", "The demo page is slow.", T0 - timedelta(days=2)),
            IncidentUpdate("upd-0b", "monitoring", "A fix is out.", T0 - timedelta(days=2, minutes=-20)),
            IncidentUpdate("upd-0c", "resolved", "Fixed.", T0 - timedelta(days=2, minutes=-40)),
        ),
    )
    forgotten = Incident(
        "inc-0",
        "Long ago",
        "resolved",
        "minor",
        created_at=T0 - timedelta(days=90),
        updated_at=T0 - timedelta(days=90),
        resolved_at=T0 - timedelta(days=90),
        updates=(IncidentUpdate("upd-x", "resolved", "Fixed long ago.", T0 - timedelta(days=90)),),
    )
    return Page(
        id="pg1",
        title="Acme status",
        url="https://status.acme-status.example/",
        time_zone="America/New_York",
        generated_at=T0 + timedelta(hours=1),
        components=components,
        incidents=[past, active, forgotten],
    )
