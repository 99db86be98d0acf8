from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.plan.model import Settings
from standby.probes.context import ProbeContext, net_config

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
Make = Callable[..., AbstractAsyncContextManager[ProbeContext]]


@pytest.fixture
def make_ctx(tmp_path: Path) -> Make:
    """`async with make_ctx(rdap_bootstrap=..., whois_servers=...) as ctx:` — a context for local peers."""

    @asynccontextmanager
    async def make(clock: ManualClock | None = None, **settings: Any) -> AsyncIterator[ProbeContext]:
        parsed = Settings.model_validate({"timeout": "1s", **settings})
        net = Network(net_config(parsed))
        cache = Path(settings.get("cache_dir") or tmp_path / "cache")
        try:
            yield ProbeContext(net=net, settings=parsed, clock=clock or ManualClock(NOW), cache_dir=cache)
        finally:
            await net.aclose()

    return make
