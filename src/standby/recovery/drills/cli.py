"""`standby drill list|run|end|report`: rehearse a failure through the running `standby serve`, and read
what it measured. Commands use the plan `standby serve` runs unless --plan names one."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption

drill_app = typer.Typer(help="Drills: rehearse a failure, end with a report.", no_args_is_help=True)
PlanOption = Annotated[
    Path | None, typer.Option("--plan", help="The plan file; default: the one `standby serve` runs.")
]
RunId = Annotated[
    int, typer.Argument(metavar="RUN", help="The drill run's number (see `standby drill list`).")
]


@drill_app.command("list")
def list_(db: DbOption = None, plan: PlanOption = None) -> None:
    """The plan's drills, when each is due, and the runs so far."""
    from sqlalchemy import select

    from standby.channels.drill import DrillRun
    from standby.core.clock import SystemClock
    from standby.core.timetext import at
    from standby.recovery.plans import plan_for
    from standby.store.open import sessions_for

    today = SystemClock().now().date()
    with sessions_for(db) as sessions, sessions() as session:
        loaded = plan_for(session, plan)
        for drill in loaded.drills:
            due = (
                f"{drill.schedule.every}, next {next(drill.schedule.dates(today))}"
                if drill.schedule
                else "unscheduled"
            )
            print(f"{drill.id}: {drill.title} — {drill.scenario.failure} of {drill.scenario.asset} ({due})")
        runs = session.scalars(select(DrillRun).order_by(DrillRun.id.desc()).limit(20)).all()
        for run in runs:
            began = at(run.started_at, loaded.timezone) if run.started_at else "not started"
            kind = "dry run" if run.dry_run else "live"
            why = f" — {run.end_reason}" if run.end_reason else ""
            print(f"#{run.id} {run.drill} ({kind}): {run.state}, {began}{why}")
        if not loaded.drills and not runs:
            print("No drills in the plan yet: add one under drills: (docs/drills.md).")


@drill_app.command()
def run(
    drill: Annotated[str, typer.Argument(metavar="ID", help="The drill's id in the plan.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Deliver every message to the sink, not to people.")
    ] = False,
    by: Annotated[str | None, typer.Option("--by", help="Who runs it (for the record).")] = None,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for the engine to start it.")] = 10.0,
    db: DbOption = None,
    plan: PlanOption = None,
) -> int:
    """Start drill ID: the running engine injects its failure at its next tick, and everything real
    follows — the chain, the incident, the promises — marked DRILL, told only to its participants."""
    from standby.channels.drill import DrillRun
    from standby.core.clock import SystemClock
    from standby.core.timetext import at
    from standby.recovery.drills.service import request
    from standby.recovery.plans import plan_for
    from standby.store.db import lock_for_write
    from standby.store.open import sessions_for

    with sessions_for(db) as sessions:
        with sessions.begin() as session:
            lock_for_write(session)
            loaded = plan_for(session, plan)
            started = request(
                session, plan=loaded, drill_id=drill, dry_run=dry_run, by=by, now=SystemClock().now()
            )
            ident = started.id
        print(f"Drill run #{ident} ({drill}{', dry run' if dry_run else ''}) requested.")
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            with sessions() as session:
                found = session.get(DrillRun, ident)
                assert found is not None
                if found.state != "requested":
                    when = at(found.started_at, loaded.timezone) if found.started_at else "?"
                    ends = at(found.ends_at, loaded.timezone) if found.ends_at else "?"
                    print(f"Started at {when}; it ends at {ends}, or with `standby drill end {ident}`.")
                    print(f"Then: `standby drill report {ident}`.")
                    return 0
            if time.monotonic() >= deadline:
                print(
                    f"Not started yet: it starts when `standby serve` runs against this database "
                    f"(`standby drill end {ident}` cancels it)."
                )
                return 0
            time.sleep(0.5)


@drill_app.command()
def end(
    run_id: RunId,
    by: Annotated[str, typer.Option("--by", help="Who ends it.")] = "someone",
    db: DbOption = None,
) -> None:
    """End a running drill now (at the engine's next tick), or cancel one not started yet."""
    from standby.core.clock import SystemClock
    from standby.recovery.drills.service import end as end_run
    from standby.store.open import transaction

    with transaction(db, lock=True) as session:
        found = end_run(session, run_id, by=by, now=SystemClock().now())
        state = found.state
    print(f"Drill run #{run_id} {'cancelled' if state == 'cancelled' else 'ends at the engine’s next tick'}.")


@drill_app.command()
def report(
    run_id: RunId,
    format: Annotated[str, typer.Option("--format", "-f", help="md or html.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write it here (and the chart beside it).")
    ] = None,
    db: DbOption = None,
    plan: PlanOption = None,
) -> None:
    """The drill's report: who answered when, who was slow, who could not be reached, the promises."""
    from standby.channels.drill import DrillRun
    from standby.core.clock import SystemClock
    from standby.recovery.drills import report as reports
    from standby.recovery.plans import plan_for
    from standby.recovery.reports.output import write
    from standby.store.open import sessions_for

    with sessions_for(db) as sessions, sessions() as session:
        found = session.get(DrillRun, run_id)
        if found is None:
            raise StandbyError(f"there is no drill run #{run_id}; `standby drill list` shows them")
        built = reports.build(session, found, plan=plan_for(session, plan), now=SystemClock().now())
    write(built, format=format, out=out)


def register(app: typer.Typer) -> None:
    app.add_typer(drill_app, name="drill")
