"""Delegation: the nameservers the parent zone itself hands out for a domain, and what they mean.

The Marketo outage showed here first: the registrar moved marketo.com's NS set at the .com servers to
its "pending renewal deletion" nameservers. Resolvers cache a delegation for up to two days, so only a
non-recursive question to the parent's own servers shows such a change as it happens.
"""

from __future__ import annotations

import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

from standby.core.local import denied, dns_words, local_cause, mark, resolver_failure
from standby.core.status import Finding, Status
from standby.plan.model import Domain
from standby.probes.context import ProbeContext
from standby.probes.delegation_result import Delegation
from standby.probes.dnsquery import Server, ServerFailure, first_answer, query, text, zone_servers
from standby.probes.parking import EXPIRY_NS_SUFFIXES, PARKING_NS_SUFFIXES, parking_nameserver


async def lookup_delegation(name: str, ctx: ProbeContext, *, port: int = 53) -> Delegation:
    """Ask the parent zone's servers for `name`'s NS and DS sets. Never raises: failures go in `.error`.

    The parent's servers are `settings.parent_servers[zone]`, or else the parent's NS set from the
    resolvers, reached on `port`.
    """
    try:
        qname = dns.name.from_text(name)
        zone, servers = await zone_servers(qname.parent(), ctx.settings.parent_servers, ctx, port)
    except dns.exception.DNSException as exc:
        parent = name.partition(".")[2]
        return Delegation(
            zone=parent,
            error=f"the resolvers could not find the {parent} zone's servers ({dns_words(exc)})",
            local=resolver_failure(exc, ctx.net.resolvers_text, parent)
            or denied(exc, ctx.net.resolvers_text, parent),
        )

    async def ask(server: Server, address: str) -> Delegation:
        response = await query(qname, dns.rdatatype.NS, address, server.port, ctx)
        if response.rcode() == dns.rcode.NXDOMAIN:
            return Delegation(zone, str(server), nxdomain=True)
        if response.rcode() != dns.rcode.NOERROR:
            raise ServerFailure(f"answered {dns.rcode.to_text(response.rcode())}")
        nameservers = _ns_set(response, qname)
        ds = await _has_ds(qname, address, server.port, ctx)
        return Delegation(zone, str(server), nameservers=nameservers, ds=ds)

    try:
        return await first_answer(servers, ctx, ask)
    except ServerFailure as exc:
        return Delegation(zone=zone, error=str(exc), local=local_cause(exc))


def _ns_set(response: dns.message.Message, qname: dns.name.Name) -> list[str]:
    """The NS set for `qname`: in AUTHORITY in a referral, in ANSWER if the server also serves the child."""
    for rrset in response.answer + response.authority:
        if rrset.rdtype == dns.rdatatype.NS and rrset.name == qname:
            return sorted({text(rdata.target) for rdata in rrset})
    referred = [text(r.name) for r in response.authority if r.rdtype == dns.rdatatype.NS]
    if referred:
        raise ServerFailure(f"referred the question to {referred[0]} (is that the parent zone?)")
    raise ServerFailure(f"has no delegation (NS records) for {text(qname)}")


async def _has_ds(qname: dns.name.Name, address: str, port: int, ctx: ProbeContext) -> bool | None:
    try:
        response = await query(qname, dns.rdatatype.DS, address, port, ctx)
    except ServerFailure:
        return None
    if response.rcode() != dns.rcode.NOERROR:
        return None
    return any(r.rdtype == dns.rdatatype.DS and r.name == qname for r in response.answer)


def _norm(names: list[str]) -> list[str]:
    return sorted({n.lower().rstrip(".") for n in names})


def _diff(actual: list[str], wanted: list[str]) -> str:
    missing = ", ".join(n for n in wanted if n not in actual)
    extra = ", ".join(n for n in actual if n not in wanted)
    return "; ".join(part for part in (missing and f"missing {missing}", extra and f"new {extra}") if part)


def _meaning(flagged: list[str]) -> str:
    """What moving to the `flagged` nameservers means, from the kind of service they belong to."""

    def under(suffixes: tuple[str, ...]) -> bool:
        return any(ns == s or ns.endswith("." + s) for ns in flagged for s in suffixes)

    if under(EXPIRY_NS_SUFFIXES):
        return (
            "the registrar's expiry nameservers: the domain is being let go; "
            "renew it and restore the nameservers"
        )
    if under(PARKING_NS_SUFFIXES):
        return "a parking service's nameservers: the domain no longer points at your servers"
    return (
        "nameservers that look like an expiry or parking service: check the registration and the delegation"
    )


def evaluate_delegation(domain: Domain, delegation: Delegation, registry_ns: list[str] | None) -> Finding:
    """The delegation verdict: what the parent says, against the plan and the registry's (RDAP/WHOIS) view."""
    name = domain.name
    actual = delegation.nameservers
    expected = _norm(domain.expected_nameservers) if domain.expected_nameservers else None
    registry = _norm(registry_ns) if registry_ns else None
    flagged = {ns: reason for ns in actual if (reason := parking_nameserver(ns))}
    parking = list(flagged.values())
    details: dict[str, object] = {
        "nameservers": actual,
        "expected_nameservers": expected,
        "registry_nameservers": registry,
        "parent_zone": delegation.zone,
        "parent_server": delegation.server,
        "ds": delegation.ds,
        "parking": parking,
    }
    listed = ", ".join(actual)
    status = Status.CRITICAL
    if delegation.local is not None:  # Standby could not ask: that says nothing about the domain
        status, summary = Status.UNKNOWN, delegation.local.summary
        unasked = f"Could not ask the {delegation.zone} zone's servers about {name}: {delegation.error}."
        details = mark(details, delegation.local, otherwise=unasked)
    elif delegation.error is not None:
        status = Status.UNKNOWN
        summary = f"Could not ask the {delegation.zone} zone's servers about {name}: {delegation.error}."
    elif delegation.nxdomain:
        summary = (
            f"The {delegation.zone} zone says {name} does not exist (NXDOMAIN from {delegation.server}): "
            "the domain is on hold or deleted and nothing under it resolves; check its registration now."
        )
    elif parking:
        summary = f"{name} is delegated to {listed} — {_meaning(list(flagged))}."
    elif expected is not None and actual != expected:
        summary = (
            f"{name} is delegated to {listed}, not the expected {', '.join(expected)} "
            f"({_diff(actual, expected)}): the nameservers were changed at the registrar; "
            "confirm the change or restore them."
        )
    elif registry is not None and actual != registry:
        summary = (
            f"The {delegation.zone} zone delegates {name} to {listed} but the registry lists "
            f"{', '.join(registry)} ({_diff(actual, registry)}): a nameserver change is under way or stuck."
        )
    else:
        status = Status.OK
        checked = "as expected" if expected is not None else "in the parent zone"
        summary = f"{name} is delegated to {listed} {checked}."
    return Finding(domain.asset_id, "domain", name, "delegation", status, summary, domain.owner, details)
