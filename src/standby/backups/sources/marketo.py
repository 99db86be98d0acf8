"""Reading Marketo for a backup.

- Lists: REST paging (`lists/{id}/leads.json`, 300 a page, paging tokens) or, when `bulk`, a Bulk
  Extract job with the `staticListId` filter (its members as the job begins processing).
- Every lead: Bulk Extract with `createdAt` windows of 31 days from the oldest lead to now — the way
  Marketo documents reading every lead: no REST call lists them all. The oldest lead has the lowest id
  (ids grow with creation), found by asking for the first ids in blocks of 300.
- What changed: REST (a paging token at the time, Get Lead Changes, then the leads by id, 300 a call)
  or, when `bulk`, `updatedAt` windows (a subscription without that filter answers 1035: then REST).
- What was deleted: Get Deleted Leads, from a paging token.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from standby.backups.sources.base import ListRef, Page, all_or_none, instant, pick_lists, row_of
from standby.core.clock import Clock
from standby.core.net import Network
from standby.integrations.errors import PlatformRefused
from standby.integrations.marketo.activities import changed_leads, deleted_leads
from standby.integrations.marketo.bulk import BulkExtract, Export, date_filter, windows
from standby.integrations.marketo.client import Limits, MarketoClient
from standby.integrations.marketo.lists import list_members, static_lists
from standby.integrations.marketo.reads import MAX_IDS, describe, leads_by_id
from standby.plan.accounts import MarketoAccount

# The standard person fields, in the order a file shows them; those the instance describes are kept.
STANDARD = (
    "id", "email", "firstName", "lastName", "company", "title", "phone", "mobilePhone", "address",
    "city", "state", "postalCode", "country", "website", "leadSource", "leadStatus", "unsubscribed",
    "createdAt", "updatedAt",
)  # fmt: skip
OLDEST_PROBES = 10  # blocks of 300 ids looked at for the oldest lead
MARKETO_BEGINS = datetime(2006, 1, 1, tzinfo=UTC)  # no lead is older than Marketo itself
PAGE = 1000  # rows handed on at a time from an export file


class MarketoSource:
    platform = "marketo"

    def __init__(
        self,
        account: MarketoAccount,
        *,
        network: Network,
        clock: Clock,
        daily_bytes: int,
        limits: Limits | None = None,
        bulk: BulkExtract | None = None,
    ) -> None:
        self.client = MarketoClient(
            base_url=account.url,
            client_id=account.client_id,
            client_secret=account.client_secret,
            network=network,
            clock=clock,
            limits=limits,
        )
        self.bulk = bulk or BulkExtract(self.client, daily_bytes=daily_bytes)
        self.where = f"Marketo {account.munchkin_id}"
        self.warnings: list[str] = []
        self._usage_read = False

    async def standard_fields(self) -> list[str]:
        described = {str(f["rest"]["name"]) for f in await describe(self.client)}
        return [f for f in STANDARD if f in described or f == "id"]

    async def lists(self, wanted: Sequence[str], every: bool) -> list[ListRef]:
        known = [ListRef(str(x.get("id")), str(x.get("name", ""))) async for x in static_lists(self.client)]
        return known if every else pick_lists(known, wanted, where=self.where)

    async def members(
        self, ref: ListRef, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        if bulk:
            export = await self._export(fields, {"staticListId": int(ref.id)}, work / f"list-{ref.id}.csv")
            async for page in _pages(export.path):
                yield page
            return
        async for page in list_members(self.client, int(ref.id), fields=_with_id(fields)):
            yield [row_of(r, fields) for r in page]

    async def leads(
        self, fields: Sequence[str], *, since: datetime | None, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        if since is not None:
            async for page in self.changed(since, fields, bulk=bulk, work=work):
                yield page
            return
        start, now = await self._oldest(), self.client.clock.now()
        async for page in self._windows("createdAt", start, now, fields, work):
            yield page

    async def changed(
        self, since: datetime, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]:
        if bulk:
            try:
                async for page in self._windows("updatedAt", since, self.client.clock.now(), fields, work):
                    yield page
                return
            except PlatformRefused as exc:
                if exc.code != "1035":
                    raise
                self.warnings.append(
                    "this subscription has no Bulk Extract updatedAt filter (1035); changes were read "
                    "through REST paging tokens instead"
                )
        batch: set[int] = set()
        async for ids in changed_leads(self.client, since, _with_id(fields)):
            batch |= ids
            while len(batch) >= MAX_IDS:
                chunk = set(sorted(batch)[:MAX_IDS])
                batch -= chunk
                yield [row_of(r, fields) for r in await leads_by_id(self.client, chunk, _with_id(fields))]
        if batch:
            yield [row_of(r, fields) for r in await leads_by_id(self.client, batch, _with_id(fields))]

    async def deleted(self, since: datetime) -> AsyncIterator[list[str]]:
        async for page in deleted_leads(self.client, since):
            yield [str(lead) for lead, _ in page]

    def calls(self) -> dict[str, int]:
        return {
            "rest": self.client.sent,
            "identity": self.client.tokens.issued,
            "bulk_jobs": len(self.bulk.jobs),
        }

    async def _oldest(self) -> datetime:
        """The creation time of the lead with the lowest id: where reading every lead starts."""
        for block in range(OLDEST_PROBES):
            ids = range(1 + block * MAX_IDS, 1 + (block + 1) * MAX_IDS)
            found = await leads_by_id(self.client, ids, ["id", "createdAt"])
            stamps = [instant(r.get("createdAt")) for r in found]
            known = [s for s in stamps if s is not None]
            if known:
                return min(known)
        self.warnings.append(
            f"no lead among the first {OLDEST_PROBES * MAX_IDS} ids: every lead was read from "
            f"{MARKETO_BEGINS:%Y-%m-%d} on (more export jobs than needed)"
        )
        return MARKETO_BEGINS

    async def _windows(
        self, kind: str, start: datetime, end: datetime, fields: Sequence[str], work: Path
    ) -> AsyncIterator[Page]:
        """The rows of one export per 31-day window, two jobs at a time (the instance's limit)."""
        spans = list(windows(start, end))
        for first in range(0, len(spans), 2):
            pair = spans[first : first + 2]
            exports = await all_or_none(
                *(
                    self._export(fields, date_filter(kind, a, b), work / f"{kind}-{first + i}.csv")
                    for i, (a, b) in enumerate(pair)
                )
            )
            for export in exports:
                async for page in _pages(export.path):
                    yield page
                await asyncio.to_thread(export.path.unlink, missing_ok=True)

    async def _export(self, fields: Sequence[str], filter: dict[str, Any], dest: Path) -> Export:
        if not self._usage_read:
            self._usage_read = True
            await self.bulk.usage_today()
        return await self.bulk.export(_with_id(fields), filter, dest)


def _with_id(fields: Sequence[str]) -> list[str]:
    return ["id", *(f for f in fields if f != "id")]


async def _pages(path: Path) -> AsyncIterator[Page]:
    """The rows of an export file (`null` is an empty value), a thousand at a time."""
    reader = _read(path)
    while True:
        page = await asyncio.to_thread(lambda: [row for _, row in zip(range(PAGE), reader, strict=False)])
        if not page:
            return
        yield page


def _read(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield {k: ("" if v == "null" else v) for k, v in row.items()}
