"""/drills: the plan's drills and their runs, buttons to run (live or dry) and end them; a run's report
as a page, as Markdown and its chart as SVG; and the drill's own status page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from standby.channels.drill import DrillRun
from standby.core.errors import StandbyError
from standby.core.timetext import at
from standby.recovery.drills import report as reports
from standby.recovery.drills import service
from standby.recovery.drills.status_page import drill_page
from standby.recovery.pages import files
from standby.store.db import lock_for_write
from standby.web.api import Id
from standby.web.app import context, page
from standby.web.auth.deps import actor, current_user, require_admin

router = APIRouter()
ADMIN = [Depends(require_admin)]
# The status page's own inline stylesheet, and nothing else (as /status/ serves it).
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def _page(request: Request, template: str, /, *, status: int = 200, **values: object) -> Response:
    user = current_user(request)
    return page(
        request,
        template,
        http_status=status,
        section="drills",
        can_act=user is not None and user.is_admin,
        **values,
    )


def _notice(request: Request, status: int, heading: str, message: str) -> Response:
    return page(request, "alerts/notice.html", http_status=status, heading=heading, message=message, hint="")


@router.get("/drills")
def drills(request: Request) -> Response:
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    with ctx.sessions() as session:
        runs = list(session.scalars(select(DrillRun).order_by(DrillRun.id.desc()).limit(50)))
        rows = [
            {
                "id": r.id,
                "drill": r.drill,
                "title": r.title,
                "dry_run": r.dry_run,
                "state": r.state,
                "started": at(r.started_at, plan.timezone) if r.started_at else "not started",
                "ended": r.end_reason or "",
                "href": f"/drills/runs/{r.id}",
            }
            for r in runs
        ]
    names = {p.id: p.name or p.id for p in plan.people} | {
        a.id: f"the {a.id} audience" for a in plan.audiences
    }
    planned = [
        {
            "id": d.id,
            "title": d.title,
            "scenario": f"{d.scenario.failure.replace('_', ' ')} of {d.scenario.asset}",
            "participants": ", ".join(names.get(p, p) for p in d.participants),
            "schedule": f"{d.schedule.every}, next {next(d.schedule.dates(now.date()))}"
            if d.schedule
            else "unscheduled",
            "busy": next(
                (r["href"] for r in rows if r["drill"] == d.id and r["state"] in service.ACTIVE), None
            ),
        }
        for d in plan.drills
    ]
    return _page(request, "recovery/drills.html", planned=planned, runs=rows)


@router.post("/drills/{drill_id}/run", dependencies=ADMIN)
def run(request: Request, drill_id: str, dry_run: Annotated[str | None, Form()] = None) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions() as session, session.begin():
            lock_for_write(session)
            started = service.request(
                session,
                plan=ctx.plan(),
                drill_id=drill_id,
                dry_run=dry_run == "1",
                by=actor(request),
                now=ctx.clock.now(),
            )
            ident = started.id
    except StandbyError as exc:
        return _notice(request, 409, "The drill did not start", str(exc))
    return RedirectResponse(f"/drills/runs/{ident}", status_code=303)


@router.post("/drills/runs/{run_id}/end", dependencies=ADMIN)
def end(request: Request, run_id: Id) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions() as session, session.begin():
            lock_for_write(session)
            service.end(session, run_id, by=actor(request), now=ctx.clock.now())
    except StandbyError as exc:
        return _notice(request, 409, "Nothing to end", str(exc))
    return RedirectResponse(f"/drills/runs/{run_id}", status_code=303)


def _report(request: Request, run_id: int) -> reports.DrillReport | None:
    ctx = context(request)
    with ctx.sessions() as session:
        found = session.get(DrillRun, run_id)
        return reports.build(session, found, plan=ctx.plan(), now=ctx.clock.now()) if found else None


def _missing(request: Request, run_id: int) -> Response:
    return _notice(request, 404, "No such drill run", f"There is no drill run #{run_id}.")


@router.get("/drills/runs/{run_id}")
def report(request: Request, run_id: Id) -> Response:
    built = _report(request, run_id)
    if built is None:
        return _missing(request, run_id)
    return _page(request, "recovery/drill.html", r=built)


@router.get("/drills/runs/{run_id}/report.md")
def report_markdown(request: Request, run_id: Id) -> Response:
    built = _report(request, run_id)
    if built is None:
        return _missing(request, run_id)
    return files.markdown(built)


@router.get("/drills/runs/{run_id}/timeline.svg")
def report_chart(request: Request, run_id: Id) -> Response:
    built = _report(request, run_id)
    if built is None:
        return _missing(request, run_id)
    return files.svg(built)


@router.get("/drills/runs/{run_id}/status")
def status_root(run_id: Id) -> Response:
    return RedirectResponse(f"/drills/runs/{run_id}/status/", status_code=308)


@router.get("/drills/runs/{run_id}/status/")
def status(request: Request, run_id: Id) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        found = session.get(DrillRun, run_id)
        if found is None:
            return _missing(request, run_id)
        try:
            content = drill_page(session, found, plan=ctx.plan(), now=ctx.clock.now())
        except StandbyError as exc:
            return _notice(request, 404, "No status page", str(exc))
    return Response(
        content, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": PAGE_POLICY}
    )
