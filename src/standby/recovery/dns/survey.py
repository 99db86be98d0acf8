"""One pass of the tracker: ask every public resolver (all at once, each within the timeout) and the
parent zone, and judge the answers. The CLI, the engine's tracking and the tests share it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from standby.core.errors import StandbyError
from standby.plan.model import Plan
from standby.plan.resolvers import PublicResolver
from standby.probes.context import ProbeContext
from standby.recovery.dns.ask import Answer, ParentView, ask, parent_delegation
from standby.recovery.dns.resolvers import resolvers_for
from standby.recovery.dns.view import Expectation, Recovery, judge


def expectation_for(plan: Plan, domain: str, parent: ParentView) -> Expectation:
    """The right delegation when none is given: the plan's expected nameservers, else what the parent
    zone hands out now (after a fix, that is the fix)."""
    planned = next((d for d in plan.domains if d.name == domain), None)
    if planned is not None and planned.expected_nameservers:
        return Expectation.of({"NS": planned.expected_nameservers})
    if parent.nameservers:
        return Expectation.of({"NS": parent.nameservers})
    raise StandbyError(
        f"cannot tell what the right answer for {domain} is: {parent.error or 'the parent gave none'}; "
        "give it with --expect NS=ns1.example.net,ns2.example.net"
    )


async def survey(
    domain: str,
    *,
    plan: Plan,
    ctx: ProbeContext,
    expected: Expectation | None = None,
    fixed_at: datetime | None = None,
    resolvers: tuple[PublicResolver, ...] | None = None,
) -> Recovery:
    domain = domain.strip().rstrip(".").lower()
    parent = await parent_delegation(domain, ctx)
    expected = expected or expectation_for(plan, domain, parent)
    chosen = resolvers if resolvers is not None else resolvers_for(plan.settings)
    types = [t for t, _ in expected.records]

    async def one(resolver: PublicResolver) -> tuple[PublicResolver, dict[str, Answer]]:
        found = await asyncio.gather(*(ask(resolver, domain, t, ctx) for t in types))
        return resolver, dict(zip(types, found, strict=True))

    answers = await asyncio.gather(*(one(r) for r in chosen))
    return judge(domain, expected, answers, parent=parent, fixed_at=fixed_at, now=ctx.clock.now())
