"""`standby serve --no-web` and `standby serve --web-only`: the checks in one process, the web app in
another, sharing one database."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from standby.cli import main
from standby.engine.models import FindingRecord, PlanLoad
from standby.store.db import make_engine, session_factory
from tests.engine.test_cli import eventually
from tests.peers.internet import FakeInternet
from tests.peers.smtp import free_port


@pytest.fixture
def live_internet(tmp_path: Path) -> Iterator[FakeInternet]:
    with FakeInternet(datetime.now(UTC), tmp_path) as net:
        net.add_endpoint("demo-page", "go.acme.example", "/demo", contains=["Request a demo"])
        yield net


@contextmanager
def standby(*argv: str) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "standby", *argv], stderr=subprocess.PIPE, text=True, env={**os.environ}
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_the_checks_and_the_web_app_can_run_in_separate_processes(
    live_internet: FakeInternet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, url, port = str(live_internet.write_plan()), f"sqlite:///{tmp_path / 'split.db'}", free_port()
    assert main(["token", "create", "--name", "ci", "--db", url]) == 0
    token = re.search(r"^    (\S+)$", capsys.readouterr().out, re.MULTILINE)
    assert token is not None
    database = make_engine(url)
    try:
        with standby("serve", plan, "--db", url, "--no-web") as checks:

            def probed() -> bool:
                assert checks.poll() is None, checks.communicate()[1]
                with session_factory(database)() as session:
                    return bool(session.scalar(select(func.count()).select_from(FindingRecord)))

            eventually(probed)
            with standby("serve", plan, "--db", url, "--web-only", "--port", str(port)) as web:

                def page_status() -> str | None:
                    assert web.poll() is None, web.communicate()[1]
                    try:
                        reply = httpx.get(
                            f"http://127.0.0.1:{port}/api/v1/assets/endpoint:demo-page",
                            headers={"Authorization": f"Bearer {token.group(1)}"},
                            timeout=1,
                        )
                    except httpx.HTTPError:
                        return None
                    if reply.status_code != 200:  # not up yet (an empty error reply under load)
                        return None
                    return str(reply.json()["status"])

                eventually(lambda: page_status() == "ok")
                web.send_signal(signal.SIGTERM)
                assert web.wait(timeout=20) == 0
            checks.send_signal(signal.SIGTERM)
            assert checks.wait(timeout=20) == 0
        with session_factory(database)() as session:
            assert session.scalar(select(func.count()).select_from(PlanLoad)) == 1  # the web app records none
    finally:
        database.dispose()


def test_web_only_and_no_web_together_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "serve",
        str(tmp_path / "plan.yaml"),
        "--db",
        f"sqlite:///{tmp_path / 'x.db'}",
        "--web-only",
        "--no-web",
    ]
    assert main(argv) == 1
    assert (
        capsys.readouterr().err == "error: --web-only and --no-web together would run nothing: choose one\n"
    )
