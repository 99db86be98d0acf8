from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.email import EmailSender
from standby.channels.models import Message
from standby.channels.outbox import enqueue
from standby.plan.model import Email
from tests.peers.smtp import SmtpPeer

T0 = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


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
    sessions: sessionmaker[Session], key: str, *, to: str = "dana@acme.example", now: datetime = T0
) -> Message:
    with sessions.begin() as session:
        return enqueue(
            session,
            key=key,
            topic="alert:42",
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
