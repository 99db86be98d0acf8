"""What the fake SaaS platforms (marketo.py, hubspot.py) share: a clock they read (a test may hand
them the same ManualClock as the client), outages a test switches on and off, a sliding window of
counted calls, a gauge of calls in flight, and opaque paging tokens."""

from __future__ import annotations

import base64
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from standby.core.clock import Clock, SystemClock
from tests.peers.http import Reply

OUTAGES = ("503", "502-html", "drop", "slow")


def outage_reply(mode: str, slow: float = 3.0) -> Reply:
    """A platform being dark, as a client sees it: a gateway error page, a cut connection, silence."""
    if mode == "503":
        return Reply(503, "<html><body><h1>503 Service Unavailable</h1></body></html>")
    if mode == "502-html":
        return Reply(502, "<html><body>Bad Gateway</body></html>")
    if mode == "drop":
        return Reply(drop=True)
    if mode == "slow":
        return Reply(504, "<html>Gateway Timeout</html>", delay=slow)
    raise ValueError(f"unknown outage {mode!r}; use one of {OUTAGES}")


class Window:
    """Counted calls in the last `seconds` of the platform's clock."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock, self.seconds = clock, seconds
        self._times: deque[float] = deque()
        self.peak = 0  # the most ever counted at once

    def count(self) -> int:
        now = self.clock.now().timestamp()
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()
        return len(self._times)

    def frees_in(self) -> float:
        """Seconds until the oldest counted call leaves the window."""
        if not self.count():
            return 0.0
        return self._times[0] + self.seconds - self.clock.now().timestamp()

    def add(self) -> None:
        self.count()
        self._times.append(self.clock.now().timestamp())
        self.peak = max(self.peak, len(self._times))


class Gauge:
    """Calls being served right now, and the most there ever were."""

    def __init__(self) -> None:
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def try_enter(self, limit: int) -> bool:
        with self._lock:
            if self.now >= limit:
                return False
            self.now += 1
            self.peak = max(self.peak, self.now)
            return True

    @contextmanager
    def held(self, latency: float) -> Iterator[None]:
        try:
            if latency:
                time.sleep(latency)  # real time: overlapping calls are what the concurrency limit is about
            yield
        finally:
            with self._lock:
                self.now -= 1


def page_token(kind: str, offset: int) -> str:
    """Opaque like Marketo's: base32 with `=` padding (clients must URL-encode it)."""
    return base64.b32encode(f"{kind}:{offset}".encode()).decode()


def read_token(token: str, kind: str) -> int | None:
    try:
        found, _, offset = base64.b32decode(token.encode()).decode().partition(":")
        return int(offset) if found == kind else None
    except ValueError:
        return None


def default_clock(clock: Clock | None) -> Clock:
    return clock or SystemClock()


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
