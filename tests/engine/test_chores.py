"""The tick jobs and the outbox run only when one query says they may have work (engine/chores.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists
from sqlalchemy.orm import Session, sessionmaker

from standby.app.subscribers import TICK_JOBS
from standby.channels.outbox import enqueue
from standby.core.clock import ManualClock
from standby.engine.chores import OUTBOX, Chores
from standby.engine.models import FindingRecord
from standby.engine.subscribers import TickJob
from standby.plan.model import Plan
from tests.engine.conftest import MakeEngine

Calls = list[str]


def counting(name: str, calls: Calls) -> TickJob:
    def run(sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
        calls.append(name)
        return 1

    return TickJob(name, run)


def findings_by(now: ColumnElement[datetime]) -> ColumnElement[bool]:
    return exists().where(FindingRecord.observed_at <= now)


async def test_a_job_with_a_condition_runs_only_while_it_holds_one_without_runs_every_tick(
    make: MakeEngine, sqlite_sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    engine = await make()
    calls: Calls = []
    watched = counting("watched", calls)
    jobs = [TickJob("watched", watched.run, findings_by), counting("every tick", calls)]
    chores = Chores(sqlite_sessions, jobs, worker="w", clock=clock, rng=None)

    done, messages = await chores.run(engine.plan, clock.now(), wait=True)  # no finding recorded yet
    assert calls == ["every tick"] and done == {"watched": 0, "every tick": 1} and messages == 0

    await engine.tick()  # findings observed now
    calls.clear()
    await chores.run(engine.plan, clock.now() - timedelta(seconds=1), wait=True)  # `now` is bound each time
    assert calls == ["every tick"]
    await chores.run(engine.plan, clock.now(), wait=True)
    assert calls == ["every tick", "watched", "every tick"]


async def test_the_outbox_is_asked_with_the_jobs_and_a_due_message_is_delivered(
    make: MakeEngine, sqlite_sessions: sessionmaker[Session], clock: ManualClock
) -> None:
    engine = await make()
    chores = Chores(sqlite_sessions, TICK_JOBS, worker="w", clock=clock, rng=None)
    chores.senders = {}
    assert chores._pending(clock.now()) == set()  # an idle store: no job with a condition has work
    with sqlite_sessions.begin() as session:
        enqueue(session, key="k1", topic="t", recipient=None, channel="sink", address="ops", subject="s",
                body="b", now=clock.now())  # fmt: skip
    assert chores._pending(clock.now()) == {OUTBOX}
    assert chores._pending(clock.now() - timedelta(seconds=1)) == set()  # not due before it was written
    _, messages = await chores.run(engine.plan, clock.now(), wait=True)
    assert messages == 1  # claimed (no sink configured here: it fails, and is not due again)
    assert chores._pending(clock.now()) == set()
