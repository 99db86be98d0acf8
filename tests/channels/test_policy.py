from __future__ import annotations

import random
from datetime import timedelta

from standby.channels.policy import OutboxPolicy


class Always(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def test_the_wait_doubles_from_the_base_up_to_the_cap() -> None:
    policy = OutboxPolicy()
    ceilings = [policy.backoff(n, Always(0.999999)) for n in range(1, 10)]
    assert [round(c.total_seconds()) for c in ceilings] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_full_jitter_spreads_each_wait_between_zero_and_its_ceiling() -> None:
    policy, rng = OutboxPolicy(), random.Random(7)
    waits = [policy.backoff(3, rng) for _ in range(1000)]
    assert all(timedelta(0) <= w <= timedelta(minutes=2) for w in waits)
    assert min(waits) < timedelta(seconds=10) and max(waits) > timedelta(seconds=110)


def test_a_huge_attempt_count_stays_at_the_cap() -> None:
    assert OutboxPolicy().backoff(10_000, Always(1.0)) == timedelta(hours=1)
