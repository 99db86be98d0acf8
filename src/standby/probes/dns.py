"""DNS records: does a name resolve, through the plan's resolvers, to exactly what the plan expects?

Values are compared as DNS data, not as text, so what people write matches what servers send:
`MX.Host.` equals `mx.host`, `2001:db8::1` equals `2001:0db8::0001`, a TXT value may be written with
or without quotes (long TXT values arrive split in 255-byte strings and are compared joined).
"""

from __future__ import annotations

import asyncio

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver
from dns.rdtypes.ANY.TXT import TXT

from standby.core.local import LocalError, denied, dns_words, mark, resolver_failure
from standby.core.status import Finding, Status
from standby.plan.model import DnsCheck
from standby.probes.context import ProbeContext
from standby.probes.dnssec import check_dnssec


def parse_value(rdtype: str, value: str) -> dns.rdata.Rdata:
    """A value as written in the plan; raises ValueError saying why it is not a valid `rdtype` record."""
    if rdtype == "TXT" and not value.lstrip().startswith('"'):
        raw = value.encode()  # unquoted: the whole text, spaces included, is the value
        return TXT(dns.rdataclass.IN, dns.rdatatype.TXT, [raw[i : i + 255] for i in range(0, len(raw), 255)])
    try:
        return dns.rdata.from_text(dns.rdataclass.IN, rdtype, value, dns.name.root, relativize=False)
    except dns.exception.DNSException as exc:
        raise ValueError(f"{value!r} is not a valid {rdtype} value ({exc})") from None


def _key(rdata: dns.rdata.Rdata) -> bytes:
    if isinstance(rdata, TXT):
        return b"".join(rdata.strings)
    return rdata.to_digestable(dns.name.root)  # canonical form: names lower-cased


def show(rdata: dns.rdata.Rdata) -> str:
    """A record's value the way people write it: no trailing dots, TXT strings joined, unquoted."""
    if isinstance(rdata, TXT):
        return b"".join(rdata.strings).decode(errors="replace")
    return rdata.to_text(origin=dns.name.root, relativize=True)


async def check_dns(check: DnsCheck, ctx: ProbeContext, *, port: int = 53) -> list[Finding]:
    """The record finding, and with `dnssec: true` the signature finding (authoritative servers on `port`
    when they are found through the resolvers rather than `settings.authoritative_servers`)."""
    if not check.dnssec:
        return [await _check_records(check, ctx)]
    records, signatures = await asyncio.gather(
        _check_records(check, ctx), check_dnssec(check, ctx, port=port)
    )
    return [records, signatures]


def _finding(
    check: DnsCheck,
    status: Status,
    summary: str,
    expected: list[str] | None,
    answers: list[str],
    ttl: int | None,
    *,
    local: LocalError | None = None,
    otherwise: tuple[Status, str] | None = None,
) -> Finding:
    details: dict[str, object] = {"answers": answers, "expected": expected, "ttl": ttl}
    if local is not None and otherwise is not None:
        details = mark(details, local, otherwise=otherwise[1], status=otherwise[0].value)
    return Finding(check.asset_id, "dns", check.name, "dns", status, summary, check.owner, details)


async def _check_records(check: DnsCheck, ctx: ProbeContext) -> Finding:
    what = f"{check.name} {check.type}"
    try:
        expected = None if check.expect is None else [parse_value(check.type, v) for v in check.expect]
    except ValueError as exc:
        summary = f"The plan's expected value for {what} is wrong: {exc}; fix the plan."
        return _finding(check, Status.UNKNOWN, summary, check.expect, [], None)
    shown = None if expected is None else sorted(show(r) for r in expected)
    wanted = f"; expected {', '.join(shown)}" if shown else ""

    try:
        answer = await ctx.net.resolver.resolve(check.name, check.type)
    except dns.exception.DNSException as exc:
        status, summary = _failed(exc, check, wanted, ctx.net.timeout)
        resolvers = ctx.net.resolvers_text
        if (local := resolver_failure(exc, resolvers, check.name)) is not None:
            status, summary = Status.UNKNOWN, f"No resolver answered for {what} within {ctx.net.timeout:g}s."
        else:  # a denial is the name's end (a deleted domain), unless the resolvers deny every name
            local = denied(exc, resolvers, check.name, summary)
        if local is None:
            return _finding(check, status, summary, shown, [], None)
        return _finding(
            check, Status.UNKNOWN, local.summary, shown, [], None, local=local, otherwise=(status, summary)
        )
    return _compare(check, answer, expected, shown)


def _failed(
    exc: dns.exception.DNSException, check: DnsCheck, wanted: str, timeout: float
) -> tuple[Status, str]:
    """Why the lookup failed, when the resolvers did answer: about the name, not about Standby."""
    what = f"{check.name} {check.type}"
    if isinstance(exc, dns.resolver.NXDOMAIN):
        return (
            Status.CRITICAL,
            f"{check.name} does not exist (NXDOMAIN): nothing that uses it can reach it{wanted}.",
        )
    if isinstance(exc, dns.resolver.NoAnswer):
        return Status.CRITICAL, f"{check.name} exists but has no {check.type} record{wanted}."
    if isinstance(exc, dns.resolver.LifetimeTimeout):
        return Status.UNKNOWN, f"No resolver answered for {what} within {timeout:g}s."
    return Status.UNKNOWN, f"Could not look up {what}: {dns_words(exc)}."


def _compare(
    check: DnsCheck,
    answer: dns.resolver.Answer,
    expected: list[dns.rdata.Rdata] | None,
    shown: list[str] | None,
) -> Finding:
    what = f"{check.name} {check.type}"
    rrset = answer.rrset
    assert rrset is not None  # resolve() raises NoAnswer otherwise
    answers = sorted(show(r) for r in rrset)
    got = ", ".join(answers)
    if expected is None or shown is None:
        return _finding(check, Status.OK, f"{what} resolves to {got}.", shown, answers, rrset.ttl)
    have, want = {_key(r) for r in rrset}, {_key(r) for r in expected}
    if have == want:
        return _finding(check, Status.OK, f"{what} is {got}, as expected.", shown, answers, rrset.ttl)
    missing = ", ".join(sorted(show(r) for r in expected if _key(r) not in have))
    extra = ", ".join(sorted(show(r) for r in rrset if _key(r) not in want))
    diff = "; ".join(
        part for part in (missing and f"missing {missing}", extra and f"unexpected {extra}") if part
    )
    summary = (
        f"{what} is {got}, not the expected {', '.join(shown)} ({diff}): "
        "the record was changed or the name is served from elsewhere."
    )
    return _finding(check, Status.CRITICAL, summary, shown, answers, rrset.ttl)
