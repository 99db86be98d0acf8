"""A Marketo backup end to end against the fake: lists by REST paging, every lead through Bulk
Extract, then incremental snapshots merged into complete ones."""

from __future__ import annotations

from pathlib import Path

from standby.backups.run import run_backup
from standby.core.clock import ManualClock
from standby.core.net import Network
from tests.backups.conftest import marketo_backup, seed_marketo, source_for, store_for
from tests.peers.marketo_backup import MarketoBackupFake


async def test_a_first_snapshot_holds_every_list_and_every_lead(
    mkto: MarketoBackupFake, clock: ManualClock, network: Network, target: str, tmp_path: Path
) -> None:
    lists = seed_marketo(mkto)
    backup = marketo_backup(mkto, target, leads="all")
    store = store_for(backup)
    manifest = await run_backup(
        backup,
        store=store,
        source=source_for(backup, network, clock),
        clock=clock,
        work_root=tmp_path / "work",
        tz="UTC",
    )
    assert manifest.complete
    assert {e.name: e.rows for e in manifest.lists} == {name: len(m) for name, m in lists.items()}
    assert manifest.leads is not None and manifest.leads.rows == 2500
    print(manifest.model_dump_json(indent=1)[:3000])
