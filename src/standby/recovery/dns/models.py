"""The tracker's tables: a watch per domain being tracked after a fix (linked to its incident), the
latest reading of each resolver (and when it flipped to the fix), and the curve — how many had the fix
at each pass — that incident reports draw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk


class RecoveryWatch(Base):
    __tablename__ = "recovery_watch"
    __table_args__ = (Index("ix_recovery_watch_due", "state", "next_at"),)

    id: Mapped[intpk]
    domain: Mapped[str] = mapped_column(String(255), index=True)
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incident.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)  # why tracking began, in one sentence
    expected: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"NS": [...]}; empty: the parent's
    state: Mapped[str] = mapped_column(String(16))  # tracking | done | stopped
    started_at: Mapped[datetime]  # when the fix was seen (the check recovered): the delegation bound
    next_at: Mapped[datetime | None]
    checked_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    headline: Mapped[str] = mapped_column(Text, default="")
    right: Mapped[int] = mapped_column(default=0)
    asked: Mapped[int] = mapped_column(default=0)  # resolvers that answered
    at_latest: Mapped[datetime | None]
    parent_zone: Mapped[str | None] = mapped_column(String(255))
    parent_ttl: Mapped[int | None]
    posted: Mapped[bool] = mapped_column(default=False)  # the customer words are on the incident
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]


class RecoveryResolver(Base):
    """One resolver's latest reading for a watch."""

    __tablename__ = "recovery_resolver"
    __table_args__ = (UniqueConstraint("watch_id", "address", name="uq_recovery_resolver_watch_address"),)

    id: Mapped[intpk]
    watch_id: Mapped[int] = mapped_column(ForeignKey("recovery_watch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    region: Mapped[str] = mapped_column(String(255), default="")
    address: Mapped[str] = mapped_column(String(255))
    flush: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(16))  # right | wrong | unknown
    answer: Mapped[str] = mapped_column(Text)
    ttl_left: Mapped[int | None]
    at_latest: Mapped[datetime | None]
    checked_at: Mapped[datetime]
    fixed_at: Mapped[datetime | None]  # the pass that found it had flipped (None: had it from the start)


class RecoverySample(Base):
    """One pass: how many resolvers had the fix (the recovery curve)."""

    __tablename__ = "recovery_sample"

    id: Mapped[intpk]
    watch_id: Mapped[int] = mapped_column(ForeignKey("recovery_watch.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    right: Mapped[int]
    asked: Mapped[int]
    unknown: Mapped[int]
