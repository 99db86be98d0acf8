"""The engine's housekeeping beside probing: delivering the outbox and pruning old findings."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from standby.channels.apprise_sender import AppriseSender
from standby.channels.email import EmailSender
from standby.channels.outbox import deliver
from standby.channels.sender import Sender
from standby.channels.sink import SinkSender
from standby.core.clock import Clock
from standby.core.errors import StandbyError
from standby.engine import history
from standby.plan.model import Settings

log = logging.getLogger("standby.engine")
PRUNE_EVERY = timedelta(hours=1)
BATCH = 10  # messages per claim
MAX_PER_TICK = 100  # then let the tick go on: the rest are sent next time


def senders_for(settings: Settings, *, first: bool) -> dict[str, Sender]:
    """The channels the plan configures. A bad relay URL stops the first load (StandbyError); on a
    reload it is logged and email is left out, so those messages fail visibly rather than vanish."""
    senders: dict[str, Sender] = {"apprise": AppriseSender(), "sink": SinkSender()}
    try:
        email = EmailSender.from_settings(settings)
    except StandbyError as exc:
        if first:
            raise
        log.error("email is off until the plan is fixed: %s", exc)
        email = None
    if email is not None:
        senders["email"] = email
    return senders


def deliver_outbox(
    sessions: sessionmaker[Session],
    *,
    worker: str,
    clock: Clock,
    senders: dict[str, Sender],
    rng: random.Random | None = None,
) -> int:
    """Send due messages, batch after batch, until none is due or MAX_PER_TICK were. A batch may free
    the next message to the same person (they go in order), so the loop goes on while batches come.
    Blocking: run it in a thread. `rng` is the retry jitter (the outbox's own when None)."""
    claimed = 0
    while claimed < MAX_PER_TICK:
        count = deliver(sessions, worker=worker, clock=clock, senders=senders, limit=BATCH, rng=rng)
        claimed += count
        if count == 0:
            break
    return claimed


def prune_history(sessions: sessionmaker[Session], *, now: datetime, retention: timedelta) -> int:
    with sessions.begin() as session:
        gone = history.prune(session, now=now, retention=retention)
    if gone:
        log.info("pruned %d findings older than %s", gone, retention)
    return gone
