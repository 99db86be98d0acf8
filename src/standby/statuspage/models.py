"""What the status page pipeline remembers across restarts: the site it rendered last (served at
/status/, and the "previous page" for the next render) and, per target, what is already there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from standby.store.base import Base, intpk


class StatusPageFile(Base):
    __tablename__ = "status_page_file"

    id: Mapped[intpk]
    path: Mapped[str] = mapped_column(String(255), unique=True)  # "index.html", "api/v2/summary.json"
    content: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class StatusPageTarget(Base):
    """One publish target: the digests of the files written there, and how the last attempt went."""

    __tablename__ = "status_page_target"

    id: Mapped[intpk]
    key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the URL (it may hold a secret)
    shown: Mapped[str] = mapped_column(Text)  # the URL with any password masked
    digests: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # of the files written there
    attempted: Mapped[str | None] = mapped_column(String(64))  # the site digest last tried
    attempted_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(default=0)  # in a row: spaces the retries out
