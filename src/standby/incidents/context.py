"""The plain values a template sees (strings, lists, booleans: nothing with methods worth calling),
Standby's own neutral words for automatic updates, and the public text an update starts from.

Outsiders' templates (external audiences, the playbook's `public_text`) get only the neutral values:
the public text, the state, the names outsiders may read, the next promise. What a person wrote for
insiders (know, don't know, meanwhile), internal names, the lead and the alerts are not in their
context at all, so nothing typed for insiders can reach outside unless it was put in the public text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from standby.core.timetext import at
from standby.incidents import rules, templates
from standby.incidents.audiences import name
from standby.incidents.models import AUTHOR, Incident, IncidentUpdate
from standby.plan.fallback import LivePage, live_pages
from standby.plan.model import Plan, Playbook

LABELS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}
_KNOW = {
    "investigating": "We are investigating problems with {x}.",
    "identified": "We have found the cause of the problems with {x} and are working on a fix.",
    "monitoring": "{x} is working again. We are watching it closely to make sure it stays that way.",
    "resolved": "The problems with {x} are resolved.",
}
_DONT_KNOW = {
    "investigating": "What is causing it, and how long it will last.",
    "identified": "How long the fix will take.",
    "monitoring": "Whether it is fixed for good.",
    "resolved": "",
}


def neutral(plan: Plan, systems: list[str], state: str) -> tuple[str, str]:
    """(what we know, what we don't know yet) in Standby's words, naming systems as outsiders may."""
    names = rules.public_names(plan, systems)
    joined = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    know = _KNOW[state].format(x=joined)
    return know[0].upper() + know[1:], _DONT_KNOW[state]


def plan_b(plan: Plan, incident: Incident) -> list[LivePage]:
    """The fallback pages the incident's playbook switches to (`plan_b`), while it is not resolved."""
    playbook = plan.playbook(incident.playbook)
    if playbook is None or not playbook.plan_b or incident.state == "resolved":
        return []
    return live_pages(plan, playbook.plan_b)


def public_words(plan: Plan, playbook: Playbook | None, systems: list[str], state: str) -> str:
    """The public text an update starts from: the playbook's `public_text` template rendered with the
    neutral values, else Standby's neutral words for `state`."""
    know, dont_know = neutral(plan, systems, state)
    fallback = f"{know}\n\nWhat we don't know yet: {dont_know}" if dont_know else know
    source = playbook.public_text if playbook else None
    if source is None:
        return fallback
    values = {
        "organization": plan.organization,
        "status_page_url": str(plan.status_page.url) if plan.status_page else None,
        "incident": {
            "public_title": public_title(plan, systems),
            "public_systems": rules.public_names(plan, systems),
        },
        "update": {"state": state, "state_label": LABELS[state]},
    }
    return templates.render_text(source, values) or fallback


def public_title(plan: Plan, systems: list[str]) -> str:
    return f"Problems with {', '.join(rules.public_names(plan, systems))}"


def short_time(moment: datetime, tz: str, *, reference: datetime) -> str:
    """`09:30 EDT` on the reference's day, else `Tue 3 Jun 09:30 EDT`."""
    zone = ZoneInfo(tz)
    local = moment.astimezone(zone)
    if local.date() == reference.astimezone(zone).date():
        return local.strftime("%H:%M %Z")
    return f"{local:%a} {local.day} {local:%b %H:%M %Z}"


def build(
    plan: Plan,
    incident: Incident,
    update: IncidentUpdate,
    *,
    audience: str,
    external: bool,
    alerts: list[str],
    outside: str,
) -> dict[str, Any]:
    tz = plan.timezone
    page = plan.status_page
    due = update.next_update_by
    shown: dict[str, Any] = {
        "id": incident.id,
        "public_title": public_title(plan, incident.systems),
        "state": update.state,  # as of this update
        "state_label": LABELS[update.state],
        "public_systems": rules.public_names(plan, incident.systems),
        "started_at": at(incident.started_at, tz),
    }
    said: dict[str, Any] = {
        "state": update.state,
        "state_label": LABELS[update.state],
        "public_text": update.public_text,
        "next_update_by": short_time(due, tz, reference=update.created_at) if due else None,
        "next_update_at": at(due, tz) if due else None,
        "automatic": update.automatic,
    }
    if not external:
        shown |= {
            "title": incident.title,
            "severity": incident.severity,
            "systems": rules.internal_names(plan, incident.systems),
            "lead": name(plan, incident.lead),
            "alerts": list(alerts),
        }
        said |= {
            "what_we_know": update.what_we_know,
            "what_we_dont_know": update.what_we_dont_know,
            "what_you_can_do": update.what_you_can_do or "",
            "author": "Standby (automatic)" if update.author == AUTHOR else name(plan, update.author),
            "outside": outside,
        }
    return {
        "organization": plan.organization,
        "plan_b": [{"title": p.title, "url": p.url} for p in plan_b(plan, incident)],
        "audience": {"id": audience, "external": external},
        "status_page_url": str(page.url) if page else None,
        "incident": shown,
        "update": said,
    }
