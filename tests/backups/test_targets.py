"""Snapshots written to a real S3-compatible server (moto in server mode, on 127.0.0.1) as to a
directory: listed, verified, restored, pruned; an unreachable target fails the run without a word
of its secret."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from standby.backups.catalog import resolve, snapshots
from standby.backups.errors import BackupFailed
from standby.backups.restore import restore
from standby.backups.storage import Store
from standby.backups.verify import verify
from standby.core.clock import ManualClock
from standby.core.net import Network
from standby.plan.status_page import PublishTarget
from tests.backups.conftest import marketo_backup, seed_marketo, take
from tests.peers.marketo_backup import MarketoBackupFake
from tests.peers.s3 import client, s3_server

SECRET = "s3cr3t-Backup-Value"


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with s3_server() as endpoint:
        client(endpoint).create_bucket(Bucket="backups")
        yield endpoint


def _options(endpoint: str) -> dict[str, Any]:
    return {
        "endpoint_url": endpoint,
        "key": "test-key",
        "secret": SECRET,
        "client_kwargs": {"region_name": "us-east-1"},
        "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
    }


async def test_snapshots_go_to_an_s3_bucket_and_come_back_whole(
    s3: str, mkto: MarketoBackupFake, clock: ManualClock, network: Network, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    backup = marketo_backup(
        mkto, "s3://backups/standby", leads="all", keep={"daily": 2, "weekly": 0, "monthly": 0}
    ).model_copy(update={"target": PublishTarget(url="s3://backups/standby", options=_options(s3))})
    store = Store(backup.target, backup.id, sleep=lambda _: None)
    for _ in range(3):
        await take(backup, network, clock, tmp_path / "work", store=store)
        clock.advance(timedelta(days=1))
    found = snapshots(store, clock.now())
    assert [s.state for s in found] == ["complete", "complete"]  # keep 2 daily: the oldest went
    manifest = resolve(store, "latest", backup.id)
    assert all(not r.problems for r in verify(store, manifest, key=None))
    out = tmp_path / "hot.csv"
    assert restore(store, manifest, manifest.find_list("Hot leads"), out, format="generic", key=None) == 250  # type: ignore[arg-type]
    assert out.read_text().startswith("source_id,email,first_name,last_name,company")
    keys = client(s3).list_objects_v2(Bucket="backups", Prefix=f"standby/mkto/{manifest.snapshot}/")[
        "Contents"
    ]
    assert sorted(k["Key"].rsplit("/", 1)[-1] for k in keys) == sorted(
        ["manifest.json", "leads.csv.gz", "5000.csv.gz", "5001.csv.gz", "5002.csv.gz", "5003.csv.gz"]
    )


async def test_a_missing_bucket_fails_the_run_and_never_shows_the_secret(
    s3: str, mkto: MarketoBackupFake, clock: ManualClock, network: Network, tmp_path: Path
) -> None:
    seed_marketo(mkto)
    target = PublishTarget(url="s3://no-such-bucket/x", options=_options(s3))
    backup = marketo_backup(mkto, "s3://no-such-bucket/x").model_copy(update={"target": target})
    with pytest.raises(BackupFailed) as failed:
        await take(
            backup, network, clock, tmp_path / "work", store=Store(target, backup.id, sleep=lambda _: None)
        )
    assert failed.value.exit_code == 2 and "no-such-bucket" in str(failed.value)
    assert SECRET not in str(failed.value)
