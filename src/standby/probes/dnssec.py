"""DNSSEC: are the signatures on a record and on its zone's keys valid now, and for how much longer?

When RRSIGs expire (the re-signing job stopped: dnsops.gov 2018, .mm 2016, .zm 2015) every validating
resolver answers SERVFAIL while the authoritative servers still answer happily. So we ask those
servers directly with the DO bit and check the signatures ourselves, against the injected clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import dns.dnssec
import dns.exception
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.RRSIG import RRSIG

from standby.core.expiry import iso
from standby.core.local import denied, dns_words, local_cause, mark, resolver_failure
from standby.core.status import Finding, Status
from standby.plan.model import DnsCheck
from standby.probes.context import ProbeContext
from standby.probes.dnsquery import Server, ServerFailure, first_answer, query, text, zone_servers

WARN_WITHIN = timedelta(days=3)  # a healthy signer refreshes signatures well before this


@dataclass
class _Signed:
    rrset: dns.rrset.RRset
    sigs: list[RRSIG]

    @property
    def label(self) -> str:
        return f"{text(self.rrset.name)} {dns.rdatatype.to_text(self.rrset.rdtype)}"


def _signed(section: list[dns.rrset.RRset], rrset: dns.rrset.RRset) -> _Signed:
    sigs = [
        sig
        for r in section
        if r.rdtype == dns.rdatatype.RRSIG and r.name == rrset.name and r.covers == rrset.rdtype
        for sig in r
    ]
    return _Signed(rrset, sigs)


def _when(timestamp: int) -> str:
    return iso(datetime.fromtimestamp(timestamp, UTC))


def _judge(item: _Signed, keys: dns.rrset.RRset, now: float) -> tuple[str | None, list[RRSIG]]:
    """What is wrong with `item`'s signatures (None if one validates), and the ones that validate."""
    if not item.sigs:
        return "has no signature (RRSIG)", []
    published = {dns.dnssec.key_id(k) for k in keys}
    reasons: list[str] = []
    valid: list[RRSIG] = []
    for sig in item.sigs:
        if sig.expiration < now:
            reasons.append(f"its signature by key {sig.key_tag} expired on {_when(sig.expiration)}")
        elif sig.inception > now:
            reasons.append(f"its signature by key {sig.key_tag} is not valid until {_when(sig.inception)}")
        elif sig.key_tag not in published:
            reasons.append(f"it is signed by key {sig.key_tag}, which the zone does not publish (bogus)")
        else:
            one = dns.rrset.RRset(item.rrset.name, dns.rdataclass.IN, dns.rdatatype.RRSIG, item.rrset.rdtype)
            one.add(sig)
            try:
                dns.dnssec.validate(item.rrset, one, {keys.name: keys}, now=now)
                valid.append(sig)
            except dns.exception.DNSException:
                reasons.append(f"its signature by key {sig.key_tag} does not verify (bogus)")
    return (None if valid else "; ".join(reasons)), valid


