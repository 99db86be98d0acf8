"""What every probe gets: the network (resolvers, trust, limits), the plan's settings, and a clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from standby.core.clock import Clock, SystemClock
from standby.core.hostport import split_host_port
from standby.core.net import NetConfig, Network
from standby.plan.model import Plan, Settings

T = TypeVar("T")


@dataclass
class ProbeContext:
    net: Network
    settings: Settings
    clock: Clock
    cache_dir: Path
    _memo: dict[str, tuple[datetime, asyncio.Future[Any]]] = field(default_factory=dict, repr=False)

    async def memo(self, key: str, ttl: timedelta, make: Callable[[], Awaitable[T]]) -> T:
        """`make()` once per `ttl` for everyone asking for `key` (the RDAP bootstrap, a TLD's WHOIS
        server): 2,000 domains must not fetch the bootstrap 2,000 times. A failure is not kept."""
        now = self.clock.now()
        held = self._memo.get(key)
        if held is None or now - held[0] >= ttl or _failed(held[1]):
            future: asyncio.Future[Any] = asyncio.ensure_future(make())
            held = self._memo[key] = (now, future)
        return await asyncio.shield(held[1])


def _failed(future: asyncio.Future[Any]) -> bool:
    return future.done() and (future.cancelled() or future.exception() is not None)


def pins_of(plan: Plan) -> dict[str, str]:
    """Host → pinned address, from every endpoint, vendor endpoint and certificate with an `address`."""
    pins: dict[str, str] = {}
    for cert in plan.certificates:
        if cert.address:
            pins[cert.host] = cert.address
    urls = [(e.url, e.address) for e in plan.endpoints]
    urls += [(e.url, e.address) for v in plan.vendors for e in v.endpoints]
    for url, address in urls:
        if address and url.host:
            pins[url.host.lower()] = address
    return pins


def net_config(settings: Settings, pins: dict[str, str] | None = None) -> NetConfig:
    return NetConfig(
        resolvers=tuple(split_host_port(r, 53) for r in settings.resolvers),
        ca_bundle=settings.ca_bundle,
        timeout=settings.timeout.total_seconds(),
        pins=pins or {},
        concurrency=settings.concurrency,
        per_server=settings.per_server_concurrency,
    )


def make_context(plan: Plan, clock: Clock | None = None) -> ProbeContext:
    """Build the context for one run. Call inside the event loop; close with `await ctx.net.aclose()`."""
    settings = plan.settings
    cache_dir = settings.cache_dir or Path(platformdirs.user_cache_dir("standby"))
    return ProbeContext(
        net=Network(net_config(settings, pins_of(plan))),
        settings=settings,
        clock=clock or SystemClock(),
        cache_dir=cache_dir,
    )
