"""What an engine takes back when it starts: the claims a process that is gone left behind.

On SQLite only one engine runs (store/lock.py), so every lease in the database belongs to a process
that has died: its monitors are released (checked at once, not a lease later), the features' leased
rows too (the wiring's reclaims: escalation steps, DNS recovery watches), and its messages in flight
go back in line where they were (sent at once if they had not been handed over; otherwise their
outcome is unknown until the far end's window has passed). On PostgreSQL other workers may be
alive, so only the leases under this worker's own id are taken back (a worker restarted with the same
`--worker-id`); the others run out on their own within seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from standby.channels import outbox
from standby.engine import scheduler
from standby.engine.subscribers import Reclaim

log = logging.getLogger("standby.engine")


def reclaim(session: Session, *, worker: str, now: datetime, also: Sequence[Reclaim] = ()) -> int:
    """Take back what a dead predecessor held; returns how many claims that was."""
    owner = None if session.get_bind().dialect.name == "sqlite" else worker
    monitors = scheduler.reclaim(session, owner=owner)
    rows = sum(work(session, owner=owner) for work in also)
    messages = outbox.reclaim(session, owner=owner, now=now)
    if monitors or rows or messages:
        log.warning(
            "took back what a stopped process held: %d monitor(s), %d claimed row(s) of the features "
            "(escalation steps, DNS recovery watches), %d message(s) in flight",
            monitors, rows, messages,
        )  # fmt: skip
    return monitors + rows + messages
