"""The engine under test: a plan pointing at a fake internet on 127.0.0.1, a migrated database, a
clock the test moves, and — for tests of the engine's own behaviour — a recorder of state changes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from standby.app.engine import Engine
from standby.core.clock import ManualClock
from standby.engine.models import CheckState
from standby.plan.model import Plan
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.peers.http import Reply
from tests.peers.internet import FakeInternet

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@dataclass
class Changes:
    """Stands in for alerts.service.on_state_change where a test looks at the engine alone."""

    seen: list[tuple[str, str, str, str]] = field(default_factory=list)  # asset, check, previous, status

    def __call__(
        self, session: Session, *, state: CheckState, previous: str, plan: Plan, now: datetime
    ) -> None:
        self.seen.append((state.asset, state.check, previous, state.status))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def internet(tmp_path: Path) -> Iterator[FakeInternet]:
    with FakeInternet(T0, tmp_path) as net:
        net.add_domain("acme.example")
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield net


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'standby.db'}")
    migrate.upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


MakeEngine = Callable[..., Awaitable[Engine]]


@pytest.fixture
async def make(
    internet: FakeInternet, clock: ManualClock, sqlite_sessions: sessionmaker[Session]
) -> AsyncIterator[MakeEngine]:
    """`await make(worker="a", sessions=..., on_state_change=...)`: an engine on the fake internet's plan."""
    engines: list[Engine] = []

    async def build(**options: Any) -> Engine:
        sessions = options.pop("sessions", sqlite_sessions)
        options.setdefault("on_state_change", Changes())
        path = internet.directory / "plan.yaml"
        if not path.exists():
            internet.write_plan()
        engine = Engine(path, sessions, clock=options.pop("clock", clock), **options)
        await engine.start()
        engines.append(engine)
        return engine

    yield build
    for engine in engines:
        await engine.close()


def edit_plan(internet: FakeInternet, **changes: Any) -> Path:
    """Rewrite the plan file with top-level `changes` (the engine notices by mtime, size and hash)."""
    path = internet.directory / "plan.yaml"
    path.write_text(yaml.safe_dump(internet.plan(**changes), sort_keys=False))
    return path


def requests_to(internet: FakeInternet, path: str) -> int:
    return sum(1 for r in internet.web.requests if r.path == path)


def break_page(internet: FakeInternet, status: int = 503, path: str = "/demo") -> None:
    internet.web.route(path, Reply(status, "Service Unavailable"), host="go.acme.example")


def mend_page(internet: FakeInternet) -> None:
    internet.web.route("/demo", Reply(200, "<h1>Request a demo</h1>"), host="go.acme.example")


async def ticks(engine: Engine, clock: ManualClock, count: int, every: timedelta) -> None:
    """Tick, then move the clock; `count` times."""
    for _ in range(count):
        await engine.tick()
        clock.advance(every)
