"""Marketo is down, for the browser: the real engine ticks against the fake internet until it detects
the outage and opens Marketo's incident (a playbook with internal and external audiences and a status
page), then the whole web app serves the store (tests/dashboard/site.py's Dashboard). The peers and
the engine stay up while the block runs, so `tick()` is the engine's next pass: the one that
re-publishes the status page after someone posted an update."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.statuspage import pipeline
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.dashboard.seed import Seeded, now
from tests.dashboard.site import Dashboard
from tests.incidents.conftest import plan_data
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer
from tests.web.server import serving

T = TypeVar("T")


@dataclass
class Outage:
    clock: ManualClock
    sessions: sessionmaker[Session]
    engine: Engine
    loop: asyncio.AbstractEventLoop
    thread: ThreadPoolExecutor  # the engine's own: Playwright's sync API keeps a loop on the test's
    site: Dashboard = field(init=False)

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return self.thread.submit(self.loop.run_until_complete, work).result()

    def tick(self, seconds: float = 1) -> None:
        """The engine's next pass, `seconds` later; waits for the status page's publish."""
        self.clock.advance(timedelta(seconds=seconds))
        self.run(self.engine.tick())
        pipeline.settle(self.sessions)


@contextmanager
def outage(directory: Path) -> Iterator[Outage]:
    clock = ManualClock(now())
    database = make_engine(f"sqlite:///{directory / 'standby.db'}")
    migrate.upgrade(database)
    sessions = session_factory(database)
    loop, thread = asyncio.new_event_loop(), ThreadPoolExecutor(1)
    try:
        with FakeInternet(clock.now(), directory) as internet, SmtpPeer() as smtp:
            data = plan_data(smtp.url, "json://127.0.0.1:9/unused", directory / "site")
            base = internet.plan()
            data["settings"] = {**base["settings"], "email": data["settings"]["email"]}
            data["vendors"] = [{**base["vendors"][0], "playbook": "marketo-down"}]
            data["endpoints"], data["playbooks"] = [], data["playbooks"][:1]
            data["audiences"][1] = {"id": "sales", "members": ["lee"]}
            path = directory / "plan.yaml"
            path.write_text(yaml.safe_dump(data, sort_keys=False))
            engine = Engine(path, sessions, clock=clock, worker="w1")
            internet.vendor.set_component("Marketo Engage", "major_outage")
            found = Outage(clock, sessions, engine, loop, thread)
            try:
                for _ in range(3):  # two bad looks (alert_after: 2) a minute apart open the incident
                    found.tick(60)
                found.site = Dashboard(Seeded(sessions, engine.plan, clock))
                with serving(found.site.app) as address:
                    found.site.serve(address)
                    yield found
                    for client in found.site.clients:
                        client.close()
            finally:
                found.run(engine.close())
                pipeline.settle(sessions)
    finally:
        thread.shutdown()
        loop.close()
        database.dispose()
