"""/api/v1/assets: every asset of the running plan (and any still in the store), most urgent first,
with each check's damped status, days left, owner and unresolved alerts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts.models import Alert
from standby.api.schemas import AlertRef, AssetName, AssetOut, CheckOut, StatusName
from standby.core.expiry import days_left
from standby.core.status import Status
from standby.engine.inventory import PENDING, expires_at, glances, known_assets, rank, states_by_asset
from standby.engine.models import CheckState
from standby.plan.model import Plan
from standby.store.db import reading
from standby.store.kept import kept
from standby.web.api import Problem
from standby.web.app import context

router = APIRouter(tags=["assets"])
_NEVER = 1 << 30
_STATUSES = frozenset(s.value for s in Status)


def _check(state: CheckState, now: datetime) -> CheckOut:
    expires = expires_at(state)
    return CheckOut(
        check=state.check,
        status=_status(state.status),
        observed=_status(state.observed),
        summary=state.summary,
        since=state.since,
        observed_at=state.observed_at,
        expires_at=expires,
        days_left=days_left(expires, now) if expires else None,
    )


def _status(value: str) -> StatusName:
    return value if value in _STATUSES else "unknown"  # type: ignore[return-value]


def all_assets(
    session: Session,
    *,
    plan: Plan,
    now: datetime,
    only: str | None = None,
    among: Collection[str] | None = None,
) -> list[AssetOut]:
    states = states_by_asset(session, only=only, among=among)
    alerts: dict[str, list[AlertRef]] = defaultdict(list)
    query_alerts = select(Alert).where(Alert.state != "resolved").order_by(Alert.id)
    for alert in session.scalars(query_alerts if only is None else query_alerts.where(Alert.asset == only)):
        alerts[alert.asset].append(AlertRef.model_validate(alert, from_attributes=True))
    names = {p.id: p.name or p.id for p in plan.people}
    out = []
    for asset, known in known_assets(plan, states, only=only, among=among).items():
        owner = known.owner
        checks = [_check(s, now) for s in states.get(asset, [])]
        worst = max(checks, key=lambda c: rank(c.status), default=None)
        soonest = min((c for c in checks if c.expires_at), key=lambda c: c.expires_at or now, default=None)
        out.append(
            AssetOut(
                asset=asset,
                kind=known.kind,
                target=known.target,
                owner=owner,
                owner_name=names.get(owner, owner) if owner else None,
                status=worst.status if worst else PENDING,
                expires_at=soonest.expires_at if soonest else None,
                days_left=soonest.days_left if soonest else None,
                checks=checks,
                alerts=alerts.get(asset, []),
            )
        )
    out.sort(key=lambda a: (-rank(a.status), a.days_left if a.days_left is not None else _NEVER, a.asset))
    return out


@router.get("/assets", summary="Every asset, most urgent first")
def list_assets(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="only the most urgent ones")] = None,
) -> list[AssetOut]:
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    with reading(), ctx.sessions() as session:  # thousands of rows: no write lock held meanwhile
        if limit is None:
            return all_assets(session, plan=plan, now=now)
        glance = glances(session, plan)  # ordered at a glance; only the first `limit` are built

        def urgency(name: str) -> tuple[int, int, str]:
            g = glance[name]
            left = days_left(g.expires, now) if g.expires else None
            return -rank(g.status), left if left is not None else _NEVER, name

        order = kept("api order", lambda: sorted(glance, key=urgency), among=glance)
        return all_assets(session, plan=plan, now=now, among=set(order[:limit]))


@router.get(
    "/assets/{asset:path}",
    summary="One asset",
    responses={404: {"model": Problem, "description": "no such asset"}},
)
def get_asset(request: Request, asset: AssetName) -> AssetOut:
    ctx = context(request)
    with ctx.sessions() as session:
        found = all_assets(session, plan=ctx.plan(), now=ctx.clock.now(), only=asset)
    if not found:
        raise HTTPException(404, f"there is no asset {asset!r}; GET /api/v1/assets lists them")
    return found[0]
