"""Can Standby see at all? Its self-check, and what becomes of findings that failed on its side.

The self-check (`look`) runs in the engine (each tick while a look is settling, every few seconds
once Standby sees: engine/runner.py) and before `standby check` reports: is the trust store
usable, is there a route to the resolvers, do the resolvers answer for `settings.self_check.name`
(default: the root zone, which every working resolver knows) — and not with "it does not exist", which
a resolver that denies every name says too — and can Standby reach each
`settings.self_check.connect` (something you control, up whenever your network is). Point it at
things you control: when they fail, the failure is Standby's.

`settle` sorts findings by it (core/local.py): while Standby is blind, a finding that failed for a
cause on its side is held — it says nothing about the asset — and when Standby sees, one that may
have had another cause says what it would otherwise (a name whose own servers are dead).
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, replace

import dns.exception
import dns.nameserver
import dns.resolver

from standby.core.hostport import split_host_port
from standby.core.local import NETWORK, RESOLVERS, LocalError, dns_words, no_network, resolver_failure
from standby.core.net import describe, is_ip
from standby.core.status import Finding, Status
from standby.probes.context import ProbeContext


@dataclass(frozen=True)
class Sight:
    seeing: bool
    summary: str  # "Standby cannot resolve names: its resolvers 127.0.0.1:5353 do not answer"
    cause: str | None = None  # resolvers | network | trust, when blind


async def look(ctx: ProbeContext) -> Sight:
    """The self-check. Never raises: whatever fails is the answer."""
    try:
        problem = ctx.net.trust_problem() or _route(ctx) or await _resolvers(ctx) or await _reach(ctx)
    except Exception as exc:  # noqa: BLE001 - a self-check that breaks cannot vouch for Standby's sight
        problem = LocalError(NETWORK, f"Standby could not check its own sight: {describe(exc)}")
    if problem is not None:
        return Sight(False, problem.summary, problem.cause)
    check = ctx.settings.self_check
    name = "the root zone" if check.name.strip(".") == "" else check.name
    reached = f"; it reaches {', '.join(check.connect)}" if check.connect else ""
    return Sight(True, f"Standby sees: its resolvers {ctx.net.resolvers_text} answer for {name}{reached}")


def _route(ctx: ProbeContext) -> LocalError | None:
    """A route to each resolver: a UDP socket's connect() asks the routing table and sends nothing."""
    servers = [(a, p) for a, p in ctx.net.config.resolvers]
    if not servers:
        try:
            found = ctx.net.resolver.nameservers
        except dns.exception.DNSException:
            return LocalError(
                RESOLVERS, "Standby cannot resolve names: the system has no resolver configured"
            )
        servers = [(n.address, n.port) for n in found if isinstance(n, dns.nameserver.Do53Nameserver)]
    for address, port in servers:
        if not is_ip(address):
            continue
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect((address, port))
            except OSError as exc:
                return no_network(f"its resolver {address}:{port}", exc)
    return None


async def _resolvers(ctx: ProbeContext) -> LocalError | None:
    """Do the resolvers answer, and answer the truth? Every working resolver knows the root zone's
    nameservers, and says that `settings.self_check.name` exists. Resolvers that deny either — a
    sandbox's or a captive network's that says NXDOMAIN to everything — would deny every name Standby
    watches: Standby is blind, not those names gone."""
    name = ctx.settings.self_check.name
    root = name.strip(".") == ""
    try:
        answer = await ctx.net.resolver.resolve(name, "NS" if root else "A", raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        said = f"Standby cannot resolve names: its resolvers {ctx.net.resolvers_text} say"
        if root:
            return LocalError(
                RESOLVERS, f"{said} the root zone does not exist (NXDOMAIN); no working resolver says that"
            )
        return LocalError(
            RESOLVERS,
            f"{said} {name} (settings.self_check.name, which must always resolve) does not exist (NXDOMAIN)",
        )
    except dns.exception.DNSException as exc:
        found = resolver_failure(exc, ctx.net.resolvers_text)
        return found or LocalError(
            RESOLVERS,
            f"Standby cannot resolve names: its resolvers {ctx.net.resolvers_text} fail for {name} "
            f"({dns_words(exc)})",
        )
    if root and answer.rrset is None:  # the name exists, but the root zone always has nameservers
        return LocalError(
            RESOLVERS,
            f"Standby cannot resolve names: its resolvers {ctx.net.resolvers_text} give no nameservers "
            "for the root zone, which every working resolver knows",
        )
    return None


async def _reach(ctx: ProbeContext) -> LocalError | None:
    for target in ctx.settings.self_check.connect:
        host, port = split_host_port(target, 443)
        try:
            _, writer = await ctx.net.open_tcp(host, port)
        except (OSError, TimeoutError) as exc:
            return LocalError(
                NETWORK, f"Standby cannot reach the network: {target} does not answer ({describe(exc)})"
            )
        writer.close()
    return None


def settle(findings: Iterable[Finding], *, seeing: bool) -> tuple[list[Finding], list[Finding]]:
    """(what the findings say about the assets, what is held because Standby is blind)."""
    said: list[Finding] = []
    held: list[Finding] = []
    for finding in findings:
        if not finding.details.get("local"):
            said.append(finding)
        elif not seeing:
            held.append(finding)
        else:
            said.append(_otherwise(finding))
    return said, held


def _otherwise(finding: Finding) -> Finding:
    """A finding that may have failed on Standby's side, when Standby turns out to see: what it would
    have said about the asset (core/local.py); unchanged when it had no other reading."""
    other = finding.details.get("otherwise")
    if not isinstance(other, dict):
        return finding
    details = {k: v for k, v in finding.details.items() if k not in ("local", "otherwise")}
    summary = str(other["summary"])
    return replace(
        finding, status=Status(other["status"]), summary=summary, details={**details, "error": summary}
    )
