"""`standby incident report ID [--format md|html] [--out FILE]`: the incident's report, ready to paste
into a post-mortem. Added to the `standby incident` commands by the wiring (standby/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption


def report(
    incident_id: Annotated[int, typer.Argument(metavar="ID", help="The incident's number.")],
    format: Annotated[str, typer.Option("--format", "-f", help="md or html.")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write it here (and the chart beside it).")
    ] = None,
    db: DbOption = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="The plan file; default: the one `standby serve` runs.")
    ] = None,
) -> None:
    """The incident's report: times to detect, acknowledge, tell and resolve, who was told when, the
    promises, the DNS recovery, the cost, and the timeline."""
    from standby.core.clock import SystemClock
    from standby.incidents.models import Incident
    from standby.recovery.plans import plan_for
    from standby.recovery.reports import incident as reports
    from standby.recovery.reports.output import write
    from standby.store.open import sessions_for

    with sessions_for(db) as sessions, sessions() as session:
        found = session.get(Incident, incident_id)
        if found is None:
            raise StandbyError(f"there is no incident #{incident_id}; `standby incident list` shows them")
        built = reports.build(session, found, plan=plan_for(session, plan), now=SystemClock().now())
        write(built, format=format, out=out)


def register(incident_app: typer.Typer) -> None:
    incident_app.command()(report)
