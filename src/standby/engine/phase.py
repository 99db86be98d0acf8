"""Where in its interval each monitor runs: a stable phase, so checks spread evenly and stay spread.

A monitor runs on a grid: `EPOCH + phase + k × interval`. The phase is chosen once, when the monitor
joins the plan (or comes back, or changes interval), among the monitors of the same probe and
interval: the first ones evenly from the moment they are added, later ones in the middle of the
largest gaps left. It is kept in the database, so restarts and plan reloads keep it. A run on time
or late is followed by the next slot of its own grid at least half an interval on, so a backlog or a
pause shifts no one's phase, and a burst never repeats.

Only its first look is not on the grid: a new monitor with a long interval (a domain's hour, a
certificate's six hours) is looked at within `FIRST_LOOK`, in the same even order, rather than up to
an interval later; its next run is on the grid. The same goes for runs missed while no engine ran.
Many of them at once take longer: first looks come at most FIRST_LOOK_RATE a second per class
(25,000 new endpoints' weekly discovery is spread over 42 minutes, not crammed into one).
"""

from __future__ import annotations

import heapq
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
FIRST_LOOK = timedelta(minutes=1)  # a new or missed monitor is looked at within this, or its interval
FIRST_LOOK_RATE = 10  # first looks a second, at most, for the monitors of one probe and interval
_MS = timedelta(milliseconds=1)


def slot_at_or_after(phase_ms: int, interval: timedelta, when: datetime) -> datetime:
    """The first slot of the monitor's grid at or after `when`."""
    late = (when - EPOCH - phase_ms * _MS) % interval
    return when if not late else when + (interval - late)


def next_run(phase_ms: int, interval: timedelta, started: datetime) -> datetime:
    """After a run that started at `started`: its grid's next slot at least half an interval on. A run
    on time (or up to half an interval late) is followed one interval after its slot; a later one
    skips to the slot after, so an engine that falls behind sheds runs evenly instead of piling up."""
    return slot_at_or_after(phase_ms, interval, started + interval / 2)


def first_look(interval: timedelta, count: int) -> timedelta:
    """The window the first looks of `count` monitors of one class are spread over."""
    return min(interval, max(FIRST_LOOK, timedelta(seconds=count / FIRST_LOOK_RATE)))


def first_run(phase_ms: int, interval: timedelta, now: datetime, window: timedelta = FIRST_LOOK) -> datetime:
    """When a new monitor (or one whose runs were missed) runs: its next slot, or for an interval
    longer than `window` (see `first_look`), the same place in its interval scaled down to it."""
    slot = slot_at_or_after(phase_ms, interval, now)
    if interval <= window:
        return slot
    return now + (slot - now) * (window / interval)


def phase_of(when: datetime, interval: timedelta) -> int:
    """The phase (ms) whose grid has a slot at `when`, or within the millisecond after it."""
    return -(-((when - EPOCH) % interval) // _MS) % (interval // _MS)


def spread(taken: list[int], count: int, interval: timedelta, *, anchor: int) -> list[int]:
    """`count` new phases (ms) among the phases already `taken` at the same interval: each gap between
    taken phases (around the circle) gets new ones in proportion to its length, placed evenly inside
    it, so the widest remaining gap is as narrow as it can be. With nothing taken, the new ones are
    spaced evenly starting at `anchor` (the first is due at once)."""
    period = interval // _MS
    if count <= 0:
        return []
    if not taken:
        return [(anchor + i * period // count) % period for i in range(count)]
    points = sorted(set(taken))
    gaps = [((points[(i + 1) % len(points)] - p) % period) or period for i, p in enumerate(points)]
    shares = [0] * len(points)
    heap: list[tuple[float, int]] = [(-gap, i) for i, gap in enumerate(gaps)]
    heapq.heapify(heap)
    for _ in range(count):
        _, i = heapq.heappop(heap)
        shares[i] += 1
        heapq.heappush(heap, (-gaps[i] / (shares[i] + 1), i))
    return [
        (points[i] + gaps[i] * j // (share + 1)) % period
        for i, share in enumerate(shares)
        for j in range(1, share + 1)
    ]
