"""The probe process's start grid: runs whose slots fall in one step of it start together (one wake-up
of the process), never before their slot nor more than a step after it, and a monitor's runs stay
exactly one interval apart."""

from __future__ import annotations

import itertools

import pytest

from standby.engine.pool import SLOT_GRID, on_grid


def test_slots_in_one_grid_step_start_together_never_early_and_at_most_a_step_late() -> None:
    base = 1_800_000_000.0  # on the grid
    slots = [base + 0.001, base + 0.02, base + SLOT_GRID - 0.001]
    assert [on_grid(s) for s in slots] == pytest.approx([base + SLOT_GRID] * 3, abs=1e-6)
    for slot in [*slots, base, base + 7.3456]:
        assert slot <= on_grid(slot) < slot + SLOT_GRID + 1e-6


def test_a_monitors_runs_stay_one_interval_apart_on_the_grid() -> None:
    phase = 1_800_000_000.0 + 0.4567  # a slot's place within its interval (engine/phase.py)
    starts = [on_grid(phase + n * 20) for n in range(1000)]
    assert {round(b - a, 6) for a, b in itertools.pairwise(starts)} == {20.0}
