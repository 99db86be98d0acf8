"""What `standby serve` remembers of scheduled backups: one row per attempt at a scheduled time.

The row is the claim: (backup, slot, attempt) is unique, so of several workers only the one whose
insert succeeds runs it. While it runs, its worker renews `lease_until`; a row still "running" after
its lease is a run whose worker died — it is marked interrupted and tried again (resuming its
snapshot). The snapshots themselves, and whether they are good, live at the target (catalog.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk


class BackupRun(Base):
    __tablename__ = "backup_run"
    __table_args__ = (
        UniqueConstraint("backup", "slot", "attempt", name="uq_backup_run_attempt"),
        Index("ix_backup_run_latest", "backup", "slot"),
    )

    id: Mapped[intpk]
    backup: Mapped[str] = mapped_column(String(64))  # the plan's backup id
    slot: Mapped[datetime]  # the scheduled time this run is for
    attempt: Mapped[int]  # 1, then 2, 3 after failures
    state: Mapped[str] = mapped_column(String(16))  # running | complete | failed | interrupted
    worker: Mapped[str] = mapped_column(String(255))
    lease_until: Mapped[datetime]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    snapshot: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None]  # a failed attempt is tried again from then
