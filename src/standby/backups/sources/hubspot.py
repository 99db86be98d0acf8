"""Reading HubSpot for a backup.

- Lists: Lists v3 search (every list, or by name or id); a list's members page by record id (250 a
  page) and are read with their properties by batch read (100 a call).
- Every contact: the contacts list, 100 a page, following `after` until there is none.
- What changed: CRM search on `lastmodifieddate`, oldest change first (integrations/hubspot/crm.py
  starts a new query where one reaches the 10,000 results a query may page through).
- What was deleted: archived contacts whose `archivedAt` is at or after the time.
HubSpot has no bulk export API for this: `bulk` is ignored (the plan refuses method: bulk for it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from standby.backups.sources.base import ListRef, Page, instant, pick_lists
from standby.core.clock import Clock
from standby.core.net import Network
from standby.integrations.hubspot.client import HubSpotClient, Limits
from standby.integrations.hubspot.contacts import contacts
from standby.integrations.hubspot.crm import archived, by_id, contact_properties, modified_since
from standby.integrations.hubspot.lists import all_lists, memberships
from standby.plan.accounts import HubSpotAccount

STANDARD = (
    "email", "firstname", "lastname", "phone", "mobilephone", "company", "jobtitle", "website",
    "address", "city", "state", "zip", "country", "lifecyclestage", "createdate", "lastmodifieddate",
)  # fmt: skip
STATIC = ("MANUAL", "SNAPSHOT")  # lists whose members people put there, not a filter's result
# Stamps HubSpot also gives outside `properties`, for when a property is not in the answer.
_STAMPS = {"createdate": "createdAt", "lastmodifieddate": "updatedAt"}


class HubSpotSource:
    platform = "hubspot"

    def __init__(
        self, account: HubSpotAccount, *, network: Network, clock: Clock, limits: Limits | None = None
    ) -> None:
        self.client = HubSpotClient(
            token=account.token, network=network, clock=clock, base_url=account.url, limits=limits
        )
        self.where = f"HubSpot ({account.url})"
        self.warnings: list[str] = []

    async def standard_fields(self) -> list[str]:
        defined = {str(p["name"]) for p in await contact_properties(self.client) if p.get("hubspotDefined")}
        return ["id", *(f for f in STANDARD if f in defined)]

    async def lists(self, wanted: Sequence[str], every: bool) -> list[ListRef]:
        found = [x async for x in all_lists(self.client)]
        known = [ListRef(str(x.get("listId")), str(x.get("name", ""))) for x in found]
        if every:
            return [ref for ref, x in zip(known, found, strict=True) if x.get("processingType") in STATIC]
        return pick_lists(known, wanted, where=self.where)

    async def members(
        self, ref: ListRef, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        async for ids in memberships(self.client, ref.id):
            if ids:
                yield [_row(c, fields) for c in await by_id(self.client, ids, _properties(fields))]

    async def leads(
        self, fields: Sequence[str], *, since: datetime | None, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        if since is not None:
            async for page in self.changed(since, fields, bulk=bulk, work=work):
                yield page
            return
        async for page in contacts(self.client, properties=_properties(fields)):
            yield [_row(c, fields) for c in page]

    async def changed(
        self, since: datetime, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        async for page in modified_since(self.client, since, _properties(fields)):
            yield [_row(c, fields) for c in page]

    async def deleted(self, since: datetime) -> AsyncIterator[list[str]]:
        async for page in archived(self.client):
            gone = [str(c.get("id")) for c in page if (instant(c.get("archivedAt")) or since) >= since]
            if gone:
                yield gone

    def calls(self) -> dict[str, int]:
        return {"api": self.client.sent}


def _properties(fields: Sequence[str]) -> list[str]:
    return [f for f in fields if f != "id"]


def _row(contact: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    props = contact.get("properties") or {}
    row: dict[str, Any] = {"id": contact.get("id")}
    for name in fields:
        if name != "id":
            value = props.get(name)
            row[name] = contact.get(_STAMPS[name]) if value is None and name in _STAMPS else value
    return row
