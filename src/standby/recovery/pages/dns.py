"""/recovery: the DNS recovery tracker's watches — each domain being tracked after a fix, the headline,
every resolver's answer, TTL left and time, the flush pages — and the words for customers."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from standby.core.timetext import at, words
from standby.incidents.rules import public_names
from standby.recovery.dns import customer
from standby.recovery.dns.models import RecoveryResolver, RecoveryWatch
from standby.recovery.dns.render import words_ttl
from standby.web.api import Id
from standby.web.app import context, page

router = APIRouter()


@router.get("/recovery")
def watches(request: Request) -> Response:
    ctx = context(request)
    tz = ctx.plan().timezone
    with ctx.sessions() as session:
        rows = [
            {
                "id": w.id,
                "domain": w.domain,
                "state": w.state,
                "headline": w.headline or "asking the resolvers…",
                "started": at(w.started_at, tz),
                "incident": w.incident_id,
            }
            for w in session.scalars(select(RecoveryWatch).order_by(RecoveryWatch.id.desc()).limit(50))
        ]
    return page(request, "recovery/watches.html", section="incidents", watches=rows)


@router.get("/recovery/{watch_id}")
def watch(request: Request, watch_id: Id) -> Response:
    ctx = context(request)
    plan, now = ctx.plan(), ctx.clock.now()
    tz = plan.timezone
    with ctx.sessions() as session:
        found = session.get(RecoveryWatch, watch_id)
        if found is None:
            message = f"There is no DNS recovery watch #{watch_id}."
            return page(
                request,
                "alerts/notice.html",
                http_status=404,
                heading="No such watch",
                message=message,
                hint="",
            )
        query = (
            select(RecoveryResolver)
            .where(RecoveryResolver.watch_id == watch_id)
            .order_by(RecoveryResolver.id)
        )
        resolvers = [
            {
                "name": r.name,
                "region": r.region,
                "address": r.address,
                "verdict": r.verdict,
                "answer": r.answer,
                "left": words(r.at_latest - now, seconds=True)
                if r.at_latest and r.verdict == "wrong"
                else "",
                "by": at(r.at_latest, tz) if r.at_latest and r.verdict == "wrong" else "",
                "fixed": at(r.fixed_at, tz) if r.fixed_at else "",
                "flush": r.flush if r.verdict == "wrong" else None,
            }
            for r in session.scalars(query)
        ]
        systems = [f"domain:{found.domain}"]
        text = {
            "know": customer.know(" and ".join(public_names(plan, systems)), found.at_latest, tz),
            "dont_know": customer.dont_know(found.at_latest, tz),
        }
        expected = "; ".join(f"{t} {', '.join(v)}" for t, v in found.expected.items())
        ttl = words_ttl(found.parent_ttl) if found.parent_ttl else ""
        view = {
            "id": found.id,
            "domain": found.domain,
            "state": found.state,
            "headline": found.headline,
            "expected": expected,
            "started": at(found.started_at, tz),
            "reason": found.reason,
            "checked": at(found.checked_at, tz) if found.checked_at else "not yet",
            "parent": f"the {found.parent_zone} zone hands the delegation out for {ttl}" if ttl else "",
            "incident": found.incident_id,
        }
    return page(request, "recovery/watch.html", section="incidents", w=view, resolvers=resolvers, text=text)
