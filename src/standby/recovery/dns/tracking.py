"""Tracking by itself: when a domain's delegation (or a parked page on it) recovers, the engine starts
asking the public resolvers about it every minute, records each resolver's flip to the fix on the
incident's timeline, posts the customer words on the status page once, and stops when all agree.

`on_state_change` is subscribed after the alerts and incidents (standby/app/subscribers.py): it only
writes a watch. `run_due`, a tick job, claims due watches with a lease and surveys them in a thread of
its own (recovery/background.py), so eighteen resolvers timing out never hold up a tick. `reclaim`
gives a dead process's claims back when an engine starts.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert
from standby.channels.drill import run_of
from standby.core.clock import ManualClock
from standby.engine.models import CheckState, FindingRecord
from standby.incidents.lifecycle import automatic
from standby.incidents.models import Incident, IncidentAlert
from standby.incidents.rules import public_names
from standby.incidents.timeline import event
from standby.plan.assets import label
from standby.plan.model import Plan
from standby.probes.context import make_context
from standby.recovery import background
from standby.recovery.dns import customer
from standby.recovery.dns.models import RecoveryResolver, RecoverySample, RecoveryWatch
from standby.recovery.dns.survey import survey
from standby.recovery.dns.view import Expectation, Recovery
from standby.store.db import lock_for_write

INTERVAL = timedelta(minutes=1)
LEASE = timedelta(minutes=5)
GRACE = timedelta(hours=1)  # past every resolver's time and still not all agree: stop, and say who
LONGEST = timedelta(days=7)  # never track one fix for longer
JOB = "dns recovery"


def on_state_change(session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime) -> None:
    """A check recovered: if it was a domain's delegation or a parked page, start tracking the fix."""
    if state.status != "ok" or previous == "ok" or run_of(state.details) is not None:
        return
    domain = _fixed_domain(session, state, plan)
    if domain is None:
        return
    incident = _incident_of(session, state)
    query = select(RecoveryWatch).where(RecoveryWatch.domain == domain, RecoveryWatch.state == "tracking")
    if (watch := session.scalars(query).first()) is not None:
        watch.incident_id = watch.incident_id or (incident.id if incident else None)
        return
    what = "delegation" if state.check == "delegation" else f"page {state.target}"
    watch = RecoveryWatch(
        domain=domain,
        incident_id=incident.id if incident else None,
        reason=f"the {what} recovered at {now:%Y-%m-%d %H:%M} UTC",
        expected=_expected(session, plan, domain, state),
        state="tracking",
        started_at=now,
        next_at=now,
        headline="",
        right=0,
        asked=0,
        posted=False,
    )
    session.add(watch)
    if incident is not None:
        text = (
            f"DNS recovery tracking started for {domain}: asking the public resolvers when they have the fix"
        )
        event(session, incident, "recovery", text, now=now)


def _fixed_domain(session: Session, state: CheckState, plan: Plan) -> str | None:
    names = sorted((d.name for d in plan.domains), key=len, reverse=True)
    if state.check == "delegation" and state.kind == "domain":
        return label(state.asset)
    if state.check != "http":
        return None
    query = select(FindingRecord.details).where(
        FindingRecord.asset == state.asset, FindingRecord.check == "http", FindingRecord.status != "ok"
    )
    details = session.scalars(query.order_by(FindingRecord.observed_at.desc()).limit(1)).first()
    if not details or not details.get("parking"):
        return None
    host = (urlsplit(state.target).hostname or "").lower().rstrip(".")
    return next((d for d in names if host == d or host.endswith("." + d)), None)


def _expected(session: Session, plan: Plan, domain: str, state: CheckState) -> dict[str, list[str]]:
    if state.check == "delegation" and state.details.get("nameservers"):
        return {"NS": list(state.details["nameservers"])}
    planned = next((d for d in plan.domains if d.name == domain), None)
    if planned is not None and planned.expected_nameservers:
        return {"NS": list(planned.expected_nameservers)}
    return {}  # the parent zone's delegation at the first pass


def _incident_of(session: Session, state: CheckState) -> Incident | None:
    query = (
        select(Incident)
        .join(IncidentAlert, IncidentAlert.incident_id == Incident.id)
        .join(Alert, Alert.id == IncidentAlert.alert_id)
        .where(Alert.asset == state.asset, Alert.check == state.check, Alert.drill_run_id.is_(None))
    )
    return session.scalars(query.order_by(Alert.id.desc()).limit(1)).first()


