"""Running an alert's chain: each step tells its people, rounds repeat, and the end is never silent.

A step that runs late (a worker was down) shifts the rest of its round by the delay, so every step
still gets its full time to answer. When the last round ends with nobody acknowledging, the owner and
the last step's people are told the chain is exhausted, and the escalation says so (state exhausted).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TypeVar, cast

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts import causes, links, messages, notify
from standby.alerts.chain import Chain, describe, snapshot
from standby.alerts.models import Alert, Escalation, Renewal
from standby.channels.people import Recipient
from standby.channels.tell import Text
from standby.plan.model import Plan
from standby.store.db import lock_for_write

# A claimed step runs within milliseconds, in the next transaction; the lease only covers a worker that
# dies in between, and is released at once when a restarted one starts (`reclaim`).
LEASE = timedelta(seconds=30)
_Row = TypeVar("_Row", Alert, Escalation)


def chain_of(escalation: Escalation) -> Chain:
    return cast(Chain, escalation.chain)


def start(
    session: Session,
    alert: Alert,
    *,
    plan: Plan,
    now: datetime,
    chain: Chain | None = None,
    hold: timedelta = timedelta(0),
    attached: bool = False,
) -> Escalation:
    """Snapshot the chain for `alert` (or take `chain`) and run whatever is due at once (the first
    step, usually). `hold` delays the whole round (its possible root may confirm meanwhile);
    `attached`: the alert belongs to a root, so its chain is kept but does not run."""
    chain = chain or snapshot(plan, asset=alert.asset, owner=alert.owner)
    begins = now + hold
    escalation = Escalation(
        alert_id=alert.id,
        chain=dict(chain),
        repeat=chain["repeat"],
        round=0,
        step=0,
        round_started_at=begins,
        next_at=None if attached else begins + timedelta(seconds=chain["steps"][0]["after"]),
        state="stopped" if attached else "running",
    )
    session.add(escalation)
    notify.event(session, alert, "chain", f"escalation chain: {describe(chain)}", now=now)
    if not attached:
        advance(session, escalation, alert, plan=plan, now=now)
    return escalation


def restart(session: Session, escalation: Escalation, alert: Alert, *, plan: Plan, now: datetime) -> None:
    """Run the chain again from its first step (an alert that was attached to a root stands alone)."""
    chain = chain_of(escalation)
    escalation.state, escalation.round, escalation.step = "running", 0, 0
    escalation.round_started_at = now
    escalation.next_at = now + timedelta(seconds=chain["steps"][0]["after"])
    advance(session, escalation, alert, plan=plan, now=now)


def run_due(
    sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str, limit: int = 100
) -> int:
    """Claim due escalations, run their steps (messages into the outbox); return how many steps ran."""
    ran = 0
    for escalation_id, alert_id in _claim(sessions, now=now, worker=worker, limit=limit):
        with sessions.begin() as session:
            lock_for_write(session)
            # The alert first, as acknowledge and resolve lock it: one order, no deadlock.
            alert = _locked(session, Alert, alert_id)
            escalation = _locked(session, Escalation, escalation_id)
            if escalation.lease_owner != worker:  # our lease ran out and someone else has it now
                continue
            escalation.lease_owner = escalation.lease_until = None
            if alert.state != "open":
                stop(escalation)
                continue
            _note_plan_change(session, escalation, alert, plan=plan, now=now)
            ran += advance(session, escalation, alert, plan=plan, now=now)
    with sessions.begin() as session:
        notify.record_failures(session, now=now)
    return ran


def _due(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    free = (Escalation.lease_until.is_(None)) | (Escalation.lease_until <= now)
    return and_(Escalation.state == "running", Escalation.next_at <= now, free)


def pending(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Whether `run_due` has work: a step due, or a failed delivery to put on its alert's timeline."""
    return or_(exists().where(_due(now)), notify.failures_pending())


