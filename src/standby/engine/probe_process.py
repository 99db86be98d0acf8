"""A probe process (engine/pool.py): `python -m standby.engine.probe_process`, started by the engine.

It reads messages on stdin — ("plan", Plan) and ("run", [(run id, job key, slot as Unix time)]) — runs
each job at its slot with the plan's context, and writes back ("done", [(run id, started, findings)],
its CPU seconds) in batches, after a first ("ready", …) once it has the plan. Its stdout carries only
those messages (anything printed goes to stderr); when stdin closes it cancels what is in flight and
exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from standby.core import loop as event_loop
from standby.core.clock import SystemClock
from standby.core.status import Finding
from standby.engine.pool import frame, on_grid, read_frame
from standby.engine.probing import PlanJobs

BATCH_WAIT = 0.1  # seconds results wait for others to share their message (a failure wakes the engine)


class _Process:
    def __init__(self, out: asyncio.StreamWriter | asyncio.WriteTransport) -> None:
        self.out = out
        self.plan: PlanJobs | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self.done: list[tuple[int, float, list[Finding] | None]] = []
        self._flush: asyncio.TimerHandle | None = None

    def handle(self, message: tuple[str, Any]) -> None:
        kind, payload = message
        if kind == "plan":
            plan, monitors = payload
            first = self.plan is None
            if self.plan is None:
                self.plan = PlanJobs(SystemClock(), monitors)
            self.plan.load(plan)
            event_loop.settle_heap(len(self.plan.jobs))
            if first:
                self.out.write(frame(("ready", [], time.process_time())))
            return
        for run, key, due in payload:
            task = asyncio.create_task(self._run(run, key, on_grid(due)))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _run(self, run: int, key: str, due: float) -> None:
        assert self.plan is not None, "the plan comes first"
        job = self.plan.jobs.get(key)
        if job is None:  # the plan comes first on the same pipe, so this would be a bug
            self.done.append((run, time.time(), None))
        else:
            started, findings = await self.plan.run(job, datetime.fromtimestamp(due, UTC))
            self.done.append((run, started.timestamp(), findings))
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(BATCH_WAIT, self._send)

    def _send(self) -> None:
        self._flush = None
        done, self.done = self.done, []
        self.out.write(frame(("done", done, time.process_time())))


async def main() -> None:
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    loop = asyncio.get_running_loop()
    # The messages go to the original stdout; anything else written there (a stray print) to stderr.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    reader = asyncio.StreamReader(limit=1 << 30)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    transport, _ = await loop.connect_write_pipe(asyncio.Protocol, channel)
    process = _Process(transport)
    while (message := await read_frame(reader)) is not None:
        process.handle(message)
    for task in process.tasks:
        task.cancel()
    await asyncio.gather(*process.tasks, return_exceptions=True)
    if process.plan is not None:
        await process.plan.aclose()


if __name__ == "__main__":
    event_loop.run(main())
