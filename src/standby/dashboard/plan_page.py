"""The running plan: which version, when it was loaded, whether the latest edit was refused (and why),
its warnings, and the independence audit (ways Standby talks that depend on what it monitors)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.timetext import at
from standby.engine.models import PlanLoad
from standby.plan.audit import audit_plan
from standby.plan.issues import dotted
from standby.plan.model import Plan

LOADS = 10


@dataclass(frozen=True)
class LoadView:
    at: str
    path: str
    version: str  # the file's sha256, short
    valid: bool
    messages: list[str]


@dataclass(frozen=True)
class PlanView:
    organization: str
    timezone: str
    counts: list[str]  # "2 people", "1 domain"
    running: LoadView | None  # the load of the plan that runs now
    refused: LoadView | None  # a later edit that did not load
    warnings: list[str]  # the running plan's own warnings, apart from the audit's
    audit: list[str]
    loads: list[LoadView]


def _load(row: PlanLoad, tz: str) -> LoadView:
    return LoadView(at(row.loaded_at, tz), row.path, row.sha256[:12] or "unreadable", row.valid, row.messages)


def plan_view(session: Session, *, plan: Plan) -> PlanView:
    tz = plan.timezone
    rows = list(session.scalars(select(PlanLoad).order_by(PlanLoad.id.desc()).limit(LOADS)))
    running = next((r for r in rows if r.valid), None)
    if running is None:
        running = session.scalars(select(PlanLoad).where(PlanLoad.valid).order_by(PlanLoad.id.desc())).first()
    refused = rows[0] if rows and not rows[0].valid else None
    problems = audit_plan(plan)
    # The load's warnings include the audit's (as file:line:col path: message): list those once.
    warnings = [
        m for m in (running.messages if running else []) if not any(m.endswith(p.message) for p in problems)
    ]
    counts = [
        _count(len(plan.people), "person", "people"),
        _count(len(plan.domains), "domain"),
        _count(len(plan.certificates), "certificate"),
        _count(len(plan.dns), "DNS check"),
        _count(len(plan.endpoints), "endpoint"),
        _count(len(plan.vendors), "vendor"),
        _count(len(plan.playbooks), "playbook"),
    ]
    return PlanView(
        organization=plan.organization,
        timezone=tz,
        counts=counts,
        running=_load(running, tz) if running else None,
        refused=_load(refused, tz) if refused else None,
        warnings=warnings,
        audit=[f"{dotted(p.path)}: {p.message}" for p in problems],
        loads=[_load(r, tz) for r in rows],
    )


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"
