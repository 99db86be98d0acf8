"""The engine's hourly domain check reuses the registry's answer (a day; 6 h near expiry) but not the
delegation's, and asks the registry again at once when the delegation moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from standby.core.clock import ManualClock
from standby.core.status import Status
from standby.plan.load import load_plan
from standby.probes.context import make_context
from standby.probes.domain import check_domain
from tests.peers.http import Reply
from tests.peers.internet import PARKING_NS, FakeInternet

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.fixture
def internet(tmp_path: Path) -> Iterator[FakeInternet]:
    with FakeInternet(NOW, tmp_path) as net:
        yield net


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def registry_asks(internet: FakeInternet, name: str) -> int:
    return internet.rdap.queries.count(f"/rdap/domain/{name}")


async def test_a_far_expiry_is_read_from_the_registry_once_a_day_while_the_delegation_is_asked_hourly(
    internet: FakeInternet, clock: ManualClock
) -> None:
    internet.add_domain("far.example", days_left=200)
    plan, _ = load_plan(internet.write_plan())
    ctx = make_context(plan, clock)
    try:
        for _ in range(25):
            findings = await check_domain(plan.domains[0], ctx)
            clock.advance(HOUR)
    finally:
        await ctx.net.aclose()
    assert registry_asks(internet, "far.example") == 2  # hour 0 and hour 24
    assert len(internet.parent.asked("far.example", "NS")) == 25
    registration = findings[0]
    assert registration.status is Status.OK and registration.details["days_left"] == 199  # counted from now


async def test_an_expiry_inside_warn_within_is_read_again_every_6_hours(
    internet: FakeInternet, clock: ManualClock
) -> None:
    internet.add_domain("near.example", days_left=20)
    plan, _ = load_plan(internet.write_plan())
    ctx = make_context(plan, clock)
    try:
        for _ in range(13):
            await check_domain(plan.domains[0], ctx)
            clock.advance(HOUR)
    finally:
        await ctx.net.aclose()
    assert registry_asks(internet, "near.example") == 3  # hours 0, 6 and 12


async def test_a_moved_delegation_makes_it_ask_the_registry_again_at_once(
    internet: FakeInternet, clock: ManualClock
) -> None:
    internet.add_domain("acme.example", days_left=200)
    plan, _ = load_plan(internet.write_plan())
    ctx = make_context(plan, clock)
    try:
        first = await check_domain(plan.domains[0], ctx)
        clock.advance(HOUR)
        internet.lapse_like_marketo("acme.example")
        second = await check_domain(plan.domains[0], ctx)
    finally:
        await ctx.net.aclose()
    assert first[0].status is Status.OK
    assert registry_asks(internet, "acme.example") == 2
    assert second[0].status is Status.CRITICAL and "pendingrenewaldeletion.com" in second[0].summary
    assert second[1].details["nameservers"] == PARKING_NS


async def test_a_doubtful_or_failed_answer_is_not_reused(internet: FakeInternet, clock: ManualClock) -> None:
    internet.add_domain("acme.example", days_left=200)
    internet.rdap.domains["acme.example"] = Reply(503, "busy")
    plan, _ = load_plan(internet.write_plan())
    ctx = make_context(plan, clock)
    try:
        for _ in range(3):
            findings = await check_domain(plan.domains[0], ctx)
            clock.advance(HOUR)
    finally:
        await ctx.net.aclose()
    assert findings[0].status is Status.UNKNOWN
    assert registry_asks(internet, "acme.example") >= 3
