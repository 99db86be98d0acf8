"""store/kept.py: a costly read is reused for a moment — at most REUSE times what it cost — and a cheap
one only until this process writes; another plan (or another database) computes afresh."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from standby.store import kept as keeping
from standby.store.db import make_engine, session_factory


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def empty() -> None:
    keeping._kept.clear()


def counting(clock: Clock, cost: float) -> tuple[list[int], Callable[[], int]]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        clock.now += cost  # what computing it took
        return len(calls)

    return calls, compute


def test_a_costly_value_is_reused_for_ten_times_its_cost_even_across_writes(tmp_path: Path) -> None:
    clock, plan = Clock(), object()
    calls, compute = counting(clock, cost=0.2)
    assert keeping.kept("order", compute, among=plan, clock=clock) == 1
    write(tmp_path)
    clock.now += 1.7  # 1.9 s after it began: younger than 10 × 0.2 s
    assert keeping.kept("order", compute, among=plan, clock=clock) == 1
    clock.now += 0.2
    assert keeping.kept("order", compute, among=plan, clock=clock) == 2
    assert keeping.kept("order", compute, among=object(), clock=clock) == 3
    assert len(calls) == 3


def test_a_cheap_value_is_dropped_at_the_next_write_of_this_process(tmp_path: Path) -> None:
    clock, plan = Clock(), object()
    _, compute = counting(clock, cost=0.001)
    assert keeping.kept("order", compute, among=plan, clock=clock) == 1
    assert keeping.kept("order", compute, among=plan, clock=clock) == 1
    write(tmp_path)
    assert keeping.kept("order", compute, among=plan, clock=clock) == 2
    clock.now += 0.01  # older than 10 × its cost: computed again, written or not
    assert keeping.kept("order", compute, among=plan, clock=clock) == 3


def write(tmp_path: Path) -> None:
    sessions = session_factory(make_engine(f"sqlite:///{tmp_path / 'other.db'}"))
    with sessions.begin() as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS t (n INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1)"))
