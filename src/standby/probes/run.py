"""Run every probe a plan asks for, concurrently; `standby check` and the engine share this."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
    target: str
    owner: str | None
    run: Callable[[ProbeContext], Awaitable[list[Finding]]]


def jobs_for(plan: Plan, only: set[str] | None = None) -> list[Job]:
    """One job per probe target in the plan, optionally only of the given kinds."""
    out: list[Job] = []
    for d in plan.domains:
        out.append(Job(f"domain:{d.name}", "domain", d.name, d.owner, lambda ctx, d=d: check_domain(d, ctx)))
    for c in plan.certificates:
        target = f"{c.host}:{c.port}"
        out.append(
            Job(
                f"certificate:{target}",
                "certificate",
                target,
                c.owner,
                lambda ctx, c=c: check_certificate(c, ctx),
            )
        )
    for r in plan.dns:
        out.append(Job(f"dns:{r.name}/{r.type}", "dns", r.name, r.owner, lambda ctx, r=r: check_dns(r, ctx)))
    for e in plan.endpoints:
        out.append(
            Job(f"endpoint:{e.id}", "endpoint", str(e.url), e.owner, lambda ctx, e=e: check_endpoint(e, ctx))
        )
        if e.url.scheme == "https":
            out.append(
                Job(
                    f"endpoint:{e.id}",
                    "endpoint",
                    str(e.url),
                    e.owner,
                    lambda ctx, e=e: check_endpoint_certificate(e, ctx),
                )
            )
    for v in plan.vendors:
        out.append(Job(f"vendor:{v.id}", "vendor", v.id, v.owner, lambda ctx, v=v: check_vendor(v, ctx)))
    return [j for j in out if only is None or j.kind in only]


async def run_job(job: Job, ctx: ProbeContext) -> list[Finding]:
    """Run one job; a probe that breaks its promise not to raise becomes an `unknown` finding."""
    try:
        return await job.run(ctx)
    except Exception as exc:
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
