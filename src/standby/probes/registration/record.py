"""What a registry (RDAP) or WHOIS server said about a domain, in one shape for both sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal


class Availability(StrEnum):
    """What the answer says about the name itself, decided before any field is read."""

    REGISTERED = "registered"  # the answer holds the name's record (a date, registrar, name server, status)
    FREE = "free"  # the answer says the name is not registered: it can be registered by anyone
    THROTTLED = "throttled"  # the server refused to answer for now; says nothing about the name
    UNKNOWN = "unknown"  # neither: an error, an empty or unreadable answer


@dataclass(frozen=True)
class NameServer:
    host: str  # lower-case, no trailing dot
    addresses: tuple[str, ...] = ()  # glue, IPv4 or IPv6, as given


@dataclass
class RegistrationRecord:
    source: Literal["rdap", "whois"]
    server: str  # base URL or host:port that answered
    domain: str | None = None
    availability: Availability = Availability.REGISTERED
    # The answer's own words that decided `availability` ("No match for "EXAMPLE.COM".", "HTTP 404").
    evidence: str | None = None
    expires_at: datetime | None = None  # registry expiry (aware UTC); the earlier reading when ambiguous
    # Both readings when the expiry is written day/month-ambiguously and nothing in the answer settles
    # the order (`05/06/2026`): never silently one of them.
    expiry_readings: tuple[datetime, ...] = ()
    expiry_text: str | None = None  # the expiry line as written
    registrar_expires_at: datetime | None = None  # `registrar expiration` / registrar WHOIS expiry
    created_at: datetime | None = None
    last_changed_at: datetime | None = None
    registrar: str | None = None
    statuses: list[str] = field(default_factory=list)  # normalized RDAP phrases: "auto renew period"
    raw_statuses: list[str] = field(default_factory=list)  # exactly as the source gave them
    nameservers: list[str] = field(default_factory=list)  # lower-case, no trailing dot, sorted
    nameserver_records: list[NameServer] = field(default_factory=list)  # the same hosts with their glue
    dnssec: bool | None = None  # delegation signed, when the source says
    referral: str | None = None  # registrar RDAP link or registrar WHOIS server

    @property
    def not_found(self) -> bool:
        """The source says the name is not registered."""
        return self.availability is Availability.FREE

    @property
    def rate_limited(self) -> bool:
        """The source refused to answer for now (never means "available")."""
        return self.availability is Availability.THROTTLED

    @property
    def expiry_ambiguous(self) -> bool:
        return len(self.expiry_readings) > 1
