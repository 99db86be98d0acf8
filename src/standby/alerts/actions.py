"""The buttons on the dashboard's alert cards: acknowledge an alert, confirm a renewal. Admins only;
the app's middleware has checked the form's CSRF token. They say who acts, then send the browser back
where it was (Post/Redirect/Get), where the alert now shows what happened.

`followers` is who else hears of an acknowledgement, here and in the ack link and the API: alone,
nobody; the wiring (standby/app/web.py) overrides it with `app.dependency_overrides`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from standby.alerts import renewals, service
from standby.alerts.models import Renewal
from standby.alerts.service import Acknowledged
from standby.store.db import lock_for_write
from standby.web.api import Id
from standby.web.app import context, page
from standby.web.auth.deps import actor, require_admin

router = APIRouter(dependencies=[Depends(require_admin)])
VIA = "the dashboard"


def followers() -> Sequence[Acknowledged]:
    """The features told of an acknowledgement made on the web, in order (a FastAPI dependency)."""
    return ()


Followers = Annotated[Sequence[Acknowledged], Depends(followers)]


def _back(target: str | None, default: str) -> RedirectResponse:
    # Only a path on this site: a crafted form must not bounce a signed-in user elsewhere.
    safe = target if target and target.startswith("/") and not target.startswith(("//", "/\\")) else default
    return RedirectResponse(safe, status_code=303)


def _notice(request: Request, status: int, heading: str, message: str) -> Response:
    return page(request, "alerts/notice.html", http_status=status, heading=heading, message=message, hint="")


@router.post("/alerts/{alert_id}/ack")
def acknowledge(
    request: Request, alert_id: Id, then: Followers, next: Annotated[str | None, Form()] = None
) -> Response:
    ctx = context(request)
    who = actor(request)
    with ctx.sessions() as session, session.begin():
        lock_for_write(session)
        try:
            service.acknowledge(
                session, alert_id=alert_id, person=who, now=ctx.clock.now(), via=VIA, then=then
            )
        except service.AlertNotFound as exc:
            return _notice(request, 404, "No such alert", str(exc))
    return _back(next, f"/alerts#alert-{alert_id}")


@router.post("/alerts/{alert_id}/confirm")
def confirm(
    request: Request,
    alert_id: Id,
    how: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    if how not in renewals.HOW:
        return _notice(request, 400, "Choose an answer", "Pick one of the two answers on the alert.")
    ctx = context(request)
    who = actor(request)
    with ctx.sessions() as session, session.begin():
        lock_for_write(session)
        cycle = session.scalars(select(Renewal).where(Renewal.alert_id == alert_id)).first()
        if cycle is None:
            return _notice(request, 404, "Nothing to confirm", f"Alert #{alert_id} is not about a renewal.")
        renewals.confirm(session, cycle, person=who, how=how, now=ctx.clock.now(), via=VIA)
    return _back(next, f"/alerts#alert-{alert_id}")
