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
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from standby.alerts import causes, escalation, messages, notify
from standby.alerts.chain import Chain, display
from standby.alerts.models import Alert, AlertEvent, Escalation, Renewal
from standby.channels.drill import run_of
from standby.core.errors import StandbyError
from standby.core.status import Status
from standby.core.timetext import at, words
from standby.core.words import plural
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
        root = causes.root_of(session, plan, state)
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
            root=root,
            hold=causes.pending(session, plan, state) if root is None else None,
            drill_run_id=run_of(state.details),
        )
        state.alert_id = alert.id
        causes.adopt(session, plan, alert, state, now=now)
    elif state.status in BAD and alert is not None:
        worse = Status(state.status).urgency > Status(alert.severity).urgency
        alert.severity = state.status if worse else alert.severity
        alert.summary = state.summary
        notify.event(
            session, alert, "changed", f"now {state.status} (was {previous}): {state.summary}", now=now
        )
        causes.adopt(session, plan, alert, state, now=now)  # it may explain others now
    elif alert is not None:
        resolve(session, alert, why=f"the check is {state.status} again: {state.summary}", plan=plan, now=now)
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
    root: Alert | None = None,
    hold: CheckState | None = None,
    chain: Chain | None = None,
    drill_run_id: int | None = None,
) -> Alert:
    """Open an alert and start its chain; a `renewal` is linked first, so its messages can carry
    confirmation links. With a `root` (causes.py) it is attached to it and does not page; with `hold`
    (a possible root seen failing) its first page waits `causes.HOLD`. A drill's alert
    (`drill_run_id`) runs the same chain, as the drill says."""
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
    if hold is not None:
        wait = words(causes.HOLD)
        notify.event(session, alert, "held",
                     f"its first page waits {wait}: {hold.asset} ({hold.check}) is failing too and may "
                     "be the cause; if its alert opens meanwhile, this one joins it", now=now)  # fmt: skip
    escalation.start(session, alert, plan=plan, now=now, chain=chain, attached=root is not None,
                     hold=causes.HOLD if hold is not None else timedelta(0))  # fmt: skip
    if root is not None:
        causes.attach(session, alert, causes.top(session, root), now=now)
    return alert


def resolve(session: Session, alert: Alert, *, why: str, now: datetime, plan: Plan | None = None) -> None:
    """Close `alert`, stop its chain and tell everyone who was told about it. Its dependents (causes.py)
    resolve with it when their checks are ok again; one that still fails stands alone from now on
    (with the `plan`, its chain starts)."""
    if not _transition(session, alert.id, {"open", "acknowledged"}, state="resolved", resolved_at=now):
        return
    session.refresh(alert)
    running = _escalation(session, alert)
    chain = escalation.chain_of(running)
    escalation.stop(running)
    lasted = words(now - alert.since)
    notify.event(session, alert, "resolved", f"resolved after {lasted}: {why}", now=now)
    with_it = []
    for dependent in causes.dependents(session, alert, live_only=True):
        state = causes.state_of(session, dependent)
        if state is not None and state.status in BAD and plan is not None:
            causes.detach(session, dependent, alert, now=now)
            escalation.restart(session, _escalation(session, dependent), dependent, plan=plan, now=now)
        else:
            resolve(session, dependent, why=f"resolved with alert #{alert.id} ({alert.asset})", now=now)
            with_it.append(dependent)
    text = messages.resolved(alert, chain=chain, why=why, now=now, dependents=with_it)
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
    asked = session.get(Alert, alert_id)
    if asked is None:
        raise AlertNotFound(f"there is no alert #{alert_id}; `standby alerts --all` lists them")
    if asked.root_id is not None and asked.state != "resolved":  # the cause is what people act on
        root = causes.top(session, asked)
        done = acknowledge(session, alert_id=root.id, person=person, now=now, via=via, then=then)
        note = f"Alert #{asked.id} has the same cause as alert #{root.id}. "
        return AckResult(done.alert, done.acknowledged, note + done.message)
    won = _transition(
        session, alert_id, {"open"}, state="acknowledged", acknowledged_at=now, acknowledged_by=person
    )
    alert = session.get(Alert, alert_id, populate_existing=True)
    assert alert is not None, "alerts are never deleted"
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
    with_it = []
    for dependent in causes.dependents(session, alert, live_only=True):
        if _transition(session, dependent.id, {"open"}, state="acknowledged", acknowledged_at=now,
                       acknowledged_by=person):  # fmt: skip
            session.refresh(dependent)
            notify.event(session, dependent, "acknowledged", f"acknowledged with alert #{alert.id} by {who}",
                         now=now, person=person)  # fmt: skip
            for follower in then:
                follower(session, dependent, person=person, name=who, now=now)
            with_it.append(dependent)
    text = messages.acknowledged(alert, chain=chain, now=now)
    for recipient in notify.told(session, alert, chain):
        if recipient["id"] != person:
            notify.send(session, alert, recipient, key="acknowledged", compose=lambda: text, now=now)
    also = f" with {plural(len(with_it), 'alert')} of the same cause" if with_it else ""
    return AckResult(
        alert, True, f"Acknowledged alert #{alert.id} ({alert.asset}){also} as {who}; the escalation stopped."
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
