"""The engine's tables: what to probe when (monitors), what each check looks like now (states, with
flap damping), what was seen (findings, kept for `settings.retention`), and which plan is running."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk


class Monitor(Base):
    """One probe job of the plan (probes/run.py `Job`), scheduled and claimed with a lease."""

    __tablename__ = "monitor"
    __table_args__ = (Index("ix_monitor_due", "active", "next_run_at"),)

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(512), unique=True)  # Job.key: "endpoint:demo/certificate"
    asset: Mapped[str] = mapped_column(String(512), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(255))
    interval_seconds: Mapped[int]
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # false once removed from the plan
    next_run_at: Mapped[datetime]
    phase_ms: Mapped[int | None]  # its place in the interval (engine/phase.py); None until synced
    last_run_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(255))
    lease_until: Mapped[datetime | None]


class CheckState(Base):
    """The damped status of one (asset, check): what alerts follow, not every single observation."""

    __tablename__ = "check_state"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(512), unique=True)  # f"{asset}|{check}"
    monitor: Mapped[str] = mapped_column(String(512), index=True)  # the Monitor.key whose findings these are
    asset: Mapped[str] = mapped_column(String(512), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    check: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))  # the confirmed (damped) status
    since: Mapped[datetime]  # when the confirmed status began
    observed: Mapped[str] = mapped_column(String(16))  # the latest raw status
    streak: Mapped[int] = mapped_column(default=0)  # consecutive observations disagreeing with `status`
    streak_since: Mapped[datetime | None]  # the first of them: the onset, once they are confirmed
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    observed_at: Mapped[datetime]
    alert_id: Mapped[int | None]  # the open alert about it, if any


class FindingRecord(Base):
    """Every finding, for history, sparklines and reports; pruned after `settings.retention`."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_asset_at", "asset", "observed_at"),)

    id: Mapped[intpk]
    asset: Mapped[str] = mapped_column(String(512))
    check: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    observed_at: Mapped[datetime] = mapped_column(index=True)


class EngineWorker(Base):
    """What each engine process last measured of itself (engine/load.py), for /metrics and the
    dashboard: how many checks it starts, how late, at what cost, and how many it could. None: too
    few runs lately to tell."""

    __tablename__ = "engine_worker"

    id: Mapped[intpk]
    worker: Mapped[str] = mapped_column(String(255), unique=True)
    seen_at: Mapped[datetime]
    probe_processes: Mapped[int]  # 0: probes run in the engine's own process
    checks_per_second: Mapped[float]  # runs started, over the last window
    start_delay_p99: Mapped[float]  # seconds after their slot that runs started (99th percentile)
    cpu_per_check_ms: Mapped[float | None]  # CPU of the engine and its probe processes, per run
    capacity: Mapped[float | None]  # runs per second it could start on time (estimated from its CPU)


class PlanLoad(Base):
    """Each time a plan file was (re)loaded: the running version, or why an edit was refused."""

    __tablename__ = "plan_load"

    id: Mapped[intpk]
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]
    valid: Mapped[bool] = mapped_column(Boolean)
    messages: Mapped[list[str]] = mapped_column(JSON, default=list)  # errors, or warnings when valid


class Sight(Base):
    """Whether Standby itself can see, per host its workers run on: its self-checks
    (engine/sight.py), damped like a check. While it is blind, checks that failed for a cause on
    Standby's side are held, not recorded as the assets' states."""

    __tablename__ = "engine_sight"

    id: Mapped[intpk]
    host: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # the confirmed (damped) sight: ok | critical (blind)
    since: Mapped[datetime]  # when the confirmed sight began
    observed: Mapped[str] = mapped_column(String(16))  # the latest self-check: ok | critical
    observed_at: Mapped[datetime]
    streak: Mapped[int] = mapped_column(default=0)
    streak_since: Mapped[datetime | None]
    summary: Mapped[str] = mapped_column(Text)  # the latest self-check's sentence
    cause: Mapped[str | None] = mapped_column(String(16))  # resolvers | network | trust, when blind
