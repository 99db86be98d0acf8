"""A snapshot's leads file: read in full, or — when the newest complete snapshot read the same
selection with the same fields less than `full_every` ago — that snapshot's file merged with what
changed since (and without what was deleted since). Either way the file written is complete: every
lead of the selection, sorted by id, one row each.

Changes are read from a little before the base's `as_of` (OVERLAP): a change made while the base was
being read is read again rather than missed; reading a lead twice changes nothing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from standby.backups.crypto import DecryptError
from standby.backups.files import CsvSink, Written
from standby.backups.manifest import LeadsEntry, Manifest
from standby.backups.progress import Reporter
from standby.backups.snapshot import rows_of, upload
from standby.backups.sources.base import Source
from standby.backups.staging import LeadTable
from standby.backups.storage import Store
from standby.plan.backups import Backup, LeadsFilter

OVERLAP = timedelta(minutes=10)
WHAT = "leads"


@dataclass(frozen=True)
class LeadsTaken:
    entry: LeadsEntry
    deleted: Written | None  # the ids deleted since the base, for an incremental snapshot


def selection_of(backup: Backup) -> str:
    """How the manifest names what the leads file holds; a change means a full read."""
    if not isinstance(backup.leads, LeadsFilter):
        return "all"
    since = backup.leads.updated_since
    return (
        f"updated since {since.isoformat() if isinstance(since, datetime) else f'{since} before the first'}"
    )


def base_for(backup: Backup, previous: Manifest | None, fields: list[str], now: datetime) -> Manifest | None:
    """The snapshot to build on, if an incremental one may be made."""
    if previous is None or previous.leads is None or previous.as_of is None:
        return None
    same = previous.leads.selection == selection_of(backup) and previous.fields == fields
    fresh = now - previous.leads.full_at < backup.full_every
    return previous if same and fresh else None


async def take_leads(
    backup: Backup,
    *,
    source: Source,
    store: Store,
    snapshot: str,
    previous: Manifest | None,
    fields: list[str],
    work: Path,
    now: datetime,
    reporter: Reporter,
) -> LeadsTaken:
    columns = ["id", *(f for f in fields if f != "id")]
    table = LeadTable(work / "leads.sqlite", columns)
    base = base_for(backup, previous, fields, now)
    marketo = source.platform == "marketo"
    reporter.started(WHAT)
    try:
        taken: tuple[int, int, int, Written | None] | None = None
        entry_base: str | None = None
        if base is not None and base.leads is not None and base.as_of is not None:
            try:
                taken = await _incremental(backup, base, source, store, table, fields, work, reporter)
            except DecryptError as exc:  # the key was changed since: read everything afresh
                source.warnings.append(
                    f"the last snapshot's leads could not be read ({exc}); all were read again"
                )
                table.reset()
            entry_base, full_at, mode = base.snapshot, base.leads.full_at, "incremental"
            bulk = marketo and backup.method == "bulk"
        if taken is None:
            since = backup.leads.start(now) if isinstance(backup.leads, LeadsFilter) else None
            bulk = marketo and (since is None or backup.method == "bulk")
            async for page in source.leads(fields, since=since, bulk=bulk, work=work):
                await asyncio.to_thread(table.load, page)
                reporter.advanced(WHAT, len(page))
            taken = (await asyncio.to_thread(table.count), 0, 0, None)
            entry_base, full_at, mode = None, now, "full"  # (a failed incremental read starts afresh)
        written = await asyncio.to_thread(_write, table, work / "leads.csv.gz", columns)
    finally:
        await asyncio.to_thread(table.close)
    added, changed, removed, deleted = taken
    stored = await upload(store, snapshot, "leads.csv.gz", written, key=backup.key)
    reporter.finished(WHAT, written.rows, f"{mode}, {'bulk' if bulk else 'rest'}")
    entry = LeadsEntry(
        **stored.model_dump(),
        selection=selection_of(backup),
        mode=mode,
        base=entry_base,
        full_at=full_at,
        added=added,
        changed=changed,
        removed=removed,
        via="bulk" if bulk else "rest",
    )
    return LeadsTaken(entry, deleted)


async def _incremental(
    backup: Backup,
    base: Manifest,
    source: Source,
    store: Store,
    table: LeadTable,
    fields: list[str],
    work: Path,
    reporter: Reporter,
) -> tuple[int, int, int, Written | None]:
    assert base.leads is not None and base.as_of is not None
    entry = base.leads

    def load() -> None:
        with rows_of(store, base.snapshot, entry, key=backup.key) as rows:
            table.load(rows)

    await asyncio.to_thread(load)
    since = base.as_of - OVERLAP
    bulk = source.platform == "marketo" and backup.method == "bulk"
    added = changed = removed = 0
    async for page in source.changed(since, fields, bulk=bulk, work=work):
        new, differ = await asyncio.to_thread(table.upsert, page)
        added, changed = added + new, changed + differ
        reporter.advanced(WHAT, len(page))
    with CsvSink(work / "deleted.csv.gz", ["id"]) as gone:
        async for ids in source.deleted(since):
            gone.write({"id": i} for i in ids)
            removed += await asyncio.to_thread(table.delete, [int(i) for i in ids if i.isdigit()])
    return added, changed, removed, gone.close()


def _write(table: LeadTable, path: Path, columns: list[str]) -> Written:
    with CsvSink(path, columns) as sink:
        sink.write(table.rows())
    return sink.close()
