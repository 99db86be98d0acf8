"""Make the monitor table match the plan: one Monitor per probe job (probes/run.py `Job.key`).

A new job gets a phase among the monitors of its probe and interval (engine/phase.py) and runs at
its first look; so does one that returns to the plan or changes interval. A job gone from the plan
leaves its monitor inactive (kept, so its history and a later return keep their key). Monitors that
keep their probe and interval keep their phase and their next run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from standby.engine.models import Monitor
from standby.engine.phase import first_look, first_run, next_run, phase_of, spread
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
    rows = list(session.scalars(select(Monitor)))
    existing = {m.key: m for m in rows}
    placed: list[Monitor] = []  # those that need a phase: new, back in the plan, at another interval
    for job in jobs:
        seconds = max(1, int(interval_for(job, own).total_seconds()))
        monitor = existing.pop(job.key, None)
        if monitor is None:
            monitor = _new(job, seconds, now)
            session.add(monitor)
            report.added.append(job.key)
        elif not monitor.active:
            report.added.append(job.key)
        elif (monitor.interval_seconds, monitor.target, monitor.owner) != (seconds, job.target, job.owner):
            report.changed.append(job.key)
        if not monitor.active or monitor.interval_seconds != seconds or monitor.phase_ms is None:
            placed.append(monitor)
        monitor.active, monitor.interval_seconds = True, seconds
        monitor.target, monitor.owner = job.target, job.owner
    for monitor in existing.values():
        if monitor.active:
            monitor.active = False
            report.removed.append(monitor.key)
    moving = {m.key for m in placed}
    _place(placed, [m for m in rows if m.active and m.key not in moving], now=now)
    session.flush()
    return report


def _place(placed: list[Monitor], staying: list[Monitor], *, now: datetime) -> None:
    """Give `placed` phases among the `staying` ones of their class (the same probe at the same
    interval), and their first run."""
    taken: dict[tuple[str, int], list[int]] = defaultdict(list)
    for monitor in staying:
        if monitor.phase_ms is not None:
            taken[_class_of(monitor)].append(monitor.phase_ms)
    waiting: dict[tuple[str, int], list[Monitor]] = defaultdict(list)
    for monitor in placed:
        waiting[_class_of(monitor)].append(monitor)
    for cls, monitors in waiting.items():
        interval = timedelta(seconds=cls[1])
        anchor = phase_of(monitors[0].last_run_at or now, interval)  # a changed interval counts from it
        phases = spread(taken[cls], len(monitors), interval, anchor=anchor)
        window = first_look(interval, len(monitors))
        for monitor, phase in zip(monitors, phases, strict=True):
            monitor.phase_ms = phase
            last = monitor.last_run_at
            after_last = next_run(phase, interval, last) if last is not None else None
            if after_last is None or after_last < now:
                after_last = first_run(phase, interval, now, window)
            monitor.next_run_at = after_last


def _class_of(monitor: Monitor) -> tuple[str, int]:
    return monitor.key.rpartition("/")[2], monitor.interval_seconds  # the probe: "http", "domain"...


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
