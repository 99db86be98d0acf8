"""What /api/v1/alerts answers: these models are its part of the OpenAPI schema."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

AlertState = Literal["open", "acknowledged", "resolved"]


class AlertOut(BaseModel):
    id: int
    reason: str = Field(
        description='"check" (a check went bad), "confirmation" (a renewal left unconfirmed) or '
        '"standby" (Standby itself cannot see)'
    )
    asset: str
    kind: str
    check: str
    owner: str | None
    state: AlertState
    severity: str
    summary: str
    since: datetime = Field(description="when the problem began")
    opened_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    status: str = Field(description="who has it and what the chain does next, in words")
    not_delivered: list[str] = Field(description="messages about it the outbox gave up on")
    outcome_unknown: list[str] = Field(
        description="messages handed to the relay whose delivery was never confirmed, and when they go again"
    )
    root_id: int | None = Field(
        description="the alert whose cause explains this one: it is not paged on its own, and is "
        "acknowledged and resolved with that one"
    )
    same_cause: list[int] = Field(description="the alerts this one's cause explains (its dependents)")


class AckOut(BaseModel):
    acknowledged: bool = Field(description="false: it was already acknowledged or resolved, nothing changed")
    message: str
    alert: AlertOut
