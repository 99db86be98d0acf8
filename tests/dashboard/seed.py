"""A store filled by the real engine: a few ticks against the fake internet (an expiring domain, a
lapsed one, a failing page, a healthy page with a latency history, a certificate about to expire), with
email delivered to a local SMTP peer. Dashboard and browser tests read what the engine wrote."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import trustme
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.peers.http import HttpPeer, Reply
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer
from tests.peers.tls import server_context, write_bundle
from tests.peers.webhook import WebhookPeer

HOME = "<html><body><h1>Acme</h1><p>Welcome</p></body></html>"


@dataclass
class Seeded:
    sessions: sessionmaker[Session]
    plan: Plan
    clock: ManualClock


class CeilingJitter(random.Random):
    """Retry waits at their ceiling (30 s, 1 min, 2 min, 4 min...): the same schedule on every run. Drawn
    at random, a run of short waits could spend all eight attempts of Lee's webhook messages within the
    twelve ticks, and the page would show them given up on instead of waiting for a retry."""

    def random(self) -> float:
        return 1.0


def now() -> datetime:
    # OpenSSL checks certificates against the real time: the clock starts there (tests/peers/tls.py).
    return datetime.now(UTC).replace(second=0, microsecond=0)


@contextmanager
def seeded(directory: Path, *, ticks: int = 12) -> Iterator[Seeded]:
    """The engine ticks `ticks` times a minute apart; then the peers stop (pages read the store only)
    and the store stays open for the block."""
    start = now()
    clock = ManualClock(start)
    database = make_engine(f"sqlite:///{directory / 'standby.db'}")
    migrate.upgrade(database)
    sessions = session_factory(database)
    ca = trustme.CA()
    try:
        with ExitStack() as peers:
            net = peers.enter_context(FakeInternet(start, directory))
            smtp = peers.enter_context(SmtpPeer())
            shop = peers.enter_context(
                HttpPeer(tls=server_context(ca, "shop.acme.example", not_after=start + timedelta(days=9)))
            )
            shop.route("/", Reply(200, HOME))
            hook = peers.enter_context(WebhookPeer())
            hook.status = 500  # Lee's chat webhook is down: his messages wait for a retry
            net.add_domain("acme.example", days_left=200)
            net.add_domain("acme-shop.example", days_left=20)
            net.domains[-1]["confirm_by"] = "30d"  # past already: nobody confirmed, an alert escalates
            net.add_domain("acme-events.example", days_left=95, owner="lee")
            net.domains[-1]["confirm_by"] = "45d"
            net.add_domain("acme-mkto.example", days_left=200)
            net.lapse_like_marketo("acme-mkto.example")
            net.add_endpoint("home", "www.acme.example", "/", HOME, status=[200], max_latency="2s")
            net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
            net.web.route("/demo", Reply(503, "Service Unavailable"), host="go.acme.example")
            settings = {
                **net.plan()["settings"],
                "alert_after": 1,  # one look is enough here: most assets are probed once in a few ticks
                "ca_bundle": str(write_bundle(ca, directory)),
                "email": {"smtp": smtp.url, "from": "standby@ops.example", "starttls": False},
            }
            certificate = {"host": "shop.acme.example", "port": shop.port, "address": "127.0.0.1",
                           "owner": "lee", "confirm_by": "5d"}  # fmt: skip
            people = net.plan()["people"]
            people[1]["notify"] = [hook.apprise_url.replace("json://", "json://lee:s3cret@")]
            path = net.write_plan(
                settings=settings, certificates=[certificate], people=people, timezone="Europe/Berlin"
            )
            engine = Engine(path, sessions, clock=clock, rng=CeilingJitter())
            asyncio.run(_run(engine, clock, ticks))
        yield Seeded(sessions, engine.plan, clock)
    finally:
        database.dispose()


async def _run(engine: Engine, clock: ManualClock, ticks: int) -> None:
    try:
        for _ in range(ticks):
            await engine.tick()
            clock.advance(timedelta(minutes=1))
    finally:
        await engine.close()
