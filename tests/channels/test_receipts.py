"""What counts as told: only a message the channel accepted is delivered; a queued one is "sending",
a failed try "failing" (with its error), a given-up one "failed"; a person is told once any of their
channels delivered. Real deliveries through the outbox to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from standby.channels import receipts
from standby.channels.email import EmailSender
from standby.channels.outbox import deliver
from tests.channels.conftest import T0, HalfJitter, add_email, at
from tests.peers.smtp import SmtpPeer


def test_only_a_delivered_message_counts_and_the_rest_say_why_not(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    add_email(sessions, "k1", topic="alert:42")
    with sessions() as session:
        [queued] = receipts.of_topic(session, "alert:42")
    assert (queued.outcome, queued.why_not, queued.delivered) == ("sending", "sending", False)

    smtp.reject = "451 4.3.0 try again later"
    deliver(sessions, worker="w", clock=at(T0), senders={"email": email_sender}, rng=HalfJitter())
    with sessions() as session:
        [failing] = receipts.of_topic(session, "alert:42")
    assert failing.outcome == "failing" and failing.why_not.startswith("failing, retrying: ")
    assert "451" in failing.why_not

    smtp.reject = None
    later = T0 + timedelta(minutes=5)
    deliver(sessions, worker="w", clock=at(later), senders={"email": email_sender}, rng=HalfJitter())
    with sessions() as session:
        [done] = receipts.of_topic(session, "alert:42")
        latest = receipts.lately(session, "email", "dana@acme.example")
    assert (done.outcome, done.at, done.error) == ("delivered", later, None)
    assert latest is not None and latest.delivered


def test_a_person_is_told_once_one_channel_delivered(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    add_email(sessions, "a", to="dana@acme.example", topic="alert:42")
    add_email(sessions, "b", to="dana@elsewhere.example", topic="alert:42")
    smtp.reject = "550 5.1.1 no such mailbox"
    deliver(sessions, worker="w", clock=at(T0), senders={"email": email_sender}, limit=1)  # it fails
    smtp.reject = None
    deliver(sessions, worker="w", clock=at(T0), senders={"email": email_sender})
    with sessions() as session:
        found = receipts.of_topic(session, "alert:42")
    assert [r.outcome for r in found] == ["failed", "delivered"]
    best = receipts.best(found)
    assert best is not None and best.address == "dana@elsewhere.example"
