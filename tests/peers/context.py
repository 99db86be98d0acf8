"""A ProbeContext aimed at local peers: settings as keyword arguments, a ManualClock, a 1 s timeout."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.plan.model import Settings
from standby.probes.context import ProbeContext, net_config


def make_probe_context(
    now: datetime,
    cache_dir: Path,
    *,
    clock: ManualClock | None = None,
    pins: dict[str, str] | None = None,
    **settings: Any,
) -> ProbeContext:
    """`make_probe_context(NOW, tmp_path, resolvers=[peer.address], timeout="300ms")`."""
    parsed = Settings.model_validate({"timeout": "1s", **settings})
    return ProbeContext(Network(net_config(parsed, pins)), parsed, clock or ManualClock(now), cache_dir)


@asynccontextmanager
async def probe_context(now: datetime, cache_dir: Path, **kwargs: Any) -> AsyncIterator[ProbeContext]:
    ctx = make_probe_context(now, cache_dir, **kwargs)
    try:
        yield ctx
    finally:
        await ctx.net.aclose()
