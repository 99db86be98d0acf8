"""What a platform said about one record of a write."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordResult:
    delivered: bool  # the platform acknowledged the record
    outcome: str  # "created", "updated", "accepted" (no detail given), or "skipped"
    remote_id: str | None = None  # the platform's id for the lead or contact, when it says
    reason: str | None = None  # why a skipped record was refused, in the platform's words

    @classmethod
    def skipped(cls, reason: str) -> RecordResult:
        return cls(False, "skipped", None, reason)
