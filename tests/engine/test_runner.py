"""The engine end to end with the real alerts and outbox: a failing endpoint pages its owner by email,
then the owner's manager when nobody acknowledges, each exactly once; `run_forever` stops cleanly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.engine.models import Monitor
from tests.engine.conftest import MakeEngine, break_page, edit_plan, mend_page, ticks
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer

MINUTE = timedelta(minutes=1)


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


def inbox(smtp: SmtpPeer) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in smtp.messages]


async def test_a_failing_endpoint_pages_the_owner_then_the_manager_once_each_and_both_hear_it_is_over(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, smtp: SmtpPeer
) -> None:
    email = {"smtp": smtp.url, "from": "standby@acme.example", "starttls": False}
    edit_plan(internet, settings={**internet.plan()["settings"], "email": email})
    engine = await make(on_state_change=None)  # the real alerts
    break_page(internet)
    await engine.tick()
    assert smtp.messages == []  # one failure is not enough
    clock.advance(MINUTE)
    report = await engine.tick()
    assert report.changes == 1 and report.messages == 1
    assert [to for to, _ in inbox(smtp)] == ["dana@acme.example"]
    assert "demo-page" in inbox(smtp)[0][1]

    await ticks(engine, clock, count=31, every=MINUTE)  # the default chain: the manager after 30 min
    assert [to for to, _ in inbox(smtp)] == ["dana@acme.example", "lee@acme.example"]

    mend_page(internet)
    await ticks(engine, clock, count=3, every=MINUTE)
    recipients = [to for to, _ in inbox(smtp)]
    assert recipients[:2] == ["dana@acme.example", "lee@acme.example"]
    assert sorted(recipients[2:]) == ["dana@acme.example", "lee@acme.example"]  # resolved
    await ticks(engine, clock, count=5, every=MINUTE)
    assert len(smtp.messages) == 4


async def test_run_forever_stops_when_told_and_gives_back_the_claims_in_flight(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    internet.web.latency = 5.0  # the page answers slowly: its run is in flight when we stop
    engine: Engine = await make()
    stop = asyncio.Event()
    running = asyncio.create_task(engine.run_forever(stop))
    for _ in range(100):
        await asyncio.sleep(0.02)
        with engine.sessions() as session:
            if session.scalars(
                select(Monitor.lease_owner).where(Monitor.key == "endpoint:demo-page/http")
            ).one():
                break
    stop.set()
    await asyncio.wait_for(running, timeout=3)
    with engine.sessions() as session:
        page = session.scalars(select(Monitor).where(Monitor.key == "endpoint:demo-page/http")).one()
    assert page.lease_owner is None and page.last_run_at is None  # given back, still due
