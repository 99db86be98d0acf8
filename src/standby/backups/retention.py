"""Which snapshots to delete after a good run: `keep: {within, daily, weekly, monthly}` keeps every
complete snapshot taken within `within` of the newest (like restic's --keep-within), and the newest
complete snapshot of each of the last N days, weeks (Monday to Sunday) and months that have one, in
the plan's time zone — the grandfather-father-son rotation. The newest complete snapshot is always
kept. Failed and unfinished snapshots older than it are evidence no longer needed; newer ones stay
(the check reads them, and an unfinished one may be resumed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from standby.backups.manifest import Manifest, snapshot_time
from standby.plan.backups import Keep


def to_delete(
    snapshots: Sequence[str], manifests: Mapping[str, Manifest | None], keep: Keep, tz: str
) -> list[str]:
    """`snapshots` oldest first; `manifests` by name (None: unfinished)."""
    complete = [n for n in snapshots if (m := manifests.get(n)) is not None and m.complete]
    if not complete:
        return []
    zone = ZoneInfo(tz)

    def day(name: str) -> date:
        when = snapshot_time(name)
        assert when is not None
        return when.astimezone(zone).date()

    newest_at = snapshot_time(complete[-1])
    assert newest_at is not None
    kept = {n for n in complete if (t := snapshot_time(n)) is not None and newest_at - t < keep.within}
    kept |= _newest_per(complete, lambda n: day(n), keep.daily)
    kept |= _newest_per(complete, lambda n: tuple(day(n).isocalendar())[:2], keep.weekly)
    kept |= _newest_per(complete, lambda n: (day(n).year, day(n).month), keep.monthly)
    newest = complete[-1]
    return [n for n in snapshots if n not in kept and n < newest]


def _newest_per(names: Sequence[str], period: Callable[[str], object], count: int) -> set[str]:
    """The newest name of each of the last `count` periods that have one."""
    chosen: dict[object, str] = {}
    for name in reversed(names):  # newest first
        key = period(name)
        if key not in chosen:
            if len(chosen) == count:
                break
            chosen[key] = name
    return set(chosen.values())
