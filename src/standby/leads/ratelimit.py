"""Per-address limits on the public capture endpoint: `posts` per `per`, a sliding window kept in
memory (each process keeps its own; a visitor is a few posts, a bot is thousands). The table of
addresses is bounded: past `most` addresses the least recently seen are forgotten."""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import datetime, timedelta


class AddressLimiter:
    def __init__(self, *, posts: int, per: timedelta, most: int = 50_000) -> None:
        self.posts, self.per, self.most = posts, per, most
        self._seen: OrderedDict[str, deque[datetime]] = OrderedDict()

    def allow(self, address: str, now: datetime) -> timedelta | None:
        """None if `address` may post now (and counts it); else how long until it may."""
        times = self._seen.pop(address, None) or deque()
        while times and times[0] <= now - self.per:
            times.popleft()
        self._seen[address] = times  # most recently seen last
        if len(times) >= self.posts:
            return times[0] + self.per - now
        times.append(now)
        while len(self._seen) > self.most:
            self._seen.popitem(last=False)
        return None
