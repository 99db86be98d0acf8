"""Marketo's Bulk Lead Extract: create a job → enqueue it → poll its status → download the file (with
`Range` to resume a cut-off download) → check its SHA-256 against the job's `fileChecksum`.

Limits (docs: bulk-extract): 2 jobs processing at once and 10 queued per instance, shared with every
other integration; 500 MB of files a day, reset at midnight US Central; one filter per job, a date range
of 31 days at most. A job's status changes at most once a minute, so polling starts at a minute and
backs off to five. We keep at most two of our jobs in the queue at once (the instance's processing
limit: more would only wait, and hold places other integrations need), stop before our share of the
daily quota is spent, and cancel a job that stays queued past `max_wait` rather than wait forever.
The file is written to disk as it arrives and hashed as it is written: memory stays flat whatever the
size of the export.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from standby.core.net import describe
from standby.integrations.errors import PlatformDown, PlatformError, PlatformRefused, QuotaReached
from standby.integrations.marketo.activities import marketo_time
from standby.integrations.marketo.client import QUOTA_ZONE, MarketoClient, next_quota_reset

EXPORT = "/bulk/v1/leads/export"
MAX_SPAN = timedelta(days=31)
CHUNK = 1 << 20
DONE = {"completed", "failed", "cancelled", "canceled"}


class ChecksumMismatch(PlatformError):
    """The downloaded file is not the file Marketo described (size or SHA-256): nothing of it is used."""


@dataclass(frozen=True)
class Export:
    job: str  # Marketo's exportId
    records: int
    size: int  # bytes, as Marketo metered them against the daily quota
    sha256: str
    path: Path  # the verified file


def windows(
    start: datetime, end: datetime, span: timedelta = MAX_SPAN
) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) cut into date-range filters Marketo accepts: at most 31 days, whole seconds, each
    ending a second before the next begins (the bounds are inclusive), the last ending at `end`."""
    start = start.replace(microsecond=0)
    while start < end:
        stop = min(start + span, end.replace(microsecond=0) + timedelta(seconds=1))
        yield start, stop - timedelta(seconds=1)
        start = stop


