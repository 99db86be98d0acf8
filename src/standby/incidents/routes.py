"""The incident pages: the list, one incident (countdown, time to first word, updates, timeline), and
for admins the forms that open one, post an update (with a preview of what each audience receives),
publish it outside and resolve it. The app's middleware has signed the caller in and checked the
form's CSRF token; the service does the work in the caller's transaction.

A mistake in a form (a missing field, a bad "next update by") renders the form again with the
message and everything the person typed; success goes back to the incident (Post/Redirect/Get),
whose banner says who was told.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from standby.core.errors import StandbyError
from standby.incidents import forms, rules, service
from standby.incidents.models import SEVERITIES, Incident
from standby.incidents.pages import incident_page, listing
from standby.plan.model import Plan
from standby.store.db import lock_for_write
from standby.web.api import Id, QueryId
from standby.web.app import context, page
from standby.web.auth.deps import actor, current_user, require_admin

router = APIRouter(include_in_schema=False)
ADMIN = [Depends(require_admin)]


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def _texts(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


def _page(request: Request, template: str, /, *, status: int = 200, **values: Any) -> Response:
    user = current_user(request)
    can_act = user is not None and user.is_admin
    return page(request, template, http_status=status, section="incidents", can_act=can_act, **values)


def _missing(request: Request, incident_id: int) -> Response:
    message = f"There is no incident #{incident_id}."
    return page(request, "alerts/notice.html", http_status=404, heading="No such incident", message=message)


@router.get("/incidents")
def incidents(request: Request) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        unresolved, resolved = listing(session, plan=ctx.plan(), now=ctx.clock.now())
    return _page(request, "incidents/list.html", unresolved=unresolved, resolved=resolved)


@router.get("/incidents/new", dependencies=ADMIN)
def new(request: Request, system: str | None = None) -> Response:
    return _opening(request, forms.OpenForm(systems=(system,) if system else ()))


@router.post("/incidents", dependencies=ADMIN)
def open_(request: Request, form: Form) -> Response:
    ctx = context(request)
    plan = ctx.plan()
    found = forms.open_form(_texts(form), [s for s in form.getlist("systems") if isinstance(s, str)])
    try:
        forms.need(found.title, "Give the incident a title: what is wrong, in a few words.")
        if not found.systems:
            raise forms.FormError("Choose at least one affected system.")
        with ctx.sessions() as session, session.begin():
            lock_for_write(session)
            done = service.open_incident(
                session,
                plan=plan,
                title=found.title,
                systems=list(found.systems),
                actor=actor(request),
                now=ctx.clock.now(),
                severity=found.severity or None,
                lead=found.lead or None,
            )
    except StandbyError as exc:
        return _opening(request, found, error=str(exc))
    return _done(done)


def _opening(request: Request, found: forms.OpenForm, *, error: str | None = None) -> Response:
    plan = context(request).plan()
    people = [(p.id, p.name or p.id) for p in plan.people]
    values = {"form": found, "error": error, "severities": SEVERITIES, "people": people}
    systems = sorted(rules.assets(plan).items(), key=lambda item: item[0])
    return _page(request, "incidents/new.html", status=400 if error else 200, systems=systems, **values)


@router.get("/incidents/{incident_id}")
def incident(request: Request, incident_id: Id, posted: QueryId | None = None) -> Response:
    return _show(request, incident_id, posted=posted)


@router.post("/incidents/{incident_id}/update", dependencies=ADMIN)
def update(request: Request, incident_id: Id, form: Form) -> Response:
    found = forms.update_form(_texts(form))

    def arguments(plan: Plan, now: datetime) -> dict[str, Any]:
        return {
            "know": forms.need(found.know, "Say what we know: even “nothing new yet” helps."),
            "dont_know": found.dont_know,
            "meanwhile": found.meanwhile or None,
            "public": found.public or None,
            "next_by": forms.next_time(found.next, now=now, tz=plan.timezone),
            "state": found.state or None,
        }

    return _act(request, incident_id, "update", found, arguments, service.update_incident)


@router.post("/incidents/{incident_id}/resolve", dependencies=ADMIN)
def resolve(request: Request, incident_id: Id, form: Form) -> Response:
    found = forms.resolve_form(_texts(form))

    def arguments(plan: Plan, now: datetime) -> dict[str, Any]:
        know = forms.need(found.know, "Write a final note: what happened, and what was done.")
        return {"know": know, "dont_know": "", "public": found.public or None}

    resolving = service.resolve_incident
    return _act(request, incident_id, "resolve", found, arguments, resolving, preview={"resolving": True})


@router.post("/incidents/{incident_id}/publish", dependencies=ADMIN)
def publish(request: Request, incident_id: Id) -> Response:
    ctx = context(request)
    try:
        with ctx.sessions() as session, session.begin():
            lock_for_write(session)
            done = service.publish_incident(
                session, plan=ctx.plan(), incident_id=incident_id, actor=actor(request), now=ctx.clock.now()
            )
    except service.IncidentNotFound:
        return _missing(request, incident_id)
    except StandbyError as exc:
        return _show(request, incident_id, status=400, where="publish", error=str(exc))
    return _done(done)


def _act(
    request: Request,
    incident_id: int,
    where: str,
    found: forms.UpdateForm | forms.ResolveForm,
    arguments: Callable[[Plan, datetime], dict[str, Any]],
    posting: Callable[..., service.Posted],
    *,
    preview: dict[str, Any] | None = None,
) -> Response:
    """Preview (stores and sends nothing) or post; a mistake shows the form again with the text kept."""
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    kept: dict[str, Any] = {where: found, "where": where}
    try:
        given = arguments(plan, now) | {"publish": found.publish, "actor": actor(request)}
        given |= {"plan": plan, "incident_id": incident_id, "now": now}
        if found.action == "preview":
            with ctx.sessions() as session:
                shown = service.preview(session, **given | (preview or {}))
            return _show(request, incident_id, preview=shown, **kept)
        with ctx.sessions() as session, session.begin():
            lock_for_write(session)
            done = posting(session, **given)
    except service.IncidentNotFound:
        return _missing(request, incident_id)
    except StandbyError as exc:
        return _show(request, incident_id, status=400, error=str(exc), **kept)
    return _done(done)


def _done(done: service.Posted) -> Response:
    return RedirectResponse(f"/incidents/{done.incident_id}?posted={done.update_id}", status_code=303)


def _show(request: Request, incident_id: int, *, status: int = 200, **values: Any) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        found = session.get(Incident, incident_id)
        if found is None:
            return _missing(request, incident_id)
        plan = ctx.plan()
        shown = incident_page(session, found, plan=plan, now=ctx.clock.now())
        if not shown.resolved:  # the forms start from the playbook's public text
            if "update" not in values:
                starts = service.public_text(session, plan=plan, incident_id=incident_id)
                values["update"] = forms.UpdateForm(
                    next=shown.next_default, state=shown.shown.state, public=starts
                )
            if "resolve" not in values:
                ends = service.public_text(session, plan=plan, incident_id=incident_id, state="resolved")
                values["resolve"] = forms.ResolveForm(public=ends)
    posted = next((u for u in shown.updates if u.id == values.pop("posted", None)), None)
    return _page(request, "incidents/incident.html", status=status, found=shown, posted=posted, **values)
