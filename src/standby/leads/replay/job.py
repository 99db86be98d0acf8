"""Replay as one of the engine's tick jobs (standby/app/subscribers.py).

A tick job runs in a thread and returns quickly; a replay talks to a platform for as long as a backlog
takes (5 calls a second into Marketo). So each tick starts a pass in the background, on the job's own
event loop in its own thread, unless one is still running, and reports what the last finished pass
did. A pass is bounded (replay/service.py PASS_TIME) and gives its forms back, so a changed plan or
another worker is picked up within a minute.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import Clock, SystemClock
from standby.leads.replay.runner import Pass
from standby.leads.replay.service import Replayer
from standby.plan.model import Plan

log = logging.getLogger("standby.leads")


class ReplayJob:
    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: Future[list[Pass]] | None = None
        self._replayers: dict[tuple[int, str], Replayer] = {}

    def __call__(self, sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int:
        """Start a pass over the forms that are due unless one is running; what the last one did.
        (The pass keeps its own clock, the job's, for its deadline and backoff, rather than `now`.)"""
        if not plan.forms:
            return 0
        with self._lock:
            done = self._collect()
            if self._running is None:
                replayer = self._replayer(sessions, worker)
                coroutine = replayer.run_due(plan, now=self.clock.now())
                self._running = asyncio.run_coroutine_threadsafe(coroutine, self._background())
            return done

    def wait(self, timeout: float = 60.0) -> int:
        """Wait for the pass in flight and report it (for tests and shutdown)."""
        with self._lock:
            running = self._running
        if running is not None:
            running.exception(timeout=timeout)  # waits; a failure is logged by _collect
        with self._lock:
            return self._collect()

    def _collect(self) -> int:
        running = self._running
        if running is None or not running.done():
            return 0
        self._running = None
        error = running.exception()
        if error is not None:
            log.error("lead replay failed; trying again next tick", exc_info=error)
            return 0
        return sum(sum(p.counts.values()) for p in running.result())

    def _replayer(self, sessions: sessionmaker[Session], worker: str) -> Replayer:
        key = (id(sessions), worker)
        if key not in self._replayers:
            self._replayers[key] = Replayer(sessions, clock=self.clock, worker=worker)
        return self._replayers[key]

    def _background(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="lead-replay", daemon=True).start()
            self._loop = loop
        return self._loop
