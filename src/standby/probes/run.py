"""Run every probe a plan asks for, concurrently; `standby check` and the engine share this."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from standby.core.local import local_cause, mark
from standby.core.status import Finding, Status
from standby.plan.model import Plan
from standby.probes.context import ProbeContext
from standby.probes.correlate import correlate
from standby.probes.dns import check_dns
from standby.probes.domain import check_domain
from standby.probes.http import check_endpoint
from standby.probes.tls import check_certificate, check_endpoint_certificate
from standby.probes.vendor import check_vendor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    asset: str
    kind: str
    probe: str  # domain | certificate | dns | http | vendor: what `run` does
    target: str
    owner: str | None
    run: Callable[[ProbeContext], Awaitable[list[Finding]]]
    interval: timedelta | None = None  # how often `standby serve` runs it; None: the kind's default

    @property
    def key(self) -> str:
        """Unique per plan: an https endpoint has two jobs (its page and its certificate)."""
        return f"{self.asset}/{self.probe}"


def jobs_for(plan: Plan, only: set[str] | None = None) -> list[Job]:
    """One job per probe target in the plan, optionally only of the given kinds."""
    out: list[Job] = []
    for d in plan.domains:
        out.append(Job(d.asset_id, "domain", "domain", d.name, d.owner, partial(check_domain, d)))
    for c in plan.certificates:
        run = partial(check_certificate, c)
        out.append(Job(c.asset_id, "certificate", "certificate", c.target, c.owner, run))
    for r in plan.dns:
        out.append(Job(r.asset_id, "dns", "dns", r.name, r.owner, partial(check_dns, r)))
    for e in plan.endpoints:
        url = str(e.url)
        out.append(Job(e.asset_id, "endpoint", "http", url, e.owner, partial(check_endpoint, e)))
        if e.url.scheme == "https":
            run = partial(check_endpoint_certificate, e)
            out.append(Job(e.asset_id, "endpoint", "certificate", url, e.owner, run))
    for v in plan.vendors:
        out.append(Job(v.asset_id, "vendor", "vendor", v.id, v.owner, partial(check_vendor, v)))
    return [j for j in out if only is None or j.kind in only]


async def run_job(job: Job, ctx: ProbeContext) -> list[Finding]:
    """Run one job; a probe that breaks its promise not to raise becomes an `unknown` finding."""
    try:
        return await job.run(ctx)
    except Exception as exc:
        if (local := local_cause(exc)) is not None:  # Standby's own failure, not a bug in the probe
            details = mark({}, local, otherwise=f"Could not check {job.target}: {local.otherwise}")
            return [
                Finding(
                    job.asset,
                    job.kind,
                    job.target,
                    "probe",
                    Status.UNKNOWN,
                    local.summary,
                    job.owner,
                    details,
                )
            ]
        log.exception("probe for %s failed", job.asset)
        summary = (
            f"Standby could not check {job.target}: internal error "
            f"({type(exc).__name__}: {exc}); please report it"
        )
        return [Finding(job.asset, job.kind, job.target, "probe", Status.UNKNOWN, summary, job.owner)]


async def run_all(
    jobs: list[Job], ctx: ProbeContext, on_done: Callable[[Job, list[Finding]], None] | None = None
) -> list[Finding]:
    """Run `jobs` concurrently (the network layer bounds how many talk at once) and correlate findings."""

    async def one(job: Job) -> list[Finding]:
        found = await run_job(job, ctx)
        if on_done is not None:
            on_done(job, found)
        return found

    results = await asyncio.gather(*(one(j) for j in jobs))
    return correlate([f for found in results for f in found])
