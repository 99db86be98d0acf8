"""Discovery of one page: load it, collect the hosts its scripts, stylesheets, iframes, forms and
images come from, follow the CNAME chains of its own host names, and group what lies outside by
registrable domain and vendor. What the plan watches is judged later (`Watch`), against the plan of
the moment, so a weekly discovery still clears the day someone adds the domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import dns.exception
import dns.resolver
import httpx

from standby.core.local import LocalError, local_cause
from standby.core.net import describe
from standby.discovery.html import references
from standby.discovery.names import registrable
from standby.discovery.vendors import Fingerprint, vendor_of
from standby.plan.model import Plan
from standby.probes.context import ProbeContext
from standby.probes.http import fetch

MAX_CHAIN = 8  # CNAME hops followed; a loop or a longer chain stops there
MAX_HOSTS = 200  # own host names whose chains are followed, per page
# The page is read for what a browser would load, so it is asked for as a browser asks: a server that
# negotiates content must not answer discovery with the JSON or plain text a bare client gets.
AS_A_BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


@dataclass
class Dependency:
    domain: str  # the registrable domain that must stay registered for the page to work
    hosts: set[str] = field(default_factory=set)
    via: set[str] = field(default_factory=set)  # script, stylesheet, iframe, form, image, cname

    @property
    def vendor(self) -> Fingerprint | None:
        return vendor_of(self.domain)


@dataclass
class Target:
    label: str  # the page URL, or a host name of the plan
    page: bool  # a page that was loaded (or tried), not just a host name
    owner: str | None = None
    error: str | None = None
    local: LocalError | None = None  # the error was Standby's own (core/local.py)
    chains: dict[str, list[str]] = field(default_factory=dict)  # own host -> its CNAME chain
    dependencies: dict[str, Dependency] = field(default_factory=dict)  # by registrable domain

    def depend(self, domain: str, host: str, via: str) -> None:
        found = self.dependencies.setdefault(domain, Dependency(domain))
        found.hosts.add(host)
        found.via.add(via)


@dataclass(frozen=True)
class Watch:
    """What a plan watches: its domains (registration and delegation) and vendors."""

    domains: frozenset[str]
    vendors: frozenset[str]

    @classmethod
    def of(cls, plan: Plan | None) -> Watch:
        if plan is None:
            return cls(frozenset(), frozenset())
        return cls(frozenset(d.name for d in plan.domains), frozenset(v.id for v in plan.vendors))

    def covers(self, dependency: Dependency) -> bool:
        return dependency.domain in self.domains


async def cname_chain(host: str, ctx: ProbeContext) -> list[str]:
    """The names `host` is an alias of, in order, through the plan's resolvers."""
    chain: list[str] = []
    name = host
    for _ in range(MAX_CHAIN):
        try:
            answer = await ctx.net.resolver.resolve(name, "CNAME")
        except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN, dns.exception.DNSException):
            return chain
        name = answer[0].target.to_text().rstrip(".").lower()
        if name in chain or name == host:
            return chain
        chain.append(name)
    return chain


def _own(host: str, own_domains: set[str]) -> bool:
    return registrable(host) in own_domains


async def _follow(target: Target, hosts: set[str], own_domains: set[str], ctx: ProbeContext) -> None:
    for host in sorted(hosts)[:MAX_HOSTS]:
        chain = await cname_chain(host, ctx)
        if chain:
            target.chains[host] = chain
        for alias in chain:
            domain = registrable(alias)
            if domain and domain not in own_domains:
                target.depend(domain, alias, "cname")


async def discover_page(url: str, ctx: ProbeContext, *, owner: str | None = None) -> Target:
    """Load `url` and find its outside dependencies: everything not under the page's own registrable
    domain (the company's other domains too: the page depends on them, and the plan may watch them).
    CNAME chains are followed for the page's own host names."""
    target = Target(url, page=True, owner=owner)
    host = (urlsplit(url).hostname or "").lower()
    own_domains = {d} if (d := registrable(host)) else set()
    try:
        response = await fetch(ctx, url, headers=AS_A_BROWSER)
    except httpx.HTTPError as exc:
        target.error, target.local = f"could not load {url}: {describe(exc)}", local_cause(exc)
        await _follow(target, {host}, own_domains, ctx)
        return target
    final = (urlsplit(response.final_url).hostname or host).lower()
    own_hosts = {host, final}
    for via, ref in references(response.text, response.final_url):
        domain = registrable(ref)
        if domain is None:
            continue
        if domain in own_domains:
            own_hosts.add(ref)
        else:
            target.depend(domain, ref, via)
    await _follow(target, own_hosts, own_domains, ctx)
    return target


async def discover_host(host: str, ctx: ProbeContext, *, owner: str | None = None) -> Target:
    """A host name of the plan that is not a page (a certificate's, a DNS record's): its CNAME chain."""
    target = Target(host, page=False, owner=owner)
    own_domains = {d} if (d := registrable(host)) else set()
    await _follow(target, {host}, own_domains, ctx)
    return target
