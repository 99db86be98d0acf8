"""The dashboard's pages — those that show several features at once (the overview, an asset, the
alerts with their incidents, the people, the plan) — all behind sign-in (the app's middleware turns
anonymous callers away). Each handler builds plain views (dashboard/*.py) from the store and the live
plan; the templates show them. A feature's own pages and buttons are in the feature (alerts/routes.py,
incidents/routes.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from standby.dashboard.alert_cards import by_state
from standby.dashboard.asset_page import asset_page
from standby.dashboard.assets import overview
from standby.dashboard.people import people_tree
from standby.dashboard.plan_page import plan_view
from standby.dashboard.sight import banners
from standby.store.db import reading
from standby.web.app import context, page
from standby.web.auth.deps import actor, current_user

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session: Session, template: str, /, *, status: int = 200, **values: object
) -> Response:
    """`page()` with what every dashboard page shows: the user, whether they may act, as whom, and
    whether Standby can see (read in the handler's session: a second one would wait for it)."""
    user = current_user(request)
    who = actor(request)
    ctx = context(request)
    name = next((p.name or p.id for p in ctx.plan().people if p.id == who), who)
    can_act = user is not None and user.is_admin
    blind = banners(session, tz=ctx.plan().timezone)
    return page(request, template, http_status=status, can_act=can_act, actor=name, blind=blind, **values)


@router.get("/")
def overview_page(request: Request, page: int = 1) -> Response:
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    with reading(), ctx.sessions() as session:  # thousands of rows: no write lock held meanwhile
        found = overview(session, plan=plan, now=now, page=page)
        return _page(request, session, "dashboard/overview.html", section="overview", found=found, plan=plan)


@router.get("/assets/{asset:path}")
def asset(request: Request, asset: str) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        found = asset_page(session, asset, plan=ctx.plan(), now=ctx.clock.now())
        if found is None:
            return _page(
                request, session, "dashboard/missing.html", status=404, section="overview", asset=asset
            )
        return _page(request, session, "dashboard/asset.html", section="overview", found=found)


@router.get("/alerts")
def alerts(request: Request) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        found = by_state(session, now=ctx.clock.now())
        return _page(request, session, "dashboard/alerts.html", section="alerts", found=found)


@router.get("/people")
def people(request: Request) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        tree = people_tree(session, plan=ctx.plan(), now=ctx.clock.now())
        return _page(request, session, "dashboard/people.html", section="people", tree=tree)


@router.get("/plan")
def plan(request: Request) -> Response:
    ctx = context(request)
    with ctx.sessions() as session:
        found = plan_view(session, plan=ctx.plan())
        return _page(request, session, "dashboard/plan.html", section="plan", found=found)
