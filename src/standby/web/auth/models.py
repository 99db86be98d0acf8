"""Who may use the web app and the API: users (argon2 password hashes), their server-side sessions,
API and calendar tokens, and login attempts (for throttling shared by every process).

No secret is stored in clear: sessions and tokens keep the SHA-256 of what the client holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from standby.store.base import Base, intpk

Role = Literal["admin", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "viewer")
Scope = Literal["api", "calendar"]


class User(Base):
    """A person who signs in. `admin` acts (acknowledge, confirm, manage); `viewer` only reads.

    A request authenticated by an API token carries a transient User (never stored) named
    `token:NAME`, with the token's role."""

    __tablename__ = "web_user"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(320), unique=True)  # lower-cased
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class WebSession(Base):
    """A signed-in browser. The cookie holds a random id; only its hash is here."""

    __tablename__ = "web_session"

    id: Mapped[intpk]
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the absolute end, however active the session is

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A named bearer token for the API and /metrics (`scope="api"`), or a read-only token for
    `/calendar.ics?token=...` (`scope="calendar"`). Shown once when created."""

    __tablename__ = "api_token"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(String(255), unique=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """One sign-in try, kept a day: failures per account and per client address throttle logins."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email", "email", "at"),
        Index("ix_login_attempt_address", "address", "at"),
    )

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(index=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
