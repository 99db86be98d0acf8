"""The alerts feature's pages: the links in messages, and (actions.py) the dashboard's buttons. A link's
GET only shows a page (mail scanners open links); POST acts, and must carry the token in its form. A
bad link is a clear 4xx page, never an error trace."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from sqlalchemy.orm import Session

from standby.alerts import actions, renewals, service, tokens
from standby.alerts.actions import Followers
from standby.alerts.models import ActionToken, Alert, Renewal
from standby.alerts.view import person_name, view
from standby.core.timetext import at
from standby.plan.assets import label
from standby.plan.model import Plan
from standby.store.db import lock_for_write
from standby.web.app import context, page
from standby.web.auth import public

router = APIRouter()
router.include_router(actions.router)
# The token in the link is the credential: whoever holds it may act, signed in or not.
public.declare("/ack/")
public.declare("/confirm/")
_STATUS = {"unknown": 404, "expired": 410, "used": 410}


def _notice(
    request: Request, heading: str, message: str, *, status: int = 200, tone: str = "", hint: str = ""
) -> Response:
    return page(
        request,
        "alerts/notice.html",
        http_status=status,
        heading=heading,
        message=message,
        tone=tone,
        hint=hint,
    )


def _refused(request: Request, error: tokens.TokenError) -> Response:
    hint = "You can still act from the command line: `standby ack ALERT --by YOU` or `standby confirm`."
    return _notice(request, "This link cannot be used", str(error), status=_STATUS[error.reason], hint=hint)


def _missing(request: Request) -> Response:
    return _notice(request, "Incomplete request", "This form was sent without its link token.", status=400)


@router.get("/ack/{token}")
def ack_page(request: Request, token: str) -> Response:
    ctx = context(request)
    now = ctx.clock.now()
    with ctx.sessions() as session:
        try:
            row = tokens.find(session, token, purpose="ack", now=now)
        except tokens.TokenError as exc:
            return _refused(request, exc)
        alert = session.get(Alert, row.alert_id)
        if alert is None:
            return _refused(request, tokens.TokenError("unknown", "This alert no longer exists."))
        shown = view(session, alert, now=now)
        return page(
            request,
            "alerts/ack.html",
            alert=alert,
            since=shown.since,
            owner=shown.owner,
            status=shown.status,
            failures=shown.failures,
            unknown=shown.unknown,
            can_ack=alert.state == "open",
            person=person_name(session, alert, row.person),
            token=token,
        )


@router.post("/ack/{token}")
def ack(
    request: Request,
    token: str,
    then: Followers,
    form_token: Annotated[str | None, Form(alias="token")] = None,
) -> Response:
    if form_token != token:
        return _missing(request)
    ctx = context(request)
    now = ctx.clock.now()
    with ctx.sessions() as session, session.begin():
        lock_for_write(session)
        try:
            row = tokens.find(session, token, purpose="ack", now=now)
        except tokens.TokenError as exc:
            return _refused(request, exc)
        assert row.alert_id is not None, "ack tokens are issued for an alert"
        result = service.acknowledge(
            session, alert_id=row.alert_id, person=row.person or "someone", now=now, via="web link", then=then
        )
        if result.acknowledged:
            tokens.use(row, now=now)
        heading = "Acknowledged" if result.acknowledged else "Nothing to do"
        return _notice(request, heading, result.message, tone="done" if result.acknowledged else "")


@router.post("/ack")
def ack_without_token(request: Request) -> Response:
    return _missing(request)


@router.get("/confirm/{token}")
def confirm_page(request: Request, token: str) -> Response:
    ctx = context(request)
    now = ctx.clock.now()
    with ctx.sessions() as session:
        try:
            _, cycle = _cycle(session, token, now=now)
        except tokens.TokenError as exc:
            return _refused(request, exc)
        return _confirm_form(request, cycle, token=token, plan=ctx.plan())


@router.post("/confirm/{token}")
def confirm(
    request: Request,
    token: str,
    form_token: Annotated[str | None, Form(alias="token")] = None,
    how: Annotated[str | None, Form()] = None,
) -> Response:
    if form_token != token:
        return _missing(request)
    ctx = context(request)
    now = ctx.clock.now()
    with ctx.sessions() as session, session.begin():
        lock_for_write(session)
        try:
            row, cycle = _cycle(session, token, now=now)
        except tokens.TokenError as exc:
            return _refused(request, exc)
        if how not in renewals.HOW:
            return _notice(
                request, "Choose an answer", "Pick one of the two answers on the page.", status=400
            )
        said = renewals.confirm(
            session, cycle, person=row.person or "someone", how=how, now=now, via="web link"
        )
        tokens.use(row, now=now)
        return _notice(request, "Thank you", said, tone="done")


@router.post("/confirm")
def confirm_without_token(request: Request) -> Response:
    return _missing(request)


def _cycle(session: Session, token: str, *, now: datetime) -> tuple[ActionToken, Renewal]:
    row = tokens.find(session, token, purpose="confirm", now=now)
    cycle = session.get(Renewal, row.renewal_id) if row.renewal_id is not None else None
    if cycle is None:
        raise tokens.TokenError("unknown", "This renewal is no longer tracked.")
    if cycle.renewed_at is not None:
        when = f"{cycle.renewed_at:%Y-%m-%d}"
        raise tokens.TokenError("expired", f"This renewal cycle is over: the renewal was seen on {when}.")
    return row, cycle


def _confirm_form(request: Request, cycle: Renewal, *, token: str, plan: Plan) -> Response:
    tz = plan.timezone
    item = next((w for w in renewals.watched(plan) if w.asset == cycle.asset), None)
    owner = next((p.name or p.id for p in plan.people if p.id == cycle.owner), cycle.owner or "nobody")
    deadline = ""
    if item is not None and item.confirm_by is not None:
        deadline = at(cycle.expires_at - item.confirm_by, tz)
    confirmed = ""
    if cycle.confirmed_at is not None:
        when = at(cycle.confirmed_at, tz)
        confirmed = (
            f"Confirmed by {cycle.confirmed_by} on {when}: {renewals.HOW.get(cycle.confirmation or '', '')}."
        )
    return page(
        request,
        "alerts/confirm.html",
        name=label(cycle.asset),
        expires=at(cycle.expires_at, tz),
        owner=owner,
        deadline=deadline,
        confirmed=confirmed,
        token=token,
    )
