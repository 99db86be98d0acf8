"""The rules that decide without anyone typing: when an alert opens an incident, who leads it, what
the systems are called inside and outside the company, and when promises fall due.

An alert's status has a level — warning and unknown are `minor`, critical is `critical` — and it
opens an incident when its asset's playbook names audiences and the level is at or above the
playbook's `severity`. The incident then takes the playbook's severity (a person's judgement, written
beforehand), never the probe's: "don't make it bigger outside than it is".
"""

from __future__ import annotations

from datetime import datetime, timedelta

from standby.core.errors import StandbyError
from standby.incidents.models import Incident
from standby.plan.assets import label
from standby.plan.issues import suggest
from standby.plan.model import Plan, Playbook

RANK = {"minor": 1, "major": 2, "critical": 3}
LEVEL = {"warning": "minor", "unknown": "minor", "critical": "critical"}
DEFAULT_FIRST = timedelta(minutes=30)  # first_update_within when the playbook says nothing
DEFAULT_EVERY = timedelta(minutes=30)  # update_every when the playbook says nothing
REMIND_BEFORE = timedelta(minutes=5)


def opens_incident(playbook: Playbook | None, status: str) -> bool:
    """Whether an alert with `status` on an asset with `playbook` opens (or joins) an incident."""
    if playbook is None or not playbook.audiences or status not in LEVEL:
        return False
    return RANK[LEVEL[status]] >= RANK[playbook.severity]


def assets(plan: Plan) -> dict[str, tuple[str, str | None]]:
    """Every asset id of the plan → (the name people know it by, its owner)."""
    return {a.id: (a.name, a.owner) for a in plan.assets()}


def resolve_systems(plan: Plan, given: list[str]) -> list[str]:
    """Asset ids for what a person typed: `vendor:marketo`, or just `marketo` when that is unique."""
    known = assets(plan)
    out: list[str] = []
    for text in (t.strip() for t in given):
        if not text:
            continue
        if text in known:
            found = text
        else:
            matches = [a for a in known if label(a) == text]
            if len(matches) != 1:
                choices = [label(a) for a in known] + list(known)
                hint = suggest(text, choices) if not matches else f" (it could be {' or '.join(matches)})"
                raise StandbyError(f"{text!r} is not a system in the plan{hint}; write e.g. vendor:marketo")
            found = matches[0]
        if found not in out:
            out.append(found)
    if not out:
        raise StandbyError("name at least one affected system, e.g. --systems vendor:marketo")
    return out


def first_playbook(plan: Plan, systems: list[str]) -> Playbook | None:
    """The playbook of the first system that names one."""
    return next((p for s in systems if (p := plan.playbook_for(s)) is not None), None)


def default_lead(plan: Plan, systems: list[str]) -> str | None:
    """The owner of the first system that has one."""
    known = assets(plan)
    return next((owner for s in systems if (owner := known.get(s, ("", None))[1])), None)


def internal_names(plan: Plan, systems: list[str]) -> list[str]:
    known = assets(plan)
    return [f"{known[s][0]} ({s})" if s in known else s for s in systems]


def public_names(plan: Plan, systems: list[str]) -> list[str]:
    """What outsiders may read: the status page's component names, else a vendor's name; systems
    known only inside the company become "one of our services"."""
    page = {c.asset: c.name for c in plan.status_page.components} if plan.status_page else {}
    vendors = {v.asset_id: v.name or v.id for v in plan.vendors}
    names: list[str] = []
    for system in systems:
        name = page.get(system) or vendors.get(system) or "one of our services"
        if name not in names:
            names.append(name)
    return names


def first_update_within(playbook: Playbook | None) -> timedelta:
    return (playbook.first_update_within if playbook else None) or DEFAULT_FIRST


def update_every(playbook: Playbook | None) -> timedelta:
    return (playbook.update_every if playbook else None) or DEFAULT_EVERY


def remind_at(deadline: datetime, since: datetime) -> datetime:
    """When the lead hears that a promise falls due: 5 minutes before, or a third of the interval
    before when the interval is shorter than 15 minutes."""
    return deadline - min(REMIND_BEFORE, max(deadline - since, timedelta(0)) / 3)


def carried_promise(current: datetime | None, playbook: Playbook | None, now: datetime) -> datetime:
    """The next-update time an automatic update repeats: the promise in force, or a fresh one."""
    return current if current is not None and current > now else now + update_every(playbook)


def on_page(plan: Plan, incident: Incident) -> bool:
    """The status page shows an incident that touches one of its components, or that was published."""
    shown = {c.asset for c in plan.status_page.components} if plan.status_page else set()
    return plan.status_page is not None and (incident.published or any(s in shown for s in incident.systems))
