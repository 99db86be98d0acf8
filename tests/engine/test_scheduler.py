"""Scheduling: each monitor runs at its interval, once, whichever worker claims it; a dead worker's
claims run out and another worker takes over."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import ManualClock
from standby.engine.models import Monitor
from standby.engine.scheduler import LEASE, RENEW_EVERY, claim_due, lease_for
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.engine.conftest import T0, MakeEngine, edit_plan, requests_to, ticks
from tests.peers.http import Reply
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


async def test_a_run_a_second_late_keeps_its_phase_and_a_long_overdue_one_counts_from_its_start(
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
    clock.advance(timedelta(minutes=5))  # the engine was away: due at +120 s, it starts at +361 s
    await engine.tick()
    assert page_due() == T0 + timedelta(seconds=361 + 60)


async def test_a_restarted_engine_takes_its_dead_predecessors_claims_back_at_once(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> None:
    """SQLite has one engine (store/lock.py): whatever leases the database holds at start are a dead
    process's, and waiting them out would delay every check (61 s late in the reported run)."""
    await make(worker="killed")  # the previous process: it loaded the plan, claimed everything, was killed
    with sqlite_sessions.begin() as session:
        assert len(claim_due(session, worker="killed", now=clock.now(), limit=100, lease=LEASE)) == 3
    engine = await make(worker="restarted")
    report = await engine.tick()  # no time has passed: the leases would still have 20 s to run
    assert report.claimed == 3 and requests_to(internet, "/demo") == 1


async def test_on_postgresql_a_restarted_worker_takes_back_only_its_own_claims(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, postgres_url: str
) -> None:
    database = make_engine(postgres_url)
    migrate.upgrade(database)
    sessions = session_factory(database)
    try:
        await make(worker="w0", sessions=sessions)  # loads the plan into the shared database
        with sessions.begin() as session:  # two workers claimed; "w1" was killed and comes back as "w1"
            claim_due(session, worker="w1", now=clock.now(), limit=2, lease=LEASE)
            claim_due(session, worker="w2", now=clock.now(), limit=1, lease=LEASE)
        engine = await make(worker="w1", sessions=sessions)
        assert (await engine.tick()).claimed == 2  # its own, at once; w2 may still be alive
        clock.advance(LEASE)
        assert (await engine.tick()).claimed == 1  # w2's, once its lease ran out
    finally:
        database.dispose()


async def test_a_long_run_keeps_its_short_lease_alive_and_nobody_else_runs_it(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> None:
    internet.web.route("/demo", Reply(200, "<h1>Request a demo</h1>", delay=3.0), host="go.acme.example")
    edit_plan(internet, settings={**internet.plan()["settings"], "timeout": "10s"})
    engine = await make(worker="busy")
    await engine.pump()  # the page's run starts and takes a while
    for _ in range(3):  # the run outlives the lease twice over; each pump renews it
        clock.advance(RENEW_EVERY)
        await engine.pump()
        clock.advance(RENEW_EVERY)
    with sqlite_sessions.begin() as session:
        assert claim_due(session, worker="other", now=clock.now(), limit=100, lease=LEASE) == []
        page = session.scalars(select(Monitor).where(Monitor.key == "endpoint:demo-page/http")).one()
        assert page.lease_owner == "busy" and page.lease_until is not None and page.lease_until > clock.now()
    await engine.tick()
    assert requests_to(internet, "/demo") == 1
