"""A ProbeContext aimed at local peers: the test CA trusted, host names pinned to 127.0.0.1, a 1 s timeout."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.plan.model import Settings
from standby.probes.context import ProbeContext, net_config


@asynccontextmanager
async def probe_context(
    now: datetime,
    cache_dir: Path,
    *,
    ca_bundle: Path | None = None,
    pins: dict[str, str] | None = None,
    timeout: str = "1s",
) -> AsyncIterator[ProbeContext]:
    settings = Settings.model_validate({"ca_bundle": ca_bundle, "timeout": timeout})
    net = Network(net_config(settings, pins))
    try:
        yield ProbeContext(net=net, settings=settings, clock=ManualClock(now), cache_dir=cache_dir)
    finally:
        await net.aclose()
