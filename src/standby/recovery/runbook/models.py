"""What the runbook's publishing remembers: per target, the digest of the runbook it holds and how the
last attempt went (so a restart uploads nothing that is already there, and a failure is shown)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk


class RunbookTarget(Base):
    __tablename__ = "runbook_target"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the URL (it may hold a secret)
    shown: Mapped[str] = mapped_column(Text)  # the URL with any password masked
    digest: Mapped[str | None] = mapped_column(String(64))  # of the runbook written there
    attempted: Mapped[str | None] = mapped_column(String(64))  # the digest last tried
    attempted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(default=0)
