"""The crisis runbook: rendered from the example plan as one file that loads nothing from anywhere,
with owners, chains and contacts (secrets masked), renewals and drills; published to a directory and
to S3 (moto) by the engine's tick, again only when it changes; `standby runbook`; and the validate
warning when it would live under a domain the plan monitors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from standby.cli import main
from standby.engine.models import PlanLoad
from standby.plan.load import load_plan
from standby.plan.model import Plan
from standby.recovery.runbook import publish
from standby.recovery.runbook.publish import current
from tests.peers.s3 import client, s3_server

EXAMPLE = Path(__file__).parents[2] / "examples" / "plan.yaml"
T0 = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
BUCKET = "acme-private"


class Loads(HTMLParser):
    """Every attribute that would make a browser fetch something, and every link."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.links: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "srcset", "data", "poster", "background") or (
                tag == "link" and name == "href"
            ):
                self.fetches.append(f"<{tag} {name}={value}>")
            elif name == "href":
                self.links.append(value or "")
            elif name == "style" and value and "url(" in value:
                self.fetches.append(f"<{tag} style={value}>")
        if tag in ("script", "iframe", "object", "embed", "img", "link"):
            self.fetches.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def test_the_example_plans_runbook_is_one_file_that_fetches_nothing() -> None:
    plan, _ = load_plan(EXAMPLE)
    html = current(None, plan, T0).decode()
    found = Loads()
    found.feed(html)
    assert found.fetches == []
    assert "url(" not in found.style and "@import" not in found.style
    assert found.links and all(link.startswith("#") for link in found.links)  # in-page only
    for text in (
        "Dana Reyes — dana@example.net",
        "Lee Park — lee@example.net",
        "https://status.example.org",
        "example.com lapses like marketo.com",
        "quarterly, next on 2027-01-15",
        "never run",
        "1,800 USD an hour (12 leads an hour at 150 USD)",
        "First update within",
    ):
        assert text in html, text
    assert "@media print" in found.style


def test_a_playbooks_plan_b_is_its_fallback_pages_written_out_not_linked() -> None:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    data["forms"] = [
        {
            "id": "demo-request",
            "title": "Request a demo",
            "fields": [{"name": "email", "label": "Email", "type": "email"}],
            "destination": {"webhook": {"url": "https://hooks.acme-backup.example/leads"}},
        }
    ]
    data["fallback"] = {"pages_url": "https://pages.acme-backup.example"}
    data["playbooks"][0]["plan_b"] = ["demo-request"]
    html = current(None, Plan.model_validate(data), T0).decode()
    found = Loads()
    found.feed(html)
    assert "Request a demo: https://pages.acme-backup.example/p/demo-request/" in html
    assert all(link.startswith("#") for link in found.links)  # a page to copy, not a link to follow


def test_notify_urls_are_masked_and_a_person_nobody_can_reach_is_said_so() -> None:
    plan = Plan.model_validate(
        {
            "version": 1,
            "organization": "Acme",
            "people": [
                {"id": "dana", "name": "Dana", "notify": ["slack://TokenA/TokenB/TokenC/#ops"]},
                {"id": "lee", "name": "Lee", "email": "lee@acme.example"},
            ],
            "vendors": [{"id": "marketo", "owner": "dana"}],
        }
    )
    html = current(None, plan, T0).decode()
    assert "TokenB" not in html and "slack://" in html
    assert "configures no settings.email" in html  # Lee's email goes nowhere without a relay


def _options(endpoint: str) -> dict[str, Any]:
    return {
        "endpoint_url": endpoint,
        "key": "k",
        "secret": "s",
        "client_kwargs": {"region_name": "us-east-1"},
    }


def _plan(tmp_path: Path, endpoint: str, **extra: Any) -> Plan:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    data["runbook"] = {
        "url": "https://runbook.acme-private.example/runbook.html",
        "publish": [
            {"url": str(tmp_path / "private")},
            {"url": f"s3://{BUCKET}/crisis", "options": _options(endpoint)},
        ],
    }
    data.update(extra)
    return Plan.model_validate(data)


