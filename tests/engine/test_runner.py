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
from standby.engine import runner
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


async def _finished(engine: Engine) -> None:
    """Until every run in flight has finished (the engine records them at its next pump)."""
    for _ in range(500):
        if all(run.future.done() for run in engine._runs):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the runs never finished")


async def test_runs_that_found_all_well_wait_to_be_recorded_together_and_a_failure_does_not(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = await make()
    await ticks(engine, clock, count=3, every=timedelta(minutes=1))  # every monitor has run and settled
    clock.advance(timedelta(hours=1))
    started = (await engine.pump()).claimed  # all due again: claimed and started in the background
    assert started >= 2
    await _finished(engine)
    assert (await engine.pump()).ran == 0  # all well: they wait for others (RECORD_WAIT)
    monkeypatch.setattr(runner, "RECORD_WAIT", 0.0)
    assert (await engine.pump()).ran == started

    break_page(internet)
    clock.advance(timedelta(hours=1))
    monkeypatch.setattr(runner, "RECORD_WAIT", 60.0)
    started = (await engine.pump()).claimed
    await _finished(engine)
    assert (await engine.pump()).ran == started  # the page fails: recorded at once, with the rest


async def test_while_standby_sees_it_looks_at_itself_every_few_seconds_and_else_once_a_tick(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine: Engine = await make()
    second = timedelta(seconds=1)

    def looks() -> int:  # the self-check asks the resolver for the root zone's servers
        return len(internet.resolver.asked(".", "NS"))

    settle = engine.plan.settings.recover_after + 1  # good looks in a row that leave nothing to settle
    await ticks(engine, clock, count=settle, every=second)  # one a tick until then
    assert looks() == settle
    await ticks(engine, clock, count=3, every=second)  # then none within LOOK_EVERY of the last
    assert looks() == settle
    before = looks()
    clock.advance(runner.LOOK_EVERY)
    await engine.tick()
    assert looks() == before + 1

    internet.resolver.fail(None, "servfail")  # the next look fails: then one a tick until it settles
    clock.advance(runner.LOOK_EVERY)
    counts = []
    for _ in range(3):
        await engine.tick()
        counts.append(looks())
        clock.advance(second)
    assert before + 1 < counts[0] < counts[1] < counts[2]
    for _ in range(5):  # between ticks, the pumps (ten a second while runs are in flight) do not look
        clock.advance(second)
        await engine.pump(wait=True)
    assert looks() == counts[2]
