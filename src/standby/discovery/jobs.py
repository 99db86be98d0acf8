"""Discovery as a probe job per endpoint page in `standby serve` (not in `standby check`: that is
what `standby discover` is for): daily, judging the weekly discovery against the day's plan."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from standby.discovery.check import check_page
from standby.discovery.discover import Watch
from standby.plan.model import Plan
from standby.probes.run import Job

EVERY = timedelta(days=1)


def discovery_jobs(plan: Plan) -> list[Job]:
    watch = Watch.of(plan)
    return [
        Job(
            e.asset_id,
            "endpoint",
            "discovery",
            str(e.url),
            e.owner,
            partial(check_page, e, watch),
            EVERY,
        )
        for e in plan.endpoints
    ]
