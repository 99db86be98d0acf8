"""One `standby serve` process on SQLite, checking an endpoint every second, and what users and other
processes do beside it: a second `serve` on the same file is refused by name, sign-ins while the
database is busy never fail, and bad ids and dates in URLs are 4xx problems, never 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, update

from standby.engine.models import FindingRecord
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from standby.web.auth import apitokens, users
from standby.web.auth.models import LoginAttempt
from tests.engine.serving import Serve, eventually, paging_plan, serving
from tests.peers.internet import FakeInternet
from tests.peers.smtp import SmtpPeer

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery staple"


@dataclass
class Running:
    serve: Serve
    url: str
    token: str
    directory: Path


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    directory = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{directory / 'standby.db'}"
    database = make_engine(url)
    migrate.upgrade(database)
    with session_factory(database).begin() as session:
        now = datetime.now(UTC)
        for email in ("dana@acme.example", "lee@acme.example"):
            users.add(session, email=email, role="admin", password=PASSWORD, now=now)
        token = apitokens.create(session, name="ci", role="admin", scope="api", now=now)
    database.dispose()
    with FakeInternet(datetime.now(UTC), directory) as net, SmtpPeer() as smtp:
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        with serving(paging_plan(net, smtp), url, directory / "serve.log") as serve:
            eventually(serve.healthy, what="the web app")
            yield Running(serve, url, token, directory)
            assert serve.stop() == 0
    assert "Traceback" not in serve.log


def test_a_second_serve_on_the_same_sqlite_file_is_refused_and_names_the_first(running: Running) -> None:
    plan = running.directory / "plan.yaml"
    with serving(plan, running.url, running.directory / "second.log", web=False) as second:
        assert second.process.wait(timeout=60) == 1
    database = running.directory / "standby.db"
    assert f"error: {database} is in use by another Standby process (pid {running.serve.process.pid} on " in (
        second.log
    )
    assert f"`standby serve {plan}`" in second.log
    assert "Stop that one first, or use PostgreSQL (--db postgresql://…)" in second.log
    assert "Traceback" not in second.log
    assert running.serve.healthy()


def test_sign_ins_while_the_database_is_busy_never_fail_and_every_attempt_counts(running: Running) -> None:
    """The reported 500s: a sign-in read, then wrote after another connection's commit (its snapshot
    stale: "database is locked" at once), and the failed attempts went uncounted."""
    database = make_engine(running.url)
    stop = threading.Event()

    def busy() -> None:  # more writes beside the engine's: the write lock held half the time
        while not stop.wait(0.02):
            with database.begin() as connection:
                connection.execute(update(FindingRecord).where(FindingRecord.id == -1).values(summary=""))
                stop.wait(0.02)

    def sign_in(n: int) -> int:
        email = "dana@acme.example" if n % 2 else "lee@acme.example"
        password = PASSWORD if n % 3 else "wrong password"
        reply = httpx.post(
            f"{running.serve.base}/login", data={"email": email, "password": password}, timeout=60
        )
        return reply.status_code

    writer = threading.Thread(target=busy)
    writer.start()
    try:
        with session_factory(database)() as session:
            before = session.scalar(select(func.count()).select_from(LoginAttempt)) or 0
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(sign_in, range(16)))
    finally:
        stop.set()
        writer.join()
    with session_factory(database)() as session:
        attempts = (session.scalar(select(func.count()).select_from(LoginAttempt)) or 0) - before
        failed = session.scalar(
            select(func.count()).select_from(LoginAttempt).where(LoginAttempt.ok.is_(False))
        )
    database.dispose()
    assert all(s < 500 for s in statuses), (statuses, running.serve.log[-3000:])
    assert statuses.count(303) + statuses.count(401) == attempts  # each answered attempt is a row
    assert failed == statuses.count(401) and statuses.count(401) >= 5


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/findings?since=9999-12-31T23:59:59-23:59"),  # year 10000 in UTC
        ("GET", "/api/v1/findings?until=0001-01-01T00:00:00%2B23:59"),  # year 0 in UTC
        ("GET", "/api/v1/findings?since=yesterday"),
        ("GET", "/incidents/99999999999999999999999"),
        ("GET", "/incidents/9223372036854775808"),
        ("GET", "/incidents/1?posted=99999999999999999999999"),
        ("POST", "/alerts/99999999999999999999999/ack"),
        ("POST", "/incidents/99999999999999999999999/publish"),
        ("GET", "/api/v1/alerts/99999999999999999999999"),
    ],
)
def test_a_bad_id_or_date_in_a_url_is_a_4xx_problem(running: Running, method: str, path: str) -> None:
    reply = httpx.request(
        method,
        f"{running.serve.base}{path}",
        headers={"Authorization": f"Bearer {running.token}"},
        timeout=30,
    )
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"].startswith("invalid request: ")
