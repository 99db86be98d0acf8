"""What the store knows of each asset: its checks' states grouped by asset, the assets the running plan
names (and those only the store still holds), and the order of urgency. The API and the dashboard
list assets the same way because both read them from here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.engine.models import CheckState
from standby.plan.model import Plan

PENDING = "pending"  # in the plan, not checked yet
# Most urgent first: a blind spot (unknown) before a warning, and "not checked yet" before ok.
_RANK = {"critical": 4, "unknown": 3, "warning": 2, PENDING: 1, "ok": 0}


def rank(status: str) -> int:
    return _RANK.get(status, _RANK["unknown"])


@dataclass(frozen=True)
class Asset:
    kind: str
    target: str
    owner: str | None


def states_by_asset(session: Session, *, only: str | None = None) -> dict[str, list[CheckState]]:
    query = select(CheckState).order_by(CheckState.asset, CheckState.check)
    found: dict[str, list[CheckState]] = defaultdict(list)
    for state in session.scalars(query if only is None else query.where(CheckState.asset == only)):
        found[state.asset].append(state)
    return found


def known_assets(
    plan: Plan, states: dict[str, list[CheckState]], *, only: str | None = None
) -> dict[str, Asset]:
    """The plan's assets in plan order, then those only the store holds (just removed from the plan,
    or another worker's)."""
    known: dict[str, Asset] = {}
    for planned in plan.assets():
        if only is None or planned.id == only:
            known[planned.id] = Asset(planned.kind, planned.target, planned.owner)
    for asset, found in states.items():
        known.setdefault(asset, Asset(found[0].kind, found[0].target, found[0].owner))
    return known


def expires_at(state: CheckState) -> datetime | None:
    """The expiry a registration or certificate finding reported, if any."""
    raw = state.details.get("expires_at")
    return datetime.fromisoformat(str(raw)) if raw else None
