"""Flap damping: the confirmed status of each (asset, check), which alerts follow.

A raw observation that disagrees with the confirmed status starts (or extends) a streak; the status
changes only when the streak is long enough: `alert_after` bad observations in a row to go bad (or to
move from one bad status to another), `recover_after` ok ones in a row to recover. A streak breaks when
an observation agrees with the confirmed status, or turns the other way (bad after ok, ok after bad).
The new status is the latest observation's, and it counts from the streak's first observation.

A check seen for the first time starts as ok and its first observation counts like any other, so a
check that is bad from the start alerts after `alert_after` observations, not at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.status import Finding
from standby.engine.models import CheckState

OK = "ok"


def is_bad(status: str) -> bool:
    return status != OK


@dataclass(frozen=True)
class Damped:
    status: str  # the confirmed status after this observation
    streak: int
    streak_since: datetime | None
    changed: bool


def damp(
    *, status: str, last: str, streak: int, streak_since: datetime | None, new: str, at: datetime,
    alert_after: int, recover_after: int,
) -> Damped:  # fmt: skip
    """One observation `new` (at `at`) against the confirmed `status`, `last` the previous observation."""
    if new == status:
        return Damped(status, 0, None, changed=False)
    if streak > 0 and last != status and is_bad(last) == is_bad(new):
        streak += 1
    else:
        streak, streak_since = 1, at
    needed = alert_after if is_bad(new) else recover_after
    if streak >= needed:
        return Damped(new, 0, streak_since, changed=True)
    return Damped(status, streak, streak_since, changed=False)


def state_key(asset: str, check: str) -> str:
    return f"{asset}|{check}"


def states_for(session: Session, findings: list[Finding], *, now: datetime) -> dict[str, CheckState]:
    """The check states the findings are about, by key; a check seen for the first time gets a new
    state (ok, added to the session)."""
    keys = {state_key(f.asset, f.check) for f in findings}
    found = {s.key: s for s in session.scalars(select(CheckState).where(CheckState.key.in_(keys)))}
    for key in keys - found.keys():
        found[key] = CheckState(key=key, status=OK, since=now, observed=OK, streak=0, alert_id=None)
        session.add(found[key])
    return found


def observe(
    state: CheckState, finding: Finding, *, monitor: str, now: datetime, alert_after: int, recover_after: int
) -> str | None:
    """Apply one finding to its state. Returns the previous status when the confirmed status changed,
    else None; `state.summary` and `details` are the latest finding's either way."""
    previous = state.status
    step = damp(
        status=state.status,
        last=state.observed,
        streak=state.streak,
        streak_since=state.streak_since,
        new=finding.status.value,
        at=now,
        alert_after=alert_after,
        recover_after=recover_after,
    )
    state.monitor, state.asset, state.kind, state.check = monitor, finding.asset, finding.kind, finding.check
    state.target, state.owner = finding.target, finding.owner
    state.summary, state.details = finding.summary, dict(finding.details)
    state.observed, state.observed_at = finding.status.value, now
    state.status, state.streak = step.status, step.streak
    state.streak_since = None if step.changed else step.streak_since
    if not step.changed:
        return None
    state.since = step.streak_since or now
    return previous