@pytest.fixture
def s3() -> Iterator[str]:
    with s3_server() as endpoint:
        client(endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint


def _tick(sessions: sessionmaker[Session], plan: Plan, now: datetime) -> int:
    started = publish.publish_due(sessions, plan=plan, now=now, worker="w1")
    publish.settle(sessions)
    return started


def test_the_engine_publishes_it_to_a_directory_and_s3_and_again_after_each_plan_change(
    sessions: sessionmaker[Session], tmp_path: Path, s3: str
) -> None:
    with sessions.begin() as session:
        session.add(PlanLoad(path="plan.yaml", sha256="a" * 64, loaded_at=T0, valid=True, messages=[]))
    plan = _plan(tmp_path, s3)
    assert _tick(sessions, plan, T0) == 2
    on_disk = (tmp_path / "private" / "runbook.html").read_bytes()
    in_s3 = client(s3).get_object(Bucket=BUCKET, Key="crisis/runbook.html")
    assert in_s3["Body"].read() == on_disk and in_s3["ContentType"] == "text/html; charset=utf-8"
    assert b"As of 2026-12-05 10:00 EST" in on_disk

    assert _tick(sessions, plan, T0 + timedelta(minutes=1)) == 0  # nothing changed: nothing written

    people = [
        *plan.model_dump(by_alias=True)["people"],
        {"id": "kim", "name": "Kim Chen", "email": "kim@example.net"},
    ]
    edited = _plan(tmp_path, s3, people=people)
    with sessions.begin() as session:
        later = T0 + timedelta(minutes=2)
        session.add(PlanLoad(path="plan.yaml", sha256="b" * 64, loaded_at=later, valid=True, messages=[]))
    assert _tick(sessions, edited, T0 + timedelta(minutes=2)) == 2
    assert b"Kim Chen" in (tmp_path / "private" / "runbook.html").read_bytes()
    assert b"Kim Chen" in client(s3).get_object(Bucket=BUCKET, Key="crisis/runbook.html")["Body"].read()


def test_a_target_that_fails_is_shown_and_tried_again_after_a_while(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    blocker = tmp_path / "private"
    blocker.write_text("a file where a directory should be")
    data = yaml.safe_load(EXAMPLE.read_text())
    data["runbook"] = {"publish": [{"url": str(blocker / "runbook")}]}
    plan = Plan.model_validate(data)
    assert _tick(sessions, plan, T0) == 1
    from sqlalchemy import select

    from standby.recovery.runbook.models import RunbookTarget

    with sessions() as session:
        row = session.scalars(select(RunbookTarget)).one()
        assert row.failures == 1 and row.error and row.digest is None
    assert _tick(sessions, plan, T0 + timedelta(seconds=10)) == 0  # backing off
    assert _tick(sessions, plan, T0 + timedelta(seconds=40)) == 1


def test_standby_runbook_writes_the_file_and_publishes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STANDBY_DB", raising=False)
    data = yaml.safe_load(EXAMPLE.read_text())
    data["runbook"] = {"publish": [{"url": str(tmp_path / "shared")}]}
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["runbook", str(path), "--publish"]) == 0
    out = capsys.readouterr().out
    assert "from the plan alone (no database)" in out and f"published to {tmp_path / 'shared'}" in out
    assert (tmp_path / "runbook.html").read_bytes() == (tmp_path / "shared" / "runbook.html").read_bytes()


def test_validate_warns_when_the_runbook_would_live_under_a_monitored_domain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["runbook"] = {
        "url": "https://wiki.example.com/runbook.html",
        "publish": [{"url": "sftp://files.example.com/runbook"}],
    }
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert (
        "runbook.url: warning: the crisis runbook would be published at wiki.example.com, under example.com"
        in err
    )
    assert "runbook.publish[0].url" in err
