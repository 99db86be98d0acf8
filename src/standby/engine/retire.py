"""Check states nobody will observe again are resolved, then forgotten: a monitor removed from the
plan, or a check a monitor no longer makes (`dnssec: true` turned off). An open alert about something
nobody watches any more would escalate forever, and nothing could make it recover. Its people are told
the alert is over and why; the findings stay, for `standby history`."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from standby.engine.evaluate import OK, is_bad
from standby.engine.models import CheckState
from standby.engine.subscribers import StateChange
from standby.plan.model import Plan

log = logging.getLogger("standby.engine")


def retire(
    session: Session,
    states: Iterable[CheckState],
    *,
    why: str,
    plan: Plan,
    on_state_change: StateChange,
    now: datetime,
) -> int:
    """Resolve and delete `states`; `why` completes "<target> ...". Returns how many were bad."""
    resolved = 0
    for state in states:
        if is_bad(state.status):
            previous = state.status
            state.status, state.since, state.streak, state.streak_since = OK, now, 0, None
            state.summary = f"{state.target} {why}; Standby no longer checks it"
            on_state_change(session, state=state, previous=previous, plan=plan, now=now)
            log.info("%s %s: %s → ok (%s)", state.asset, state.check, previous, why)
            resolved += 1
        session.delete(state)
    return resolved
