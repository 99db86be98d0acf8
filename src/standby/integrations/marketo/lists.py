"""Reading static lists and their members (for backups): both page with `nextPageToken`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from standby.integrations.marketo.client import MarketoClient

DEFAULT_FIELDS = ("id", "email", "firstName", "lastName", "createdAt", "updatedAt")


async def static_lists(client: MarketoClient, *, batch_size: int = 300) -> AsyncIterator[dict[str, Any]]:
    """Every static list of the instance: `id`, `name`, `programName`, `createdAt`, `updatedAt` …"""
    async for page in client.pages("/rest/v1/lists.json", {"batchSize": batch_size}):
        for item in page:
            yield item


async def list_members(
    client: MarketoClient,
    list_id: int,
    *,
    fields: Sequence[str] = DEFAULT_FIELDS,
    batch_size: int = 300,
) -> AsyncIterator[list[dict[str, Any]]]:
    """The leads on a static list, a page (up to `batch_size`) at a time, with the fields asked for."""
    params = {"fields": ",".join(fields), "batchSize": batch_size}
    async for page in client.pages(f"/rest/v1/lists/{int(list_id)}/leads.json", params):
        yield page
