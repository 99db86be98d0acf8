"""One run of a backup: a snapshot folder at the target with a gzip CSV per list, the leads file,
and — written last — `manifest.json`.

While it runs, `progress.json` says what is done (rewritten after each list and every minute, its
`beat` showing the run is alive). A run that fails writes a manifest that says "failed" and why; a
run that is cut off (the process killed) leaves only `progress.json`. The next run of the backup
resumes such a snapshot within a day when nothing is writing it any more: the lists already up are
kept (their files checked for size), the rest are read. Nothing ever claims "complete" before every
file is at the target and checked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from standby.backups import retention
from standby.backups.catalog import ALIVE
from standby.backups.crypto import DecryptError
from standby.backups.errors import BackupFailed
from standby.backups.files import CsvSink
from standby.backups.leads import take_leads
from standby.backups.manifest import (
    MANIFEST,
    PROGRESS,
    FileEntry,
    LeadsEntry,
    ListEntry,
    Manifest,
    snapshot_name,
)
from standby.backups.progress import Quiet, Reporter
from standby.backups.snapshot import latest_complete, upload
from standby.backups.sources.base import ListRef, Source, all_or_none
from standby.backups.storage import Store, StoreError
from standby.core.clock import Clock
from standby.integrations.errors import PlatformError, QuotaReached
from standby.integrations.marketo.bulk import ChecksumMismatch
from standby.plan.backups import Backup

log = logging.getLogger("standby.backups")
RESUME_WITHIN = timedelta(days=1)  # an unfinished snapshot older than this is left for retention
BEAT = 60.0  # seconds between beats
BULK_OVER = 100_000  # members last time: read the list with Bulk Extract (method: auto)
LISTS_AT_ONCE = 2


@dataclass
class _Progress:
    snapshot: str
    started_at: datetime
    columns: list[str] = field(default_factory=list)
    lists: dict[str, ListEntry] = field(default_factory=dict)

    def document(self, now: datetime) -> dict[str, Any]:
        lists = {k: v.model_dump(mode="json") for k, v in self.lists.items()}
        return {"snapshot": self.snapshot, "started_at": self.started_at.isoformat(), "beat": now.isoformat(),
                "columns": self.columns, "lists": lists}  # fmt: skip


async def run_backup(
    backup: Backup,
    *,
    store: Store,
    source: Source,
    clock: Clock,
    work_root: Path,
    tz: str,
    reporter: Reporter | None = None,
) -> Manifest:
    """Make one snapshot; its manifest. BackupFailed (after writing a failed manifest) if it failed."""
    reporter = reporter or Quiet()
    began, started = time.perf_counter(), clock.now()
    try:
        snapshots = await asyncio.to_thread(store.snapshots)
        previous = await asyncio.to_thread(latest_complete, store, snapshots)
        resumed = await _resumable(store, snapshots, started)
    except StoreError as exc:  # nothing can be written there either: no manifest to leave
        raise BackupFailed(f"{backup.id}: {exc}") from None
    progress = resumed or _Progress(_fresh_name(snapshots, started), started)
    work = work_root / backup.id / progress.snapshot
    await asyncio.to_thread(_tidy, work)
    beat = asyncio.create_task(_beating(store, progress, clock))
    fields: list[str] = []
    try:
        fields = list(backup.fields) if backup.fields else await source.standard_fields()
        columns = ["id", *(f for f in fields if f != "id")]
        if progress.columns != columns:
            progress.columns, progress.lists = columns, {}  # the fields changed: nothing done can be kept
        as_of = clock.now()
        refs = await source.lists(backup.lists, backup.all_lists) if backup.lists or backup.all_lists else []
        lists = await _all_lists(
            backup, refs, store, source, progress, previous, columns, work, reporter, clock
        )
        leads = deleted = None
        if backup.leads is not None:
            taken = await take_leads(
                backup, source=source, store=store, snapshot=progress.snapshot, previous=previous,
                fields=columns, work=work, now=as_of, reporter=reporter,
            )  # fmt: skip
            leads = taken.entry
            if taken.deleted is not None and taken.deleted.rows:
                deleted = await upload(
                    store, progress.snapshot, "deleted.csv.gz", taken.deleted, key=backup.key
                )
        manifest = _manifest(
            backup, source, progress, "complete", clock, began, fields=columns, lists=lists, leads=leads,
            deleted=deleted, as_of=as_of,
        )  # fmt: skip
        await _stop(beat)
        await asyncio.to_thread(
            store.write_json, progress.snapshot, MANIFEST, manifest.model_dump(mode="json")
        )
        await asyncio.to_thread(store.delete, progress.snapshot, PROGRESS)
    except (BackupFailed, PlatformError, StoreError, DecryptError) as exc:
        problem = isinstance(exc, ChecksumMismatch) or (isinstance(exc, BackupFailed) and exc.problem)
        failed = _manifest(backup, source, progress, "failed", clock, began, fields=fields, error=str(exc))
        failed.problem = problem
        await _stop(beat)
        with contextlib.suppress(StoreError):  # the target itself may be what failed
            await asyncio.to_thread(
                store.write_json, progress.snapshot, MANIFEST, failed.model_dump(mode="json")
            )
            await asyncio.to_thread(store.delete, progress.snapshot, PROGRESS)
        until = exc.until if isinstance(exc, QuotaReached | BackupFailed) else None
        raise BackupFailed(f"{backup.id}: {exc}", problem=problem, until=until) from None
    except BaseException:
        await _stop(beat)  # cut off: progress.json stays, and a later run resumes
        raise
    await asyncio.to_thread(shutil.rmtree, work, True)
    await asyncio.to_thread(_prune, store, backup, tz)
    return manifest


async def _all_lists(
    backup: Backup,
    refs: list[ListRef],
    store: Store,
    source: Source,
    progress: _Progress,
    previous: Manifest | None,
    columns: list[str],
    work: Path,
    reporter: Reporter,
    clock: Clock,
) -> list[ListEntry]:
    slots = asyncio.Semaphore(LISTS_AT_ONCE)

    async def one(ref: ListRef) -> ListEntry:
        async with slots:
            done = progress.lists.get(ref.id)
            if (
                done is not None
                and await asyncio.to_thread(store.size, progress.snapshot, done.path) == done.bytes
            ):
                reporter.finished(ref.name, done.rows, "kept from the interrupted run")
                return done
            before = previous.find_list(ref.id) if previous is not None else None
            bulk = source.platform == "marketo" and (
                backup.method == "bulk"
                or (backup.method == "auto" and before is not None and before.rows >= BULK_OVER)
            )
            reporter.started(ref.name)
            with CsvSink(work / "lists" / f"{ref.id}.csv.gz", columns) as sink:
                async for page in source.members(ref, columns, bulk=bulk, work=work):
                    sink.write(page)
                    reporter.advanced(ref.name, len(page))
            stored = await upload(
                store, progress.snapshot, f"lists/{ref.id}.csv.gz", sink.close(), key=backup.key
            )
            entry = ListEntry(**stored.model_dump(), id=ref.id, name=ref.name, via="bulk" if bulk else "rest")
            progress.lists[ref.id] = entry
            await asyncio.to_thread(
                store.write_json, progress.snapshot, PROGRESS, progress.document(clock.now())
            )
            reporter.finished(ref.name, entry.rows, "bulk" if bulk else "")
            return entry

    return await all_or_none(*(one(ref) for ref in refs))


def _manifest(
    backup: Backup,
    source: Source,
    progress: _Progress,
    status: str,
    clock: Clock,
    began: float,
    *,
    fields: list[str],
    lists: list[ListEntry] | None = None,
    leads: LeadsEntry | None = None,
    deleted: FileEntry | None = None,
    as_of: datetime | None = None,
    error: str | None = None,
) -> Manifest:
    return Manifest.model_validate(
        {
            "backup": backup.id,
            "snapshot": progress.snapshot,
            "status": status,
            "platform": backup.source.kind,
            "account": backup.source.account,
            "started_at": progress.started_at,
            "finished_at": clock.now(),
            "as_of": as_of,
            "duration_seconds": round(time.perf_counter() - began, 3),
            "fields": fields,
            "lists": lists or [],
            "leads": leads,
            "deleted": deleted,
            "api_calls": source.calls(),
            "warnings": list(source.warnings),
            "error": error,
            "encrypted": backup.encrypt,
        }
    )


def _fresh_name(snapshots: list[str], when: datetime) -> str:
    name = snapshot_name(when)
    n = 1
    while (candidate := name if n == 1 else f"{name}-{n}") in snapshots:
        n += 1
    return candidate


async def _resumable(store: Store, snapshots: list[str], now: datetime) -> _Progress | None:
    """The newest snapshot when it was cut off less than a day ago and nothing writes it now."""
    if not snapshots:
        return None
    newest = snapshots[-1]
    found = await asyncio.to_thread(store.progress, newest)
    if found is None or await asyncio.to_thread(store.manifest, newest) is not None:
        return None
    try:
        started, beat = datetime.fromisoformat(found["started_at"]), datetime.fromisoformat(found["beat"])
        lists = {k: ListEntry.model_validate(v) for k, v in dict(found.get("lists") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return None
    if now - started > RESUME_WITHIN or now - beat < ALIVE:
        return None
    log.info("resuming snapshot %s (%d lists already up)", newest, len(lists))
    return _Progress(newest, started, list(found.get("columns") or []), lists)


async def _beating(store: Store, progress: _Progress, clock: Clock) -> None:
    """Rewrite progress.json every minute: the run is alive (a failure to write waits for the next)."""
    while True:
        with contextlib.suppress(StoreError):
            await asyncio.to_thread(
                store.write_json, progress.snapshot, PROGRESS, progress.document(clock.now())
            )
        await asyncio.sleep(BEAT)


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _tidy(work: Path) -> None:
    """Remove scratch folders of this backup left by runs cut off more than a day ago (never resumed
    now: only a younger snapshot is); a younger one may belong to a run still going (`backup run`
    beside `standby serve`)."""
    if not work.parent.is_dir():
        return
    stale = time.time() - RESUME_WITHIN.total_seconds()
    for other in work.parent.iterdir():
        if other != work and other.stat().st_mtime < stale:
            shutil.rmtree(other, ignore_errors=True)


def _prune(store: Store, backup: Backup, tz: str) -> None:
    try:
        names = store.snapshots()
        manifests = {n: store.manifest(n) for n in names}
        for name in retention.to_delete(names, manifests, backup.keep, tz):
            store.delete(name)
    except StoreError as exc:  # the snapshot is made; pruning is tried again after the next one
        log.warning("%s: could not remove old snapshots: %s", backup.id, exc)
