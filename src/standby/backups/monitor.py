"""A backup as a monitored asset: every few minutes its target is read (the snapshots there, not
Standby's own record of what it ran), and the finding says how fresh and how good the backups are.
The engine damps it and alerts follow it through the backup's owner and chain like any check.

- ok: the latest snapshot is complete (or the first one is being taken);
- warning: the latest run failed or was cut off (the one before is still good), or no run yet;
- critical: no good snapshot for two scheduled runs — the last good one is older than the slot before
  the latest (for `daily 02:00`: none since 02:00 yesterday), or none ever after two runs' time —
  or the target cannot be read at all (the backups are not there to restore).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from standby.backups.catalog import Snapshot, last_good, snapshots
from standby.backups.storage import Store, StoreError
from standby.core.status import Finding, Status
from standby.core.timetext import at, words
from standby.plan.backups import Backup
from standby.plan.model import Plan
from standby.plan.status_page import shown_url
from standby.probes.context import ProbeContext
from standby.probes.run import Job

INTERVAL = timedelta(minutes=5)
CHECK = "backup"


def backup_jobs(plan: Plan) -> list[Job]:
    """One monitor per backup of the plan (the wiring hands this to the engine and to `standby check`)."""
    return [
        Job(
            b.asset_id,
            "backup",
            CHECK,
            shown_url(b.target.url),
            b.owner,
            partial(check_backup, b, plan.timezone),
            INTERVAL,
        )
        for b in plan.backups
    ]


async def check_backup(backup: Backup, tz: str, ctx: ProbeContext) -> list[Finding]:
    now = ctx.clock.now()
    store = Store(backup.target, backup.id)
    try:
        found = await asyncio.to_thread(snapshots, store, now)
    except StoreError as exc:
        return [_finding(backup, Status.CRITICAL, f"the backups at {store.where} cannot be read: {exc}", {})]
    return [judge(backup, tz, found, now)]


def judge(backup: Backup, tz: str, found: list[Snapshot], now: datetime) -> Finding:
    schedule = backup.schedule
    latest_slot = schedule.last_slot(now, tz)
    slot_before = schedule.last_slot(latest_slot - timedelta(seconds=1), tz)
    good, latest = last_good(found), (found[-1] if found else None)
    details: dict[str, Any] = {"next_run": at(schedule.next_slot(now, tz), tz), "snapshots": len(found)}
    if good is not None and good.manifest is not None:
        details |= {
            "last_good": at(good.taken, tz),
            "last_good_snapshot": good.name,
            "age": words(now - good.taken),
            "counts": good.rows,
        }
    failure = _failure(latest) if latest is not None and latest is not good else None
    if failure:
        details["latest_failure"] = failure
    if good is None:
        if latest is None:
            return _finding(
                backup, Status.WARNING, f"no snapshot yet; the first run is at {details['next_run']}", details
            )
        if latest.state == "running" and len(found) == 1:
            return _finding(backup, Status.OK, "the first snapshot is being taken", details)
        since = found[0].taken
        status = Status.CRITICAL if since < slot_before else Status.WARNING
        return _finding(
            backup,
            status,
            f"no good snapshot since the first try {words(now - since)} ago: {failure}",
            details,
        )
    summary = f"last good snapshot {words(now - good.taken)} ago ({_counts(good.rows)})"
    if good.taken < slot_before:
        why = f"; latest: {failure}" if failure else ""
        return _finding(
            backup, Status.CRITICAL, f"no good snapshot for two scheduled runs: {summary}{why}", details
        )
    if failure and latest is not None and latest.state != "running":
        return _finding(backup, Status.WARNING, f"the latest run failed: {failure}; {summary}", details)
    return _finding(backup, Status.OK, f"{summary}; next run {details['next_run']}", details)


def _failure(snapshot: Snapshot) -> str:
    if snapshot.state == "running":
        return "a run is in progress"
    if snapshot.state == "interrupted":
        return f"the run of {snapshot.name} was cut off before it finished"
    error = snapshot.manifest.error if snapshot.manifest is not None else None
    return error or f"the run of {snapshot.name} failed"


def _counts(rows: dict[str, int]) -> str:
    lists = {k: v for k, v in rows.items() if k != "leads"}
    members = sum(lists.values())
    plural = ("s" if len(lists) != 1 else "", "s" if members != 1 else "")
    parts = [f"{len(lists)} list{plural[0]}, {members:,} member{plural[1]}"] if lists else []
    if "leads" in rows:
        parts.append(f"{rows['leads']:,} leads")
    return "; ".join(parts) or "empty"


def _finding(backup: Backup, status: Status, summary: str, details: dict[str, Any]) -> Finding:
    return Finding(
        backup.asset_id, "backup", shown_url(backup.target.url), CHECK, status, f"{backup.label}: {summary}",
        backup.owner, details,
    )  # fmt: skip
