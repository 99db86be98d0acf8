"""A public resolver with a cache, on 127.0.0.1, for the DNS recovery tracker's tests: it answers a
name from what it holds — the old answer, with a TTL falling as the test's clock moves, until that
runs out — and from then on the new one (the fix), as a real resolver does once its copy expires.

    with CachingResolver(clock.now) as google:
        google.holds("acme.example", "NS", PARKING_NS, until=T0 + 2h, then=HEALTHY_NS)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

from tests.peers.dns_transport import DnsTransport


@dataclass
class _Entry:
    old: list[str]
    until: datetime
    new: list[str]
    new_ttl: int


class CachingResolver:
    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        self.silent = False  # answer nothing (a resolver that cannot be reached)
        self.asked = 0
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._lock = threading.Lock()
        self._transport = DnsTransport(self._handle)

    def __enter__(self) -> CachingResolver:
        self._transport.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._transport.stop()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._transport.port}"

    def holds(
        self, name: str, rdtype: str, old: list[str], *, until: datetime, then: list[str], ttl: int = 3600
    ) -> None:
        """Answer `old` until `until` (its TTL counting down to it), then `then` with `ttl`."""
        with self._lock:
            self._entries[(name.lower().rstrip("."), rdtype)] = _Entry(old, until, then, ttl)

    def _handle(self, wire: bytes, tcp: bool) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if self.silent or not query.question:
            return None
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = dns.rdatatype.to_text(question.rdtype)
        response = dns.message.make_response(query, recursion_available=True)
        with self._lock:
            self.asked += 1
            entry = self._entries.get((name, rdtype))
        if entry is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response.to_wire()
        now = self.now()
        if now < entry.until:
            values, ttl = entry.old, math.ceil((entry.until - now).total_seconds())
        else:
            values, ttl = entry.new, entry.new_ttl
        rrset = dns.rrset.RRset(question.name, dns.rdataclass.IN, question.rdtype)
        for value in values:
            rdata = dns.rdata.from_text(
                dns.rdataclass.IN, question.rdtype, value, dns.name.root, relativize=False
            )
            rrset.add(rdata, ttl)
        response.answer.append(rrset)
        return response.to_wire()
