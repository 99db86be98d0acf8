"""The chain runs: owner at once, manager after 30 min, repeat, exhaustion; never twice, never silent."""

from __future__ import annotations

from tests.alerts.conftest import World


def test_it_pages_the_owner_at_once_and_the_manager_after_30_minutes_exactly_once_each(world: World) -> None:
    world.check("critical")
    world.at(0)
    assert len(world.mail("dana@acme.example")) == 1
    assert len(world.hook.posted) == 1
    assert world.mail("lee@acme.example") == []
    world.at(29)
    assert world.mail("lee@acme.example") == []
    world.at(30)
    world.at(31)
    assert len(world.mail("lee@acme.example")) == 1
    assert len(world.mail("dana@acme.example")) == 1
