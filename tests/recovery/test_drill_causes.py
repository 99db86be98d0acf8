"""A drill and the real alerts never group by cause (alerts/causes.py): a drill that lapses acme.example
does not adopt the real alert of the page on it, which keeps paging on its own, and a real lapse of
acme.example does not take the drill's alert of the page under it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from standby.alerts import service as alerts
from standby.alerts.models import Alert
from standby.channels.drill import KEY, DrillRun
from standby.engine.models import CheckState
from tests.incidents.conftest import T0, World

PAGE = "endpoint:demo-page"
DOMAIN = "domain:acme.example"


def _drill(world: World, asset: str, check: str) -> int:
    """Tell the alerts that `asset` failed in drill run 1, as the drill's tick job does: a check state
    held by no session, naming its run."""
    with world.sessions.begin() as session:
        run = session.get(DrillRun, 1)
        if run is None:
            run = DrillRun(drill="lapse", title="Lapse", state="running", requested_at=world.now,
                           started_at=world.now, participants=["dana"])  # fmt: skip
            session.add(run)
            session.flush()
        state = CheckState(
            key=f"{asset}|{check}", monitor=f"{asset}/{check}", asset=asset, kind=asset.split(":")[0],
            check=check, target=asset, owner="dana", status="critical", since=world.now,
            observed="critical", streak=2, summary=f"{asset} fails (drill)", details={KEY: run.id},
            observed_at=world.now,
        )  # fmt: skip
        alerts.on_state_change(session, state=state, previous="ok", plan=world.plan, now=world.now)
        return run.id


def _alerts(world: World) -> dict[tuple[str, str, bool], Alert]:
    with world.sessions() as session:
        return {(a.asset, a.check, a.drill_run_id is not None): a for a in session.scalars(select(Alert))}


def _domain(world: World) -> None:
    world.edit_plan(domains=[{"name": "acme.example", "owner": "dana"}])


def test_a_drills_lapse_does_not_adopt_the_real_alert_of_a_page_under_it(world: World) -> None:
    _domain(world)
    world.check("critical", asset=PAGE, check="http", summary="the demo page is down")
    world.at(0)
    _drill(world, DOMAIN, "registration")
    found = _alerts(world)
    real, drill = found[(PAGE, "http", False)], found[(DOMAIN, "registration", True)]
    assert real.root_id is None and drill.root_id is None
    world.clock.set(T0 + timedelta(minutes=30))
    assert world.at(30) >= 1  # the real page's chain goes on: its next step ran


def test_a_real_lapse_does_not_take_the_drills_alert_of_a_page_under_it(world: World) -> None:
    _domain(world)
    world.check("ok", asset=PAGE, check="http", summary="the demo page is fine")  # really: it is
    _drill(world, PAGE, "http")
    world.check("critical", asset=DOMAIN, check="registration", summary="acme.example lapsed")
    found = _alerts(world)
    assert found[(PAGE, "http", True)].root_id is None
    assert found[(DOMAIN, "registration", False)].root_id is None
