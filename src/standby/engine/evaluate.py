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
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from standby.core.status import Finding
from standby.engine.models import CheckState
from standby.store.batch import executemany

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


_STATE = (CheckState.id, CheckState.key, CheckState.status, CheckState.observed, CheckState.streak,
          CheckState.streak_since, CheckState.since)  # fmt: skip
_READ = select(*_STATE).where(CheckState.key.in_(bindparam("keys", expanding=True)))
_WRITTEN = ("monitor", "asset", "kind", "check", "target", "owner", "summary", "details", "observed",
            "observed_at", "status", "streak", "streak_since", "since")  # fmt: skip
_WRITE = (
    update(CheckState)
    .where(CheckState.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in _WRITTEN})
)


def observe_all(
    session: Session,
    seen: list[tuple[Finding, str, datetime]],
    *,
    now: datetime,
    alert_after: int,
    recover_after: int,
) -> tuple[list[tuple[CheckState, str]], dict[str, dict[str, Any]]]:
    """Apply each (finding, the monitor key that made it, when it was observed) to its check's state,
    in order: one query to read the states, one statement per kind of write. A check seen for the
    first time gets a new state (ok since `now`). Returns (state, previous status) for each confirmed
    change, the states loaded into the session for the subscribers; and every check's state after
    the batch as a row (its columns by name), by `state_key`."""
    keys = {state_key(f.asset, f.check) for f, _, _ in seen}
    found = session.connection().execute(_READ, {"keys": list(keys)})
    rows: dict[str, dict[str, Any]] = {row.key: dict(row._mapping) for row in found}
    previous: dict[str, str] = {}
    for finding, monitor, at in seen:
        key = state_key(finding.asset, finding.check)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"id": None, "key": key, "status": OK, "observed": OK, "streak": 0,
                               "streak_since": None, "since": now, "alert_id": None}  # fmt: skip
        step = damp(
            status=row["status"], last=row["observed"], streak=row["streak"],
            streak_since=row["streak_since"], new=finding.status.value, at=at,
            alert_after=alert_after, recover_after=recover_after,
        )  # fmt: skip
        if step.changed:
            previous.setdefault(key, row["status"])
            row["since"] = step.streak_since or at
        row.update(
            monitor=monitor, asset=finding.asset, kind=finding.kind, check=finding.check,
            target=finding.target, owner=finding.owner, summary=finding.summary,
            details=dict(finding.details), observed=finding.status.value, observed_at=at,
            status=step.status, streak=step.streak, streak_since=None if step.changed else step.streak_since,
        )  # fmt: skip
    known = [
        {"b_id": row["id"], **{f"b_{name}": row[name] for name in _WRITTEN}}
        for row in rows.values()
        if row["id"] is not None
    ]
    new = [{k: v for k, v in row.items() if k != "id"} for row in rows.values() if row["id"] is None]
    if known:
        executemany(session.connection(), _WRITE, known)
    if new:
        session.connection().execute(insert(CheckState), new)
    changed = {key: was for key, was in previous.items() if rows[key]["status"] != was}
    if not changed:
        return [], rows
    states = {s.key: s for s in session.scalars(select(CheckState).where(CheckState.key.in_(changed)))}
    return [(states[key], was) for key, was in changed.items()], rows
