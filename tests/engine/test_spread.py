"""Checks spread evenly and stay spread: each monitor keeps its phase through restarts, reloads and
pauses, so no second sees more than 1.5 times the mean number of checks started."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.engine.models import Monitor
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.engine.conftest import MakeEngine, edit_plan
from tests.peers.internet import FakeInternet

SECOND = timedelta(seconds=1)
PAGES = 40  # with demo-page: 41 endpoints every 60 s


def add_pages(internet: FakeInternet, first: int, count: int) -> None:
    for i in range(first, first + count):
        internet.add_endpoint(f"page-{i}", "go.acme.example", f"/page-{i}")
    edit_plan(internet)


def schedule(sessions: sessionmaker[Session]) -> dict[str, tuple[object, object]]:
    with sessions() as session:
        query = select(Monitor.key, Monitor.phase_ms, Monitor.next_run_at).where(Monitor.key.like("%/http"))
        return {key: (phase, due) for key, phase, due in session.execute(query)}


def page_checks(internet: FakeInternet) -> int:
    return sum(1 for r in internet.web.requests if r.path.startswith("/page-") or r.path == "/demo")


async def run_seconds(engine: Engine, internet: FakeInternet, clock: ManualClock, seconds: int) -> list[int]:
    """Tick once a second; how many page checks started in each second."""
    counts = []
    for _ in range(seconds):
        before = page_checks(internet)
        await engine.tick()
        counts.append(page_checks(internet) - before)
        clock.advance(SECOND)
    return counts


async def test_a_new_plan_spreads_its_checks_evenly_over_the_interval_and_keeps_them_there(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    add_pages(internet, 0, PAGES)
    engine = await make()
    counts = await run_seconds(engine, internet, clock, 180)
    mean = sum(counts) / len(counts)
    assert mean == (PAGES + 1) / 60  # each page once a minute: 41 a minute
    assert max(counts) <= 1.5 * mean  # never two in one second
    assert counts[0] == 1  # the first is due at once, the others follow at their places
    for i in range(PAGES):
        assert sum(1 for r in internet.web.requests if r.path == f"/page-{i}") == 3


async def test_restarts_and_reloads_keep_every_phase_and_new_monitors_fill_the_gaps(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> None:
    add_pages(internet, 0, PAGES)
    first = await make(worker="first")
    await run_seconds(first, internet, clock, 70)
    before = schedule(sqlite_sessions)
    await first.close()

    second = await make(worker="second")  # a restart: same database, same plan
    assert schedule(sqlite_sessions) == before
    add_pages(internet, PAGES, PAGES)  # the plan grows: 40 more pages
    await second.tick()
    after = schedule(sqlite_sessions)
    assert {k: after[k] for k in before} == before  # the old ones did not move
    phases = sorted(int(phase) for phase, _ in after.values())  # type: ignore[call-overload]
    gaps = [b - a for a, b in itertools.pairwise(phases)]
    assert max(gaps) <= 2 * 60_000 / len(phases)  # the new ones went into the gaps


async def test_after_a_pause_missed_checks_take_their_places_instead_of_running_in_one_burst(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    add_pages(internet, 0, PAGES)
    first = await make(worker="first")
    await run_seconds(first, internet, clock, 60)
    phases = {k: phase for k, (phase, _) in schedule(first.sessions).items()}
    await first.close()
    clock.advance(timedelta(minutes=10))  # nothing ran for ten minutes

    second = await make(worker="second")
    counts = await run_seconds(second, internet, clock, 120)
    assert max(counts) <= 2  # no burst of the 41 missed checks: about one a second, as before
    assert sum(counts) >= 2 * (PAGES + 1)
    assert {k: phase for k, (phase, _) in schedule(second.sessions).items()} == phases


async def test_two_workers_on_postgresql_start_the_same_even_spread_as_one(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, postgres_url: str
) -> None:
    add_pages(internet, 0, PAGES)
    first, second = make_engine(postgres_url), make_engine(postgres_url)  # one pool per "process"
    migrate.upgrade(first)
    try:
        a = await make(worker="a", sessions=session_factory(first))
        b = await make(worker="b", sessions=session_factory(second))
        counts = []
        for _ in range(120):  # both workers tick every second, at the same moments
            before = page_checks(internet)
            await asyncio.gather(a.tick(), b.tick())
            counts.append(page_checks(internet) - before)
            clock.advance(SECOND)
    finally:
        first.dispose()
        second.dispose()
    assert sum(counts) == 2 * (PAGES + 1)  # every page once a minute, by one worker or the other
    assert max(counts) <= 1.5 * sum(counts) / len(counts)
