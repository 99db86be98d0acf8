from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standby.backups.manifest import FileEntry, Manifest
from standby.backups.progress import Reporter
from standby.backups.run import run_backup
from standby.backups.snapshot import rows_of
from standby.backups.sources.base import Source
from standby.backups.sources.hubspot import HubSpotSource
from standby.backups.sources.marketo import MarketoSource
from standby.backups.storage import Store
from standby.core.clock import ManualClock
from standby.core.net import NetConfig, Network
from standby.plan.backups import Backup
from standby.plan.status_page import PublishTarget
from tests.peers.hubspot_crm import HubSpotCrmFake
from tests.peers.marketo_backup import MarketoBackupFake

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
COMPANIES = ["Northwind", "Acme Robotics", "Globex", "Initech", "Umbrella", "Hooli", None]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def network() -> Network:
    return Network(NetConfig(timeout=30.0))  # loopback peers on a shared, busy machine


def seed_marketo(fake: MarketoBackupFake, leads: int = 2500, seed: int = 7) -> dict[str, list[int]]:
    """`leads` leads and four lists of varied sizes (one empty); the lists' members by name."""
    rng = random.Random(seed)
    ids = []
    for n in range(leads):
        lead = fake.add_lead(
            email=f"lead{n}@example.com",
            firstName=f"Ana{n}",
            lastName=rng.choice(["Ortiz", "Wei", "Khan", "Müller", "O'Brien, Jr."]),
            company=rng.choice(COMPANIES),
            title="VP, Marketing" if n % 7 == 0 else None,
            unsubscribed=n % 11 == 0,
        )
        ids.append(lead.id)
    lists = {
        "Webinar 2024-05 Registrants": rng.sample(ids, 1834),
        "Hot leads": ids[:250],
        "Customers EMEA": rng.sample(ids, 700),
        "Empty list": [],
    }
    for name, members in lists.items():
        fake.db.add_list(name, members)
    return lists


@pytest.fixture
def mkto(clock: ManualClock) -> Iterator[MarketoBackupFake]:
    with MarketoBackupFake(clock=clock) as fake:
        yield fake


@pytest.fixture
def hubspot(clock: ManualClock) -> Iterator[HubSpotCrmFake]:
    with HubSpotCrmFake(clock=clock, burst=190) as fake:
        yield fake


def seed_hubspot(fake: HubSpotCrmFake, contacts: int = 1200) -> dict[str, list[str]]:
    ids = [
        fake.add_contact(email=f"c{n}@example.org", firstname=f"Cy{n}", lastname="Doe", company="Hooli").id
        for n in range(contacts)
    ]
    lists = {"Newsletter": ids[::3], "Trade show 2026": ids[:400], "Smart list": ids[:10]}
    for name, members in lists.items():
        fake.add_list(name, members, processing="DYNAMIC" if name == "Smart list" else "MANUAL")
    return lists


def marketo_backup(fake: MarketoBackupFake, target: str, **extra: Any) -> Backup:
    data: dict[str, Any] = {
        "id": "mkto",
        "source": {
            "marketo": {
                "munchkin_id": "123-ABC-456",
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "base_url": fake.url,
            }
        },
        "all_lists": True,
        "target": {"url": target},
    }
    return Backup.model_validate(data | extra)


def hubspot_backup(fake: HubSpotCrmFake, target: str, **extra: Any) -> Backup:
    data: dict[str, Any] = {
        "id": "hubspot",
        "source": {"hubspot": {"token": fake.token, "base_url": fake.url}},
        "all_lists": True,
        "target": {"url": target},
    }
    return Backup.model_validate(data | extra)


def source_for(backup: Backup, network: Network, clock: ManualClock) -> MarketoSource | HubSpotSource:
    if backup.source.marketo is not None:
        return MarketoSource(
            backup.source.marketo, network=network, clock=clock, daily_bytes=backup.bulk_daily_mb * 1_000_000
        )
    assert backup.source.hubspot is not None
    return HubSpotSource(backup.source.hubspot, network=network, clock=clock)


def store_for(backup: Backup, **options: Any) -> Store:
    target = PublishTarget(url=backup.target.url, options=options or backup.target.options)
    return Store(target, backup.id, sleep=lambda _: None)


@pytest.fixture
def target(tmp_path: Path) -> str:
    return str(tmp_path / "backups")


async def take(
    backup: Backup,
    network: Network,
    clock: ManualClock,
    work: Path,
    *,
    source: Source | None = None,
    reporter: Reporter | None = None,
    store: Store | None = None,
) -> Manifest:
    """One run of `backup` against its fake, on the test's clock."""
    return await run_backup(
        backup,
        store=store or store_for(backup),
        source=source or source_for(backup, network, clock),
        clock=clock,
        work_root=work,
        tz="UTC",
        reporter=reporter,
    )


def rows(backup: Backup, manifest: Manifest, entry: FileEntry | None) -> list[dict[str, str]]:
    assert entry is not None
    with rows_of(store_for(backup), manifest.snapshot, entry, key=backup.key) as found:
        return list(found)
