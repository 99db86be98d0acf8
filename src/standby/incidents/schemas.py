"""What /api/v1/incidents answers: these models are its part of the OpenAPI schema. Every figure about
who was told is what the outbox delivered (reach.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["delivered", "sending", "failing", "failed", "unknown", "no channel"]


class PersonReachOut(BaseModel):
    id: str = Field(description='a person id, or "audience:ID" for an audience\'s own notify URLs')
    name: str
    outcome: Outcome = Field(description="delivered is the only outcome that means they were told")
    channel: str | None = Field(description="email or apprise; none when there was no channel")
    address: str | None = Field(description="where it went, secrets masked")
    at: datetime | None = Field(description="when it was delivered (or written, when it was not)")
    why_not: str | None = Field(description="why they were not told, when they were not")


class AudienceReachOut(BaseModel):
    audience: str = Field(description='an audience id, or "lead"')
    external: bool
    reached: int = Field(description="how many of its people (and channels) a message was delivered to")
    people: list[PersonReachOut]


class IncidentOut(BaseModel):
    id: int
    title: str
    state: str
    severity: str
    systems: list[str]
    lead: str | None
    detected_at: datetime
    resolved_at: datetime | None
    next_update_due_at: datetime | None
    published: bool
    first_word_inside_at: datetime | None = Field(
        description="the first delivery to someone of an internal audience; null: nobody reached yet"
    )
    first_word_outside_at: datetime | None = Field(description="the same for external audiences")
    first_word_inside: str = Field(description='in words: "12 s after detection", "not yet — nobody reached"')
    first_word_outside: str
    status_page_shown_at: datetime | None
    audiences: list[AudienceReachOut] = Field(description="who heard at least one update, per audience")
