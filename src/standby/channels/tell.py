"""Telling someone: a message goes into the outbox once per contact, under a key that makes sending it
twice impossible — or, when the person has no working channel, the caller is told why not, in the
sentence its timeline records."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from standby.channels import drill as drills
from standby.channels.drill import DrillRun
from standby.channels.outbox import enqueue
from standby.channels.people import Recipient


@dataclass(frozen=True)
class Text:
    """A message as people read it: a subject and a plain-text body."""

    subject: str
    body: str


def enqueue_text(
    session: Session,
    *,
    topic: str,
    key: str,
    recipient: Recipient,
    text: Text,
    now: datetime,
    drill: DrillRun | None = None,
) -> None:
    """One outbox row per contact, keyed `{topic}/{key}/{recipient}/{channel}/{address hash}`."""
    for contact in recipient["contacts"]:
        channel, address = contact["channel"], contact["address"]
        suffix = hashlib.sha256(address.encode()).hexdigest()[:16]
        enqueue(
            session,
            key=f"{topic}/{key}/{recipient['id']}/{channel}/{suffix}",
            topic=topic,
            recipient=recipient["id"],
            channel=channel,
            address=address,
            subject=text.subject,
            body=text.body,
            now=now,
            drill_run_id=drill.id if drill is not None else None,
        )


def tell(
    session: Session,
    recipient: Recipient,
    *,
    topic: str,
    key: str,
    text: Text | Callable[[], Text],
    now: datetime,
    drill: DrillRun | None = None,
) -> str | None:
    """Queue `text` for every contact of `recipient` and return None; or, when they have no working
    channel, return why: `could not tell Lee Park: has no email address ...`. A callable `text` is
    composed only when someone can be told (a message that carries link tokens issues them then).

    In a `drill` (channels/drill.py) the message is marked DRILL, only participants are told, and a
    dry run's message goes to the drill's sink."""
    if not recipient["contacts"]:
        return f"could not tell {recipient['name']}: {recipient['problem'] or 'has no working channel'}"
    message = text() if callable(text) else text
    if drill is not None:
        routed = drills.route(drill, recipient)
        if isinstance(routed, str):
            return routed
        message = Text(*drills.marked(drill, recipient, message.subject, message.body))
        recipient = routed
    enqueue_text(session, topic=topic, key=key, recipient=recipient, text=message, now=now, drill=drill)
    return None
