"""Password hashing (argon2id, argon2-cffi's defaults) and what counts as too weak to accept."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _dummy_hash() -> str:
    return _hasher.hash("not anybody's password")


def verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches. With no hash (an unknown user) a dummy hash is checked anyway, so
    the answer takes as long and an attacker cannot tell which accounts exist."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def weakness(password: str, *, email: str) -> str | None:
    """Why `password` is refused, or None. Length is what matters (NIST SP 800-63B); no composition
    rules, but nothing trivially guessable."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_LENGTH:
        return f"the password is too short: use at least {MIN_LENGTH} characters"
    if len(set(password)) < 5:
        return "the password repeats too few different characters"
    lowered, local = password.lower(), email.split("@")[0]
    if (len(local) >= 3 and local in lowered) or lowered in email:
        return "the password must not contain the email address"
    return None
