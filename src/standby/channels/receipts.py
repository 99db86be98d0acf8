"""What the outbox knows of a message, in the words figures about "who was told" may use.

Only a message the channel accepted is `delivered`; everything else is not, and says why: still
`sending` (queued, or being sent now), `failing` (a try failed, another is due), `failed` (the outbox
gave up), or `unknown` (the outcome of a try is not known). Features read their messages through this
one mapping, so a change of the outbox's states changes every figure at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.channels.models import Message

Outcome = Literal["delivered", "sending", "failing", "failed", "unknown"]
# A person with several contacts counts as their best one: one delivery is enough to have heard.
BEST_FIRST: tuple[Outcome, ...] = ("delivered", "sending", "failing", "unknown", "failed")


@dataclass(frozen=True)
class Receipt:
    """One outbox message as a figure: to whom, by which channel, what became of it, and when."""

    message_id: int
    topic: str  # "alert:12", "incident:3"
    key: str
    recipient: str | None
    channel: str
    address: str  # shown: Apprise secrets masked
    subject: str
    outcome: Outcome
    at: datetime  # delivered: when; otherwise when it was written
    error: str | None  # why it is not delivered (the last error), when there is one

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def why_not(self) -> str:
        """`sending`, `failing (retrying): SMTP 451 …`, `failed: …`: for a message not delivered."""
        if self.outcome == "sending":
            return "sending"
        if self.outcome == "failing":
            return f"failing, retrying: {self.error}" if self.error else "failing, retrying"
        if self.outcome == "unknown":
            return f"outcome unknown: {self.error}" if self.error else "outcome unknown"
        return f"failed: {self.error}" if self.error else "failed"


def outcome(message: Message) -> Outcome:
    if message.state in ("sent", "delivered"):
        return "delivered"
    if message.state == "failed":
        return "failed"
    if message.state == "pending":
        return "failing" if message.attempts else "sending"
    if message.state == "sending":
        return "sending"
    return "unknown"  # any other state (an outcome the outbox could not learn) is no delivery


def receipt(message: Message) -> Receipt:
    found = outcome(message)
    return Receipt(
        message_id=message.id,
        topic=message.topic,
        key=message.idempotency_key,
        recipient=message.recipient,
        channel=message.channel,
        address=message.shown_address,
        subject=message.subject,
        outcome=found,
        at=(message.sent_at or message.created_at) if found == "delivered" else message.created_at,
        error=None if found == "delivered" else message.last_error,
    )


def of_topic(session: Session, topic: str) -> list[Receipt]:
    """Every message of `topic` ("incident:7"), oldest first."""
    return of_topics(session, [topic])


def of_topics(session: Session, topics: Sequence[str]) -> list[Receipt]:
    """Every message of any of `topics` (an incident's and its alerts'), oldest first."""
    if not topics:
        return []
    query = select(Message).where(Message.topic.in_(list(topics))).order_by(Message.id)
    return [receipt(m) for m in session.scalars(query)]


def first_delivered(receipts: Iterable[Receipt]) -> datetime | None:
    """When the first of these messages was delivered; None if none was (never a queueing time)."""
    return min((r.at for r in receipts if r.delivered), default=None)


def best(receipts: Iterable[Receipt]) -> Receipt | None:
    """The receipt that says most about whether someone heard: the first delivery, else the most
    hopeful of the rest."""
    ranked = sorted(receipts, key=lambda r: (BEST_FIRST.index(r.outcome), r.at, r.message_id))
    return ranked[0] if ranked else None


def lately(session: Session, channel: str, address: str) -> Receipt | None:
    """The latest message to this address, whatever it was about: a preview warns of a failing one."""
    query = select(Message).where(Message.channel == channel, Message.address == address)
    found = session.scalars(query.order_by(Message.id.desc()).limit(1)).first()
    return receipt(found) if found is not None else None
