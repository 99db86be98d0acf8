"""The transactional outbox: a message is a row before it is sent, sent by whoever claims it.

`enqueue` writes the row in the caller's transaction (with the alert or step that caused it), keyed so
a repeat is a no-op. `deliver` claims due rows under a lease and commits the claim before sending, then
records the outcome: a crash mid-send leaves a lease that runs out, and the message is sent again.
Delivery to the relay is therefore at-least-once; a key is never enqueued (or paged) twice.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.errors import DeliveryError
from standby.channels.models import CHANNELS, DeliveryAttempt, Message
from standby.channels.policy import OutboxPolicy
from standby.channels.sender import Sender
from standby.store.db import lock_for_write

log = logging.getLogger(__name__)
_RNG = random.Random()  # noqa: S311 - jitter, not secrets


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


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    limit: int,
    lease: timedelta,
    max_attempts: int = OutboxPolicy.max_attempts,
) -> list[Message]:
    """Lease up to `limit` due messages to `worker`: pending ones whose time has come, and ones whose
    claimer let its lease run out (that try is recorded as an attempt of unknown outcome).

    PostgreSQL skips rows other workers hold (`FOR UPDATE SKIP LOCKED`); SQLite takes the write lock
    first, so call it at the start of a transaction. The caller commits, and must do so before sending.
    """
    lock_for_write(session)
    due = or_(
        and_(Message.state == "pending", Message.next_attempt_at <= now),
        and_(Message.state == "sending", Message.lease_until <= now),
    )
    query = select(Message).where(due).order_by(Message.id).limit(limit).with_for_update(skip_locked=True)
    claimed: list[Message] = []
    for message in session.scalars(query):
        if message.state == "sending":
            lost = DeliveryError(
                f"worker {message.lease_owner} did not report back before its lease ran out "
                "(it may have sent the message)"
            )
            _record(session, message, worker=message.lease_owner, now=now, error=lost)
            message.last_error = str(lost)
            if message.attempts >= max_attempts:
                _give_up(message)
                continue
        message.state = "sending"
        message.lease_owner = worker
        message.lease_until = now + lease
        claimed.append(message)
    session.flush()
    return claimed


def deliver(
    session_factory: sessionmaker[Session],
    *,
    worker: str,
    now: datetime,
    senders: Mapping[str, Sender],
    limit: int = 10,
    policy: OutboxPolicy = OutboxPolicy(),  # noqa: B008 - frozen, safe to share
    rng: random.Random = _RNG,
) -> int:
    """Claim due messages, send each through the sender for its channel, record every outcome.

    Returns how many messages were claimed (0: nothing is due). Blocking: call it from a thread.
    """
    with session_factory(expire_on_commit=False) as session, session.begin():
        messages = claim(
            session, worker=worker, now=now, limit=limit, lease=policy.lease, max_attempts=policy.max_attempts
        )
    for message in messages:
        error = _send(message, senders.get(message.channel))
        with session_factory() as session, session.begin():
            _settle(session, message.id, worker=worker, now=now, error=error, policy=policy, rng=rng)
    return len(messages)


def _send(message: Message, sender: Sender | None) -> DeliveryError | None:
    if sender is None:
        return DeliveryError(f"no {message.channel} channel is configured", permanent=True)
    try:
        sender.send(message)
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
    if error.permanent:
        message.permanent = True
        _give_up(message)
    elif message.attempts >= policy.max_attempts:
        _give_up(message)
    else:
        message.state = "pending"
        message.next_attempt_at = now + policy.backoff(message.attempts, rng)
        message.lease_owner = message.lease_until = None
        log.warning(
            "message %s to %s failed (attempt %s, retry at %s): %s",
            message.id,
            message.shown_address,
            message.attempts,
            message.next_attempt_at.isoformat(),
            error,
        )


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
        )
    )


def _give_up(message: Message) -> None:
    message.state = "failed"
    message.lease_owner = message.lease_until = None
    if not message.permanent:
        message.last_error = f"gave up after {message.attempts} attempts; last error: {message.last_error}"
    log.error("message %s to %s failed: %s", message.id, message.shown_address, message.last_error)
