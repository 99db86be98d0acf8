"""/api/v1/alerts: list by state, one alert, and acknowledge (admins) — the same acknowledgement as
the links in messages and `standby ack`. Mounted under /api/v1 by api/routes.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.alerts import service
from standby.alerts.actions import Followers
from standby.alerts.models import Alert
from standby.alerts.schemas import AckOut, AlertOut, AlertState
from standby.alerts.view import view
from standby.store.db import lock_for_write
from standby.web.api import Id, Problem
from standby.web.app import context
from standby.web.auth.deps import actor, require_admin

router = APIRouter(tags=["alerts"])
_COMPUTED = ("status", "not_delivered", "outcome_unknown", "same_cause")
_COLUMNS = [name for name in AlertOut.model_fields if name not in _COMPUTED]
_MISSING: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "no such alert"}}


def _out(session: Session, alert: Alert, request: Request) -> AlertOut:
    shown = view(session, alert, now=context(request).clock.now())
    same = [d.id for d in shown.same_cause]
    said = {
        "status": shown.status,
        "not_delivered": shown.failures,
        "outcome_unknown": shown.unknown,
        "same_cause": same,
    }
    return AlertOut.model_validate(said | {c: getattr(alert, c) for c in _COLUMNS})


@router.get("/alerts", summary="Alerts, newest first")
def list_alerts(
    request: Request,
    state: Annotated[list[AlertState] | None, Query(description="default: open and acknowledged")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    with_dependents: Annotated[
        bool, Query(description="also list alerts of the same cause one by one (else only in same_cause)")
    ] = False,
) -> list[AlertOut]:
    states = state or ["open", "acknowledged"]
    query = select(Alert).where(Alert.state.in_(states)).order_by(Alert.opened_at.desc(), Alert.id.desc())
    if not with_dependents:
        query = query.where(Alert.root_id.is_(None))
    with context(request).sessions() as session:
        return [_out(session, a, request) for a in session.scalars(query.limit(limit))]


@router.get("/alerts/{alert_id}", summary="One alert", responses=_MISSING)
def get_alert(request: Request, alert_id: Id) -> AlertOut:
    with context(request).sessions() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise HTTPException(404, f"there is no alert #{alert_id}")
        return _out(session, alert, request)


@router.post(
    "/alerts/{alert_id}/acknowledge",
    summary="Acknowledge an alert (admin)",
    responses=_MISSING,
    dependencies=[Depends(require_admin)],
)
def acknowledge(request: Request, alert_id: Id, then: Followers) -> AckOut:
    """You have it: the chain stops paging others. Acknowledging twice, or after resolution, changes
    nothing and says so (`acknowledged: false`)."""
    ctx = context(request)
    with ctx.sessions() as session, session.begin():
        lock_for_write(session)
        try:
            result = service.acknowledge(
                session, alert_id=alert_id, person=actor(request), now=ctx.clock.now(), via="API", then=then
            )
        except service.AlertNotFound as exc:
            raise HTTPException(404, str(exc)) from None
        return AckOut(
            acknowledged=result.acknowledged,
            message=result.message,
            alert=_out(session, result.alert, request),
        )
