"""The transactional outbox: a message is a row before it is sent, sent by whoever claims it.

`enqueue` writes the row in the caller's transaction (with the alert or step that caused it), keyed so
a repeat is a no-op. `deliver` claims due rows under a short, renewed lease (channels/inflight.py) and
commits the claim before sending, records the handover (the send's point of no return) before passing
it, then records the outcome. A message whose sender died before the handover is sent again at once; one
whose answer was lost after it is "unknown" and is sent again (with the same Message-ID) only after the
far end's window. Exactly when a message can arrive twice is in docs/delivery.md.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from standby.channels import inflight
from standby.channels.errors import DeliveryError
from standby.channels.models import CHANNELS, DeliveryAttempt, Message
from standby.channels.policy import OutboxPolicy
from standby.channels.sender import Handover, Sender
from standby.core.clock import Clock
from standby.store.db import lock_for_write

log = logging.getLogger(__name__)
_RNG = random.Random()  # noqa: S311 - jitter, not secrets
UNSETTLED = ("pending", "sending", "unknown")  # a later message to the same place waits for these


def enqueue(
    session: Session,
    *,
    key: str,
    topic: str,
    recipient: str | None,
    channel: str,
    address: str,
    subject: str,
    body: str,
    html: str | None = None,
    now: datetime,
    drill_run_id: int | None = None,
) -> Message:
    """Add a message to send (due at once), or return the one already enqueued under `key`."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {CHANNELS}")
    existing = _by_key(session, key)
    if existing is not None:
        return existing
    message = Message(
        idempotency_key=key,
        topic=topic,
        recipient=recipient,
        channel=channel,
        address=address,
        subject=subject,
        body=body,
        html=html,
        state="pending",
        attempts=0,
        next_attempt_at=now,
        permanent=False,
        created_at=now,
        drill_run_id=drill_run_id,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        # Another process enqueued the same key between our look and our insert: theirs stands.
        found = _by_key(session, key)
        if found is None:
            raise
        return found
    return message


def _by_key(session: Session, key: str) -> Message | None:
    return session.scalars(select(Message).where(Message.idempotency_key == key)).one_or_none()


def due(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """The messages whose time has come: pending or of unknown outcome and due, or sending under a
    lease that ran out (a claimer that stopped reporting)."""
    return or_(
        and_(Message.state.in_(("pending", "unknown")), Message.next_attempt_at <= now),
        and_(Message.state == "sending", Message.lease_until <= now),
    )


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    max_attempts: int = OutboxPolicy.max_attempts,
) -> list[Message]:
    """Lease up to `limit` due messages to `worker`, oldest first: pending ones whose time has come,
    ones whose outcome was unknown once their far end's window has passed, and ones whose claimer let
    its lease run out (`_taken_over`).

    Messages to one address go out in the order they were written: one waits while an earlier one to
    the same place is still unsettled (pending, sending, or of unknown outcome), so a retried page
    never reaches a person after the next step's, the resolution, or anything written after it.

    PostgreSQL skips rows other workers hold (`FOR UPDATE SKIP LOCKED`); SQLite takes the write lock
    first, so call it at the start of a transaction. The caller commits, and must do so before sending.
    """
    lock_for_write(session)
    earlier = aliased(Message)
    waiting = exists().where(
        earlier.channel == Message.channel,
        earlier.address == Message.address,
        earlier.id < Message.id,
        earlier.state.in_(UNSETTLED),
    )
    query = (
        select(Message)
        .where(due(now), ~waiting)
        .order_by(Message.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Message)
    )
    claimed: list[Message] = []
    for message in session.scalars(query):
        if message.state == "sending":
            _taken_over(session, message, now=now, why=f"worker {message.lease_owner} stopped reporting")
            if message.state != "pending" and (message.next_attempt_at or now) > now:
                continue  # handed over: wait out the far end's window
        if message.attempts >= max_attempts:
            _give_up(message)
            continue
        message.state = "sending"
        message.lease_owner = worker
        message.lease_until = now + lease
        message.handed_over_at = None
        claimed.append(message)
    session.flush()
    return claimed


def ahead(session: Session, message: Message) -> Message | None:
    """The earliest unsettled message to the same place that `message` waits behind in line, if any."""
    query = select(Message).where(
        Message.channel == message.channel,
        Message.address == message.address,
        Message.id < message.id,
        Message.state.in_(UNSETTLED),
    )
    return session.scalars(query.order_by(Message.id).limit(1)).first()


def reclaim(session: Session, *, owner: str | None, now: datetime) -> int:
    """Take back the messages a process that is gone left `sending`: every one on SQLite (where this
    process is the only one: store/lock.py), `owner`'s on PostgreSQL (a worker restarted under the same
    id). Each keeps its place in line; returns how many."""
    lock_for_write(session)
    query = select(Message).where(Message.state == "sending").with_for_update()
    if owner is not None:
        query = query.where(Message.lease_owner == owner)
    found = list(session.scalars(query))
    for message in found:
        _taken_over(session, message, now=now, why=f"the process sending it ({message.lease_owner}) stopped")
    return len(found)


def _taken_over(session: Session, message: Message, *, now: datetime, why: str) -> None:
    """A claimer is gone. Not yet handed over: the message never left, send it at once. Handed over:
    it may have been delivered; its outcome is unknown until the far end's window has passed."""
    if message.handed_over_at is None:
        lost = DeliveryError(f"{why} before handing the message over; it was not sent, sending it now")
        message.state, message.next_attempt_at = "pending", now
    else:
        when = message.handed_over_at.strftime("%H:%M:%S UTC")
        lost = DeliveryError(
            f"{why} after handing the message over at {when}, before the answer: it may have been "
            "delivered", unknown=True,
        )  # fmt: skip
        message.state = "unknown"  # next_attempt_at: the window's end, set at the handover
    _record(session, message, worker=message.lease_owner, now=now, error=lost)
    message.last_error = str(lost)
    message.lease_owner = message.lease_until = None


def deliver(
    session_factory: sessionmaker[Session],
    *,
    worker: str,
    clock: Clock,
    senders: Mapping[str, Sender],
    limit: int = 10,
    policy: OutboxPolicy = OutboxPolicy(),  # noqa: B008 - frozen, safe to share
    rng: random.Random | None = None,
) -> int:
    """Claim due messages, send them, record every outcome; returns how many were claimed (0: nothing
    is due). Email goes one message after the other, each chat message beside it (`_lanes`).
    Blocking: call it from a thread. `rng` draws the retry jitter (a module-wide generator when None;
    a test passes its own)."""
    rng = rng or _RNG
    with session_factory(expire_on_commit=False) as session, session.begin():
        messages = claim(
            session,
            worker=worker,
            now=clock.now(),
            limit=limit,
            lease=policy.lease,
            max_attempts=policy.max_attempts,
        )
    if not messages:
        return 0
    lanes = _lanes(messages)

    def send_in_order(batch: list[Message]) -> None:
        for message in batch:
            sender = senders.get(message.channel)
            hand_over = inflight.handover(
                session_factory, message.id, worker=worker, clock=clock, policy=policy,
                window=sender.window if sender is not None else timedelta(0),
            )  # fmt: skip
            error = _send(message, sender, hand_over)
            with session_factory() as session, session.begin():
                now = clock.now()
                _settle(session, message.id, worker=worker, now=now, error=error, policy=policy, rng=rng)

    ids = [m.id for m in messages]
    with (
        inflight.heartbeat(session_factory, ids, worker=worker, clock=clock, policy=policy),
        ThreadPoolExecutor(len(lanes), thread_name_prefix="standby-send") as pool,
    ):
        list(pool.map(send_in_order, lanes))
    return len(messages)


def _lanes(messages: list[Message]) -> list[list[Message]]:
    """The claimed messages in lanes that go at the same time, each oldest first (claim() orders by
    id). Email takes one lane: it all goes through the one relay, one connection at a time (many relays
    limit them, and parallel ones would only queue there), so one alert's owner hears before its
    manager. Each Apprise message takes its own: a relay slow to accept holds up no chat message, and
    a chat service slow to answer holds up no email. (Two messages to one address are never claimed
    together: claim() keeps them in line.)"""
    lanes: dict[str, list[Message]] = {}
    for message in messages:
        key = message.channel if message.channel == "email" else f"{message.channel}:{message.id}"
        lanes.setdefault(key, []).append(message)
    return list(lanes.values())


def _send(message: Message, sender: Sender | None, hand_over: Handover) -> DeliveryError | None:
    if sender is None:
        return DeliveryError(f"no {message.channel} channel is configured", permanent=True)
    try:
        sender.send(message, hand_over)
    except DeliveryError as exc:
        return exc
    except Exception as exc:  # a bug in one channel must not stall the other messages
        log.exception("unexpected error sending message %s via %s", message.id, message.channel)
        return DeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
    return None


def _settle(
    session: Session,
    message_id: int,
    *,
    worker: str,
    now: datetime,
    error: DeliveryError | None,
    policy: OutboxPolicy,
    rng: random.Random,
) -> None:
    lock_for_write(session)
    message = session.get(Message, message_id, with_for_update=True)
    assert message is not None, "outbox messages are never deleted while claimed"
    still_ours = message.state == "sending" and message.lease_owner == worker
    _record(session, message, worker=worker, now=now, error=error)
    if error is None:
        # Sent is sent, even if our lease ran out meanwhile and someone else holds the message now.
        if message.state != "sent":
            message.state, message.sent_at, message.last_error = "sent", now, None
            message.lease_owner = message.lease_until = None
        log.info("sent message %s (%s) to %s", message.id, message.topic, message.shown_address)
        return
    if not still_ours:  # someone else holds (or has settled) the message now: only record our try
        log.warning("message %s failed after its lease ran out: %s", message.id, error)
        return
    message.last_error = str(error)
    message.lease_owner = message.lease_until = None
    if error.permanent:
        message.permanent = True
        _give_up(message)
    elif error.unknown:  # next_attempt_at: the end of the far end's window, set at the handover
        message.state = "unknown"
        log.warning(
            "message %s to %s: outcome unknown, not sent again before %s: %s",
            message.id, message.shown_address, _at(message.next_attempt_at), error,
        )  # fmt: skip
    elif message.attempts >= policy.max_attempts:
        _give_up(message)
    else:
        message.state = "pending"
        message.next_attempt_at = now + policy.backoff(message.attempts, rng)
        log.warning(
            "message %s to %s failed (attempt %s, retry at %s): %s",
            message.id, message.shown_address, message.attempts, _at(message.next_attempt_at), error,
        )  # fmt: skip


def _at(when: datetime | None) -> str:
    return when.isoformat() if when else "?"


def _record(
    session: Session, message: Message, *, worker: str | None, now: datetime, error: DeliveryError | None
) -> None:
    message.attempts += 1
    session.add(
        DeliveryAttempt(
            message=message,
            at=now,
            worker=worker,
            ok=error is None,
            error=None if error is None else str(error),
            permanent=error is not None and error.permanent,
            unknown=error is not None and error.unknown,
        )
    )


def _give_up(message: Message) -> None:
    message.state = "failed"
    message.lease_owner = message.lease_until = None
    if not message.permanent:
        message.last_error = f"gave up after {message.attempts} attempts; last error: {message.last_error}"
    log.error("message %s to %s failed: %s", message.id, message.shown_address, message.last_error)
