"""Due monitors, claimed under a lease so that each run happens once however many workers there are.

A claim is a committed lease (`lease_owner`, `lease_until`): PostgreSQL workers claim with
`SELECT … FOR UPDATE SKIP LOCKED`, so two never wait on or take the same rows; SQLite (one process)
takes the write lock. Leases are short (`LEASE`) and the engine renews those of its runs in flight
every `RENEW_EVERY`, so a worker that dies stops renewing and its monitors, still due, are claimed by
the next worker that looks within seconds. A restarted engine takes back at once what its dead
predecessor held (`reclaim`, engine/restart.py). A run is also cut off at `run_limit`, however long
its lease is renewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from standby.engine.models import Monitor
from standby.plan.model import Settings
from standby.store.db import lock_for_write

LEASE = timedelta(seconds=20)
RENEW_EVERY = timedelta(seconds=5)
# A run that starts within this of its due time keeps its phase (next = due + interval), so the tick's
# granularity does not stretch intervals. A later one (a backlog, the engine was down) counts from its
# start: that spreads a burst of monitors due together (a new plan) instead of keeping them in a herd.
ON_TIME = timedelta(seconds=2)


def run_limit(settings: Settings) -> timedelta:
    """The longest one probe job may take: several operations (bootstrap, RDAP, WHOIS fallback, the
    parent's servers one after the other) each bounded by `settings.timeout`."""
    return max(timedelta(seconds=30), settings.timeout * 6)


def lease_for(settings: Settings) -> timedelta:
    """How long a claim holds unless renewed (the same for every plan: renewal, not length, covers a
    slow probe)."""
    return LEASE


@dataclass(frozen=True)
class Claim:
    """A leased monitor, detached from the session that claimed it."""

    id: int
    key: str
    due: datetime


def claim_due(session: Session, *, worker: str, now: datetime, limit: int, lease: timedelta) -> list[Claim]:
    """Lease up to `limit` due monitors (oldest due first) to `worker`. The caller commits."""
    if limit <= 0:
        return []
    lock_for_write(session)
    free = or_(Monitor.lease_until.is_(None), Monitor.lease_until <= now)
    query = (
        select(Monitor)
        .where(Monitor.active.is_(True), Monitor.next_run_at <= now, free)
        .order_by(Monitor.next_run_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claims = []
    for monitor in session.scalars(query):
        monitor.lease_owner, monitor.lease_until = worker, now + lease
        claims.append(Claim(monitor.id, monitor.key, monitor.next_run_at))
    session.flush()
    return claims


def still_leased(session: Session, claims: list[Claim], *, worker: str) -> dict[int, Monitor]:
    """The claimed monitors whose lease `worker` still holds, by id. A lost lease (it ran out and
    another worker claimed the monitor) means that run must not be recorded: the other one will be."""
    ids = [c.id for c in claims]
    query = select(Monitor).where(Monitor.id.in_(ids), Monitor.lease_owner == worker).with_for_update()
    return {m.id: m for m in session.scalars(query)}


def finish(monitor: Monitor, claim: Claim, *, started: datetime) -> None:
    """Schedule the next run one interval on, and release the lease."""
    monitor.last_run_at = started
    base = claim.due if started - claim.due <= ON_TIME else started
    monitor.next_run_at = base + timedelta(seconds=monitor.interval_seconds)
    monitor.lease_owner = monitor.lease_until = None


def release(session: Session, claims: list[Claim], *, worker: str) -> None:
    """Give leases back without running (stopping, or a job this worker's plan does not have)."""
    for monitor in still_leased(session, claims, worker=worker).values():
        monitor.lease_owner = monitor.lease_until = None


def renew(session: Session, claims: list[Claim], *, worker: str, until: datetime) -> None:
    """Extend `worker`'s leases on the monitors it is still probing."""
    for monitor in still_leased(session, claims, worker=worker).values():
        monitor.lease_until = until


def reclaim(session: Session, *, owner: str | None) -> int:
    """Release the leases a process that is gone held: all of them on SQLite (one process: this one),
    `owner`'s on PostgreSQL. The monitors, still due, are claimed at the next look."""
    lock_for_write(session)
    query = select(Monitor).where(Monitor.lease_owner.is_not(None)).with_for_update()
    if owner is not None:
        query = query.where(Monitor.lease_owner == owner)
    found = list(session.scalars(query))
    for monitor in found:
        monitor.lease_owner = monitor.lease_until = None
    return len(found)
