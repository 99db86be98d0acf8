"""/calendar.ics, the renewals' feed: every expiry, `remind_at` and `confirm_by` date of the plan's
domains and certificates as all-day events, per the current findings, for owners to subscribe to —
and the plan's scheduled drills, the next year of them, so the team sees the rehearsal coming.

Calendar apps cannot send headers, so the token rides in the URL (`?token=`): a calendar token
reads this feed and nothing else. UIDs are stable for a given asset, date kind and expiry, so a
re-fetch updates events instead of duplicating them, and a renewal replaces them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request, Response
from icalendar import Calendar, Event
from sqlalchemy import select

from standby.alerts.renewals import Watched, watched
from standby.core.expiry import iso
from standby.core.timetext import at, words
from standby.engine.models import CheckState
from standby.plan.assets import label
from standby.plan.model import Plan
from standby.web.app import context

router = APIRouter()


@router.get("/calendar.ics")
def calendar(
    request: Request,
    owner: Annotated[str | None, Query(max_length=255, description="only this person's assets")] = None,
) -> Response:
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    items = [w for w in watched(plan) if owner is None or w.owner == owner]
    keys = {f"{w.asset}|{w.check}": w for w in items}
    cal = Calendar()
    cal.add("prodid", "-//Standby//renewals//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{plan.organization} renewals (Standby)")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    with ctx.sessions() as session:
        states = session.scalars(select(CheckState).where(CheckState.key.in_(keys))).all() if keys else []
    for state in sorted(states, key=lambda s: s.key):
        raw = state.details.get("expires_at")
        if raw:
            for event in _events(
                keys[state.key], datetime.fromisoformat(str(raw)), state, plan=plan, now=now
            ):
                cal.add_component(event)
    if owner is None:
        for event in _drills(plan, now=now):
            cal.add_component(event)
    return Response(
        cal.to_ical(),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="standby.ics"'},
    )


def _events(item: Watched, expires: datetime, state: CheckState, *, plan: Plan, now: datetime) -> list[Event]:
    name, tz = label(item.asset), plan.timezone
    owner = next((p.name or p.id for p in plan.people if p.id == item.owner), item.owner or "nobody")
    about = (
        f"{name} expires on {at(expires, tz)}. Owner: {owner}. Last check: {state.status}, {state.summary}"
    )
    dates = [("expires", expires, f"{name} expires", about)]
    for before in sorted(set(item.remind_at), reverse=True):
        what = f"remind-{int(before.total_seconds())}"
        dates.append((what, expires - before, f"{name} expires in {words(before)}", about))
    if item.confirm_by is not None:
        command = f"standby confirm {label(item.asset)} --by YOU --how renewed"
        confirm = (
            f"The owner confirms the renewal of {name} by this day: `{command}`, or the reminder's link."
        )
        dates.append(
            ("confirm-by", expires - item.confirm_by, f"Confirm the renewal of {name}", f"{confirm} {about}")
        )
    base = plan.settings.base_url
    events = []
    for what, when, summary, description in dates:
        day = when.astimezone(ZoneInfo(tz)).date()
        event = Event()
        uid = hashlib.sha256(f"{item.asset}|{what}|{iso(expires)}".encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@standby")
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        event.add("description", description)
        event.add("transp", "TRANSPARENT")
        if base is not None:
            event.add("url", f"{str(base).rstrip('/')}/assets/{quote(item.asset, safe=':')}")
        events.append(event)
    return events


def _drills(plan: Plan, *, now: datetime) -> list[Event]:
    """Each scheduled drill's due dates within the next year, as all-day events."""
    today, out = now.astimezone(ZoneInfo(plan.timezone)).date(), []
    names = {p.id: p.name or p.id for p in plan.people} | {
        a.id: f"the {a.id} audience" for a in plan.audiences
    }
    for drill in plan.drills:
        if drill.schedule is None:
            continue
        who = ", ".join(names.get(p, p) for p in drill.participants)
        for day in drill.schedule.dates(today):
            if (day - today).days > 366:
                break
            event = Event()
            event.add("uid", f"{hashlib.sha256(f'drill|{drill.id}|{day}'.encode()).hexdigest()[:32]}@standby")
            event.add("dtstamp", now)
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("summary", f"Drill: {drill.title}")
            failure = drill.scenario.failure.replace("_", " ")
            event.add(
                "description",
                f"{drill.schedule.every} drill: {failure} of {drill.scenario.asset}. Participants: {who}. "
                f"Run it with `standby drill run {drill.id}` (add --dry-run to tell nobody).",
            )
            event.add("transp", "TRANSPARENT")
            out.append(event)
    return out
