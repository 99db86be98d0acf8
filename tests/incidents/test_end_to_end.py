"""End to end: the real engine watches a vendor on a fake internet; when Marketo fails, the tick that
detects it opens an incident, tells the internal audience by real SMTP, and publishes the status
page to a directory and to an S3-compatible server (moto) — without anyone typing. Outsiders hear
nothing until external_after; a missed promise reminds, then escalates; /status/ serves the page."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.app.web import create_app
from standby.core.clock import ManualClock
from standby.statuspage import pipeline
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.incidents.conftest import plan_data
from tests.peers.internet import FakeInternet
from tests.peers.s3 import client as bucket
from tests.peers.s3 import s3_server
from tests.peers.smtp import SmtpPeer
from tests.web.server import serving

T0 = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 09:00 in New York
SCHEMA = json.loads((Path(__file__).parents[1] / "statuspage" / "statuspage_v2.schema.json").read_text())
BUCKET = "acme-status"


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


class Stage:
    def __init__(
        self, internet: FakeInternet, smtp: SmtpPeer, sessions: sessionmaker[Session], s3: str
    ) -> None:
        self.internet, self.smtp, self.sessions, self.s3 = internet, smtp, sessions, s3
        self.clock = ManualClock(T0)
        self.site = internet.directory / "site"
        data = plan_data(smtp.url, "json://127.0.0.1:9/unused", self.site)
        base = internet.plan()
        data["settings"] = {**base["settings"], "email": data["settings"]["email"]}
        data["vendors"] = [{**base["vendors"][0], "playbook": "marketo-down"}]
        data["endpoints"], data["playbooks"] = [], data["playbooks"][:1]
        data["audiences"][1] = {"id": "sales", "members": ["lee"]}
        options = {
            "endpoint_url": s3,
            "key": "k",
            "secret": "s",
            "client_kwargs": {"region_name": "us-east-1"},
        }
        data["status_page"]["publish"].append({"url": f"s3://{BUCKET}/site", "options": options})
        path = internet.directory / "plan.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        self.engine = Engine(path, sessions, clock=self.clock, worker="w1")

    async def tick(self, minutes: float) -> None:
        self.clock.set(T0 + timedelta(minutes=minutes))
        await self.engine.tick()
        pipeline.settle(self.sessions)

    def told(self, to: str) -> list[str]:
        return [
            str(m["Subject"]) for m in self.smtp.messages if m["To"] == to and "incident" in str(m["Subject"])
        ]

    def s3_summary(self) -> Any:
        body = bucket(self.s3).get_object(Bucket=BUCKET, Key="site/api/v2/summary.json")["Body"].read()
        return json.loads(body)


@pytest.fixture
async def stage(tmp_path: Path, s3: str) -> AsyncIterator[Stage]:
    bucket(s3).create_bucket(Bucket=BUCKET)
    database = make_engine(f"sqlite:///{tmp_path / 'standby.db'}")
    migrate.upgrade(database)
    with FakeInternet(T0, tmp_path) as internet, SmtpPeer() as smtp:
        built = Stage(internet, smtp, session_factory(database), s3)
        yield built
        await built.engine.close()
    bucket(s3).delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in _keys(s3)]})
    bucket(s3).delete_bucket(Bucket=BUCKET)
    database.dispose()


def _keys(s3: str) -> list[str]:
    return [o["Key"] for o in bucket(s3).list_objects_v2(Bucket=BUCKET).get("Contents", [])]


async def test_an_outage_is_announced_inside_and_on_the_status_page_in_the_tick_that_detects_it(
    stage: Stage,
) -> None:
    await stage.tick(0)
    assert stage.s3_summary()["incidents"] == []  # the page is up before anything happens
    stage.internet.vendor.set_component("Marketo Engage", "major_outage")
    await stage.tick(1)  # one bad observation is not enough (alert_after: 2)
    assert stage.told("dana@acme.example") == []
    await stage.tick(2)  # the tick that detects it
    subject = "[incident #1 investigating] Problems with Marketo"
    assert stage.told("dana@acme.example") == [subject] and stage.told("lee@acme.example") == [subject]
    assert stage.told("pat@partner.example") == []
    for summary in (stage.s3_summary(), json.loads((stage.site / "api/v2/summary.json").read_text())):
        jsonschema.Draft202012Validator(SCHEMA).validate(summary)
        [incident] = summary["incidents"]
        assert (incident["name"], incident["status"]) == ("Problems with Marketo forms", "investigating")
    feed = ET.fromstring(bucket(stage.s3).get_object(Bucket=BUCKET, Key="site/history.atom")["Body"].read())
    assert feed.find("{http://www.w3.org/2005/Atom}entry") is not None
    objects = bucket(stage.s3).head_object(Bucket=BUCKET, Key="site/index.html")
    assert objects["ContentType"] == "text/html; charset=utf-8"

    app = create_app(sessions=stage.sessions, plan=lambda: stage.engine.plan, clock=stage.clock)
    with serving(app) as base:
        page = httpx.get(f"{base}/status/")
    assert page.status_code == 200 and page.content == (stage.site / "index.html").read_bytes()

    await stage.tick(12)  # the first update was promised within 15 min: the lead is reminded
    assert (
        stage.told("dana@acme.example")[-1] == "[incident #1] update due at 09:17 EST: Problems with Marketo"
    )
    await stage.tick(17)  # missed: the lead's manager hears
    assert (
        stage.told("lee@acme.example")[-1] == "[incident #1] update overdue by 0 min: Problems with Marketo"
    )
    await stage.tick(31)
    assert stage.told("pat@partner.example") == []
    await stage.tick(32)  # external_after (30 min) from detection at 09:02
    assert [str(m["Subject"]) for m in stage.smtp.messages if m["To"] == "pat@partner.example"] == [
        "Acme Corp: Problems with Marketo forms (investigating)"
    ]
