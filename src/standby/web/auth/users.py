"""Users: added and removed from the command line, authenticated on the login page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

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


def authenticate(sessions: sessionmaker[Session], email: str, password: str) -> int | None:
    """The id of the user whose password this is, or None; as slow for an unknown email as for a wrong
    password. The hash is read in a short transaction and checked outside it: argon2 takes a tenth of
    a second on purpose, and no write lock should be held meanwhile."""
    with sessions() as session:
        user = find(session, email)
        user_id, stored = (user.id, user.password_hash) if user else (None, None)
    return user_id if passwords.verify(stored, password) and user_id is not None else None


def signed_in(session: Session, user_id: int, password: str, *, now: datetime) -> User | None:
    """Note the sign-in of an authenticated user (None if removed meanwhile); rehash an old hash."""
    user = session.get(User, user_id)
    if user is None:
        return None
    if passwords.needs_rehash(user.password_hash):  # argon2's defaults rose since it was hashed
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user
