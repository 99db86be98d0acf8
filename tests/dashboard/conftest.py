"""Fixtures: a dashboard over a store the real engine filled (tests/dashboard/site.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard.site import Dashboard, dashboard_site


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """Shared by a module's tests that only read."""
    with dashboard_site(tmp_path_factory.mktemp("dashboard")) as found:
        yield found


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Dashboard]:
    """A dashboard of its own, for a test that acts (the engine ticks only twice: quicker)."""
    with dashboard_site(tmp_path, ticks=2) as found:
        yield found
