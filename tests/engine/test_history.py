"""Every finding is recorded, dated, and pruned once older than `settings.retention`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from standby.core.clock import ManualClock
from standby.engine.history import findings_of, known_assets
from standby.engine.models import FindingRecord
from tests.engine.conftest import T0, MakeEngine, break_page, edit_plan
from tests.peers.internet import FakeInternet


async def test_every_finding_of_every_run_is_recorded_with_when_it_was_seen(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    engine = await make()
    report = await engine.tick()
    assert report.ran == 3 and report.findings == 4  # domain (registration, delegation), page, vendor
    clock.advance(timedelta(minutes=1))
    break_page(internet)
    await engine.tick()
    with engine.sessions() as session:
        page = findings_of(session, "endpoint:demo-page", limit=10)
        assert [(f.status, f.observed_at) for f in page] == [
            ("critical", T0 + timedelta(minutes=1)),
            ("ok", T0),
        ]
        assert page[0].check == "http" and "503" in page[0].summary
        assert known_assets(session) == ["domain:acme.example", "endpoint:demo-page", "vendor:marketo"]


async def test_findings_older_than_the_retention_are_pruned_hourly(
    make: MakeEngine, internet: FakeInternet, clock: ManualClock
) -> None:
    edit_plan(internet, settings={**internet.plan()["settings"], "retention": "2h"})
    engine = await make()
    for _ in range(4):  # T0, +1h, +2h, +3h (the domain is due hourly, the page every minute)
        await engine.tick()
        clock.advance(timedelta(hours=1))
    with engine.sessions() as session:
        times = sorted(set(session.scalars(select(FindingRecord.observed_at))))
    # The prune at +3h removed what was older than +1h; what +3h itself found stays.
    assert times == [T0 + timedelta(hours=h) for h in (1, 2, 3)]
