"""A HubSpot backup against the fake HubSpot (tests/peers/hubspot_crm.py): static lists with their
members' properties, every contact, then incremental snapshots from CRM search (past its 10,000
results a query) with archived contacts dropped."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from standby.backups.sources.hubspot import HubSpotSource
from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.integrations.hubspot.client import Limits
from tests.backups.conftest import hubspot_backup, rows, seed_hubspot, take
from tests.peers.hubspot_crm import HubSpotCrmFake


async def test_a_first_snapshot_holds_the_static_lists_and_every_contact(
    hubspot: HubSpotCrmFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    lists = seed_hubspot(hubspot)
    backup = hubspot_backup(hubspot, target, leads="all")
    manifest = await take(backup, network, clock, tmp_path / "work")
    assert manifest.complete and manifest.platform == "hubspot"
    assert {e.name: e.rows for e in manifest.lists} == {
        "Newsletter": 400,
        "Trade show 2026": 400,
    }  # not DYNAMIC
    members = rows(backup, manifest, manifest.find_list("Newsletter"))
    assert {r["id"] for r in members} == set(lists["Newsletter"])
    assert {(r["email"], r["company"]) for r in members[:1]} == {("c0@example.org", "Hooli")}
    assert manifest.fields[:4] == ["id", "email", "firstname", "lastname"]
    leads = rows(backup, manifest, manifest.leads)
    assert len(leads) == 1200 and leads[0]["createdate"].startswith("2026-03-02T15:00:00")


async def test_changes_are_read_by_search_and_archived_contacts_leave_the_snapshot(
    hubspot: HubSpotCrmFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_hubspot(hubspot)
    clock.advance(timedelta(hours=1))
    backup = hubspot_backup(hubspot, target, all_lists=False, lists=["Trade show 2026"], leads="all")
    first = await take(backup, network, clock, tmp_path / "work")
    clock.advance(timedelta(days=1))
    hubspot.change_contact("1051", company="Initech")
    hubspot.archive("1052")
    new = hubspot.add_contact(email="late@example.org", firstname="Late")
    second = await take(backup, network, clock, tmp_path / "work")
    assert second.leads is not None and (second.leads.mode, second.leads.base) == (
        "incremental",
        first.snapshot,
    )
    assert (second.leads.added, second.leads.changed, second.leads.removed) == (1, 1, 1)
    leads = {r["id"]: r for r in rows(backup, second, second.leads)}
    assert "1052" not in leads and leads["1051"]["company"] == "Initech" and new.id in leads
    assert len(leads) == 1200 and hubspot.searches >= 1
    assert second.find_list("Trade show 2026") is not None and second.lists[0].rows == 399


async def test_more_changes_than_one_search_may_page_through_are_read_in_several_queries(
    clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    with HubSpotCrmFake(clock=clock, burst=190) as hubspot:
        for n in range(10_450):
            hubspot.add_contact(email=f"c{n}@example.org")
            if n % 100 == 0:
                clock.advance(timedelta(milliseconds=7))  # changes spread over time, as they are
        backup = hubspot_backup(hubspot, target, all_lists=False, leads={"updated_since": "2026-03-01"})
        source = HubSpotSource(backup.source.hubspot, network=network, clock=clock, limits=Limits(calls=190))  # type: ignore[arg-type]
        manifest = await take(backup, network, clock, tmp_path / "work", source=source)
        assert manifest.leads is not None and manifest.leads.rows == 10_450
        assert hubspot.answered[400] == 0  # never paged past the 10,000 results a query allows
        assert hubspot.searches > 10_000 // 200
