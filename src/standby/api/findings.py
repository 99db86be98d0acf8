"""/api/v1/findings: the history of observations, newest first, filtered and paged by a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from standby.api.schemas import FindingOut, FindingPage, StatusName, Word
from standby.engine.models import FindingRecord
from standby.web.api import MAX_ID, Instant
from standby.web.app import context

router = APIRouter(tags=["findings"])


@router.get("/findings", summary="Findings, newest first")
def list_findings(
    request: Request,
    asset: Word | None = None,
    check: Word | None = None,
    status: StatusName | None = None,
    since: Annotated[Instant | None, Query(description="observed at or after (with a time zone)")] = None,
    until: Annotated[Instant | None, Query(description="observed before (with a time zone)")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="the previous page's next_before")
    ] = None,
) -> FindingPage:
    query = select(FindingRecord).order_by(FindingRecord.id.desc()).limit(limit + 1)
    if asset is not None:
        query = query.where(FindingRecord.asset == asset)
    if check is not None:
        query = query.where(FindingRecord.check == check)
    if status is not None:
        query = query.where(FindingRecord.status == status)
    if since is not None:
        query = query.where(FindingRecord.observed_at >= since)
    if until is not None:
        query = query.where(FindingRecord.observed_at < until)
    if before is not None:
        query = query.where(FindingRecord.id < before)
    with context(request).sessions() as session:
        rows = session.scalars(query).all()
        items = [FindingOut.model_validate(r, from_attributes=True) for r in rows[:limit]]
    return FindingPage(items=items, next_before=items[-1].id if len(rows) > limit else None)
