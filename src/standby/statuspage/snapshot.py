"""Build the `Page` to render from the plan's `status_page:` section and what Standby knows now."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from standby.core.errors import StandbyError
from standby.core.status import Status
from standby.plan.model import Plan
from standby.statuspage.page import (
    Component,
    Impact,
    Incident,
    Page,
    component_id,
    component_status,
    stable_id,
)


def page_from_plan(
    plan: Plan,
    *,
    now: datetime,
    checks: Mapping[str, Status] | None = None,
    incidents: Sequence[Incident] = (),
    previous: Page | None = None,
) -> Page:
    """The page for `plan` at `now`.

    `checks` maps asset ids ("vendor:marketo") to their current worst status; a missing one counts as
    unknown. `incidents` are the incidents to show (their `components` are `component_id(asset)`s).
    `previous` is the page published last: an unknown check keeps its published status, and a
    component whose status did not change keeps its `updated_at`, so an unchanged page renders to the
    same bytes and is not uploaded again.
    """
    section = plan.status_page
    if section is None:
        raise StandbyError("the plan has no status_page section; add one (see docs/status-page.md)")
    checks = checks or {}
    before = {c.id: c for c in previous.components} if previous else {}
    impacts: dict[str, list[Impact]] = {}
    for incident in incidents:
        # Monitoring means it works again: the component shows what the checks see until resolved.
        if incident.status in ("investigating", "identified"):
            for ident in incident.components:
                impacts.setdefault(ident, []).append(incident.impact)
    components = []
    for entry in section.components:
        ident = component_id(entry.asset)
        last = before.get(ident)
        status = component_status(
            checks.get(entry.asset), impacts=impacts.get(ident, ()), previous=last.status if last else None
        )
        since = last.updated_at if last is not None and last.status == status else now
        components.append(Component(ident, entry.name, status, since, entry.group, entry.description))
    url = str(section.url)
    return Page(
        id=stable_id(f"page:{url}"),
        title=section.title or f"{plan.organization} status",
        url=url,
        time_zone=plan.timezone,
        generated_at=now,
        components=components,
        incidents=incidents,
        history=section.history,
    )
