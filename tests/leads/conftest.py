"""A small Plan B world: fake Marketo and HubSpot, a webhook receiver, forms for each destination, a
migrated database (SQLite and PostgreSQL), a manual clock, and the web app on a real uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.app.web import create_app
from standby.core.clock import ManualClock
from standby.leads.models import Submission
from standby.leads.replay.service import Replayer
from standby.plan.model import Plan
from tests.peers.hubspot import HubSpotFake
from tests.peers.marketo import MarketoFake
from tests.peers.webhook import WebhookPeer
from tests.web.server import serving

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
FIELDS = [
    {"name": "email", "label": "Work email", "type": "email"},
    {"name": "firstName", "label": "First name", "required": True},
    {"name": "company", "label": "Company"},
]


def plan_data(mkto: MarketoFake, hubspot: HubSpotFake, hook: WebhookPeer) -> dict[str, Any]:
    marketo = {
        "munchkin_id": "123-ABC-456",
        "client_id": mkto.client_id,
        "client_secret": mkto.client_secret,
        "base_url": mkto.url,
    }
    hubspot_base = {"token": hubspot.token, "base_url": hubspot.url, "forms_url": hubspot.url}
    return {
        "version": 1,
        "organization": "Acme Corp",
        "settings": {"timeout": "2s"},
        "vendors": [{"id": "marketo", "name": "Marketo"}, {"id": "hubspot", "name": "HubSpot"}],
        "forms": [
            {
                "id": "demo-request",
                "title": "Request a demo",
                "fields": FIELDS,
                "vendor": "marketo",
                "allowed_origins": ["https://www.acme.example"],
                "destination": {"marketo": marketo},
            },
            {
                "id": "webinar",
                "title": "Register for the webinar",
                "fields": [
                    *FIELDS,
                    {"name": "unsubscribed", "label": "No emails, thanks", "type": "checkbox"},
                ],
                "thank_you": "https://www.acme.example/thanks",
                "vendor": "marketo",
                "destination": {"marketo": {**marketo, "form_id": 2187, "program_id": 4410}},
            },
            {
                "id": "contact",
                "title": "Contact us",
                "fields": [
                    {"name": "email", "label": "Email", "type": "email"},
                    {"name": "firstname", "label": "First name"},
                    {"name": "message", "label": "Message", "type": "textarea"},
                ],
                "vendor": "hubspot",
                "destination": {"hubspot": hubspot_base},
            },
            {
                "id": "newsletter",
                "title": "Newsletter",
                "fields": [{"name": "email", "label": "Email", "type": "email"}],
                "vendor": "hubspot",
                "destination": {"hubspot": {**hubspot_base, "portal_id": "4410", "form_guid": "a1b2-c3d4"}},
            },
            {
                "id": "partner",
                "title": "Become a partner",
                "fields": [
                    {"name": "email", "label": "Email", "type": "email"},
                    {"name": "tier", "label": "Tier", "type": "select", "options": ["Silver", "Gold"]},
                ],
                "destination": {"webhook": {"url": hook.http.url("/hook"), "secret": "hook-secret"}},
            },
        ],
    }


@dataclass
class World:
    sessions: sessionmaker[Session]
    clock: ManualClock
    mkto: MarketoFake
    hubspot: HubSpotFake
    hook: WebhookPeer
    data: dict[str, Any]

    @property
    def plan(self) -> Plan:
        return Plan.model_validate(self.data)

    def replayer(self, worker: str = "test-worker") -> Replayer:
        return Replayer(self.sessions, clock=self.clock, worker=worker)

    def rows(self, form_id: str | None = None) -> list[Submission]:
        with self.sessions() as session:
            query = select(Submission).order_by(Submission.id)
            if form_id is not None:
                query = query.where(Submission.form_id == form_id)
            return list(session.scalars(query))


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> Iterator[World]:
    clock = ManualClock(T0)
    with MarketoFake(clock=clock) as mkto, HubSpotFake(clock=clock) as hubspot, WebhookPeer() as hook:
        mkto.db.forms[2187] = {"email", "firstName", "company", "unsubscribed"}
        hubspot.forms[("4410", "a1b2-c3d4")] = {"email"}
        yield World(sessions, clock, mkto, hubspot, hook, plan_data(mkto, hubspot, hook))


@pytest.fixture
def web(world: World) -> Iterator[httpx.Client]:
    app = create_app(sessions=world.sessions, plan=lambda: world.plan, clock=world.clock)
    with serving(app) as base, httpx.Client(base_url=base, timeout=10, follow_redirects=False) as client:
        world.data["settings"]["base_url"] = base  # plain http://: the session cookie is not Secure
        yield client
