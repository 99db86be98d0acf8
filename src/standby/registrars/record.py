"""What a registrar account says about one domain, in one shape for every kind, and its one error."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class AccountDomain:
    name: str  # lower-case, no trailing dot
    auto_renew: bool | None  # None: this registrar does not say
    transfer_lock: bool | None
    expires_at: datetime | None  # the registrar's expiry (aware UTC)
    statuses: tuple[str, ...] = field(default_factory=tuple)  # as the registrar gave them
    lapsing: str | None = None  # why the registrar shows it expired, on hold or being deleted


class RegistrarError(Exception):
    """The registrar could not be read. `permanent` errors (bad credentials, no permission) will not
    go away by asking again; the message says what to change."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def normal(name: str) -> str:
    return name.strip().rstrip(".").lower()
