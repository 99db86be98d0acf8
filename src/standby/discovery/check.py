"""Discovery in `standby serve`: each endpoint's page is looked at again once a week, and a warning
is raised when it depends on an outside domain nobody watches.

The engine runs this daily, judging the week's discovery against the plan of the day: adding the
domain to the plan clears the warning the next day, not the next week. A page that cannot be loaded
is tried again after an hour (the http check reports the outage itself).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from standby.core.local import mark
from standby.core.status import Finding, Status
from standby.discovery.discover import Target, Watch, discover_page
from standby.plan.model import Endpoint
from standby.probes.context import ProbeContext

EVERY = timedelta(days=7)
RETRY = timedelta(hours=1)
CHECK = "discovery"
_NOW = timedelta(0)


async def _discovered(endpoint: Endpoint, ctx: ProbeContext) -> Target:
    url = str(endpoint.url)

    async def run() -> tuple[datetime, Target]:
        return ctx.clock.now(), await discover_page(url, ctx, owner=endpoint.owner)

    key = f"discovery:{url}"
    at, target = await ctx.memo(key, EVERY, run)
    if target.error and ctx.clock.now() - at >= RETRY:
        at, target = await ctx.memo(key, _NOW, run)
    return target


async def check_page(endpoint: Endpoint, watch: Watch, ctx: ProbeContext) -> list[Finding]:
    target = await _discovered(endpoint, ctx)
    deps = sorted(target.dependencies.values(), key=lambda d: d.domain)
    unwatched = [d for d in deps if not watch.covers(d)]
    details: dict[str, object] = {
        "dependencies": [
            {"domain": d.domain, "hosts": sorted(d.hosts), "via": sorted(d.via), "watched": watch.covers(d),
             "vendor": d.vendor.name if d.vendor else None}
            for d in deps
        ],
        "chains": target.chains,
        "unwatched": [d.domain for d in unwatched],
    }  # fmt: skip
    url = str(endpoint.url)
    if target.error:
        status, summary = (
            Status.UNKNOWN,
            f"could not look for the outside domains {url} depends on: {target.error}",
        )
        if target.local is not None:  # Standby could not look: that says nothing about the page
            details = mark(details, target.local, otherwise=summary)
            summary = target.local.summary
    elif unwatched:
        named = ", ".join(d.domain + (f" ({d.vendor.name})" if d.vendor else "") for d in unwatched)
        status = Status.WARNING
        summary = (
            f"{url} depends on {len(unwatched)} outside domain(s) nobody watches: {named}. If one "
            "lapses, the page breaks with it; add them with `standby discover --plan PLAN --write FILE`"
        )
    else:
        status = Status.OK
        summary = (
            f"{url} depends on {len(deps)} outside domain(s), all watched"
            if deps
            else (f"{url} loads nothing from outside its own domain")
        )
    asset = endpoint.asset_id
    return [Finding(asset, "endpoint", url, CHECK, status, summary, endpoint.owner, details)]
