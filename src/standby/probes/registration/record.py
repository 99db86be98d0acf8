"""What a registry (RDAP) or WHOIS server said about a domain, in one shape for both sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


@dataclass
class RegistrationRecord:
    source: Literal["rdap", "whois"]
    server: str  # base URL or host:port that answered
    domain: str | None = None
    expires_at: datetime | None = None  # registry expiry (aware UTC)
    registrar_expires_at: datetime | None = None  # `registrar expiration` / registrar WHOIS expiry
    created_at: datetime | None = None
    last_changed_at: datetime | None = None
    registrar: str | None = None
    statuses: list[str] = field(default_factory=list)  # normalized RDAP phrases: "auto renew period"
    raw_statuses: list[str] = field(default_factory=list)  # exactly as the source gave them
    nameservers: list[str] = field(default_factory=list)  # lower-case, no trailing dot, sorted
    dnssec: bool | None = None  # delegation signed, when the source says
    not_found: bool = False  # the source says the name is not registered
    rate_limited: bool = False  # the source refused to answer for now (never means "available")
    referral: str | None = None  # registrar RDAP link or registrar WHOIS server
