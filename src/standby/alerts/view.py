"""An alert as people see it (CLI and web): who has it, what the chain does next, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import notify
from standby.alerts.chain import display
from standby.alerts.escalation import chain_of, next_step
from standby.alerts.models import Alert, Escalation
from standby.core.timetext import ago, at


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    since: str
    owner: str
    status: str  # who has it and what happens next
    failures: list[str]  # messages the outbox gave up on


def view(session: Session, alert: Alert, *, now: datetime) -> AlertView:
    escalation = session.scalars(select(Escalation).where(Escalation.alert_id == alert.id)).one()
    chain = chain_of(escalation)
    tz = chain["timezone"]
    owner = chain["owner"]["name"] if chain["owner"] else "nobody (no owner in the plan)"
    since = f"{at(alert.since, tz)} ({ago(now - alert.since)})"
    return AlertView(
        alert, since, owner, _status(alert, escalation, now), _failures(session, alert, escalation)
    )


def person_name(session: Session, alert: Alert, who: str | None) -> str:
    escalation = session.scalars(select(Escalation).where(Escalation.alert_id == alert.id)).one()
    return display(chain_of(escalation), who or "someone")


def _status(alert: Alert, escalation: Escalation, now: datetime) -> str:
    chain = chain_of(escalation)
    tz = chain["timezone"]
    if alert.state == "resolved" and alert.resolved_at:
        return f"resolved at {at(alert.resolved_at, tz)}"
    if alert.state == "acknowledged" and alert.acknowledged_at:
        who = display(chain, alert.acknowledged_by or "someone")
        return f"acknowledged by {who} at {at(alert.acknowledged_at, tz)}"
    if escalation.state == "exhausted":
        return "nobody acknowledged: the chain is exhausted (everyone in it was told); acknowledge it"
    steps = chain["steps"]
    last = steps[escalation.step - 1] if escalation.step else (steps[-1] if escalation.round else None)
    told = ", ".join(r["name"] for r in last["recipients"]) if last else ""
    status = f"waiting for {told} to acknowledge" if told else "nobody told yet"
    upcoming = next_step(escalation)
    if upcoming is not None:
        status += f"; next, at {at(upcoming[0], tz)}: {upcoming[1]}"
    return status


def _failures(session: Session, alert: Alert, escalation: Escalation) -> list[str]:
    chain = chain_of(escalation)
    return [
        f"{display(chain, m.recipient or '?')} by {m.shown_address}: {m.last_error}"
        for m in notify.failures(session, alert.id)
    ]
