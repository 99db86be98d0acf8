"""Several workers on one PostgreSQL database share the work: each due monitor is probed once per
interval, whoever claims it; a worker that dies with claims is replaced once its leases run out; and
the chain of responsibility pages each step exactly once whichever worker runs it, even when one dies
holding a step."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts import escalation
from standby.core.clock import ManualClock
from standby.engine.models import Monitor
from standby.engine.scheduler import claim_due, lease_for
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.engine.conftest import MakeEngine, edit_plan, requests_to
from tests.peers.http import Reply
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer

PAGES = 20
MINUTE = timedelta(minutes=1)


async def test_two_workers_probe_each_due_monitor_once_per_interval(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, postgres_url: str
) -> None:
    for i in range(PAGES):
        internet.add_endpoint(f"page-{i}", "go.acme.example", f"/page-{i}")
    edit_plan(internet)
    first, second = make_engine(postgres_url), make_engine(postgres_url)  # one pool per "process"
    migrate.upgrade(first)
    try:
        a = await make(worker="a", sessions=session_factory(first), capacity=4)
        b = await make(worker="b", sessions=session_factory(second), capacity=4)
        claimed: Counter[str] = Counter()
        for _ in range(19):  # three minutes, a tick every 10 s on each worker, at the same time
            reports = await asyncio.gather(a.tick(), b.tick())
            claimed.update({"a": reports[0].claimed, "b": reports[1].claimed})
            clock.advance(timedelta(seconds=10))
        with session_factory(first)() as session:
            phases = {k: p for k, p in session.execute(select(Monitor.key, Monitor.phase_ms))}
    finally:
        first.dispose()
        second.dispose()
    # Each page once in each of its slots (its phase in the minute, then every minute) up to +3 min.
    slots = {
        key: len(range(phase, 180_001, 60_000)) for key, phase in phases.items() if key.endswith("/http")
    }
    assert {requests_to(internet, f"/page-{i}") for i in range(PAGES)} <= {3, 4}
    assert [requests_to(internet, f"/page-{i}") for i in range(PAGES)] == [
        slots[f"endpoint:page-{i}/http"] for i in range(PAGES)
    ]
    assert requests_to(internet, "/demo") == slots["endpoint:demo-page/http"]
    assert claimed["a"] > 0 and claimed["b"] > 0
    assert claimed["a"] + claimed["b"] == sum(slots.values()) + 4 + 1  # pages and demo, vendor, domain


async def test_a_killed_workers_monitors_are_taken_over_after_its_lease(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, sessions: sessionmaker[Session]
) -> None:
    survivor = await make(worker="survivor", sessions=sessions)
    lease = lease_for(survivor.plan.settings)
    with sessions.begin() as session:  # claimed, committed, then the process was killed
        assert len(claim_due(session, worker="killed", now=clock.now(), limit=100, lease=lease)) == 3
    assert (await survivor.tick()).claimed == 0
    clock.advance(lease)
    assert (await survivor.tick()).claimed == 3
    assert requests_to(internet, "/demo") == 1
    with sessions() as session:
        owners = set(session.scalars(select(Monitor.lease_owner)))
    assert owners == {None}


async def test_two_workers_page_through_one_chain_and_a_worker_killed_mid_escalation_loses_and_doubles_nothing(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, postgres_url: str
) -> None:
    with SmtpPeer() as smtp:
        email = {"smtp": smtp.url, "from": "standby@acme.example", "starttls": False}
        edit_plan(internet, settings={**internet.plan()["settings"], "email": email})
        first, second = make_engine(postgres_url), make_engine(postgres_url)  # one pool per "process"
        migrate.upgrade(first)
        try:
            a = await make(worker="a", sessions=session_factory(first), on_state_change=None)
            b = await make(worker="b", sessions=session_factory(second), on_state_change=None)
            internet.web.route("/demo", Reply(503, "Service Unavailable"), host="go.acme.example")
            for _ in range(31):  # both workers at once, every minute: the owner is paged at minute 1
                await asyncio.gather(a.tick(), b.tick())
                clock.advance(MINUTE)
            assert inbox(smtp) == ["dana@acme.example"]
            # Minute 31: the manager's step is due; worker b takes it and is killed holding it.
            held = escalation._claim(session_factory(second), now=clock.now(), worker="b", limit=10)
            assert len(held) == 1
            for _ in range(4):  # b is gone; a carries on alone and waits out b's lease on the step
                await a.tick()
                clock.advance(MINUTE)
        finally:
            first.dispose()
            second.dispose()
        assert inbox(smtp) == ["dana@acme.example", "lee@acme.example"]  # every step once, none twice


def inbox(smtp: SmtpPeer) -> list[str]:
    return [str(m["To"]) for m in smtp.messages]
