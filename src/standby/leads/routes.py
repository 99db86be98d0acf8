"""The public routes of Plan B: the capture endpoint (POST /f/ID), its CORS preflight, the switch
script (GET /f/ID.js) and the fallback page (GET /p/ID, /p/ID/thanks). Every answer to a bad request
is a 4xx saying what to do (JSON for scripts, the page again for people); nothing a visitor typed is
logged. An admin's pages are in admin.py."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from sqlalchemy.exc import SQLAlchemyError

from standby.leads import admin, body, pages, validate
from standby.leads.intake import Intake, NewSubmission
from standby.leads.public import allowed, find, origin_of
from standby.leads.ratelimit import AddressLimiter
from standby.plan.fallback import capture_url
from standby.plan.forms import Fallback, Form
from standby.plan.model import Plan
from standby.web.app import context, problem
from standby.web.auth import public

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
public.declare("/f/", cross_origin=True)
public.declare("/p/")
KEY_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")
PREFLIGHT = {
    "Access-Control-Allow-Methods": "POST",
    "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key, Accept",
    "Access-Control-Max-Age": "600",
}


@dataclass
class _State:
    intake: Intake
    limiter: AddressLimiter
    limits: Fallback


def _state(request: Request, plan: Plan) -> _State:
    limits = plan.fallback or Fallback()
    state: _State | None = getattr(request.app.state, "leads", None)
    if state is None:
        state = _State(Intake(context(request).sessions), _limiter(limits), limits)
        request.app.state.leads = state
    elif state.limits != limits:  # the plan was edited: new limits, same queue
        state.limiter, state.limits = _limiter(limits), limits
    return state


def _limiter(limits: Fallback) -> AddressLimiter:
    return AddressLimiter(posts=limits.rate_limit.posts, per=limits.rate_limit.per)


def _cors(response: Response, origin: str | None) -> Response:
    if origin and origin != "null":
        response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Vary"] = "Origin"
    return response


@router.options("/f/{form_id}")
def preflight(request: Request, form_id: str) -> Response:
    plan = context(request).plan()
    form, origin = find(plan, form_id), request.headers.get("origin")
    if form is None:
        return problem(404, f"there is no form {form_id!r} here")
    if not allowed(request, plan, form, origin):
        return problem(403, f"pages from {origin} may not post this form; add it to allowed_origins")
    return _cors(Response(status_code=204, headers=PREFLIGHT), origin)


async def capture(request: Request) -> Response:
    """POST /f/ID. A plain Starlette endpoint (added below with `add_route`): FastAPI's parameter
    solving would cost this, the hottest route, a tenth of its time for one path parameter."""
    form_id = str(request.path_params["form_id"])
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    form, origin = find(plan, form_id), request.headers.get("origin")
    if form is None:
        return problem(404, f"there is no form {form_id!r} here")
    if not allowed(request, plan, form, origin):
        return problem(403, f"pages from {origin} may not post this form; add it to allowed_origins")
    state = _state(request, plan)
    address = request.client.host if request.client else None
    wait = state.limiter.allow(address or "-", now)
    if wait is not None:
        seconds = max(int(wait.total_seconds()) + 1, 1)
        refused = problem(429, f"too many submissions from this address; try again in {seconds} s")
        refused.headers["Retry-After"] = str(seconds)
        return _cors(refused, origin)
    try:
        sent, as_json = await body.parse(request, await body.read(request, state.limits.max_body))
        key = _key(request.headers.get("idempotency-key") or sent.get("_key"))
    except body.BadBody as exc:
        return _cors(problem(exc.status, str(exc)), origin)
    as_json = as_json or _wants_json(request)
    if sent.get("_hp"):  # the honeypot: only bots fill it; they are told nothing different
        return _cors(_accepted(plan, form, "sub_" + secrets.token_hex(12), as_json), origin)
    checked = validate.check(form, sent)
    if not checked.ok:
        if as_json:
            errors = {"status": "invalid", "errors": checked.errors}
            return _cors(JSONResponse(errors, status_code=422), origin)
        html = pages.page(plan, form, action=f"/f/{form.id}", values=sent, errors=checked.errors, key=key)
        return _cors(_html(html, 422, capture_url(plan)), origin)
    item = NewSubmission(
        form_id=form.id,
        key=key,
        fields=checked.values,
        received_at=now,
        page_url=_url(sent.get("_page")) or _url(request.headers.get("referer")),
        referrer=_url(request.headers.get("referer")),
        user_agent=_clip(request.headers.get("user-agent"), 512),
        address=address,
    )
    try:
        recorded = await state.intake.record(item)
    except SQLAlchemyError:
        log.exception("could not store a submission for form %s", form.id)
        unavailable = problem(503, "the submission could not be stored; send it again")
        unavailable.headers["Retry-After"] = "2"
        return _cors(unavailable, origin)
    response = _accepted(plan, form, recorded.public_id, as_json, checked.ignored)
    return _cors(response, origin)


router.add_route("/f/{form_id}", capture, methods=["POST"], include_in_schema=False)


@router.get("/f/{form_id}.js")
def switch_script(request: Request, form_id: str) -> Response:
    plan = context(request).plan()
    form = find(plan, form_id)
    if form is None:
        return problem(404, f"there is no form {form_id!r} here")
    own = str(request.base_url).rstrip("/")
    text = pages.script(form, capture_url=capture_url(plan) or own, script_url=f"{own}/f/{form.id}.js")
    headers = {"Cache-Control": "public, max-age=300", "Cross-Origin-Resource-Policy": "cross-origin"}
    return Response(text, media_type="text/javascript; charset=utf-8", headers=headers)


@router.get("/p/{form_id}")
def fallback_page(request: Request, form_id: str) -> Response:
    plan = context(request).plan()
    form = find(plan, form_id)
    if form is None:
        return problem(404, f"there is no form {form_id!r} here")
    html = pages.page(plan, form, action=f"/f/{form.id}", key=pages.new_key())
    return _html(html, 200, capture_url(plan))


@router.get("/p/{form_id}/thanks")
def thanks_page(request: Request, form_id: str) -> Response:
    plan = context(request).plan()
    form = find(plan, form_id)
    if form is None:
        return problem(404, f"there is no form {form_id!r} here")
    return _html(pages.thanks(plan, form), 200, None)


def _accepted(
    plan: Plan, form: Form, public_id: str, as_json: bool, ignored: tuple[str, ...] = ()
) -> Response:
    if as_json:
        answer: dict[str, object] = {"id": public_id, "status": "accepted"}
        if ignored:
            answer["ignored"] = list(ignored)  # names the form does not have: not kept, and said so
        return JSONResponse(answer, status_code=202)
    return RedirectResponse(form.thanks_url or f"/p/{form.id}/thanks", status_code=303)


def _html(text: str, status: int, capture: str | None) -> Response:
    headers = {"Content-Security-Policy": pages.csp(origin_of(capture)), "Referrer-Policy": "strict-origin"}
    return HTMLResponse(text, status_code=status, headers=headers)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _key(raw: object) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or len(raw) > 128 or not set(raw) <= KEY_CHARS:
        raise body.BadBody(400, "an idempotency key is 1 to 128 letters, digits and - _ . : (a UUID will do)")
    return raw


def _url(raw: object) -> str | None:
    if not isinstance(raw, str) or not raw.startswith(("https://", "http://")) or "\x00" in raw:
        return None
    return _clip(raw, 2000)


def _clip(text: str | None, most: int) -> str | None:
    return text[:most].replace("\x00", "") if text else None


router.include_router(admin.router)
