"""Reading contacts for backups: what changed since a time (CRM search on `lastmodifieddate`, paging with
`after`), which were archived (deleted), contacts by id (batch read, 100 a call) and the property
catalogue.

Search answers at most 10,000 results per query (paging past that is a 400), so a long run of changes
is read in several queries: each starts at the last `lastmodifieddate` the previous one reached.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from standby.integrations.errors import PlatformRefused
from standby.integrations.hubspot.client import HubSpotClient
from standby.integrations.hubspot.contacts import CONTACTS, pages

SEARCH = "/crm/v3/objects/contacts/search"
BATCH_READ = "/crm/v3/objects/contacts/batch/read"
PROPERTIES = "/crm/v3/properties/contacts"
SEARCH_PAGE = 200
SEARCH_CAP = 10_000
BATCH = 100


def hubspot_ms(when: datetime) -> str:
    return str(int(when.astimezone(UTC).timestamp() * 1000))


async def modified_since(
    client: HubSpotClient, since: datetime, properties: Sequence[str]
) -> AsyncIterator[list[dict[str, Any]]]:
    """Contacts modified at or after `since`, oldest change first, a page at a time (a contact may
    come twice where one query ends and the next begins)."""
    start = hubspot_ms(since)
    wanted = sorted({*properties, "lastmodifieddate"})
    while True:
        after, reached = 0, start
        while True:
            body: dict[str, Any] = {
                "filterGroups": [
                    {"filters": [{"propertyName": "lastmodifieddate", "operator": "GTE", "value": start}]}
                ],
                "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}],
                "properties": wanted,
                "limit": SEARCH_PAGE,
                "after": str(after),
            }
            reply = await client.call("POST", SEARCH, body=body)
            if reply.status != 200 or not isinstance(reply.data, dict):
                raise PlatformRefused(f"HubSpot answered the contact search with HTTP {reply.status}")
            page = [r for r in reply.data.get("results") or [] if isinstance(r, dict)]
            if page:
                yield page
                reached = str((page[-1].get("properties") or {}).get("lastmodifieddate") or reached)
            following = ((reply.data.get("paging") or {}).get("next") or {}).get("after")
            if not following:
                return
            after = int(following)
            if after + SEARCH_PAGE > SEARCH_CAP:
                break  # the next page would pass the 10,000 results a query may reach
        reached_ms = _ms(reached)
        if reached_ms is None or reached_ms <= int(start):
            raise PlatformRefused(
                "more than 10,000 HubSpot contacts changed within one millisecond; the search API cannot "
                "page past them, so this snapshot reads every contact instead (lower full_every)"
            )
        start = str(reached_ms)


async def archived(
    client: HubSpotClient, properties: Sequence[str] = ("email",)
) -> AsyncIterator[list[dict[str, Any]]]:
    """Archived (deleted) contacts, each with `archivedAt`, a page at a time."""
    params = {"archived": "true", "limit": 100, "properties": ",".join(properties)}
    async for page in pages(client, CONTACTS, params):
        yield page


async def by_id(client: HubSpotClient, ids: Iterable[str], properties: Sequence[str]) -> list[dict[str, Any]]:
    """The contacts with these ids that exist (not archived), with `properties`; 100 ids a call."""
    wanted = list(dict.fromkeys(ids))
    found: list[dict[str, Any]] = []
    for start in range(0, len(wanted), BATCH):
        body = {"inputs": [{"id": i} for i in wanted[start : start + BATCH]], "properties": list(properties)}
        reply = await client.call("POST", BATCH_READ, body=body)
        if reply.status not in (200, 207) or not isinstance(reply.data, dict):
            raise PlatformRefused(f"HubSpot answered the batch read with HTTP {reply.status}")
        found += [r for r in reply.data.get("results") or [] if isinstance(r, dict)]
    return found


async def contact_properties(client: HubSpotClient) -> list[dict[str, Any]]:
    """The contact properties the account has (`name`, `label`, `hubspotDefined` ...)."""
    reply = await client.call("GET", PROPERTIES)
    if reply.status != 200 or not isinstance(reply.data, dict):
        raise PlatformRefused(f"HubSpot answered the property list with HTTP {reply.status}")
    return [p for p in reply.data.get("results") or [] if isinstance(p, dict) and p.get("name")]


def _ms(value: str) -> int | None:
    """HubSpot writes `lastmodifieddate` as ISO 8601 in results and takes milliseconds in filters."""
    if value.isdigit():
        return int(value)
    try:
        return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return None
