"""`standby discover URL… [--plan PLAN] [--write SNIPPET.yaml]`: which outside domains and vendors
the pages depend on, which of them the plan does not watch, and a plan snippet that adds them.

Exit status (as `standby check`): 0 the plan watches everything found, 1 something nobody watches (or a
mistake in the command), 3 a page could not be loaded.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlsplit

import typer

from standby.core.clock import SystemClock
from standby.core.errors import StandbyError
from standby.plan.issues import PlanError
from standby.plan.load import load_plan
from standby.plan.model import Plan, Settings

if TYPE_CHECKING:  # loaded when the command runs: `standby --help` should not pay for them
    from standby.discovery.discover import Target
    from standby.probes.context import ProbeContext

MAX_URLS = 200


def plan_hosts(plan: Plan, pages: list[str]) -> list[tuple[str, str | None]]:
    """The plan's own host names that are not pages already: certificates and DNS records."""
    from standby.discovery.names import registrable

    seen = {(urlsplit(u).hostname or "").lower() for u in pages}
    hosts = [(c.host, c.owner) for c in plan.certificates] + [(d.name, d.owner) for d in plan.dns]
    out: dict[str, str | None] = {}
    for host, owner in hosts:
        if host not in seen and registrable(host):
            out.setdefault(host, owner)
    return list(out.items())


async def run(urls: list[str], plan: Plan | None, ctx: ProbeContext) -> list[Target]:
    from standby.discovery.discover import discover_host, discover_page

    owners = {str(e.url): e.owner for e in plan.endpoints} if plan else {}
    work = [discover_page(u, ctx, owner=owners.get(u)) for u in urls]
    if plan is not None:
        work += [discover_host(h, ctx, owner=o) for h, o in plan_hosts(plan, urls)]
    try:
        return list(await asyncio.gather(*work))
    finally:
        await ctx.net.aclose()


def _check_urls(urls: list[str]) -> list[str]:
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StandbyError(
                f"{url!r} is not a page address; give full URLs like https://go.example.com/demo"
            )
        out.append(url)
    if len(out) > MAX_URLS:
        raise StandbyError(f"{len(out)} pages at once is more than {MAX_URLS}; split them up")
    return out


def discover(
    urls: Annotated[
        list[str] | None, typer.Argument(help="Pages to look at; default: the plan's endpoints.")
    ] = None,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="The plan: what it watches, its resolvers.")
    ] = None,
    write: Annotated[
        Path | None, typer.Option("--write", help="Write a plan snippet adding what nobody watches.")
    ] = None,
) -> int:
    """Find the outside domains and vendors your pages load from, and which the plan does not watch."""
    loaded: Plan | None = None
    if plan is not None:
        try:
            loaded, _ = load_plan(plan)
        except PlanError as exc:
            for issue in exc.issues:
                print(issue, file=sys.stderr)
            return 1
    pages = _check_urls(list(urls or [])) or ([str(e.url) for e in loaded.endpoints] if loaded else [])
    if not pages:
        raise StandbyError("nothing to look at: give page URLs, or --plan with endpoints")
    from standby.discovery.discover import Watch
    from standby.discovery.report import render, snippet, unwatched_domains
    from standby.probes.context import make_context

    clock = SystemClock()

    async def go() -> list[Target]:
        ctx = make_context(loaded or Plan(version=1, organization="-", settings=Settings()), clock)
        return await run(pages, loaded, ctx)

    targets = asyncio.run(go())
    watch = Watch.of(loaded)
    print(render(targets, watch))
    if write is not None:
        write.write_text(snippet(targets, loaded, clock.now()), encoding="utf-8")
        print(f"wrote {write}: add its entries to the plan, then run standby validate")
    if any(t.error for t in targets):
        return 3
    return 1 if unwatched_domains(targets, watch) else 0


def register(app: typer.Typer) -> None:
    app.command()(discover)
