"""A domain is checked twice at once, registry data and delegation, and each reading informs the other.

The Marketo trap needs both: an auto-renewed expiry looks fine alone, and so does a changed
delegation, but together (auto-renew period + registrar parking nameservers) they mean the name is
being let go.
"""

from __future__ import annotations

import asyncio

from standby.core.errors import ProbeError
from standby.core.status import Finding
from standby.plan.model import Domain
from standby.probes.context import ProbeContext
from standby.probes.delegation import evaluate_delegation, lookup_delegation
from standby.probes.registration.evaluate import evaluate_registration
from standby.probes.registration.probe import lookup_registration
from standby.probes.registration.record import RegistrationRecord


async def _registration(name: str, ctx: ProbeContext) -> tuple[RegistrationRecord | None, str | None]:
    try:
        return await lookup_registration(name, ctx), None
    except ProbeError as exc:
        return None, str(exc)


async def check_domain(domain: Domain, ctx: ProbeContext) -> list[Finding]:
    (record, error), delegation = await asyncio.gather(
        _registration(domain.name, ctx), lookup_delegation(domain.name, ctx)
    )
    registry_ns = record.nameservers if record is not None and record.nameservers else None
    return [
        evaluate_registration(domain, record, error=error, delegation=delegation, now=ctx.clock.now()),
        evaluate_delegation(domain, delegation, registry_ns),
    ]
