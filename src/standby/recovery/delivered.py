"""Who was told, and when, read from what the outbox delivered — never from what was queued.

A message counts as told once its channel accepted it (`sent`, with its time); one that failed says
why; one still waiting, or whose outcome is unknown, is neither told nor failed and is never shown as
a time. Reports and drills read deliveries only through this module, so the reading of "told" lives in
one place (docs/reports.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.models import Message
from standby.plan.model import Plan


@dataclass(frozen=True)
class Delivery:
    topic: str  # "alert:12", "incident:3"
    key: str  # what the message was, inside its topic: "r0/s1", "u7/marketing", "remind/…", "resolved"
    recipient: str | None  # a person id, or "audience:ID"
    channel: str
    address: str  # as it may be shown (secrets masked)
    subject: str
    queued_at: datetime
    outcome: str  # "delivered" | "failed" | "waiting" | "unknown"
    delivered_at: datetime | None  # when the channel accepted it
    error: str | None  # why it failed

    @property
    def audience(self) -> str | None:
        """For an incident update (`u7/marketing`): the audience it went to."""
        first, _, rest = self.key.partition("/")
        return rest if first.startswith("u") and first[1:].isdigit() else None


def _key(message: Message) -> str:
    # {topic}/{key}/{recipient}/{channel}/{address hash}: the key is what lies between (it may hold "/").
    inner = message.idempotency_key.removeprefix(f"{message.topic}/")
    return inner.rsplit("/", 3)[0] if inner.count("/") >= 3 else inner


def _outcome(state: str) -> str:
    return {"sent": "delivered", "failed": "failed", "unknown": "unknown"}.get(state, "waiting")


def deliveries(session: Session, topics: Sequence[str]) -> list[Delivery]:
    """Every message of `topics`, oldest first, with its outcome."""
    if not topics:
        return []
    query = select(Message).where(Message.topic.in_(list(topics))).order_by(Message.created_at, Message.id)
    return [
        Delivery(
            topic=m.topic,
            key=_key(m),
            recipient=m.recipient,
            channel=m.channel,
            address=m.shown_address,
            subject=m.subject,
            queued_at=m.created_at,
            outcome=_outcome(m.state),
            delivered_at=m.sent_at if m.state == "sent" else None,
            error=m.last_error if m.state == "failed" else None,
        )
        for m in session.scalars(query)
    ]


def first_delivered(found: Sequence[Delivery]) -> datetime | None:
    times = [d.delivered_at for d in found if d.delivered_at is not None]
    return min(times) if times else None


def outside(plan: Plan, delivery: Delivery) -> bool:
    """An incident update that went to an external audience (outside the company)."""
    return any(a.id == delivery.audience and a.external for a in plan.audiences)
