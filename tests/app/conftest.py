from __future__ import annotations

from tests.incidents.conftest import hook, smtp, world

__all__ = ["hook", "smtp", "world"]
