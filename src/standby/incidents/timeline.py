"""Timeline rows: everything that happened to an incident, in order, in one sentence each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.incidents.models import Incident, IncidentEvent

PLAN_B = "plan_b"  # what the fallback forms captured (written by leads/tally.py; the page shows the latest)


def event(
    session: Session, incident: Incident, kind: str, text: str, *, now: datetime, person: str | None = None
) -> None:
    session.add(IncidentEvent(incident_id=incident.id, at=now, kind=kind, person=person, text=text))


def events(session: Session, incident_id: int) -> list[IncidentEvent]:
    query = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id)
    return list(session.scalars(query.order_by(IncidentEvent.at, IncidentEvent.id)))


def latest(session: Session, incident_id: int, kind: str) -> IncidentEvent | None:
    query = select(IncidentEvent).where(IncidentEvent.incident_id == incident_id, IncidentEvent.kind == kind)
    return session.scalars(query.order_by(IncidentEvent.id.desc()).limit(1)).first()
