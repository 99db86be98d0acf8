"""Backups in `standby serve`: the tick job starts each backup at its slot (once, whatever the number of
workers), retries failures, picks up a dead worker's run; the backup's check reads its target, and a
backup with no good snapshot for two runs opens an alert for its owner like any failing check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert
from standby.app.monitors import check_jobs, serve_jobs
from standby.app.subscribers import STATE_CHANGES, TICK_JOBS
from standby.backups import monitor
from standby.backups.catalog import snapshots
from standby.backups.due import Scheduler
from standby.backups.models import BackupRun
from standby.backups.prepare import store_of
from standby.core.clock import ManualClock
from standby.engine.models import CheckState
from standby.engine.runner import Engine
from standby.engine.subscribers import TickJob
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.backups.conftest import seed_marketo
from tests.peers.marketo_backup import MarketoBackupFake

SLOT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 02:00 in Berlin


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'standby.db'}")
    migrate.upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(SLOT + timedelta(minutes=1))


def write_plan(path: Path, mkto: MarketoBackupFake, target: Path, cache: Path) -> Plan:
    data = {
        "version": 1,
        "organization": "Acme",
        "timezone": "Europe/Berlin",
        "settings": {"cache_dir": str(cache)},
        "people": [
            {"id": "dana", "email": "dana@example.org", "reports_to": "lee"},
            {"id": "lee", "email": "lee@example.org"},
        ],
        "backups": [
            {
                "id": "mkto",
                "owner": "dana",
                "source": {
                    "marketo": {
                        "munchkin_id": "123-ABC-456",
                        "client_id": mkto.client_id,
                        "client_secret": mkto.client_secret,
                        "base_url": mkto.url,
                    }
                },
                "lists": ["Hot leads", "Customers EMEA"],
                "schedule": "daily 02:00",
                "target": {"url": str(target)},
            }
        ],
    }
    plan = Plan.model_validate(data)
    data["backups"][0]["source"]["marketo"]["client_secret"] = "${MKTO_SECRET}"  # type: ignore[index]
    path.write_text(yaml.safe_dump(data))
    return plan


@pytest.fixture
def mkto(clock: ManualClock) -> Iterator[MarketoBackupFake]:
    with MarketoBackupFake(clock=clock) as fake:
        seed_marketo(fake, 2000)
        yield fake


def _runs(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session:
        return [(r.attempt, r.state) for r in session.scalars(select(BackupRun).order_by(BackupRun.id))]


def test_the_wiring_schedules_backups_and_monitors_them() -> None:
    plan = Plan.model_validate(
        {"version": 1, "organization": "Acme", "backups": [
            {"id": "b", "source": {"hubspot": {"token": "t"}}, "all_lists": True, "target": {"url": "/x"}}]}
    )  # fmt: skip
    assert "backup" in [job.name for job in TICK_JOBS]
    assert [j.key for j in check_jobs(plan)] == [j.key for j in serve_jobs(plan)] == ["backup:b/backup"]
    assert check_jobs(plan)[0].interval == monitor.INTERVAL


def test_a_backup_runs_once_at_its_slot_however_many_workers_look(
    sessions: sessionmaker[Session], clock: ManualClock, mkto: MarketoBackupFake, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "plan.yaml", mkto, tmp_path / "target", tmp_path / "cache")
    first, second = Scheduler(clock), Scheduler(clock)
    now = clock.now()
    assert first.run_due(sessions, plan=plan, now=now, worker="a") == 1
    assert second.run_due(sessions, plan=plan, now=now, worker="b") == 0  # claimed by a
    first.wait(30)
    assert first.run_due(sessions, plan=plan, now=now, worker="a") == 0  # done for this slot
    assert _runs(sessions) == [(1, "complete")]
    found = snapshots(store_of(plan.backups[0]), now)
    assert [s.state for s in found] == ["complete"]
    clock.advance(timedelta(days=1))
    assert second.run_due(sessions, plan=plan, now=clock.now(), worker="b") == 1  # the next slot
    second.wait(30)
    assert _runs(sessions) == [(1, "complete"), (1, "complete")]


def test_a_failed_run_is_tried_again_later_and_a_dead_workers_run_is_picked_up(
    sessions: sessionmaker[Session], clock: ManualClock, mkto: MarketoBackupFake, tmp_path: Path
) -> None:
    plan = write_plan(tmp_path / "plan.yaml", mkto, tmp_path / "target", tmp_path / "cache")
    scheduler = Scheduler(clock)
    mkto.down("503")
    assert scheduler.run_due(sessions, plan=plan, now=clock.now(), worker="a") == 1
    scheduler.wait(30)
    with sessions() as session:
        failed = session.scalars(select(BackupRun)).one()
        assert failed.state == "failed" and "503" in (failed.error or "")
        retry_at = failed.retry_at
    assert retry_at is not None and retry_at - clock.now() >= timedelta(minutes=29)
    mkto.up()
    clock.advance(timedelta(minutes=10))
    assert scheduler.run_due(sessions, plan=plan, now=clock.now(), worker="a") == 0  # not yet
    with sessions.begin() as session:  # attempt 2 claimed by a worker that then died
        session.add(
            BackupRun(backup="mkto", slot=SLOT, attempt=2, state="running", worker="dead", lease_until=clock.now(),
                      started_at=clock.now())
        )  # fmt: skip
    clock.advance(timedelta(minutes=25))
    assert scheduler.run_due(sessions, plan=plan, now=clock.now(), worker="a") == 1
    scheduler.wait(30)
    assert _runs(sessions) == [(1, "failed"), (2, "interrupted"), (3, "complete")]


async def test_a_backup_without_a_good_snapshot_for_two_runs_alerts_its_owner(
    sessions: sessionmaker[Session],
    clock: ManualClock,
    mkto: MarketoBackupFake,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MKTO_SECRET", mkto.client_secret)
    path = tmp_path / "plan.yaml"
    write_plan(path, mkto, tmp_path / "target", tmp_path / "cache")
    scheduler = Scheduler(clock)
    engine = Engine(
        path, sessions, subscribers=STATE_CHANGES, jobs=(TickJob("backup", scheduler.run_due),), monitors=serve_jobs,
        clock=clock,
    )  # fmt: skip

    async def tick() -> None:
        await engine.tick()
        scheduler.wait(30)

    def state() -> CheckState:
        with sessions() as session:
            return session.scalars(select(CheckState).where(CheckState.asset == "backup:mkto")).one()

    try:
        await tick()  # the check finds nothing yet; the run starts
        assert state().observed == "warning" and "no snapshot yet" in state().summary
        clock.advance(timedelta(seconds=1))
        await tick()  # the run poked the check: it reads the new snapshot now, not in 5 minutes
        assert state().observed == "ok" and "last good snapshot" in state().summary
        assert state().details["counts"] == {"Hot leads": 250, "Customers EMEA": 700}
        mkto.down("503")
        for _ in range(2):  # two nights fail
            clock.advance(timedelta(days=1))
            await tick()
            clock.advance(timedelta(minutes=6))
            await tick()
        assert state().status == "critical"
        assert "no good snapshot for two scheduled runs" in state().summary
        with sessions() as session:
            alert = session.scalars(select(Alert).where(Alert.asset == "backup:mkto")).one()
            assert (alert.owner, alert.severity, alert.state) == ("dana", "critical", "open")
    finally:
        await engine.close()
