"""An incident as people see it (CLI, web and API): state, lead, the promise in force as a countdown,
who heard in each audience and the time to first word inside and outside (both from what the outbox
delivered, reach.py), what was published, and the timeline with every delivery in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.timetext import at, words
from standby.incidents import rules
from standby.incidents.audiences import name
from standby.incidents.models import Incident, IncidentUpdate
from standby.incidents.reach import AudienceReach, of_incident, timeline
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
    first_internal: str  # "12 s after detection", "not yet — nobody reached"
    first_public: str
    outside: str  # whether outsiders may hear, and since when the status page shows it
    audiences: list[AudienceReach]  # who heard (a delivery), who did not and why, per audience
    updates: int
    timeline: list[Entry]
    timezone: str
    drill_run: int | None = None  # a drill's incident (channels/drill.py): shown marked DRILL

    @property
    def heard(self) -> list[str]:
        """`marketing: told Dana Reyes (email, 09:02 EST); not told: ...`, one line per audience."""
        return [a.text(self.timezone) for a in self.audiences]


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
    heard = of_incident(session, incident)
    names = {p.id: p.name or p.id for p in plan.people}
    names |= {p.id: p.name for a in heard.audiences for p in a.people}
    entries = [(e.at, e.id, e.kind, e.text) for e in events(session, incident.id)]
    entries += [(when, 1 << 60, kind, text) for when, kind, text in timeline(heard, incident.id, names)]
    entries.sort(key=lambda e: (e[0], e[1]))
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
        first_internal=heard.first(incident.detected_at, outside=False),
        first_public=heard.first(incident.detected_at, outside=True),
        outside=_outside(plan, incident),
        audiences=heard.audiences,
        updates=count,
        timeline=[Entry(at(when, tz), kind, text) for when, _, kind, text in entries],
        timezone=tz,
        drill_run=incident.drill_run_id,
    )


def _outside(plan: Plan, incident: Incident) -> str:
    opened = (
        f"open to external audiences since {at(incident.external_open_at, plan.timezone)}"
        if (incident.published and incident.external_open_at)
        else "not open to external audiences (publish to tell them)"
    )
    if incident.page_shown_at is not None:
        after = words(incident.page_shown_at - incident.detected_at, seconds=True)
        since = at(incident.page_shown_at, plan.timezone)
        page = f"on the status page since {since} ({after} after detection)"
    else:
        page = "not on the status page yet" if rules.on_page(plan, incident) else "not on the status page"
    return f"{opened}; {page}"
