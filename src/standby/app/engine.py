"""The engine as `standby serve` runs it: engine/runner.py's Engine with the wiring's subscribers and
tick jobs (subscribers.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from standby.app.subscribers import MONITORS, STATE_CHANGES, TICK_JOBS
from standby.core.clock import Clock
from standby.engine import runner
from standby.engine.subscribers import StateChange


class Engine(runner.Engine):
    """Every feature subscribed. `on_state_change` replaces the state-change subscribers, for tests of
    the engine's own behaviour (damping, scheduling) that record the changes instead."""

    def __init__(
        self,
        plan: Path,
        sessions: sessionmaker[Session],
        *,
        clock: Clock | None = None,
        worker: str | None = None,
        capacity: int | None = None,
        on_state_change: StateChange | None = None,
    ) -> None:
        subscribers = STATE_CHANGES if on_state_change is None else (on_state_change,)
        super().__init__(
            plan,
            sessions,
            subscribers=subscribers,
            jobs=TICK_JOBS,
            monitors=MONITORS,
            clock=clock,
            worker=worker,
            capacity=capacity,
        )
