"""Make the monitor table match the plan: one Monitor per probe job (probes/run.py `Job.key`).

New jobs are due at once; a job gone from the plan leaves its monitor inactive (kept, so its history
and a later return keep their key); a changed interval counts from the monitor's last run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from standby.engine.models import Monitor
from standby.plan.model import Plan
from standby.probes.run import Job
from standby.store.db import lock_for_write

DOMAIN = timedelta(hours=1)  # the delegation; the registration inside it is reused longer (probes/domain.py)
CERTIFICATE = timedelta(hours=6)
DNS = timedelta(minutes=5)
_SYNC_LOCK = 7_401_227  # PostgreSQL: workers reloading together sync one after the other


def intervals(plan: Plan) -> dict[str, timedelta]:
    """The per-asset intervals the plan sets itself (endpoints and vendors)."""
    found = {e.asset_id: e.interval for e in plan.endpoints}
    found.update({v.asset_id: v.interval for v in plan.vendors})
    return found


def interval_for(job: Job, own: dict[str, timedelta]) -> timedelta:
    if job.interval is not None:
        return job.interval
    if job.probe == "domain":
        return DOMAIN
    if job.probe == "certificate":  # a certificate of its own or an https endpoint's
        return CERTIFICATE
    if job.probe == "dns":
        return DNS
    return own[job.asset]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # interval, target or owner


def sync_monitors(session: Session, plan: Plan, jobs: list[Job], *, now: datetime) -> SyncReport:
    """Bring the monitor table in line with `jobs`, in the caller's transaction."""
    lock_for_write(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SYNC_LOCK})
    report = SyncReport()
    own = intervals(plan)
    existing = {m.key: m for m in session.scalars(select(Monitor))}
    for job in jobs:
        seconds = int(interval_for(job, own).total_seconds())
        monitor = existing.pop(job.key, None)
        if monitor is None:
            session.add(_new(job, seconds, now))
            report.added.append(job.key)
            continue
        if not monitor.active:
            monitor.active, monitor.next_run_at = True, now
            report.added.append(job.key)
        elif (monitor.interval_seconds, monitor.target, monitor.owner) != (seconds, job.target, job.owner):
            report.changed.append(job.key)
        if monitor.interval_seconds != seconds and monitor.last_run_at is not None:
            monitor.next_run_at = monitor.last_run_at + timedelta(seconds=seconds)
        monitor.interval_seconds, monitor.target, monitor.owner = seconds, job.target, job.owner
    for monitor in existing.values():
        if monitor.active:
            monitor.active = False
            report.removed.append(monitor.key)
    session.flush()
    return report


def _new(job: Job, seconds: int, now: datetime) -> Monitor:
    return Monitor(
        key=job.key,
        asset=job.asset,
        kind=job.kind,
        target=job.target,
        owner=job.owner,
        interval_seconds=seconds,
        active=True,
        next_run_at=now,
    )