def _in(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"in {hours} hours" if hours < 48 else f"in {hours // 24} days"


async def check_dnssec(check: DnsCheck, ctx: ProbeContext, *, port: int = 53) -> Finding:
    """Ask one of the zone's authoritative servers (the plan's, or the NS set on `port`) for the record and
    the zone's DNSKEY set with the DO bit, and validate both as of `ctx.clock.now()`."""
    what = f"{check.name} {check.type}"
    details: dict[str, object] = {
        "zone": None,
        "server": None,
        "key_tags": [],
        "signatures": [],
        "problems": [],
        "earliest_expiration": None,
    }

    def finding(status: Status, summary: str) -> Finding:
        return Finding(check.asset_id, "dns", check.name, "dnssec", status, summary, check.owner, details)

    try:
        qname = dns.name.from_text(check.name)
        zone, servers = await zone_servers(qname, ctx.settings.authoritative_servers, ctx, port)
    except dns.exception.DNSException as exc:
        unfound = f"Could not find the authoritative servers of {check.name}: {dns_words(exc)}."
        resolvers = ctx.net.resolvers_text
        if (
            local := resolver_failure(exc, resolvers, check.name) or denied(exc, resolvers, check.name)
        ) is not None:
            details.update(mark({}, local, otherwise=unfound))
            return finding(Status.UNKNOWN, local.summary)
        return finding(Status.UNKNOWN, unfound)
    details["zone"] = zone
    apex = dns.name.from_text(zone)

    async def fetch(server: Server, address: str) -> tuple[str, list[_Signed], _Signed | None]:
        record = await query(
            qname, dns.rdatatype.from_text(check.type), address, server.port, ctx, dnssec=True
        )
        keys = await query(apex, dns.rdatatype.DNSKEY, address, server.port, ctx, dnssec=True)
        for response in (record, keys):
            if response.rcode() not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
                raise ServerFailure(f"answered {dns.rcode.to_text(response.rcode())}")
        records = [_signed(record.answer, r) for r in record.answer if r.rdtype != dns.rdatatype.RRSIG]
        dnskeys = [_signed(keys.answer, r) for r in keys.answer if r.rdtype == dns.rdatatype.DNSKEY]
        return str(server), records, (dnskeys[0] if dnskeys else None)

    try:
        server, records, dnskey = await first_answer(servers, ctx, fetch)
    except ServerFailure as exc:
        unasked = f"Could not ask the {zone} zone's servers for signatures: {exc}."
        if (local := local_cause(exc)) is not None:
            details.update(mark({}, local, otherwise=unasked))
            return finding(Status.UNKNOWN, local.summary)
        return finding(Status.UNKNOWN, unasked)
    details["server"] = server
    status, summary = _evaluate(what, zone, server, dnskey, records, ctx.clock.now(), details)
    return finding(status, summary)


def _evaluate(
    what: str,
    zone: str,
    server: str,
    dnskey: _Signed | None,
    records: list[_Signed],
    now: datetime,
    details: dict[str, object],
) -> tuple[Status, str]:
    """The verdict on what the server sent; fills in `details` as it goes."""
    if dnskey is None:
        return (
            Status.CRITICAL,
            f"The {zone} zone has no DNSKEY at {server}: it is not signed, so nothing protects {what}.",
        )
    details["key_tags"] = sorted(dns.dnssec.key_id(k) for k in dnskey.rrset)
    signed = [dnskey, *records]
    details["signatures"] = [
        {
            "rrset": item.label,
            "key_tag": s.key_tag,
            "inception": _when(s.inception),
            "expiration": _when(s.expiration),
        }
        for item in signed
        for s in item.sigs
    ]
    problems: list[str] = []
    expiries: list[tuple[int, str]] = []  # per RRset: when its last valid signature runs out
    for item in signed:
        problem, valid = _judge(item, dnskey.rrset, now.timestamp())
        if problem is not None:
            problems.append(f"{item.label}: {problem}")
        else:
            expiries.append((max(s.expiration for s in valid), item.label))
    details["problems"] = problems
    if problems:
        return Status.CRITICAL, (
            f"DNSSEC for {what} is broken at {server} — {'; '.join(problems)}: validating resolvers "
            "answer SERVFAIL for it; re-sign the zone or fix its keys."
        )
    first, label = min(expiries)
    details["earliest_expiration"] = _when(first)
    left = datetime.fromtimestamp(first, UTC) - now
    if left <= WARN_WITHIN:
        return Status.WARNING, (
            f"The DNSSEC signature on {label} expires on {_when(first)} ({_in(left)}): re-signing seems "
            "stuck; once it lapses, validating resolvers answer SERVFAIL."
        )
    checked = f"{what} and the {zone} keys" if records else f"the {zone} keys ({what} has no records)"
    return (
        Status.OK,
        f"DNSSEC signatures on {checked} validate at {server}; the first expires on {_when(first)}.",
    )
