"""The web app `standby serve` runs: web/app.py's factory given every feature's routes (FEATURES, one
line each, in the order they are matched) and the wiring's followers of an acknowledgement."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.actions import followers
from standby.app.subscribers import ACKNOWLEDGED
from standby.core.clock import Clock
from standby.plan.model import Plan
from standby.web import app as web

# Each is a package with routes.py (`router`), or a module with a `router`; a package's
# templates/<its name>/ are the pages it renders (extending web/templates/base.html). Routes are for
# signed-in callers only unless their feature declares them public (web/auth/public.py).
FEATURES = (
    "standby.leads",  # first: the public capture endpoint is the hottest route (bench/lead_capture.py)
    "standby.web.health",
    "standby.web.auth",
    "standby.api",  # /api/v1 (alerts' part: alerts/api.py) and its OpenAPI document
    "standby.api.metrics",
    "standby.alerts",
    "standby.alerts.calendar",
    "standby.statuspage.routes",  # a module: the page's own templates stay out of the web loader
    "standby.dashboard",
    "standby.incidents",
    "standby.backups",
    "standby.recovery",  # drills and their reports, incident reports, DNS recovery, the runbook
)


def create_app(*, sessions: sessionmaker[Session], plan: Callable[[], Plan], clock: Clock) -> FastAPI:
    app = web.create_app(sessions=sessions, plan=plan, clock=clock, features=FEATURES)
    app.dependency_overrides[followers] = lambda: ACKNOWLEDGED
    return app
