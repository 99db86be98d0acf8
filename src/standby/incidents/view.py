"""An incident as people see it (CLI and web): state, lead, the promise in force as a countdown, time
to first internal and public word, what was published, and the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.timetext import at, words
from standby.incidents import rules
from standby.incidents.audiences import name
from standby.incidents.models import Incident, IncidentUpdate
from standby.incidents.timeline import events
from standby.plan.model import Plan


@dataclass(frozen=True)
class Entry:
    at: str
    kind: str
    text: str


@dataclass(frozen=True)
class IncidentView:
    id: int
    title: str
    state: str
    severity: str
    systems: list[str]
    lead: str
    opened: str
    next_update: str  # "due 09:30 EDT, in 12 min", "OVERDUE by 5 min (promised 09:30 EDT)", "none: resolved"
    overdue: bool
    first_internal: str  # "12 s after detection", "not yet"
    first_public: str
    outside: str  # who outside the company has heard
    updates: int
    timeline: list[Entry]
    drill_run: int | None = None  # a drill's incident (channels/drill.py): shown marked DRILL


def view(session: Session, incident: Incident, *, plan: Plan, now: datetime) -> IncidentView:
    tz = plan.timezone
    due, overdue = incident.next_update_due_at, False
    if incident.state == "resolved":
        next_update = f"none: resolved at {at(incident.resolved_at or now, tz)}"
    elif due is None:
        next_update = "none promised"
    elif due > now:
        next_update = f"due {at(due, tz)}, in {words(due - now, seconds=True)}"
    else:
        next_update, overdue = (
            f"OVERDUE by {words(now - due, seconds=True)} (promised for {at(due, tz)})",
            True,
        )
    count = len(
        session.scalars(select(IncidentUpdate.id).where(IncidentUpdate.incident_id == incident.id)).all()
    )
    return IncidentView(
        id=incident.id,
        title=incident.title,
        state=incident.state,
        severity=incident.severity,
        systems=rules.internal_names(plan, incident.systems),
        lead=name(plan, incident.lead),
        opened=f"{at(incident.opened_at, tz)} by {name(plan, incident.opened_by)}",
        next_update=next_update,
        overdue=overdue,
        first_internal=_first(incident.first_internal_at, incident.detected_at),
        first_public=_first(incident.first_public_at, incident.detected_at),
        outside=_outside(plan, incident),
        updates=count,
        timeline=[Entry(at(e.at, tz), e.kind, e.text) for e in events(session, incident.id)],
        drill_run=incident.drill_run_id,
    )


def _first(moment: datetime | None, detected: datetime) -> str:
    return "not yet" if moment is None else f"{words(moment - detected, seconds=True)} after detection"


def _outside(plan: Plan, incident: Incident) -> str:
    told = (
        f"external audiences told since {at(incident.external_open_at, plan.timezone)}"
        if (incident.published and incident.external_open_at)
        else "external audiences not told (publish to tell them)"
    )
    page = "on the status page" if rules.on_page(plan, incident) else "not on the status page"
    return f"{told}; {page}"
