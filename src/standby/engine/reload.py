"""What a plan (re)load does to the store: a PlanLoad row always; for a good plan, the monitors synced
and the checks of removed monitors retired.

A removed monitor's checks are resolved, not left hanging: an open alert about something nobody
watches any more would escalate forever, and nobody could make it recover. Its people are told the
alert is over because the asset left the plan; the check states are then deleted (the findings stay,
for `standby history`), so the asset starts afresh if it ever comes back.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.engine.evaluate import OK, is_bad
from standby.engine.hooks import StateChange
from standby.engine.models import CheckState, PlanLoad
from standby.engine.planfile import Reload
from standby.engine.sync import SyncReport, sync_monitors
from standby.plan.model import Plan
from standby.probes.run import Job

log = logging.getLogger("standby.engine")


def apply_reload(
    session: Session,
    found: Reload,
    *,
    path: Path,
    jobs: list[Job],
    on_state_change: StateChange,
    now: datetime,
) -> SyncReport | None:
    """Record the load; for a valid plan, sync and retire. Returns the sync report, None if refused."""
    session.add(
        PlanLoad(path=str(path), sha256=found.sha256, loaded_at=now, valid=found.plan is not None,
                 messages=found.messages)
    )  # fmt: skip
    if found.plan is None:
        log.error(
            "%s: edit refused, the last good plan keeps running:\n  %s", path, "\n  ".join(found.messages)
        )
        return None
    for warning in found.messages:
        log.warning("%s", warning)
    report = sync_monitors(session, found.plan, jobs, now=now)
    retire(session, report.removed, plan=found.plan, on_state_change=on_state_change, now=now)
    log.info(
        "%s: plan %s loaded: %d monitors (%d new, %d removed, %d changed)",
        path, found.sha256[:12], len(jobs), len(report.added), len(report.removed), len(report.changed),
    )  # fmt: skip
    return report


def retire(
    session: Session, monitors: list[str], *, plan: Plan, on_state_change: StateChange, now: datetime
) -> int:
    """Resolve and forget the check states of `monitors`; returns how many were bad."""
    if not monitors:
        return 0
    resolved = 0
    for state in session.scalars(select(CheckState).where(CheckState.monitor.in_(monitors))):
        if is_bad(state.status):
            previous = state.status
            state.status, state.since, state.streak, state.streak_since = OK, now, 0, None
            state.summary = f"{state.target} was removed from the plan; Standby no longer checks it"
            on_state_change(session, state=state, previous=previous, plan=plan, now=now)
            log.info("%s %s: %s → ok (removed from the plan)", state.asset, state.check, previous)
            resolved += 1
        session.delete(state)
    return resolved
