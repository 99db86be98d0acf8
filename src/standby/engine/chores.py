"""The rest of a tick beside the monitors: the tick jobs in their order, the outbox, pruning.

Most ticks none of them has anything to do, and asking each in its own transaction was most of what
an idle engine did every second (a claim of the outbox built its query and took the write lock to find
nothing). So a job says what its work looks like as an SQL condition (`TickJob.pending`), and once a
tick one read-only query asks every job's and the outbox's: only those with work run. A job without a
condition (it keeps its own time: backups, the status page, the runbook) runs every tick.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session, sessionmaker

from standby.channels.outbox import due as outbox_due
from standby.channels.sender import Sender
from standby.core.clock import Clock
from standby.engine import upkeep
from standby.engine.subscribers import TickJob
from standby.plan.model import Plan
from standby.store.base import UTCDateTime
from standby.store.db import reading

log = logging.getLogger("standby.engine")
OUTBOX = "outbox"


class Chores:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        jobs: Sequence[TickJob],
        *,
        worker: str,
        clock: Clock,
        rng: random.Random | None,
    ) -> None:
        """`rng`: the outbox's retry jitter; a test injects its own to fix the retry schedule."""
        self.sessions, self.jobs, self.worker = sessions, tuple(jobs), worker
        self.clock, self.rng = clock, rng
        self.senders: dict[str, Sender] = {}
        now = bindparam("now", type_=UTCDateTime)
        self._asked = [(job.name, job.pending(now)) for job in self.jobs if job.pending is not None]
        self._asked.append((OUTBOX, exists().where(outbox_due(now))))
        self._query = select(*(condition for _, condition in self._asked))  # built once: it is not cheap
        self._delivery: asyncio.Task[int] | None = None
        self._pruned_at: datetime | None = None

    async def run(self, plan: Plan, now: datetime, *, wait: bool) -> tuple[dict[str, int], int]:
        """The tick jobs with work, in order, then the outbox; returns what each job did, by its name,
        and the messages claimed for delivery."""
        done, outbox = await asyncio.to_thread(self._jobs, plan, now)
        messages = await self._deliver(wait, start=outbox)
        if self._pruned_at is None or now - self._pruned_at >= upkeep.PRUNE_EVERY:
            self._pruned_at = now
            retention = plan.settings.retention
            await asyncio.to_thread(upkeep.prune_history, self.sessions, now=now, retention=retention)
        return done, messages

    async def close(self) -> None:
        """Let a delivery in progress end."""
        if self._delivery is not None:
            await asyncio.gather(self._delivery, return_exceptions=True)

    def _pending(self, now: datetime) -> set[str]:
        """The names of the jobs whose condition holds, and OUTBOX when a message is due: one query,
        read-only (on SQLite it takes no write lock)."""
        with reading(), self.sessions() as session:
            found = session.execute(self._query, {"now": now}).one()
        return {name for (name, _), yes in zip(self._asked, found, strict=True) if yes}

    def _jobs(self, plan: Plan, now: datetime) -> tuple[dict[str, int], bool]:
        """In one thread (a hop each cost more than most jobs' own work): the jobs with work, in
        order; returns what each did, and whether the outbox has a message due."""
        pending = self._pending(now)
        done = {}
        for job in self.jobs:
            done[job.name] = self._due(job, plan, now) if job.pending is None or job.name in pending else 0
        # A job that did something may have written messages since the query: the outbox then looks.
        return done, OUTBOX in pending or any(done.values())

    def _due(self, job: TickJob, plan: Plan, now: datetime) -> int:
        try:
            return job.run(self.sessions, plan=plan, now=now, worker=self.worker)
        except Exception:  # a bug or an outage here must not stop the monitoring
            log.exception("running due %s work failed; trying again next tick", job.name)
            return 0

    async def _deliver(self, wait: bool, *, start: bool) -> int:
        """Start delivering the outbox in a thread when a message is due, unless it still is; count
        what finished."""
        claimed = self._delivered()
        if self._delivery is None and start:
            self._delivery = asyncio.create_task(
                asyncio.to_thread(
                    upkeep.deliver_outbox,
                    self.sessions,
                    worker=self.worker,
                    clock=self.clock,
                    senders=self.senders,
                    rng=self.rng,
                )
            )
        if wait and self._delivery is not None:
            await asyncio.gather(self._delivery, return_exceptions=True)
            claimed += self._delivered()
        return claimed

    def _delivered(self) -> int:
        task = self._delivery
        if task is None or not task.done():
            return 0
        self._delivery = None
        error = None if task.cancelled() else task.exception()
        if task.cancelled() or error is not None:
            log.error("outbox delivery failed; trying again next tick", exc_info=error)
            return 0
        return task.result()