class BulkExtract:
    def __init__(
        self,
        client: MarketoClient,
        *,
        daily_bytes: int = 500 * 1000 * 1000,
        concurrent: int = 2,
        poll: float = 60.0,
        max_poll: float = 300.0,
        max_wait: timedelta = timedelta(hours=6),
        download_retries: int = 5,
    ) -> None:
        self.client = client
        self.daily_bytes, self.poll, self.max_poll = daily_bytes, poll, max_poll
        self.max_wait, self.download_retries = max_wait, download_retries
        self._slots = asyncio.Semaphore(concurrent)
        self.used = 0  # bytes exported today (US Central) by this API user, ours included
        self.jobs: list[str] = []  # export ids we created
        self.resumed_bytes = 0  # bytes a download did not fetch again thanks to Range

    async def usage_today(self) -> int:
        """What this API user's jobs finished today (US Central) cost against the daily quota."""
        today = self.client.clock.now().astimezone(QUOTA_ZONE).date()
        used = 0
        async for page in self.client.pages(EXPORT + ".json", {"status": "Completed", "batchSize": 300}):
            for job in page:
                finished = _instant(job.get("finishedAt"))
                if finished is not None and finished.astimezone(QUOTA_ZONE).date() == today:
                    used += int(job.get("fileSize") or 0)
        self.used = used
        return used

    async def export(self, fields: Sequence[str], filter: Mapping[str, Any], dest: Path) -> Export:
        """One job, start to verified file at `dest` (a partial file there is resumed)."""
        async with self._slots:
            self._within_budget()
            job = await self._create(fields, filter)
            await self._enqueue(job)
            status = await self._finished(job)
            size = int(status.get("fileSize") or 0)
            self.used += size
            checksum = str(status.get("fileChecksum") or "").removeprefix("sha256:").lower()
            digest = await self._download(job, dest, size)
            if digest != checksum:
                await asyncio.to_thread(dest.unlink, missing_ok=True)
                raise ChecksumMismatch(
                    f"the file of Marketo export {job} does not match its checksum (sha256 {digest[:16]}…, "
                    f"Marketo says {checksum[:16] or 'none'}…); it was not used"
                )
            return Export(job, int(status.get("numberOfRecords") or 0), size, digest, dest)

    def _within_budget(self) -> None:
        if self.used >= self.daily_bytes:
            until = next_quota_reset(self.client.clock.now())
            raise QuotaReached(
                f"this backup's share of Marketo's daily Bulk Extract quota is used ({self.used / 1e6:.0f} "
                f"of {self.daily_bytes / 1e6:.0f} MB); it resumes after {until:%Y-%m-%d %H:%M} UTC",
                until=until,
            )

    async def _create(self, fields: Sequence[str], filter: Mapping[str, Any]) -> str:
        body = {"fields": list(fields), "format": "CSV", "filter": dict(filter)}
        try:
            data = await self.client.call("POST", f"{EXPORT}/create.json", body=body)
        except PlatformRefused as exc:
            self._quota(exc)
            raise
        job = str(_first(data).get("exportId") or "")
        if not job:
            raise PlatformDown("Marketo created an export job without an exportId")
        self.jobs.append(job)
        return job

    async def _enqueue(self, job: str) -> None:
        """Enqueue; while the instance's queue is full, wait (1, 2, then 4 minutes) within `max_wait`."""
        began, wait = self.client.clock.now(), 60.0
        while True:
            try:
                await self.client.call("POST", f"{EXPORT}/{job}/enqueue.json")
                return
            except PlatformRefused as exc:
                if exc.code != "1029":
                    raise
                if "already queued" in str(exc).lower():
                    return
                self._quota(exc)
                if self.client.clock.now() - began >= self.max_wait:
                    raise PlatformDown(
                        f"Marketo's export queue stayed full for {_hours(self.max_wait)} "
                        "(10 jobs, shared with every integration); the backup gave up its job"
                    ) from None
                await self.client.clock.sleep(wait)
                wait = min(wait * 2, 240.0)

    def _quota(self, exc: PlatformRefused) -> None:
        """A 1029 that says the day's 500 MB are spent (by any integration): wait for the reset."""
        if exc.code == "1029" and "quota" in str(exc).lower():
            until = next_quota_reset(self.client.clock.now())
            raise QuotaReached(
                f"Marketo's daily Bulk Extract quota (500 MB, for every integration) is used up: {exc}",
                until=until,
            ) from None

    async def _finished(self, job: str) -> dict[str, Any]:
        began, wait = self.client.clock.now(), self.poll
        while True:
            await self.client.clock.sleep(wait)
            status = _first(await self.client.call("GET", f"{EXPORT}/{job}/status.json"))
            state = str(status.get("status", "")).lower()
            if state == "completed":
                return status
            if state == "failed":
                raise PlatformDown(
                    f"Marketo's export job {job} failed: {status.get('errorMsg') or 'no reason given'}"
                )
            if state in DONE:
                raise PlatformDown(f"Marketo's export job {job} was cancelled (by someone else)")
            if self.client.clock.now() - began >= self.max_wait:
                await self._cancel(job)
                raise PlatformDown(
                    f"Marketo kept export job {job} {state or 'waiting'} for {_hours(self.max_wait)} "
                    "(the instance runs 2 jobs at once for every integration); the backup cancelled it"
                )
            wait = min(wait * 1.5, self.max_poll)

    async def _cancel(self, job: str) -> None:
        # If this fails the job finishes or expires on its own; the backup failed for another reason.
        with contextlib.suppress(PlatformError):
            await self.client.call("POST", f"{EXPORT}/{job}/cancel.json")

    async def _download(self, job: str, dest: Path, size: int) -> str:
        """The file into `dest`, resuming with Range after a cut; the SHA-256 of the whole file."""
        path, failures, missing = f"{EXPORT}/{job}/file.json", 0, 0
        await asyncio.to_thread(dest.parent.mkdir, parents=True, exist_ok=True)
        while True:
            have = await asyncio.to_thread(_size, dest)
            if size and have >= size:
                return await asyncio.to_thread(_sha256, dest)
            try:
                async with self.client.download(path, start=have) as response:
                    if response.status_code == 404:  # Completed can come before the file is there
                        missing += 1
                        if missing > self.download_retries:
                            raise PlatformDown(
                                f"Marketo says export {job} is complete but has no file for it"
                            )
                        await self.client.clock.sleep(self.poll)
                        continue
                    if response.status_code not in (200, 206):
                        raise PlatformDown(
                            f"Marketo answered HTTP {response.status_code} for the file of {job}"
                        )
                    resumed = response.status_code == 206
                    if resumed and _range_start(response) != have:
                        raise PlatformDown(f"Marketo answered the wrong range for the file of {job}")
                    if have and resumed:
                        self.resumed_bytes += have
                    with dest.open("ab" if resumed else "wb") as out:
                        async for chunk in response.aiter_bytes():  # as it arrives: a cut keeps it
                            out.write(chunk)
            except (httpx.HTTPError, PlatformDown) as exc:
                if isinstance(exc, PlatformDown) and "wrong range" in str(exc):
                    await asyncio.to_thread(dest.unlink, missing_ok=True)  # what we hold cannot go on
                failures += 1
                if failures > self.download_retries:
                    why = describe(exc) if isinstance(exc, httpx.HTTPError) else str(exc)
                    raise PlatformDown(f"the download of Marketo export {job} kept failing: {why}") from None
                await self.client.clock.sleep(min(2.0**failures, 30.0))
                continue
            if not size or await asyncio.to_thread(_size, dest) >= size:
                return await asyncio.to_thread(_sha256, dest)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _range_start(response: httpx.Response) -> int | None:
    found = response.headers.get("Content-Range", "")  # "bytes 1000-1999/2000"
    try:
        return int(found.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _first(data: Mapping[str, Any]) -> dict[str, Any]:
    result = data.get("result")
    if isinstance(result, list) and result and isinstance(result[0], dict):
        return result[0]
    raise PlatformDown("Marketo answered a Bulk Extract call without a job in `result`")


def _instant(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")) if text else None
    except ValueError:
        return None


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:g} h"


def date_filter(kind: str, start: datetime, end: datetime) -> dict[str, Any]:
    """A `createdAt` or `updatedAt` filter for [start, end] (31 days at most)."""
    return {kind: {"startAt": marketo_time(start), "endAt": marketo_time(end)}}