def _claim(
    sessions: sessionmaker[Session], *, now: datetime, worker: str, limit: int
) -> list[tuple[int, int]]:
    with sessions.begin() as session:
        lock_for_write(session)
        query = (
            select(Escalation)
            .where(_due(now))
            .order_by(Escalation.next_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for escalation in session.scalars(query):
            escalation.lease_owner, escalation.lease_until = worker, now + LEASE
            claimed.append((escalation.id, escalation.alert_id))
        return claimed


def reclaim(session: Session, *, owner: str | None) -> int:
    """Release the steps a process that is gone had claimed (all on SQLite, `owner`'s on PostgreSQL)."""
    lock_for_write(session)
    query = select(Escalation).where(Escalation.lease_owner.is_not(None)).with_for_update()
    if owner is not None:
        query = query.where(Escalation.lease_owner == owner)
    found = list(session.scalars(query))
    for escalation in found:
        escalation.lease_owner = escalation.lease_until = None
    return len(found)


def _locked(session: Session, model: type[_Row], ident: int) -> _Row:
    query = select(model).where(model.id == ident).with_for_update().execution_options(populate_existing=True)
    return session.scalars(query).one()


def _note_plan_change(
    session: Session, escalation: Escalation, alert: Alert, *, plan: Plan, now: datetime
) -> None:
    """Say on the timeline, once per edit, that the plan's chain changed and this one keeps its own."""
    chain, current = chain_of(escalation), snapshot(plan, asset=alert.asset, owner=alert.owner)
    if current["fingerprint"] == chain["seen"]:
        return
    escalation.chain = {**chain, "seen": current["fingerprint"]}
    text = "the plan changed; this escalation keeps the chain it started with. New alerts get: "
    notify.event(session, alert, "plan_changed", text + describe(current), now=now)


def stop(escalation: Escalation) -> None:
    if escalation.state == "running":
        escalation.state, escalation.next_at = "stopped", None


def advance(session: Session, escalation: Escalation, alert: Alert, *, plan: Plan, now: datetime) -> int:
    """Run every step that is due; returns how many ran."""
    chain, ran = chain_of(escalation), 0
    base_url = links.base_url(plan)
    steps = chain["steps"]
    while escalation.state == "running" and escalation.next_at is not None and escalation.next_at <= now:
        escalation.round_started_at += now - escalation.next_at  # late: keep the spacing from here
        start_at = escalation.round_started_at
        if escalation.step < len(steps):
            index = escalation.step
            escalation.step += 1
            later = (
                steps[escalation.step]["after"] if escalation.step < len(steps) else chain["round_seconds"]
            )
            escalation.next_at = start_at + timedelta(seconds=later)
            _run_step(session, escalation, alert, index, plan=plan, base_url=base_url, now=now)
            ran += 1
        elif escalation.round < escalation.repeat:
            escalation.round += 1
            escalation.step = 0
            escalation.round_started_at = now
            escalation.next_at = now + timedelta(seconds=steps[0]["after"])
            notify.event(
                session,
                alert,
                "repeat",
                f"nobody acknowledged: round {escalation.round + 1} of {escalation.repeat + 1} starts",
                now=now,
            )
        else:
            _exhaust(session, escalation, alert, base_url=base_url, now=now)
    return ran


def next_step(escalation: Escalation) -> messages.Next | None:
    """When the chain acts next if nobody acknowledges, and what it does then."""
    if escalation.state != "running" or escalation.next_at is None:
        return None
    chain = chain_of(escalation)
    steps = chain["steps"]
    if escalation.step < len(steps):
        return escalation.next_at, _who(steps[escalation.step]["recipients"], again=escalation.round > 0)
    if escalation.round < escalation.repeat:
        when = escalation.next_at + timedelta(seconds=steps[0]["after"])
        return when, f"{_who(steps[0]['recipients'], again=True)} (round {escalation.round + 2})"
    return escalation.next_at, f"the chain is exhausted: {_people(_told_at_the_end(chain))} told so"


def _told_at_the_end(chain: Chain) -> list[Recipient]:
    """The owner and the people of the last step that names anyone: who hears the chain ran out."""
    last = next((step["recipients"] for step in reversed(chain["steps"]) if step["recipients"]), [])
    found = {r["id"]: r for r in ([chain["owner"]] if chain["owner"] else []) + last}
    return list(found.values())


def _people(recipients: list[Recipient]) -> str:
    """`Lee Park is`, `Dana Reyes, Lee Park are`."""
    if not recipients:
        return "nobody is"
    return f"{', '.join(r['name'] for r in recipients)} {'is' if len(recipients) == 1 else 'are'}"


def _who(recipients: list[Recipient], *, again: bool) -> str:
    if not recipients:
        return "the chain moves on (that step names no one who can be reached)"
    return f"{_people(recipients)} told{' again' if again else ''}"


def _run_step(
    session: Session,
    escalation: Escalation,
    alert: Alert,
    index: int,
    *,
    plan: Plan,
    base_url: str | None,
    now: datetime,
) -> None:
    chain = chain_of(escalation)
    step = chain["steps"][index]
    where = f"step {index + 1}, round {escalation.round + 1}"
    for note in step["notes"]:
        notify.event(session, alert, "skipped", f"{where}: {note}", now=now)
    if not step["recipients"]:
        notify.event(session, alert, "skipped", f"{where}: nobody to tell; the chain goes on", now=now)
    upcoming = next_step(escalation)
    renewal = None
    if alert.reason == "confirmation":
        renewal = session.scalars(select(Renewal).where(Renewal.alert_id == alert.id)).one_or_none()
    same = causes.same_cause(session, plan, alert)
    for recipient in step["recipients"]:

        def compose(r: Recipient = recipient) -> Text:
            confirm = None
            if renewal is not None and not r["id"].startswith("audience:"):
                confirm = links.confirm(session, renewal, r["id"], base=base_url, now=now)
            return messages.page(
                alert,
                chain=chain,
                person=r["id"],
                step=index,
                round=escalation.round,
                next_step=upcoming,
                ack_link=links.ack(session, alert, r["id"], base=base_url, now=now),
                confirm_link=confirm,
                now=now,
                same_cause=same,
            )

        notify.send(
            session,
            alert,
            recipient,
            key=f"r{escalation.round}/s{index}",
            compose=compose,
            now=now,
            record=where,
        )


def _exhaust(
    session: Session, escalation: Escalation, alert: Alert, *, base_url: str | None, now: datetime
) -> None:
    chain = chain_of(escalation)
    escalation.state, escalation.next_at = "exhausted", None
    told = notify.told(session, alert, chain)
    audience = {r["id"]: r for r in _told_at_the_end(chain)}
    reached = [r["name"] for r in told]
    for recipient in audience.values():

        def compose(r: Recipient = recipient) -> Text:
            link = links.ack(session, alert, r["id"], base=base_url, now=now)
            return messages.exhausted(
                alert, chain=chain, person=r["id"], told=reached, ack_link=link, now=now
            )

        notify.send(session, alert, recipient, key="exhausted", compose=compose, now=now)
    names = (
        ", ".join(r["name"] for r in audience.values() if r["contacts"]) or "nobody (no one could be reached)"
    )
    notify.event(
        session, alert, "exhausted", f"the chain is exhausted; nobody acknowledged. Told {names} so", now=now
    )
