"""Scheduling: each monitor runs at its interval, once, whichever worker claims it; a dead worker's
claims run out and another worker takes over."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import ManualClock
from standby.engine.models import Monitor
from standby.engine.scheduler import claim_due, lease_for
from tests.engine.conftest import T0, MakeEngine, edit_plan, requests_to, ticks
from tests.peers.internet import FakeInternet

SECOND = timedelta(seconds=1)


async def test_each_monitor_runs_at_its_interval(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    vendor = internet.plan()["vendors"][0] | {"interval": "5m"}
    edit_plan(internet, vendors=[vendor])
    engine = await make()
    await ticks(engine, clock, count=21, every=timedelta(seconds=30))  # T0 .. T0+10m
    assert requests_to(internet, "/demo") == 11  # every 60 s (the endpoint's default)
    assert len(internet.vendor.http.requests) == 3  # every 5 min
    assert len(internet.parent.asked("acme.example", "NS")) == 1  # the delegation hourly
    with engine.sessions() as session:
        page = session.scalars(select(Monitor).where(Monitor.key == "endpoint:demo-page/http")).one()
    assert page.last_run_at == T0 + timedelta(minutes=10)
    assert page.next_run_at == T0 + timedelta(minutes=11)
    assert page.lease_owner is None and page.lease_until is None


async def test_a_tick_reports_what_it_ran_and_how_late(make: MakeEngine, clock: ManualClock) -> None:
    engine = await make()
    first = await engine.tick()
    assert (first.claimed, first.ran, first.lag) == (3, 3, timedelta(0))
    clock.advance(timedelta(seconds=75))  # the page was due 15 s ago
    second = await engine.tick()
    assert (second.claimed, second.ran, second.lag) == (2, 2, timedelta(seconds=15))  # page, vendor
    clock.advance(SECOND)
    assert (await engine.tick()).claimed == 0


async def test_a_dead_workers_claim_runs_out_and_another_worker_runs_the_monitor(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> None:
    engine = await make(worker="survivor")
    lease = lease_for(engine.plan.settings)
    with sqlite_sessions.begin() as session:  # a worker claims everything due, then dies
        dead = claim_due(session, worker="dead", now=clock.now(), limit=100, lease=lease)
    assert len(dead) == 3
    assert (await engine.tick()).claimed == 0
    assert requests_to(internet, "/demo") == 0
    clock.advance(lease - SECOND)
    assert (await engine.tick()).claimed == 0
    clock.advance(SECOND)
    report = await engine.tick()
    assert report.claimed == 3 and report.lag == lease
    assert requests_to(internet, "/demo") == 1


async def test_a_run_recorded_after_its_lease_was_taken_over_is_dropped(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> None:
    engine = await make(worker="slow")
    await engine.tick(wait=False)  # claims and starts the runs
    with sqlite_sessions.begin() as session:  # meanwhile its leases were given to another worker
        session.execute(update(Monitor).values(lease_owner="other"))
    report = await engine.tick()  # the runs finish; their findings are not this worker's to record
    assert report.ran == 0 and report.findings == 0


async def test_a_late_run_keeps_its_phase_and_one_more_than_half_an_interval_late_skips_a_slot(
    make: MakeEngine, clock: ManualClock
) -> None:
    engine = await make()

    def page_due() -> object:
        with engine.sessions() as session:
            query = select(Monitor.next_run_at).where(Monitor.key == "endpoint:demo-page/http")
            return session.scalars(query).one()

    await engine.tick()  # T0: everything runs
    clock.advance(timedelta(seconds=61))  # the page, due at +60 s, starts a second late
    await engine.tick()
    assert page_due() == T0 + timedelta(seconds=120)
    clock.advance(timedelta(minutes=5))  # the engine was busy: due at +120 s, it starts at +361 s
    await engine.tick()
    assert page_due() == T0 + timedelta(seconds=420)  # its own slot, at least half an interval on
