"""The rules, case by case: schedule slots in the plan's time zone (daylight saving included), the
retention rotation, and what the backup check says about the snapshots it finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from standby.backups.catalog import Snapshot
from standby.backups.manifest import ListEntry, Manifest, snapshot_name
from standby.backups.monitor import judge
from standby.backups.retention import to_delete
from standby.core.status import Status
from standby.plan.backups import Backup, Keep
from standby.plan.schedule import parse_schedule

NY = "America/New_York"


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize(
    ("schedule", "now", "last", "following"),
    [
        (
            "daily 02:00",
            "2026-06-10T12:00:00-04:00",
            "2026-06-10T02:00:00-04:00",
            "2026-06-11T02:00:00-04:00",
        ),
        (
            "daily 02:00",
            "2026-06-10T01:59:00-04:00",
            "2026-06-09T02:00:00-04:00",
            "2026-06-10T02:00:00-04:00",
        ),
        # 02:00 does not exist on 8 March 2026 in New York: the run is at 03:00 EDT, the first time after
        (
            "daily 02:00",
            "2026-03-08T12:00:00-04:00",
            "2026-03-08T03:00:00-04:00",
            "2026-03-09T02:00:00-04:00",
        ),
        # 01:30 happens twice on 1 November 2026: once is enough
        (
            "daily 01:30",
            "2026-11-01T01:45:00-05:00",
            "2026-11-01T01:30:00-04:00",
            "2026-11-02T01:30:00-05:00",
        ),
        (
            "weekly sunday 03:30",
            "2026-06-10T12:00:00-04:00",
            "2026-06-07T03:30:00-04:00",
            "2026-06-14T03:30:00-04:00",
        ),
        ("hourly :15", "2026-06-10T12:00:00-04:00", "2026-06-10T11:15:00-04:00", "2026-06-10T12:15:00-04:00"),
    ],
)
def test_slots_are_wall_clock_times_in_the_plans_zone(
    schedule: str, now: str, last: str, following: str
) -> None:
    found = parse_schedule(schedule)
    assert found.last_slot(_at(now), NY) == _at(last)
    assert found.next_slot(_at(now), NY) == _at(following)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("daily 2am", "is not a schedule; write one like daily 02:00"),
        ("daily 24:00", "write the time as HH:MM"),
        ("weekly someday 03:00", "'someday' is not a day of the week"),
        ("hourly :75", "the minute must be 00 to 59"),
    ],
)
def test_a_bad_schedule_says_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_schedule(text)


def _manifest(name: str, status: str = "complete", **counts: Any) -> Manifest:
    lists = [
        ListEntry(path=f"lists/{i}.csv.gz", rows=n, bytes=1, sha256="x", id=str(i), name=k)
        for i, (k, n) in enumerate(counts.items())
    ]
    return Manifest.model_validate(
        {"backup": "b", "snapshot": name, "status": status, "platform": "marketo", "account": "a",
         "started_at": datetime(2026, 1, 1, tzinfo=UTC), "finished_at": datetime(2026, 1, 1, tzinfo=UTC),
         "duration_seconds": 1, "lists": lists, "error": "Marketo is still down" if status == "failed" else None}
    )  # fmt: skip


def test_retention_keeps_the_newest_of_each_day_week_and_month_and_the_last_day_whole() -> None:
    start = datetime(2026, 1, 1, 2, tzinfo=UTC)
    names = [snapshot_name(start + timedelta(days=d)) for d in range(120)]
    names.insert(-1, snapshot_name(start + timedelta(days=119, hours=-3)))  # a manual run the day before
    names.append(snapshot_name(start + timedelta(days=119, hours=5)))  # and one later that day
    manifests = {n: _manifest(n) for n in names}
    manifests[names[50]] = _manifest(names[50], "failed")
    keep = Keep(within=timedelta(days=1), daily=7, weekly=4, monthly=3)
    gone = set(to_delete(names, manifests, keep, "UTC"))
    kept = [n for n in names if n not in gone]
    days = sorted({n[:10] for n in kept})
    assert kept[-3:] == names[-3:]  # within a day of the newest: all
    assert len([n for n in kept if n[:10] >= "2026-04-24"]) >= 7  # the last 7 days that have one
    assert {"2026-04-30", "2026-03-31", "2026-02-28"} <= set(days)  # the newest of each of 3 months
    assert names[50] in gone  # a failed snapshot older than the newest good one is no longer evidence
    assert len(kept) < 20


def test_retention_never_deletes_anything_before_a_first_good_snapshot() -> None:
    names = [snapshot_name(datetime(2026, 1, d, tzinfo=UTC)) for d in range(1, 5)]
    assert to_delete(names, {n: _manifest(n, "failed") for n in names}, Keep(), "UTC") == []


def _backup(**extra: Any) -> Backup:
    return Backup.model_validate(
        {"id": "mkto", "source": {"hubspot": {"token": "t"}}, "all_lists": True, "target": {"url": "/b"},
         "owner": "dana", **extra}
    )  # fmt: skip


def _snap(when: datetime, state: str = "complete", **counts: int) -> Snapshot:
    name = snapshot_name(when)
    manifest = _manifest(name, state, **counts) if state in ("complete", "failed") else None
    return Snapshot(name, when, state, manifest)


NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
TODAY = datetime(2026, 6, 10, 2, 0, 5, tzinfo=UTC)
YESTERDAY = TODAY - timedelta(days=1)


def test_a_fresh_good_snapshot_is_ok_and_says_its_age_counts_and_next_run() -> None:
    found = judge(_backup(), "UTC", [_snap(TODAY, Hot=250, Webinar=1834)], NOW)
    assert found.status is Status.OK and found.asset == "backup:mkto" and found.owner == "dana"
    assert (
        found.summary
        == "mkto: last good snapshot 9 h 59 min ago (2 lists, 2,084 members); next run 2026-06-11 02:00 UTC"
    )
    assert found.details["counts"] == {"Hot": 250, "Webinar": 1834} and found.details["age"] == "9 h 59 min"


def test_a_failed_latest_run_is_a_warning_while_the_one_before_is_recent() -> None:
    found = judge(_backup(), "UTC", [_snap(YESTERDAY, Hot=1), _snap(TODAY, "failed")], NOW)
    assert found.status is Status.WARNING
    assert found.summary.startswith(
        "mkto: the latest run failed: Marketo is still down; last good snapshot 33 h 59 min ago (1 list, 1 member)"
    )


def test_no_good_snapshot_for_two_scheduled_runs_is_critical() -> None:
    old = YESTERDAY - timedelta(days=1)
    found = judge(
        _backup(), "UTC", [_snap(old, Hot=1), _snap(YESTERDAY, "failed"), _snap(TODAY, "interrupted")], NOW
    )
    assert found.status is Status.CRITICAL
    assert "no good snapshot for two scheduled runs" in found.summary and "cut off" in found.summary


def test_never_a_snapshot_is_a_warning_first_and_a_first_run_in_progress_is_fine() -> None:
    assert judge(_backup(), "UTC", [], NOW).status is Status.WARNING
    assert judge(_backup(), "UTC", [_snap(TODAY, "running")], NOW).status is Status.OK
    failing = [
        _snap(YESTERDAY - timedelta(days=1), "failed"),
        _snap(YESTERDAY, "failed"),
        _snap(TODAY, "failed"),
    ]
    assert judge(_backup(), "UTC", failing, NOW).status is Status.CRITICAL
