"""`standby check PLAN`: run every probe once and report; exit 0 ok, 1 warning, 2 critical, 3 unknown."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from standby.check.render import as_document, as_lines, as_table, blind_line, print_summary
from standby.core.clock import SystemClock
from standby.core.errors import StandbyError
from standby.core.status import KINDS, Finding, worst
from standby.plan.issues import PlanError
from standby.plan.load import load_plan
from standby.plan.model import Plan

if TYPE_CHECKING:
    from standby.probes.run import Job
    from standby.probes.sight import Sight


class Format(StrEnum):
    table = "table"
    json = "json"


JobsFor = Callable[[Plan, set[str] | None], list["Job"]]


def _probes_only() -> JobsFor:
    from standby.probes.run import jobs_for

    return jobs_for


async def _run(
    plan_path: Path, only: set[str] | None, progress: Progress | None, jobs_for: JobsFor
) -> tuple[list[Finding], datetime, Sight]:
    # Imported here so `standby validate` and `--help` don't pay for loading every probe.
    from standby.probes.context import make_context
    from standby.probes.run import run_all
    from standby.probes.sight import look, settle

    plan, _ = load_plan(plan_path)
    clock = SystemClock()
    started = clock.now()
    ctx = make_context(plan, clock)
    jobs = jobs_for(plan, only)
    task = progress.add_task("checking", total=len(jobs)) if progress else None

    def done(job: Job, found: list[Finding]) -> None:
        if progress is not None and task is not None:
            progress.update(task, advance=1, description=job.asset)

    try:
        sight, findings = await asyncio.gather(look(ctx), run_all(jobs, ctx, done))
    finally:
        await ctx.net.aclose()
    said, held = settle(findings, seeing=sight.seeing)
    return said + held, started, sight


def run_check(plan: Path, format: Format, only: list[str] | None, jobs_for: JobsFor) -> int:
    kinds = {k.strip() for item in only or () for k in item.split(",") if k.strip()}
    unknown = kinds - set(KINDS)
    if unknown:
        raise StandbyError(f"--only {', '.join(sorted(unknown))}: not a kind; use {', '.join(KINDS)}")
    console = Console(stderr=format is Format.json)
    try:
        if format is Format.table and console.is_terminal:
            columns = (
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
            )
            with Progress(*columns, console=console, transient=True) as progress:
                findings, started, sight = asyncio.run(_run(plan, kinds or None, progress, jobs_for))
        else:
            findings, started, sight = asyncio.run(_run(plan, kinds or None, None, jobs_for))
    except PlanError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return 1
    if format is Format.json:
        print(json.dumps(as_document(findings, started, sight), indent=2))
    else:
        if not sight.seeing:
            console.print(Text(blind_line(sight), style="bold magenta"))
        if console.is_terminal:
            console.print(as_table(findings))
        else:  # a file or a pipe: one line per finding, however long, never a tower of wrapped cells
            print(as_lines(findings))
        print_summary(console, findings)
    return worst(f.status for f in findings).exit_code


def register(app: typer.Typer, *, jobs: Callable[[], JobsFor] = _probes_only) -> None:
    """Add `standby check`; `jobs` gives the function listing a plan's probe jobs (the wiring's, with
    every feature's; asked for only when the command runs, so `--help` loads no probe)."""

    def check(
        plan: Annotated[Path, typer.Argument(help="The plan file.")],
        format: Annotated[
            Format, typer.Option("--format", "-f", help="table (for people) or json.")
        ] = Format.table,
        only: Annotated[
            list[str] | None,
            typer.Option("--only", help=f"Only these kinds: {', '.join(KINDS)} (repeatable)."),
        ] = None,
    ) -> int:
        """Run every probe once, concurrently, and report by urgency.

        Exit status: 0 all ok, 1 a warning, 2 a critical finding, 3 something could not be checked.
        """
        return run_check(plan, format, only, jobs())

    app.command()(check)
