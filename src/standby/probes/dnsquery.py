"""Asking a zone's own servers directly: finding them, and one non-recursive query with TCP fallback.

Delegation (the parent's servers) and DNSSEC (the zone's authoritative servers) both need this: a
recursive resolver only shows what it has cached, for up to the TTL (two days for a .com delegation).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import dns.asyncquery
import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.rdatatype

from standby.core.hostport import split_host_port
from standby.core.local import LocalError, local_cause
from standby.core.net import ResolveError
from standby.probes.context import ProbeContext

T = TypeVar("T")


class ServerFailure(Exception):
    """One server could not give a usable answer; the caller tries the next."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def text(name: dns.name.Name) -> str:
    """A name as Standby writes it: lower-case, no trailing dot."""
    return name.to_text(omit_final_dot=True).lower()


async def zone_servers(
    start: dns.name.Name, configured: Mapping[str, Sequence[str]], ctx: ProbeContext, port: int
) -> tuple[str, list[Server]]:
    """The zone holding `start` and its servers: from `configured` (the plan's per-zone servers, nearest
    zone at or above `start`) or else the zone and NS set the resolvers report, on `port`.

    Raises dns.exception.DNSException when the resolvers cannot say.
    """
    table = {key.lower().rstrip("."): servers for key, servers in configured.items()}
    name = start
    while name != dns.name.root:
        servers = table.get(text(name))
        if servers:
            return text(name), [Server(*split_host_port(s, 53)) for s in servers]
        name = name.parent()
    zone = await dns.asyncresolver.zone_for_name(start, resolver=ctx.net.resolver)
    answer = await ctx.net.resolver.resolve(zone, dns.rdatatype.NS)
    hosts = sorted({text(rdata.target) for rdata in answer})
    return text(zone), [Server(host, port) for host in hosts]


async def first_answer(
    servers: Sequence[Server], ctx: ProbeContext, ask: Callable[[Server, str], Awaitable[T]]
) -> T:
    """`ask(server, address)` of each server's addresses in turn until one answers.

    Raises ServerFailure saying what each server did when none did.
    """
    failures: list[str] = []
    local: list[LocalError] = []  # failures on Standby's side: when every one is, no server was at fault
    for server in servers:
        try:
            addresses = await ctx.net.addresses(server.host)
        except (ResolveError, LocalError) as exc:
            failures.append(str(exc))
            local += [found] if (found := local_cause(exc)) else []
            continue
        for address in addresses:
            try:
                async with ctx.net.slot(str(server)):
                    return await ask(server, address)
            except ServerFailure as exc:
                failures.append(f"{server} {exc}")
                local += [found] if (found := local_cause(exc)) else []
    error = ServerFailure("; ".join(failures) or "no servers to ask")
    if failures and len(local) == len(failures):
        raise error from local[0]
    raise error


async def query(
    qname: dns.name.Name,
    rdtype: dns.rdatatype.RdataType,
    address: str,
    port: int,
    ctx: ProbeContext,
    *,
    dnssec: bool = False,
) -> dns.message.Message:
    """One non-recursive query over UDP, retried over TCP when truncated. Raises ServerFailure."""
    message = dns.message.make_query(qname, rdtype, want_dnssec=dnssec)
    message.flags = 0  # no recursion: we want the server's own data, not what it has cached
    try:
        response, _ = await dns.asyncquery.udp_with_fallback(
            message, address, timeout=ctx.net.timeout, port=port
        )
    except dns.exception.Timeout:
        raise ServerFailure(f"did not answer within {ctx.net.timeout:g}s") from None
    except (dns.exception.DNSException, OSError, EOFError) as exc:
        raise ServerFailure(f"gave no usable answer ({exc or type(exc).__name__})") from None
    return response
