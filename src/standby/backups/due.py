"""Scheduled backups in `standby serve`: the tick job that starts each backup at its slot (`daily 02:00`
in the plan's time zone) and the runs themselves, each in a thread of its own (a backup takes minutes
to hours; the engine's tick must not wait for it).

Each tick, for each backup: the latest slot at or before now is due unless an attempt for it exists —
or the last one failed or was interrupted, fewer than `ATTEMPTS` were made, and its `retry_at` has come
(half an hour, then an hour; a quota reached waits for the quota's reset). Claiming is inserting the
attempt's row (unique per backup, slot and attempt): one worker wins. The winner renews its lease
every minute while the run goes on; a row whose lease ran out was left by a dead worker, and is
marked interrupted (its snapshot is resumed by the next attempt). Standby down over several slots
runs the latest one once when it comes back, not every one it missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from standby.backups.errors import BackupFailed
from standby.backups.models import BackupRun
from standby.core.clock import Clock, SystemClock
from standby.engine.models import Monitor
from standby.plan.backups import Backup
from standby.plan.model import Plan

log = logging.getLogger("standby.backups")
LEASE = timedelta(minutes=5)
RENEW = 60.0  # seconds between lease renewals
ATTEMPTS = 3
RETRY_AFTER = timedelta(minutes=30)  # times the attempt number


class Scheduler:
    """The tick job (`run_due`) and the runs it started in this process."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._running: dict[tuple[int, str], threading.Thread] = {}
        self._guard = threading.Lock()

    def run_due(self, sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
        """Start every due backup; how many were started."""
        if not plan.backups:
            return 0
        with sessions.begin() as session:
            _expire(session, now)
        started = 0
        for backup in plan.backups:
            key = (id(sessions), backup.id)
            with self._guard:
                held = self._running.get(key)
                if held is not None and held.is_alive():
                    continue
            run_id = _claim(sessions, backup, plan, now=now, worker=worker)
            if run_id is None:
                continue
            thread = threading.Thread(
                target=self._execute,
                args=(sessions, plan, backup, run_id),
                name=f"backup {backup.id}",
                daemon=True,
            )
            with self._guard:
                self._running[key] = thread
            thread.start()
            started += 1
        return started

    def wait(self, timeout: float | None = None) -> None:
        """Until the runs this process started have finished (tests; a clean stop)."""
        with self._guard:
            threads = list(self._running.values())
        for thread in threads:
            thread.join(timeout)

    def _execute(self, sessions: sessionmaker[Session], plan: Plan, backup: Backup, run_id: int) -> None:
        try:
            asyncio.run(self._run(sessions, plan, backup, run_id))
        except Exception:  # a bug: the row says so, the next tick retries, the engine goes on
            log.exception("backup %s failed unexpectedly", backup.id)
            _finish(sessions, run_id, self.clock.now(), "failed", None, "internal error; see the log", None)

    async def _run(self, sessions: sessionmaker[Session], plan: Plan, backup: Backup, run_id: int) -> None:
        # Imported here: the platforms' clients are for processes that run backups, not every start.
        from standby.backups.prepare import network_of, source_of, store_of, work_root
        from standby.backups.run import run_backup

        renewing = asyncio.create_task(self._renew(sessions, run_id))
        state, snapshot, error, retry = "complete", None, None, None
        try:
            manifest = await run_backup(
                backup, store=store_of(backup), source=source_of(backup, network_of(plan), self.clock),
                clock=self.clock, work_root=work_root(plan), tz=plan.timezone,
            )  # fmt: skip
            snapshot = manifest.snapshot
        except BackupFailed as exc:
            state, error, retry = "failed", str(exc), exc.until
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        now = self.clock.now()
        await asyncio.to_thread(_finish, sessions, run_id, now, state, snapshot, error, retry)
        await asyncio.to_thread(_look_again, sessions, backup, now)

    async def _renew(self, sessions: sessionmaker[Session], run_id: int) -> None:
        while True:
            await asyncio.sleep(RENEW)
            until = self.clock.now() + LEASE
            with contextlib.suppress(Exception):  # the database away for a moment: the lease has slack
                await asyncio.to_thread(_renew_lease, sessions, run_id, until)


def _expire(session: Session, now: datetime) -> None:
    """Runs whose worker stopped renewing: interrupted, to be tried again."""
    session.execute(
        update(BackupRun)
        .where(BackupRun.state == "running", BackupRun.lease_until < now)
        .values(state="interrupted", finished_at=now, retry_at=now, error="the worker running it stopped")
    )


def _claim(
    sessions: sessionmaker[Session], backup: Backup, plan: Plan, *, now: datetime, worker: str
) -> int | None:
    slot = backup.schedule.last_slot(now, plan.timezone)
    with sessions() as session:
        query = select(BackupRun).where(BackupRun.backup == backup.id, BackupRun.slot == slot)
        last = session.scalars(query.order_by(BackupRun.attempt.desc()).limit(1)).first()
    if last is not None:
        failed = last.state in ("failed", "interrupted")
        if not failed or last.attempt >= ATTEMPTS or (last.retry_at is not None and last.retry_at > now):
            return None
    row = BackupRun(
        backup=backup.id, slot=slot, attempt=(last.attempt + 1) if last else 1, state="running",
        worker=worker, lease_until=now + LEASE, started_at=now,
    )  # fmt: skip
    try:
        with sessions.begin() as session:
            session.add(row)
            session.flush()
            return row.id
    except IntegrityError:  # another worker claimed this attempt first
        return None


def _renew_lease(sessions: sessionmaker[Session], run_id: int, until: datetime) -> None:
    with sessions.begin() as session:
        session.execute(update(BackupRun).where(BackupRun.id == run_id).values(lease_until=until))


def _finish(
    sessions: sessionmaker[Session],
    run_id: int,
    now: datetime,
    state: str,
    snapshot: str | None,
    error: str | None,
    retry: datetime | None,
) -> None:
    with sessions.begin() as session:
        row = session.get(BackupRun, run_id)
        if row is None:
            return
        row.state, row.finished_at, row.snapshot, row.error = state, now, snapshot, error
        if state != "complete":
            row.retry_at = retry or now + RETRY_AFTER * row.attempt


def _look_again(sessions: sessionmaker[Session], backup: Backup, now: datetime) -> None:
    """The backup's check reads the target again at the next tick, not at its next interval."""
    with sessions.begin() as session:
        session.execute(
            update(Monitor)
            .where(Monitor.asset == backup.asset_id, Monitor.active.is_(True))
            .values(next_run_at=now)
        )
