"""An alert as people see it (CLI and web): who has it, what the chain does next, what failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import causes, notify
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
    unknown: list[str]  # messages handed over whose delivery was never confirmed
    same_cause: list[Alert]  # the alerts its cause explains (causes.py), shown and counted with it

    @property
    def same_cause_lines(self) -> list[str]:
        return [
            f"#{d.id} {d.asset} ({d.check}, {d.severity}, {d.state}): {d.summary}" for d in self.same_cause
        ]


def view(session: Session, alert: Alert, *, now: datetime) -> AlertView:
    escalation = session.scalars(select(Escalation).where(Escalation.alert_id == alert.id)).one()
    chain = chain_of(escalation)
    tz = chain["timezone"]
    owner = chain["owner"]["name"] if chain["owner"] else "nobody (no owner in the plan)"
    if alert.reason == "standby":
        owner = "the people who run Standby (the plan's operators)"
    since = f"{at(alert.since, tz)} ({ago(now - alert.since)})"
    status = _status(alert, escalation, now)
    if alert.root_id is not None and alert.state != "resolved":
        root = session.get(Alert, alert.root_id)
        cause = f"{root.asset} ({root.check})" if root else "another alert"
        status = (
            f"part of alert #{alert.root_id}, {cause}: the same cause, so it is not paged on its own; "
            f"it is acknowledged and resolved with #{alert.root_id}"
        )
    same = causes.dependents(session, alert)
    failures, unknown = _failures(session, alert, escalation), _in_doubt(session, alert, escalation)
    return AlertView(alert, since, owner, status, failures, unknown, same)


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


def _in_doubt(session: Session, alert: Alert, escalation: Escalation) -> list[str]:
    chain = chain_of(escalation)
    return [
        f"{display(chain, m.recipient or '?')} by {m.shown_address}: {m.last_error}; "
        f"it goes again, with the same Message-ID, from {at(m.next_attempt_at, chain['timezone'])}"
        for m in notify.in_doubt(session, alert.id)
        if m.next_attempt_at is not None
    ]


def _failures(session: Session, alert: Alert, escalation: Escalation) -> list[str]:
    chain = chain_of(escalation)
    return [
        f"{display(chain, m.recipient or '?')} by {m.shown_address}: {m.last_error}"
        for m in notify.failures(session, alert.id)
    ]
