"""/api/v1/incidents: the incidents, each with who heard its updates per audience and the time to
first word inside and outside — delivered messages only, the same figures as the incident page.
Mounted under /api/v1 by api/routes.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.incidents.models import Incident
from standby.incidents.reach import AudienceReach, of_incident
from standby.incidents.schemas import AudienceReachOut, IncidentOut, PersonReachOut
from standby.web.api import Id, Problem
from standby.web.app import context

router = APIRouter(tags=["incidents"])
_MISSING: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "no such incident"}}


def _audience(found: AudienceReach) -> AudienceReachOut:
    people = []
    for p in found.people:
        r = p.receipt
        people.append(
            PersonReachOut(
                id=p.id,
                name=p.name,
                outcome="no channel" if r is None else r.outcome,
                channel=None if r is None else r.channel,
                address=None if r is None else r.address,
                at=None if r is None else r.at,
                why_not=None if p.heard else (f"no channel: {p.problem}" if r is None else r.why_not),
            )
        )
    return AudienceReachOut(
        audience=found.audience, external=found.external, reached=len(found.heard), people=people
    )


def _out(session: Session, incident: Incident) -> IncidentOut:
    heard = of_incident(session, incident)
    return IncidentOut(
        id=incident.id,
        title=incident.title,
        state=incident.state,
        severity=incident.severity,
        systems=list(incident.systems),
        lead=incident.lead,
        detected_at=incident.detected_at,
        resolved_at=incident.resolved_at,
        next_update_due_at=incident.next_update_due_at,
        published=incident.published,
        first_word_inside_at=heard.first_inside,
        first_word_outside_at=heard.first_outside,
        first_word_inside=heard.first(incident.detected_at, outside=False),
        first_word_outside=heard.first(incident.detected_at, outside=True),
        status_page_shown_at=incident.page_shown_at,
        audiences=[_audience(a) for a in heard.audiences],
    )


@router.get("/incidents", summary="Incidents, newest first")
def list_incidents(
    request: Request,
    resolved: Annotated[bool, Query(description="also resolved ones")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[IncidentOut]:
    query = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc())
    if not resolved:
        query = query.where(Incident.state != "resolved")
    with context(request).sessions() as session:
        return [_out(session, i) for i in session.scalars(query.limit(limit))]


@router.get("/incidents/{incident_id}", summary="One incident, with who heard", responses=_MISSING)
def get_incident(request: Request, incident_id: Id) -> IncidentOut:
    with context(request).sessions() as session:
        incident = session.get(Incident, incident_id)
        if incident is None:
            raise HTTPException(404, f"there is no incident #{incident_id}")
        return _out(session, incident)
