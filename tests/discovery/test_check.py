"""Discovery in `standby serve`: a warning while a page depends on an outside domain nobody watches,
cleared by the plan of the day, with the page itself looked at again only once a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from standby.core.clock import ManualClock
from standby.core.status import Status
from standby.discovery.check import check_page
from standby.discovery.discover import Watch
from standby.plan.load import load_plan
from tests.discovery.site import EXPECTED, local_site
from tests.peers.context import probe_context

NOW = datetime(2026, 7, 1, tzinfo=UTC)


async def test_a_page_with_unwatched_dependencies_warns_until_the_plan_watches_them(tmp_path: Path) -> None:
    with local_site(tmp_path) as site:
        plan, _ = load_plan(site.write_plan())
        (endpoint,) = plan.endpoints
        clock = ManualClock(NOW)
        pins = {"go.acme.example": "127.0.0.1"}
        async with probe_context(NOW, tmp_path, clock=clock, pins=pins, resolvers=[site.dns.address]) as ctx:
            (first,) = await check_page(endpoint, Watch.of(plan), ctx)
            assert (first.asset, first.check, first.status) == ("endpoint:demo", "discovery", Status.WARNING)
            assert set(first.details["unwatched"]) == EXPECTED
            assert "nobody watches" in first.summary and "Adobe Marketo Engage" in first.summary
            clock.advance(timedelta(days=1))
            watched = Watch(frozenset(EXPECTED | {"acme.example"}), frozenset())
            (second,) = await check_page(endpoint, watched, ctx)
            assert second.status is Status.OK and "all watched" in second.summary
            assert len(site.web.requests) == 1  # the week's discovery, judged against the day's plan
            # the page is asked for as a browser asks for it (a server that negotiates content)
            assert site.web.requests[0].headers["Accept"].startswith("text/html,")
            clock.advance(timedelta(days=7))
            await check_page(endpoint, watched, ctx)
            assert len(site.web.requests) == 2  # weekly
