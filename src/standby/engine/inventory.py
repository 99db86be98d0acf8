"""What the store knows of each asset: its checks' states grouped by asset, the assets the running plan
names (and those only the store still holds), and the order of urgency. The API and the dashboard
list assets the same way because both read them from here."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from standby.engine.models import CheckState
from standby.plan.model import Plan
from standby.store.kept import kept

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


def states_by_asset(
    session: Session, *, only: str | None = None, among: Collection[str] | None = None
) -> dict[str, list[CheckState]]:
    """The check states of every asset (or `only` one, or those `among` a page of them)."""
    query = select(CheckState).order_by(CheckState.asset, CheckState.check)
    if only is not None:
        query = query.where(CheckState.asset == only)
    if among is not None:
        query = query.where(CheckState.asset.in_(bindparam("among", list(among), expanding=True)))
    found: dict[str, list[CheckState]] = defaultdict(list)
    for state in session.scalars(query):
        found[state.asset].append(state)
    return found


class Glance(NamedTuple):
    """What ordering an asset needs, read without loading its checks: the worst of their latest
    observations and of their damped statuses, and the soonest expiry any of them reported. A tuple:
    a page of a 25,000-asset plan builds one per asset on every request."""

    kind: str
    target: str
    owner: str | None
    observed: str
    status: str
    expires: datetime | None

    @property
    def asset(self) -> Asset:
        return Asset(self.kind, self.target, self.owner)


_planned: tuple[Plan, list[tuple[str, str, str, str | None]]] | None = None


def _plan_assets(plan: Plan) -> list[tuple[str, str, str, str | None]]:
    """The plan's assets as (id, kind, target, owner), kept while the same plan runs."""
    global _planned  # one plan runs at a time; a race between two requests builds the list twice
    if _planned is None or _planned[0] is not plan:
        _planned = (plan, [(a.id, a.kind, a.target, a.owner) for a in plan.assets()])
    return _planned[1]


def glances(session: Session, plan: Plan) -> dict[str, Glance]:
    """Every known asset (the plan's, then those only the store holds) at a glance: one query of
    plain columns, so a page of a 25,000-asset plan orders them all without building 25,000 rows;
    kept a moment (store/kept.py), as the dashboard and the API both ask every second."""
    return kept(("glances", id(session.get_bind())), lambda: _glances(session, plan), among=plan)


def _glances(session: Session, plan: Plan) -> dict[str, Glance]:
    expiry = CheckState.details["expires_at"].as_string()
    query = select(CheckState.asset, CheckState.kind, CheckState.target, CheckState.owner,
                   CheckState.observed, CheckState.status, expiry)  # fmt: skip
    seen: dict[str, Glance] = {}
    for name, kind, target, owner, observed, status, raw in session.connection().execute(query):
        expires = datetime.fromisoformat(raw) if raw else None
        was = seen.get(name)
        if was is None:
            seen[name] = Glance(kind, target, owner, observed, status, expires)
            continue
        soonest = min((e for e in (was.expires, expires) if e is not None), default=None)
        seen[name] = was._replace(
            observed=max(was.observed, observed, key=rank), status=max(was.status, status, key=rank),
            expires=soonest,
        )  # fmt: skip
    out = {}
    for name, kind, target, owner in _plan_assets(plan):
        found = seen.pop(name, None)
        out[name] = found if found is not None else Glance(kind, target, owner, PENDING, PENDING, None)
    out.update(seen)
    return out


def known_assets(
    plan: Plan,
    states: dict[str, list[CheckState]],
    *,
    only: str | None = None,
    among: Collection[str] | None = None,
) -> dict[str, Asset]:
    """The plan's assets in plan order, then those only the store holds (just removed from the plan,
    or another worker's); `only` one, or those `among` a page of them."""
    known: dict[str, Asset] = {}
    for name, kind, target, owner in _plan_assets(plan):
        if (only is None or name == only) and (among is None or name in among):
            known[name] = Asset(kind, target, owner)
    for asset, found in states.items():
        known.setdefault(asset, Asset(found[0].kind, found[0].target, found[0].owner))
    return known


def expires_at(state: CheckState) -> datetime | None:
    """The expiry a registration or certificate finding reported, if any."""
    raw = state.details.get("expires_at")
    return datetime.fromisoformat(str(raw)) if raw else None
