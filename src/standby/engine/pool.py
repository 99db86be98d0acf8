"""Probe processes: `standby serve` (and `worker`) run their probes in N child processes, one event
loop each, so probing uses every core while the engine's own process keeps the database, recording and
the web app. The engine claims monitors a moment ahead of their slots and hands each run to a child
with its slot; the child starts it then, so a busy parent (a dashboard page being drawn, a batch being
recorded) never makes a check late.

A monitor always goes to the same child (a hash of its key), so what a probe memoizes (a domain's
registry answer, reused for hours) stays useful. Only as many children take runs as the rate needs
(`PACK` runs a second each): at a few dozen checks a second one busy child costs less than two idle
ones, each waking for every other run; the rest join as soon as the rate grows, and leave after a
`RATE_WINDOW` well under it, so the hash changes seldom. The children are `python -m
standby.engine.probe_process`, talking over their stdin and stdout in length-prefixed pickles (a
trusted channel: the parent and the child are the same program); a child whose stdin closes stops,
so a killed parent leaves none behind. A child that dies is started again, and the runs it held end
as `unknown` findings that say so.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import pickle
import struct
import sys
import zlib
from datetime import UTC, datetime
from typing import Any

from standby.core.clock import Clock
from standby.engine.probing import Monitors
from standby.engine.runs import Ran, unknown
from standby.plan.model import Plan
from standby.probes.run import Job

log = logging.getLogger("standby.engine")
_HEADER = struct.Struct("!I")
STOP_WAIT = 10.0  # seconds a child gets to stop before it is killed
PACK = 200  # runs a second one child takes before the next one is given runs
RATE_WINDOW = 10.0  # seconds over which the rate of runs is measured


# Runs start on a grid of this many seconds (a slot is rounded up to it), so the runs of one grid step
# wake the process once rather than once each: every wake-up (a timer, a poll, the callbacks around
# it) cost about as much as the check's own work. A 50 ms grid did that at a few hundred checks a
# second; at a few dozen it still woke the process for almost every run, and a quarter second took
# the probe processes' CPU per check at 1,000 monitors from ≈ 1.8 ms to ≈ 1.0 ms. The grid is the same
# at every run of a monitor, so its interval is kept exactly; a run starts at most this late.
SLOT_GRID = 0.25


def on_grid(slot: float) -> float:
    """The moment a run with this slot (Unix time) starts: the slot rounded up to the grid."""
    step = round(SLOT_GRID * 1000)  # in whole milliseconds, so that the steps carry no float noise
    return math.ceil(round(slot * 1000, 3) / step) * step / 1000


async def read_frame(reader: asyncio.StreamReader) -> Any:
    """The next message, or None at the end of the stream."""
    try:
        (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
        return pickle.loads(await reader.readexactly(size))  # noqa: S301 - our own child, our own pipe
    except asyncio.IncompleteReadError:
        return None


def frame(message: Any) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


class _Child:
    """One probe process's place in the pool; its process is replaced if it dies."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.process: asyncio.subprocess.Process | None = None  # None while (re)starting
        self.runs: dict[int, tuple[asyncio.Future[Ran], Job]] = {}
        self.outgoing: list[tuple[int, str, float]] = []  # submitted, not yet sent
        self.cpu = 0.0  # its process's CPU seconds, as it last said
        self.reader: asyncio.Task[None] | None = None

    def write(self, data: bytes) -> None:
        stdin = self.process.stdin if self.process is not None else None
        if stdin is not None and not stdin.is_closing():
            stdin.write(data)


