"""The page as Atlassian Statuspage API v2 documents (summary, status, components, incidents).

Field names and shapes follow the public v2 API, so existing status readers (including Standby's own
vendor probe) understand the page. Groups are components with `group: true` and the ids of their
`components`; members point back with `group_id`. Times are UTC ISO 8601 with milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from standby.statuspage.page import SEVERITY, Component, Incident, IncidentUpdate, Page, stable_id

MAX_INCIDENTS = 50  # incidents.json lists the most recent 50, as Statuspage does

Json = dict[str, Any]


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def incident_link(page: Page, incident: Incident) -> str:
    return incident.shortlink or f"{page.url.rstrip('/')}/#incident-{incident.id}"


def page_json(page: Page) -> Json:
    return {
        "id": page.id,
        "name": page.title,
        "url": page.url,
        "time_zone": page.time_zone,
        "updated_at": iso(page.updated_at),
    }


def _component(page: Page, component: Component, position: int, group_id: str | None) -> Json:
    return {
        "id": component.id,
        "name": component.name,
        "status": component.status,
        "created_at": iso(component.updated_at),
        "updated_at": iso(component.updated_at),
        "position": position,
        "description": component.description,
        "showcase": False,
        "start_date": None,
        "group_id": group_id,
        "page_id": page.id,
        "group": False,
        "only_show_if_degraded": False,
    }


def group_id(name: str) -> str:
    return stable_id(f"group:{name}")


def components_json(page: Page) -> list[Json]:
    """Components in page order, each group listed just before its first member."""
    members: dict[str, list[Component]] = {}
    for component in page.components:
        if component.group is not None:
            members.setdefault(component.group, []).append(component)
    out: list[Json] = []
    for component in page.components:
        group = component.group
        if group is not None and members[group][0] is component:
            children = members[group]
            summary = Component(
                id=group_id(group),
                name=group,
                status=max((c.status for c in children), key=SEVERITY.__getitem__),
                updated_at=max(c.updated_at for c in children),
            )
            entry = _component(page, summary, len(out) + 1, None)
            out.append(entry | {"group": True, "components": [c.id for c in children]})
        out.append(_component(page, component, len(out) + 1, group_id(group) if group else None))
    return out


def _update(page: Page, incident: Incident, update: IncidentUpdate) -> Json:
    names = {c.id: c.name for c in page.components}
    affected = [
        {"code": a.component_id, "name": names.get(a.component_id, a.component_id),
         "old_status": a.old_status, "new_status": a.new_status}
        for a in update.affected
    ]  # fmt: skip
    return {
        "id": update.id,
        "status": update.status,
        "body": update.body,
        "incident_id": incident.id,
        "created_at": iso(update.created_at),
        "updated_at": iso(update.created_at),
        "display_at": iso(update.created_at),
        "affected_components": affected or None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_json(page: Page, incident: Incident) -> Json:
    components = [c for c in components_json(page) if c["id"] in incident.components]
    return {
        "id": incident.id,
        "name": incident.name,
        "status": incident.status,
        "created_at": iso(incident.created_at),
        "updated_at": iso(incident.updated_at),
        "monitoring_at": iso(incident.monitoring_at),
        "resolved_at": iso(incident.resolved_at),
        "impact": incident.impact,
        "shortlink": incident_link(page, incident),
        "started_at": iso(incident.started_at or incident.created_at),
        "page_id": page.id,
        "incident_updates": [_update(page, incident, u) for u in incident.newest_first],
        "components": components,
    }


def status_json(page: Page) -> Json:
    indicator, description = page.status()
    return {"indicator": indicator, "description": description}


def documents(page: Page) -> dict[str, Json]:
    """Every API v2 file of the page, by its path under the site's root."""
    head = page_json(page)
    components = components_json(page)
    unresolved = [incident_json(page, i) for i in page.active_incidents]
    recent = [incident_json(page, i) for i in page.shown_incidents[:MAX_INCIDENTS]]
    return {
        "api/v2/summary.json": {
            "page": head,
            "components": components,
            "incidents": unresolved,
            "scheduled_maintenances": [],
            "status": status_json(page),
        },
        "api/v2/status.json": {"page": head, "status": status_json(page)},
        "api/v2/components.json": {"page": head, "components": components},
        "api/v2/incidents.json": {"page": head, "incidents": recent},
        "api/v2/incidents/unresolved.json": {"page": head, "incidents": unresolved},
    }
