"""A Marketo backup against the fake Marketo (tests/peers/marketo_backup.py): thousands of leads and
several lists; REST paging with paging tokens, every lead through Bulk Extract, incremental snapshots
merged into complete ones, and the platform's faults and limits on the way."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from standby.backups.catalog import snapshots
from standby.backups.errors import BackupFailed
from standby.backups.sources.marketo import MarketoSource
from standby.backups.verify import verify
from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.integrations.marketo.client import Limits
from tests.backups.conftest import marketo_backup, rows, seed_marketo, store_for, take
from tests.peers.marketo_backup import MarketoBackupFake


def _emails(found: list[dict[str, str]]) -> set[str]:
    return {r["email"] for r in found}


def _fake_emails(mkto: MarketoBackupFake, members: list[int]) -> set[str]:
    return {mkto.db.leads[i].fields["email"] for i in members if i in mkto.db.leads}


async def test_a_first_snapshot_holds_every_list_and_every_lead(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    lists = seed_marketo(mkto)
    backup = marketo_backup(mkto, target, leads="all")
    manifest = await take(backup, network, clock, tmp_path / "work")
    assert manifest.complete and manifest.platform == "marketo" and manifest.account == "123-ABC-456"
    assert {e.name: e.rows for e in manifest.lists} == {name: len(m) for name, m in lists.items()}
    for entry in manifest.lists:
        assert _emails(rows(backup, manifest, entry)) == _fake_emails(mkto, lists[entry.name])
    leads = rows(backup, manifest, manifest.leads)
    assert len(leads) == 2500 and [int(r["id"]) for r in leads] == sorted(mkto.db.leads)
    lead = mkto.db.leads[1000]
    first = leads[0]
    assert (first["email"], first["lastName"], first["unsubscribed"]) == (
        lead.fields["email"],
        lead.fields["lastName"],
        "true",
    )
    assert first["title"] == "VP, Marketing" and leads[1]["title"] == ""  # empty, never "null"
    assert manifest.leads is not None and (manifest.leads.mode, manifest.leads.via) == ("full", "bulk")
    assert manifest.fields[:4] == ["id", "email", "firstName", "lastName"]  # the standard fields described
    assert manifest.api_calls["rest"] > 0 and manifest.api_calls["bulk_jobs"] == 1
    assert all(not r.problems for r in verify(store_for(backup), manifest, key=None))
    for entry in manifest.files():
        assert (Path(target) / "mkto" / manifest.snapshot / entry.path).stat().st_size == entry.bytes


async def test_lists_page_with_paging_tokens_300_leads_at_a_time(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(mkto, target, all_lists=False, lists=["Webinar 2024-05 Registrants"])
    manifest = await take(backup, network, clock, tmp_path / "work")
    assert manifest.lists[0].rows == 1834
    pages = [r for r in mkto.http.requests if urlsplit(r.path).path == "/rest/v1/lists/5000/leads.json"]
    tokens = [parse_qs(urlsplit(r.path).query).get("nextPageToken") for r in pages]
    assert len(pages) == 7 and tokens[0] is None and all(tokens[1:])  # 1834 = 6 × 300 + 34


async def test_an_unknown_list_name_fails_the_run_and_says_which_names_exist(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(mkto, target, all_lists=False, lists=["Hot lead"])
    with pytest.raises(BackupFailed, match=r"no static list 'Hot lead' \(did you mean 'Hot leads'\?\)"):
        await take(backup, network, clock, tmp_path / "work")


async def test_the_next_snapshot_merges_what_changed_and_drops_what_was_deleted(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    clock.advance(timedelta(hours=1))
    backup = marketo_backup(mkto, target, leads="all")
    first = await take(backup, network, clock, tmp_path / "work")
    clock.advance(timedelta(days=1))
    for lead_id in (1003, 1500, 2400):
        mkto.change_lead(lead_id, company="Changed Inc")
    for lead_id in (1010, 1011):
        mkto.delete_lead(lead_id)
    added = [mkto.add_lead(email=f"new{n}@example.com", firstName="New").id for n in range(4)]
    second = await take(backup, network, clock, tmp_path / "work")
    assert second.leads is not None
    assert (second.leads.mode, second.leads.base, second.leads.via) == ("incremental", first.snapshot, "rest")
    assert (second.leads.added, second.leads.changed, second.leads.removed) == (4, 3, 2)
    leads = {int(r["id"]): r for r in rows(backup, second, second.leads)}
    assert sorted(leads) == sorted(mkto.db.leads)  # complete: every lead there is, none deleted
    assert leads[1500]["company"] == "Changed Inc" and set(added) <= set(leads)
    assert {r["id"] for r in rows(backup, second, second.deleted)} == {"1010", "1011"}
    assert second.api_calls["bulk_jobs"] == 0  # a day's changes cost a few REST calls, no export


async def test_empty_pages_with_more_results_do_not_end_the_read_of_changes(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    clock.advance(timedelta(hours=1))  # the leads are older than the first snapshot (and its overlap)
    backup = marketo_backup(mkto, target, all_lists=False, lists=["Hot leads"], leads="all")
    await take(backup, network, clock, tmp_path / "work")
    clock.advance(timedelta(days=1))
    mkto.change_lead(3499, company="At the very end")  # the last lead: after ~8 empty pages
    second = await take(backup, network, clock, tmp_path / "work")
    assert mkto.changes.empty_pages >= 7
    assert second.leads is not None and second.leads.changed == 1
    assert {r["company"] for r in rows(backup, second, second.leads) if r["id"] == "3499"} == {
        "At the very end"
    }


async def test_an_access_token_expiring_mid_run_is_renewed_and_the_run_goes_on(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.expire_after(5)
    source = MarketoSource(
        marketo_backup(mkto, target).source.marketo, network=network, clock=clock, daily_bytes=1
    )  # type: ignore[arg-type]
    manifest = await take(marketo_backup(mkto, target), network, clock, tmp_path / "work", source=source)
    assert manifest.complete and sum(e.rows for e in manifest.lists) == 1834 + 250 + 700
    assert mkto.answered["602"] == 1 and source.client.tokens.issued == 2


async def test_606_throttling_backs_off_and_the_snapshot_is_still_complete(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.fail_next("606", 4)
    before = clock.now()
    manifest = await take(marketo_backup(mkto, target), network, clock, tmp_path / "work")
    assert manifest.complete and mkto.answered["606"] == 4
    assert clock.now() - before >= timedelta(seconds=2)  # it waited (on the clock) before each retry


async def test_a_run_stays_inside_the_instance_limit_of_calls_per_window(
    clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    with MarketoBackupFake(clock=clock, calls=10, window=20) as mkto:
        seed_marketo(mkto)
        backup = marketo_backup(mkto, target)
        limits = Limits(calls=10, window=20)
        source = MarketoSource(
            backup.source.marketo, network=network, clock=clock, daily_bytes=1, limits=limits
        )  # type: ignore[arg-type]
        before = clock.now()
        manifest = await take(backup, network, clock, tmp_path / "work", source=source)
        assert manifest.complete and mkto.answered["606"] == 0 and mkto.window.peak <= 10
        assert clock.now() - before >= timedelta(seconds=20)  # 13 calls: it had to wait for the window


async def test_a_bulk_job_that_stays_queued_is_cancelled_and_the_snapshot_is_failed_not_complete(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.bulk.hold = True  # other integrations hold both processing slots
    backup = marketo_backup(mkto, target, leads="all")
    with pytest.raises(BackupFailed, match="queued for 6 h") as failed:
        await take(backup, network, clock, tmp_path / "work")
    assert failed.value.exit_code == 2
    assert [j.status for j in mkto.bulk.jobs.values()] == ["Cancelled"]
    found = snapshots(store_for(backup), clock.now())
    assert [s.state for s in found] == ["failed"]
    assert found[0].manifest is not None and "queued" in (found[0].manifest.error or "")


async def test_a_download_cut_halfway_resumes_with_a_range_request(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.bulk.cut_next = 9000
    backup = marketo_backup(mkto, target, all_lists=False, lists=["Hot leads"], leads="all")
    source = MarketoSource(backup.source.marketo, network=network, clock=clock, daily_bytes=10**9)  # type: ignore[arg-type]
    manifest = await take(backup, network, clock, tmp_path / "work", source=source)
    job = next(iter(mkto.bulk.jobs.values()))
    assert job.served == {"200": 1, "206": 1} and source.bulk.resumed_bytes == 9000
    assert manifest.leads is not None and manifest.leads.rows == 2500
    assert all(not r.problems for r in verify(store_for(backup), manifest, key=None))


async def test_a_checksum_mismatch_fails_the_snapshot_as_a_problem_found(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.bulk.corrupt_next = True
    backup = marketo_backup(mkto, target, leads="all")
    with pytest.raises(BackupFailed, match="does not match its checksum") as failed:
        await take(backup, network, clock, tmp_path / "work")
    assert failed.value.exit_code == 1
    manifest = snapshots(store_for(backup), clock.now())[0].manifest
    assert manifest is not None and manifest.status == "failed" and manifest.problem
    assert not list((tmp_path / "work").rglob("*.csv"))  # the bad download was not kept


async def test_the_daily_bulk_quota_stops_the_run_until_it_resets(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    mkto.bulk.spend_today(500_000_000)
    backup = marketo_backup(mkto, target, leads="all")
    with pytest.raises(BackupFailed, match="quota") as failed:
        await take(backup, network, clock, tmp_path / "work")
    assert failed.value.until is not None and failed.value.until > clock.now()


async def test_lists_read_through_bulk_extract_use_two_jobs_at_a_time_at_most(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    lists = seed_marketo(mkto)
    backup = marketo_backup(mkto, target, method="bulk")
    # The test clock moves on every poll, so without a hold one list's job could finish before the
    # other's is even queued. Hold the slots until two jobs wait, then let the instance run them.
    mkto.bulk.hold = True
    run = asyncio.create_task(take(backup, network, clock, tmp_path / "work"))
    async with asyncio.timeout(10):
        while sum(j.status == "Queued" for j in mkto.bulk.jobs.values()) < 2:
            assert not run.done(), run.exception()
            await asyncio.sleep(0.005)
    mkto.bulk.hold = False
    manifest = await run
    assert {e.name: e.rows for e in manifest.lists} == {name: len(m) for name, m in lists.items()}
    assert {e.via for e in manifest.lists} == {"bulk"} and mkto.bulk.peak_processing == 2
    for entry in manifest.lists:
        assert _emails(rows(backup, manifest, entry)) == _fake_emails(mkto, lists[entry.name])


async def test_a_cut_off_run_leaves_no_complete_snapshot_and_the_next_run_resumes_it(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(mkto, target, leads="all")
    done: list[str] = []

    class CutAfterOneList:
        def started(self, what: str) -> None:
            pass

        def advanced(self, what: str, rows: int) -> None:
            pass

        def finished(self, what: str, rows: int, note: str = "") -> None:
            done.append(f"{what}: {note}")
            if len(done) == 1:
                raise asyncio.CancelledError  # the process is stopped here

    with pytest.raises(asyncio.CancelledError):
        await take(backup, network, clock, tmp_path / "work", reporter=CutAfterOneList())
    cut = snapshots(store_for(backup), clock.now() + timedelta(minutes=6))
    assert [(s.state, s.manifest) for s in cut] == [("interrupted", None)]
    clock.advance(timedelta(minutes=6))
    done.clear()
    manifest = await take(backup, network, clock, tmp_path / "work", reporter=_Record(done))
    assert manifest.snapshot == cut[0].name and manifest.complete
    assert sum("kept from the interrupted run" in line for line in done) == 1
    assert len(manifest.lists) == 4 and manifest.leads is not None and manifest.leads.rows == 2500


class _Record:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def started(self, what: str) -> None:
        pass

    def advanced(self, what: str, rows: int) -> None:
        pass

    def finished(self, what: str, rows: int, note: str = "") -> None:
        self.lines.append(f"{what}: {note}")


async def test_encrypted_snapshots_are_read_back_only_with_the_key(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(mkto, target, encrypt=True, key="a long random passphrase")
    manifest = await take(backup, network, clock, tmp_path / "work")
    assert manifest.encrypted and all(e.path.endswith(".csv.gz.enc") for e in manifest.files())
    raw = (Path(target) / "mkto" / manifest.snapshot / manifest.lists[1].path).read_bytes()
    assert raw.startswith(b"SBK1") and b"example.com" not in raw
    assert len(rows(backup, manifest, manifest.lists[1])) == 250
    store = store_for(backup)
    assert all(not r.problems for r in verify(store, manifest, key=backup.key))
    unkeyed = verify(store, manifest, key=None)  # checksums still checked; rows not countable
    assert all(not r.problems and r.rows is None for r in unkeyed)
    wrong = verify(store, manifest, key="not the passphrase at all")
    assert all("encrypted with another key" in " ".join(r.problems) for r in wrong)


async def test_a_changed_key_reads_every_lead_again_instead_of_failing(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    clock.advance(timedelta(hours=1))
    first = marketo_backup(
        mkto,
        target,
        all_lists=False,
        lists=["Hot leads"],
        leads="all",
        encrypt=True,
        key="the first passphrase",
    )
    await take(first, network, clock, tmp_path / "work")
    clock.advance(timedelta(days=1))
    second = first.model_copy(update={"key": "the second passphrase"})
    manifest = await take(second, network, clock, tmp_path / "work")
    assert manifest.leads is not None and manifest.leads.mode == "full" and manifest.leads.rows == 2500
    assert any("encrypted with another key" in w for w in manifest.warnings)
