"""`standby check PLAN`: run every probe once and report; exit 0 ok, 1 warning, 2 critical, 3 unknown."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from standby.check.render import as_document, as_table, print_summary
from standby.core.clock import SystemClock
from standby.core.errors import StandbyError
from standby.core.status import KINDS, Finding, worst
from standby.engine.subscribers import MonitorSource
from standby.plan.issues import PlanError
from standby.plan.load import load_plan


class Format(StrEnum):
    table = "table"
    json = "json"


async def _run(
    plan_path: Path, only: set[str] | None, progress: Progress | None, monitors: Sequence[MonitorSource]
) -> tuple[list[Finding], datetime]:
    # Imported here so `standby validate` and `--help` don't pay for loading every probe.
    from standby.probes.context import make_context
    from standby.probes.run import Job, jobs_for, run_all

    plan, _ = load_plan(plan_path)
    clock = SystemClock()
    started = clock.now()
    ctx = make_context(plan, clock)
    jobs = jobs_for(plan, only)
    jobs += [job for source in monitors for job in source(plan) if only is None or job.kind in only]
    task = progress.add_task("checking", total=len(jobs)) if progress else None

    def done(job: Job, found: list[Finding]) -> None:
        if progress is not None and task is not None:
            progress.update(task, advance=1, description=job.asset)

    try:
        findings = await run_all(jobs, ctx, done)
    finally:
        await ctx.net.aclose()
    return findings, started


PlanArgument = Annotated[Path, typer.Argument(help="The plan file.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="table (for people) or json.")]
OnlyOption = Annotated[
    list[str] | None, typer.Option("--only", help=f"Only these kinds: {', '.join(KINDS)} (repeatable).")
]


def check(
    plan: Path,
    format: Format = Format.table,
    only: list[str] | None = None,
    monitors: Sequence[MonitorSource] = (),
) -> int:
    """Run every probe (and the features' `monitors`) once, concurrently; report by urgency."""
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
                findings, started = asyncio.run(_run(plan, kinds or None, progress, monitors))
        else:
            findings, started = asyncio.run(_run(plan, kinds or None, None, monitors))
    except PlanError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return 1
    if format is Format.json:
        print(json.dumps(as_document(findings, started), indent=2))
    else:
        console.print(as_table(findings))
        print_summary(console, findings)
    return worst(f.status for f in findings).exit_code


def register(app: typer.Typer, *, monitors: Callable[[], Sequence[MonitorSource]] = tuple) -> None:
    """Add `standby check`; `monitors` gives the features' own monitors (the wiring's list,
    standby/app/subscribers.py), asked for only when the command runs."""

    def check_command(
        plan: PlanArgument, format: FormatOption = Format.table, only: OnlyOption = None
    ) -> int:
        """Run every probe once, concurrently, and report by urgency.

        Exit status: 0 all ok, 1 a warning, 2 a critical finding, 3 something could not be checked.
        """
        return check(plan, format, only, monitors())

    app.command("check")(check_command)
