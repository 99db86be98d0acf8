"""What every source answers, and how the run picks one for a backup."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from standby.backups.errors import BackupFailed
from standby.plan.issues import suggest

Page = list[dict[str, Any]]
T = TypeVar("T")


@dataclass(frozen=True)
class ListRef:
    id: str
    name: str


class Source(Protocol):
    platform: str
    warnings: list[str]

    async def standard_fields(self) -> list[str]: ...

    async def lists(self, wanted: Sequence[str], every: bool) -> list[ListRef]: ...

    def members(
        self, ref: ListRef, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]: ...

    def leads(
        self, fields: Sequence[str], *, since: datetime | None, bulk: bool, work: Path
    ) -> AsyncIterator[Page]: ...

    def changed(
        self, since: datetime, fields: Sequence[str], *, bulk: bool, work: Path
    ) -> AsyncIterator[Page]: ...

    def deleted(self, since: datetime) -> AsyncIterator[list[str]]: ...

    def calls(self) -> dict[str, int]: ...


def pick_lists(known: Sequence[ListRef], wanted: Sequence[str], *, where: str) -> list[ListRef]:
    """The lists the plan names (by id, exact name, or name ignoring case), in the plan's order."""
    out: list[ListRef] = []
    missing: list[str] = []
    for name in wanted:
        found = (
            [x for x in known if x.id == name]
            or [x for x in known if x.name == name]
            or [x for x in known if x.name.casefold() == name.casefold()]
        )
        if not found:
            missing.append(f"{name!r}{suggest(name, [x.name for x in known])}")
        elif found[0] not in out:
            out.append(found[0])
    if missing:
        raise BackupFailed(f"{where} has no static list {', '.join(missing)}; check lists: in the plan")
    return out


def row_of(record: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {"id": record.get("id"), **{f: record.get(f) for f in fields if f != "id"}}


def instant(text: Any) -> datetime | None:
    """A platform's ISO 8601 time (`2024-06-19T16:40:03Z`, with or without milliseconds), or None."""
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


async def all_or_none(*work: Awaitable[T]) -> list[T]:
    """Run `work` concurrently; if one fails, the others are cancelled (not left writing files for a
    snapshot that has already failed) before the failure is raised."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
