"""The incidents' small world (a plan with audiences and a playbook, real SMTP, a migrated database, a
manual clock) serves the recovery tests too."""

from __future__ import annotations

from tests.incidents.conftest import hook, smtp, world

__all__ = ["hook", "smtp", "world"]
