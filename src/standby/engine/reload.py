"""What a plan (re)load does to the store: a PlanLoad row always; for a good plan, the monitors synced
and the checks of removed monitors retired (engine/retire.py), so an asset that comes back starts
afresh."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.engine.models import CheckState, PlanLoad
from standby.engine.planfile import Reload
from standby.engine.retire import retire
from standby.engine.subscribers import StateChange
from standby.engine.sync import SyncReport, sync_monitors
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
    if report.removed:
        removed = session.scalars(select(CheckState).where(CheckState.monitor.in_(report.removed)))
        retire(session, removed, why="was removed from the plan", plan=found.plan,
               on_state_change=on_state_change, now=now)  # fmt: skip
    log.info(
        "%s: plan %s loaded: %d monitors (%d new, %d removed, %d changed)",
        path, found.sha256[:12], len(jobs), len(report.added), len(report.removed), len(report.changed),
    )  # fmt: skip
    return report
