"""One timeline for a report: the alerts' and incidents' own timelines with every delivery (and every
failed one) woven in, in time order, each in one sentence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import AlertEvent
from standby.incidents.models import IncidentEvent
from standby.recovery.delivered import Delivery


@dataclass(frozen=True)
class Entry:
    at: datetime
    where: str  # "alert #12", "incident #3", "delivery"
    kind: str
    text: str
    person: str | None = None


def entries(
    session: Session,
    *,
    alerts: Sequence[int],
    incidents: Sequence[int],
    sent: Sequence[Delivery],
    name: Callable[[str | None], str],
) -> list[Entry]:
    out: list[Entry] = []
    if alerts:
        query = select(AlertEvent).where(AlertEvent.alert_id.in_(list(alerts)))
        out += [Entry(e.at, f"alert #{e.alert_id}", e.kind, e.text, e.person) for e in session.scalars(query)]
    if incidents:
        query2 = select(IncidentEvent).where(IncidentEvent.incident_id.in_(list(incidents)))
        out += [
            Entry(e.at, f"incident #{e.incident_id}", e.kind, e.text, e.person)
            for e in session.scalars(query2)
        ]
    for d in sent:
        who = name(d.recipient)
        if d.delivered_at is not None:
            out.append(
                Entry(
                    d.delivered_at,
                    "delivery",
                    "delivered",
                    f"{who} got “{d.subject}” by {d.channel} ({d.address})",
                    d.recipient,
                )
            )
        elif d.outcome == "failed":
            out.append(
                Entry(
                    d.queued_at,
                    "delivery",
                    "failed",
                    f"could not deliver “{d.subject}” to {who} by {d.channel}: {d.error}",
                    d.recipient,
                )
            )
    return sorted(out, key=lambda e: e.at)
