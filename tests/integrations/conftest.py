from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from standby.core.clock import ManualClock
from standby.core.net import NetConfig, Network

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def network() -> Network:
    return Network(NetConfig(timeout=5.0))


class ScaledClock(ManualClock):
    """A test clock whose waits also pass in real time, `scale` times faster: for the few tests where
    the platform's side is real time (calls in flight at once) and our backoff must overlap with it."""

    def __init__(self, start: datetime, scale: float = 0.1) -> None:
        super().__init__(start)
        self.scale = scale

    async def sleep(self, seconds: float) -> None:
        self.advance(timedelta(seconds=seconds))
        await asyncio.sleep(seconds * self.scale)
