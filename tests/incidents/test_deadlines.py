"""Promises held: the lead is reminded before a next-update time, the chain hears when it passes,
and external audiences hear Standby's neutral notice only once the outage has lasted external_after."""

from __future__ import annotations

from datetime import timedelta

from standby.incidents import service
from standby.incidents.reach import of_incident
from tests.incidents.conftest import MARKETO, World


def post(world: World, minutes: int, *, publish: bool = False) -> None:
    with world.sessions.begin() as session:
        service.update_incident(
            session, plan=world.plan, incident_id=world.incident().id, know="Marketo's API answers 503.",
            dont_know="When it comes back.", actor="dana", now=world.now, next_by=world.now + timedelta(minutes=minutes),
            publish=publish,
        )  # fmt: skip
    world.deliver()


def test_a_missed_next_update_reminds_the_lead_then_escalates_up_the_chain_and_shows_on_the_timeline(
    world: World,
) -> None:
    world.fail()
    world.at(0)  # promised: the first update within 15 min, by 09:15
    world.at(9)
    assert world.told("dana@acme.example") == ["[incident #1 investigating] Problems with Marketo"]
    world.at(10)
    assert (
        world.told("dana@acme.example")[-1] == "[incident #1] update due at 09:15 EDT: Problems with Marketo"
    )
    assert "in 5 min" in world.body("dana@acme.example") and "Lee Park is told" in world.body(
        "dana@acme.example"
    )
    assert world.told("lee@acme.example") == []
    world.at(15)
    overdue = "[incident #1] update overdue by 0 min: Problems with Marketo"
    assert world.told("lee@acme.example") == [overdue] and world.told("dana@acme.example")[-1] == overdue
    assert world.told("kim@acme.example") == []
    world.at(44)
    assert world.told("kim@acme.example") == []
    world.at(45)  # another update_every without an update: the next person up
    assert world.told("kim@acme.example") == ["[incident #1] update overdue by 30 min: Problems with Marketo"]
    world.at(120)
    assert len(world.told("kim@acme.example")) == 1 and len(world.told("lee@acme.example")) == 1
    kinds = world.kinds()
    assert kinds.count("reminded") == 1 and kinds.count("missed") == 1 and kinds.count("escalated") == 2
    missed = dict(world.timeline())["missed"]
    assert missed == "the update promised for 2025-06-02 09:15 EDT was not posted"


def test_an_update_before_the_deadline_makes_a_new_promise_and_nothing_escalates(world: World) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now + timedelta(minutes=12))
    post(world, 30)  # by 09:42
    world.at(15)
    world.at(36)
    assert world.told("lee@acme.example") == []
    world.at(37)  # 5 minutes before 09:42
    assert (
        world.told("dana@acme.example")[-1] == "[incident #1] update due at 09:42 EDT: Problems with Marketo"
    )
    assert "missed" not in world.kinds()


def test_a_short_promise_is_reminded_a_third_of_its_interval_before(world: World) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now + timedelta(minutes=1))
    post(world, 6)  # by 09:07, promised at 09:01: remind at 09:05
    world.at(4)
    assert "reminded" not in world.kinds()
    world.at(5)
    assert "reminded" in world.kinds()


def test_external_audiences_hear_the_neutral_notice_once_the_outage_lasts_external_after(
    world: World,
) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now + timedelta(minutes=10))
    post(world, 60)  # a person's words, not published
    world.at(29)
    assert world.told("pat@partner.example") == []
    world.at(30)
    assert world.told("pat@partner.example") == ["Acme Corp: Problems with Marketo forms (investigating)"]
    body = world.body("pat@partner.example")
    assert body.startswith("We are investigating problems with Marketo forms.")
    assert "We will update you by 10:10 EDT." in body and "503" not in body
    incident = world.incident()
    assert incident.published
    with world.sessions() as session:
        assert of_incident(session, incident).first_outside == world.now
    assert "external_after" in world.kinds()
    world.at(31)
    assert len(world.told("pat@partner.example")) == 1
    post(world, 30)  # still needs publish
    assert len(world.told("pat@partner.example")) == 1
    world.check("ok", asset=MARKETO, check="statuspage", summary="ok")  # Standby's own words go out now
    world.deliver()
    assert world.told("pat@partner.example")[-1] == "Acme Corp: Problems with Marketo forms (monitoring)"


def test_an_outage_shorter_than_external_after_is_never_told_outside(world: World) -> None:
    world.fail()
    world.at(0)
    world.clock.set(world.now + timedelta(minutes=20))
    world.check("ok", asset=MARKETO, check="statuspage", summary="ok")
    world.at(20)
    world.at(60)
    assert world.told("pat@partner.example") == []
    assert not world.incident().published


def test_running_due_work_twice_at_the_same_moment_sends_nothing_twice(world: World) -> None:
    world.fail()
    world.at(0)
    for _ in range(3):
        world.at(15)
        world.at(30)
    assert len(world.told("lee@acme.example")) == 1
    assert len(world.told("pat@partner.example")) == 1
