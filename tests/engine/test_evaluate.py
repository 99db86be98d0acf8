"""Flap damping: a check's confirmed status changes only after enough observations in a row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from standby.core.clock import ManualClock
from standby.engine.evaluate import damp
from standby.engine.models import CheckState
from tests.engine.conftest import T0, Changes, MakeEngine, break_page, edit_plan, mend_page
from tests.peers.internet import FakeInternet

MINUTE = timedelta(minutes=1)
PAGE = ("endpoint:demo-page", "http")


def run(statuses: list[str], alert_after: int = 2, recover_after: int = 2) -> list[str]:
    """The confirmed status after each observation, starting from a new (ok) check."""
    status, last, streak, since, out = "ok", "ok", 0, None, []
    for i, new in enumerate(statuses):
        step = damp(
            status=status, last=last, streak=streak, streak_since=since, new=new,
            at=T0 + i * MINUTE, alert_after=alert_after, recover_after=recover_after,
        )  # fmt: skip
        status, streak, since, last = step.status, step.streak, step.streak_since, new
        out.append(status)
    return out


@pytest.mark.parametrize(
    ("observed", "confirmed"),
    [
        (["critical", "critical"], ["ok", "critical"]),
        (["critical", "ok", "critical", "ok"], ["ok"] * 4),  # blips never alert
        (["warning", "critical"], ["ok", "critical"]),  # bad is bad: the latest one counts
        (["critical", "critical", "ok", "critical", "ok", "ok"], ["ok", *["critical"] * 4, "ok"]),
        (["critical", "critical", "warning", "critical"], ["ok", *["critical"] * 3]),
        (["critical", "critical", "warning", "warning"], ["ok", "critical", "critical", "warning"]),
        (["critical", "critical", "ok", "warning"], ["ok", *["critical"] * 3]),  # a turn restarts it
    ],
)
def test_the_confirmed_status_follows_streaks_not_single_observations(
    observed: list[str], confirmed: list[str]
) -> None:
    assert run(observed) == confirmed


def test_one_observation_is_enough_when_damping_is_off() -> None:
    assert run(["unknown", "ok"], alert_after=1, recover_after=1) == ["unknown", "ok"]


def test_a_long_recovery_needs_recover_after_oks() -> None:
    assert run(["critical", "ok", "ok", "ok"], alert_after=1, recover_after=3) == ["critical"] * 3 + ["ok"]


async def test_two_failures_open_two_successes_close_and_a_single_blip_does_nothing(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    changes = Changes()
    engine = await make(on_state_change=changes)

    async def minute() -> None:
        await engine.tick()
        clock.advance(MINUTE)

    await minute()  # all ok
    break_page(internet)
    await minute()  # one failure: a blip so far
    mend_page(internet)
    await minute()
    assert changes.seen == []

    break_page(internet)
    await minute()
    assert changes.seen == []
    await minute()  # the second failure in a row
    assert changes.seen == [(*PAGE, "ok", "critical")]

    mend_page(internet)
    await minute()
    assert len(changes.seen) == 1
    await minute()
    assert changes.seen[-1] == (*PAGE, "critical", "ok")
    assert len(changes.seen) == 2


async def test_the_state_counts_from_the_first_failure_and_keeps_the_latest_finding(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine = await make()
    break_page(internet)
    await engine.tick()
    onset = clock.now()
    clock.advance(MINUTE)
    await engine.tick()
    with engine.sessions() as session:
        state = session.scalars(select(CheckState).where(CheckState.key == "endpoint:demo-page|http")).one()
    assert (state.status, state.observed, state.streak) == ("critical", "critical", 0)
    assert state.since == onset
    assert state.monitor == "endpoint:demo-page/http" and state.owner == "dana"
    assert "503" in state.summary and state.details["status_code"] == 503


async def test_the_plan_sets_how_many_observations_it_takes(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    settings = {**internet.plan()["settings"], "alert_after": 3, "recover_after": 1}
    edit_plan(internet, settings=settings)
    changes = Changes()
    engine = await make(on_state_change=changes)
    break_page(internet)
    for _ in range(3):
        await engine.tick()
        clock.advance(MINUTE)
    assert changes.seen == [(*PAGE, "ok", "critical")]
    mend_page(internet)
    await engine.tick()
    assert changes.seen[-1] == (*PAGE, "critical", "ok")
