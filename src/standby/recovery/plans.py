"""Which plan a command works on: `--plan` when given, else the plan `standby serve` runs against the
database (its newest good load) — as `standby incident` does."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.errors import StandbyError
from standby.engine.models import PlanLoad
from standby.plan.load import load_plan
from standby.plan.model import Plan


def plan_for(session: Session | None, given: Path | None) -> Plan:
    if given is None:
        found = None
        if session is not None:
            query = select(PlanLoad.path).where(PlanLoad.valid).order_by(PlanLoad.id.desc()).limit(1)
            found = session.scalars(query).first()
        if found is None:
            raise StandbyError("no plan has run against this database yet: give --plan PLAN")
        given = Path(found)
    return load_plan(given)[0]
