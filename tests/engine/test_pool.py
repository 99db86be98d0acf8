"""Probe processes, on the real clock: monitors claimed ahead of their slots run in child processes,
each starting at its slot, and are recorded as if run in the engine's own loop (Standby's own failures
held while its self-check fails, as there); a probe process that dies is replaced, and the runs it held
end as `unknown` findings that say so."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.engine.models import CheckState, FindingRecord, Monitor, Sight
from standby.engine.phase import slot_at_or_after
from standby.engine.pool import PACK, RATE_WINDOW, ProbePool
from standby.probes.run import Job, jobs_for
from tests.peers.dns import DnsPeer
from tests.peers.http import HttpPeer, Reply, Request

PAGES = 4
INTERVAL = 4  # seconds: the four pages run a second apart


class Stamped:
    """Answers 200 (or slowly, for the paths told to) and keeps when each path was asked."""

    def __init__(self) -> None:
        self.at: dict[str, list[float]] = {}
        self.slow: set[str] = set()

    def __call__(self, request: Request) -> Reply:
        self.at.setdefault(request.path, []).append(time.time())
        return Reply(200, "up", delay=10.0 if request.path in self.slow else 0.0)


@pytest.fixture
def site() -> Iterator[tuple[HttpPeer, Stamped]]:
    stamped = Stamped()
    with HttpPeer() as peer:
        peer.fallback = stamped
        yield peer, stamped


def write_plan(directory: Path, peer: HttpPeer, *, resolver: str | None = None) -> Path:
    """The pages at 127.0.0.1, or with a `resolver`, at a name it is asked for."""
    settings: dict[str, object] = {"cache_dir": str(directory), "timeout": "5s"}
    if resolver is not None:
        settings["resolvers"] = [resolver]
    host = "127.0.0.1" if resolver is None else "pages.pool.example"
    plan = {
        "version": 1,
        "organization": "Pool",
        "settings": settings,
        "people": [{"id": "o", "name": "O", "email": "o@pool.example"}],
        "endpoints": [
            {"id": f"p{i}", "url": peer.url(f"/p{i}", host=host), "owner": "o", "interval": f"{INTERVAL}s"}
            for i in range(PAGES)
        ],
    }
    path = directory / "plan.yaml"
    path.write_text(yaml.safe_dump(plan))
    return path


async def test_runs_in_probe_processes_start_at_their_slots_and_are_recorded(
    tmp_path: Path, site: tuple[HttpPeer, Stamped], sqlite_sessions: sessionmaker[Session]
) -> None:
    peer, stamped = site
    engine = Engine(write_plan(tmp_path, peer), sqlite_sessions, probes=2, ahead=timedelta(seconds=INTERVAL))
    try:
        await engine.start()
        report = await engine.tick()  # claims the four pages ahead, each starts at its slot
    finally:
        await engine.close()
    assert (report.claimed, report.ran, report.findings) == (PAGES, PAGES, PAGES)
    with sqlite_sessions() as session:
        monitors = {m.key: m for m in session.scalars(select(Monitor))}
        states = session.scalars(select(CheckState)).all()
        findings = session.scalars(select(FindingRecord)).all()
    assert {s.status for s in states} == {"ok"} and len(findings) == PAGES
    for i in range(PAGES):
        monitor = monitors[f"endpoint:p{i}/http"]
        assert monitor.last_run_at is not None and monitor.phase_ms is not None
        slot = slot_at_or_after(monitor.phase_ms, timedelta(seconds=INTERVAL), monitor.last_run_at)
        asked = datetime.fromtimestamp(stamped.at[f"/p{i}"][0], UTC)
        assert slot - timedelta(seconds=INTERVAL) < monitor.last_run_at <= slot  # started in its slot
        assert abs((asked - monitor.last_run_at).total_seconds()) < 1.0
        assert monitor.next_run_at == slot + timedelta(seconds=INTERVAL) or monitor.next_run_at == slot


async def test_findings_from_probe_processes_that_failed_on_standbys_side_are_held_while_it_is_blind(
    tmp_path: Path, site: tuple[HttpPeer, Stamped], sqlite_sessions: sessionmaker[Session]
) -> None:
    """The probe processes mark a failure of Standby's own resolver (`details.local`); the engine's
    process, whose self-check fails the same way, holds those findings: history only, no state."""
    peer, stamped = site
    with DnsPeer(recursive=True) as resolver:
        resolver.add("pages.pool.example", "A", "127.0.0.1")
        address = resolver.address
        plan = write_plan(tmp_path, peer, resolver=address)
        resolver.kill()  # nothing answers on Standby's resolver: the pages cannot be looked up
        engine = Engine(plan, sqlite_sessions, probes=1, ahead=timedelta(seconds=INTERVAL))
        try:
            await engine.start()
            report = await engine.tick()
        finally:
            await engine.close()
    assert (report.claimed, report.ran, report.findings) == (PAGES, PAGES, PAGES) and not stamped.at
    blind = f"Standby cannot resolve names: its resolvers {address} do not answer"
    with sqlite_sessions() as session:
        assert session.scalars(select(CheckState)).all() == []  # held: no page's state moved
        findings = session.scalars(select(FindingRecord)).all()
        (sight,) = session.scalars(select(Sight))
    assert {(f.status, f.summary, f.details["local"]) for f in findings} == {("unknown", blind, "resolvers")}
    assert (sight.observed, sight.summary) == ("critical", blind)


async def test_a_probe_process_that_dies_is_replaced_and_its_runs_say_what_happened(
    tmp_path: Path, site: tuple[HttpPeer, Stamped], sqlite_sessions: sessionmaker[Session]
) -> None:
    peer, stamped = site
    stamped.slow = {f"/p{i}" for i in range(PAGES)}  # every page answers in 10 s: the runs are held
    engine = Engine(write_plan(tmp_path, peer), sqlite_sessions, probes=1, ahead=timedelta(seconds=INTERVAL))
    try:
        await engine.start()
        await engine.tick(wait=False)
        (child,) = engine._probes._children  # type: ignore[attr-defined]
        first = child.process.pid
        while not stamped.at:  # the first run is under way in the child
            time.sleep(0.05)
        os.kill(first, signal.SIGKILL)
        stamped.slow = set()
        report = await engine.tick()  # the dead child's runs end; the new child runs what comes next
        with sqlite_sessions() as session:
            summaries = [s.summary for s in session.scalars(select(CheckState))]
        assert report.ran == PAGES
        assert all("probe process stopped (exit status -9) while checking" in s for s in summaries)
        for _ in range(600):  # another process takes its place (its imports take a moment)
            if child.process is not None:
                break
            await asyncio.sleep(0.1)
        assert child.process is not None and child.process.pid != first
    finally:
        await engine.close()


async def _nothing(ctx: object) -> list[object]:
    return []


async def test_only_as_many_probe_processes_take_runs_as_the_rate_needs() -> None:
    """At a few runs a second one process takes them all (two idle ones cost more than one busy one);
    past PACK a second the next joins at once, and it leaves only after a whole window well under."""
    clock = ManualClock(datetime(2026, 12, 5, tzinfo=UTC))
    pool = ProbePool(2, clock, jobs_for)  # never started: the runs stay in each child's queue
    jobs = [Job(f"endpoint:e{i}", "endpoint", "http", f"/e{i}", None, _nothing) for i in range(1000)]

    def second(rate: int) -> list[int]:  # submit `rate` runs over one second; how many each child got
        before = [len(c.outgoing) for c in pool._children]
        for i in range(rate):
            pool.submit(jobs[i % len(jobs)], clock.now())
            clock.advance(timedelta(seconds=1 / rate))
        return [len(c.outgoing) - b for c, b in zip(pool._children, before, strict=True)]

    assert all(second(20)[1] > 0 for _ in range(3))  # at first both take runs (a start is a burst)
    for _ in range(int(RATE_WINDOW)):
        second(20)
    assert [second(20)[1] for _ in range(3)] == [0, 0, 0]  # a window at 20 a second: one is enough
    assert second(2 * PACK)[1] > 0  # twice what one takes: the second joins within the second
    await pool.aclose()


def test_a_run_is_late_only_after_the_grid_moment_it_was_meant_to_start_at() -> None:
    pool = ProbePool(1, ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), jobs_for)
    due = datetime(2026, 1, 1, 0, 0, 0, 100_000, tzinfo=UTC)  # 0.1 s: the grid starts it at 0.25 s
    assert pool.start_of(due) == datetime(2026, 1, 1, 0, 0, 0, 250_000, tzinfo=UTC)
    assert pool.start_of(pool.start_of(due)) == pool.start_of(due)
