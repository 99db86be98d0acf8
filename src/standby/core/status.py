"""Statuses and findings: what every probe returns and every command renders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

KINDS = ("domain", "certificate", "dns", "endpoint", "vendor", "backup")  # what a finding can be about


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    UNKNOWN = "unknown"

    @property
    def urgency(self) -> int:
        """Sort key: critical first, then unknown (we could not tell), then warning, then ok."""
        return _URGENCY[self]

    @property
    def exit_code(self) -> int:
        """The Nagios convention: 2 critical, 3 unknown, 1 warning, 0 ok."""
        return _EXIT[self]


# How terminals colour each status (Rich styles): `standby check` and `standby history` alike.
STYLES = {
    Status.CRITICAL: "bold red",
    Status.UNKNOWN: "bold magenta",
    Status.WARNING: "yellow",
    Status.OK: "green",
}
_URGENCY = {Status.CRITICAL: 3, Status.UNKNOWN: 2, Status.WARNING: 1, Status.OK: 0}
_EXIT = {Status.CRITICAL: 2, Status.UNKNOWN: 3, Status.WARNING: 1, Status.OK: 0}


def worst(statuses: Iterable[Status]) -> Status:
    return max(statuses, key=lambda s: s.urgency, default=Status.OK)


@dataclass(frozen=True)
class Finding:
    """One observation about one asset. `details` holds JSON-ready values only."""

    asset: str  # "domain:acme.example", "endpoint:demo-page", ...
    kind: str  # domain | certificate | dns | endpoint | vendor | backup
    target: str  # what was probed: a name, host:port or URL
    check: str  # registration | delegation | certificate | dns | dnssec | http | statuspage
    status: Status
    summary: str  # one human sentence
    owner: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "asset": self.asset,
            "kind": self.kind,
            "target": self.target,
            "check": self.check,
            "status": self.status.value,
            "summary": self.summary,
            "owner": self.owner,
            "details": dict(self.details),
        }
