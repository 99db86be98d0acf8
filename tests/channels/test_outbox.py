from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.email import EmailSender
from standby.channels.errors import TAKEN_OVER
from standby.channels.models import Message
from standby.channels.outbox import claim, deliver, enqueue
from standby.channels.policy import OutboxPolicy
from standby.channels.sender import Handover
from tests.channels.conftest import T0, HalfJitter, add_email, at, load
from tests.peers.smtp import SmtpPeer


def test_enqueueing_the_same_key_twice_keeps_one_message_and_sends_it_once(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    first = add_email(sessions, "alert:42/step:0/dana/email")
    again = add_email(sessions, "alert:42/step:0/dana/email", now=T0 + timedelta(minutes=5))
    assert again.id == first.id
    assert again.created_at == T0
    assert deliver(sessions, worker="a", clock=at(T0), senders={"email": email_sender}) == 1
    assert (
        deliver(sessions, worker="a", clock=at(T0 + timedelta(hours=1)), senders={"email": email_sender}) == 0
    )
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 1
    assert len(smtp.received) == 1


def test_a_message_is_a_row_in_the_callers_transaction_and_vanishes_if_it_rolls_back(
    sessions: sessionmaker[Session],
) -> None:
    with sessions() as session, session.begin():
        enqueue(
            session,
            key="k",
            topic="alert:1",
            recipient=None,
            channel="email",
            address="x@acme.example",
            subject="s",
            body="b",
            now=T0,
        )
        session.rollback()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0


def test_a_sent_message_records_one_successful_attempt(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    message = add_email(sessions, "k1")
    deliver(sessions, worker="a", clock=at(T0), senders={"email": email_sender})
    sent = load(sessions, message.id)
    assert (sent.state, sent.attempts, sent.sent_at, sent.lease_owner) == ("sent", 1, T0, None)
    assert [(a.ok, a.worker, a.at) for a in sent.attempt_log] == [(True, "a", T0)]


def test_while_smtp_is_down_messages_wait_with_backoff_and_each_arrives_once_when_it_returns(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    ids = [add_email(sessions, f"k{i}", to=f"person{i}@acme.example").id for i in range(3)]
    smtp.stop()
    policy, jitter = OutboxPolicy(), HalfJitter()
    senders = {"email": email_sender}

    assert deliver(sessions, worker="a", clock=at(T0), senders=senders, policy=policy, rng=jitter) == 3
    waiting = load(sessions, ids[0])
    assert waiting.state == "pending" and waiting.attempts == 1
    assert waiting.next_attempt_at == T0 + timedelta(seconds=15)  # half of 30 s
    assert "could not deliver through SMTP relay" in (waiting.last_error or "")

    assert (
        deliver(sessions, worker="a", clock=at(T0 + timedelta(seconds=14)), senders=senders, rng=jitter) == 0
    )
    second = T0 + timedelta(seconds=15)
    assert deliver(sessions, worker="a", clock=at(second), senders=senders, policy=policy, rng=jitter) == 3
    assert load(sessions, ids[0]).next_attempt_at == second + timedelta(seconds=30)  # half of 60 s

    smtp.start()
    back = second + timedelta(seconds=30)
    assert deliver(sessions, worker="a", clock=at(back), senders=senders, policy=policy, rng=jitter) == 3
    assert deliver(sessions, worker="a", clock=at(back + timedelta(days=1)), senders=senders) == 0
    assert sorted(m["Subject"] for m in smtp.messages) == sorted(
        f"[critical] demo-page is down (k{i})" for i in range(3)
    )
    delivered = load(sessions, ids[0])
    assert (delivered.state, delivered.attempts, delivered.sent_at) == ("sent", 3, back)
    assert [a.ok for a in delivered.attempt_log] == [False, False, True]


def test_a_permanent_refusal_fails_the_message_at_once_and_keeps_the_reason(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    message = add_email(sessions, "k", to="nobody@acme.example")
    smtp.reject = "550 5.1.1 <nobody@acme.example>: mailbox unavailable"
    deliver(sessions, worker="a", clock=at(T0), senders={"email": email_sender})
    failed = load(sessions, message.id)
    assert (failed.state, failed.permanent, failed.attempts) == ("failed", True, 1)
    assert "550 5.1.1 <nobody@acme.example>: mailbox unavailable" in (failed.last_error or "")
    smtp.reject = None
    assert (
        deliver(sessions, worker="a", clock=at(T0 + timedelta(days=1)), senders={"email": email_sender}) == 0
    )
    assert smtp.received == []


def test_retries_stop_after_the_last_allowed_attempt(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    message = add_email(sessions, "k")
    smtp.reject = "451 4.3.0 try again later"
    policy = OutboxPolicy(max_attempts=3)
    now = T0
    for _ in range(3):
        assert (
            deliver(sessions, worker="a", clock=at(now), senders={"email": email_sender}, policy=policy) == 1
        )
        now += policy.cap
    assert deliver(sessions, worker="a", clock=at(now), senders={"email": email_sender}, policy=policy) == 0
    given_up = load(sessions, message.id)
    assert (given_up.state, given_up.permanent, given_up.attempts) == ("failed", False, 3)
    assert given_up.last_error is not None
    assert given_up.last_error.startswith("gave up after 3 attempts")
    assert "451 4.3.0 try again later" in given_up.last_error


def test_a_worker_that_claimed_and_died_is_taken_over_once_its_lease_runs_out(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    message = add_email(sessions, "k")
    lease = OutboxPolicy().lease
    with sessions.begin() as session:
        assert [m.id for m in claim(session, worker="dead", now=T0, limit=10, lease=lease)] == [message.id]
    senders = {"email": email_sender}
    assert deliver(sessions, worker="b", clock=at(T0 + lease - timedelta(seconds=1)), senders=senders) == 0
    assert deliver(sessions, worker="b", clock=at(T0 + lease), senders=senders) == 1
    assert deliver(sessions, worker="b", clock=at(T0 + 3 * lease), senders=senders) == 0
    assert len(smtp.received) == 1
    taken_over = load(sessions, message.id)
    assert taken_over.state == "sent"
    assert [(a.worker, a.ok) for a in taken_over.attempt_log] == [("dead", False), ("b", True)]
    assert taken_over.attempt_log[0].error == (
        "worker dead stopped reporting before handing the message over; it was not sent, sending it now"
    )


def test_a_message_for_a_channel_that_is_not_configured_fails_permanently(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        message = enqueue(
            session,
            key="k",
            topic="alert:1",
            recipient="dana",
            channel="apprise",
            address="json://127.0.0.1:9/hook",
            subject="s",
            body="b",
            now=T0,
        )
    deliver(sessions, worker="a", clock=at(T0), senders={})
    failed = load(sessions, message.id)
    assert (failed.state, failed.permanent, failed.last_error) == (
        "failed",
        True,
        "no apprise channel is configured",
    )


class Broken:
    window = timedelta(minutes=1)

    def send(self, message: Message, handover: Handover) -> None:
        raise RuntimeError("bug in a channel")


def test_a_channel_that_crashes_is_retried_and_does_not_hold_up_the_others(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    with sessions.begin() as session:
        broken = enqueue(
            session,
            key="a",
            topic="alert:1",
            recipient="dana",
            channel="apprise",
            address="json://127.0.0.1:9/hook",
            subject="s",
            body="b",
            now=T0,
        )
    add_email(sessions, "b")
    assert (
        deliver(sessions, worker="w", clock=at(T0), senders={"apprise": Broken(), "email": email_sender}) == 2
    )
    assert len(smtp.received) == 1
    retried = load(sessions, broken.id)
    assert retried.state == "pending"
    assert retried.last_error == "unexpected error: RuntimeError: bug in a channel"


class Stalling:
    """Gets as far as the point of no return only after another worker has taken the message over (as
    if stuck past its lease)."""

    def __init__(self, inner: EmailSender, takeover: Callable[[], int]) -> None:
        self.inner, self.takeover = inner, takeover
        self.window = inner.window

    def send(self, message: Message, handover: Handover) -> None:
        assert self.takeover() == 1
        self.inner.send(message, handover)


def test_a_worker_stalled_past_its_lease_is_overtaken_and_stops_before_handing_the_message_over(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    message = add_email(sessions, "k")
    lease = OutboxPolicy().lease
    overtake = lambda: deliver(sessions, worker="b", clock=at(T0 + lease), senders={"email": email_sender})  # noqa: E731
    deliver(sessions, worker="a", clock=at(T0), senders={"email": Stalling(email_sender, overtake)})
    settled = load(sessions, message.id)
    assert (settled.state, settled.sent_at, settled.last_error) == ("sent", T0 + lease, None)
    assert [(a.worker, a.ok) for a in settled.attempt_log] == [("a", False), ("b", True), ("a", False)]
    assert settled.attempt_log[-1].error == TAKEN_OVER
    assert len(smtp.received) == 1, "exactly once: the stalled worker stopped before the final dot"
