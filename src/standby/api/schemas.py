"""What the API answers: these models are its OpenAPI schema, and responses are validated against them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field

from standby.alerts.schemas import AlertState

StatusName = Literal["ok", "warning", "critical", "unknown"]
AssetStatus = Literal["ok", "warning", "critical", "unknown", "pending"]
# Control characters never name anything here, and PostgreSQL refuses NUL in text.
_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
Word = Annotated[str, Query(min_length=1, max_length=512, pattern=_PRINTABLE)]
AssetName = Annotated[str, Path(min_length=1, max_length=512, pattern=_PRINTABLE)]


class CheckOut(BaseModel):
    check: str = Field(
        description="registration, registrar, delegation, certificate, dns, dnssec, http, statuspage, "
        "discovery"
    )
    status: StatusName = Field(description="the damped status: what alerts follow")
    observed: StatusName = Field(description="the latest raw observation")
    summary: str
    since: datetime = Field(description="when the damped status began")
    observed_at: datetime
    expires_at: datetime | None = None
    days_left: int | None = Field(
        None, description="whole days until expires_at, from now; never 0 for unknown"
    )


class AlertRef(BaseModel):
    id: int
    state: AlertState
    severity: str
    summary: str
    opened_at: datetime


class AssetOut(BaseModel):
    asset: str = Field(
        description='"domain:acme.example", "certificate:www.acme.example:443", "endpoint:demo"...'
    )
    kind: str
    target: str
    owner: str | None = Field(description="person id")
    owner_name: str | None
    status: AssetStatus = Field(description="the worst of its checks; pending before the first check")
    expires_at: datetime | None = Field(description="the soonest expiry among its checks")
    days_left: int | None
    checks: list[CheckOut]
    alerts: list[AlertRef] = Field(description="unresolved alerts about it")


class FindingOut(BaseModel):
    id: int
    asset: str
    check: str
    status: StatusName
    summary: str
    details: dict[str, Any]
    observed_at: datetime


class FindingPage(BaseModel):
    items: list[FindingOut]
    next_before: int | None = Field(description="pass as `before` for the next (older) page; null at the end")


class PersonOut(BaseModel):
    id: str
    name: str | None
    email: str | None
    reports_to: str | None
    channels: list[str] = Field(description="where messages go, secrets masked")
    owns: list[str] = Field(description="assets this person owns")
