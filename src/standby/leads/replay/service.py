"""Replaying forms: `run_due` (every form with pending leads whose vendor monitor is healthy, or that
has no vendor; the engine's job) and `run` (the forms asked for, now; `standby leads replay`).

Each form is one `FormReplay` pass; forms run side by side, and forms writing to one platform
account share its client, so together they stay inside its limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from standby.core.clock import Clock
from standby.core.hostport import split_host_port
from standby.core.net import NetConfig, Network
from standby.leads.health import vendor_healthy
from standby.leads.replay import store
from standby.leads.replay.destinations import Destinations
from standby.leads.replay.runner import FormReplay, Pass
from standby.plan.forms import Form
from standby.plan.model import Plan, Settings

PASS_TIME = timedelta(seconds=50)  # a due pass gives the form back this often; the next one goes on
TIMEOUT = 60.0  # seconds per network operation: platforms take long over big batches


class Replayer:
    def __init__(self, sessions: sessionmaker[Session], *, clock: Clock, worker: str) -> None:
        self.sessions, self.clock, self.worker = sessions, clock, worker
        self._settings: Settings | None = None
        self._destinations: Destinations | None = None

    def destinations(self, plan: Plan) -> Destinations:
        if self._destinations is None or plan.settings != self._settings:
            self._settings = plan.settings
            self._destinations = Destinations(Network(_net_config(plan.settings)), self.clock)
        return self._destinations

    async def run_due(self, plan: Plan, *, now: datetime) -> list[Pass]:
        """Forms with pending leads whose platform is back; each pass runs for at most PASS_TIME."""
        due = await asyncio.to_thread(self._due, plan)
        return await self._passes(plan, due, force=False, until=now + PASS_TIME)

    async def run(self, plan: Plan, forms: Sequence[str] | None = None) -> list[Pass]:
        """Replay the forms asked for (all when None) now, whatever their monitors say, until done."""
        chosen = [f for f in plan.forms if forms is None or f.id in forms]
        return await self._passes(plan, chosen, force=True, until=None)

    async def _passes(
        self, plan: Plan, forms: Sequence[Form], *, force: bool, until: datetime | None
    ) -> list[Pass]:
        hub = self.destinations(plan)
        passes = [
            FormReplay(self.sessions, form, hub.for_form(form), clock=self.clock, worker=self.worker).run(
                force=force, until=until
            )
            for form in forms
        ]
        return list(await asyncio.gather(*passes))

    def _due(self, plan: Plan) -> list[Form]:
        vendors = {v.id: v.asset_id for v in plan.vendors}
        with self.sessions() as session:
            return [
                f
                for f in plan.forms
                if store.has_pending(session, f.id)
                and (f.vendor is None or vendor_healthy(session, vendors[f.vendor]))
            ]


def _net_config(settings: Settings) -> NetConfig:
    return NetConfig(
        resolvers=tuple(split_host_port(r, 53) for r in settings.resolvers),
        ca_bundle=settings.ca_bundle,
        timeout=max(settings.timeout.total_seconds(), TIMEOUT),
    )
