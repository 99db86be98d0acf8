"""What the status page shows, as plain values: the renderer takes a `Page` and needs no database.

Vocabulary is Atlassian Statuspage's (API v2), the format status readers already understand:
component statuses, incident statuses and impacts, and the page's overall indicator.

How Standby's check statuses become component statuses ("don't make it bigger outside than it is"):

| what Standby knows                         | component status                                 |
|--------------------------------------------|--------------------------------------------------|
| under maintenance                          | under_maintenance                                |
| an incident on it being investigated or    |                                                  |
| identified (not monitoring), impact minor  | degraded_performance                             |
|   … impact major                           | partial_outage                                   |
|   … impact critical                        | major_outage                                     |
|   … impact none                            | (the check decides, below)                       |
| check ok                                   | operational                                      |
| check warning                              | degraded_performance                             |
| check critical                             | partial_outage (only a person declares a major   |
|                                            | outage, through an incident's impact)            |
| check unknown                              | as published before, else operational            |

"Unknown" means we could not tell, and that is no outage: it is never published as one.
Several unresolved incidents on one component: the worst impact counts. A person's judgement (the
incident's impact) wins over the probes', so a human can also calm an automatic verdict down.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from standby.core.status import Status

ComponentStatus = Literal[
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"
]
IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved"]
Impact = Literal["none", "minor", "major", "critical"]
Indicator = Literal["none", "minor", "major", "critical", "maintenance"]

# Worse statuses sort higher; maintenance is planned, so it ranks below any problem.
SEVERITY: dict[ComponentStatus, int] = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
_FROM_CHECK: dict[Status, ComponentStatus] = {
    Status.OK: "operational",
    Status.WARNING: "degraded_performance",
    Status.CRITICAL: "partial_outage",
}
_FROM_IMPACT: dict[Impact, ComponentStatus] = {
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}
_IMPACT_RANK: dict[Impact, int] = {"none": 0, "minor": 1, "major": 2, "critical": 3}
_INDICATOR_RANK: dict[Indicator, int] = {"none": 0, "maintenance": 1, "minor": 2, "major": 3, "critical": 4}
DESCRIPTIONS: dict[Indicator, str] = {
    "none": "All Systems Operational",
    "maintenance": "Service Under Maintenance",
    "minor": "Partially Degraded Service",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}


def stable_id(text: str) -> str:
    """A short, stable, Statuspage-looking id (12 lower-case letters and digits) for `text`."""
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def component_id(asset: str) -> str:
    """The component id of a plan asset ("vendor:marketo"), the same in every render and process."""
    return stable_id(f"component:{asset}")


def component_status(
    check: Status | None,
    *,
    impacts: Iterable[Impact] = (),
    previous: ComponentStatus | None = None,
    maintenance: bool = False,
) -> ComponentStatus:
    """The component status to publish (the table in this module's docstring)."""
    if maintenance:
        return "under_maintenance"
    worst: Impact = max(impacts, key=_IMPACT_RANK.__getitem__, default="none")
    if worst != "none":
        return _FROM_IMPACT[worst]
    if check is None or check is Status.UNKNOWN:
        return previous or "operational"
    return _FROM_CHECK[check]


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    status: ComponentStatus
    updated_at: datetime  # when the status last changed
    group: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class AffectedComponent:
    """A component status change that an incident update announced."""

    component_id: str
    old_status: ComponentStatus
    new_status: ComponentStatus


@dataclass(frozen=True)
class IncidentUpdate:
    id: str
    status: IncidentStatus
    body: str
    created_at: datetime
    next_update_by: datetime | None = None  # the promise shown on the page while unresolved
    affected: tuple[AffectedComponent, ...] = ()


@dataclass(frozen=True)
class Incident:
    id: str
    name: str
    status: IncidentStatus
    impact: Impact
    created_at: datetime
    updated_at: datetime
    updates: tuple[IncidentUpdate, ...] = ()  # any order; rendered newest first
    components: tuple[str, ...] = ()  # affected component ids
    resolved_at: datetime | None = None
    started_at: datetime | None = None  # when the problem began, if before the incident was opened
    shortlink: str | None = None  # default: the page's URL with the incident's anchor

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"

    @property
    def newest_first(self) -> list[IncidentUpdate]:
        return sorted(self.updates, key=lambda u: (u.created_at, u.id), reverse=True)

    @property
    def monitoring_at(self) -> datetime | None:
        return min((u.created_at for u in self.updates if u.status == "monitoring"), default=None)

    @property
    def next_update_by(self) -> datetime | None:
        if self.resolved or not self.updates:
            return None
        return self.newest_first[0].next_update_by


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    url: str  # the public address people read the page at
    time_zone: str  # IANA name; times on the HTML page are shown in it
    generated_at: datetime  # "now" for the history window; not printed, so unchanged pages stay identical
    components: Sequence[Component] = ()
    incidents: Sequence[Incident] = ()
    history: timedelta = field(default=timedelta(days=30))

    @property
    def updated_at(self) -> datetime:
        """When anything shown last changed."""
        times = [c.updated_at for c in self.components] + [i.updated_at for i in self.shown_incidents]
        return max(times, default=self.generated_at)

    @property
    def active_incidents(self) -> list[Incident]:
        return _newest_first(i for i in self.incidents if not i.resolved)

    @property
    def past_incidents(self) -> list[Incident]:
        since = self.generated_at - self.history
        return _newest_first(
            i for i in self.incidents if i.resolved and (i.resolved_at or i.updated_at) >= since
        )

    @property
    def shown_incidents(self) -> list[Incident]:
        return _newest_first([*self.active_incidents, *self.past_incidents])

    def status(self) -> tuple[Indicator, str]:
        """The overall indicator and its description, the Statuspage way: the worst of the components'
        statuses (any major outage is `major`, all of them `critical`; degraded or partial is `minor`)
        and the unresolved incidents' impacts."""
        indicator = page_indicator(self.components, self.active_incidents)
        return indicator, DESCRIPTIONS[indicator]


def page_indicator(components: Sequence[Component], incidents: Iterable[Incident]) -> Indicator:
    found: list[Indicator] = [i.impact for i in incidents]
    statuses = [c.status for c in components]
    if statuses and all(s == "major_outage" for s in statuses):
        found.append("critical")
    elif "major_outage" in statuses:
        found.append("major")
    if "partial_outage" in statuses or "degraded_performance" in statuses:
        found.append("minor")
    if "under_maintenance" in statuses:
        found.append("maintenance")
    return max(found, key=_INDICATOR_RANK.__getitem__, default="none")


def _newest_first(incidents: Iterable[Incident]) -> list[Incident]:
    return sorted(incidents, key=lambda i: (i.created_at, i.id), reverse=True)