def _due(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    return (RecoveryWatch.state == "tracking") & (RecoveryWatch.next_at <= now)


def pending(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Whether a watch is due a survey (most ticks track nothing: engine/chores.py)."""
    return exists().where(_due(now))


def run_due(sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
    """Survey the watches due now, in the background (claimed there, with a lease); returns 1 when a
    survey started, 0 when none is due or the last one still runs."""
    due = _due(now)

    def survey_all() -> None:
        claimed: list[tuple[int, str, dict[str, list[str]], datetime]] = []
        with sessions.begin() as session:
            lock_for_write(session)
            free = (RecoveryWatch.lease_until.is_(None)) | (RecoveryWatch.lease_until <= now)
            query = select(RecoveryWatch).where(due, free).with_for_update(skip_locked=True)
            for watch in session.scalars(query.order_by(RecoveryWatch.id)):
                watch.lease_owner, watch.lease_until = worker, now + LEASE
                claimed.append((watch.id, watch.domain, dict(watch.expected), watch.started_at))
        found = asyncio.run(_surveys(claimed, plan, now))
        for (ident, *_), recovery in zip(claimed, found, strict=True):
            with sessions.begin() as session:
                lock_for_write(session)
                held = session.get(RecoveryWatch, ident, with_for_update=True)
                if held is not None and held.lease_owner == worker:
                    record(session, held, recovery, plan=plan, now=now)

    return int(background.start(JOB, sessions, survey_all))


def reclaim(session: Session, *, owner: str | None) -> int:
    """At start (engine/restart.py): release the watches a process that is gone had claimed (all on
    SQLite, `owner`'s on PostgreSQL), so they are surveyed at the first tick, not a lease later."""
    lock_for_write(session)
    query = select(RecoveryWatch).where(RecoveryWatch.lease_owner.is_not(None)).with_for_update()
    if owner is not None:
        query = query.where(RecoveryWatch.lease_owner == owner)
    found = list(session.scalars(query))
    for watch in found:
        watch.lease_owner = watch.lease_until = None
    return len(found)


def settle(sessions: sessionmaker[Session]) -> None:
    background.settle(JOB, sessions)


async def _surveys(
    claimed: list[tuple[int, str, dict[str, list[str]], datetime]], plan: Plan, now: datetime
) -> list[Recovery]:
    ctx = make_context(plan, ManualClock(now))  # every answer is read as of the tick that asked
    try:
        return list(
            await asyncio.gather(
                *(
                    survey(
                        domain,
                        plan=plan,
                        ctx=ctx,
                        expected=Expectation.of(wanted) if wanted else None,
                        fixed_at=started,
                    )
                    for _, domain, wanted, started in claimed
                )
            )
        )
    finally:
        await ctx.net.aclose()


def record(session: Session, watch: RecoveryWatch, found: Recovery, *, plan: Plan, now: datetime) -> None:
    """Store one pass: the readings, flips to the timeline, the curve, and whether tracking is over."""
    first = watch.checked_at is None
    incident = session.get(Incident, watch.incident_id) if watch.incident_id is not None else None
    readings = {
        r.address: r
        for r in session.scalars(select(RecoveryResolver).where(RecoveryResolver.watch_id == watch.id))
    }
    asked = len(found.rows) - found.unknown
    for row in found.rows:
        reading = readings.get(row.resolver.address)
        if reading is None:
            reading = RecoveryResolver(watch_id=watch.id, address=row.resolver.address)
            session.add(reading)
        flipped = row.verdict == "right" and reading.verdict != "right"
        reading.name, reading.region = row.resolver.name, row.resolver.region
        reading.flush = str(row.resolver.flush) if row.resolver.flush else None
        reading.verdict, reading.answer, reading.ttl_left = row.verdict, row.shown(), row.remaining
        reading.at_latest, reading.checked_at = row.at_latest, now
        if flipped and not first:  # one that had it when tracking began has no time of its own
            reading.fixed_at = now
            if incident is not None:
                text = (
                    f"{row.resolver.name} ({row.resolver.region or row.resolver.address}) now answers "
                    f"{row.shown()}: {found.right} of {asked} resolvers have the fix"
                )
                event(session, incident, "recovery", text, now=now)
    session.add(
        RecoverySample(watch_id=watch.id, at=now, right=found.right, asked=asked, unknown=found.unknown)
    )
    headline = found.headline(plan.timezone)
    watch.expected = found.expected.as_dict()
    watch.checked_at, watch.headline, watch.right, watch.asked = now, headline, found.right, asked
    watch.at_latest = found.at_latest
    if found.parent is not None:
        watch.parent_zone, watch.parent_ttl = found.parent.zone, found.parent.ttl
    watch.lease_owner = watch.lease_until = None
    if first and incident is not None:
        event(session, incident, "recovery", f"{watch.domain}: {headline}", now=now)
        _post_customer_words(session, watch, incident, found, plan=plan, now=now)
    if found.done:
        _end(session, watch, incident, "done", f"{headline} DNS recovery tracking stopped.", now=now)
    elif _past(watch, found, now):
        late = ", ".join(r.resolver.name for r in found.wrong)
        text = (
            f"{watch.domain}: {headline} {late} still answer the old way past their time: they are not "
            "honouring TTLs; ask their operators (flush pages on /recovery). Tracking stopped."
        )
        _end(session, watch, incident, "stopped", text, now=now)
    else:
        watch.next_at = now + INTERVAL


def _past(watch: RecoveryWatch, found: Recovery, now: datetime) -> bool:
    latest = found.at_latest
    return now - watch.started_at >= LONGEST or (latest is not None and now > latest + GRACE)


def _end(
    session: Session, watch: RecoveryWatch, incident: Incident | None, state: str, text: str, *, now: datetime
) -> None:
    watch.state, watch.ended_at, watch.next_at = state, now, None
    if incident is not None:
        event(session, incident, "recovery", text, now=now)


def _post_customer_words(
    session: Session, watch: RecoveryWatch, incident: Incident, found: Recovery, *, plan: Plan, now: datetime
) -> None:
    """Once, while some resolvers still wait: the status page explains the wait, with the time."""
    if watch.posted or found.done or incident.state == "resolved" or incident.drill_run_id is not None:
        return
    watch.posted = True
    name = " and ".join(public_names(plan, incident.systems))
    know = customer.know(name, found.at_latest, plan.timezone)
    dont_know = customer.dont_know(found.at_latest, plan.timezone)
    words = customer.public(name, found.at_latest, plan.timezone)
    automatic(
        session,
        incident,
        plan=plan,
        state=incident.state,
        know=know,
        dont_know=dont_know,
        public=words,
        now=now,
    )
