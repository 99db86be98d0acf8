"""The chain runs: owner at once, manager after 30 min, repeat, exhaustion; never twice, never silent."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from standby.alerts import escalation
from standby.alerts.models import Escalation
from standby.channels.models import Message
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.alerts.conftest import T0, World
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer

PAGE = "[critical] demo-page: https://go.acme.example/demo is critical"


def with_playbook(world: World, *steps: dict[str, Any], repeat: int = 0) -> None:
    playbook = {"id": "forms-down", "escalation": list(steps), "repeat": repeat}
    endpoint = {
        "id": "demo-page",
        "url": "https://go.acme.example/demo",
        "owner": "dana",
        "playbook": "forms-down",
    }
    world.edit_plan(playbooks=[playbook], endpoints=[endpoint])


def test_it_pages_the_owner_at_once_and_the_manager_after_30_minutes_exactly_once_each(world: World) -> None:
    world.check("critical")
    world.at(0)
    assert world.mail("dana@acme.example") == [PAGE]
    assert [p["title"] for p in world.hook.posted] == [PAGE]  # Dana's notify URL
    world.at(29)
    assert world.mail("lee@acme.example") == []
    world.at(30)
    world.at(31)
    assert world.mail("lee@acme.example") == [PAGE]
    assert world.mail("dana@acme.example") == [PAGE]
    body = world.body("dana@acme.example")
    assert "Owner:   Dana Reyes" in body
    assert "Since:   2025-06-02 09:00 EDT" in body
    assert "if nobody acknowledges by 2025-06-02 09:30 EDT, Lee Park is told." in body
    assert "Acknowledge (stops the escalation): http://127.0.0.1:8400/ack/" in body


def test_the_default_chain_repeats_once_then_says_it_is_exhausted_and_goes_quiet(world: World) -> None:
    world.check("critical")
    for minute in (0, 30, 60, 90, 119):
        world.at(minute)
    assert world.mail("dana@acme.example") == [PAGE, PAGE]
    assert world.mail("lee@acme.example") == [PAGE, PAGE]
    assert "Dana Reyes is told again (round 2)" in world.body("lee@acme.example", 0)

    world.at(120)
    exhausted = "[chain exhausted] demo-page: nobody acknowledged"
    assert world.mail("lee@acme.example")[-1] == exhausted
    assert world.mail("dana@acme.example")[-1] == exhausted
    assert "Told:    Dana Reyes, Lee Park (2 rounds of the default chain)" in world.body("lee@acme.example")
    assert (
        "exhausted",
        "the chain is exhausted; nobody acknowledged. Told Dana Reyes, Lee Park so",
    ) in world.events()

    world.at(600)
    assert len(world.smtp.messages) == 6
    with world.sessions() as session:
        assert session.scalars(select(Escalation.state)).one() == "exhausted"
    assert world.alert().state == "open"  # still someone's to acknowledge


def test_a_step_that_runs_late_keeps_the_next_steps_full_wait(world: World) -> None:
    world.check("critical")
    world.at(45)  # the workers were down at 09:30
    assert world.mail("lee@acme.example") == [PAGE]
    world.at(74)
    assert world.mail("dana@acme.example") == [PAGE]
    world.at(75)
    assert world.mail("dana@acme.example") == [PAGE, PAGE]


def test_a_plan_edit_mid_escalation_does_not_change_who_is_told_next(world: World) -> None:
    world.check("critical")
    kim = {"id": "kim", "name": "Kim Cho", "email": "kim@acme.example"}
    dana = {**world.data["people"][0], "reports_to": "kim"}
    world.edit_plan(people=[dana, *world.data["people"][1:], kim])
    world.at(30)
    assert world.mail("lee@acme.example") == [PAGE]
    assert world.mail("kim@acme.example") == []
    world.at(60)
    noted = [text for kind, text in world.events() if kind == "plan_changed"]
    assert noted == [
        "the plan changed; this escalation keeps the chain it started with. New alerts get: "
        "Dana Reyes at once; Kim Cho after 30 min; rounds of 1 h, repeated once (the default chain)"
    ]

    world.check("critical", asset="endpoint:other")  # a new alert starts from the edited plan
    world.at(90)
    assert world.mail("kim@acme.example") == ["[critical] other: https://go.acme.example/demo is critical"]


def test_a_person_without_a_working_channel_is_skipped_with_a_recorded_failure_and_the_chain_goes_on(
    world: World,
) -> None:
    with_playbook(
        world, {"after": "0m", "notify": ["sam", "owner"]}, {"after": "10m", "notify": ["owner.reports_to"]}
    )
    world.check("critical")
    world.at(0)
    assert world.mail("dana@acme.example") == [PAGE]
    assert (
        "no_channel",
        "could not tell Sam Ortiz: has no email address and no notify URL in the plan",
    ) in world.events()
    world.at(10)
    assert world.mail("lee@acme.example") == [PAGE]


def test_an_owner_nobody_can_reach_does_not_stall_the_chain(world: World) -> None:
    dana = {"id": "dana", "name": "Dana Reyes", "reports_to": "lee"}
    world.edit_plan(people=[dana, *world.data["people"][1:]])
    world.check("critical")
    world.at(0)
    assert world.smtp.messages == [] and world.hook.posted == []
    world.at(30)
    assert world.mail("lee@acme.example") == [PAGE]


def test_the_top_of_the_chain_without_reports_to_is_skipped_with_a_note_the_others_read(world: World) -> None:
    with_playbook(
        world,
        {"after": "0m", "notify": ["owner"]},
        {"after": "15m", "notify": ["owner.reports_to"]},
        {"after": "30m", "notify": ["owner.reports_to.reports_to"]},
    )
    world.check("critical")
    for minute in (0, 15, 30, 60):
        world.at(minute)
    note = "Lee Park reports to nobody in the plan, so 'owner.reports_to.reports_to' names no one"
    assert f"Note: {note}." in world.body("dana@acme.example", 0)
    assert f"Note: {note}." in world.body("lee@acme.example", 0)
    assert ("skipped", f"step 3, round 1: {note}") in world.events()
    # Nobody above Lee: the chain still ends out loud, 30 min after its last step.
    assert world.mail("lee@acme.example")[-1] == "[chain exhausted] demo-page: nobody acknowledged"


def test_an_audience_step_tells_its_members_and_its_own_notify_urls(world: World) -> None:
    world.edit_plan(audiences=[{"id": "marketing", "members": ["lee"], "notify": [world.hook.apprise_url]}])
    with_playbook(world, {"after": "0m", "notify": ["marketing"]})
    world.check("critical")
    world.at(0)
    assert world.mail("lee@acme.example") == [PAGE]
    [posted] = world.hook.posted
    assert "standby ack 1 --by YOUR-ID" in posted["message"]


def test_two_workers_on_postgresql_never_run_a_step_twice(
    postgres_url: str, smtp: SmtpPeer, hook: WebhookPeer
) -> None:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    world = World(session_factory(engine), smtp, hook)
    for i in range(30):
        world.check("critical", asset=f"endpoint:e{i}")
    later = T0 + timedelta(minutes=30)

    def work(worker: str) -> int:
        return sum(escalation.run_due(world.sessions, plan=world.plan, now=later, worker=worker, limit=4)
                   for _ in range(20))  # fmt: skip

    with ThreadPoolExecutor(2) as pool:
        ran = list(pool.map(work, ["a", "b"]))
    assert sum(ran) == 30
    with world.sessions() as session:
        to_lee = Counter(session.scalars(select(Message.topic).where(Message.address == "lee@acme.example")))
    assert len(to_lee) == 30 and set(to_lee.values()) == {1}
    engine.dispose()


def test_a_worker_that_dies_holding_a_step_loses_it_when_its_lease_runs_out(world: World) -> None:
    world.check("critical")
    world.at(0)
    due = T0 + timedelta(minutes=30)
    assert escalation._claim(world.sessions, now=due, worker="dead", limit=10) == [(1, 1)]
    assert escalation.run_due(world.sessions, plan=world.plan, now=due, worker="w2") == 0
    assert world.at(30 + escalation.LEASE.total_seconds() / 60) == 1
    assert world.mail("lee@acme.example") == [PAGE]
