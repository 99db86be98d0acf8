from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.apprise_sender import AppriseSender
from standby.channels.errors import DeliveryError
from standby.channels.models import Message
from standby.channels.outbox import deliver, enqueue
from tests.channels.conftest import T0, at, load
from tests.channels.test_email import handed_over
from tests.peers.webhook import WebhookPeer


@pytest.fixture
def hook() -> Iterator[WebhookPeer]:
    with WebhookPeer() as peer:
        yield peer


def message(address: str) -> Message:
    return Message(
        idempotency_key="alert:42/step:0/dana/apprise:0",
        topic="alert:42",
        channel="apprise",
        address=address,
        subject="[critical] demo-page is down",
        body="https://go.acme.example/demo answers 503 since 09:00 UTC.",
        created_at=T0,
    )


def test_it_posts_the_title_and_body_to_a_json_webhook(hook: WebhookPeer) -> None:
    AppriseSender().send(message(hook.apprise_url), handed_over)
    [posted] = hook.posted
    assert posted["title"] == "[critical] demo-page is down"
    assert posted["message"] == "https://go.acme.example/demo answers 503 since 09:00 UTC."


def test_a_url_apprise_cannot_read_is_a_permanent_error_that_shows_no_secret() -> None:
    with pytest.raises(DeliveryError, match=r"Apprise cannot use bogus://…") as caught:
        AppriseSender().send(message("bogus://hunter2@example"), handed_over)
    assert caught.value.permanent
    assert "hunter2" not in str(caught.value)


def test_a_webhook_that_fails_is_worth_retrying_and_says_what_apprise_saw(hook: WebhookPeer) -> None:
    hook.status = 500
    with pytest.raises(DeliveryError) as caught:
        AppriseSender().send(
            message(hook.apprise_url.replace("json://", "json://user:hunter2@")), handed_over
        )
    assert not caught.value.permanent
    assert "500" in str(caught.value)
    assert "json://user:****@127.0.0.1" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_the_outbox_delivers_through_apprise_and_retries_when_the_webhook_recovers(
    sessions: sessionmaker[Session], hook: WebhookPeer
) -> None:
    with sessions.begin() as session:
        queued = enqueue(
            session,
            key="alert:42/step:0/ops/apprise:0",
            topic="alert:42",
            recipient="ops",
            channel="apprise",
            address=hook.apprise_url,
            subject="[critical] demo-page is down",
            body="since 09:00 UTC",
            now=T0,
        )
    senders = {"apprise": AppriseSender()}
    hook.status = 503
    deliver(sessions, worker="a", clock=at(T0), senders=senders)
    assert load(sessions, queued.id).state == "pending"
    hook.status = 200
    deliver(sessions, worker="a", clock=at(T0 + timedelta(hours=1)), senders=senders)
    assert load(sessions, queued.id).state == "sent"
    assert [p["message"] for p in hook.posted] == ["since 09:00 UTC"]
