"""The leads pages, for admins only: each form's counts and replay, the newest submissions with their
delivery state, one submission in full, and two buttons — replay soon, put failed leads back. Values a
visitor typed are shown escaped (the templates autoescape); nothing here is public."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from standby.core.errors import StandbyError
from standby.leads import service
from standby.plan.fallback import live_pages
from standby.web.app import context, page
from standby.web.auth.deps import require_admin

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


NOTICES = {
    "replay": "Replay will start within a few seconds once the platform's monitor is healthy.",
    "retry": "{n} refused lead(s) back in the queue.",
}


@router.get("/leads")
def leads(
    request: Request, form: str | None = None, state: str | None = None, did: str | None = None, n: int = 0
) -> Response:
    ctx = context(request)
    plan = ctx.plan()
    try:
        with ctx.sessions() as session:
            statuses = service.statuses(session, plan, now=ctx.clock.now())
            rows = service.listing(session, form=form or None, state=state or None, limit=200)
    except StandbyError as exc:
        return page(
            request, "alerts/notice.html", http_status=400, heading="Cannot list leads", message=str(exc)
        )
    return page(
        request,
        "leads/index.html",
        section="leads",
        statuses=statuses,
        rows=rows,
        form=form,
        state=state,
        pages={p.form_id: p.url for p in live_pages(plan)},
        notice=NOTICES[did].format(n=n) if did in NOTICES else None,
    )


@router.get("/leads/{public_id}")
def submission(request: Request, public_id: str) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions() as session:
            row = service.find(session, public_id)
    except StandbyError as exc:
        return page(
            request, "alerts/notice.html", http_status=404, heading="No such submission", message=str(exc)
        )
    return page(request, "leads/submission.html", section="leads", row=row)


@router.post("/leads/replay")
def replay_soon(request: Request, form: Form) -> Response:
    form_id = str(form.get("form", ""))
    plan = context(request).plan()
    return _act(
        request,
        lambda s: service.replay_soon(s, form_id=form_id, plan=plan),
        f"form={quote(form_id)}&did=replay",
    )


@router.post("/leads/retry")
def retry(request: Request, form: Form) -> Response:
    form_id = str(form.get("form") or "") or None
    skipped = form.get("skipped") == "true"
    return _act(request, lambda s: service.requeue(s, form_id=form_id, skipped=skipped), "did=retry&n={n}")


def _act(request: Request, work: Callable[[Session], int], then: str) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions() as session, session.begin():
            n = work(session)
    except StandbyError as exc:
        return page(request, "alerts/notice.html", http_status=400, heading="Not done", message=str(exc))
    return RedirectResponse("/leads?" + then.format(n=n), status_code=303)
