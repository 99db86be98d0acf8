"""`standby recovery DOMAIN`: where the world's resolvers are after a DNS fix, and when the last one
will have it. Exit 0 when every resolver that answered has the fix, 2 while some still have the old
answer, 3 when none could be asked."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from standby.core.errors import StandbyError

if TYPE_CHECKING:
    from standby.core.clock import Clock
    from standby.plan.model import Plan
    from standby.recovery.dns.view import Expectation, Recovery

Expect = Annotated[
    list[str] | None,
    typer.Option(
        "--expect",
        help="The right answer, TYPE=VALUE[,VALUE]: NS=ns1.example.net,ns2.example.net (repeatable).",
    ),
]


@dataclass(frozen=True)
class Watch:
    domain: str
    plan: Plan
    expected: Expectation | None
    watch: bool
    pause: timedelta
    json: bool


def recovery(
    domain: Annotated[str, typer.Argument(help="The domain that was fixed, e.g. acme.example.")],
    expect: Expect = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="A plan file: its settings (public_resolvers, timeout).")
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Ask again until every resolver has the fix.")
    ] = False,
    every: Annotated[str, typer.Option("--every", help="How often --watch asks again.")] = "60s",
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> int:
    """Ask the public resolvers what they answer for DOMAIN now, and when each will have the fix.

    Exit status: 0 all that answered have the fix, 2 some still have the old answer, 3 none answered.
    """
    from standby.core.clock import SystemClock
    from standby.core.timetext import parse_duration
    from standby.plan.load import load_plan
    from standby.plan.model import Plan
    from standby.recovery.dns.view import Expectation

    if format not in ("table", "json"):
        raise StandbyError(f"--format {format!r}: use table or json")
    try:
        pause = parse_duration(every)
    except ValueError as exc:
        raise StandbyError(f"--every: {exc}") from None
    if pause < timedelta(seconds=5):
        raise StandbyError("--every: ask at most every 5 seconds; resolvers rate-limit")
    domain = _domain(domain)
    loaded = load_plan(plan)[0] if plan is not None else Plan(version=1, organization="Standby")
    expected = Expectation.parse(expect) if expect else None
    job = Watch(domain, loaded, expected, watch, pause, format == "json")
    try:
        return asyncio.run(run(job, SystemClock(), Console()))
    except KeyboardInterrupt:
        return 130


async def run(job: Watch, clock: Clock, console: Console) -> int:
    from standby.probes.context import make_context
    from standby.recovery.dns import render
    from standby.recovery.dns.survey import survey

    ctx = make_context(job.plan, clock)
    tz, expected, seen, first = job.plan.timezone, job.expected, set[str](), True
    try:
        while True:
            found = await survey(job.domain, plan=job.plan, ctx=ctx, expected=expected)
            expected = found.expected
            right = {r.resolver.name for r in found.rows if r.verdict == "right"}
            if job.json:
                print(json.dumps(render.as_document(found, tz), indent=2))
            else:
                _show(console, found, tz, first=first, flipped=sorted(right - seen))
            seen, first = seen | right, False
            code = 0 if found.done else (3 if found.right + len(found.wrong) == 0 else 2)
            if not job.watch or code != 2 or _overdue(found, clock.now(), job.pause):
                return code
            await clock.sleep(job.pause.total_seconds())
    finally:
        await ctx.net.aclose()


def _show(console: Console, found: Recovery, tz: str, *, first: bool, flipped: list[str]) -> None:
    from standby.recovery.dns import render

    if first:
        if (line := render.parent_line(found)) is not None:
            console.print(line)
        console.print(render.as_table(found, tz))
        console.print(found.headline(tz))
        return
    now = f" Now right: {', '.join(flipped)}." if flipped else ""
    console.print(f"{found.checked_at:%H:%M:%S} {found.headline(tz)}{now}")


def _domain(text: str) -> str:
    """The domain as the tracker asks about it, or a message saying why it is not one."""
    import dns.exception
    import dns.name

    name = text.strip().rstrip(".").lower()
    try:
        labels = dns.name.from_text(name).labels if name else ()
    except dns.exception.DNSException as exc:
        raise StandbyError(f"{text!r} is not a domain name ({exc}); write it like acme.example") from None
    if len(labels) < 3:  # the name, its TLD and the root
        raise StandbyError(f"{text!r} is not a registered domain; write it like acme.example")
    return name


def _overdue(found: Recovery, now: datetime, pause: timedelta) -> bool:
    """Past every resolver's time by two rounds: one is not honouring TTLs; watching longer won't help."""
    latest = found.at_latest
    return latest is not None and now > latest + 2 * pause


def register(app: typer.Typer) -> None:
    app.command()(recovery)
