"""Messages in flight: the handover that marks a send's point of no return, and the heartbeat that
keeps a sender's claims alive while it works.

Claims are short (`OutboxPolicy.lease`, seconds) so that the messages of a worker that died move to
another within seconds; a live sender renews them every `renew_every` for as long as its sends take
(a relay may take ten minutes to answer the final dot). The handover is a conditional write: it
succeeds only while this sender still holds the message, so of two workers that both believe they
hold it (one stalled past its lease), exactly one passes the point of no return.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import CursorResult, update
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.models import Message
from standby.channels.policy import OutboxPolicy
from standby.channels.sender import Handover
from standby.core.clock import Clock
from standby.store.db import lock_for_write

log = logging.getLogger("standby.channels.outbox")


def handover(
    sessions: sessionmaker[Session],
    message_id: int,
    *,
    worker: str,
    clock: Clock,
    window: timedelta,
    policy: OutboxPolicy,
) -> Handover:
    """The callback a sender calls just before its point of no return: records the moment and, as the
    earliest time the message may be sent again, the end of the far end's window (plus a margin for
    clocks and the last answer's commit). False when the message is no longer this worker's."""

    def hand_over() -> bool:
        now = clock.now()
        with sessions.begin() as session:
            lock_for_write(session)
            done: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(Message)
                .where(Message.id == message_id, Message.lease_owner == worker, Message.state == "sending")
                .values(handed_over_at=now, next_attempt_at=now + window + policy.settle_margin)
            )
        return bool(done.rowcount)

    return hand_over


@contextmanager
def heartbeat(
    sessions: sessionmaker[Session], ids: list[int], *, worker: str, clock: Clock, policy: OutboxPolicy
) -> Iterator[None]:
    """Renew `worker`'s claims on `ids` every `policy.renew_every` while the block runs."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(policy.renew_every.total_seconds()):
            try:
                with sessions.begin() as session:
                    lock_for_write(session)
                    session.execute(
                        update(Message)
                        .where(Message.id.in_(ids), Message.lease_owner == worker, Message.state == "sending")
                        .values(lease_until=clock.now() + policy.lease)
                    )
            except Exception:  # the database away for a moment: the next beat tries again
                log.exception("could not renew the claims on messages in flight")

    thread = threading.Thread(target=beat, name="standby-outbox-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
