"""The leads' tables: every captured submission with its delivery state, and each form's replay."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk

STATES = ("pending", "delivered", "skipped", "failed")


class Submission(Base):
    """One submission, written durably before the visitor was told "accepted". `id` is the arrival
    order, which replay keeps; `public_id` is what the visitor's browser was given."""

    __tablename__ = "lead_submission"
    __table_args__ = (
        UniqueConstraint("form_id", "idempotency_key", name="uq_lead_submission_form_key"),
        Index("ix_lead_submission_form_state", "form_id", "state", "id"),
    )

    id: Mapped[intpk]
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    form_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))  # NULLs never collide
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    page_url: Mapped[str | None] = mapped_column(Text)
    referrer: Mapped[str | None] = mapped_column(Text)
    user_agent: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)  # sends that reached the destination
    delivered_at: Mapped[datetime | None]  # when the destination acknowledged (or refused) it
    outcome: Mapped[str | None] = mapped_column(String(16))  # created, updated, accepted, skipped
    remote_id: Mapped[str | None] = mapped_column(String(64))  # the lead or contact id there
    reason: Mapped[str | None] = mapped_column(Text)  # why skipped or failed, in the destination's words


class Replay(Base):
    """A form's replay: who holds it (one worker per form keeps the arrival order), when to try again
    after "still down" or a quota, and why it stopped when the destination refused it outright."""

    __tablename__ = "lead_replay"

    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)  # "still down" passes in a row
    last_error: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[datetime | None]
    blocked: Mapped[str | None] = mapped_column(Text)  # a permanent refusal: replay stops until fixed
    blocked_destination: Mapped[str | None] = mapped_column(String(64))  # the destination refused
