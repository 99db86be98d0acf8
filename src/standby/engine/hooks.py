"""What the engine calls in the alerts feature, as types, and the real wiring.

The engine drives alerts but does not decide what they do: a confirmed change of a check's status
goes to `alerts.service.on_state_change` (in the engine's transaction); each tick runs due escalation
steps and renewal reminders, and delivers the outbox. Tests of the engine's own behaviour (damping,
scheduling) may pass a recorder instead; everything else uses `Hooks.real()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from standby.engine.models import CheckState
from standby.plan.model import Plan


class StateChange(Protocol):
    def __call__(
        self, session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime
    ) -> None: ...


class DueWork(Protocol):
    def __call__(self, sessions: sessionmaker[Session], *, plan: Plan, now: datetime, worker: str) -> int: ...


@dataclass(frozen=True)
class Hooks:
    on_state_change: StateChange
    run_escalations: DueWork
    run_renewals: DueWork

    @classmethod
    def real(cls) -> Hooks:
        from standby.alerts import escalation, renewals, service

        return cls(service.on_state_change, escalation.run_due, renewals.run_due)

    def replace_state_change(self, on_state_change: StateChange) -> Hooks:
        return Hooks(on_state_change, self.run_escalations, self.run_renewals)
