"""What the public status page shows of incidents (docs/incidents.md, "The status page"): the status
page reads incidents; incidents know nothing of the page.

An incident is on the page when it touches a component the page lists, or when it was published.
Of its updates the page shows Standby's own neutral ones (automatic) at once, and a person's only
once published, and of each only its public text: the "investigating" entry is there within a tick of
detection without anyone typing, and no words written for insiders ever go out. The page names
systems as outsiders may (rules.public_names) and titles every incident "Problems with ...".
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from standby.channels.drill import same_run
from standby.incidents import rules
from standby.incidents.context import public_title
from standby.incidents.models import Incident, IncidentUpdate
from standby.incidents.timeline import event
from standby.plan.model import Plan
from standby.statuspage.page import Impact, IncidentStatus, component_id, stable_id
from standby.statuspage.page import Incident as PageIncident
from standby.statuspage.page import IncidentUpdate as PageUpdate


def page_id(incident: Incident) -> str:
    return stable_id(f"incident:{incident.id}:{incident.opened_at.isoformat()}")


def page_incidents(
    session: Session, *, plan: Plan, now: datetime, drill_run: int | None = None
) -> list[tuple[int, PageIncident]]:
    """(incident id, what the page shows of it) for every incident the page shows: the real ones, or
    with `drill_run` only that drill's (for the drill's own page; the public page never shows them)."""
    section = plan.status_page
    if section is None:
        return []
    recent = or_(Incident.state != "resolved", Incident.resolved_at >= now - section.history)
    chosen = select(Incident).where(recent, same_run(Incident.drill_run_id, drill_run))
    incidents = [i for i in session.scalars(chosen) if rules.on_page(plan, i)]
    if not incidents:
        return []
    query = select(IncidentUpdate).where(IncidentUpdate.incident_id.in_([i.id for i in incidents]))
    updates: dict[int, list[IncidentUpdate]] = {}
    for update in session.scalars(query.order_by(IncidentUpdate.id)):
        if update.automatic or update.published_at is not None:
            updates.setdefault(update.incident_id, []).append(update)
    listed = {c.asset for c in section.components}
    out = []
    for incident in incidents:
        shown = updates.get(incident.id)
        if not shown:
            continue
        entries = tuple(_entry(u) for u in shown)
        latest = max(entries, key=lambda e: (e.created_at, e.id))  # ids sort as the updates were made
        resolved = latest.status == "resolved"
        impact = cast(Impact, incident.severity)  # minor | major | critical
        out.append(
            (
                incident.id,
                PageIncident(
                    id=page_id(incident),
                    name=public_title(plan, incident.systems),
                    status=latest.status,
                    impact=impact,
                    created_at=incident.opened_at,
                    updated_at=latest.created_at,
                    updates=entries,
                    components=tuple(component_id(s) for s in incident.systems if s in listed),
                    resolved_at=latest.created_at if resolved else None,
                    started_at=incident.started_at,
                ),
            )
        )
    return out


def _entry(update: IncidentUpdate) -> PageUpdate:
    """An update as the page shows it: its public text, never the fields written for insiders."""
    status = cast(IncidentStatus, update.state)
    return PageUpdate(
        # Sortable by when it was made (the page breaks ties between same-second updates by id).
        id=f"{update.id:08x}{stable_id(f'incident-update:{update.id}:{update.created_at.isoformat()}')[:4]}",
        status=status,
        body=update.public_text,
        created_at=update.published_at or update.created_at,
        next_update_by=update.next_update_by,
    )


def mark_shown(session: Session, incident_ids: list[int], *, now: datetime) -> None:
    """The page now shows these incidents: remember since when, for the incident's page."""
    if not incident_ids:
        return
    query = select(Incident).where(Incident.id.in_(incident_ids), Incident.page_shown_at.is_(None))
    for incident in session.scalars(query):
        incident.page_shown_at = now
        event(session, incident, "status_page", "shown on the status page", now=now)
