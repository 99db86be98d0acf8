"""A small world for incident tests: a plan with internal and external audiences, a playbook with
deadlines and a status page; a real SMTP server, a real webhook (an audience's notify URL), a
migrated database and a manual clock. `World.at(minutes)` runs what `standby serve` runs each tick
at that moment: the tick jobs (escalations, renewals, the incidents' due work, the status page), the
outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.app.subscribers import TICK_JOBS
from standby.channels.apprise_sender import AppriseSender
from standby.channels.email import EmailSender
from standby.channels.sender import Sender
from standby.core.clock import ManualClock
from standby.incidents.models import Incident, IncidentEvent, IncidentUpdate
from standby.plan.model import Plan
from standby.statuspage import pipeline
from tests.alerts.conftest import World as AlertWorld
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer

T0 = datetime(2025, 6, 2, 13, 0, tzinfo=UTC)  # 09:00 in New York
MARKETO = "vendor:marketo"


def plan_data(smtp_url: str, hook_url: str, site: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "organization": "Acme Corp",
        "timezone": "America/New_York",
        "settings": {
            "email": {"smtp": smtp_url, "from": "standby@acme-alerts.example", "starttls": False},
            "timeout": "2s",
        },
        "people": [
            {"id": "dana", "name": "Dana Reyes", "email": "dana@acme.example", "reports_to": "lee"},
            {"id": "lee", "name": "Lee Park", "email": "lee@acme.example", "reports_to": "kim"},
            {"id": "kim", "name": "Kim Chen", "email": "kim@acme.example"},
            {"id": "sam", "name": "Sam Ortiz", "email": "sam@acme.example"},
            {"id": "pat", "name": "Pat Partner", "email": "pat@partner.example"},
        ],
        "audiences": [
            {"id": "marketing", "members": ["dana", "sam"]},
            {"id": "sales", "notify": [hook_url]},
            {"id": "customers", "members": ["pat"], "external": True, "status_page": True},
        ],
        "vendors": [{"id": "marketo", "name": "Marketo", "owner": "dana", "playbook": "marketo-down"}],
        "endpoints": [
            {"id": "demo-page", "url": "https://go.acme.example/demo", "owner": "dana", "playbook": "forms"}
        ],
        "playbooks": [
            {
                "id": "marketo-down",
                "severity": "major",
                "first_update_within": "15m",
                "update_every": "30m",
                "external_after": "30m",
                "audiences": ["marketing", "sales", "customers"],
            },
            {"id": "forms", "severity": "critical", "audiences": ["marketing"]},
        ],
        "status_page": {
            "url": "https://status.acme-status.example",
            "publish": [{"url": str(site)}],
            "components": [{"asset": MARKETO, "name": "Marketo forms", "group": "Lead capture"}],
        },
    }


class World(AlertWorld):
    def __init__(
        self, sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer, site: Path
    ) -> None:
        self.sessions, self.smtp, self.hook, self.site = sessions, smtp, hook, site
        self.clock = ManualClock(T0)
        self.data = plan_data(smtp.url, hook.apprise_url, site)
        self.plan = Plan.model_validate(self.data)
        email = EmailSender.from_settings(self.plan.settings)
        assert email is not None
        self.senders: dict[str, Sender] = {"email": email, "apprise": AppriseSender()}

    def fail(self, status: str = "critical", asset: str = MARKETO) -> None:
        self.check(
            status, asset=asset, check="statuspage", summary=f"{asset} is {status}: Marketo Engage down"
        )

    def at(self, minutes: float) -> int:
        self.clock.set(T0 + timedelta(minutes=minutes))
        done = sum(job.run(self.sessions, plan=self.plan, now=self.now, worker="w1") for job in TICK_JOBS)
        pipeline.settle(self.sessions)
        self.deliver()
        return done

    def incident(self, incident_id: int | None = None) -> Incident:
        with self.sessions() as session:
            found = (
                session.get(Incident, incident_id)
                if incident_id
                else session.scalars(select(Incident).order_by(Incident.id.desc())).first()
            )
            assert found is not None
            return found

    def updates(self, incident_id: int | None = None) -> list[IncidentUpdate]:
        ident = incident_id or self.incident().id
        with self.sessions() as session:
            query = (
                select(IncidentUpdate).where(IncidentUpdate.incident_id == ident).order_by(IncidentUpdate.id)
            )
            return list(session.scalars(query))

    def timeline(self, incident_id: int | None = None) -> list[tuple[str, str]]:
        ident = incident_id or self.incident().id
        with self.sessions() as session:
            query = select(IncidentEvent).where(IncidentEvent.incident_id == ident).order_by(IncidentEvent.id)
            return [(e.kind, e.text) for e in session.scalars(query)]

    def told(self, to: str) -> list[str]:
        """The incident messages (not the alert's pages) `to` received, by subject."""
        return [
            s
            for s in self.mail(to)
            if not s.startswith(("[critical]", "[warning]", "[unknown]", "[resolved]"))
        ]

    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.timeline()]

    def recipients(self) -> set[str]:
        return {str(m["To"]) for m in self.smtp.messages}


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest.fixture
def hook() -> Iterator[WebhookPeer]:
    with WebhookPeer() as peer:
        yield peer


@pytest.fixture
def world(sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer, tmp_path: Path) -> World:
    return World(sessions, smtp, hook, tmp_path / "site")
