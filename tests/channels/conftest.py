from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.email import EmailSender
from standby.channels.models import Message
from standby.channels.outbox import enqueue
from standby.core.clock import ManualClock
from standby.plan.model import Email
from tests.peers.smtp import SmtpPeer

T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def at(when: datetime) -> ManualClock:
    """The outbox's clock, standing at `when`."""
    return ManualClock(when)


class HalfJitter(random.Random):
    """Jitter that always lands halfway, so a test knows exactly when a retry is due."""

    def random(self) -> float:
        return 0.5


def email_config(url: str, **extra: object) -> Email:
    return Email.model_validate(
        {"smtp": url, "from": "Standby <standby@acme.example>", "starttls": False, **extra}
    )


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest.fixture
def email_sender(smtp: SmtpPeer) -> EmailSender:
    return EmailSender(email_config(smtp.url), timeout=timedelta(seconds=2))


def add_email(
    sessions: sessionmaker[Session],
    key: str,
    *,
    to: str = "dana@acme.example",
    now: datetime = T0,
    topic: str | None = None,
) -> Message:
    """A page about its own alert (`topic`: one per key unless given; one topic's messages to one
    address go out in order, one at a time)."""
    with sessions.begin() as session:
        return enqueue(
            session,
            key=key,
            topic=topic or f"alert:{key}",
            recipient="dana",
            channel="email",
            address=to,
            subject=f"[critical] demo-page is down ({key})",
            body="https://go.acme.example/demo answers 503 since 09:00 UTC.",
            now=now,
        )


def load(sessions: sessionmaker[Session], message_id: int) -> Message:
    with sessions() as session:
        message = session.get(Message, message_id)
        assert message is not None
        _ = message.attempt_log  # loaded while the session is open
        return message
