"""Phases: each monitor's place in its interval, chosen once so checks spread evenly and stay spread."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta

from standby.engine.phase import EPOCH, FIRST_LOOK, first_run, next_run, phase_of, slot_at_or_after, spread

T0 = datetime(2026, 12, 3, 9, 0, 0, 250_000, tzinfo=UTC)
TWENTY = timedelta(seconds=20)


def per_second(phases: list[int]) -> Counter[int]:
    return Counter(p // 1000 for p in phases)


def test_new_phases_with_none_taken_are_even_and_the_first_is_due_at_once() -> None:
    phases = spread([], 1000, TWENTY, anchor=phase_of(T0, TWENTY))
    assert first_run(phases[0], TWENTY, T0) == T0
    assert set(per_second(phases).values()) == {50}  # 1,000 every 20 s: exactly 50 in each second
    assert len(set(phases)) == 1000


def test_new_phases_fill_the_largest_gaps_and_leave_the_taken_ones_alone() -> None:
    taken = spread([], 500, TWENTY, anchor=0)
    added = spread(taken, 500, TWENTY, anchor=0)
    assert not set(added) & set(taken)
    assert set(per_second(taken + added).values()) == {50}
    lopsided = list(range(0, 10_000, 20))  # 500 crowded into the first half
    mixed = lopsided + spread(lopsided, 500, TWENTY, anchor=0)
    counts = per_second(mixed)
    assert max(counts.values()) <= 1.5 * 50 and min(counts.values()) > 0


def test_a_slot_is_on_the_grid_of_its_phase() -> None:
    phase = 7_500
    slot = slot_at_or_after(phase, TWENTY, T0)
    assert T0 <= slot < T0 + TWENTY
    assert (slot - EPOCH) % TWENTY == timedelta(milliseconds=phase)
    assert slot_at_or_after(phase, TWENTY, slot) == slot


def test_after_a_run_on_time_or_late_the_next_is_the_phases_next_slot() -> None:
    phase = phase_of(T0, TWENTY)
    assert next_run(phase, TWENTY, T0) == T0 + TWENTY
    assert next_run(phase, TWENTY, T0 + timedelta(seconds=3)) == T0 + TWENTY  # late: keeps its phase
    assert next_run(phase, TWENTY, T0 + timedelta(seconds=13)) == T0 + 2 * TWENTY  # skips a slot


def test_a_long_interval_has_its_first_look_within_a_minute_at_the_same_place() -> None:
    hour = timedelta(hours=1)
    phases = spread([], 60, hour, anchor=phase_of(T0, hour))
    firsts = [first_run(p, hour, T0) for p in phases]
    assert firsts[0] == T0 and max(firsts) < T0 + FIRST_LOOK
    assert firsts == sorted(firsts)  # the same even order as their slots
    gaps = {round((b - a).total_seconds(), 3) for a, b in itertools.pairwise(firsts)}
    assert gaps == {1.0}
