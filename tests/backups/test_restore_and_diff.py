"""Restore round trips — restore a list as the platform's import CSV, import it into a fresh platform
the way its import maps columns, back that up — and diff on crafted changes."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

from standby.backups.catalog import resolve
from standby.backups.diff import diff
from standby.backups.restore import COMMON, restore
from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.integrations.hubspot.client import HubSpotClient
from standby.integrations.hubspot.contacts import upsert_by_email
from standby.integrations.marketo.client import MarketoClient
from standby.integrations.marketo.leads import sync_leads
from tests.backups.conftest import (
    hubspot_backup,
    marketo_backup,
    rows,
    seed_hubspot,
    seed_marketo,
    store_for,
    take,
)
from tests.peers.hubspot_crm import HubSpotCrmFake
from tests.peers.marketo_backup import MarketoBackupFake

SYSTEM = {"id", "createdAt", "updatedAt", "createdate", "lastmodifieddate"}


def _imported(path: Path, platform: str) -> list[dict[str, str]]:
    """The CSV as the platform's import reads it: known headers to fields, empty cells left alone."""
    to_field = {
        row[3 if platform == "marketo" else 4]: row[1 if platform == "marketo" else 2] for row in COMMON
    }
    with path.open(newline="", encoding="utf-8") as f:
        return [{to_field.get(k, k): v for k, v in row.items() if v} for row in csv.DictReader(f)]


def _content(found: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Each member by email, without what the platform sets itself (ids, timestamps)."""
    return {r["email"]: {k: v for k, v in r.items() if k not in SYSTEM} for r in found}


async def test_a_marketo_list_restored_and_imported_again_has_the_same_members(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(mkto, str(tmp_path / "a"), all_lists=False, lists=["Customers EMEA"])
    before = await take(backup, network, clock, tmp_path / "work")
    out = tmp_path / "emea.csv"
    restore(store_for(backup), before, before.lists[0], out, format="marketo", key=None)
    assert (
        out.read_text()
        .splitlines()[0]
        .startswith("Email Address,First Name,Last Name,Company Name,Job Title")
    )
    with MarketoBackupFake(clock=clock) as fresh:
        client = MarketoClient(
            base_url=fresh.url,
            client_id=fresh.client_id,
            client_secret=fresh.client_secret,
            network=network,
            clock=clock,
        )
        records = _imported(out, "marketo")
        ids: list[int] = []
        for start in range(0, len(records), 300):
            done = await sync_leads(client, records[start : start + 300])
            assert all(r.delivered for r in done)
            ids += [int(r.remote_id or 0) for r in done]
        restored = fresh.db.add_list("Customers EMEA", [])
        for start in range(0, len(ids), 300):
            body = {"input": [{"id": i} for i in ids[start : start + 300]]}
            await client.call("POST", f"/rest/v1/lists/{restored.id}/leads.json", body=body)
        again = marketo_backup(fresh, str(tmp_path / "b"), all_lists=False, lists=["Customers EMEA"])
        after = await take(again, network, clock, tmp_path / "work")
    assert _content(rows(again, after, after.lists[0])) == _content(rows(backup, before, before.lists[0]))
    assert after.lists[0].rows == 700


async def test_a_hubspot_list_restored_and_imported_again_has_the_same_members(
    hubspot: HubSpotCrmFake, clock: ManualClock, network: Network, tmp_path: Path
) -> None:
    seed_hubspot(hubspot)
    backup = hubspot_backup(hubspot, str(tmp_path / "a"), all_lists=False, lists=["Trade show 2026"])
    before = await take(backup, network, clock, tmp_path / "work")
    out = tmp_path / "show.csv"
    restore(store_for(backup), before, before.lists[0], out, format="hubspot", key=None)
    assert out.read_text().splitlines()[0].startswith("Email,First Name,Last Name")
    with HubSpotCrmFake(clock=clock) as fresh:
        client = HubSpotClient(token=fresh.token, network=network, clock=clock, base_url=fresh.url)
        records = _imported(out, "hubspot")
        ids: list[str] = []
        for start in range(0, len(records), 100):
            done = await upsert_by_email(client, records[start : start + 100])
            assert all(r.delivered for r in done)
            ids += [str(r.remote_id) for r in done]
        restored = fresh.add_list("Trade show 2026", [])
        reply = await client.call("PUT", f"/crm/v3/lists/{restored.id}/memberships/add", body=ids)
        assert reply.status == 200
        again = hubspot_backup(fresh, str(tmp_path / "b"), all_lists=False, lists=["Trade show 2026"])
        after = await take(again, network, clock, tmp_path / "work")
    assert _content(rows(again, after, after.lists[0])) == _content(rows(backup, before, before.lists[0]))


async def test_diff_names_who_joined_and_left_and_which_leads_changed(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    lists = seed_marketo(mkto)
    clock.advance(timedelta(hours=1))
    backup = marketo_backup(mkto, target, leads="all")
    a = await take(backup, network, clock, tmp_path / "work")
    clock.advance(timedelta(days=1))
    hot = mkto.db.lists[5001].members
    left = hot[:3]
    outside = [i for i in sorted(mkto.db.leads) if i not in hot]
    joined = outside[:2]
    for lead in left:
        hot.remove(lead)
    hot.extend(joined)
    changed = outside[10:15]
    for lead in changed:
        mkto.change_lead(lead, company="Renamed Co")
    deleted = outside[20]
    mkto.delete_lead(deleted)
    added = [mkto.add_lead(email=f"fresh{n}@example.com").id for n in range(4)]
    b = await take(backup, network, clock, tmp_path / "work")
    store = store_for(backup)
    found = diff(store, resolve(store, a.snapshot, "mkto"), store, b, key_a=None, key_b=None)
    by_name = {c.name: c for c in found.lists}
    emails = {i: f"lead{i - 1000}@example.com" for i in [*left, *joined, deleted]}
    assert (by_name["Hot leads"].added, by_name["Hot leads"].removed) == (2, 3)
    assert set(by_name["Hot leads"].examples["added"]) == {emails[i] for i in joined}
    assert set(by_name["Hot leads"].examples["removed"]) == {emails[i] for i in left}
    for name in ("Webinar 2024-05 Registrants", "Customers EMEA"):
        gone = 1 if deleted in lists[name] else 0
        assert (by_name[name].added, by_name[name].removed) == (0, gone)
    assert by_name["Empty list"].same
    leads = found.leads
    assert leads is not None and (leads.added, leads.removed, leads.changed) == (4, 1, 5)
    assert leads.fields["company"] == 5 and leads.examples["removed"] == [emails[deleted]]
    assert len(added) == 4 and all(e.startswith("fresh") for e in leads.examples["added"])
