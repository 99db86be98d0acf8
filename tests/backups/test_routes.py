"""The backups pages on the real app: the last good snapshot, its counts and trend; every snapshot;
a restore CSV for admins only; the asset page and the overview show the backup like any asset."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import ManualClock
from standby.core.net import NetConfig, Network
from standby.engine.models import CheckState
from standby.plan.backups import Backup
from standby.plan.model import Plan
from tests.backups.conftest import seed_marketo, take
from tests.peers.marketo_backup import MarketoBackupFake
from tests.web.signin import Site, clock, sqlite_sessions

__all__ = ["clock", "sqlite_sessions"]


@pytest.fixture
def backed_up(
    sqlite_sessions: sessionmaker[Session],
    clock: ManualClock,
    tmp_path: Path,
) -> Iterator[tuple[Site, Backup]]:
    from tests.web.server import serving

    with MarketoBackupFake(clock=clock) as mkto:
        seed_marketo(mkto, 2000)
        backup: dict[str, Any] = {
            "id": "mkto",
            "name": "Marketo lists",
            "owner": "dana",
            "source": {"marketo": {"munchkin_id": "123-ABC-456", "client_id": mkto.client_id,
                                   "client_secret": mkto.client_secret, "base_url": mkto.url}},
            "lists": ["Hot leads", "Customers EMEA"],
            "target": {"url": str(tmp_path / "target")},
        }  # fmt: skip
        site = Site(sqlite_sessions, clock)
        site.data = {**site.data, "backups": [backup]}
        site.plan = Plan.model_validate(site.data)
        model = site.plan.backups[0]
        network = Network(NetConfig(timeout=10))
        asyncio.run(take(model, network, clock, tmp_path / "work"))
        clock.advance(timedelta(days=1))
        mkto.db.lists[5001].members.pop()
        asyncio.run(take(model, network, clock, tmp_path / "work"))
        mkto.down("503")
        clock.advance(timedelta(days=1))
        with pytest.raises(Exception, match="503"):
            asyncio.run(take(model, network, clock, tmp_path / "work"))
        with serving(site.app) as base:
            site.base = base
            site.edit_settings(base_url=base)  # plain http://: cookies are not Secure, as on a LAN
            site.add_user("admin@acme.example")
            site.add_user("viewer@acme.example", role="viewer")
            yield site, model


def test_the_backups_page_shows_the_last_good_snapshot_its_counts_and_the_failed_run(
    backed_up: tuple[Site, Backup],
) -> None:
    site, _ = backed_up
    page = site.sign_in("viewer@acme.example").get("/backups")
    assert page.status_code == 200
    text = page.text
    assert "Marketo lists" in text and "failed" in text and "Hot leads 249" in text
    assert "Customers EMEA 700" in text and "Next run" in text and "Dana Reyes" in text
    assert (
        '<svg class="sparkline"' in text
        and "2 failed or cut off" not in text
        and "1 failed or cut off" in text
    )


def test_the_backup_page_lists_every_snapshot_and_only_admins_may_download_a_restore(
    backed_up: tuple[Site, Backup],
) -> None:
    site, _ = backed_up
    viewer = site.sign_in("viewer@acme.example")
    page = viewer.get("/backups/mkto")
    assert page.status_code == 200 and page.text.count("<tr>") == 4 and "Download" not in page.text
    admin = site.sign_in("admin@acme.example")
    page = admin.get("/backups/mkto")
    names = sorted(
        {part.split("/")[3] for part in page.text.split('action="')[1:] if part.startswith("/backups/mkto/")}
    )
    assert len(names) == 2 and "Download" in page.text
    reply = admin.get(f"/backups/mkto/{names[0]}/restore.csv", params={"list": "5001", "format": "marketo"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    found = list(csv.DictReader(io.StringIO(reply.text)))
    assert len(found) == 250 and found[0]["Email Address"].endswith("@example.com")
    assert viewer.get(f"/backups/mkto/{names[0]}/restore.csv", params={"list": "5001"}).status_code == 403
    assert admin.get(f"/backups/mkto/{names[0]}/restore.csv", params={"list": "nope"}).status_code == 404
    assert admin.get(f"/backups/mkto/{names[0]}/restore.csv", params={"format": "excel"}).status_code == 422
    assert admin.get("/backups/nope").status_code == 404


def test_the_asset_page_and_overview_show_the_backup_like_any_asset(backed_up: tuple[Site, Backup]) -> None:
    site, backup = backed_up
    with site.sessions.begin() as session:
        now = site.clock.now()
        session.add(
            CheckState(
                key="backup:mkto|backup", monitor="backup:mkto/backup", asset="backup:mkto", kind="backup",
                check="backup", target=backup.target.url, owner="dana", status="warning", since=now,
                observed="warning", observed_at=now, streak=2,
                summary="Marketo lists: the latest run failed: HTTP 503; last good snapshot 1 day ago (2 lists, 949 members)",
                details={"last_good": "2026-...", "counts": {"Hot leads": 249}, "next_run": "tomorrow 02:00"},
            )
        )  # fmt: skip
    client = site.sign_in("viewer@acme.example")
    overview = client.get("/")
    assert "backup:mkto" in overview.text or "Marketo lists" in overview.text
    assert "last good snapshot 1 day ago" in overview.text
    page = client.get("/assets/backup:mkto")
    assert page.status_code == 200 and "/backups/mkto" in page.text and "next_run" in page.text
