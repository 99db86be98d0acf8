from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standby.core.clock import ManualClock
from standby.plan.registrars import RegistrarAccount
from standby.probes.context import ProbeContext
from tests.peers.context import probe_context

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def ctx(clock: ManualClock, tmp_path: Path) -> AsyncIterator[ProbeContext]:
    async with probe_context(NOW, tmp_path, clock=clock) as context:
        yield context


def account(**fields: Any) -> RegistrarAccount:
    return RegistrarAccount.model_validate(fields)
