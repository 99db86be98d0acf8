"""The backups pages as plain values: per backup, the last good snapshot (when, how old, what it holds),
the latest run's state, the next scheduled run, and the trend of its counts over the snapshots kept —
all read from the target (catalog.py), plus whether `standby serve` is running it right now.

Manifests are remembered once read (catalog.py): a page view costs a listing of the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.backups.catalog import Snapshot, last_good, snapshots
from standby.backups.models import BackupRun
from standby.backups.prepare import store_of
from standby.backups.storage import StoreError
from standby.core.timetext import at, words
from standby.plan.backups import Backup
from standby.plan.model import Plan

WIDTH, HEIGHT, PAD = 300, 48, 4
# A snapshot's state as the badges show it (the word is always written too: never colour alone).
TONES = {"complete": "ok", "failed": "critical", "unreadable": "critical", "interrupted": "warning",
         "running": "pending", "none": "pending"}  # fmt: skip


@dataclass(frozen=True)
class SnapshotRow:
    name: str
    state: str
    taken: str
    age: str
    counts: dict[str, int]
    error: str
    calls: str
    duration: str
    lists: list[tuple[str, str]]  # (id, name), for the restore form

    @property
    def tone(self) -> str:
        return TONES.get(self.state, "unknown")


@dataclass
class BackupView:
    backup: Backup
    where: str
    owner: str
    next_run: str
    state: str  # of the latest snapshot, or "none"
    last_good: SnapshotRow | None = None
    latest: SnapshotRow | None = None
    running_since: str = ""
    problem: str = ""  # the target could not be read
    trend: Markup | None = None
    trend_text: str = ""
    rows: list[SnapshotRow] = field(default_factory=list)  # newest first

    @property
    def shown(self) -> str:
        return "unreadable" if self.problem else self.state

    @property
    def tone(self) -> str:
        return TONES.get(self.shown, "unknown")


def running(session: Session) -> dict[str, datetime]:
    """Backup id → when its run in progress (in `standby serve`) started."""
    query = select(BackupRun.backup, BackupRun.started_at).where(BackupRun.state == "running")
    return {backup: started for backup, started in session.execute(query)}


def backups_view(
    plan: Plan, *, now: datetime, runs: dict[str, datetime], only: str | None = None
) -> list[BackupView]:
    """Every backup of the plan (or `only` that one), read from its target: call from a thread, with
    no database session open (a target may be slow)."""
    names = {p.id: p.name or p.id for p in plan.people}
    out = []
    for backup in plan.backups:
        if only is not None and backup.id != only:
            continue
        store = store_of(backup)
        view = BackupView(
            backup,
            store.where,
            names.get(backup.owner, backup.owner) if backup.owner else "nobody",
            at(backup.schedule.next_slot(now, plan.timezone), plan.timezone),
            "none",
        )
        since = runs.get(backup.id)
        if since is not None:
            view.running_since = f"{at(since, plan.timezone)} ({words(now - since)})"
        try:
            found = snapshots(store, now)
        except StoreError as exc:
            view.problem = str(exc)
            out.append(view)
            continue
        view.rows = [_row(s, plan.timezone, now) for s in reversed(found)]
        good = last_good(found)
        view.last_good = _row(good, plan.timezone, now) if good else None
        view.latest = view.rows[0] if view.rows else None
        view.state = found[-1].state if found else "none"
        view.trend, view.trend_text = trend(found)
        out.append(view)
    return out


def _row(snapshot: Snapshot, tz: str, now: datetime) -> SnapshotRow:
    manifest = snapshot.manifest
    return SnapshotRow(
        name=snapshot.name,
        state=snapshot.state,
        taken=at(snapshot.taken, tz),
        age=words(now - snapshot.taken),
        counts=snapshot.rows,
        error=(manifest.error or "") if manifest else "",
        calls=manifest.calls_text() if manifest else "",
        duration=words_seconds(manifest.duration_seconds) if manifest else "",
        lists=[(e.id, e.name) for e in manifest.lists] if manifest and manifest.complete else [],
    )


def words_seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def trend(found: list[Snapshot]) -> tuple[Markup | None, str]:
    """Rows held (list members and leads together) over the snapshots, as a small SVG line; a failed
    or cut-off snapshot is a mark on the baseline, not a zero."""
    points = [(s, sum(s.rows.values()) if s.state == "complete" else None) for s in found]
    values = [v for _, v in points if v is not None]
    if not values:
        return None, ""
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / max(len(points) - 1, 1)
    base = HEIGHT - PAD
    marks, line = [], []
    for i, (_, value) in enumerate(points):
        x = PAD + i * step
        if value is None:
            marks.append(f'<rect class="failed" x="{x - 2:.1f}" y="{base - 8}" width="4" height="8"/>')
            continue
        y = base - (value - low) / span * (HEIGHT - 2 * PAD)
        line.append(f"{x:.1f},{y:.1f}")
        marks.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2.5"/>')
    failed = len(points) - len(values)
    text = f"Rows held by the last {len(points)} snapshots: {low:,} to {high:,}, latest good {values[-1]:,}"
    text += f"; {failed} failed or cut off" if failed else ""
    body = (f'<polyline class="line" points="{" ".join(line)}"/>' if len(line) > 1 else "") + "".join(marks)
    said = Markup.escape(text)
    svg = (
        f'<svg class="sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{said}"><title>{said}</title>'
        f'<line class="base" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"/>{body}</svg>'
    )
    return Markup(svg), text  # noqa: S704 - numbers and an escaped sentence only
