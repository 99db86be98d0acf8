"""Alerts follow the engine's damped check states: opened when a check goes bad (and the chain starts),
updated while it stays bad, resolved when it recovers (and everyone told so far hears it). People
acknowledge them: the first acknowledgement wins and stops the escalation.

Alerts call no feature above them. The engine calls `on_state_change` as the first of its state-change
subscribers (the features that follow alerts, such as incidents, come after it in that list); who else
hears of an acknowledgement is given to `acknowledge` by its caller (`then`), which the wiring fills in
(standby/app/subscribers.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from standby.alerts import escalation, messages, notify
from standby.alerts.chain import display
from standby.alerts.models import Alert, AlertEvent, Escalation, Renewal
from standby.channels.drill import run_of
from standby.core.errors import StandbyError
from standby.core.status import Status
from standby.core.timetext import at, words
from standby.engine.models import CheckState
from standby.plan.model import Plan

BAD = frozenset({"warning", "critical", "unknown"})


class AlertNotFound(StandbyError):
    pass


class Acknowledged(Protocol):
    """A feature told of an acknowledgement, in the same transaction (incidents put it on their timeline)."""

    def __call__(self, session: Session, alert: Alert, *, person: str, name: str, now: datetime) -> None: ...


def on_state_change(session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime) -> None:
    """Called in the engine's transaction when `state`'s damped status changed from `previous`."""
    alert = session.get(Alert, state.alert_id) if state.alert_id is not None else None
    if alert is not None and alert.state == "resolved":
        alert = None
    if state.status in BAD and alert is None:
        alert = open_alert(
            session,
            reason="check",
            asset=state.asset,
            kind=state.kind,
            check=state.check,
            owner=state.owner,
            severity=state.status,
            summary=state.summary,
            since=min(state.since, now),
            plan=plan,
            now=now,
            drill_run_id=run_of(state.details),
        )
        state.alert_id = alert.id
    elif state.status in BAD and alert is not None:
        worse = Status(state.status).urgency > Status(alert.severity).urgency
        alert.severity = state.status if worse else alert.severity
        alert.summary = state.summary
        notify.event(
            session, alert, "changed", f"now {state.status} (was {previous}): {state.summary}", now=now
        )
    elif alert is not None:
        resolve(session, alert, why=f"the check is {state.status} again: {state.summary}", now=now)
        state.alert_id = None


def open_alert(
    session: Session,
    *,
    reason: str,
    asset: str,
    kind: str,
    check: str,
    owner: str | None,
    severity: str,
    summary: str,
    since: datetime,
    plan: Plan,
    now: datetime,
    renewal: Renewal | None = None,
    drill_run_id: int | None = None,
) -> Alert:
    """Open an alert and start its chain; a `renewal` is linked first, so its messages can carry
    confirmation links. A drill's alert (`drill_run_id`) runs the same chain, as the drill says."""
    playbook = plan.playbook_for(asset)
    alert = Alert(
        reason=reason,
        asset=asset,
        kind=kind,
        check=check,
        owner=owner,
        state="open",
        severity=severity,
        summary=summary,
        since=since,
        opened_at=now,
        playbook=playbook.id if playbook else None,
        drill_run_id=drill_run_id,
    )
    session.add(alert)
    session.flush()
    notify.event(session, alert, "opened", f"opened ({severity}): {summary}", now=now)
    if renewal is not None:
        renewal.alert_id = alert.id
    escalation.start(session, alert, plan=plan, now=now)
    return alert


def resolve(session: Session, alert: Alert, *, why: str, now: datetime) -> None:
    """Close `alert`, stop its chain and tell everyone who was told about it."""
    if not _transition(session, alert.id, {"open", "acknowledged"}, state="resolved", resolved_at=now):
        return
    session.refresh(alert)
    running = _escalation(session, alert)
    chain = escalation.chain_of(running)
    escalation.stop(running)
    lasted = words(now - alert.since)
    notify.event(session, alert, "resolved", f"resolved after {lasted}: {why}", now=now)
    text = messages.resolved(alert, chain=chain, why=why, now=now)
    for recipient in notify.told(session, alert, chain):
        notify.send(session, alert, recipient, key="resolved", compose=lambda: text, now=now)


@dataclass(frozen=True)
class AckResult:
    alert: Alert
    acknowledged: bool  # False: it was already acknowledged or resolved, and nothing changed
    message: str


def acknowledge(
    session: Session,
    *,
    alert_id: int,
    person: str,
    now: datetime,
    via: str,
    then: Sequence[Acknowledged] = (),
) -> AckResult:
    """Acknowledge alert `alert_id` as `person`. Of two at once, the first wins; the second is told
    who did and when. After resolution nothing changes. `via`: "web link", "command line"...; `then`:
    the features to tell of an acknowledgement, in order (standby/app/subscribers.py `ACKNOWLEDGED`).

    On SQLite start the transaction with `lock_for_write`, so that a read before this cannot turn
    into a busy error when the other acknowledgement commits first.
    """
    won = _transition(
        session, alert_id, {"open"}, state="acknowledged", acknowledged_at=now, acknowledged_by=person
    )
    alert = session.get(Alert, alert_id, populate_existing=True)
    if alert is None:
        raise AlertNotFound(f"there is no alert #{alert_id}; `standby alerts --all` lists them")
    running = _escalation(session, alert)
    chain = escalation.chain_of(running)
    tz = chain["timezone"]
    if not won:
        if alert.state == "resolved":
            when = at(alert.resolved_at or now, tz)
            return AckResult(
                alert, False, f"Alert #{alert.id} was already resolved at {when}; nothing changed."
            )
        who = display(chain, alert.acknowledged_by or "someone")
        when = at(alert.acknowledged_at or now, tz)
        if person != alert.acknowledged_by and not _answered(session, alert, person):
            # They answered too: a drill measures everyone's answer, not only the first.
            answer = f"{display(chain, person)} answered too ({via}), after {who}"
            notify.event(session, alert, "also_acknowledged", answer, now=now, person=person)
        return AckResult(alert, False, f"Alert #{alert.id} was already acknowledged by {who} at {when}.")
    escalation.stop(running)
    who = display(chain, person)
    notify.event(session, alert, "acknowledged", f"acknowledged by {who} ({via})", now=now, person=person)
    for follower in then:
        follower(session, alert, person=person, name=who, now=now)
    text = messages.acknowledged(alert, chain=chain, now=now)
    for recipient in notify.told(session, alert, chain):
        if recipient["id"] != person:
            notify.send(session, alert, recipient, key="acknowledged", compose=lambda: text, now=now)
    return AckResult(
        alert, True, f"Acknowledged alert #{alert.id} ({alert.asset}) as {who}; the escalation stopped."
    )


def _answered(session: Session, alert: Alert, person: str) -> bool:
    query = select(AlertEvent.id).where(
        AlertEvent.alert_id == alert.id, AlertEvent.kind == "also_acknowledged", AlertEvent.person == person
    )
    return session.scalars(query.limit(1)).first() is not None


def _transition(session: Session, alert_id: int, allowed: set[str], **values: object) -> bool:
    """Move the alert on only from an `allowed` state. The conditional UPDATE is what decides a race:
    the row lock makes a second writer wait, then find the state already changed."""
    result = session.execute(
        update(Alert).where(Alert.id == alert_id, Alert.state.in_(allowed)).values(**values),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _escalation(session: Session, alert: Alert) -> Escalation:
    query = select(Escalation).where(Escalation.alert_id == alert.id).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()
