"""Due monitors, claimed under a lease so that each run happens once however many workers there are.

A claim is a committed lease (`lease_owner`, `lease_until`): PostgreSQL workers claim with
`SELECT … FOR UPDATE SKIP LOCKED`, so two never wait on or take the same rows; SQLite (one process)
takes the write lock. Leases are short (`LEASE`) and the engine renews those of its runs in flight —
probing, or waiting in a probe process for their slot — every `RENEW_EVERY`, so a worker that dies
stops renewing and its monitors, still due, are claimed by the next worker that looks within seconds.
A restarted engine takes back at once what its dead predecessor held (`reclaim`, engine/restart.py).
A run is also cut off at `run_limit`, however long its lease is renewed.

Every statement on the hot path is one per batch, not one per monitor: at thousands of runs a second,
the per-row round trips were most of the cost of recording.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import BindParameter, ColumnElement, Integer, bindparam, or_, select, update
from sqlalchemy.orm import Session

from standby.engine.models import Monitor
from standby.engine.phase import first_look, first_run, next_run, phase_of
from standby.plan.model import Settings
from standby.store.batch import executemany
from standby.store.db import lock_for_write

LEASE = timedelta(seconds=20)
RENEW_EVERY = timedelta(seconds=5)
# A monitor found more than this overdue when an engine starts missed its run while none was running:
# it takes its next place (engine/phase.py `first_run`) instead of all of them running in one burst.
ON_TIME = timedelta(seconds=2)
# Core statements, compiled once and cached: at a thousand runs a second the ORM's per-statement work
# (coercing every value of an IN list, bulk-update bookkeeping) cost more than SQLite itself.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_LEASE = update(Monitor).where(Monitor.id.in_(_IDS))
_FINISH = (
    update(Monitor)
    .where(Monitor.id == bindparam("b_id"))
    .values(
        last_run_at=bindparam("b_last"), next_run_at=bindparam("b_next"), lease_owner=None, lease_until=None
    )
)


def _free(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    return or_(Monitor.lease_until.is_(None), Monitor.lease_until <= now)


_DUE = (
    select(Monitor.id, Monitor.key, Monitor.next_run_at, Monitor.phase_ms, Monitor.interval_seconds)
    .where(Monitor.active.is_(True), Monitor.next_run_at <= bindparam("due_by"), _free(bindparam("now")))
    .order_by(Monitor.next_run_at)
    .limit(bindparam("limit", type_=Integer))
    .with_for_update(skip_locked=True)
)
_TAKE = _LEASE.values(lease_owner=bindparam("b_owner"), lease_until=bindparam("b_until"))
_MOVE = update(Monitor).where(Monitor.id == bindparam("b_id")).values(next_run_at=bindparam("b_next"))


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
    phase_ms: int | None = None
    interval_seconds: int = 60

    def next_due(self, started: datetime) -> datetime:
        interval = timedelta(seconds=self.interval_seconds)
        phase = self.phase_ms if self.phase_ms is not None else phase_of(self.due, interval)
        return next_run(phase, interval, started)


def claim_due(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    ahead: timedelta = timedelta(0),
) -> list[Claim]:
    """Lease up to `limit` monitors due by `now + ahead` (oldest due first) to `worker`. The caller
    commits. Claiming ahead lets a run start at its very slot, whatever the process is busy with."""
    if limit <= 0:
        return []
    lock_for_write(session)
    connection = session.connection()
    found = connection.execute(_DUE, {"due_by": now + ahead, "now": now, "limit": limit})
    claims = [Claim(*row) for row in found]
    if claims:
        connection.execute(_TAKE, {"ids": [c.id for c in claims], "b_owner": worker, "b_until": now + lease})
    return claims


def still_leased(session: Session, claims: list[Claim], *, worker: str) -> set[int]:
    """The ids of the claimed monitors whose lease `worker` still holds. A lost lease (it ran out and
    another worker claimed the monitor) means that run must not be recorded: the other one will be."""
    query = select(Monitor.id).where(Monitor.id.in_(_IDS), Monitor.lease_owner == bindparam("w"))
    found = session.connection().execute(
        query.with_for_update(), {"ids": [c.id for c in claims], "w": worker}
    )
    return set(found.scalars())


def finish(session: Session, runs: list[tuple[Claim, datetime]]) -> None:
    """Schedule each run's next slot (engine/phase.py `next_run`) and release its lease."""
    if runs:
        rows = [{"b_id": c.id, "b_last": started, "b_next": c.next_due(started)} for c, started in runs]
        executemany(session.connection(), _FINISH, rows)


def release(session: Session, claims: list[Claim], *, worker: str) -> None:
    """Give leases back without running (stopping, or a job this worker's plan does not have)."""
    if claims:
        given_back = _LEASE.where(Monitor.lease_owner == worker).values(lease_owner=None, lease_until=None)
        session.connection().execute(given_back, {"ids": [c.id for c in claims]})


def respread(session: Session, *, now: datetime) -> int:
    """At start: the free monitors more than ON_TIME overdue missed their runs while no engine ran;
    each takes its first look again (within its interval or FIRST_LOOK, at its phase's place) rather
    than all running at once. Returns how many moved."""
    lock_for_write(session)
    query = (
        select(Monitor.id, Monitor.phase_ms, Monitor.interval_seconds, Monitor.next_run_at)
        .where(Monitor.active.is_(True), Monitor.next_run_at < now - ON_TIME, _free(now))
        .with_for_update(skip_locked=True)
    )
    missed = list(session.execute(query))
    classes = Counter(seconds for _, _, seconds, _ in missed)  # many missed: their first looks take longer
    rows = []
    for id_, phase, seconds, due in missed:
        interval = timedelta(seconds=seconds)
        place = phase if phase is not None else phase_of(due, interval)
        window = first_look(interval, classes[seconds])
        rows.append({"b_id": id_, "b_next": first_run(place, interval, now, window)})
    if rows:
        session.connection().execute(_MOVE, rows)
    return len(rows)


def renew(session: Session, claims: list[Claim], *, worker: str, until: datetime) -> None:
    """Extend `worker`'s leases on the monitors it is still probing (or holding for their slots)."""
    if claims:
        extended = _LEASE.where(Monitor.lease_owner == worker).values(lease_until=until)
        session.connection().execute(extended, {"ids": [c.id for c in claims]})


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
