"""The whole of Standby, wired as `standby serve` runs it, on a fake internet: the real engine (every
subscriber and tick job), the web app on a real uvicorn with a signed-in admin and an API token, the
command line on the same database; SMTP, a webhook, DNS, RDAP, HTTP and a vendor's Statuspage as real
peers on 127.0.0.1. The test writes the plan, moves the clock and ticks; everything else is Standby's.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager, redirect_stderr, redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert
from standby.app.engine import Engine
from standby.app.web import create_app
from standby.cli import main
from standby.core.clock import ManualClock
from standby.engine.runner import TickReport
from standby.statuspage import pipeline
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from standby.web.auth import apitokens, users
from tests.dashboard.site import PASSWORD
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer
from tests.peers.webhook import WebhookPeer
from tests.web.server import serving

ADMIN = "ops@acme-ops.example"


def now() -> datetime:
    # TLS peers' certificates are checked against the real time: the clock starts there.
    return datetime.now(UTC).replace(second=0, microsecond=0)


class Stage:
    def __init__(self, directory: Path, internet: FakeInternet, smtp: SmtpPeer, hook: WebhookPeer) -> None:
        self.directory, self.internet, self.smtp, self.hook = directory, internet, smtp, hook
        self.clock = ManualClock(internet.now)
        self.database = make_engine(f"sqlite:///{directory / 'standby.db'}")
        migrate.upgrade(self.database)
        self.sessions: sessionmaker[Session] = session_factory(self.database)
        self.url = f"sqlite:///{directory / 'standby.db'}"
        self.path = directory / "plan.yaml"
        self.engine: Engine | None = None
        self.base = ""
        self.admin: httpx.Client | None = None
        self.api: httpx.Client | None = None
        self._secret: str | None = None

    # -- the plan and the engine ---------------------------------------------------------------

    def plan(self, **extra: Any) -> dict[str, Any]:
        """The fake internet's plan (its resolver, registry, parent zone, vendor) with `extra`."""
        data = self.internet.plan()
        settings = data["settings"]
        settings["base_url"] = "http://127.0.0.1:8400"  # plain http: the session cookie is not Secure
        for key, value in extra.pop("settings", {}).items():
            settings[key] = value
        return {**data, "settings": settings, **extra}

    def run(self, data: dict[str, Any]) -> Engine:
        self.path.write_text(yaml.safe_dump(data, sort_keys=False))
        if self.engine is None:
            self.engine = Engine(self.path, self.sessions, clock=self.clock, worker="standby-1:1")
        return self.engine

    async def tick(self, seconds: float = 60) -> TickReport:
        """The engine's next whole pass, `seconds` later; waits for the status page's publish."""
        assert self.engine is not None, "run(plan) first"
        self.clock.advance(timedelta(seconds=seconds))
        report = await self.engine.tick()
        pipeline.settle(self.sessions)
        return report

    # -- what people see ------------------------------------------------------------------------

    def cli(self, *argv: str) -> tuple[int, str]:
        """`standby ARGV --db THIS` (stdout and stderr together): commands find the plan the engine runs."""
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = main([*argv, "--db", self.url])
        return code, out.getvalue()

    def alerts(self) -> list[Alert]:
        with self.sessions() as session:
            return list(session.scalars(select(Alert).order_by(Alert.id)))

    def mail(self, to: str) -> list[str]:
        return [str(m["Subject"]) for m in self.smtp.messages if m["To"] == to]

    @contextmanager
    def web(self) -> Iterator[None]:
        """The web app on uvicorn, an admin signed in (`self.admin`), an API token (`self.api`)."""
        assert self.engine is not None
        engine = self.engine
        app = create_app(sessions=self.sessions, plan=lambda: engine.plan, clock=self.clock)
        if self._secret is None:
            with self.sessions.begin() as session:
                users.add(session, email=ADMIN, role="admin", password=PASSWORD, now=self.clock.now())
                self._secret = apitokens.create(
                    session, name="e2e", role="viewer", scope="api", now=self.clock.now()
                )
        secret = self._secret
        with serving(app) as base, contextlib.ExitStack() as clients:
            self.base = base
            self.admin = clients.enter_context(httpx.Client(base_url=base, timeout=10))
            reply = self.admin.post("/login", data={"email": ADMIN, "password": PASSWORD, "next": "/"})
            assert reply.status_code == 303, reply.text
            headers = {"Authorization": f"Bearer {secret}"}
            self.api = clients.enter_context(httpx.Client(base_url=base, timeout=10, headers=headers))
            yield

    def close(self) -> None:
        self.database.dispose()


@contextlib.asynccontextmanager
async def stage(directory: Path) -> AsyncIterator[Stage]:
    async with AsyncExitStack() as stack:
        internet = stack.enter_context(FakeInternet(now(), directory))
        smtp = stack.enter_context(SmtpPeer())
        hook = stack.enter_context(WebhookPeer())
        built = Stage(directory, internet, smtp, hook)
        stack.callback(built.close)
        try:
            yield built
        finally:
            if built.engine is not None:
                await built.engine.close()
            pipeline.settle(built.sessions)
        await asyncio.sleep(0)
