"""One run of a job: started at its slot, cut off at its limit, and always some findings — the probe's,
or an `unknown` one saying why there are none. Runs happen in the engine's process or in its probe
processes (engine/pool.py); both go through `run_at`."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace
from datetime import datetime, timedelta

from standby.core.clock import Clock
from standby.core.status import Finding, Status
from standby.core.timetext import format_duration
from standby.probes.context import ProbeContext
from standby.probes.run import Job, run_job

log = logging.getLogger("standby.engine")
Ran = tuple[datetime, list[Finding]]  # when the run started, what it found


async def timed(job: Job, ctx: ProbeContext, limit: timedelta) -> list[Finding]:
    """Run `job` within `limit`; each finding's details get the run's `duration_ms` (for /metrics)."""
    began = time.perf_counter()
    async with asyncio.timeout(limit.total_seconds()):  # not wait_for: on 3.11 a task more per run
        findings = await run_job(job, ctx)
    took = round((time.perf_counter() - began) * 1000)
    return [replace(f, details={**f.details, "duration_ms": took}) for f in findings]


def unknown(job: Job, summary: str) -> list[Finding]:
    """Standby's own failure to check `job`: never someone else's status."""
    return [Finding(job.asset, job.kind, job.target, "probe", Status.UNKNOWN, summary, job.owner)]


def cut_off(job: Job, limit: timedelta) -> list[Finding]:
    return unknown(
        job,
        f"checking {job.target} took longer than {format_duration(limit)} and was cut off; "
        "it will be tried again at the next interval",
    )


async def run_at(job: Job, ctx: ProbeContext, *, due: datetime, limit: timedelta, clock: Clock) -> Ran:
    """Wait for `due` (a claim made ahead of its slot), then run `job` within `limit`."""
    wait = (due - clock.now()).total_seconds()
    if wait > 0:
        await asyncio.sleep(wait)  # the real time: a claim ahead is only ever made on the real clock
    started = clock.now()
    try:
        return started, await timed(job, ctx, limit)
    except TimeoutError:
        return started, cut_off(job, limit)
    except Exception as error:  # run_job turns probe errors into findings: this is a bug in Standby
        log.error("run of %s failed", job.key, exc_info=error)
        why = type(error).__name__
        return started, unknown(
            job, f"Standby could not check {job.target}: internal error ({why}); please report it"
        )
