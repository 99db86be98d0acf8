"""`standby serve`, `standby worker` and `standby history` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from standby.cli import main
from standby.core.clock import ManualClock
from standby.engine.models import FindingRecord, PlanLoad
from standby.store import migrate
from standby.store.db import make_engine, session_factory
from tests.engine.conftest import MakeEngine, break_page
from tests.peers.internet import FakeInternet
from tests.peers.smtp import free_port


def eventually(check: Callable[[], bool], *, within: float = 90.0) -> None:
    """Wait for a child process to get there. `within` only bounds a hung process; it is no speed
    requirement: on a loaded 2-core machine (load average 10 under CI with other suites) `standby
    serve` took just over 20 s to answer /healthz, and the old 20 s bound failed by 0.05–0.4 s."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def live_internet(tmp_path: Path) -> Iterator[FakeInternet]:
    """A fake internet dated now: `standby serve` runs on the real clock."""
    with FakeInternet(datetime.now(UTC), tmp_path) as net:
        net.add_domain("acme.example")
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield net


def test_serve_migrates_probes_answers_healthz_and_stops_cleanly_on_sigterm(
    live_internet: FakeInternet, tmp_path: Path
) -> None:
    plan, url, port = live_internet.write_plan(), f"sqlite:///{tmp_path / 'serve.db'}", free_port()
    command = [sys.executable, "-m", "standby", "serve", str(plan), "--db", url, "--port", str(port)]
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "200"}
    )
    database = make_engine(url)
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json() == {"status": "ok"}
            except httpx.HTTPError:
                assert process.poll() is None, process.communicate()[1]
                return False

        def probed() -> bool:
            with session_factory(database)() as session:
                return bool(session.scalar(select(func.count()).select_from(FindingRecord)))

        eventually(healthy)
        eventually(probed)
        assert migrate.current(database) == migrate.head()
        with session_factory(database)() as session:
            assert session.scalars(select(PlanLoad.valid)).all() == [True]
        assert any(r.path == "/demo" for r in live_internet.web.requests)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        database.dispose()
    assert process.returncode == 0, stderr
    # the plan's three monitors, and the page's weekly discovery of its outside dependencies
    assert "loaded: 4 monitors (4 new, 0 removed, 0 changed)" in stderr, stderr
    assert "Traceback" not in stderr


def test_a_worker_on_postgresql_probes_and_stops_cleanly_on_sigterm(
    live_internet: FakeInternet, postgres_url: str
) -> None:
    command = [
        sys.executable,
        "-m",
        "standby",
        "worker",
        str(live_internet.write_plan()),
        "--db",
        postgres_url,
    ]
    process = subprocess.Popen([*command, "--worker-id", "w2"], stderr=subprocess.PIPE, text=True)
    try:
        eventually(
            lambda: process.poll() is None and any(r.path == "/demo" for r in live_internet.web.requests)
        )
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert "worker w2 running" in stderr and "worker w2 stopped" in stderr and "web app" not in stderr


def test_serve_refuses_a_broken_plan_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("version: 1\norganization: Acme\nendpoints:\n  - id: x\n    url: nope\n")
    assert (
        main(["serve", str(plan), "--db", f"sqlite:///{tmp_path / 'x.db'}", "--port", str(free_port())]) == 1
    )
    err = capsys.readouterr().err
    assert f"{plan}:5:10 endpoints[0].url:" in err and "Traceback" not in err


def test_serve_says_when_its_port_is_taken(
    live_internet: FakeInternet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["serve", str(live_internet.write_plan()), "--db", f"sqlite:///{tmp_path / 'x.db'}"]
        assert main([*args, "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in err and "Traceback" not in err


def test_worker_refuses_sqlite_because_only_one_process_may_use_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["worker", str(tmp_path / "plan.yaml"), "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "one process" in capsys.readouterr().err


def test_a_bad_database_url_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "endpoint:x", "--db", "nosuchdb://here"]) == 1
    assert main(["history", "endpoint:x", "--db", f"sqlite:///{tmp_path / 'never-served.db'}"]) == 1
    err = capsys.readouterr().err
    assert "'nosuchdb://here' is not a database URL" in err
    assert "has no Standby data yet" in err and "Traceback" not in err


@pytest.fixture
async def served(make: MakeEngine, internet: FakeInternet, clock: ManualClock, tmp_path: Path) -> str:
    """The engine's database after two runs of the demo page, the second one failing; returns its URL."""
    engine = await make()
    await engine.tick()
    break_page(internet)
    clock.advance(timedelta(minutes=1))
    await engine.tick()
    return f"sqlite:///{tmp_path / 'standby.db'}"  # the `sqlite_sessions` file


def test_history_lists_an_assets_findings_newest_first(
    served: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["history", "endpoint:demo-page", "--db", served]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "2026-12-03T09:0" in line]
    assert "critical" in lines[0] and "09:01:00Z" in lines[0] and "503" in lines[0]
    assert "ok" in lines[1] and "09:00:00Z" in lines[1]


def test_history_as_json_with_a_limit_and_a_short_name(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "demo-page", "--db", served, "--limit", "1", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["asset"] == "endpoint:demo-page"
    [finding] = document["findings"]
    assert finding["status"] == "critical" and finding["observed_at"] == "2026-12-03T09:01:00Z"
    assert finding["details"]["status_code"] == 503


def test_history_of_an_unknown_asset_says_which_exist(
    served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "endpoint:demo-pgae", "--db", served]) == 1
    err = capsys.readouterr().err
    assert "no asset 'endpoint:demo-pgae' (did you mean 'endpoint:demo-page'?)" in err
    assert "Traceback" not in err
