"""A small world for alert tests: a plan, a real SMTP server, a real webhook (Apprise json://), a
migrated database, and a manual clock. Time moves only through `World.at(...)`, which runs due
escalation steps and delivers the outbox as `standby serve` would at that moment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts import escalation, renewals
from standby.alerts.models import Alert, AlertEvent
from standby.app.subscribers import STATE_CHANGES
from standby.channels.apprise_sender import AppriseSender
from standby.channels.email import EmailSender
from standby.channels.outbox import deliver
from standby.channels.sender import Sender
from standby.core.clock import ManualClock
from standby.engine.models import CheckState
from standby.plan.model import Plan
from tests.dashboard.conftest import fresh
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer
from tests.web.signin import clock, site, sqlite_sessions

T0 = datetime(2025, 6, 2, 13, 0, tzinfo=UTC)  # 09:00 in New York
BASE_URL = "http://127.0.0.1:8400"
__all__ = ["clock", "fresh", "site", "sqlite_sessions"]  # the web's fixtures: for the feed and the buttons


def plan_data(smtp_url: str, hook_url: str) -> dict[str, Any]:
    return {
        "version": 1,
        "organization": "Acme Corp",
        "timezone": "America/New_York",
        "settings": {
            "email": {"smtp": smtp_url, "from": "standby@acme.example", "starttls": False},
            "base_url": BASE_URL,
            "timeout": "2s",
        },
        "people": [
            {
                "id": "dana",
                "name": "Dana Reyes",
                "email": "dana@acme.example",
                "notify": [hook_url],
                "reports_to": "lee",
            },
            {"id": "lee", "name": "Lee Park", "email": "lee@acme.example"},
            {"id": "sam", "name": "Sam Ortiz", "reports_to": "dana"},
        ],
        "endpoints": [{"id": "demo-page", "url": "https://go.acme.example/demo", "owner": "dana"}],
        "domains": [{"name": "acme.example", "owner": "dana", "confirm_by": "30d"}],
        "certificates": [{"host": "www.acme.example", "owner": "dana"}],
    }


class World:
    def __init__(self, sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer) -> None:
        self.sessions, self.smtp, self.hook = sessions, smtp, hook
        self.clock = ManualClock(T0)
        self.data = plan_data(smtp.url, hook.apprise_url)
        self.plan = Plan.model_validate(self.data)
        email = EmailSender.from_settings(self.plan.settings)
        assert email is not None
        self.senders: dict[str, Sender] = {"email": email, "apprise": AppriseSender()}

    def edit_plan(self, **changes: Any) -> None:
        self.data = {**self.data, **changes}
        self.plan = Plan.model_validate(self.data)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def check(
        self,
        status: str,
        *,
        asset: str = "endpoint:demo-page",
        check: str = "http",
        summary: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> CheckState:
        """The engine confirms a new status for (asset, check): what on_state_change is told."""
        summary = summary or f"https://go.acme.example/demo is {status}"
        with self.sessions.begin() as session:
            state = session.scalars(
                select(CheckState).where(CheckState.key == f"{asset}|{check}")
            ).one_or_none()
            if state is None:
                state = CheckState(
                    key=f"{asset}|{check}",
                    monitor=f"{asset}/{check}",
                    asset=asset,
                    kind=asset.split(":")[0],
                    check=check,
                    target=asset,
                    owner="dana",
                    status="ok",
                    since=self.now,
                    observed="ok",
                    streak=0,
                    summary="ok",
                    details={},
                    observed_at=self.now,
                )
                session.add(state)
            previous = state.status
            state.status, state.observed, state.since = status, status, self.now
            state.summary, state.observed_at = summary, self.now
            state.details = details if details is not None else state.details
            if previous != status:  # the engine's subscribers, in the wiring's order
                for subscriber in STATE_CHANGES:
                    subscriber(session, state=state, previous=previous, plan=self.plan, now=self.now)
            return state

    def at(self, minutes: float) -> int:
        """Move to T0 + `minutes`, run due steps and renewals, deliver; returns steps run."""
        self.clock.set(T0 + timedelta(minutes=minutes))
        ran = escalation.run_due(self.sessions, plan=self.plan, now=self.now, worker="w1")
        renewals.run_due(self.sessions, plan=self.plan, now=self.now, worker="w1")
        self.deliver()
        return ran

    def deliver(self) -> None:
        while deliver(self.sessions, worker="w1", clock=self.clock, senders=self.senders):
            pass

    def mail(self, to: str) -> list[str]:
        return [str(m["Subject"]) for m in self.smtp.messages if m["To"] == to]

    def body(self, to: str, index: int = -1) -> str:
        messages = [m for m in self.smtp.messages if m["To"] == to]
        return str(messages[index].get_body(("plain",)).get_content())  # type: ignore[union-attr]

    def alert(self, alert_id: int | None = None) -> Alert:
        with self.sessions() as session:
            query = select(Alert).order_by(Alert.id.desc())
            found = session.get(Alert, alert_id) if alert_id else session.scalars(query).first()
            assert found is not None
            return found

    def events(self, alert_id: int | None = None) -> list[tuple[str, str]]:
        alert_id = alert_id or self.alert().id
        with self.sessions() as session:
            query = select(AlertEvent).where(AlertEvent.alert_id == alert_id).order_by(AlertEvent.id)
            return [(e.kind, e.text) for e in session.scalars(query)]


@pytest.fixture
def smtp() -> Iterator[SmtpPeer]:
    with SmtpPeer() as peer:
        yield peer


@pytest.fixture
def hook() -> Iterator[WebhookPeer]:
    with WebhookPeer() as peer:
        yield peer


@pytest.fixture
def world(sessions: sessionmaker[Session], smtp: SmtpPeer, hook: WebhookPeer) -> World:
    return World(sessions, smtp, hook)
