"""Where the engine's runs happen: in its own event loop (`LocalProbes`), or in probe processes
(engine/pool.py `ProbePool`) so that probing uses every core and nothing else the process does — the
web app, recording — delays a check. Either way a run is submitted with its slot and comes back as a
future of (started, findings); both keep one long-lived ProbeContext per plan (its memo outlives runs).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from standby.core.clock import Clock
from standby.engine.runs import Ran, run_at
from standby.engine.scheduler import run_limit
from standby.plan.model import Plan
from standby.probes.context import ProbeContext, make_context
from standby.probes.run import Job

Monitors = Callable[[Plan], list[Job]]  # a plan's probe jobs: the wiring's list (app/monitors.py)


class Probes(Protocol):
    processes: int  # probe processes; 0 when runs happen in the engine's own loop

    async def load(self, plan: Plan) -> None:
        """Run the jobs of `plan` from now on (runs in flight finish with the plan they began with)."""

    def submit(self, job: Job, due: datetime) -> asyncio.Future[Ran]:
        """Run `job` at `due` (at once when that has passed)."""

    def start_of(self, due: datetime) -> datetime:
        """When a run due at `due` is meant to start (the probe processes round slots to their grid)."""

    def cpu_seconds(self) -> float:
        """CPU time the probe processes have used so far (0 for runs in the engine's own process)."""

    async def aclose(self) -> None:
        """Stop: runs still in flight are cancelled."""


def next_context(old: ProbeContext | None, plan: Plan, clock: Clock) -> ProbeContext:
    """The context for a newly loaded plan; it keeps the old memo (registry answers stay good) when
    the settings did not change."""
    fresh = make_context(plan, clock)
    if old is not None and old.settings == fresh.settings:
        fresh = replace(old, net=fresh.net)
    return fresh


class PlanJobs:
    """A plan's jobs by key and the context they run with, rebuilt on each load; contexts of earlier
    plans are closed once no run uses them any more."""

    def __init__(self, clock: Clock, monitors: Monitors) -> None:
        self.clock, self.monitors = clock, monitors
        self.ctx: ProbeContext | None = None
        self.jobs: dict[str, Job] = {}
        self.plan: Plan | None = None
        self._users: dict[int, int] = {}  # id(ctx) -> runs using it
        self._retired: list[ProbeContext] = []

    def load(self, plan: Plan) -> None:
        if self.ctx is not None:
            self._retired.append(self.ctx)
        self.ctx, self.plan = next_context(self.ctx, plan, self.clock), plan
        self.jobs = {job.key: job for job in self.monitors(plan)}

    async def run(self, job: Job, due: datetime) -> Ran:
        """Run `job` at `due` with the current plan's context (kept open until the run ends)."""
        assert self.ctx is not None and self.plan is not None, "load() a plan first"
        ctx, limit = self.ctx, run_limit(self.plan.settings)
        self._users[id(ctx)] = self._users.get(id(ctx), 0) + 1
        try:
            return await run_at(job, ctx, due=due, limit=limit, clock=self.clock)
        finally:
            self._release(ctx)

    def _release(self, ctx: ProbeContext) -> None:
        self._users[id(ctx)] -= 1
        if not self._users[id(ctx)]:
            del self._users[id(ctx)]
            if any(old is ctx for old in self._retired):
                self._retired = [old for old in self._retired if old is not ctx]
                asyncio.get_running_loop().create_task(ctx.net.aclose())

    async def aclose(self) -> None:
        for ctx in [*self._retired, *([self.ctx] if self.ctx else [])]:
            await ctx.net.aclose()
        self._retired, self.ctx = [], None


class LocalProbes:
    """Runs on the engine's own event loop: what tests (with their manual clock) and `--probes 0` use."""

    processes = 0

    def __init__(self, clock: Clock, monitors: Monitors) -> None:
        self._plan = PlanJobs(clock, monitors)
        self._tasks: set[asyncio.Task[Ran]] = set()

    async def load(self, plan: Plan) -> None:
        self._plan.load(plan)

    def submit(self, job: Job, due: datetime) -> asyncio.Future[Ran]:
        task = asyncio.create_task(self._plan.run(job, due))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def start_of(self, due: datetime) -> datetime:
        return due

    def cpu_seconds(self) -> float:
        return 0.0

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._plan.aclose()
