"""How much work the engine has, how much it could do, and whether it keeps time.

Each engine process measures itself over the last minute — runs started per second, how late they
started after their slots (99th percentile), the CPU it and its probe processes used per run — and
writes that to its `engine_worker` row every HEARTBEAT. From the CPU per run it estimates its
capacity: the runs per second at which its busiest part (its own process, or its probe processes
together, or all of it within what the machine's other programs leave of its cores) would need USABLE
of the CPU it can have. Not all of it: an event loop that is never idle starts runs late. USABLE is a
margin, not a measured edge: `bench/engine_scale.py` kept 25,000 monitors at 20 s on time with the
machine 62 % busy, and two PostgreSQL workers with the machine 99 % busy fell far behind.
/metrics and the dashboard read the rows of the workers seen lately (`health`): the plan's demand
against their capacity is the headroom, and the dashboard warns before the engine falls behind.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from standby.engine.models import EngineWorker, Monitor

WINDOW = timedelta(minutes=1)
HEARTBEAT = timedelta(seconds=10)
SEEN = 3 * HEARTBEAT  # a worker not heard of for this long is gone (or stuck)
LATE = 0.2  # seconds: a run that starts later than this after its slot is late
TIGHT = 0.8  # demand at this share of capacity: the dashboard warns
USABLE = 0.8  # the share of a core (or of the machine) that can go to checks and still keep time
_MIN_RUNS = 20  # fewer runs in the window than this tell nothing about the CPU a run costs


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic()
    runs: int  # runs started so far
    own_cpu: float  # CPU seconds of the engine's process so far
    probe_cpu: float  # CPU seconds of its probe processes so far
    machine_cpu: float | None  # CPU seconds of every process of the machine so far, if known


class Meter:
    """The measurements of one engine process, kept for WINDOW. `cpu` and `monotonic` are the
    process's own clocks (tests give theirs)."""

    def __init__(
        self,
        processes: int,
        *,
        cores: int | None = None,
        cpu: Callable[[], float] = time.process_time,
        monotonic: Callable[[], float] = time.monotonic,
        machine: Callable[[], float | None] = lambda: None,
    ) -> None:
        """`machine`: the CPU seconds every process of the machine has used (`machine_cpu`), so that
        what other programs use is left out of the capacity; by default not counted."""
        self.processes = processes
        self._machine = machine
        self._ready: datetime | None = None
        self.cores = cores or os.cpu_count() or 1
        self._cpu, self._monotonic = cpu, monotonic
        self._delays: deque[tuple[float, float]] = deque()  # (monotonic, seconds late)
        self._samples: deque[Sample] = deque()
        self._runs = 0

    def ready(self, at: datetime) -> None:
        """The engine could start runs from `at` on (its probe processes up): a run due before then
        started late because the engine was starting, not because it is busy, and is not counted late."""
        self._ready = at

    def started(self, due: datetime, started: datetime) -> None:
        self._runs += 1
        if self._ready is None or due >= self._ready:
            self._delays.append((self._monotonic(), max(0.0, (started - due).total_seconds())))

    def sample(self, probe_cpu: float) -> None:
        now = self._monotonic()
        self._samples.append(Sample(now, self._runs, self._cpu(), probe_cpu, self._machine()))
        horizon = now - WINDOW.total_seconds()
        while len(self._samples) > 2 and self._samples[1].at <= horizon:
            self._samples.popleft()
        while self._delays and self._delays[0][0] < horizon:
            self._delays.popleft()

    def row(self, worker: str, now: datetime) -> dict[str, object]:
        first, last = self._samples[0], self._samples[-1]
        span, runs = max(last.at - first.at, 1e-9), last.runs - first.runs
        own = (last.own_cpu - first.own_cpu) / max(runs, 1)
        probing = (last.probe_cpu - first.probe_cpu) / max(runs, 1)
        others = 0.0  # cores the machine's other programs use
        if first.machine_cpu is not None and last.machine_cpu is not None:
            ours = last.own_cpu - first.own_cpu + last.probe_cpu - first.probe_cpu
            others = max(0.0, (last.machine_cpu - first.machine_cpu - ours) / span)
        delays = sorted(d for _, d in self._delays)
        return {
            "worker": worker,
            "seen_at": now,
            "probe_processes": self.processes,
            "checks_per_second": runs / span,
            "start_delay_p99": delays[min(len(delays) - 1, int(0.99 * len(delays)))] if delays else 0.0,
            "cpu_per_check_ms": (own + probing) * 1000 if runs else None,
            "capacity": self._capacity(own, probing, others) if runs >= _MIN_RUNS else None,
        }

    def _capacity(self, own: float, probing: float, others: float) -> float | None:
        left = max(0.0, USABLE * self.cores - others)  # what the other programs leave of the machine
        limits = [left / (own + probing)] if own + probing > 0 else []
        if own > 0:
            limits.append(USABLE / own)  # the engine's own process uses one core at most
        if self.processes and probing > 0:
            limits.append(USABLE * min(self.processes, self.cores) / probing)
        return min(limits) if limits else None


def machine_cpu() -> float | None:
    """CPU seconds every process of this machine has used since it started (Linux /proc/stat: user,
    nice, system, irq, softirq, steal), or None where that cannot be read."""
    try:
        with Path("/proc/stat").open("rb") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu":
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def report(session: Session, row: dict[str, object]) -> None:
    """Write this worker's row (insert or update)."""
    found = session.scalars(select(EngineWorker).where(EngineWorker.worker == row["worker"])).first()
    if found is None:
        session.add(EngineWorker(**row))
        return
    for name, value in row.items():
        setattr(found, name, value)


def forget(session: Session, worker: str) -> None:
    """A worker that stops cleanly takes its capacity with it."""
    session.execute(delete(EngineWorker).where(EngineWorker.worker == worker))


@dataclass(frozen=True)
class Health:
    demand: float  # runs per second the plan asks for (every active monitor once per interval)
    capacity: float | None  # runs per second the workers seen lately could start on time, if known
    workers: list[EngineWorker]
    delay_p99: float  # the worst of their start delays (seconds)

    @property
    def headroom(self) -> float | None:
        """The share of the capacity still free (negative: more is asked than can be done)."""
        return None if not self.capacity else 1 - self.demand / self.capacity

    @property
    def warning(self) -> str | None:
        """What the dashboard says when the engine falls behind or is about to."""
        if not self.workers:
            return None
        if self.delay_p99 > LATE:
            return (
                f"Checks are starting late: 1 in 100 starts {self.delay_p99:.1f} s after its time. "
                "The engine is overloaded; add probe processes or a worker, or lengthen intervals."
            )
        if self.capacity and self.demand > TIGHT * self.capacity:
            return (
                f"The engine is at {self.demand / self.capacity:.0%} of its capacity "
                f"({self.demand:.0f} of about {self.capacity:.0f} checks a second); past 100 % checks "
                "start late. Add probe processes or a worker, or lengthen intervals."
            )
        return None


def health(session: Session, now: datetime) -> Health:
    demand = session.scalar(
        select(func.coalesce(func.sum(1.0 / Monitor.interval_seconds), 0.0)).where(Monitor.active.is_(True))
    )
    workers = list(session.scalars(select(EngineWorker).where(EngineWorker.seen_at >= now - SEEN)))
    known = [w.capacity for w in workers if w.capacity is not None]
    capacity = sum(known) if known and len(known) == len(workers) else None
    delay = max((w.start_delay_p99 for w in workers), default=0.0)
    return Health(float(demand or 0.0), capacity, workers, delay)
