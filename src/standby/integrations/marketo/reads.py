"""Reading leads and the field catalogue: Get Leads by Filter Type on `id` (up to 300 ids a call,
the way to re-read leads a change log named) and Describe (which fields the instance has)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from standby.integrations.marketo.client import MarketoClient

LEADS = "/rest/v1/leads.json"
DESCRIBE = "/rest/v1/leads/describe.json"
MAX_IDS = 300
URI_BUDGET = 7000  # bytes of query: Marketo answers 414 past 8 KB of URI


async def leads_by_id(
    client: MarketoClient, ids: Iterable[int], fields: Sequence[str]
) -> list[dict[str, Any]]:
    """The leads with these ids that still exist, with `fields`; as many calls as the ids need."""
    wanted = sorted(set(ids))
    found: list[dict[str, Any]] = []
    names = ",".join(fields)
    start = 0
    while start < len(wanted):
        end, size = start, len(names)
        while end < len(wanted) and end - start < MAX_IDS and size + len(str(wanted[end])) + 1 < URI_BUDGET:
            size += len(str(wanted[end])) + 1
            end += 1
        chunk = wanted[start:end]
        params = {"filterType": "id", "filterValues": ",".join(map(str, chunk)), "fields": names}
        async for page in client.pages(LEADS, {**params, "batchSize": MAX_IDS}):
            found += page
        start = end
    return found


async def describe(client: MarketoClient) -> list[dict[str, Any]]:
    """The instance's lead fields: `rest.name`, `displayName`, `dataType` ... (fields without a REST
    name cannot be read through the API and are left out)."""
    data = await client.call("GET", DESCRIBE)
    return [f for f in data.get("result") or [] if isinstance(f, dict) and (f.get("rest") or {}).get("name")]
