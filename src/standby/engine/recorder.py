"""Recording finished runs: the findings into history, each into its damped check state, every
confirmed change to the alerts feature — and the monitor's next run, its lease released.

One transaction per batch (one commit, not one per monitor: SQLite's `synchronous=FULL` makes commits
the cost), with a savepoint per run so a failure recording one run cannot lose the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.expiry import iso
from standby.core.status import Finding, Status
from standby.core.timetext import format_duration
from standby.engine import history
from standby.engine.evaluate import observe, state_key, states_for
from standby.engine.models import CheckState
from standby.engine.retire import retire
from standby.engine.scheduler import Claim, finish, still_leased
from standby.engine.soon import run_sooner
from standby.engine.subscribers import StateChange
from standby.plan.model import Plan
from standby.probes.context import ProbeContext
from standby.probes.correlate import correlate
from standby.probes.run import Job, run_job
from standby.probes.sight import settle
from standby.store.db import lock_for_write

log = logging.getLogger("standby.engine")


@dataclass(frozen=True)
class Done:
    claim: Claim
    job: Job
    started: datetime
    findings: list[Finding]


async def timed(job: Job, ctx: ProbeContext, limit: timedelta) -> list[Finding]:
    """Run `job` within `limit`; each finding's details get the run's `duration_ms` (for /metrics)."""
    began = time.perf_counter()
    findings = await asyncio.wait_for(run_job(job, ctx), limit.total_seconds())
    took = round((time.perf_counter() - began) * 1000)
    return [replace(f, details={**f.details, "duration_ms": took}) for f in findings]


def outcome(job: Job, task: asyncio.Task[list[Finding]], limit: timedelta) -> list[Finding]:
    """The findings of a finished run; a run cut off at `limit` is an `unknown` finding saying so."""
    if not task.cancelled() and task.exception() is None:
        return task.result()
    error = None if task.cancelled() else task.exception()
    if isinstance(error, TimeoutError) or error is None:
        summary = (
            f"checking {job.target} took longer than {format_duration(limit)} and was cut off; "
            "it will be tried again at the next interval"
        )
    else:  # run_job turns probe errors into findings; this is a bug in Standby itself
        log.error("run of %s failed", job.key, exc_info=error)
        summary = (
            f"Standby could not check {job.target}: internal error ({type(error).__name__}); please report it"
        )
    return [Finding(job.asset, job.kind, job.target, "probe", Status.UNKNOWN, summary, job.owner)]


def _retire_dropped_checks(
    session: Session, runs: list[Done], *, plan: Plan, on_state_change: StateChange, now: datetime
) -> None:
    """A monitor that stopped making a check (`dnssec: true` turned off) retires that check's state.
    A run that only reports Standby's own failure ("probe") proves nothing and retires nothing."""
    made = {run.job.key: {f.check for f in run.findings} for run in runs}
    made = {key: checks for key, checks in made.items() if checks != {"probe"}}
    if not made:
        return
    states = session.scalars(select(CheckState).where(CheckState.monitor.in_(made)))
    dropped = [s for s in states if s.monitor is not None and s.check not in made[s.monitor]]
    retire(session, dropped, why="is no longer part of this check", plan=plan,
           on_state_change=on_state_change, now=now)  # fmt: skip


def record_runs(
    session: Session,
    done: list[Done],
    *,
    worker: str,
    plan: Plan,
    on_state_change: StateChange,
    now: datetime,
    seeing: bool = True,
) -> tuple[int, int, int]:
    """Record `done` in the caller's transaction; returns (runs recorded, findings, status changes).

    Findings are dated when their run began; `now` (when they are recorded) goes to the alerts. Unless
    Standby is `seeing`, a finding that failed for a cause on its side goes into the history only
    (probes/sight.py `settle`): the asset's state does not move."""
    lock_for_write(session)
    settings = plan.settings
    leased = still_leased(session, [d.claim for d in done], worker=worker)
    lost = [d.job.key for d in done if d.claim.id not in leased]
    if lost:
        log.warning("lease lost before recording (another worker runs them now): %s", ", ".join(lost))
    kept = [d for d in done if d.claim.id in leased]
    for run in kept:
        finish(leased[run.claim.id], run.claim, started=run.started)
    # Findings explain each other when they arrive together (a parked page and its moved delegation).
    flat = iter(correlate([f for d in kept for f in d.findings]))
    seen, held = [], []
    for run in kept:
        said, kept_back = settle([next(flat) for _ in run.findings], seeing=seeing)
        seen += [(f, run) for f in said]
        held += [(f, run) for f in kept_back]
    states = states_for(session, [f for f, _ in seen], now=now)
    damping = {"alert_after": settings.alert_after, "recover_after": settings.recover_after}
    changed = []
    for finding, run in seen:
        state = states[state_key(finding.asset, finding.check)]
        previous = observe(state, finding, monitor=run.job.key, now=run.started, **damping)
        if previous is not None:
            changed.append((state, previous))
    run_sooner(session, ((states[state_key(f.asset, f.check)], run.started) for f, run in seen), plan=plan,
               now=now)  # fmt: skip
    history.record(session, ((f, run.started) for f, run in seen + held))
    _retire_dropped_checks(session, kept, plan=plan, on_state_change=on_state_change, now=now)
    session.flush()
    for state, previous in changed:
        log.info(
            "%s %s: %s → %s since %s: %s",
            state.asset, state.check, previous, state.status, iso(state.since), state.summary,
        )  # fmt: skip
        try:
            with session.begin_nested():  # a failure here must not lose the other runs' records
                on_state_change(session, state=state, previous=previous, plan=plan, now=now)
        except Exception:
            log.exception(
                "%s %s: the alerts could not take this change; it is recorded", state.asset, state.check
            )
    return len(kept), len(seen) + len(held), len(changed)
