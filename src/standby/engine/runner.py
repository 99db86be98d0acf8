"""The engine: `tick()` makes one pass — reload the plan if its file changed, claim due monitors and
probe them, record what they found (damped states, and the state-change subscribers: alerts...), run
the tick jobs (escalation steps, renewal reminders...), deliver the outbox — and `run_forever()` ticks
about once a second until told to stop. Which subscribers and jobs, in which order, is the wiring's
choice (standby/app/subscribers.py): the engine imports no feature.

Probes run in probe processes (engine/pool.py) or on the engine's own event loop (engine/probing.py),
each with one long-lived ProbeContext (its memo outlives ticks). Database work runs in threads: it
blocks, and the web app shares the loop. In `run_forever` probes and delivery run in the background
and a tick records whatever has finished, so one slow endpoint never holds up the others; `tick()`
alone waits for everything it started, which is what tests want.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import Clock, SystemClock
from standby.core.loop import settle_heap
from standby.core.status import Status
from standby.engine import load, restart, sight, upkeep
from standby.engine.chores import Chores
from standby.engine.planfile import PlanFile, Reload
from standby.engine.pool import ProbePool
from standby.engine.probing import LocalProbes, Probes, next_context
from standby.engine.recorder import Done, proves_checks, record_runs
from standby.engine.reload import apply_reload
from standby.engine.runs import Ran
from standby.engine.scheduler import RENEW_EVERY, Claim, claim_due, lease_for, release, renew, respread
from standby.engine.subscribers import Reclaim, SightChange, StateChange, TickJob, in_order, sight_in_order
from standby.plan.model import Plan
from standby.probes.context import ProbeContext
from standby.probes.run import Job, jobs_for
from standby.probes.sight import Sight, look

T = TypeVar("T")
log = logging.getLogger("standby.engine")
TICK = 1.0  # seconds between whole passes
# Seconds between recording and claiming while runs are in flight. A run that found anything but OK
# does not wait for it: it wakes the engine at once. Runs are claimed ahead of their slots, so the
# pumps set no run's start; each is a wake-up of the event loop and a hop to a thread or two, and at
# ten a second they were a third of the engine loop's CPU at a few dozen checks a second.
PUMP = 0.25
# Runs that found everything OK wait up to this many seconds (or until RECORD_BATCH of them have
# finished) to be recorded together: each recording is a transaction and a commit on disk, which at a
# few runs per pump cost more than the runs themselves. A run that found anything else is recorded at
# once, with those waiting: a failure is never held back.
RECORD_WAIT = 1.0
RECORD_BATCH = 200
# While Standby sees and no look is settling a change, its self-check runs this often rather than every
# tick (a DNS question and a transaction each time). A finding that failed on Standby's side asks for
# a fresh look at once (`_seeing`), and a failed look is followed by one each tick until it settles.
LOOK_EVERY = timedelta(seconds=5)


@dataclass
class TickReport:
    plan: str | None = None  # "loaded" or "refused" when the plan file changed
    claimed: int = 0  # monitors claimed (and started) this tick
    ran: int = 0  # monitor runs recorded this tick
    findings: int = 0
    changes: int = 0  # damped status changes
    lag: timedelta | None = None  # now − the oldest due time among the monitors claimed
    jobs: dict[str, int] = field(default_factory=dict)  # what each tick job did, by its name
    messages: int = 0  # outbox messages claimed for delivery


@dataclass
class _Run:
    claim: Claim
    job: Job
    future: asyncio.Future[Ran]


def default_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Engine:
    def __init__(
        self,
        plan: Path,
        sessions: sessionmaker[Session],
        *,
        subscribers: Sequence[StateChange] = (),
        jobs: Sequence[TickJob] = (),
        reclaims: Sequence[Reclaim] = (),
        sight: Sequence[SightChange] = (),
        clock: Clock | None = None,
        worker: str | None = None,
        capacity: int | None = None,
        probes: int = 0,
        ahead: timedelta = timedelta(0),
        monitors: Callable[[Plan], list[Job]] = jobs_for,
        rng: random.Random | None = None,
    ) -> None:
        """`probes`: probe processes (0: probe on this event loop); `ahead`: how far ahead of their
        slots monitors are claimed, so that each run starts at its slot (real clock only)."""
        self.plan_file = PlanFile(plan)
        self.sessions = sessions
        self.clock = clock or SystemClock()
        self.worker = worker or default_worker()
        self._on_state_change = in_order(subscribers)
        self.chores = Chores(sessions, jobs, worker=self.worker, clock=self.clock, rng=rng)
        self._reclaims = tuple(reclaims)
        self._on_sight = sight_in_order(sight)
        self._ctx: ProbeContext | None = None  # the self-check's, in this process (probes/sight.py)
        self._look: tuple[datetime, asyncio.Task[Sight]] | None = None  # the self-check in flight
        self._seen: tuple[datetime, Sight] | None = None  # the latest finished one, and when it began
        self._capacity = capacity
        self._monitors = monitors  # the wiring passes every feature's probe jobs (app/monitors.py)
        self._ahead = ahead
        self._probes: Probes = (
            ProbePool(probes, self.clock, monitors) if probes else LocalProbes(self.clock, monitors)
        )
        self._meter = load.Meter(probes, machine=load.machine_cpu)
        self._beat = -float("inf")  # loop time of the last heartbeat
        self._claimed_at = -float("inf")  # loop time of the last claim
        self._started = False
        self._jobs: dict[str, Job] = {}
        self._recheck: set[str] = set()  # monitors whose next run shows the checks a new plan makes
        self._runs: list[_Run] = []
        self._renewed_at: datetime | None = None
        self._finished_at: float | None = None  # loop time the oldest run waiting to be recorded was seen
        self._good_looks = 0  # self-checks in a row that saw: past recover_after, sight is settled
        self._foreign: set[str] = set()  # monitor keys other workers' plans have and ours has not
        self._wake = asyncio.Event()  # set by a run that found anything but OK, and by stopping

    @property
    def plan(self) -> Plan:
        return self.plan_file.plan

    @property
    def capacity(self) -> int:
        """How many monitor runs may be in flight: the network layer bounds the operations themselves."""
        return self._capacity or 4 * self.plan.settings.concurrency

    async def start(self) -> None:
        """Load the plan (PlanError if it is bad: there is nothing to fall back on) and sync it."""
        if self._started:
            return
        found = await self.plan_file.load()
        self._started = True
        now = self.clock.now()
        await self._reload(found, now)
        # Runs missed while no engine ran take their places (only free monitors move); then the runs a
        # dead predecessor had under way, still leased, are taken back and run at once.
        moved = await asyncio.to_thread(self._in_transaction, lambda s: respread(s, now=now))
        if moved:
            log.info("%d monitors missed their runs while no engine ran; they run at their places", moved)
        reclaim = lambda s: restart.reclaim(s, worker=self.worker, now=now, also=self._reclaims)  # noqa: E731
        await asyncio.to_thread(self._in_transaction, reclaim)
        self._meter.ready(self.clock.now())  # a run due before now waited for the start, not a busy engine
        self._meter.sample(self._probes.cpu_seconds())

    async def tick(self, *, wait: bool = True) -> TickReport:
        """One whole pass. With `wait`, it waits for the runs it starts and records them too."""
        report = await self.pump(wait=wait, whole=True)
        await self._chores(report, wait=wait)
        return report

    async def pump(self, *, wait: bool = False, whole: bool = False) -> TickReport:
        """The monitors' part of a tick: reload a changed plan (in a `whole` tick: the pumps between
        ticks leave the file alone), record the runs that finished, claim and start the due ones."""
        await self.start()
        now = self.clock.now()
        report = TickReport()
        loop = asyncio.get_running_loop()
        found = await self.plan_file.refresh() if whole else None
        if found is not None:
            report.plan = "loaded" if found.plan is not None else "refused"
            await self._reload(found, now)
        await self._looked(wait=False)
        if whole:  # not at every pump: a blind Standby would look (and record it) ten times a second
            self._start_look(now)
        await self._record(report, at_once=wait)
        await self._renew(now)
        # Claims made ahead need not be made every pump: half the way ahead keeps every run claimed
        # at least a second before its slot (2 s ahead), at a fraction of the transactions.
        if found is not None or loop.time() - self._claimed_at >= self._ahead.total_seconds() / 2:
            self._claimed_at = loop.time()
            await self._claim(report, now)
        if wait:
            await asyncio.gather(*(r.future for r in self._runs), return_exceptions=True)
            await self._record(report, at_once=True)
            await self._looked(wait=True)
        return report

    async def _chores(self, report: TickReport, *, wait: bool) -> None:
        """The rest of a tick (engine/chores.py): the tick jobs with work, the outbox, pruning."""
        now = self.clock.now()
        report.jobs, report.messages = await self.chores.run(self.plan, now, wait=wait)
        await self._heartbeat(now)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Tick about once a second until `stop` is set. While runs are in flight, pump every PUMP
        seconds, and at once when a run found anything but OK, so finished runs are recorded (and
        their slots refilled) soon; a confirmed change runs the tick jobs at once. A failing pass
        (database away) is logged and retried."""
        loop = asyncio.get_running_loop()
        last_tick = -TICK
        stopping = asyncio.create_task(stop.wait())
        stopping.add_done_callback(lambda _: self._wake.set())
        try:
            while not stop.is_set():
                delay = PUMP
                try:
                    if loop.time() - last_tick >= TICK:
                        last_tick = loop.time()
                        await self.tick(wait=False)
                    elif (report := await self.pump()).changes:
                        await self._chores(report, wait=False)
                    if not self._runs:
                        delay = max(PUMP, TICK - (loop.time() - last_tick))
                except Exception:
                    log.exception("engine tick failed; trying again in %.0f s", 5 * TICK)
                    delay = 5 * TICK
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
                self._wake.clear()
        finally:
            stopping.cancel()
            await self.close()

    async def close(self) -> None:
        """Stop: cancel probes in flight and give their leases back; let a delivery in progress end."""
        for run in self._runs:
            run.future.cancel()
        await self._probes.aclose()
        await asyncio.gather(*(r.future for r in self._runs), return_exceptions=True)
        if self._look is not None:
            self._look[1].cancel()
            await asyncio.gather(self._look[1], return_exceptions=True)
            self._look = None
        if self._runs:
            claims = [r.claim for r in self._runs]
            self._runs = []
            await asyncio.to_thread(self._in_transaction, lambda s: release(s, claims, worker=self.worker))
        await self.chores.close()
        if self._ctx is not None:
            await self._ctx.net.aclose()
            self._ctx = None
        if self._started:
            await asyncio.to_thread(self._in_transaction, lambda s: load.forget(s, self.worker))

    # -- the steps of a tick -------------------------------------------------------------------

    async def _reload(self, found: Reload, now: datetime) -> None:
        jobs = self._monitors(found.plan) if found.plan is not None else []
        hook = self._on_state_change
        await asyncio.to_thread(
            self._in_transaction,
            lambda s: apply_reload(
                s, found, path=self.plan_file.path, jobs=jobs, on_state_change=hook, now=now
            ),
        )
        if found.plan is None:
            return
        self._jobs = {job.key: job for job in jobs}
        self._recheck = set(self._jobs)
        self.chores.senders = upkeep.senders_for(found.plan.settings, first=not self.chores.senders)
        await self._probes.load(found.plan)
        old, self._ctx = self._ctx, next_context(self._ctx, found.plan, self.clock)
        if old is not None:  # a self-check in flight on it needs no HTTP session: Network.aclose
            await old.net.aclose()
        settle_heap(len(self._jobs))

    async def _claim(self, report: TickReport, now: datetime) -> None:
        """Claim what is due (or due within `ahead`) and hand each run to the probes with its slot. Runs
        waiting for their slot do not count against the capacity; runs under way do."""
        under_way = sum(1 for r in self._runs if r.claim.due <= now)
        lease, limit = lease_for(self.plan.settings), self.capacity - under_way
        ahead = self._ahead
        claims = await asyncio.to_thread(
            self._in_transaction,
            lambda s: claim_due(s, worker=self.worker, now=now, limit=limit, lease=lease, ahead=ahead),
        )
        unknown = [c for c in claims if c.key not in self._jobs]
        if unknown:  # another worker runs a different plan version; leave these to it
            new = {c.key for c in unknown} - self._foreign
            if new:
                log.warning("monitors not in this worker's plan, left to others: %s", ", ".join(sorted(new)))
                self._foreign |= new
            await asyncio.to_thread(self._in_transaction, lambda s: release(s, unknown, worker=self.worker))
        for claim in claims:
            job = self._jobs.get(claim.key)
            if job is not None:
                future = self._probes.submit(job, claim.due)
                future.add_done_callback(self._finished)
                self._runs.append(_Run(claim, job, future))
                report.claimed += 1
        if claims:
            report.lag = max(timedelta(0), now - min(c.due for c in claims))

    def _finished(self, future: asyncio.Future[Ran]) -> None:
        """A run that found anything but OK wakes the engine to record it now, not at the next pump."""
        if future.cancelled() or future.exception() is not None:
            return
        if any(f.status is not Status.OK for f in future.result()[1]):
            self._wake.set()

    async def _renew(self, now: datetime) -> None:
        """Keep the leases of runs in flight alive (they are short: a dead worker's lapse in seconds)."""
        if not self._runs or (self._renewed_at is not None and now - self._renewed_at < RENEW_EVERY):
            return
        self._renewed_at, claims = now, [r.claim for r in self._runs]
        until = now + lease_for(self.plan.settings)
        await asyncio.to_thread(
            self._in_transaction, lambda s: renew(s, claims, worker=self.worker, until=until)
        )

    async def _record(self, report: TickReport, *, at_once: bool) -> None:
        """Record the runs that finished: at once when told to, or when one found anything but OK;
        otherwise when RECORD_BATCH have finished or the oldest has waited RECORD_WAIT."""
        finished = [r for r in self._runs if r.future.done() and not r.future.cancelled()]
        if not finished:
            return
        loop_now = asyncio.get_running_loop().time()
        if self._finished_at is None:
            self._finished_at = loop_now
        healthy = all(f.status is Status.OK for r in finished for f in r.future.result()[1])
        waiting = loop_now - self._finished_at < RECORD_WAIT and len(finished) < RECORD_BATCH
        if waiting and healthy and not at_once:
            return
        self._finished_at = None
        self._runs = [r for r in self._runs if not r.future.done()]
        done = [Done(r.claim, r.job, *r.future.result()) for r in finished]
        for d in done:  # late against when it was meant to start: the probe processes' grid is no delay
            self._meter.started(self._probes.start_of(d.claim.due), d.started)
        local = [d.started for d in done if any(f.details.get("local") for f in d.findings)]
        seeing = await self._seeing(min(local)) if local else True
        hook, plan, now, recheck = self._on_state_change, self.plan, self.clock.now(), self._recheck
        ran, findings, changes = await asyncio.to_thread(
            self._in_transaction,
            lambda s: record_runs(
                s,
                done,
                worker=self.worker,
                plan=plan,
                on_state_change=hook,
                now=now,
                recheck=recheck,
                seeing=seeing,
            ),
        )
        self._recheck -= {d.job.key for d in done if proves_checks(d)}
        report.ran += ran
        report.findings += findings
        report.changes += changes

    async def _heartbeat(self, now: datetime) -> None:
        """Every HEARTBEAT, write what this worker measured of itself (engine/load.py)."""
        loop = asyncio.get_running_loop()
        if loop.time() - self._beat < load.HEARTBEAT.total_seconds():
            return
        self._beat = loop.time()
        self._meter.sample(self._probes.cpu_seconds())
        row = self._meter.row(self.worker, now)
        try:
            await asyncio.to_thread(self._in_transaction, lambda s: load.report(s, row))
        except Exception:  # the figures are for people; the checks go on without them
            log.exception("recording this worker's load failed; trying again in %s", load.HEARTBEAT)

    def _start_look(self, now: datetime, *, fresh: bool = False) -> None:
        """Standby's self-check in the background like a probe (probes/sight.py): each tick while
        a look is settling (a failed one, or fewer good ones in a row than recover_after takes), otherwise
        every LOOK_EVERY; `fresh` for one now."""
        if self._look is not None or self._ctx is None:
            return
        settled = self._good_looks > self.plan.settings.recover_after
        if fresh or not settled or self._seen is None or now - self._seen[0] >= LOOK_EVERY:
            self._look = (now, asyncio.create_task(look(self._ctx)))

    async def _looked(self, *, wait: bool) -> None:
        """Record the self-check that finished (with `wait`, wait for it): engine/sight.py."""
        if self._look is None:
            return
        began, task = self._look
        if wait:
            await asyncio.gather(task, return_exceptions=True)
        if not task.done():
            return
        self._look = None
        if task.cancelled():  # stopping: nothing was seen either way
            return
        seen = task.result()  # look() never raises: a failure is its answer
        self._seen = (began, seen)
        self._good_looks = self._good_looks + 1 if seen.seeing else 0
        host, plan, hook, now = sight.host_of(self.worker), self.plan, self._on_sight, self.clock.now()
        await asyncio.to_thread(
            self._in_transaction,
            lambda s: sight.record(s, seen, host=host, plan=plan, on_change=hook, now=now),
        )

    async def _seeing(self, since: datetime) -> bool:
        """Whether Standby could see at a self-check begun no earlier than `since` (when findings that
        failed on its side began): the one in flight, or a fresh one, is waited for."""
        if self._seen is None or self._seen[0] < since:
            if self._look is not None and self._look[0] < since:
                await self._looked(wait=True)  # begun before the failures: it cannot tell
            self._start_look(max(since, self.clock.now()), fresh=True)
            await self._looked(wait=True)
        return self._seen[1].seeing if self._seen is not None else True

    def _in_transaction(self, work: Callable[[Session], T]) -> T:
        with self.sessions() as session, session.begin():
            return work(session)
