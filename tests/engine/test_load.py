"""The engine's measure of itself: checks a second, how late they start, CPU per check, and the
capacity it estimates; the plan's demand against it, and the warning the dashboard shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import ManualClock
from standby.engine import load
from standby.engine.models import EngineWorker, Monitor
from tests.engine.conftest import T0, MakeEngine


class Ticking:
    """A process clock and CPU counter a test moves."""

    def __init__(self) -> None:
        self.now, self.cpu = 0.0, 0.0

    def monotonic(self) -> float:
        return self.now

    def process_time(self) -> float:
        return self.cpu


def metered(processes: int, cores: int = 2) -> tuple[load.Meter, Ticking]:
    ticking = Ticking()
    meter = load.Meter(processes, cores=cores, cpu=ticking.process_time, monotonic=ticking.monotonic)
    return meter, ticking


def test_the_capacity_is_where_the_busiest_part_would_need_all_of_its_cpu() -> None:
    meter, ticking = metered(processes=2)
    meter.sample(probe_cpu=0.0)
    for i in range(600):  # ten a second for a minute, each starting 10 ms late, one of them 1 s late
        meter.started(T0, T0 + timedelta(milliseconds=1000 if i == 300 else 10))
    ticking.now, ticking.cpu = 60.0, 0.06  # 0.1 ms a check in the engine's own process
    meter.sample(probe_cpu=0.3)  # 0.5 ms a check in the probe processes
    row = meter.row("a", T0)
    assert row["checks_per_second"] == 10.0
    assert row["cpu_per_check_ms"] == pytest.approx(0.6)
    assert row["start_delay_p99"] == pytest.approx(0.01)  # one late run in 600 is under the 99th
    assert row["capacity"] == pytest.approx(0.8 * 2 / 0.0006)  # 80 % of two cores for 0.6 ms a check


def test_an_engine_probing_in_its_own_process_is_bounded_by_one_core() -> None:
    meter, ticking = metered(processes=0, cores=8)
    meter.sample(probe_cpu=0.0)
    for _ in range(100):
        meter.started(T0, T0)
    ticking.now, ticking.cpu = 10.0, 0.1
    meter.sample(probe_cpu=0.0)
    assert meter.row("a", T0)["capacity"] == pytest.approx(800.0)  # 1 ms a check, 80 % of one core


def test_what_other_programs_use_of_the_machine_is_left_out() -> None:
    ticking, machine = Ticking(), [100.0]
    meter = load.Meter(2, cores=2, cpu=ticking.process_time, monotonic=ticking.monotonic,
                       machine=lambda: machine[0])  # fmt: skip
    meter.sample(probe_cpu=0.0)
    for _ in range(600):
        meter.started(T0, T0)
    ticking.now, ticking.cpu = 60.0, 0.06
    machine[0] += 0.06 + 0.3 + 36.0  # ours (0.36 s), and another program's 0.6 of a core
    meter.sample(probe_cpu=0.3)
    assert meter.row("a", T0)["capacity"] == pytest.approx((0.8 * 2 - 0.6) / 0.0006)


def test_the_machine_cpu_is_read_from_the_kernel() -> None:
    first = load.machine_cpu()
    assert first is not None and first > 0  # Linux, where the tests run
    sum(range(1_000_000))  # some work of this process
    second = load.machine_cpu()
    assert second is not None and second >= first


def test_runs_due_while_the_engine_was_starting_are_not_counted_late() -> None:
    meter, ticking = metered(processes=2)
    meter.sample(probe_cpu=0.0)
    meter.ready(T0 + timedelta(seconds=2))  # the probe processes took two seconds to start
    meter.started(T0, T0 + timedelta(seconds=2.5))  # due at the start: waited for it
    for i in range(99):
        due = T0 + timedelta(seconds=3 + i)
        meter.started(due, due + timedelta(milliseconds=5))
    ticking.now, ticking.cpu = 60.0, 0.01
    meter.sample(probe_cpu=0.05)
    row = meter.row("a", T0)
    assert row["start_delay_p99"] == pytest.approx(0.005)
    assert row["checks_per_second"] == pytest.approx(100 / 60)  # still counted as a run


def test_too_few_runs_say_nothing_about_the_capacity() -> None:
    meter, _ = metered(processes=2)
    meter.sample(probe_cpu=0.0)
    meter.started(T0, T0)
    assert meter.row("a", T0)["capacity"] is None


def worker_row(worker: str, *, capacity: float | None, delay: float = 0.01) -> dict[str, object]:
    return {"worker": worker, "seen_at": T0, "probe_processes": 2, "checks_per_second": 1.0,
            "start_delay_p99": delay, "cpu_per_check_ms": 0.6, "capacity": capacity}  # fmt: skip


async def test_demand_against_capacity_gives_the_headroom_and_a_warning_before_falling_behind(
    make: MakeEngine, sqlite_sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    await make()  # the plan: a page and a vendor every minute, a domain every hour
    demand = 2 / 60 + 1 / 3600
    with sqlite_sessions.begin() as session:
        found = load.health(session, clock.now())
        assert found.demand == pytest.approx(demand)
        load.report(session, worker_row("a", capacity=0.02))
        load.report(session, worker_row("b", capacity=0.02))
    with sqlite_sessions() as session:
        found = load.health(session, clock.now())
    assert found.capacity == pytest.approx(0.04) and found.headroom == pytest.approx(1 - demand / 0.04)
    assert found.warning is not None and "at 84% of its capacity" in found.warning
    with sqlite_sessions.begin() as session:
        load.report(session, worker_row("b", capacity=1.0, delay=0.5))
    with sqlite_sessions() as session:
        late = load.health(session, clock.now()).warning
    assert late is not None and late.startswith("Checks are starting late: 1 in 100 starts 0.5 s after")
    clock.advance(load.SEEN + timedelta(seconds=1))  # neither reported since: both gone
    with sqlite_sessions() as session:
        gone = load.health(session, clock.now())
    assert gone.workers == [] and gone.capacity is None and gone.warning is None


async def test_an_engine_reports_itself_while_it_runs_and_takes_its_row_away_when_it_stops(
    make: MakeEngine, sqlite_sessions: sessionmaker[Session]
) -> None:
    engine = await make(worker="w1")
    await engine.tick()
    with sqlite_sessions() as session:
        row = session.scalars(select(EngineWorker)).one()
        monitors = session.scalars(select(Monitor)).all()
    assert row.worker == "w1" and row.probe_processes == 0 and row.capacity is None  # 3 runs: too few
    assert len(monitors) == 3
    await engine.close()
    with sqlite_sessions() as session:
        assert session.scalars(select(EngineWorker)).all() == []
