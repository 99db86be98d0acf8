"""Reading what changed since a time, for incremental backups: a date-based paging token
(`activities/pagingtoken.json`) starts Get Lead Changes (new leads and changed field values) and Get
Deleted Leads. Both page with `nextPageToken` and may answer a page with fewer records than asked —
even none — while `moreResult` is still true: only `moreResult: false` ends them (docs: activities).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from standby.integrations.errors import PlatformDown
from standby.integrations.marketo.client import MarketoClient

SINCE = "/rest/v1/activities/pagingtoken.json"
LEAD_CHANGES = "/rest/v1/activities/leadchanges.json"
DELETED_LEADS = "/rest/v1/activities/deletedleads.json"
MAX_EMPTY = 10_000  # empty pages in a row before we stop believing `moreResult`


def marketo_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def paging_token(client: MarketoClient, since: datetime) -> str:
    data = await client.call("GET", SINCE, params={"sinceDatetime": marketo_time(since)})
    token = data.get("nextPageToken")
    if not isinstance(token, str) or not token:
        raise PlatformDown("Marketo answered the paging token request without a token")
    return token


async def activity_pages(
    client: MarketoClient, path: str, params: Mapping[str, Any]
) -> AsyncIterator[list[dict[str, Any]]]:
    """Each page of an activity read (possibly empty), until `moreResult` is false."""
    query = dict(params)
    empty = 0
    while True:
        data = await client.call("GET", path, params=query)
        page = [r for r in data.get("result") or [] if isinstance(r, dict)]
        empty = 0 if page else empty + 1
        yield page
        token = data.get("nextPageToken")
        if data.get("moreResult") is not True:
            return
        if not token or token == query.get("nextPageToken"):
            raise PlatformDown(f"Marketo said more results follow on {path} but gave no new paging token")
        if empty >= MAX_EMPTY:
            raise PlatformDown(f"Marketo answered {MAX_EMPTY} empty pages in a row on {path}")
        query["nextPageToken"] = token


async def changed_leads(
    client: MarketoClient, since: datetime, fields: Sequence[str], *, batch_size: int = 300
) -> AsyncIterator[set[int]]:
    """The ids of the leads created or changed since `since`, a page at a time (a lead may come back
    in several pages: one activity per change)."""
    token = await paging_token(client, since)
    params = {"nextPageToken": token, "fields": ",".join(fields), "batchSize": batch_size}
    async for page in activity_pages(client, LEAD_CHANGES, params):
        yield {int(a["leadId"]) for a in page if str(a.get("leadId", "")).isdigit()}


async def deleted_leads(
    client: MarketoClient, since: datetime, *, batch_size: int = 300
) -> AsyncIterator[list[tuple[int, str]]]:
    """(lead id, when) for each lead deleted since `since`, a page at a time."""
    token = await paging_token(client, since)
    params = {"nextPageToken": token, "batchSize": batch_size}
    async for page in activity_pages(client, DELETED_LEADS, params):
        yield [
            (int(a["leadId"]), str(a.get("activityDate", "")))
            for a in page
            if str(a.get("leadId", "")).isdigit()
        ]
