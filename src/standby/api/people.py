"""/api/v1/people: who is in the plan, whom they report to, where their messages go (secrets
masked) and what they own."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request

from standby.api.schemas import PersonOut
from standby.channels.redact import redact_url
from standby.web.app import context

router = APIRouter(tags=["people"])


@router.get("/people", summary="The people of the plan")
def list_people(request: Request) -> list[PersonOut]:
    plan = context(request).plan()
    owns: dict[str, set[str]] = defaultdict(set)
    for asset in plan.assets():
        if asset.owner:
            owns[asset.owner].add(asset.id)
    return [
        PersonOut(
            id=p.id,
            name=p.name,
            email=p.email,
            reports_to=p.reports_to,
            channels=([f"email:{p.email}"] if p.email else []) + [redact_url(url) for url in p.notify],
            owns=sorted(owns[p.id]),
        )
        for p in plan.people
    ]
