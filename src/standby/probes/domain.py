"""A domain is checked twice at once, registry data and delegation, and each reading informs the other.

The Marketo trap needs both: an auto-renewed expiry looks fine alone, and so does a changed
delegation, but together (auto-renew period + registrar parking nameservers) they mean the name is
being let go.

The engine runs this hourly for the delegation, but registries rate-limit and expiry dates move
slowly, so the registration answer is reused through `ctx.memo`: for a day, for 6 hours once the
expiry is inside `warn_within`, and not at all when the answer was doubtful (rate-limited, not found,
no date) or when the delegation no longer matches the nameservers the registry gave.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

from standby.core.errors import ProbeError
from standby.core.local import LocalError, local_cause, mark
from standby.core.status import Finding, Status
from standby.plan.model import Domain
from standby.probes.context import ProbeContext
from standby.probes.delegation import evaluate_delegation, lookup_delegation
from standby.probes.delegation_result import Delegation
from standby.probes.registration.evaluate import evaluate_registration
from standby.probes.registration.lookup import lookup_registration
from standby.probes.registration.record import RegistrationRecord

REUSE = timedelta(days=1)
REUSE_NEAR_EXPIRY = timedelta(hours=6)
_NOW = timedelta(0)  # a memo TTL that forces a fresh lookup

# record, error, fetched just now, and whether the error was Standby's own (core/local.py)
Lookup = tuple[RegistrationRecord | None, str | None, bool, LocalError | None]


def reuse_for(domain: Domain, record: RegistrationRecord, now: datetime) -> timedelta:
    """How long a registration answer may stand in for a fresh lookup."""
    dates = [d for d in (record.expires_at, record.registrar_expires_at) if d is not None]
    if record.not_found or record.rate_limited or not dates:
        return _NOW
    return REUSE_NEAR_EXPIRY if min(dates) - now <= domain.warn_within else REUSE


async def _registration(domain: Domain, ctx: ProbeContext, *, refresh: bool = False) -> Lookup:
    fresh = False

    async def fetch() -> tuple[datetime, RegistrationRecord]:
        nonlocal fresh
        fresh = True
        return ctx.clock.now(), await lookup_registration(domain.name, ctx)

    key = f"registration:{domain.name}"
    try:
        fetched_at, record = await ctx.memo(key, _NOW if refresh else REUSE, fetch)
        if not fresh and ctx.clock.now() - fetched_at >= reuse_for(domain, record, ctx.clock.now()):
            fetched_at, record = await ctx.memo(key, _NOW, fetch)
    except ProbeError as exc:
        return None, str(exc), fresh, local_cause(exc)
    return record, None, fresh, None


async def registry_record(domain: Domain, ctx: ProbeContext) -> RegistrationRecord | None:
    """The registry's answer the domain check holds (or a fresh one), for checks that compare with it."""
    record, _, _, _ = await _registration(domain, ctx)
    return record


def _moved(record: RegistrationRecord | None, delegation: Delegation) -> bool:
    """The parent zone no longer delegates to what the (possibly old) registry answer said."""
    if record is None or delegation.error is not None:
        return False
    return delegation.nxdomain or bool(
        record.nameservers and set(delegation.nameservers) != set(record.nameservers)
    )


async def check_domain(domain: Domain, ctx: ProbeContext) -> list[Finding]:
    (record, error, fresh, local), delegation = await asyncio.gather(
        _registration(domain, ctx), lookup_delegation(domain.name, ctx)
    )
    if not fresh and _moved(record, delegation):
        record, error, _, local = await _registration(domain, ctx, refresh=True)
    registry_ns = record.nameservers if record is not None and record.nameservers else None
    registration = evaluate_registration(
        domain, record, error=error, delegation=delegation, now=ctx.clock.now()
    )
    if local is not None:  # the registry could not be asked because of Standby itself
        details = mark(registration.details, local, otherwise=registration.summary,
                       status=registration.status.value)  # fmt: skip
        registration = replace(registration, status=Status.UNKNOWN, summary=local.summary, details=details)
    return [registration, evaluate_delegation(domain, delegation, registry_ns)]
