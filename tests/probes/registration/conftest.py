from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from standby.probes.context import ProbeContext
from tests.peers.context import probe_context

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
Make = Callable[..., AbstractAsyncContextManager[ProbeContext]]


@pytest.fixture
def make_ctx(tmp_path: Path) -> Make:
    """`async with make_ctx(clock, rdap_bootstrap=..., whois_servers=...) as ctx:` for local peers."""

    def make(clock: object = None, **settings: object) -> AbstractAsyncContextManager[ProbeContext]:
        return probe_context(NOW, tmp_path / "cache", clock=clock, **settings)

    return make
