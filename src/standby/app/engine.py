"""The engine as `standby serve` runs it: engine/runner.py's Engine with the wiring's subscribers, tick
jobs and sight subscribers (subscribers.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from standby.app.subscribers import RECLAIMS, SIGHT, STATE_CHANGES, TICK_JOBS
from standby.core.clock import Clock
from standby.engine import runner
from standby.engine.subscribers import StateChange
from standby.plan.model import Plan
from standby.probes.run import Job, jobs_for


class Engine(runner.Engine):
    """Every feature subscribed. `on_state_change` replaces the state-change subscribers, for tests of
    the engine's own behaviour (damping, scheduling) that record the changes instead. `monitors` lists a
    plan's probe jobs: the probes' own by default, every feature's (app/monitors.py) in the commands."""

    def __init__(
        self,
        plan: Path,
        sessions: sessionmaker[Session],
        *,
        clock: Clock | None = None,
        worker: str | None = None,
        capacity: int | None = None,
        on_state_change: StateChange | None = None,
        monitors: Callable[[Plan], list[Job]] = jobs_for,
        rng: random.Random | None = None,
    ) -> None:
        subscribers = STATE_CHANGES if on_state_change is None else (on_state_change,)
        super().__init__(
            plan,
            sessions,
            subscribers=subscribers,
            jobs=TICK_JOBS,
            reclaims=RECLAIMS,
            sight=SIGHT,
            clock=clock,
            worker=worker,
            capacity=capacity,
            monitors=monitors,
            rng=rng,
        )
