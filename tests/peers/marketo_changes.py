"""The fake Marketo's change log (docs: activities, paging-tokens): a date-based paging token, Get Lead
Changes and Get Deleted Leads.

Like Marketo, these read the activity store a partition at a time: each page looks at the next
`batchSize` leads (or deletions) and returns those changed since the token's time — so a page may
hold fewer records than asked, even none, while `moreResult` is still true. Only `moreResult: false`
means the end.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from tests.peers.http import Reply
from tests.peers.marketo_data import LeadDatabase
from tests.peers.platform import iso

NEW_LEAD, CHANGE_DATA_VALUE, DELETE_LEAD = 12, 13, 37


def since_token(since: datetime, offset: int = 0) -> str:
    return base64.b32encode(f"since:{since.timestamp():.0f}:{offset}".encode()).decode()


def read_since(token: str) -> tuple[datetime, int] | None:
    try:
        kind, stamp, offset = base64.b32decode(token.encode()).decode().split(":")
        return (datetime.fromtimestamp(int(stamp), UTC), int(offset)) if kind == "since" else None
    except ValueError:
        return None


class ChangeLog:
    def __init__(self, db: LeadDatabase) -> None:
        self.db = db
        self.deleted: list[tuple[int, datetime]] = []  # (lead id, when), in the order they happened
        self.empty_pages = 0  # pages answered with no record and moreResult true

    def route(
        self, method: str, path: str, query: dict[str, str]
    ) -> tuple[list[Any] | None, dict[str, Any]] | Reply | None:
        """(result, extra envelope keys), an error Reply, or None when the path is not ours."""
        if method != "GET" or not path.startswith("/rest/v1/activities/"):
            return None
        if path == "/rest/v1/activities/pagingtoken.json":
            since = _instant(query.get("sinceDatetime"))
            if since is None:
                return _error("701", "sinceDatetime cannot be blank")
            return None, {"nextPageToken": since_token(since)}
        found = read_since(query.get("nextPageToken", ""))
        if found is None:
            return _error("701", "nextPageToken cannot be blank")
        since, offset = found
        size = min(int(query.get("batchSize") or 300), 300)
        if path == "/rest/v1/activities/leadchanges.json":
            if not query.get("fields"):
                return _error("701", "fields cannot be blank")
            leads = sorted(self.db.leads.values(), key=lambda x: x.id)
            window = leads[offset : offset + size]
            result = [_change(x, since) for x in window if x.updated_at >= since or x.created_at >= since]
            total = len(leads)
        elif path == "/rest/v1/activities/deletedleads.json":
            window_d = self.deleted[offset : offset + size]
            result = [
                _deletion(i, lead, when) for i, (lead, when) in enumerate(window_d, offset) if when >= since
            ]
            total = len(self.deleted)
        else:
            return _error("610", "Requested resource not found")
        more = offset + size < total
        if more and not result:
            self.empty_pages += 1
        return result, {"moreResult": more, "nextPageToken": since_token(since, min(offset + size, total))}


def _change(lead: Any, since: datetime) -> dict[str, Any]:
    new = lead.created_at >= since and lead.updated_at == lead.created_at
    return {
        "id": lead.id * 10,
        "marketoGUID": f"{lead.id}-{lead.updated_at.timestamp():.0f}",
        "leadId": lead.id,
        "activityDate": iso(lead.updated_at),
        "activityTypeId": NEW_LEAD if new else CHANGE_DATA_VALUE,
        "fields": [],
        "attributes": [],
    }


def _deletion(position: int, lead: int, when: datetime) -> dict[str, Any]:
    return {
        "id": 900_000 + position,
        "marketoGUID": f"deleted-{lead}",
        "leadId": lead,
        "activityDate": iso(when),
        "activityTypeId": DELETE_LEAD,
        "primaryAttributeValue": str(lead),
        "attributes": [],
    }


def _instant(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _error(code: str, message: str) -> Reply:
    return Reply.json(
        {"requestId": "0000#0000", "success": False, "errors": [{"code": code, "message": message}]}
    )
