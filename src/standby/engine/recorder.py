"""Recording finished runs: the findings into history, each into its damped check state, every
confirmed change to the alerts feature — and the monitor's next run, its lease released.

One transaction per batch (one commit, not one per monitor: SQLite's `synchronous=FULL` makes commits
the cost), with a savepoint per run so a failure recording one run cannot lose the others.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from standby.core.durations import format_duration
from standby.core.expiry import iso
from standby.core.status import Finding, Status
from standby.engine import history
from standby.engine.evaluate import observe
from standby.engine.hooks import StateChange
from standby.engine.scheduler import Claim, finish
from standby.plan.model import Plan
from standby.probes.correlate import correlate
from standby.probes.run import Job
from standby.store.db import lock_for_write

log = logging.getLogger("standby.engine")


@dataclass(frozen=True)
class Done:
    claim: Claim
    job: Job
    started: datetime
    findings: list[Finding]


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


def record_runs(
    session: Session,
    done: list[Done],
    *,
    worker: str,
    plan: Plan,
    on_state_change: StateChange,
    now: datetime,
) -> tuple[int, int, int]:
    """Record `done` in the caller's transaction; returns (runs recorded, findings, status changes).

    Findings are dated when their run began; `now` (when they are recorded) goes to the alerts."""
    lock_for_write(session)
    settings = plan.settings
    # Findings explain each other when they arrive together (a parked page and its moved delegation).
    flat = correlate([f for d in done for f in d.findings])
    ran = found = changes = 0
    for run in done:
        findings, flat = flat[: len(run.findings)], flat[len(run.findings) :]
        if finish(session, run.claim, worker=worker, started=run.started) is None:
            log.warning(
                "%s: lease lost before its findings were recorded; another worker has it", run.job.key
            )
            continue
        ran += 1
        try:
            with session.begin_nested():
                found += history.record(session, findings, now=run.started)
                for finding in findings:
                    change = observe(
                        session, finding, monitor=run.job.key, now=run.started,
                        alert_after=settings.alert_after, recover_after=settings.recover_after,
                    )  # fmt: skip
                    if change is None:
                        continue
                    state, previous = change
                    log.info(
                        "%s %s: %s → %s since %s: %s",
                        state.asset, state.check, previous, state.status, iso(state.since), state.summary,
                    )  # fmt: skip
                    on_state_change(session, state=state, previous=previous, plan=plan, now=now)
                    changes += 1
        except Exception:
            log.exception(
                "%s: recording this run failed; its findings are lost, the next run will tell", run.job.key
            )
    return ran, found, changes
