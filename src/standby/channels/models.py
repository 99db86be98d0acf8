"""The outbox's tables: a message is a row before it is sent; every try is recorded against it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from standby.channels.drill import DrillRun
from standby.channels.redact import redact_url
from standby.store.base import Base, intpk

# unknown: handed to the relay or service, which did not confirm (its answer was lost, or the sender
# died waiting for it). It may have been delivered: it is sent again only after the far end's window.
State = Literal["pending", "sending", "sent", "failed", "unknown"]
Channel = Literal["email", "apprise", "sink"]  # sink: a dry-run drill's, delivered to nobody
STATES: tuple[State, ...] = ("pending", "sending", "sent", "failed", "unknown")
CHANNELS: tuple[Channel, ...] = ("email", "apprise", "sink")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Message(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint(_one_of("state", STATES), name="state"),
        CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
        Index("ix_outbox_message_due", "state", "next_attempt_at"),
    )

    id: Mapped[intpk]
    # One per (alert, step, person, channel) or the like: enqueueing the same key again is a no-op.
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    topic: Mapped[str] = mapped_column(String(255), index=True)  # "alert:42", "incident:7"
    recipient: Mapped[str | None] = mapped_column(String(255))  # person or audience id
    channel: Mapped[str] = mapped_column(String(16))
    # An email address, or an Apprise URL that may hold a secret: show it only through redact_url().
    address: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]
    # When the current (or last) try reached its point of no return: the final dot of an email, the
    # request of an Apprise call. Committed before that point, so a crash after it is known to be one.
    handed_over_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    permanent: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The drill this message belongs to (channels/drill.py): kept out of real figures and /metrics.
    drill_run_id: Mapped[int | None] = mapped_column(ForeignKey(DrillRun.id, ondelete="SET NULL"), index=True)

    attempt_log: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="message", order_by="DeliveryAttempt.id", cascade="all, delete-orphan"
    )

    @property
    def shown_address(self) -> str:
        return self.address if self.channel == "email" else redact_url(self.address)

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.topic} {self.channel} {self.shown_address} {self.state}>"


class DeliveryAttempt(Base):
    __tablename__ = "outbox_attempt"

    id: Mapped[intpk]
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    worker: Mapped[str | None] = mapped_column(String(255))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)
    permanent: Mapped[bool] = mapped_column(Boolean, default=False)
    unknown: Mapped[bool] = mapped_column(Boolean, default=False)  # handed over, never confirmed

    message: Mapped[Message] = relationship(back_populates="attempt_log")
