"""How often and how long the outbox tries: bounded retries, exponential backoff with full jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class OutboxPolicy:
    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    # How long a claim holds a message unless renewed. The sender renews it every `renew_every` while
    # it works, so it only runs out when the sender died (or stalled that long): then another worker
    # takes the message over — at once if it had not been handed over, else after the far end's window.
    lease: timedelta = timedelta(seconds=20)
    renew_every: timedelta = timedelta(seconds=5)
    # Added to the far end's window before a message whose outcome is unknown is sent again: clocks
    # between workers, and the commit of a late answer that did arrive.
    settle_margin: timedelta = timedelta(seconds=30)

    def backoff(self, attempts: int, rng: random.Random) -> timedelta:
        """The wait after the `attempts`-th failure: uniform in [0, min(cap, base · 2^(attempts-1))].

        Full jitter (rather than a fixed schedule) spreads out messages that failed together, so a
        relay coming back is not hit by all of them in the same second.
        """
        doubled = self.base.total_seconds() * 2.0 ** min(max(attempts - 1, 0), 64)
        ceiling = min(self.cap.total_seconds(), doubled)
        return timedelta(seconds=ceiling * rng.random())
