"""What the engine calls in the features above it, as types. The engine imports no feature: the
wiring (standby/app/subscribers.py) hands it an ordered list of state-change subscribers, which run in
the engine's transaction when a check's damped status changes, an ordered list of tick jobs, which
run once per tick after the monitors, the reclaims a starting engine runs on the features' leased
rows, and the sight subscribers, told when Standby goes blind or sees again (engine/sight.py). Tests
of the engine alone pass their own or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session, sessionmaker

from standby.engine.models import CheckState, Sight
from standby.plan.model import Plan


class StateChange(Protocol):
    def __call__(
        self, session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime
    ) -> None: ...


class SightChange(Protocol):
    def __call__(self, session: Session, *, sight: Sight, plan: Plan, now: datetime) -> None: ...


class Pending(Protocol):
    """An SQL condition that holds when a tick job may have work at `now` (engine/chores.py): it
    must hold whenever the job would do anything; the job runs only then. `now` is a bound
    parameter: the condition is built once and asked at every tick."""

    def __call__(self, now: ColumnElement[datetime]) -> ColumnElement[bool]: ...


class DueWork(Protocol):
    def __call__(self, sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int: ...


class Reclaim(Protocol):
    """At start, release the claims a process that is gone left on a feature's rows (engine/restart.py):
    all of them when `owner` is None (SQLite: one process), else `owner`'s; returns how many."""

    def __call__(self, session: Session, *, owner: str | None) -> int: ...


@dataclass(frozen=True)
class TickJob:
    name: str  # what the log calls it when it fails: "escalation", "renewal"...
    run: DueWork  # returns how much it did
    pending: Pending | None = None  # None: it runs every tick (it keeps its own time)


def sight_in_order(subscribers: Sequence[SightChange]) -> SightChange:
    def notify(session: Session, *, sight: Sight, plan: Plan, now: datetime) -> None:
        for subscriber in subscribers:
            subscriber(session, sight=sight, plan=plan, now=now)

    return notify


def in_order(subscribers: Sequence[StateChange]) -> StateChange:
    """One subscriber that calls `subscribers` one after the other, each seeing what the last did."""

    def notify(session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime) -> None:
        for subscriber in subscribers:
            subscriber(session, state=state, previous=previous, plan=plan, now=now)

    return notify
