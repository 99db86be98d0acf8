"""The drill's own status page, rendered beside the public one and never instead of it: the same page
(statuspage/), showing only the drill's incidents, each marked DRILL, under a DRILL title. It is served
to signed-in people at /drills/runs/N/status/ and published nowhere; the public page never shows a
drill (statuspage/incidents.py leaves drill incidents out)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.drill import MARK, DrillRun
from standby.core.errors import StandbyError
from standby.core.status import Status, worst
from standby.engine.models import CheckState
from standby.plan.model import Plan
from standby.statuspage.incidents import page_incidents
from standby.statuspage.render import INDEX, render
from standby.statuspage.snapshot import page_from_plan


def drill_page(session: Session, run: DrillRun, *, plan: Plan, now: datetime) -> bytes:
    """The drill's page (index.html): its incidents over the components' real statuses."""
    if plan.status_page is None:
        raise StandbyError("this plan has no status page (add a status_page section) to rehearse it on")
    shown = [
        replace(incident, name=f"{MARK}: {incident.name}")
        for _, incident in page_incidents(session, plan=plan, now=now, drill_run=run.id)
    ]
    assets = [c.asset for c in plan.status_page.components]
    found: dict[str, list[Status]] = {}
    for asset, status in session.execute(
        select(CheckState.asset, CheckState.status).where(CheckState.asset.in_(assets))
    ):
        found.setdefault(asset, []).append(Status(status))
    checks = {a: worst(s) for a, s in found.items()}
    title = f"{MARK}: {plan.status_page.title or f'{plan.organization} status'} (drill run #{run.id})"
    section = plan.status_page.model_copy(update={"title": title})
    page = page_from_plan(
        plan.model_copy(update={"status_page": section}), now=now, checks=checks, incidents=shown
    )
    return render(page)[INDEX]
