"""Alerts and the chain of responsibility: escalations, their timeline, acknowledgement tokens, and
renewal cycles (reminders, confirmation, the after-renewal checklist)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from standby.channels.drill import DrillRun
from standby.store.base import Base, intpk


class Alert(Base):
    """Something someone must act on: a check gone bad, or a renewal nobody confirmed in time."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_state", "state", "opened_at"),)

    id: Mapped[intpk]
    reason: Mapped[str] = mapped_column(String(16))  # "check" | "confirmation" | "standby" (blind)
    asset: Mapped[str] = mapped_column(String(512), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    check: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(255))
    playbook: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))  # open | acknowledged | resolved
    severity: Mapped[str] = mapped_column(String(16))  # the worst status seen: warning | unknown | critical
    summary: Mapped[str] = mapped_column(Text)  # the latest finding's sentence
    since: Mapped[datetime]  # when the problem began (the check's onset), at or before opened_at
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(255))
    resolved_at: Mapped[datetime | None]
    # A drill's alert (channels/drill.py): its messages are marked and routed as the drill says, and
    # it counts in no real figure.
    drill_run_id: Mapped[int | None] = mapped_column(ForeignKey(DrillRun.id, ondelete="CASCADE"), index=True)
    # The alert whose cause explains this one (docs/escalation.md, "One alert per cause"): it is shown
    # and counted with that root, acknowledged and resolved with it, and never pages on its own.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="SET NULL"), index=True)


class Escalation(Base):
    """The chain an alert runs through. `chain` is a snapshot taken when it started, so a plan edit
    mid-escalation never changes who is told next: [{"after": s, "people": [...]}] plus contacts."""

    __tablename__ = "escalation"
    __table_args__ = (Index("ix_escalation_due", "state", "next_at"),)

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), unique=True)
    chain: Mapped[dict[str, Any]] = mapped_column(JSON)
    repeat: Mapped[int] = mapped_column(default=0)  # rounds to run again after the first
    round: Mapped[int] = mapped_column(default=0)
    step: Mapped[int] = mapped_column(default=0)  # the next step to run in this round
    round_started_at: Mapped[datetime]
    next_at: Mapped[datetime | None]  # None once stopped or exhausted
    state: Mapped[str] = mapped_column(String(16))  # running | stopped | exhausted
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]


class AlertEvent(Base):
    """The alert's timeline: opened, notified X by email, delivery failed, acknowledged, resolved..."""

    __tablename__ = "alert_event"

    id: Mapped[intpk]
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(32))
    person: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    # The outbox message a "delivery_failed" event reports: recorded once per failed message.
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"), unique=True
    )


class ActionToken(Base):
    """A single-purpose, expiring link token (ack an alert, confirm a renewal). Only its hash is kept."""

    __tablename__ = "action_token"

    id: Mapped[intpk]
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    purpose: Mapped[str] = mapped_column(String(16))  # "ack" | "confirm"
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    renewal_id: Mapped[int | None] = mapped_column(ForeignKey("renewal.id", ondelete="CASCADE"))
    person: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Renewal(Base):
    """One expiry cycle of a domain or certificate: reminders sent, the owner's confirmation, and the
    checklist once a renewal is seen. A new cycle starts when the expiry date moves forward."""

    __tablename__ = "renewal"
    __table_args__ = (Index("ix_renewal_asset_expiry", "asset", "expires_at", unique=True),)

    id: Mapped[intpk]
    asset: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str | None] = mapped_column(String(255))
    expires_at: Mapped[datetime]
    reminded: Mapped[list[int]] = mapped_column(JSON, default=list)  # remind_at thresholds sent, seconds
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str | None] = mapped_column(String(255))
    confirmation: Mapped[str | None] = mapped_column(String(32))  # "renewed" | "auto-renew"
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))  # unconfirmed by confirm_by
    renewed_at: Mapped[datetime | None]  # a later expiry was seen: this cycle is over
    created_at: Mapped[datetime]
