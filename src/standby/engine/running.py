"""The plan a database's engine runs: what commands use when they are not given `--plan`."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from standby.core.errors import StandbyError
from standby.plan.load import load_plan
from standby.plan.model import Plan


def running_plan(session: Session, given: Path | None = None) -> tuple[Plan, Path]:
    """The plan file `given`, else the one `standby serve` last loaded without errors into this
    database; StandbyError saying what to do when there is none (or it does not load)."""
    from standby.engine.models import PlanLoad

    if given is None:
        query = select(PlanLoad.path).where(PlanLoad.valid).order_by(PlanLoad.id.desc()).limit(1)
        found = session.scalars(query).first()
        if found is None:
            raise StandbyError("no plan has run against this database yet: give --plan PLAN")
        given = Path(found)
    plan, _ = load_plan(given)
    return plan, given


def person(plan: Plan, who: str | None, *, where: str = "the plan") -> str:
    """`who` if it is a person of the plan; else StandbyError with the nearest id."""
    from standby.plan.issues import suggest

    if who is None:
        raise StandbyError("say who you are with --by PERSON")
    people = {p.id for p in plan.people}
    if who not in people:
        raise StandbyError(f"--by {who!r}: not a person in {where}{suggest(who, people)}")
    return who
