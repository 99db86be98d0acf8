"""Checks that run sooner than their interval, so that a change is confirmed in minutes, not hours.

- A check whose latest observation disagrees with its confirmed status (a streak of flap damping has
  begun) runs again within `CONFIRM_WITHIN`: a domain is checked hourly, and `alert_after: 2` must
  not mean two hours before anyone hears its delegation moved.
- When something on a domain starts failing (an endpoint, a certificate, a DNS record or a vendor
  probe at or under it, plan/hosts.py), the domain is checked at once: if it is the cause, its alert
  is the one that pages (alerts/causes.py), and it must not confirm an hour after the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from standby.engine.evaluate import is_bad
from standby.engine.models import CheckState, Monitor
from standby.plan.hosts import foundations
from standby.plan.model import Plan

CONFIRM_WITHIN = timedelta(minutes=1)


def run_sooner(
    session: Session, observed: Iterable[tuple[CheckState, datetime]], *, plan: Plan, now: datetime
) -> int:
    """Bring forward the next run of the monitors the rules above name; returns how many moved.
    `observed`: each state just observed, with when its run began."""
    by_key: dict[str, datetime] = {}
    causes: set[str] = set()
    on = foundations(plan)
    for state, started in observed:
        if state.streak > 0:
            again = started + CONFIRM_WITHIN
            by_key[state.monitor] = min(by_key.get(state.monitor, again), again)
        if state.streak == 1 and is_bad(state.observed):
            causes.update(on.get(state.asset, []))
    if not by_key and not causes:
        return 0
    query = select(Monitor).where(Monitor.active, or_(Monitor.key.in_(by_key), Monitor.asset.in_(causes)))
    moved = 0
    for monitor in session.scalars(query):
        when = by_key.get(monitor.key, monitor.next_run_at)
        fresh = monitor.last_run_at is not None and monitor.last_run_at > now - CONFIRM_WITHIN
        if monitor.asset in causes and not fresh:
            when = min(when, now)
        if when < monitor.next_run_at:
            monitor.next_run_at = when
            moved += 1
    return moved
