"""One timeline for a report: the alerts' and incidents' own timelines with every delivery (and every
message given up on, or whose outcome is unknown) woven in, in time order, each in one sentence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import AlertEvent
from standby.channels.receipts import Receipt
from standby.incidents.models import IncidentEvent


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
    sent: Sequence[Receipt],
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
    for r in sent:
        who = name(r.recipient)
        if r.delivered:
            text = f"{who} got “{r.subject}” by {r.channel} ({r.address})"
            out.append(Entry(r.at, "delivery", "delivered", text, r.recipient))
        elif r.outcome in ("failed", "unknown"):  # still sending or retrying: not an outcome yet
            text = f"“{r.subject}” to {who} by {r.channel} was not delivered: {r.why_not}"
            out.append(Entry(r.at, "delivery", r.outcome, text, r.recipient))
    return sorted(out, key=lambda e: e.at)
