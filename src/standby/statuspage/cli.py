"""`standby status-page render PLAN --out DIR`: preview the status page the plan describes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from standby.core.errors import StandbyError

status_page_app = typer.Typer(help="The public status page.", no_args_is_help=True)


@status_page_app.command()
def render(
    plan: Annotated[Path, typer.Argument(help="The plan file.")],
    out: Annotated[Path, typer.Option("--out", help="Directory to write the site into.")],
) -> None:
    """Render the page to a directory: every component operational, no incidents (a preview)."""
    from standby.core.clock import SystemClock
    from standby.plan.load import load_plan
    from standby.plan.status_page import PublishTarget
    from standby.statuspage.publish import publish
    from standby.statuspage.render import render as render_page
    from standby.statuspage.snapshot import page_from_plan

    loaded, warnings = load_plan(plan)
    for warning in warnings:
        print(warning, file=sys.stderr)
    page = page_from_plan(loaded, now=SystemClock().now())
    result = publish(render_page(page), PublishTarget(url=str(out)))
    if not result.ok:
        raise StandbyError("; ".join(why for _, why in result.failed))
    print(f"wrote {len(result.written)} files to {out}; open {out / 'index.html'}")


def register(app: typer.Typer) -> None:
    app.add_typer(status_page_app, name="status-page")
