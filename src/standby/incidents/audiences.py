"""Who hears an incident's updates: the playbook's audiences, resolved from the live plan into people
and addresses. Internal audiences come first, and each person hears once per update, in the words of
the first audience they are in. The lead always hears everything, in internal words: as a member of
an internal audience, or else on their own (`lead`)."""

from __future__ import annotations

from dataclasses import dataclass

from standby.channels.people import Recipient, audience_urls, contacts
from standby.incidents.models import AUTHOR, Incident
from standby.plan.model import Plan, Playbook

LEAD = "lead"


@dataclass(frozen=True)
class Target:
    audience: str  # an audience id, or "lead"
    external: bool
    recipients: list[Recipient]


def targets(plan: Plan, playbook: Playbook | None, lead: str | None) -> list[Target]:
    people = {p.id: p for p in plan.people}
    known = {a.id: a for a in plan.audiences}
    chosen = [known[a] for a in (playbook.audiences if playbook else []) if a in known]
    chosen.sort(key=lambda a: a.external)  # stable: internal first, each group in playbook order
    members = {m for a in chosen if not a.external for m in a.members}
    out: list[Target] = []
    seen: set[str] = set()
    if lead in people and lead not in members:
        out.append(Target(LEAD, False, [contacts(plan, people[lead])]))
        seen.add(lead)
    for audience in chosen:
        recipients = []
        for member in audience.members:
            if member in people and member not in seen:
                seen.add(member)
                recipients.append(contacts(plan, people[member]))
        own = audience_urls(audience)
        if own is not None:
            recipients.append(own)
        out.append(Target(audience.id, audience.external, recipients))
    return out


def name(plan: Plan, ident: str | None) -> str:
    """A person's name for people to read; Standby itself for its own automatic actions."""
    if ident is None:
        return "nobody"
    if ident == AUTHOR:
        return "Standby (automatically)"
    found = next((p for p in plan.people if p.id == ident), None)
    return (found.name or found.id) if found else ident


def external_audiences(plan: Plan, incident: Incident) -> list[str]:
    playbook = plan.playbook(incident.playbook)
    external = {a.id for a in plan.audiences if a.external}
    return [a for a in (playbook.audiences if playbook else []) if a in external]
