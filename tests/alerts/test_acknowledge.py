"""Acknowledgement: stops the chain, first one wins, nothing changes after resolution."""

from __future__ import annotations

import threading

import pytest

from standby.alerts.service import AlertNotFound, acknowledge
from standby.store.db import lock_for_write
from tests.alerts.conftest import World


def ack(world: World, person: str, alert_id: int = 1) -> str:
    with world.sessions.begin() as session:
        lock_for_write(session)
        return acknowledge(session, alert_id=alert_id, person=person, now=world.now, via="test").message


def test_an_acknowledgement_stops_the_escalation(world: World) -> None:
    world.check("critical")
    world.at(10)
    assert (
        ack(world, "dana")
        == "Acknowledged alert #1 (endpoint:demo-page) as Dana Reyes; the escalation stopped."
    )
    for minute in (30, 60, 120, 600):
        world.at(minute)
    assert world.mail("lee@acme.example") == []
    assert len(world.mail("dana@acme.example")) == 1
    alert = world.alert()
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", "dana")
    assert ("acknowledged", "acknowledged by Dana Reyes (test)") in world.events()


def test_the_others_already_told_hear_who_acknowledged(world: World) -> None:
    world.check("critical")
    world.at(35)
    ack(world, "lee")
    world.deliver()
    assert world.mail("dana@acme.example")[-1] == "[acknowledged] demo-page: Lee Park has it"
    assert world.mail("lee@acme.example")[-1] != "[acknowledged] demo-page: Lee Park has it"


def test_of_two_acknowledgements_at_once_the_first_wins_and_the_second_is_told_who(world: World) -> None:
    world.check("critical")
    world.at(31)
    first = world.sessions()
    first.begin()
    lock_for_write(first)
    assert acknowledge(first, alert_id=1, person="dana", now=world.now, via="test").acknowledged
    second: list[str] = []
    racer = threading.Thread(target=lambda: second.append(ack(world, "lee")))
    racer.start()
    racer.join(0.3)
    assert racer.is_alive(), "the second acknowledgement waits for the first to commit"
    first.commit()
    first.close()
    racer.join(10)
    assert second == ["Alert #1 was already acknowledged by Dana Reyes at 2025-06-02 09:31 EDT."]
    assert world.alert().acknowledged_by == "dana"


def test_an_acknowledgement_after_resolution_changes_nothing(world: World) -> None:
    world.check("critical")
    world.at(5)
    world.check("ok")
    world.at(6)
    assert ack(world, "dana") == "Alert #1 was already resolved at 2025-06-02 09:05 EDT; nothing changed."
    alert = world.alert()
    assert (alert.state, alert.acknowledged_by) == ("resolved", None)


def test_acknowledging_an_alert_that_does_not_exist_says_so(world: World) -> None:
    with pytest.raises(AlertNotFound, match="there is no alert #7"):
        ack(world, "dana", alert_id=7)
