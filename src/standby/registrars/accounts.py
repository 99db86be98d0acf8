"""Reading accounts within the registrars' limits: each account's listing once a day (shared by all
its domains' checks through `ctx.memo`), and one domain's own record hourly around its expiry, when
its account no longer lists it, or when only the detail carries its status (Route 53).

A failure is remembered for an hour, so a refused key is not retried by every domain's check.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from standby.core.local import LocalError, local_cause
from standby.plan.model import Domain
from standby.plan.registrars import NO_ACCOUNT, RegistrarAccount
from standby.probes.context import ProbeContext
from standby.registrars.api import Pacer
from standby.registrars.kinds import KINDS, Client
from standby.registrars.record import AccountDomain, RegistrarError

LIST_EVERY = timedelta(days=1)  # the daily schedule
AROUND_EXPIRY = timedelta(days=3)  # from this long before the registrar's expiry, and any time after it
FRESH = timedelta(hours=1)  # one domain's record, read directly, when it matters
RETRY_FAILED = timedelta(hours=1)
_FOREVER = timedelta(days=3650)
_NOW = timedelta(0)


@dataclass(frozen=True)
class Read:
    at: datetime
    domains: dict[str, AccountDomain] | None = None  # by name; one entry for a single domain's read
    error: RegistrarError | None = None


@dataclass
class Seen:
    """Where a domain was found and what its account says; or which accounts did not list it."""

    domain: AccountDomain | None = None
    account: RegistrarAccount | None = None
    checked: list[str] = field(default_factory=list)  # account ids looked in
    errors: dict[str, str] = field(default_factory=dict)  # account id -> what went wrong
    read_at: datetime | None = None
    local: list[LocalError] = field(default_factory=list)  # errors that were Standby's own (core/local.py)


def accounts_for(domain: Domain, accounts: list[RegistrarAccount]) -> list[RegistrarAccount]:
    """The account a domain names, or every account to match it against; none for `registrar: none`."""
    if domain.registrar == NO_ACCOUNT:
        return []
    if domain.registrar is not None:
        return [a for a in accounts if a.id == domain.registrar]
    return list(accounts)


async def client(account: RegistrarAccount, ctx: ProbeContext) -> Client:
    kind = KINDS[account.kind]

    async def make() -> Pacer:
        return Pacer(kind.interval, ctx.clock)

    pacer: Pacer = await ctx.memo(f"registrar-pacer:{_key(account)}", _FOREVER, make)
    return kind(account, ctx, pacer)


def _key(account: RegistrarAccount) -> str:
    return f"{account.id}:{hash(account)}"  # a reload with new credentials starts afresh


Work = Callable[[], Awaitable[dict[str, AccountDomain]]]


async def _memo_read(key: str, reuse: timedelta, ctx: ProbeContext, work: Work) -> Read:
    async def run() -> Read:
        try:
            found = await work()
        except RegistrarError as exc:
            return Read(ctx.clock.now(), error=exc)
        return Read(ctx.clock.now(), domains=found)

    read: Read = await ctx.memo(key, reuse, run)
    if read.error is not None and ctx.clock.now() - read.at >= RETRY_FAILED:
        read = await ctx.memo(key, _NOW, run)
    return read


async def listing(account: RegistrarAccount, ctx: ProbeContext) -> Read:
    async def work() -> dict[str, AccountDomain]:
        api = await client(account, ctx)  # only when the registrar is asked (a boto3 client is not free)
        return {d.name: d for d in await api.list()}

    return await _memo_read(f"registrar-list:{_key(account)}", LIST_EVERY, ctx, work)


async def single(account: RegistrarAccount, name: str, ctx: ProbeContext, reuse: timedelta) -> Read:
    async def work() -> dict[str, AccountDomain]:
        found = await (await client(account, ctx)).get(name)
        return {found.name: found} if found is not None else {}

    return await _memo_read(f"registrar-get:{_key(account)}:{name}", reuse, ctx, work)


def _near_expiry(found: AccountDomain, now: datetime) -> bool:
    return found.expires_at is None or found.expires_at - now <= AROUND_EXPIRY


def _merge(listed: AccountDomain, detail: AccountDomain) -> AccountDomain:
    """The direct read is fresher; the listing fills what it leaves out."""
    return replace(
        detail,
        auto_renew=listed.auto_renew if detail.auto_renew is None else detail.auto_renew,
        transfer_lock=listed.transfer_lock if detail.transfer_lock is None else detail.transfer_lock,
        expires_at=detail.expires_at or listed.expires_at,
    )


async def find(domain: Domain, accounts: list[RegistrarAccount], ctx: ProbeContext) -> Seen:
    seen = Seen()
    now = ctx.clock.now()
    for account in accounts_for(domain, accounts):
        seen.checked.append(account.id)
        read = await listing(account, ctx)
        if read.error is not None:
            seen.errors[account.id] = str(read.error)
            seen.local += [found] if (found := local_cause(read.error)) else []
            continue
        assert read.domains is not None
        listed = read.domains.get(domain.name)
        named = domain.registrar == account.id
        needs_detail = account.kind == "route53"  # only GetDomainDetail carries the status list
        if listed is None and not named:
            continue
        if listed is None or _near_expiry(listed, now) or needs_detail:
            reuse = FRESH if listed is None or _near_expiry(listed, now) else LIST_EVERY
            direct = await single(account, domain.name, ctx, reuse)
            if direct.error is not None:
                seen.errors[account.id] = str(direct.error)
                seen.local += [found] if (found := local_cause(direct.error)) else []
                if listed is None:
                    continue
            elif direct.domains is not None:
                detail = direct.domains.get(domain.name)
                listed = _merge(listed, detail) if listed and detail else detail
                read = direct if detail is not None else read
        if listed is not None:
            seen.domain, seen.account, seen.read_at = listed, account, read.at
            return seen
        seen.read_at = read.at
    return seen
