"""Who can be told, and how: a person of the plan (or an audience's own notify URLs) as a recipient
with every working contact, or the reason there is none. Alerts, incidents and renewals all address
people this way."""

from __future__ import annotations

from typing import TypedDict

from standby.channels.redact import redact_url
from standby.plan.model import Audience, Person, Plan


class Contact(TypedDict):
    channel: str  # "email" | "apprise"
    address: str


class Recipient(TypedDict):
    id: str  # a person id, or "audience:ID" for an audience's own notify URLs
    name: str
    contacts: list[Contact]
    problem: str | None  # why there is no working channel, when `contacts` is empty


def contacts(plan: Plan, person: Person) -> Recipient:
    """Where `person` can be reached: email (when the plan has a relay) and every Apprise URL."""
    found: list[Contact] = []
    if person.email and plan.settings.email is not None:
        found.append(Contact(channel="email", address=person.email))
    found += [Contact(channel="apprise", address=url) for url in person.notify]
    problem = None
    if not found:
        problem = (
            "has an email address but the plan configures no settings.email, and no notify URL"
            if person.email
            else "has no email address and no notify URL in the plan"
        )
    return Recipient(id=person.id, name=person.name or person.id, contacts=found, problem=problem)


def person(plan: Plan, ident: str | None) -> Recipient | None:
    """The plan's person `ident` as a recipient, if there is one."""
    found = next((p for p in plan.people if p.id == ident), None)
    return contacts(plan, found) if found else None


def audience_urls(audience: Audience) -> Recipient | None:
    """An audience's own notify URLs (a team channel) as one recipient; None when it has none."""
    if not audience.notify:
        return None
    urls = [Contact(channel="apprise", address=url) for url in audience.notify]
    return Recipient(
        id=f"audience:{audience.id}", name=f"the {audience.id} audience", contacts=urls, problem=None
    )


def shown(channel: str, address: str) -> str:
    """An address as pages and timelines may show it: Apprise URLs with their secrets masked."""
    return address if channel == "email" else redact_url(address)


def reach(recipient: Recipient) -> str:
    """`dana@acme.example, json://hooks:****@chat.example`: how the recipient is told."""
    return ", ".join(shown(c["channel"], c["address"]) for c in recipient["contacts"])
