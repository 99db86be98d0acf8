"""Test messages (`standby notify test`, notify_cli.py): one through every channel of each person, and
an audience's own notify URLs, sent at once and not through the outbox, so the answer is the channel's
own: delivered, or why not. Run it before a drill, after editing contacts, or when someone says they
never got a page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from standby.channels.apprise_sender import AppriseSender
from standby.channels.email import EmailSender
from standby.channels.errors import DeliveryError
from standby.channels.models import Message
from standby.channels.people import Recipient, audience_urls, contacts, shown
from standby.channels.sender import Sender
from standby.core.errors import StandbyError
from standby.core.timetext import at
from standby.plan.issues import suggest
from standby.plan.model import Plan


@dataclass(frozen=True)
class Tried:
    who: str  # the recipient's name
    channel: str
    address: str  # as it may be shown (secrets masked)
    error: str | None  # None: delivered


def recipients(plan: Plan, ident: str) -> list[Recipient]:
    """The person `ident`, or every member of the audience `ident` and its own notify URLs."""
    people = {p.id: p for p in plan.people}
    if ident in people:
        return [contacts(plan, people[ident])]
    audience = next((a for a in plan.audiences if a.id == ident), None)
    if audience is None:
        known = set(people) | {a.id for a in plan.audiences}
        raise StandbyError(
            f"{ident!r} is neither a person nor an audience in the plan{suggest(ident, known)}"
        )
    found = [contacts(plan, people[m]) for m in audience.members if m in people]
    own = audience_urls(audience)
    return [*found, own] if own is not None else found


def senders(plan: Plan) -> dict[str, Sender]:
    found: dict[str, Sender] = {"apprise": AppriseSender()}
    email = EmailSender.from_settings(plan.settings)
    if email is not None:
        found["email"] = email
    return found


def send_tests(plan: Plan, found: list[Recipient], *, via: dict[str, Sender], now: datetime) -> list[Tried]:
    out = []
    for recipient in found:
        if not recipient["contacts"]:
            out.append(Tried(recipient["name"], "-", "-", recipient["problem"] or "no working channel"))
        for contact in recipient["contacts"]:
            channel, address = contact["channel"], contact["address"]
            message = Message(
                idempotency_key=f"notify-test/{uuid.uuid4()}",
                topic="notify-test",
                recipient=recipient["id"],
                channel=channel,
                address=address,
                subject=f"[Standby test] Can you read this, {recipient['name']}?",
                body=(
                    f"This is a test from Standby for {plan.organization}, sent {at(now, plan.timezone)} by "
                    f"{channel} to {shown(channel, address)}. Nothing is wrong.\n\nIf you can read it, this "
                    "is a way Standby can reach you when something fails.\n"
                ),
                created_at=now,
            )
            error = None
            sender = via.get(channel)
            try:
                if sender is None:
                    raise DeliveryError(f"no {channel} channel is configured (settings.email)")
                sender.send(message, lambda: True)  # sent here and now: nobody else can take it over
            except DeliveryError as exc:
                error = f"not confirmed, it may have arrived: {exc}" if exc.unknown else str(exc)
            out.append(Tried(recipient["name"], channel, shown(channel, address), error))
    return out
