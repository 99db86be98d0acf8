from __future__ import annotations

from tests.web.signin import any_site, clock, site, sqlite_sessions

__all__ = ["any_site", "clock", "site", "sqlite_sessions"]
