"""What an engine takes back when it starts: the claims a process that is gone left behind.

On SQLite only one engine runs (store/lock.py), so every lease in the database belongs to a process
that has died: its monitors are released (checked at once, not a lease later), its escalation steps
too, and its messages in flight go back in line where they were (sent at once if they had not been
handed over; otherwise their outcome is unknown until the far end's window has passed). On
PostgreSQL other workers may be alive, so only the leases under this worker's own id are taken back
(a worker restarted with the same `--worker-id`); the others run out on their own within seconds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from standby.alerts import escalation
from standby.channels import outbox
from standby.engine import scheduler

log = logging.getLogger("standby.engine")


def reclaim(session: Session, *, worker: str, now: datetime) -> int:
    """Take back what a dead predecessor held; returns how many claims that was."""
    owner = None if session.get_bind().dialect.name == "sqlite" else worker
    monitors = scheduler.reclaim(session, owner=owner)
    steps = escalation.reclaim(session, owner=owner)
    messages = outbox.reclaim(session, owner=owner, now=now)
    if monitors or steps or messages:
        log.warning(
            "took back what a stopped process held: %d monitor(s), %d escalation step(s), %d message(s) "
            "in flight",
            monitors, steps, messages,
        )  # fmt: skip
    return monitors + steps + messages
