"""Lists (v3): finding lists and reading their memberships (record ids), for backups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from standby.integrations.errors import PlatformRefused
from standby.integrations.hubspot.client import HubSpotClient
from standby.integrations.hubspot.contacts import pages


async def all_lists(client: HubSpotClient, *, count: int = 500) -> AsyncIterator[dict[str, Any]]:
    """Every contact list (`listId`, `name`, `processingType` …), paging by offset."""
    offset = 0
    while True:
        body = {"query": "", "offset": offset, "count": count, "objectTypeId": "0-1"}
        reply = await client.call("POST", "/crm/v3/lists/search", body=body)
        if reply.status != 200 or not isinstance(reply.data, dict):
            raise PlatformRefused(f"HubSpot answered the list search with HTTP {reply.status}")
        for item in reply.data.get("lists") or []:
            if isinstance(item, dict):
                yield item
        if not reply.data.get("hasMore"):
            return
        offset = int(reply.data.get("offset") or offset + count)


async def memberships(client: HubSpotClient, list_id: str, *, limit: int = 250) -> AsyncIterator[list[str]]:
    """The record ids on a list, a page at a time."""
    path = f"/crm/v3/lists/{list_id}/memberships"
    async for page in pages(client, path, {"limit": min(limit, 250)}):
        yield [str(item["recordId"]) for item in page if "recordId" in item]
