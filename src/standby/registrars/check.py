"""The registrar check of one domain, run beside the registry check: find it in its account (or in
the accounts that list it), compare with the registry's answer, and judge (evaluate.py)."""

from __future__ import annotations

from standby.core.local import mark
from standby.core.status import Finding, Status
from standby.plan.model import Domain
from standby.plan.registrars import NO_ACCOUNT, RegistrarAccount
from standby.probes.context import ProbeContext
from standby.probes.domain import registry_record
from standby.registrars.accounts import find
from standby.registrars.evaluate import finding, judge


async def check_registrar(
    domain: Domain, accounts: list[RegistrarAccount], ctx: ProbeContext
) -> list[Finding]:
    if domain.registrar == NO_ACCOUNT:  # the engine makes no such check; said for completeness
        summary = f"renewal unverified: {domain.name} is at a registrar without an API (registrar: none)"
        return [finding(domain, Status.UNKNOWN, summary, {"verified": False, "unverified": True})]
    seen = await find(domain, accounts, ctx)
    base = {"checked": seen.checked, "errors": seen.errors, "verified": False}
    if seen.domain is not None and seen.account is not None:
        record = await registry_record(domain, ctx)
        status, summary, details = judge(
            domain, seen.domain, account=seen.account.id, kind=seen.account.kind, registry=record,
            now=ctx.clock.now(),
        )  # fmt: skip
        details = {**base, **details, "read_at": seen.read_at.isoformat() if seen.read_at else None}
        return [finding(domain, status, summary, details)]
    failed = "; ".join(f"{a}: {e}" for a, e in seen.errors.items())
    if domain.registrar is not None and domain.registrar not in seen.errors:
        summary = (
            f"{domain.name} is not in the registrar account {domain.registrar!r}: it may have been "
            "transferred away, moved to another account or deleted. Find it and renew it, or correct "
            "`registrar:` in the plan"
        )
        return [finding(domain, Status.CRITICAL, summary, base)]
    if seen.errors and len(seen.errors) == len(seen.checked):
        summary = f"could not read the registrar account(s) for {domain.name}: {failed}"
        if len(seen.local) == len(seen.errors):  # every account failed on Standby's side
            local = seen.local[0]
            return [finding(domain, Status.UNKNOWN, local.summary, mark(base, local, otherwise=summary))]
        return [finding(domain, Status.UNKNOWN, summary, base)]
    looked = ", ".join(seen.checked)
    summary = (
        f"renewal unverified: none of the registrar accounts ({looked}) lists {domain.name}"
        + (f" (and {failed})" if failed else "")
        + "; name its account with `registrar:`, or write `registrar: none` if its registrar has no API "
        "and confirm renewals by hand"
    )
    return [finding(domain, Status.UNKNOWN, summary, {**base, "unverified": True})]
