"""Asking: one recursive question to a public resolver (what it has cached, with the TTL it has left),
and one non-recursive question to the parent zone's servers (the delegation as it is now, and the TTL
every resolver may keep it for).

dnspython does the wire work; what is ours is reading a reply the way the tracker needs it: the
answer set, normalised for comparison, and the remaining TTL — of the answer, or of the negative
answer (NXDOMAIN, no data), which resolvers cache too, for the SOA's minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

from standby.core.hostport import split_host_port
from standby.plan.resolvers import PublicResolver
from standby.probes.context import ProbeContext
from standby.probes.dnsquery import Server, ServerFailure, first_answer, query, text, zone_servers

NAME_TYPES = {"NS", "CNAME", "MX", "PTR", "SRV", "SOA"}


@dataclass(frozen=True)
class Answer:
    """What one resolver said about one (name, type)."""

    kind: str  # "answer" | "nxdomain" | "nodata" | "error"
    values: tuple[str, ...] = ()  # normalised, sorted (for "answer")
    ttl: int | None = None  # seconds it may keep this (answer or negative answer)
    error: str | None = None  # why it could not be asked

    def shown(self) -> str:
        if self.kind == "answer":
            return ", ".join(self.values)
        if self.kind == "nxdomain":
            return "NXDOMAIN (does not exist)"
        if self.kind == "nodata":
            return "no such records"
        return f"could not ask: {self.error}"


def normalise(rdtype: str, value: str) -> str:
    """How answers are compared: names lower-case without the final dot, others as written."""
    value = " ".join(value.split())
    return value.lower().rstrip(".") if rdtype in NAME_TYPES else value.lower()


def _rrset(response: dns.message.Message, qname: dns.name.Name, rdtype: str) -> dns.rrset.RRset | None:
    """The answer for `qname`, following CNAMEs the resolver included."""
    wanted = dns.rdatatype.from_text(rdtype)
    name = qname
    for _ in range(8):  # a chain longer than this is a loop
        found = {(r.name, r.rdtype): r for r in response.answer}
        if (name, wanted) in found:
            return found[(name, wanted)]
        cname = found.get((name, dns.rdatatype.CNAME))
        if cname is None:
            return None
        name = next(iter(cname)).target
    return None


def _negative_ttl(response: dns.message.Message) -> int | None:
    soa = next((r for r in response.authority if r.rdtype == dns.rdatatype.SOA), None)
    if soa is None:
        return None
    minimum: int = next(iter(soa)).minimum
    return min(soa.ttl, minimum)


def read(response: dns.message.Message, qname: dns.name.Name, rdtype: str) -> Answer:
    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        return Answer("nxdomain", ttl=_negative_ttl(response))
    if rcode != dns.rcode.NOERROR:
        return Answer("error", error=f"it answered {dns.rcode.to_text(rcode)}")
    rrset = _rrset(response, qname, rdtype)
    if rrset is None:
        return Answer("nodata", ttl=_negative_ttl(response))
    values = tuple(sorted({normalise(rdtype, r.to_text()) for r in rrset}))
    return Answer("answer", values, rrset.ttl)


async def ask(resolver: PublicResolver, name: str, rdtype: str, ctx: ProbeContext) -> Answer:
    """One recursive question to `resolver`, over UDP (TCP when truncated). Never raises."""
    address, port = split_host_port(resolver.address, 53)
    qname = dns.name.from_text(name)
    message = dns.message.make_query(qname, rdtype)
    message.flags |= dns.flags.RD
    try:
        async with ctx.net.slot(f"{address}:{port}"):
            response, _ = await dns.asyncquery.udp_with_fallback(
                message, address, timeout=ctx.net.timeout, port=port
            )
    except dns.exception.Timeout:
        return Answer("error", error=f"no answer within {ctx.net.timeout:g}s")
    except (dns.exception.DNSException, OSError, EOFError) as exc:
        return Answer("error", error=str(exc) or type(exc).__name__)
    return read(response, qname, rdtype)


@dataclass(frozen=True)
class ParentView:
    zone: str  # "com"
    nameservers: tuple[str, ...]  # the delegation the parent hands out now
    ttl: int | None  # how long a resolver may keep it
    error: str | None = None


async def parent_delegation(name: str, ctx: ProbeContext, *, port: int = 53) -> ParentView:
    """The parent zone's delegation of `name` and its TTL (172800 s for .com). Never raises."""
    qname = dns.name.from_text(name)
    try:
        zone, servers = await zone_servers(qname.parent(), ctx.settings.parent_servers, ctx, port)
    except dns.exception.DNSException as exc:
        return ParentView(
            name.partition(".")[2], (), None, f"could not find the parent zone's servers ({exc})"
        )

    async def ask_parent(server: Server, address: str) -> ParentView:
        response = await query(qname, dns.rdatatype.NS, address, server.port, ctx)
        if response.rcode() == dns.rcode.NXDOMAIN:
            return ParentView(zone, (), _negative_ttl(response), f"the {zone} zone says it does not exist")
        for rrset in response.answer + response.authority:
            if rrset.rdtype == dns.rdatatype.NS and rrset.name == qname:
                return ParentView(zone, tuple(sorted(text(r.target) for r in rrset)), rrset.ttl)
        raise ServerFailure(f"has no delegation for {text(qname)}")

    try:
        return await first_answer(servers, ctx, ask_parent)
    except ServerFailure as exc:
        return ParentView(zone, (), None, str(exc))
