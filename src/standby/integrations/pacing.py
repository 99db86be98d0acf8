"""Keeping one client inside a platform's published limits, and waiting well when it says "slow down".

A `Pacer` holds three limits at once: `calls` per `window` seconds, `concurrent` calls in flight, and
an even spacing of `window / calls` between starts (a long replay then runs at exactly the allowed
rate instead of bursting the whole window's budget and idling). A call's place in the window is
counted from its *end*: the platform counts a call when it arrives, which is before we see the
answer, so counting from the end can never put us over the platform's count. `pause_until` stops
every call until a quota resets. Waits go through the injected Clock, so tests move time instead.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from standby.core.clock import Clock


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Seconds to wait before retry `attempt` (1-based): exponential with jitter in [½, 1] of the step.

    Half jitter rather than full: after a "rate limit exceeded" a wait near zero is just another
    refused call, and every refused call counts against the same limit.
    """
    step = min(cap, base * 2.0 ** min(max(attempt - 1, 0), 32))
    return step * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not secrets


class Pacer:
    def __init__(self, *, calls: int, window: float, concurrent: int, clock: Clock) -> None:
        if calls < 1 or window <= 0 or concurrent < 1:
            raise ValueError("a pacer needs at least one call per positive window and one slot")
        self.calls, self.window, self.clock = calls, window, clock
        self._slots = asyncio.Semaphore(min(concurrent, calls))
        self._turn = asyncio.Lock()
        self._ends: deque[float] = deque()
        self._in_flight = 0
        self._last_start: float | None = None
        self._paused_until: datetime | None = None

    @property
    def spacing(self) -> float:
        return self.window / self.calls

    def pause_until(self, when: datetime) -> None:
        if self._paused_until is None or when > self._paused_until:
            self._paused_until = when

    def paused_until(self) -> datetime | None:
        if self._paused_until is not None and self.clock.now() >= self._paused_until:
            self._paused_until = None
        return self._paused_until

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one call's place: wait for a free slot, the spacing, the window and any pause."""
        async with self._slots:
            await self._wait_turn()
            try:
                yield
            finally:
                self._in_flight -= 1
                self._ends.append(self._now())

    def _now(self) -> float:
        return self.clock.now().timestamp()

    async def _wait_turn(self) -> None:
        async with self._turn:  # one caller schedules at a time: the spacing holds between them all
            while (wait := self._wait()) >= 1e-6:  # datetimes count microseconds: less is no wait
                await self.clock.sleep(wait)
            self._last_start = self._now()
            self._in_flight += 1

    def _wait(self) -> float:
        now = self._now()
        while self._ends and self._ends[0] <= now - self.window:
            self._ends.popleft()
        waits = [0.0]
        paused = self.paused_until()
        if paused is not None:
            waits.append(paused.timestamp() - now)
        if self._last_start is not None:
            waits.append(self._last_start + self.spacing - now)
        if self._ends and len(self._ends) + self._in_flight >= self.calls:
            waits.append(self._ends[0] + self.window - now)
        return max(waits)
