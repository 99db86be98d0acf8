"""A slow relay, a lost answer, a sender that died: each message arrives once where that can be known,
is marked "outcome unknown" where it cannot, is never sent again blindly within the relay's window,
and keeps its place in line — a page never reaches a person after the next one about the same alert."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.channels import inflight
from standby.channels.apprise_sender import AppriseSender
from standby.channels.email import EmailSender
from standby.channels.errors import DeliveryError
from standby.channels.outbox import claim, deliver, enqueue, reclaim
from standby.channels.policy import OutboxPolicy
from standby.core.clock import SystemClock
from tests.channels.conftest import T0, HalfJitter, add_email, at, email_config, load
from tests.channels.test_email import handed_over, message
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer

SECOND = timedelta(seconds=1)
POLICY = OutboxPolicy()


def sender(smtp: SmtpPeer, *, timeout: float = 2, accept: str = "10m") -> EmailSender:
    config = email_config(smtp.url, accept_timeout=accept)
    return EmailSender(config, timeout=timedelta(seconds=timeout), ca_bundle=None)


@pytest.fixture
def hook() -> Iterator[WebhookPeer]:
    with WebhookPeer() as peer:
        yield peer


def inbox(smtp: SmtpPeer) -> list[str]:
    return [str(m["Subject"]).rsplit("(", 1)[1].rstrip(")") for m in smtp.messages]


def test_a_relay_slower_to_accept_than_the_command_timeout_delivers_once(
    sessions: sessionmaker[Session], smtp: SmtpPeer
) -> None:
    message = add_email(sessions, "slow")
    smtp.answer_after = 1.5  # beyond every other step's 0.5 s, within the reply-to-the-dot wait
    assert deliver(sessions, worker="a", clock=at(T0), senders={"email": sender(smtp, timeout=0.5)}) == 1
    sent = load(sessions, message.id)
    assert (sent.state, sent.attempts, len(smtp.received)) == ("sent", 1, 1)


def test_an_answer_that_never_comes_is_an_unknown_outcome_not_sent_again_within_the_window(
    sessions: sessionmaker[Session], smtp: SmtpPeer
) -> None:
    message = add_email(sessions, "lost")
    smtp.answer_after = 3
    senders = {"email": sender(smtp, accept="1s")}
    assert deliver(sessions, worker="a", clock=at(T0), senders=senders) == 1
    doubt = load(sessions, message.id)
    assert (doubt.state, doubt.handed_over_at, doubt.next_attempt_at) == (
        "unknown",
        T0,
        T0 + SECOND + 30 * SECOND,
    )
    assert (
        doubt.last_error is not None
        and doubt.last_error.startswith("outcome unknown: SMTP relay 127.0.0.1:")
        and doubt.last_error.endswith("it may have been delivered")
    )
    assert [(a.ok, a.unknown) for a in doubt.attempt_log] == [(False, True)]

    smtp.answer_after = 0
    assert deliver(sessions, worker="a", clock=at(T0 + 30 * SECOND), senders=senders) == 0
    assert deliver(sessions, worker="a", clock=at(T0 + 31 * SECOND), senders=senders) == 1
    assert load(sessions, message.id).state == "sent"
    first, second = smtp.messages
    assert first["Message-ID"] == second["Message-ID"], "a mailbox can fold the copy away"


def test_a_later_message_to_the_same_person_about_the_same_alert_waits_for_an_unsettled_one(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    page = add_email(sessions, "page", topic="alert:7")
    resolved = add_email(sessions, "resolved", topic="alert:7")
    smtp.reject = "451 4.3.0 try again later"
    senders, jitter = {"email": email_sender}, HalfJitter()
    assert deliver(sessions, worker="a", clock=at(T0), senders=senders, rng=jitter) == 1  # the page alone
    assert load(sessions, resolved.id).attempts == 0
    smtp.reject = None
    assert deliver(sessions, worker="a", clock=at(T0 + 14 * SECOND), senders=senders) == 0  # both wait
    later = T0 + POLICY.cap
    assert deliver(sessions, worker="a", clock=at(later), senders=senders) == 1
    assert deliver(sessions, worker="a", clock=at(later), senders=senders) == 1
    assert inbox(smtp) == ["page", "resolved"]
    assert load(sessions, page.id).state == load(sessions, resolved.id).state == "sent"


def test_email_goes_oldest_first_and_a_chat_message_does_not_wait_for_a_slow_relay(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender, hook: WebhookPeer
) -> None:
    add_email(sessions, "owner", topic="alert:7", to="dana@acme.example")
    add_email(sessions, "manager", topic="alert:7", to="lee@acme.example")
    with sessions.begin() as session:
        enqueue(
            session, key="chat", topic="alert:8", recipient="kim", channel="apprise",
            address=hook.apprise_url, subject="[critical] other", body="b", now=T0,
        )  # fmt: skip
    chat, relay_had = threading.Event(), []
    smtp.answer_after, smtp.answer_when = 30, chat  # the relay holds the owner's page until the chat went
    hook.on_post = lambda: (relay_had.append(len(smtp.received)), chat.set())
    senders = {"email": email_sender, "apprise": AppriseSender()}
    assert deliver(sessions, worker="a", clock=at(T0), senders=senders) == 3
    assert inbox(smtp) == ["owner", "manager"]
    assert relay_had in ([0], [1]), "the chat message went before the relay had answered the owner's page"


def test_a_restarted_process_sends_at_once_what_its_predecessor_had_not_handed_over(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    page = add_email(sessions, "page", topic="alert:7")
    resolved = add_email(sessions, "resolved", topic="alert:7")
    with sessions.begin() as session:  # claimed, then the process was killed before the final dot
        assert [m.id for m in claim(session, worker="old", now=T0, limit=1, lease=POLICY.lease)] == [page.id]
    restart = T0 + 5 * SECOND  # long before the lease would run out
    with sessions.begin() as session:
        assert reclaim(session, owner=None, now=restart) == 1
    senders = {"email": email_sender}
    assert deliver(sessions, worker="new", clock=at(restart), senders=senders) == 1
    assert deliver(sessions, worker="new", clock=at(restart), senders=senders) == 1
    assert inbox(smtp) == ["page", "resolved"]  # once each, in order
    taken = load(sessions, page.id)
    assert [(a.worker, a.ok, a.unknown) for a in taken.attempt_log] == [
        ("old", False, False),
        ("new", True, False),
    ]
    assert taken.attempt_log[0].error == (
        "the process sending it (old) stopped before handing the message over; it was not sent, sending it now"
    )
    assert load(sessions, resolved.id).state == "sent"


def test_a_restarted_process_does_not_resend_what_was_handed_over_until_the_relays_window_passed(
    sessions: sessionmaker[Session], smtp: SmtpPeer, email_sender: EmailSender
) -> None:
    page = add_email(sessions, "page", topic="alert:7")
    resolved = add_email(sessions, "resolved", topic="alert:7")
    with sessions.begin() as session:
        claim(session, worker="old", now=T0, limit=1, lease=POLICY.lease)
    window = email_sender.window
    hand_over = inflight.handover(sessions, page.id, worker="old", clock=at(T0), window=window, policy=POLICY)
    assert hand_over()  # the final dot went out; the process died before the answer
    with sessions.begin() as session:
        reclaim(session, owner=None, now=T0 + 5 * SECOND)
    doubt = load(sessions, page.id)
    assert (doubt.state, doubt.next_attempt_at) == ("unknown", T0 + window + POLICY.settle_margin)
    assert doubt.last_error == (
        "the process sending it (old) stopped after handing the message over at 09:00:00 UTC, before the "
        "answer: it may have been delivered"
    )
    senders = {"email": email_sender}
    assert deliver(sessions, worker="new", clock=at(T0 + window), senders=senders) == 0  # the resolution too
    assert deliver(sessions, worker="new", clock=at(T0 + window + POLICY.settle_margin), senders=senders) == 1
    assert deliver(sessions, worker="new", clock=at(T0 + window + POLICY.settle_margin), senders=senders) == 1
    assert inbox(smtp) == ["page", "resolved"]
    assert load(sessions, resolved.id).state == "sent"


def test_a_sender_that_lost_its_claim_stops_before_the_final_dot(smtp: SmtpPeer) -> None:
    try:
        sender(smtp).send(message(), lambda: False)
    except DeliveryError as exc:
        assert not exc.unknown and "another worker took the message over" in str(exc)
    else:
        raise AssertionError("the send should have stopped")
    sender(smtp).send(message(), handed_over)
    assert len(smtp.received) == 1, "the abandoned DATA never became a message"


def test_a_live_sender_keeps_its_claim_however_long_the_relay_takes(
    sessions: sessionmaker[Session], smtp: SmtpPeer
) -> None:
    message_id = add_email(sessions, "slow").id
    policy = OutboxPolicy(lease=timedelta(seconds=1), renew_every=timedelta(seconds=0.2))
    smtp.answer_after = 2.5  # longer than the lease: only renewal keeps the claim
    clock, senders = SystemClock(), {"email": sender(smtp)}
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (
            deliver(sessions, worker="a", clock=clock, senders=senders, policy=policy),
            done.set(),
        )
    )
    worker.start()
    taken = 0
    while not done.wait(0.1):  # another worker looks all along; the claim never lapses
        taken += deliver(sessions, worker="b", clock=clock, senders=senders, policy=policy)
    worker.join()
    assert taken == 0 and len(smtp.received) == 1
    assert [(a.worker, a.ok) for a in load(sessions, message_id).attempt_log] == [("a", True)]
