"""`standby validate`, `standby schema`, `standby init`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.core.words import plural
from standby.plan.issues import PlanError
from standby.plan.load import load_plan
from standby.plan.registrars import renewal_unverified
from standby.plan.sample import STARTER_PLAN
from standby.plan.schema import plan_schema


def validate(plan: Annotated[Path, typer.Argument(help="The plan file.")]) -> int:
    """Check a plan file: exit 0 if it is valid (warnings are printed), 1 if not."""
    try:
        loaded, warnings = load_plan(plan)
    except PlanError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        errors = sum(1 for i in exc.issues if i.severity == "error")
        print(f"{plan}: {plural(errors, 'error')}; the plan was not loaded", file=sys.stderr)
        return 1
    for issue in warnings:
        print(issue, file=sys.stderr)
    sections = (("people", "person"), ("domains", "domain"), ("certificates", "certificate"),
                ("dns", "DNS check"), ("endpoints", "endpoint"), ("vendors", "vendor"))  # fmt: skip
    counts = ", ".join(plural(len(getattr(loaded, name)), one) for name, one in sections)
    print(f"{plan}: valid ({counts}; {plural(len(warnings), 'warning')})")
    unverified = renewal_unverified(loaded)
    if unverified:
        print(
            f"renewal unverified (no registrar account; the owner's confirmation is all Standby has): "
            f"{', '.join(unverified)} — see docs/registrars.md"
        )
    return 0


def schema() -> None:
    """Print the JSON Schema of the plan file (for editors)."""
    print(json.dumps(plan_schema(), indent=2))


def init(
    path: Annotated[Path, typer.Argument(help="Where to write the starter plan.")] = Path("standby.yaml"),
) -> None:
    """Write a commented starter plan that validates."""
    if path.exists():
        raise StandbyError(f"{path} already exists; pick another path or remove it first")
    path.write_text(STARTER_PLAN, encoding="utf-8")
    print(f"wrote {path}; edit it, then run: standby validate {path} && standby check {path}")


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(schema)
    app.command()(init)
