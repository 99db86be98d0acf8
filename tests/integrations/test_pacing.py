from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from standby.core.clock import ManualClock
from standby.integrations.pacing import Pacer, backoff


async def test_calls_are_spread_evenly_across_the_window(clock: ManualClock) -> None:
    pacer = Pacer(calls=4, window=2.0, concurrent=2, clock=clock)
    starts = []
    for _ in range(5):
        async with pacer.slot():
            starts.append(clock.now())
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(starts)] == [0.5] * 4


async def test_a_window_counts_calls_from_their_end(clock: ManualClock) -> None:
    pacer = Pacer(calls=2, window=10.0, concurrent=2, clock=clock)
    zero, starts = clock.now(), []
    for duration in (3, 0, 0):
        async with pacer.slot():
            starts.append((clock.now() - zero).total_seconds())
            clock.advance(timedelta(seconds=duration))
    # 0: a slow call, counted until it ends at 3; 5: the spacing; 13: the first call left the window
    assert starts == [0, 5, 13]


async def test_a_pause_holds_every_call_until_it_ends(clock: ManualClock) -> None:
    pacer = Pacer(calls=100, window=20.0, concurrent=10, clock=clock)
    until = clock.now() + timedelta(hours=3)
    pacer.pause_until(until)
    assert pacer.paused_until() == until
    async with pacer.slot():
        assert clock.now() >= until
    assert pacer.paused_until() is None


async def test_concurrent_callers_share_the_slots(clock: ManualClock) -> None:
    pacer = Pacer(calls=100, window=20.0, concurrent=3, clock=clock)
    inside, peak = 0, 0

    async def one() -> None:
        nonlocal inside, peak
        async with pacer.slot():
            inside += 1
            peak = max(peak, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(one() for _ in range(12)))
    assert peak == 3


def test_backoff_doubles_with_jitter_and_stops_at_the_cap() -> None:
    for attempt, step in [(1, 1.0), (2, 2.0), (3, 4.0), (10, 20.0)]:
        waits = [backoff(attempt, base=1.0, cap=20.0) for _ in range(50)]
        assert all(step / 2 <= w <= step for w in waits)