class ProbePool:
    def __init__(self, processes: int, clock: Clock, monitors: Monitors) -> None:
        assert processes >= 1
        self.processes = processes
        self.clock = clock
        self._monitors = monitors  # pickled by reference: each child imports the wiring's own function
        self._children = [_Child(i) for i in range(processes)]
        self._plan: bytes | None = None  # the pickled plan every child runs
        self._ids = itertools.count()
        self._flush: asyncio.Handle | None = None
        self._stopping = False
        self._dead_cpu = 0.0  # CPU of processes that have ended
        self._active = processes  # the children given runs: all, until the rate says otherwise
        self._second = (-math.inf, 0)  # (Unix time it began, runs submitted in it)
        self._window = (0.0, 0)  # the same over RATE_WINDOW; its first run begins it

    async def load(self, plan: Plan) -> None:
        first, self._plan = self._plan is None, frame(("plan", (plan, self._monitors)))
        if first:
            await asyncio.gather(*(self._start(child) for child in self._children))
            return
        for child in self._children:
            child.write(self._plan)

    def submit(self, job: Job, due: datetime) -> asyncio.Future[Ran]:
        child = self._children[zlib.crc32(job.key.encode()) % self._taking()]
        run = next(self._ids)
        future: asyncio.Future[Ran] = asyncio.get_running_loop().create_future()
        child.runs[run] = (future, job)
        child.outgoing.append((run, job.key, due.timestamp()))
        if self._flush is None:  # one message per child for everything submitted in this pass
            self._flush = asyncio.get_running_loop().call_soon(self._send_runs)
        return future

    def _taking(self) -> int:
        """How many children take runs now (see PACK): more as soon as a second's runs need them,
        fewer only after a whole RATE_WINDOW well under what they take."""
        now = self.clock.now().timestamp()
        began, count = self._second
        if now - began >= 1.0:
            began, count = self._second = (now, 0)
        if count >= PACK * self._active and self._active < self.processes:  # past what they take
            self._active += 1
            self._window = (now, 0)  # fewer again only after a whole window from here
        self._second = (began, count + 1)
        began, count = self._window if self._window[1] else (now, 0)
        if now - began >= RATE_WINDOW:
            rate = count / (now - began)
            if rate < 0.75 * (self._active - 1) * PACK:
                self._active = max(1, math.ceil(rate / PACK))
            began, count = now, 0
        self._window = (began, count + 1)
        return self._active

    def start_of(self, due: datetime) -> datetime:
        return datetime.fromtimestamp(on_grid(due.timestamp()), UTC)

    def cpu_seconds(self) -> float:
        return self._dead_cpu + sum(c.cpu for c in self._children)

    async def aclose(self) -> None:
        self._stopping = True
        for child in self._children:
            if child.process is not None and child.process.stdin is not None:
                child.process.stdin.close()
        for child in self._children:
            if child.process is not None:
                try:
                    await asyncio.wait_for(child.process.wait(), STOP_WAIT)
                except TimeoutError:
                    log.warning("probe process %d did not stop in %.0f s; killing it", child.index, STOP_WAIT)
                    child.process.kill()
                    await child.process.wait()
            if child.reader is not None:
                await asyncio.gather(child.reader, return_exceptions=True)
            for future, _ in child.runs.values():
                future.cancel()

    # -- the children ------------------------------------------------------------------------

    async def _start(self, child: _Child) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "standby.engine.probe_process",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert self._plan is not None and process.stdin is not None and process.stdout is not None
        process.stdin.write(self._plan)
        # Runs wait until it has started and read the plan (a second or two: its imports).
        if await read_frame(process.stdout) is None:
            raise RuntimeError(f"probe process {child.index} exited at start (status {await process.wait()})")
        child.process = process
        child.reader = asyncio.create_task(self._read(child, process), name=f"probe process {child.index}")
        self._send_runs()

    def _send_runs(self) -> None:
        self._flush = None
        for child in self._children:
            if child.outgoing and child.process is not None:
                child.write(frame(("run", child.outgoing)))
                child.outgoing = []

    async def _read(self, child: _Child, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while (message := await read_frame(process.stdout)) is not None:
            _, results, child.cpu = message
            for run, started, findings in results:
                held = child.runs.pop(run, None)
                if held is None or held[0].done():
                    continue
                future, job = held
                if findings is None:
                    findings = unknown(job, f"Standby's probe process lacked {job.key}; please report it")
                future.set_result((datetime.fromtimestamp(started, UTC), findings))
        code = await process.wait()
        child.process, self._dead_cpu, child.cpu = None, self._dead_cpu + child.cpu, 0.0
        if self._stopping:
            return
        log.error("probe process %d stopped (exit status %s); starting another", child.index, code)
        waiting = {run for run, _, _ in child.outgoing}  # not sent yet: the next process runs them
        now = self.clock.now()
        for run, (future, job) in list(child.runs.items()):
            if run not in waiting:
                del child.runs[run]
                summary = (
                    f"Standby's probe process stopped (exit status {code}) while checking {job.target}; "
                    "it will be tried again at the next interval"
                )
                if not future.done():
                    future.set_result((now, unknown(job, summary)))
        await self._start(child)
