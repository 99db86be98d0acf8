"""Recording finished runs: the findings into history, each into its damped check state, every
confirmed change to the state-change subscribers — and the monitor's next run, its lease released.

One transaction per batch and one statement per table (SQLite's `synchronous=FULL` makes commits the
cost, and at thousands of runs a second per-row statements were most of it); the subscribers run
for each change in a savepoint, so a failure there cannot lose the other runs' records.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.expiry import iso
from standby.core.status import Finding
from standby.engine import history
from standby.engine.evaluate import observe_all, state_key
from standby.engine.models import CheckState
from standby.engine.retire import retire
from standby.engine.scheduler import Claim, finish, still_leased
from standby.engine.soon import run_sooner
from standby.engine.subscribers import StateChange
from standby.plan.model import Plan
from standby.probes.correlate import correlate
from standby.probes.run import Job
from standby.probes.sight import settle
from standby.store.db import lock_for_write

log = logging.getLogger("standby.engine")


@dataclass(frozen=True)
class Done:
    claim: Claim
    job: Job
    started: datetime
    findings: list[Finding]


def proves_checks(run: Done) -> bool:
    """Whether the run shows which checks its monitor makes: one that only reports Standby's own
    failure ("probe") proves nothing."""
    return {f.check for f in run.findings} != {"probe"}


def _retire_dropped_checks(
    session: Session, runs: list[Done], *, plan: Plan, on_state_change: StateChange, now: datetime
) -> None:
    """A monitor that stopped making a check (`dnssec: true` turned off) retires that check's state."""
    made = {run.job.key: {f.check for f in run.findings} for run in runs if proves_checks(run)}
    if not made:
        return
    states = session.scalars(select(CheckState).where(CheckState.monitor.in_(made)))
    dropped = [s for s in states if s.monitor is not None and s.check not in made[s.monitor]]
    retire(session, dropped, why="is no longer part of this check", plan=plan,
           on_state_change=on_state_change, now=now)  # fmt: skip


def record_runs(
    session: Session,
    done: list[Done],
    *,
    worker: str,
    plan: Plan,
    on_state_change: StateChange,
    now: datetime,
    recheck: Collection[str] = (),
    seeing: bool = True,
) -> tuple[int, int, int]:
    """Record `done` in the caller's transaction; returns (runs recorded, findings, status changes).
    The monitors in `recheck` (the first runs since the plan changed) also retire the checks they no
    longer make; a plan that did not change cannot have dropped any.

    Findings are dated when their run began; `now` (when they are recorded) goes to the alerts. Unless
    Standby is `seeing`, a finding that failed for a cause on its side goes into the history only
    (probes/sight.py `settle`): the asset's state does not move."""
    lock_for_write(session)
    settings = plan.settings
    leased = still_leased(session, [d.claim for d in done], worker=worker)
    lost = [d.job.key for d in done if d.claim.id not in leased]
    if lost:
        log.warning("lease lost before recording (another worker runs them now): %s", ", ".join(lost))
    kept = [d for d in done if d.claim.id in leased]
    finish(session, [(d.claim, d.started) for d in kept])
    # Findings explain each other when they arrive together (a parked page and its moved delegation).
    flat = iter(correlate([f for d in kept for f in d.findings]))
    seen, held = [], []
    for run in kept:
        said, kept_back = settle([next(flat) for _ in run.findings], seeing=seeing)
        seen += [(f, run) for f in said]
        held += [(f, run) for f in kept_back]
    changed, states = observe_all(
        session, [(f, run.job.key, run.started) for f, run in seen], now=now,
        alert_after=settings.alert_after, recover_after=settings.recover_after,
    )  # fmt: skip
    run_sooner(session, ((states[state_key(f.asset, f.check)], run.started) for f, run in seen), plan=plan,
               now=now)  # fmt: skip
    history.record(session, ((f, run.started) for f, run in seen + held))
    rechecked = [run for run in kept if run.job.key in recheck]
    if rechecked:
        _retire_dropped_checks(session, rechecked, plan=plan, on_state_change=on_state_change, now=now)
        changed = [(state, previous) for state, previous in changed if state not in session.deleted]
    session.flush()
    for state, previous in changed:
        log.info(
            "%s %s: %s → %s since %s: %s",
            state.asset, state.check, previous, state.status, iso(state.since), state.summary,
        )  # fmt: skip
        try:
            with session.begin_nested():  # a failure here must not lose the other runs' records
                on_state_change(session, state=state, previous=previous, plan=plan, now=now)
        except Exception:
            log.exception(
                "%s %s: the alerts could not take this change; it is recorded", state.asset, state.check
            )
    return len(kept), len(seen) + len(held), len(changed)
