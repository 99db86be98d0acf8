"""A whole Standby for drill tests: the real engine (ticked by a manual clock) watching Marketo on a
fake internet, the web app on a real uvicorn with that clock (ack links, reports, /metrics), a real
SMTP server, and the `standby` command against the same database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
import yaml
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.app.web import create_app
from standby.cli import main
from standby.core.clock import ManualClock
from standby.statuspage import pipeline
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from standby.web.auth import apitokens, users
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer
from tests.web.server import serving
from tests.web.signin import PASSWORD, csrf

__all__ = ["PASSWORD"]

T0 = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 09:00 in New York
SINK = "drills@acme-alerts.example"
# The families a drill could move if it counted: it must not.
WATCHED = ("standby_outbox_messages", "standby_delivery_failures", "standby_alerts", "standby_check_status")


def plan_data(internet: FakeInternet, smtp: SmtpPeer, base: str, site: Path) -> dict[str, Any]:
    data = internet.plan()
    data["timezone"] = "America/New_York"
    data["settings"] = {
        **data["settings"],
        "base_url": base,
        "email": {"smtp": smtp.url, "from": "standby@acme-alerts.example", "starttls": False},
    }
    data["people"] = [
        {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example", "reports_to": "lee"},
        {"id": "lee", "name": "Lee Park", "email": "lee@acme.example", "reports_to": "kim"},
        {"id": "kim", "name": "Kim Chen", "email": "kim@acme.example"},
        {"id": "sam", "name": "Sam Ortiz", "email": "sam@acme.example"},
        {"id": "pat", "name": "Pat Partner", "email": "pat@partner.example"},
    ]
    data["audiences"] = [
        {"id": "marketing", "members": ["dana", "sam"]},
        {"id": "customers", "members": ["pat"], "external": True, "status_page": True},
    ]
    data["vendors"] = [{**data["vendors"][0], "playbook": "marketo-down"}]
    data["playbooks"] = [
        {
            "id": "marketo-down",
            "escalation": [
                {"after": "0s", "notify": ["owner"]},
                {"after": "10m", "notify": ["owner.reports_to"]},
            ],
            "first_update_within": "15m",
            "update_every": "30m",
            "external_after": "30m",
            "audiences": ["marketing", "customers"],
        }
    ]
    data["status_page"] = {
        "url": "https://status.acme-status.example",
        "publish": [{"url": str(site)}],
        "components": [{"asset": "vendor:marketo", "name": "Marketo forms"}],
    }
    data["drills"] = [
        {
            "id": "marketo-down",
            "name": "Marketo goes down",
            "scenario": {"asset": "vendor:marketo", "failure": "vendor_outage"},
            "participants": ["dana", "lee", "marketing"],
            "duration": "40m",
            "sink": [SINK],
        }
    ]
    return data


class Stage:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        url: str,
        internet: FakeInternet,
        smtp: SmtpPeer,
        base: str,
        clock: ManualClock,
    ) -> None:
        self.sessions, self.url, self.internet, self.smtp, self.base = sessions, url, internet, smtp, base
        self.clock = clock
        self.site = internet.directory / "site"
        path = internet.directory / "plan.yaml"
        path.write_text(yaml.safe_dump(plan_data(internet, smtp, base, self.site), sort_keys=False))
        self.plan_path = path
        self.engine = Engine(path, sessions, clock=self.clock, worker="w1")
        with sessions.begin() as session:
            users.add(session, email="dana@acme.example", role="admin", password=PASSWORD, now=T0)
            self.token = apitokens.create(session, name="ci", role="viewer", scope="api", now=T0)

    async def at(self, minutes: float) -> None:
        self.clock.set(T0 + timedelta(minutes=minutes))
        await self.engine.tick()
        pipeline.settle(self.sessions)

    def standby(self, *argv: str) -> int:
        return main([*argv, "--db", self.url])

    def subjects(self, to: str) -> list[str]:
        return [str(m["Subject"]) for m in self.smtp.messages if m["To"] == to]

    def mails(self, to: str, about: str = "") -> list[EmailMessage]:
        return [m for m in self.smtp.messages if m["To"] == to and about in str(m["Subject"])]

    def ack(self, mail: EmailMessage, minutes: float) -> str:
        """Open the acknowledgement link in `mail` at T0 + `minutes`, as its reader would."""
        body = str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        found = re.search(r"/ack/(\S+)", body)
        assert found is not None, body
        self.clock.set(T0 + timedelta(minutes=minutes))
        token = found.group(1)
        reply = httpx.post(f"{self.base}/ack/{token}", data={"token": token}, timeout=10)
        assert reply.status_code == 200, reply.text
        return reply.text

    def post_update(self, incident: int, minutes: float, *, know: str, next: str) -> None:
        self.clock.set(T0 + timedelta(minutes=minutes))
        with httpx.Client(base_url=self.base, timeout=10) as client:
            signed = client.post(
                "/login", data={"email": "dana@acme.example", "password": PASSWORD, "next": "/"}
            )
            assert signed.status_code == 303
            form = {
                "know": know,
                "dont_know": "when Marketo is back",
                "next": next,
                "action": "post",
                "csrf_token": csrf(client),
            }
            reply = client.post(f"/incidents/{incident}/update", data=form)
            assert reply.status_code == 303, reply.text

    def metrics(self) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        reply = httpx.get(
            f"{self.base}/metrics", headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )
        assert reply.status_code == 200
        return {
            (s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(reply.text)
            if family.name in WATCHED or any(family.name == w.removesuffix("_total") for w in WATCHED)
            for s in family.samples
        }

    def public_files(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.site)): p.read_bytes() for p in sorted(self.site.rglob("*")) if p.is_file()
        }


@contextmanager
def stage(tmp_path: Path) -> Iterator[Stage]:
    url = f"sqlite:///{tmp_path / 'standby.db'}"
    database = make_engine(url)
    migrate.upgrade(database)
    sessions, clock = session_factory(database), ManualClock(T0)
    holder: list[Stage] = []
    app = create_app(sessions=sessions, plan=lambda: holder[0].engine.plan, clock=clock)
    try:
        with FakeInternet(T0, tmp_path) as internet, SmtpPeer() as smtp, serving(app) as base:
            holder.append(Stage(sessions, url, internet, smtp, base, clock))
            yield holder[0]
    finally:
        database.dispose()


async def rehearse(stage: Stage) -> None:
    """A live drill from start to end, as test_drill_live.py walks it (without its checks)."""
    await stage.at(0)
    assert stage.standby("drill", "run", "marketo-down", "--wait", "0") == 0
    await stage.at(1)
    await stage.at(11)
    stage.ack(stage.mails("lee@acme.example", "[critical]")[0], 12)
    stage.ack(stage.mails("dana@acme.example", "[critical]")[0], 14)
    await stage.at(17)
    stage.post_update(1, 20, know="Marketo says its forms are down; we are on it", next="30m")
    await stage.at(31)
    await stage.at(41)
