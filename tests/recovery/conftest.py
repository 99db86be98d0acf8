"""The recovery tests' worlds: the incidents' small world (a plan with audiences and a playbook, real
SMTP, a migrated database, a manual clock), and for drills the whole Standby of drill_stage.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.incidents.conftest import hook, smtp, world
from tests.recovery.drill_stage import Stage, stage

__all__ = ["hook", "smtp", "world"]


@pytest.fixture
async def drill(tmp_path: Path) -> AsyncIterator[Stage]:
    with stage(tmp_path) as built:
        yield built
        await built.engine.close()
