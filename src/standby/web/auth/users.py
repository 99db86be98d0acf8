"""Users: added and removed from the command line, authenticated on the login page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from standby.core.errors import StandbyError
from standby.web.auth import passwords
from standby.web.auth.models import ROLES, User, WebSession


def normalize(email: str) -> str:
    return email.strip().lower()


def find(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == normalize(email))).one_or_none()


def add(session: Session, *, email: str, role: str, password: str, now: datetime) -> User:
    """A new user; StandbyError for a malformed or taken email, an unknown role, a weak password."""
    email = normalize(email)
    if email.count("@") != 1 or email.startswith("@") or email.endswith("@") or " " in email:
        raise StandbyError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise StandbyError(f"unknown role {role!r}: use {' or '.join(ROLES)}")
    if find(session, email) is not None:
        raise StandbyError(
            f"{email} already has an account; `standby user remove {email}` first to replace it"
        )
    weak = passwords.weakness(password, email=email)
    if weak is not None:
        raise StandbyError(f"{weak}; choose another")
    user = User(email=email, role=role, password_hash=passwords.hash_password(password), created_at=now)
    session.add(user)
    session.flush()
    return user


def all_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.email)).all()


def remove(session: Session, email: str) -> None:
    """Delete the user and sign them out everywhere."""
    user = find(session, email)
    if user is None:
        raise StandbyError(f"there is no user {normalize(email)}; `standby user list` shows them")
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.delete(user)


def authenticate(session: Session, email: str, password: str, *, now: datetime) -> User | None:
    """The user whose password this is, or None; as slow for an unknown email as for a wrong password."""
    user = find(session, email)
    if not passwords.verify(user.password_hash if user else None, password) or user is None:
        return None
    if passwords.needs_rehash(user.password_hash):  # argon2's defaults rose since it was hashed
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user
