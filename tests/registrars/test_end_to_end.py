"""End to end through `standby serve`'s engine: a fake GoDaddy account, the fake internet's registry,
a real SMTP server. Auto-renew switched off at the registrar → the owner is warned and, nobody
acknowledging, the manager is told; a registrar expiry earlier than the registry's → critical; the
registrar's verified auto-renew confirms the renewal cycle without anyone, and stops when it is off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from standby.alerts.models import Alert, Renewal
from standby.app.engine import Engine
from standby.app.monitors import serve_jobs
from standby.core.clock import ManualClock
from standby.engine.models import CheckState
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.peers.internet import FakeInternet
from tests.peers.rdap import domain_object
from tests.peers.registrars import GoDaddyFake
from tests.peers.smtp import SmtpPeer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXPIRES = T0 + timedelta(days=200)


@dataclass
class World:
    clock: ManualClock
    internet: FakeInternet
    godaddy: GoDaddyFake
    smtp: SmtpPeer
    sessions: sessionmaker[Session]
    engine: Engine

    async def hours(self, count: int) -> None:
        for _ in range(count):
            await self.engine.tick()
            self.clock.advance(timedelta(hours=1))
        await self.engine.tick()

    def state(self, check: str = "registrar") -> CheckState:
        with self.sessions() as session:
            found = session.scalar(select(CheckState).where(CheckState.key == f"domain:acme.example|{check}"))
            assert found is not None
            session.expunge(found)
            return found

    def alerts(self) -> list[Alert]:
        with self.sessions() as session:
            return list(session.scalars(select(Alert).where(Alert.check == "registrar")))

    def cycle(self) -> Renewal:
        with self.sessions() as session:
            found = session.scalar(select(Renewal).where(Renewal.asset == "domain:acme.example"))
            assert found is not None
            session.expunge(found)
            return found

    def mail_to(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.smtp.messages if address in str(m["To"])]


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    clock = ManualClock(T0)
    database = make_engine(f"sqlite:///{tmp_path / 'standby.db'}")
    migrate.upgrade(database)
    sessions = session_factory(database)
    with FakeInternet(T0, tmp_path) as internet, GoDaddyFake(clock) as godaddy, SmtpPeer() as smtp:
        internet.add_domain("acme.example", days_left=200)
        godaddy.add("acme.example", expires=EXPIRES)
        data = internet.plan(
            registrars=[{"id": "gd", "kind": "godaddy", "api_key": "${GD_KEY}", "api_secret": "${GD_SECRET}",
                         "base_url": godaddy.url}],
        )  # fmt: skip
        data["domains"][0].update(registrar="gd", confirm_by="30d")
        data["settings"]["email"] = {"smtp": smtp.url, "from": "standby@alerts.test", "starttls": False}
        data["vendors"] = []
        path = tmp_path / "plan.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        with pytest.MonkeyPatch.context() as env:
            env.setenv("GD_KEY", "gd-key")
            env.setenv("GD_SECRET", "gd-secret")
            engine = Engine(path, sessions, clock=clock, worker="w1", monitors=serve_jobs)
            try:
                await engine.start()
                yield World(clock, internet, godaddy, smtp, sessions, engine)
            finally:
                await engine.close()
    database.dispose()


async def test_auto_renew_switched_off_warns_the_owner_then_escalates_to_the_manager(world: World) -> None:
    await world.hours(2)
    assert world.state().status == "ok", world.state().summary
    assert world.cycle().confirmation == "registrar"  # the registrar vouched: nobody is asked
    assert world.cycle().confirmed_by == "GoDaddy (gd)"
    world.godaddy.domains["acme.example"].auto_renew = False  # someone switched it off
    world.clock.advance(timedelta(days=1))  # tomorrow's listing sees it
    await world.hours(2)
    state = world.state()
    assert state.status == "warning" and "auto-renew is off at GoDaddy (gd)" in state.summary
    (alert,) = world.alerts()
    assert alert.severity == "warning" and alert.owner == "dana"
    assert world.mail_to("dana@acme.example"), "the owner is warned"
    assert world.cycle().confirmed_at is None  # the registrar no longer vouches: reminders apply again
    await world.hours(1)  # nobody acknowledges: the default chain tells the manager after 30 minutes
    assert world.mail_to("lee@acme.example"), "the manager is told"


async def test_a_registrar_expiry_earlier_than_the_registrys_is_critical(world: World) -> None:
    world.internet.rdap.domains["acme.example"] = domain_object(
        "acme.example",
        expires=EXPIRES + timedelta(days=365),
        nameservers=["ns1.dnshost.example", "ns2.dnshost.example"],
    )
    await world.hours(2)
    state = world.state()
    assert state.status == "critical", state.summary
    assert "earlier than the registry's" in state.summary
    (alert,) = world.alerts()
    assert alert.severity == "critical"
    assert world.mail_to("dana@acme.example")


async def test_the_registrar_api_is_called_once_a_day_however_often_the_check_runs(world: World) -> None:
    await world.hours(6)
    assert len(world.godaddy.requests) == 1
    world.clock.advance(timedelta(days=1))
    await world.hours(1)
    assert len(world.godaddy.requests) == 2
