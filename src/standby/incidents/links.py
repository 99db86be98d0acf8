"""Links to incidents from other pages: the incident an alert belongs to, the incidents about an asset."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.incidents.models import Incident, IncidentAlert

RECENT = 200  # incidents searched for an asset's: its systems are a JSON list, so they are read, not queried
SHOWN = 5


@dataclass(frozen=True)
class Link:
    id: int
    title: str
    state: str

    @property
    def href(self) -> str:
        return f"/incidents/{self.id}"


def _link(incident: Incident) -> Link:
    return Link(incident.id, incident.title, incident.state)


def of_alerts(session: Session, alert_ids: list[int]) -> dict[int, Link]:
    """alert id → the incident it belongs to (an alert belongs to one at most)."""
    if not alert_ids:
        return {}
    query = select(IncidentAlert.alert_id, Incident).join(Incident, Incident.id == IncidentAlert.incident_id)
    rows = session.execute(query.where(IncidentAlert.alert_id.in_(alert_ids)))
    return {alert_id: _link(incident) for alert_id, incident in rows}


def of_asset(session: Session, asset: str) -> list[Link]:
    """The latest incidents about `asset`, unresolved first."""
    query = select(Incident).order_by(Incident.id.desc()).limit(RECENT)
    found = [i for i in session.scalars(query) if asset in i.systems]
    found.sort(key=lambda i: i.state == "resolved")  # stable: newest first within each
    return [_link(i) for i in found[:SHOWN]]
