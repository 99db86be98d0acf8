"""What the parent zone's authoritative servers say the delegation of a domain is."""

from __future__ import annotations

from dataclasses import dataclass, field

from standby.core.local import LocalError


@dataclass
class Delegation:
    zone: str  # the parent zone asked, e.g. "com"
    server: str | None = None  # the parent server (host:port) that answered
    nameservers: list[str] = field(default_factory=list)  # NS set, lower-case, no trailing dot, sorted
    nxdomain: bool = False  # the parent says the name does not exist (hold, deleted)
    ds: bool | None = None  # the parent holds a DS record for the name
    error: str | None = None  # we could not ask: why (then the other fields mean nothing)
    local: LocalError | None = None  # ... because of Standby's own failure (core/local.py)
