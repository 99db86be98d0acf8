"""Four public resolvers on 127.0.0.1 that cached the parked delegation of acme.example at different
times, and the .example parent zone with the fix: the DNS recovery tracker's small world."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from standby.core.clock import ManualClock
from tests.peers.dns import DnsPeer
from tests.peers.internet import HEALTHY_NS, PARKING_NS
from tests.peers.resolver_cache import CachingResolver

DOMAIN = "acme.example"
# name, region, minutes after T0 when its cached copy of the parked delegation runs out
FLIPS = [
    ("Google Public DNS", "global anycast", 50),
    ("Quad9", "global anycast", 70),
    ("Cloudflare", "global anycast", 120),
    ("Yandex DNS", "Russia", 180),
]


@dataclass
class Resolvers:
    t0: datetime
    clock: ManualClock
    parent: DnsPeer
    peers: dict[str, CachingResolver]

    def settings(self) -> dict[str, Any]:
        """The plan settings that point the tracker at these servers."""
        return {
            "timeout": "1s",
            "parent_servers": {"example": [self.parent.address]},
            "public_resolvers": [
                {"name": name, "region": region, "address": self.peers[name].address}
                for name, region, _ in FLIPS
            ],
        }

    def flip_time(self, name: str) -> datetime:
        return self.t0 + timedelta(minutes=next(m for n, _, m in FLIPS if n == name))


@contextmanager
def resolvers(t0: datetime) -> Iterator[Resolvers]:
    clock = ManualClock(t0)
    with ExitStack() as stack:
        parent = stack.enter_context(DnsPeer())
        parent.zone("example", nameservers=["ns1.nic.example"])
        parent.delegate(DOMAIN, HEALTHY_NS)  # the fix is in at the registry
        peers = {}
        for name, _, minutes in FLIPS:
            peer = stack.enter_context(CachingResolver(clock.now))
            peer.holds(DOMAIN, "NS", PARKING_NS, until=t0 + timedelta(minutes=minutes), then=HEALTHY_NS)
            peers[name] = peer
        yield Resolvers(t0, clock, parent, peers)
