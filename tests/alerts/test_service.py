"""Alerts follow the damped check state: open once, update while bad, resolve and tell everyone."""

from __future__ import annotations

from datetime import timedelta

from standby.alerts.view import view
from standby.channels.email import EmailSender
from tests.alerts.conftest import World


def test_a_check_going_bad_opens_one_alert_and_staying_bad_updates_it(world: World) -> None:
    state = world.check("warning", summary="slow: 2.5 s")
    first = world.alert()
    assert (first.state, first.severity, first.reason, state.alert_id) == (
        "open",
        "warning",
        "check",
        first.id,
    )
    world.check("critical", summary="answers 503")
    world.check("warning", summary="slow again")
    alert = world.alert()
    assert alert.id == first.id
    assert (alert.severity, alert.summary) == ("critical", "slow again")  # the worst seen, the latest words
    assert ("changed", "now critical (was warning): answers 503") in world.events()


def test_recovery_resolves_the_alert_and_tells_everyone_who_was_told(world: World) -> None:
    world.check("critical")
    world.at(30)
    world.clock.set(world.now.replace(minute=42))
    state = world.check("ok", summary="https://go.acme.example/demo answers 200")
    world.deliver()
    resolved = "[resolved] demo-page: resolved after 42 min"
    assert world.mail("dana@acme.example")[-1] == resolved
    assert world.mail("lee@acme.example")[-1] == resolved
    assert world.hook.posted[-1]["title"] == resolved
    assert "Nobody had acknowledged it." in world.body("lee@acme.example")
    assert world.alert().state == "resolved" and state.alert_id is None
    world.at(90)
    assert world.mail("dana@acme.example")[-1] == resolved  # the chain stopped


def test_a_check_going_bad_again_after_resolution_opens_a_new_alert(world: World) -> None:
    world.check("critical")
    world.check("ok")
    first = world.alert().id
    world.check("unknown")
    assert world.alert().id == first + 1


def test_a_permanent_delivery_failure_is_on_the_alert_timeline_and_its_view(world: World) -> None:
    world.check("critical")
    world.at(0)
    world.smtp.reject = "550 5.1.1 no such mailbox"
    world.at(30)  # Lee's mail is refused for good
    world.at(31)
    failed = [text for kind, text in world.events() if kind == "delivery_failed"]
    relay = world.smtp.url.removeprefix("smtp://")
    assert failed == [
        f"could not deliver to Lee Park by lee@acme.example: SMTP relay {relay} "
        "refused lee@acme.example: 550 5.1.1 no such mailbox"
    ]
    world.at(32)
    assert len([k for k, _ in world.events() if k == "delivery_failed"]) == 1  # recorded once
    with world.sessions() as session:
        [shown] = view(session, world.alert(), now=world.now).failures
    assert shown.startswith("Lee Park by lee@acme.example: SMTP relay")


def test_a_page_whose_acceptance_never_came_shows_as_outcome_unknown_on_the_alert(world: World) -> None:
    config = world.plan.settings.email
    assert config is not None
    world.senders["email"] = EmailSender(
        config.model_copy(update={"accept_timeout": timedelta(seconds=1)}), timeout=timedelta(seconds=5)
    )
    world.smtp.answer_after = 2  # the relay keeps the page, and answers after we stopped waiting
    world.check("critical")
    world.at(0)
    with world.sessions() as session:
        shown = view(session, world.alert(), now=world.now)
    relay = world.smtp.url.removeprefix("smtp://")
    assert shown.failures == []
    assert shown.unknown == [
        f"Dana Reyes by dana@acme.example: outcome unknown: SMTP relay {relay} was handed the message but "
        "its answer never came (Connection unexpectedly closed: timed out); it may have been delivered; it "
        "goes again, with the same Message-ID, from 2025-06-02 09:00 EDT"
    ]
